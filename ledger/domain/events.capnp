# The complaint event catalogue: one struct per fact the actions can produce. docs/events.md lists
# each event with what it means, who may cause it and what it carries.
#
# Every complaint event is an Envelope (ledger/log/envelope.capnp) whose payload is a DomainEvent and
# whose `type` names the union member (e.g. type "ComplaintReceived" <-> received).
#
# Conventions:
# - Codes (channels, levels, categories, reasons...) are Text holding the stable lower-case codes
#   of docs/actions.md and docs/rules.md; the decider validates them against the policy in force.
# - Int64 fields annotated $money hold integer fen (1/100 yuan); -1 means "not given". JSON shows
#   them as decimal strings with two places ("1300.00") or null.
# - Int64 fields annotated $time hold microseconds since the Unix epoch (UTC); 0 means "not
#   given". JSON shows them as RFC 3339 in the policy's time zone.
# - Positions (UInt64) refer to events of the global log.
# - Field numbers are forever: add new fields at the end, rename retired ones obsoleteXxx.
# - Comments: every struct has one on the lines above it; every field has one after it, on its
#   own line or on the lines directly below (tests/ledger/schema_comments_test.cc checks this).

@0xd20955993ab5ac1c;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("ledger::domain::schema");

annotation money @0xbf35d01e825fb1ab (field) :Void;     # Int64 fen, -1 = not given
annotation time @0xbd902384e8aecbf1 (field) :Void;      # Int64 µs since the epoch, 0 = not given
annotation personal @0xe9fd7b88da3c3e4e (field) :Void;  # personal data: redacted for `reader`

# The person who complains. Personal data, kept in this one sub-record so that it can later be
# encrypted per complainant and erased without rewriting history.
struct Complainant {
  name @0 :Text;      # as given
  phone @1 :Text;     # as given; also the key that tells complainants apart (repeat_3)
  unit @2 :Text;      # unit / property / room number
  isOwner @3 :Bool;   # the complainant is the rights holder (owner)
}

# Personal data sealed with its data subject's key (docs/privacy.md). The chain, the tree and
# every proof cover these bytes: erasing the key makes them unreadable without changing a hash.
struct SealedPersonalData {
  subject @0 :Text;        # the data subject: a random UUID, never derived from personal data
  keyVersion @1 :UInt32;   # which of the subject's keys sealed it (1 for the first)
  keyCommitment @2 :Data;  # SHA-256("dek/v1" 0 subject 0 key): names the key, never reveals it
  sealed @3 :Data;         # AES-256-GCM of a canonical PersonalData message: nonce (12 bytes) ||
                           # ciphertext || tag (16 bytes); associated data binds it to its subject,
                           # key version, stream, stream version and event type (docs/privacy.md)
}

# What SealedPersonalData seals: the personal fields of one event.
struct PersonalData {
  name @0 :Text;           # ComplaintReceived: the complainant's name
  phone @1 :Text;          # ComplaintReceived: the complainant's phone
  unit @2 :Text;           # ComplaintReceived: the complainant's unit
  value @3 :Text;          # EventCorrected of a complainant field: the new value
  previousValue @4 :Text;  # EventCorrected of a complainant field: the value it supersedes
}

# Who or what is complained about.
struct Target {
  kind @0 :Text;        # person | department | unit
  id @1 :Text;          # the person id, department id or unit number
  department @2 :Text;  # for a person: the department they belong to (may be empty)
}

# An action's event, with the action's free-text note.
struct DomainEvent {
  note @0 :Text;  # the action's free-text `note`, on its first event; empty if none

  # The event itself: exactly one member, the one the envelope's `type` names.
  union {
    received @1 :ComplaintReceived;                 # type "ComplaintReceived"
    transmitted @2 :ComplaintTransmitted;           # type "ComplaintTransmitted"
    validityAssessed @3 :ValidityAssessed;          # type "ValidityAssessed"
    classified @4 :ComplaintClassified;             # type "ComplaintClassified"
    levelSet @5 :LevelSet;                          # type "LevelSet"
    levelEscalated @6 :LevelEscalated;              # type "LevelEscalated"
    responsibilityAssigned @7 :ResponsibilityAssigned;  # type "ResponsibilityAssigned"
    customerResponded @8 :CustomerResponded;        # type "CustomerResponded"
    planProposed @9 :PlanProposed;                  # type "PlanProposed"
    planReviewed @10 :PlanReviewed;                 # type "PlanReviewed"
    progressRecorded @11 :ProgressRecorded;         # type "ProgressRecorded"
    resolved @12 :ComplaintResolved;                # type "ComplaintResolved"
    resolutionConfirmed @13 :ResolutionConfirmed;   # type "ResolutionConfirmed"
    closed @14 :ComplaintClosed;                    # type "ComplaintClosed"
    reopened @15 :ComplaintReopened;                # type "ComplaintReopened"
    clockPaused @16 :ClockPaused;                   # type "ClockPaused"
    clockResumed @17 :ClockResumed;                 # type "ClockResumed"
    flagAdded @18 :FlagAdded;                       # type "FlagAdded"
    linked @19 :ComplaintLinked;                    # type "ComplaintLinked"
    extensionRequested @20 :ExtensionRequested;     # type "ExtensionRequested"
    extensionDecided @21 :ExtensionDecided;         # type "ExtensionDecided"
    staffDecisionRecorded @22 :StaffDecisionRecorded;  # type "StaffDecisionRecorded"
    callbackRecorded @23 :CallbackRecorded;         # type "CallbackRecorded"
    fineRecorded @24 :FineRecorded;                 # type "FineRecorded"
    fineWaived @25 :FineWaived;                     # type "FineWaived"
    departmentRated @26 :DepartmentRated;           # type "DepartmentRated" (stream "ratings")
    corrected @27 :EventCorrected;                  # type "EventCorrected"
    evidenceAttached @28 :EvidenceAttached;         # type "EvidenceAttached"
    policyPublished @29 :PolicyPublished;           # type "PolicyPublished" (stream "policy")
    importRecorded @30 :ImportRecorded;             # type "ImportRecorded" (stream "imports")
    statementPublished @31 :FineStatementPublished;  # type "FineStatementPublished"
                                                     # (stream "statements")
    signingKeyChanged @32 :SigningKeyChanged;        # type "SigningKeyChanged" (stream "keys")
    legalHoldPlaced @33 :LegalHoldPlaced;            # type "LegalHoldPlaced" (stream "privacy")
    legalHoldLifted @34 :LegalHoldLifted;            # type "LegalHoldLifted" (stream "privacy")
    erasureRequested @35 :ErasureRequested;          # type "ErasureRequested" (stream "privacy")
    processingRestricted @36 :ProcessingRestricted;  # type "ProcessingRestricted"
                                                     # (stream "privacy")
    subjectErased @37 :SubjectErased;                # type "SubjectErased" (stream "privacy")
    personalDataSealed @38 :PersonalDataSealed;      # type "PersonalDataSealed"
  }
}

# A complaint was received (intake). The first event of every complaint stream.
struct ComplaintReceived {
  channel @0 :Text;              # hotline | wechat | visit | ... (docs/actions.md)
  complainant @1 :Complainant $personal;  # who complains (personal data)
  project @2 :Text;              # the site/store/branch (a project id of the policy)
  subject @3 :Text;              # one line
  description @4 :Text;          # what happened
  demands @5 :Text;              # what the customer asks for
  target @6 :Target;             # null when nobody/nothing in particular is complained about
  claimedCompensation @7 :Int64 = -1 $money;  # money claimed, -1 if none
  headcount @8 :UInt32;          # number of complainants, >= 1 (1 when not given)
  flags @9 :List(Text);          # flag codes known at intake (safety_risk, media, ...)
  receivingDepartment @10 :Text; # the department that received it
  receivingStaff @11 :Text;      # the staff member who received it (person id; the actor)
  externalRef @12 :Text;         # e.g. the manufacturer's work order number; unique when given,
                                 # empty when not
  targetComplaints @13 :UInt32;  # complaints on record against the same target at intake,
                                 # this one included (0: no target); feeds same_target_3
  personal @14 :SealedPersonalData;  # the complainant's name, phone and unit, sealed; then
                                     # complainant.name/phone/unit are empty (null: recorded in
                                     # the clear, before the ledger sealed personal data)
}

# The receiving department passed the complaint on (normally to customer service).
struct ComplaintTransmitted {
  toDepartment @0 :Text;  # department id; only customer service's meets the transmission clock
  toPerson @1 :Text;      # the staff member who took it over (person id); empty if unknown
}

# Customer service decided whether the complaint is valid.
struct ValidityAssessed {
  valid @0 :Bool;   # true: valid; false: invalid
  reason @1 :Text;  # required when invalid: suggestion | misunderstanding | ...
                    # (docs/rules.md#validity); empty when valid
}

# Customer service set the category; the policy maps it to departments and a closure class.
struct ComplaintClassified {
  category @0 :Text;          # a category code of the policy, e.g. maintenance
  closureClass @1 :Text;      # as the policy mapped it when classified (for the record)
  firstResponsible @2 :Text;  # department the policy names (empty: case by case)
}

# Customer service set the level by hand.
struct LevelSet {
  level @0 :Text;             # general | important | major | crisis
  previousLevel @1 :Text;     # the level before this event
  reason @2 :Text;            # required; below the rule level it becomes a compliance finding
  ruleLevel @3 :Text;         # the level the rules gave at that moment
  ruleCodes @4 :List(Text);   # the rules that matched at that moment
}

# The ledger raised the level because new facts match a higher rule (actor "system").
# targetComplaints and sameIssueComplainants are the facts from other complaints that raised it
# (0: not involved), recorded so that the rule level can be recomputed from this stream alone.
struct LevelEscalated {
  level @0 :Text;          # the new level: important | major | crisis
  previousLevel @1 :Text;  # the level before this event
  rules @2 :List(Text);    # the rule codes of the new level that matched (e.g. collective_10)
  targetComplaints @3 :UInt32;       # complaints on record against the same target
  sameIssueComplainants @4 :UInt32;  # distinct complainants of the same issue (linked)
}

# Customer service assigned responsibility; this notifies the department and the report-to role.
struct ResponsibilityAssigned {
  department @0 :Text;              # first-responsible department
  cooperating @1 :List(Text);       # cooperating departments
  handler @2 :Text;                 # person id of the handler
  reason @3 :Text;                  # required when reassigning or when overriding the
                                    # first-responsible department; else may be empty
  reportTo @4 :List(Text);          # roles told for the level at assignment (policy report_to)
  notified @5 :List(Text);          # person ids told (department head, cs head, deputy GM, GM)
  firstResponsiblePeople @6 :List(Text);  # people first responsible beyond the department (a
                                          # group complaint after an individual one: CS head and
                                          # the project's general manager)
  level @7 :Text;                   # the level at assignment
}

# Somebody responded to the customer. The first one meets the first-response clock.
struct CustomerResponded {
  channel @0 :Text;   # how the customer was reached (phone, visit, wechat, ...)
  summary @1 :Text;   # what was said, in short
  first @2 :Bool;     # true for the first response of the complaint
}

# The handler proposed a handling plan.
struct PlanProposed {
  planType @0 :Text;       # repair | replace | owner_self_repair | communicate | other
  description @1 :Text;    # the plan
  plannedStart @2 :Int64 $time;         # when the work is to start; 0 if not given
  plannedFinish @3 :Int64 $time;        # when it is to be done; 0 if not given
  estimatedCost @4 :Int64 = -1 $money;  # what it is expected to cost; -1 if not given
}

# The plan was approved or sent back.
struct PlanReviewed {
  approved @0 :Bool;  # true: approved; false: sent back
  comment @1 :Text;   # the reviewer's comment; required when sent back
  plan @2 :UInt64;  # position of the PlanProposed reviewed
}

# A note on the progress of the handling.
struct ProgressRecorded {
  summary @0 :Text;  # the progress, in the actor's words
}

# The handler resolved the complaint, with root cause and corrective action.
struct ComplaintResolved {
  resolution @0 :Text;        # how the complaint was resolved
  rootCause @1 :Text;         # product_quality | service_quality | staff_attitude |
                              # customer_misuse | inspection_miss | other
  correctiveAction @2 :Text;  # what is done so that it does not happen again
}

# The customer (or, for engineering, the property company) confirmed the result.
struct ResolutionConfirmed {
  method @0 :Text;  # written | recorded_call | property_company
}

# The current closure cycle was closed. Meets its closure clock and ends an open pause.
struct ComplaintClosed {
  basis @0 :Text;    # customer_confirmed | plan_issued_no_agreement | litigation_concluded |
                     # invalid_explained
  cycle @1 :UInt32;  # closure cycle closed: 0 first, then one per reopening
}

# The same problem recurred: the complaint is open again and its closure clock restarts.
struct ComplaintReopened {
  reason @0 :Text;   # why it was reopened (required)
  cycle @1 :UInt32;  # the new closure cycle (1 for the first reopening)
}

# The closure clock stopped (waiting on the customer, or litigation).
struct ClockPaused {
  reason @0 :Text;  # awaiting_customer | litigation
}

# The closure clock runs again: the open pause ended.
struct ClockResumed {
  reason @0 :Text;  # the reason of the pause that ends
}

# A fact flag was added after intake; it may raise the level.
struct FlagAdded {
  flag @0 :Text;    # safety_risk | serious_loss | media | media_threatened | litigation |
                    # litigation_threatened | government | reputation
  detail @1 :Text;  # more about it, as given; empty if not given
}

# This complaint is linked to another one.
struct ComplaintLinked {
  other @0 :Text;     # complaint id
  relation @1 :Text;  # same_issue | second_complaint
  otherLevel @2 :Text;  # the other complaint's highest level when it was handled (closed)
  sameIssueComplainants @3 :UInt32;  # same_issue: distinct complainants of the linked group after
                                     # this link, this complaint's included
  otherReceivedAt @4 :Int64 $time;   # the other complaint's intake time
  otherHeadcount @5 :UInt32;         # the other complaint's headcount
}

# A department asked for more time on a clock.
struct ExtensionRequested {
  clock @0 :Text;        # transmission | response | plan | closure
  until @1 :Int64 $time; # the requested deadline
  reason @2 :Text;       # why more time is needed (required)
  due @3 :Int64 $time;   # the deadline in force when asked (for the record)
}

# The role for the level approved or refused an extension.
struct ExtensionDecided {
  request @0 :UInt64;    # position of the ExtensionRequested
  approved @1 :Bool;     # true: approved; false: refused
  comment @2 :Text;      # the approver's comment; required when refused
  clock @3 :Text;        # copied from the request
  until @4 :Int64 $time; # copied from the request
}

# The complained-of staff member's department decided about the staff member.
struct StaffDecisionRecorded {
  person @0 :Text;    # the staff member the decision is about (person id)
  decision @1 :Text;  # what was decided, as free text
}

# Callback survey after handling (docs/rules.md#callback-survey).
struct CallbackRecorded {
  acknowledged @0 :Bool;  # Q1 was receipt acknowledged
  contacted @1 :Bool;     # Q2 did staff contact or visit
  timeliness @2 :UInt8;   # Q3 0-10
  plan @3 :UInt8;         # Q4 0-10
  attitude @4 :UInt8;     # Q5 0-10
  reasons @5 :Text;       # the customer's reasons; required when a score is below the policy's bar
}

# A manager recorded a fine (rules that are not derived from clocks).
struct FineRecorded {
  rule @0 :Text;                 # closure_overdue_15 | deflection | misconduct | concealment |
                                 # media_investigation
  amount @1 :Int64 = -1 $money;  # -1: no fixed amount (media_investigation)
  people @2 :List(Text);         # person ids charged
  departments @3 :List(Text);    # department ids charged (at least one person or department)
  reason @4 :Text;               # why the fine was recorded (required)
}

# A deputy general manager or the general manager waived a fine line. The line stays visible.
struct FineWaived {
  fine @0 :Text;    # the fine line id (docs/events.md "Fine line ids")
  reason @1 :Text;  # why it is waived (required)
}

# Customer service rated a department for a month (platform rating). Stream "ratings".
struct DepartmentRated {
  department @0 :Text;         # the department rated (department id)
  month @1 :Text;              # YYYY-MM
  scoreHundredths @2 :UInt32;  # 0..10000 (0.00-100.00)
}

# A correction: supersedes one field of an earlier event of the same complaint. The earlier event
# stays; state and projections read the corrected value.
struct EventCorrected {
  event @0 :UInt64;        # position of the corrected event
  field @1 :Text;          # e.g. occurred_at, headcount, claimed_compensation
  value @2 :Text;          # the new value, as in an action's JSON (times RFC 3339, money "1.00")
  reason @3 :Text;         # why it is corrected (required)
  previousValue @4 :Text;  # the value it supersedes (for the record)
  personal @5 :SealedPersonalData;  # a complainant field's value and previous value, sealed;
                                    # then value and previousValue are empty (null: in the clear)
}

# Personal data recorded in the clear, before the ledger sealed personal data, is sealed for a
# data subject by appending this event (docs/privacy.md, "Personal data recorded in the clear").
# From here on the complaint's name, phone and unit are read from `personal` only, under the
# subject's restriction and erasure, and the clear values of its earlier events are shown only as
# the subject's would be. Those events keep their bytes: history is never rewritten.
struct PersonalDataSealed {
  personal @0 :SealedPersonalData;  # name, phone and unit as they stand (corrections applied)
  reason @1 :Text;                  # why (e.g. "migration of the ledger to sealed personal data")
}

# A file was attached as evidence; the ledger stores its digest, not the file.
struct EvidenceAttached {
  name @0 :Text;       # the file's name, as given
  mediaType @1 :Text;  # its media type as given, e.g. image/jpeg
  size @2 :UInt64;     # its size in bytes
  sha256 @3 :Text;     # SHA-256 of its content: 64 lower-case hex digits
}

# An admin published a policy version. Stream "policy".
struct PolicyPublished {
  version @0 :UInt32;   # 1, 2, 3 ... (the n-th event of the stream is version n)
  name @1 :Text;        # the policy's `name` (from the document)
  document @2 :Text;    # the policy file (JSON) as published
  sha256 @3 :Text;      # of the document, lower-case hex
  effectiveFrom @4 :Int64 $time;  # 0: not set by the policy store; the version is in force from
                                  # this event's recordedAt (events decided after it use it)
}

# An import finished (or stopped at a refused line). Stream "imports".
struct ImportRecorded {
  fileName @0 :Text;         # the file as named to `ledgerctl import`; "(stdin)" for "-"
  fileSha256 @1 :Text;       # SHA-256 of the whole file, lower-case hex
  linesRead @2 :UInt64;      # non-blank lines looked at, the refused one included
  linesApplied @3 :UInt64;   # lines applied, each one action
  firstPosition @4 :UInt64;  # first event the import appended (0: none)
  lastPosition @5 :UInt64;   # last event the import appended (0: none)
  stoppedAt @6 :UInt64;      # the refused line (1-based), 0 if the whole file was applied
  stopReason @7 :Text;       # why that line was refused, in one line; empty if none was
}

# A proved fine statement was published (`ledgerctl statement --publish`, docs/event-format.md
# "Fine statements"): what the statement file commits to. Stream "statements". A restated tally is
# a second event; nothing is overwritten.
struct FineStatementPublished {
  fromMonth @0 :Text;        # the first month it covers, YYYY-MM (policy time zone)
  toMonth @1 :Text;          # the last month it covers, YYYY-MM
  treeSize @2 :UInt64;       # the signed checkpoint's size: the events it is proved from
  treeRoot @3 :Text;         # that checkpoint's root, lower-case hex
  statementSha256 @4 :Text;  # SHA-256 of the statement file as written, lower-case hex
  sumRoot @5 :Text;          # the root hash of its sum tree over the lines, lower-case hex
  fines @6 :Int64 $money;    # the sum tree's total of fines not waived
  waived @7 :Int64 $money;   # the sum tree's total of fines waived
  headsRoot @8 :Text;        # the root of its tree of stream heads, lower-case hex
  lines @9 :UInt32;          # the number of fine lines it lists
}

# The key that signs the log's checkpoints was adopted or replaced (docs/operations.md, "Rotating
# the signing key"). Stream "keys". Every checkpoint after this event is signed by `key`; during a
# rotation the previous key signs them too.
struct SigningKeyChanged {
  origin @0 :Text;       # the log's name in its checkpoints (the keys' name)
  key @1 :Text;          # the verifier key (<name>+<id>+<base64>) that signs from now on
  previousKey @2 :Text;  # the verifier key it replaces; empty for the log's first key
  cosigned @3 :Bool;     # the previous key signs checkpoints too during the rotation (false: the
                         # previous key was lost or retired without signing)
  reason @4 :Text;       # why, in words: "the log's first signing key", "yearly rotation", ...
}

# A legal hold was placed on a data subject's personal data: it may not be erased while the hold
# lasts. Stream "privacy".
struct LegalHoldPlaced {
  subject @0 :Text;    # the data subject (its random id)
  reason @1 :Text;     # why, in words (the matter, the court or authority)
  reference @2 :Text;  # the matter's reference (case number, letter); may be empty
}

# The legal hold on a data subject was lifted. Stream "privacy".
struct LegalHoldLifted {
  subject @0 :Text;  # the data subject
  reason @1 :Text;   # why, in words
}

# A data subject asked for their personal data to be erased (PIPL art. 47, GDPR art. 17).
# Followed in the same append by SubjectErased, or by ProcessingRestricted when the data must be
# kept. Stream "privacy".
struct ErasureRequested {
  subject @0 :Text;           # the data subject
  reason @1 :Text;            # the request, in words
  reference @2 :Text;         # the request's reference (letter, ticket); may be empty
  complaints @3 :List(Text);  # the subject's complaints at the time (complaint ids)
}

# Erasure was refused for now: the data is kept and only stored. While it stands, the personal
# data is shown only to the roles of `visibleTo`. Stream "privacy".
struct ProcessingRestricted {
  subject @0 :Text;                 # the data subject
  grounds @1 :List(Text);           # legal_hold | retention (why it must be kept)
  until @2 :Int64 $time;            # when retention ends (the latest closure plus the policy's
                                    # retention years); 0 while a complaint is open or none runs
  openComplaints @3 :List(Text);    # complaints still open: retention has not started for them
  visibleTo @4 :List(Text);         # the roles that may still see the data (policy
                                    # privacy.restricted_visible_to)
  retentionYears @5 :UInt32;        # the policy's retention period after closure, in years
}

# A data subject's personal data was erased: appended before the keystore deletes the subject's
# keys, so that every later open of the keystore deletes them again. Stream "privacy".
struct SubjectErased {
  subject @0 :Text;           # the data subject
  complaints @1 :List(Text);  # the complaints whose personal data was sealed for the subject
}
