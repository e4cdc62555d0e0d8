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

struct Evaluation {
  asOf @0 :Text $Json.name("as_of");             # The business time clocks were evaluated at.
  knownAt @1 :Text $Json.name("known_at");       # The ledger time events were cut at; empty: none.
  policyVersion @2 :UInt32 $Json.name("policy_version");
  whatIf @3 :Bool $Json.name("what_if");         # Evaluated under another policy version.
}

struct SkippedInterval {
  from @0 :Text;
  to @1 :Text;
  reason @2 :Text;                     # "weekend", "public holiday", "paused: awaiting_customer" ...
  detail @3 :Text;
  events @4 :List(UInt64);
}

struct ExtensionNote {
  until @0 :Text;
  requestedEvent @1 :UInt64 $Json.name("requested_event");
  decidedEvent @2 :UInt64 $Json.name("decided_event");
  applied @3 :Bool;
  note @4 :Text;
}

struct ClockExplanation {
  start @0 :Text;
  startRule @1 :Text $Json.name("start_rule");
  level @2 :Text;
  policyVersion @3 :UInt32 $Json.name("policy_version");
  allowance @4 :Text;                  # "2 hours", "15 working days" ...
  skipped @5 :List(SkippedInterval);
  extensions @6 :List(ExtensionNote);
  notes @7 :List(Text);
  events @8 :List(UInt64);             # Every event the deadline rests on.
  noDeadline @9 :Text $Json.name("no_deadline");  # Why a clock has no deadline (then no start, no level).
}

struct Clock {
  clock @0 :Text;                      # transmission | assignment | response | plan | staff_decision | closure
  cycle @1 :UInt32;                    # Closure clocks: 0 from intake, 1.. after each reopening.
  state @2 :Text;                      # pending | met | missed | paused | not_applicable | not_started
  due @3 :Text;
  metAt @4 :Text $Json.name("met_at");
  metEvent @5 :UInt64 $Json.name("met_event");
  explanation @6 :ClockExplanation;
}

struct Waiver {
  reason @0 :Text;
  by @1 :Text;
  event @2 :UInt64;
}

struct FineLine {
  id @0 :Text;
  complaint @1 :Text;
  rule @2 :Text;
  amount @3 :Text;                     # "300.00"; empty: no fixed amount
  people @4 :List(Text);
  departments @5 :List(Text);
  day @6 :Text;                        # The civil date it is dated: "2026-03-05".
  accruedAt @7 :Text $Json.name("accrued_at");
  derived @8 :Bool;
  reason @9 :Text;
  evidence @10 :List(UInt64);          # Positions of the events that prove it.
  waived @11 :Bool;
  waiver @12 :Waiver;
}

struct Finding {
  kind @0 :Text;
  complaint @1 :Text;
  at @2 :Text;
  detail @3 :Text;
  evidence @4 :List(UInt64);
}

struct Complainant {
  name @0 :Text;                       # Personal data: "[redacted]" for readers.
  phone @1 :Text;
  unit @2 :Text;
  isOwner @3 :Bool $Json.name("is_owner");
}

struct Target {
  kind @0 :Text;
  id @1 :Text;
  department @2 :Text;
}

struct RuleLevel {
  level @0 :Text;
  rules @1 :List(Text);                # The rules that give the level.
  allMatches @2 :List(Text) $Json.name("all_matches");
}

struct LevelRecord {
  level @0 :Text;
  at @1 :Text;
  event @2 :UInt64;
  by @3 :Text;                         # intake | system | customer_service
  rules @4 :List(Text);
  reason @5 :Text;
}

struct Responsibility {
  department @0 :Text;
  cooperating @1 :List(Text);
  handler @2 :Text;
  assignedAt @3 :Text $Json.name("assigned_at");
  firstResponsiblePeople @4 :List(Text) $Json.name("first_responsible_people");
  notified @5 :List(Text);
}

struct FlagRecord {
  flag @0 :Text;
  at @1 :Text;
  event @2 :UInt64;
}

struct LinkRecord {
  other @0 :Text;
  relation @1 :Text;
  at @2 :Text;
}

struct Survey {
  at @0 :Text;
  acknowledged @1 :Bool;
  contacted @2 :Bool;
  timeliness @3 :Int32;
  plan @4 :Int32;
  attitude @5 :Int32;
  reasons @6 :Text;
}

# GET /v1/complaints/{id}: the ticket state.
struct ComplaintState {
  id @0 :Text;
  version @1 :UInt64;
  status @2 :Text;                     # open | closed
  stage @3 :Text;
  receivedAt @4 :Text $Json.name("received_at");
  channel @5 :Text;
  project @6 :Text;
  subject @7 :Text;
  description @8 :Text;
  demands @9 :Text;
  complainant @10 :Complainant;
  target @11 :Target;
  headcount @12 :Int64;
  claimedCompensation @13 :Text $Json.name("claimed_compensation");
  receivingDepartment @14 :Text $Json.name("receiving_department");
  receivingStaff @15 :Text $Json.name("receiving_staff");
  externalRef @16 :Text $Json.name("external_ref");
  validity @17 :Text;                  # valid | invalid; empty: not assessed yet
  invalidReason @18 :Text $Json.name("invalid_reason");
  category @19 :Text;
  closureClass @20 :Text $Json.name("closure_class");
  level @21 :Text;
  ruleLevel @22 :RuleLevel $Json.name("rule_level");
  levelHistory @23 :List(LevelRecord) $Json.name("level_history");
  responsibility @24 :Responsibility;
  clocks @25 :List(Clock);
  fines @26 :List(FineLine);
  finesTotal @27 :Text $Json.name("fines_total");
  flags @28 :List(FlagRecord);
  links @29 :List(LinkRecord);
  paused @30 :Bool;
  reopened @31 :Int32;
  survey @32 :Survey;
  findings @33 :List(Finding);
  evaluated @34 :Evaluation;
}

struct TimelineEntry {
  position @0 :UInt64;
  version @1 :UInt64;
  occurredAt @2 :Text $Json.name("occurred_at");
  recordedAt @3 :Text $Json.name("recorded_at");
  type @4 :Text;
  actor @5 :Ledger.Actor;
  imported @6 :Bool;
  summary @7 :Text;
  changes @8 :List(Text);
  clocks @9 :List(Clock);              # After the event, evaluated at its occurred_at.
  fines @10 :List(FineLine);           # Lines that accrued since the previous entry.
  waivedFines @11 :List(FineLine) $Json.name("waived_fines");  # Lines this event waived.
}

# GET /v1/complaints/{id}/timeline.
struct Timeline {
  id @0 :Text;
  entries @1 :List(TimelineEntry);
  finesSinceLastEvent @2 :List(FineLine) $Json.name("fines_since_last_event");
  clocks @3 :List(Clock);
  evaluated @4 :Evaluation;
  nextVersion @5 :UInt64 $Json.name("next_version");  # The next page's from_version; unset on
                                                       # the last page.
}

# GET /v1/complaints/{id}/events.
struct ComplaintEvents {
  id @0 :Text;
  events @1 :List(Ledger.Envelope);    # One page, exactly as stored, hash set.
  nextVersion @2 :UInt64;              # The next page's from_version; 0 on the last page.
}

struct ComplaintSummary {
  id @0 :Text;
  status @1 :Text;
  stage @2 :Text;
  level @3 :Text;
  category @4 :Text;
  department @5 :Text;
  handler @6 :Text;
  project @7 :Text;
  subject @8 :Text;
  receivedAt @9 :Text $Json.name("received_at");
  overdue @10 :Bool;
  nextDue @11 :Text $Json.name("next_due");
}

# GET /v1/complaints: one page of the filtered list.
struct ComplaintPage {
  complaints @0 :List(ComplaintSummary);
  nextCursor @1 :Text $Json.name("next_cursor");  # Empty: no more.
}

struct ResponsibilityOutcome {
  met @0 :List(Text);
  missed @1 :List(Text);
  fines @2 :Text;
}

struct ResponsibilityRecord {
  complaint @0 :Text;
  role @1 :Text;
  person @2 :Text;
  department @3 :Text;
  from @4 :Text;
  to @5 :Text;                         # Empty: still held.
  outcome @6 :ResponsibilityOutcome;
  evidence @7 :List(UInt64);
}

# GET /v1/responsibility.
struct ResponsibilityRecords {
  records @0 :List(ResponsibilityRecord);  # One page of the records, in complaint order.
  count @1 :UInt32;                        # Records in the whole answer (every page).
  nextCursor @2 :Text $Json.name("next_cursor");  # Pass back as ?cursor=; unset after the last.
}

struct Tally {
  name @0 :Text;                       # A person or a department.
  total @1 :Text;
  waived @2 :Text;
  lines @3 :UInt32;                    # Its lines: the report filtered by the name lists them.
}

# GET /v1/fines.
struct FinesReport {
  month @0 :Text;
  total @1 :Text;
  waived @2 :Text;
  byPerson @3 :List(Tally) $Json.name("by_person");
  byDepartment @4 :List(Tally) $Json.name("by_department");
  lines @5 :List(FineLine);  # One page of them (limit, cursor); the tallies count every line.
  evaluated @6 :Evaluation;
  lineCount @7 :UInt64 $Json.name("line_count");    # Lines in the report, on every page.
  nextCursor @8 :Text $Json.name("next_cursor");    # Empty: the last page.
}

struct RewardRow {
  department @0 :Text;
  surveys @1 :UInt32;
  customerScore @2 :Text $Json.name("customer_score");
  platformRating @3 :Text $Json.name("platform_rating");
  composite @4 :Text;
  reward @5 :Text;
  complaints @6 :List(Text);
  ratingEvent @7 :UInt64 $Json.name("rating_event");
}

# GET /v1/rewards.
struct Rewards {
  month @0 :Text;
  departments @1 :List(RewardRow);
}

struct OnTime {
  met @0 :UInt32;
  missed @1 :UInt32;
  rate @2 :Text;                       # Percent, "87.50"; empty: no clock ended.
}

struct OnTimeByClock {
  transmission @0 :OnTime;
  assignment @1 :OnTime;
  response @2 :OnTime;
  plan @3 :OnTime;
  staffDecision @4 :OnTime $Json.name("staff_decision");
  closure @5 :OnTime;
}

struct SurveyMeans {
  count @0 :UInt32;
  timeliness @1 :Float64;
  plan @2 :Float64;
  attitude @3 :Float64;
  mean @4 :Float64;
}

struct Rank {
  closureRate @0 :UInt32 $Json.name("closure_rate");
  efficiency @1 :UInt32;
  satisfaction @2 :UInt32;
}

struct ProjectMetrics {
  project @0 :Text;                    # "*" for all projects together
  received @1 :UInt32;
  closed @2 :UInt32;
  closureRate @3 :Text $Json.name("closure_rate");
  onTime @4 :OnTimeByClock $Json.name("on_time");
  meanHoursToFirstResponse @5 :Float64 $Json.name("mean_hours_to_first_response");
  meanHoursToClosure @6 :Float64 $Json.name("mean_hours_to_closure");
  survey @7 :SurveyMeans;
  rank @8 :Rank;
}

# GET /v1/metrics.
struct Metrics {
  period @0 :Text;
  projects @1 :List(ProjectMetrics);
  total @2 :ProjectMetrics;
  evaluated @3 :Evaluation;
}

# A deadline alert (projections/alerts.h): a clock still to be done has passed a threshold.
struct Alert {
  complaint @0 :Text;
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

struct PublishedPolicy {
  version @0 :UInt32;
  name @1 :Text;
  sha256 @2 :Text;
  publishedAt @3 :Text $Json.name("published_at");
  publishedBy @4 :Text $Json.name("published_by");
  event @5 :UInt64;
  document @6 :Text;                   # With ?version=N only: the policy file as published.
}

# GET /v1/policies.
struct Policies {
  current @0 :UInt32;
  policies @1 :List(PublishedPolicy);
}
