# The API's binary representations: what a client that sends `Accept: application/x-capnp` gets
# instead of JSON. docs/api.md ("Content negotiation") shows how to decode them.
#
# Framing: each response body is ONE Cap'n Proto message in the standard stream framing (segment
# table, then segments; unpacked) — what capnp::messageToFlatArray() writes and
# capnp::FlatArrayMessageReader / `capnp decode` read. The root type depends on the resource and
# is named in the Content-Type: `application/x-capnp; type=EventPage`.
# Errors are always application/problem+json, also for clients that asked for Cap'n Proto.
#
# Evolution rules (Cap'n Proto "Evolving Your Protocol"): a field's number is forever. New fields
# are added at the end with the next number; a retired field is renamed `obsoleteXxx` and kept,
# never reused. New resources get new structs; add them at the end of this file (the complaint
# state, timeline and projection messages go below the marked line).
#
# Comments: every struct has one on the lines above it; every field has one after it, on its own
# line or on the lines directly below (tests/ledger/schema_comments_test.cc checks this).

@0xc953ee23b323276e;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("api::schema");

using Ledger = import "/ledger/log/envelope.capnp";
using Json = import "/capnp/compat/json.capnp";

# A reference to an event in the chain: what the head record holds, as a client sees it.
struct ChainHead {
  position @0 :UInt64;  # Position of the last event; 0 for an empty log.
  hash @1 :Data;        # SHA-256 of that event (32 bytes); 32 zero bytes for an empty log.
}

# GET /v1/events: one page of the global log.
struct EventPage {
  events @0 :List(Ledger.Envelope);
  # The page's events in position order, each exactly as stored, with `hash` set (and `payload`
  # as stored: decode it with the schema its `type` names, ledger/domain/events.capnp).

  next @1 :UInt64;
  # The `from` of the following page: last position in this page + 1 (or the `from` asked for
  # when the page is empty). Always set, so a client can poll for new events with it.

  hasMore @2 :Bool;
  # True when events at or after `next` already existed when the page was read.

  head @3 :ChainHead;
  # The log's head when the page was read.
}

# GET /v1/ledger/verify: the result of walking the integrity chain.
struct VerifyResult {
  ok @0 :Bool;                 # True when every event and the head record check out.
  checked @1 :UInt64;          # Events whose hash was recomputed and matched.
  head @2 :ChainHead;          # The head record, as stored.
  firstBadPosition @3 :UInt64; # When not ok: the first position missing, damaged or out of chain.
  problem @4 :Text;            # When not ok: what is wrong there, in one line.
  treeRoot @5 :Data;           # When ok: the Merkle tree's root at the head (32 bytes), rebuilt
                               # from the events; empty for a ledger without a tree.
}

# ---- Domain resources (complaint state, timeline, lists, projections) ----
#
# These carry the same fields as the JSON resources (docs/api.md), under the same names
# ($Json.name gives the JSON name of each camelCase field): times as RFC 3339 text in the policy's
# time zone, money as decimal text ("1300.00"), event positions as UInt64. A field that is null in
# the JSON is left unset here (empty text, 0, false, an empty list). The server fills them from
# the JSON view itself (api/http/capnp_views.h), so the two encodings cannot disagree.

# POST /v1/complaints, POST /v1/complaints/{id}/actions, POST /v1/ratings: what an action did.
struct ActionResult {
  id @0 :Text;                         # The complaint (or stream) the action applied to.
  version @1 :UInt64;                  # Its version afterwards.
  position @2 :UInt64;                 # Position of the last event appended (or found).
  events @3 :List(Ledger.Envelope);    # The events appended, exactly as stored, hash set.
  deduplicated @4 :Bool;               # A retry: the first result, nothing appended.
  existing @5 :Bool;                   # A receive with a known external_ref: nothing appended.
}

# What a view was evaluated at (`evaluated` of the ticket, the timeline and the reports).
struct Evaluation {
  asOf @0 :Text $Json.name("as_of");             # The business time clocks were evaluated at.
  knownAt @1 :Text $Json.name("known_at");       # The ledger time events were cut at; empty: none.
  policyVersion @2 :UInt32 $Json.name("policy_version");
  # The policy version evaluated under: the what-if version (?policy=), else the complaint's own
  # (its intake's) for a complaint, else the current one for a report.
  whatIf @3 :Bool $Json.name("what_if");         # Evaluated under another policy version.
}

# A stretch of time a clock did not count (ClockExplanation.skipped).
struct SkippedInterval {
  from @0 :Text;                       # Its start (RFC 3339, the policy's zone).
  to @1 :Text;                         # Its end (RFC 3339, the policy's zone).
  reason @2 :Text;                     # "weekend", "public holiday",
                                       # "paused: awaiting_customer" ...
  detail @3 :Text;                     # E.g. the holiday's name, "still paused"; else empty.
  events @4 :List(UInt64);             # Positions of the events behind it (a pause's start and
                                       # end); empty for non-working days.
}

# A decided extension request of a clock, and what it did to the deadline.
struct ExtensionNote {
  until @0 :Text;                      # The deadline requested (RFC 3339, the policy's zone).
  requestedEvent @1 :UInt64 $Json.name("requested_event");  # Position of ExtensionRequested.
  decidedEvent @2 :UInt64 $Json.name("decided_event");      # Position of ExtensionDecided.
  applied @3 :Bool;                    # True when it moved the deadline.
  note @4 :Text;                       # "moved the deadline from ... to ...", "refused", ...
}

# How a clock's deadline was computed (docs/clocks.md "Explanations").
struct ClockExplanation {
  start @0 :Text;                      # When the clock started; empty without a deadline.
  startRule @1 :Text $Json.name("start_rule");  # Why it starts then: "intake", ...
  level @2 :Text;                      # The level its allowance is taken from; empty without one.
  policyVersion @3 :UInt32 $Json.name("policy_version");  # The version whose rules applied.
  allowance @4 :Text;                  # "2 hours", "15 working days" ...
  skipped @5 :List(SkippedInterval);   # Time not counted: non-working days, pauses.
  extensions @6 :List(ExtensionNote);  # Extensions decided for this clock, in order.
  notes @7 :List(Text);                # Further remarks: level recomputations, ...
  events @8 :List(UInt64);             # Every event the deadline rests on.
  noDeadline @9 :Text $Json.name("no_deadline");  # Why a clock has no deadline (then no start,
                                                   # no level); empty when it has one.
}

# One deadline clock of a complaint (docs/clocks.md).
struct Clock {
  clock @0 :Text;                      # transmission | assignment | response | plan |
                                       # staff_decision | closure
  cycle @1 :UInt32;                    # Closure clocks: 0 from intake, 1.. after each reopening.
  state @2 :Text;                      # pending | met | missed | paused | not_applicable |
                                       # not_started
  due @3 :Text;                        # The deadline (RFC 3339); empty when it has none.
  metAt @4 :Text $Json.name("met_at");  # When it was done (even late); empty: not done.
  metEvent @5 :UInt64 $Json.name("met_event");  # Position of the event that did it; 0: none.
  explanation @6 :ClockExplanation;    # How the deadline was computed.
}

# The waiver of a fine line (FineLine.waiver).
struct Waiver {
  reason @0 :Text;                     # The waiver's reason.
  by @1 :Text;                         # Who waived it (person id).
  event @2 :UInt64;                    # Position of the FineWaived event.
}

# A fine line (ledger/domain/fines.h): derived from a clock, or recorded by a manager.
struct FineLine {
  id @0 :Text;                         # Stable line id (docs/events.md "Fine line ids").
  complaint @1 :Text;                  # The complaint id.
  rule @2 :Text;                       # The fine rule: response_late, closure_overdue, ...
  amount @3 :Text;                     # "300.00"; empty: no fixed amount
  people @4 :List(Text);               # Person ids charged.
  departments @5 :List(Text);          # Department ids charged.
  day @6 :Text;                        # The civil date it is dated: "2026-03-05".
  accruedAt @7 :Text $Json.name("accrued_at");  # The instant it accrued (RFC 3339): the
                                                 # deadline, or the overdue period's start.
  derived @8 :Bool;                    # True: derived from the clocks; false: recorded.
  reason @9 :Text;                     # Derived: how it arose; recorded: the manager's reason.
  evidence @10 :List(UInt64);          # Positions of the events that prove it.
  waived @11 :Bool;                    # True when waived (the line stays listed).
  waiver @12 :Waiver;                  # Who waived it and why; unset when not waived.
}

# A compliance finding the ledger raises about a complaint (projections/tracked.h).
struct Finding {
  kind @0 :Text;                       # late_entry | level_below_rule |
                                       # closure_without_confirmation | overdue_15_unfined |
                                       # late_transmission_major | correction_moves_deadline
  complaint @1 :Text;                  # The complaint id.
  at @2 :Text;                         # When it arose (business time, RFC 3339).
  detail @3 :Text;                     # What is wrong, in one line.
  evidence @4 :List(UInt64);           # Positions of the events that show it.
}

# The person who complains (ComplaintState.complainant); name, phone and unit are personal data.
struct Complainant {
  name @0 :Text;                       # Personal data: "[redacted]" for readers.
  phone @1 :Text;                      # As given; "[redacted]" for readers.
  unit @2 :Text;                       # Unit / property / room number; "[redacted]" for readers.
  isOwner @3 :Bool $Json.name("is_owner");  # The complainant is the rights holder (owner).
  dataSubject @4 :Text $Json.name("data_subject");  # The data subject when sealed
                                                    # (docs/privacy.md); empty: in the clear.
  personalData @5 :Text $Json.name("personal_data");  # clear | sealed | restricted | erased.
  erasedAtPosition @6 :UInt64 $Json.name("erased_at_position");  # The SubjectErased event's
                                                                 # position; 0 if not erased.
}

# Who or what is complained about (ComplaintState.target).
struct Target {
  kind @0 :Text;                       # person | department | unit
  id @1 :Text;                         # The person id, department id or unit number.
  department @2 :Text;                 # For a person: their department (may be empty).
}

# The level the escalation rules give now (ComplaintState.ruleLevel).
struct RuleLevel {
  level @0 :Text;                      # general | important | major | crisis
  rules @1 :List(Text);                # The rules that give the level.
  allMatches @2 :List(Text) $Json.name("all_matches");  # Every rule that matches, as
                                                        # "code:level".
}

# One level change of a complaint (ComplaintState.levelHistory).
struct LevelRecord {
  level @0 :Text;                      # The level from then on.
  at @1 :Text;                         # When (the event's occurred_at, RFC 3339).
  event @2 :UInt64;                    # Position of the event that set it.
  by @3 :Text;                         # intake | system | customer_service
  rules @4 :List(Text);                # system: the rules matched; customer_service: the rules
                                       # at that moment; empty for intake.
  reason @5 :Text;                     # customer_service only: its reason.
}

# The current assignment of responsibility (the latest ResponsibilityAssigned).
struct Responsibility {
  department @0 :Text;                 # The first-responsible department.
  cooperating @1 :List(Text);          # Cooperating departments.
  handler @2 :Text;                    # Person id of the handler.
  assignedAt @3 :Text $Json.name("assigned_at");  # When it was assigned (RFC 3339).
  firstResponsiblePeople @4 :List(Text) $Json.name("first_responsible_people");
  # People first responsible beyond the department (a group complaint after an individual one).
  notified @5 :List(Text);             # Person ids told of the assignment.
}

# A flag of the complaint (ComplaintState.flags).
struct FlagRecord {
  flag @0 :Text;                       # The flag code: safety_risk, media, litigation, ...
  at @1 :Text;                         # When it was set (intake or FlagAdded, RFC 3339).
  event @2 :UInt64;                    # Position of that event.
}

# A link to another complaint (ComplaintState.links).
struct LinkRecord {
  other @0 :Text;                      # The other complaint's id.
  relation @1 :Text;                   # same_issue | second_complaint
  at @2 :Text;                         # When it was linked (RFC 3339).
}

# The callback survey after closure (ComplaintState.survey; docs/rules.md#callback-survey).
struct Survey {
  at @0 :Text;                         # When it was recorded (RFC 3339).
  acknowledged @1 :Bool;               # Q1: was receipt acknowledged.
  contacted @2 :Bool;                  # Q2: did staff contact or visit.
  timeliness @3 :Int32;                # Q3, 0-10.
  plan @4 :Int32;                      # Q4, 0-10.
  attitude @5 :Int32;                  # Q5, 0-10.
  reasons @6 :Text;                    # The customer's reasons; empty if none given.
}

# GET /v1/complaints/{id}: the ticket state.
struct ComplaintState {
  id @0 :Text;                         # The complaint id, e.g. "CMP-2026-000123".
  version @1 :UInt64;                  # Its stream version (the events folded).
  status @2 :Text;                     # open | closed
  stage @3 :Text;                      # received | transmitted | assessed | classified |
                                       # assigned | plan_proposed | plan_sent_back |
                                       # plan_approved | resolved | confirmed | closed
  receivedAt @4 :Text $Json.name("received_at");  # The intake's occurred_at (RFC 3339).
  channel @5 :Text;                    # Channel code: hotline, wechat, visit, ...
  project @6 :Text;                    # Project id of the policy.
  subject @7 :Text;                    # One line.
  description @8 :Text;                # What happened.
  demands @9 :Text;                    # What the customer asks for.
  complainant @10 :Complainant;        # Who complains (personal data).
  target @11 :Target;                  # Who or what is complained about; unset: nobody.
  headcount @12 :Int64;                # Number of complainants, >= 1.
  claimedCompensation @13 :Text $Json.name("claimed_compensation");  # Money claimed
                                                                      # ("1300.00"); empty: none.
  receivingDepartment @14 :Text $Json.name("receiving_department");  # Department id.
  receivingStaff @15 :Text $Json.name("receiving_staff");            # Person id.
  externalRef @16 :Text $Json.name("external_ref");  # E.g. a work order number; empty: none.
  validity @17 :Text;                  # valid | invalid; empty: not assessed yet
  invalidReason @18 :Text $Json.name("invalid_reason");  # Invalidity code; empty unless invalid.
  category @19 :Text;                  # Category code; empty: not classified yet.
  closureClass @20 :Text $Json.name("closure_class");  # The category's class under the
                                                       # complaint's policy; empty: none.
  level @21 :Text;                     # The current level: general | important | major | crisis
  ruleLevel @22 :RuleLevel $Json.name("rule_level");  # What the escalation rules give now.
  levelHistory @23 :List(LevelRecord) $Json.name("level_history");  # Every level change, from
                                                                    # the intake's on.
  responsibility @24 :Responsibility;  # The current assignment; unset before the first.
  clocks @25 :List(Clock);             # transmission, assignment, response, plan,
                                       # staff_decision, then a closure clock per cycle.
  fines @26 :List(FineLine);           # Every fine line by the evaluation time, waived included.
  finesTotal @27 :Text $Json.name("fines_total");  # Sum of the lines not waived ("0.00").
  flags @28 :List(FlagRecord);         # Flags in the order they were set.
  links @29 :List(LinkRecord);         # Links to other complaints, in order.
  paused @30 :Bool;                    # The closure clock is paused now.
  reopened @31 :Int32;                 # Times reopened (0: never).
  survey @32 :Survey;                  # The callback survey; unset until recorded.
  findings @33 :List(Finding);         # The complaint's compliance findings.
  evaluated @34 :Evaluation;           # What the state was evaluated at.
}

# One event of a complaint as a manager reads it (Timeline.entries).
struct TimelineEntry {
  position @0 :UInt64;                 # The event's position in the log.
  version @1 :UInt64;                  # Its version in the complaint's stream.
  occurredAt @2 :Text $Json.name("occurred_at");  # Business time (RFC 3339).
  recordedAt @3 :Text $Json.name("recorded_at");  # Ledger time of the append (RFC 3339).
  type @4 :Text;                       # The event type, e.g. "ComplaintReceived".
  actor @5 :Ledger.Actor;              # Who caused it.
  imported @6 :Bool;                   # Written by `ledgerctl import`.
  summary @7 :Text;                    # What it says, in one line; "[redacted]" for readers
                                       # when it quotes personal data.
  changes @8 :List(Text);              # What it changed: "stage: received -> transmitted", ...
  clocks @9 :List(Clock);              # After the event, evaluated at its occurred_at.
  fines @10 :List(FineLine);           # Lines that accrued since the previous entry.
  waivedFines @11 :List(FineLine) $Json.name("waived_fines");  # Lines this event waived.
}

# GET /v1/complaints/{id}/timeline.
struct Timeline {
  id @0 :Text;                         # The complaint id.
  entries @1 :List(TimelineEntry);     # One page of entries, by version (?from_version, ?limit).
  finesSinceLastEvent @2 :List(FineLine) $Json.name("fines_since_last_event");
  # Lines that accrued after the last event, by the evaluation time; on the last page only.
  clocks @3 :List(Clock);              # The clocks at the evaluation time.
  evaluated @4 :Evaluation;            # What the timeline was evaluated at.
  nextVersion @5 :UInt64 $Json.name("next_version");  # The next page's from_version; unset on
                                                       # the last page.
}

# GET /v1/complaints/{id}/events.
struct ComplaintEvents {
  id @0 :Text;                         # The complaint id.
  events @1 :List(Ledger.Envelope);    # One page, exactly as stored, hash set; payload unset
                                       # for callers who may not see personal data.
  nextVersion @2 :UInt64;              # The next page's from_version; 0 on the last page.
}

# One complaint in the list (ComplaintPage.complaints).
struct ComplaintSummary {
  id @0 :Text;                         # The complaint id.
  status @1 :Text;                     # open | closed
  stage @2 :Text;                      # As ComplaintState.stage.
  level @3 :Text;                      # The current level.
  category @4 :Text;                   # Empty: not classified yet.
  department @5 :Text;                 # The responsible department (assigned, else the
                                       # category's); empty: none yet.
  handler @6 :Text;                    # Person id of the handler; empty: not assigned.
  project @7 :Text;                    # Project id.
  subject @8 :Text;                    # One line.
  receivedAt @9 :Text $Json.name("received_at");  # The intake's occurred_at (RFC 3339).
  overdue @10 :Bool;                   # Some clock is missed and still not done.
  nextDue @11 :Text $Json.name("next_due");  # The earliest pending deadline; empty: none.
}

# GET /v1/complaints: one page of the filtered list.
struct ComplaintPage {
  complaints @0 :List(ComplaintSummary);  # In id order.
  nextCursor @1 :Text $Json.name("next_cursor");  # Empty: no more.
}

# What happened while a responsibility was held (ResponsibilityRecord.outcome).
struct ResponsibilityOutcome {
  met @0 :List(Text);                  # Clocks met while held: "response", "closure (cycle 1)".
  missed @1 :List(Text);               # Clocks missed while held.
  fines @2 :Text;                      # Fines charged to the holder while held, not waived.
}

# Who held which responsibility for a complaint, and when.
struct ResponsibilityRecord {
  complaint @0 :Text;                  # The complaint id.
  role @1 :Text;                       # receiver | customer_service | first_responsible |
                                       # cooperating | handler | first_responsible_person |
                                       # plan_approver | extension_approver
  person @2 :Text;                     # Person id; empty for a department-only role.
  department @3 :Text;                 # Department id; empty for a person-only role.
  from @4 :Text;                       # When it began (RFC 3339).
  to @5 :Text;                         # Empty: still held.
  outcome @6 :ResponsibilityOutcome;   # Clocks met and missed, fines charged.
  evidence @7 :List(UInt64);           # Positions of the events that gave it.
}

# GET /v1/responsibility.
struct ResponsibilityRecords {
  records @0 :List(ResponsibilityRecord);  # One page of the records, in complaint order.
  count @1 :UInt32;                        # Records in the whole answer (every page).
  nextCursor @2 :Text $Json.name("next_cursor");  # Pass back as ?cursor=; unset after the last.
}

# A person's or a department's share of a month's fines (FinesReport.byPerson, .byDepartment).
struct Tally {
  name @0 :Text;                       # A person or a department.
  total @1 :Text;                      # Sum of its lines not waived ("1300.00").
  waived @2 :Text;                     # Sum of its waived lines.
  lines @3 :UInt32;                    # Its lines: the report filtered by the name lists them.
}

# GET /v1/fines.
struct FinesReport {
  month @0 :Text;                      # YYYY-MM
  total @1 :Text;                      # Sum of the month's lines not waived ("1300.00").
  waived @2 :Text;                     # Sum of the month's waived lines.
  byPerson @3 :List(Tally) $Json.name("by_person");          # One per person charged, by name.
  byDepartment @4 :List(Tally) $Json.name("by_department");  # One per department, by name.
  lines @5 :List(FineLine);  # One page of them (limit, cursor); the tallies count every line.
  evaluated @6 :Evaluation;            # What the report was evaluated at.
  lineCount @7 :UInt64 $Json.name("line_count");    # Lines in the report, on every page.
  nextCursor @8 :Text $Json.name("next_cursor");    # Empty: the last page.
}

# A department's row of the monthly rewards (docs/rules.md#ratings-and-rewards).
struct RewardRow {
  department @0 :Text;                 # Department id.
  surveys @1 :UInt32;                  # Surveys recorded in the month on the complaints it
                                       # was responsible for.
  customerScore @2 :Text $Json.name("customer_score");    # Mean of (Q3+Q4+Q5)/3 x 10, "85.00";
                                                          # empty: no survey.
  platformRating @3 :Text $Json.name("platform_rating");  # The month's DepartmentRated score,
                                                          # "90.00"; empty: not rated.
  composite @4 :Text;                  # Weighted by the policy (default 70/30); empty unless
                                       # both scores are there.
  reward @5 :Text;                     # Money from the policy's tiers; "0.00" when none applies.
  complaints @6 :List(Text);           # The surveyed complaints behind the customer score.
  ratingEvent @7 :UInt64 $Json.name("rating_event");  # Position of the DepartmentRated; 0: none.
}

# GET /v1/rewards.
struct Rewards {
  month @0 :Text;                      # YYYY-MM
  departments @1 :List(RewardRow);     # One row per department not excluded, by id.
}

# How often one clock was met on time (OnTimeByClock).
struct OnTime {
  met @0 :UInt32;                      # Clocks met.
  missed @1 :UInt32;                   # Clocks missed.
  rate @2 :Text;                       # Percent, "87.50"; empty: no clock ended.
}

# On-time counts per clock kind (ProjectMetrics.onTime).
struct OnTimeByClock {
  transmission @0 :OnTime;             # The transmission clock.
  assignment @1 :OnTime;               # The assignment clock.
  response @2 :OnTime;                 # The first-response clock.
  plan @3 :OnTime;                     # The plan clock.
  staffDecision @4 :OnTime $Json.name("staff_decision");  # The staff-decision clock.
  closure @5 :OnTime;                  # Closure clocks, every cycle.
}

# Callback survey means over the surveys recorded in the period (ProjectMetrics.survey).
struct SurveyMeans {
  count @0 :UInt32;                    # Surveys counted.
  timeliness @1 :Float64;              # Mean Q3 (0-10, two decimals); 0 when no survey.
  plan @2 :Float64;                    # Mean Q4, likewise.
  attitude @3 :Float64;                # Mean Q5, likewise.
  mean @4 :Float64;                    # Mean of Q3-Q5 together, likewise.
}

# A project's ranks among the projects (1 = best; ties share the better rank).
struct Rank {
  closureRate @0 :UInt32 $Json.name("closure_rate");  # By closure rate, highest first.
  efficiency @1 :UInt32;               # By mean hours to closure, fewest first.
  satisfaction @2 :UInt32;             # By mean survey score, highest first.
}

# A project's metrics for the period (Metrics.projects, Metrics.total).
struct ProjectMetrics {
  project @0 :Text;                    # "*" for all projects together
  received @1 :UInt32;                 # Valid (or not yet assessed) complaints received in
                                       # the period.
  closed @2 :UInt32;                   # Of those, closed by the evaluation time.
  closureRate @3 :Text $Json.name("closure_rate");  # closed / received, "87.50"; empty: none
                                                    # received.
  onTime @4 :OnTimeByClock $Json.name("on_time");   # Clocks of those complaints met and missed.
  meanHoursToFirstResponse @5 :Float64 $Json.name("mean_hours_to_first_response");
  # Intake to first response, in hours (two decimals); 0 when none responded.
  meanHoursToClosure @6 :Float64 $Json.name("mean_hours_to_closure");
  # Intake to first closure, in hours (two decimals); 0 when none closed.
  survey @7 :SurveyMeans;              # Callback surveys recorded in the period.
  rank @8 :Rank;                       # Unset for "*".
}

# GET /v1/metrics.
struct Metrics {
  period @0 :Text;                     # YYYY-MM or YYYY
  projects @1 :List(ProjectMetrics);   # One per project, by project id.
  total @2 :ProjectMetrics;            # All projects together (project "*").
  evaluated @3 :Evaluation;            # What the metrics were evaluated at.
}

# A deadline alert (projections/alerts.h): a clock still to be done has passed a threshold.
struct Alert {
  complaint @0 :Text;      # the complaint id
  clock @1 :Text;          # transmission, assignment, response, plan, staff_decision, closure
  cycle @2 :UInt32;        # closure cycle (0 for the other clocks)
  threshold @3 :UInt32;    # percent of the clock's time passed; 100: the deadline (missed)
  state @4 :Text;          # due_soon (below 100) or missed
  at @5 :Text;             # when the threshold passed (RFC 3339, the policy's zone)
  start @6 :Text;          # the clock's start
  due @7 :Text;            # its deadline
  level @8 :Text;          # the level its time is counted under
  department @9 :Text;     # who must act: the responsible (or receiving) department
  person @10 :Text;        # and the person, when one is named (the handler)
  project @11 :Text;       # the complaint's project
}

# GET /v1/alerts.
struct Alerts {
  alerts @0 :List(Alert);  # One page, by complaint id.
  asOf @1 :Text $Json.name("as_of");  # When they were evaluated.
  nextCursor @2 :Text $Json.name("next_cursor");  # Pass back as ?cursor=; unset on the last page.
}

# GET /v1/findings.
struct Findings {
  findings @0 :List(Finding);          # One page of the findings, in time order.
  count @1 :UInt32;                    # Findings in the whole answer (every page).
  nextCursor @2 :Text $Json.name("next_cursor");  # Pass back as ?cursor=; unset after the last.
}

# A published policy version (Policies.policies).
struct PublishedPolicy {
  version @0 :UInt32;                  # 1, 2, 3 ...
  name @1 :Text;                       # The policy's name.
  sha256 @2 :Text;                     # SHA-256 of the document, lower-case hex.
  publishedAt @3 :Text $Json.name("published_at");  # When it was published (RFC 3339).
  publishedBy @4 :Text $Json.name("published_by");  # Who published it (actor id).
  event @5 :UInt64;                    # Position of the PolicyPublished event.
  document @6 :Text;                   # With ?version=N only: the policy file as published.
}

# GET /v1/policies.
struct Policies {
  current @0 :UInt32;                  # The version in force; 0: none published.
  policies @1 :List(PublishedPolicy);  # Every published version, or the one ?version= asks.
}
