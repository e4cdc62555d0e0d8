// Decide, records around the handling (decide_records.cc): links, extensions, staff decisions,
// callbacks, recorded fines and waivers, corrections, ratings and evidence, as refusal tables
// (refusal_table.h), with the accepted cases next to them.
#include <set>
#include <string>
#include <vector>

#include "refusal_table.h"

namespace ledger::domain {
namespace {

using namespace testing_util;

// --- Links ---------------------------------------------------------------------------------

TEST(Flow, LinksNeedAnotherExistingComplaintAndSecondComplaintsTheWindow) {
  const Time intake = testing_util::Monday10();  // 2026-03-02 10:00
  const Time month_before = Local("2026-02-01T10:00:00");
  const std::string second =
      R"({"type":"link","other":"CMP-2026-000000","relation":"second_complaint"})";
  const Cross first_closed = Other("CMP-2026-000000", month_before, Local("2026-02-10T10:00:00"));
  ExpectRefusals({
      {"a link to itself",
       At(Step::kReceived),
       R"({"type":"link","other":"CMP-2026-000001","relation":"same_issue"})",
       CsAgent(),
       kRefused,
       {{"other", "self"}}},
      {"a link to a complaint that does not exist",
       At(Step::kReceived),
       R"({"type":"link","other":"CMP-2026-000999","relation":"same_issue"})",
       CsAgent(),
       kRefused,
       {{"other", "unknown_complaint"}}},
      {"a link made twice",
       And(At(Step::kReceived),
           Doing(R"({"type":"link","other":"CMP-2026-000000","relation":"same_issue"})", CsAgent(),
                 first_closed)),
       R"({"type":"link","other":"CMP-2026-000000","relation":"same_issue"})",
       CsAgent(),
       kRefused,
       {{"other", "already_linked"}},
       first_closed},
      {"a second complaint to one not closed",
       At(Step::kReceived),
       second,
       CsAgent(),
       kRefused,
       {{"other", "not_closed"}},
       Other("CMP-2026-000000", month_before, std::nullopt)},
      {"a second complaint more than 3 months after the closure",
       At(Step::kReceived),
       second,
       CsAgent(),
       kRefused,
       {{"other", "outside_window"}},
       Other("CMP-2026-000000", Local("2025-11-01T10:00:00"), Local("2025-12-02T09:59:59"))},
      {"a second complaint received before the first was closed",
       At(Step::kReceived),
       second,
       CsAgent(),
       kRefused,
       {{"other", "outside_window"}},
       Other("CMP-2026-000000", month_before, intake + std::chrono::minutes(1))},
      {"a second complaint to a later complaint",
       At(Step::kReceived),
       second,
       CsAgent(),
       kRefused,
       {{"other", "not_earlier"}, {"other", "not_closed"}},
       Other("CMP-2026-000000", intake + std::chrono::minutes(1), std::nullopt)},
      {"an unknown relation",
       At(Step::kReceived),
       R"({"type":"link","other":"CMP-2026-000000","relation":"cousin"})",
       CsAgent(),
       kBad,
       {{"relation", "unknown_code"}},
       first_closed},
  });
  // Exactly three calendar months after the closure is still inside the window.
  Complaint k;
  Reach(k, Step::kReceived);
  CrossFacts edge =
      Other("CMP-2026-000000", Local("2025-11-01T10:00:00"), Local("2025-12-02T10:00:00"))(k);
  Decision d = k.Do(second, CsAgent(), edge);
  ASSERT_FALSE(d.events.empty());
  EXPECT_EQ(k.state().links.size(), 1u);
  EXPECT_EQ(k.state().links[0].relation, "second_complaint");
}

// --- Extensions, staff decisions, callbacks ------------------------------------------------

TEST(Flow, ExtensionsAreAskedForRunningClocksAndDecidedOnce) {
  const std::string closure_until_10 =
      R"({"type":"request_extension","clock":"closure","until":"2026-03-10T10:00:00+08:00","reason":"parts"})";
  const Given requested = And(At(Step::kAssigned), Doing(closure_until_10, Handler()));
  const Given decided = And(
      requested, Doing(R"({"type":"decide_extension","request":5,"approved":true})", DeptHead()));
  ExpectRefusals({
      {"a clock already met (plan proposed)",
       At(Step::kPlanned),
       R"({"type":"request_extension","clock":"plan","until":"2026-03-03T10:00:00+08:00","reason":"x"})",
       Handler(),
       kRefused,
       {{"clock", "not_running"}}},
      {"a clock already missed",
       And(At(Step::kAssigned), Later(std::chrono::hours(5))),
       R"({"type":"request_extension","clock":"plan","until":"2026-03-03T10:00:00+08:00","reason":"x"})",
       Handler(),
       kRefused,
       {{"clock", "not_running"}}},
      {"until not later than the due (3 days: 2026-03-05 10:00)",
       At(Step::kAssigned),
       R"({"type":"request_extension","clock":"closure","until":"2026-03-05T10:00:00+08:00","reason":"x"})",
       Handler(),
       kRefused,
       {{"until", "not_later"}}},
      {"a request already waiting",
       requested,
       R"({"type":"request_extension","clock":"closure","until":"2026-03-12T10:00:00+08:00","reason":"x"})",
       Handler(),
       kRefused,
       {{"clock", "request_pending"}}},
      {"bad request fields",
       At(Step::kAssigned),
       R"({"type":"request_extension","clock":"lunch"})",
       Handler(),
       kBad,
       {{"clock", "unknown_code"}, {"until", "required"}, {"reason", "required"}}},
      {"decide an unknown request (position 2 is the validity)",
       At(Step::kAssigned),
       R"({"type":"decide_extension","request":2,"approved":true})",
       DeptHead(),
       kRefused,
       {{"request", "unknown_request"}}},
      {"decide a request twice",
       decided,
       R"({"type":"decide_extension","request":5,"approved":false,
       "comment":"changed my mind"})",
       DeptHead(),
       kRefused,
       {{"request", "already_decided"}}},
      {"refuse without a comment",
       requested,
       R"({"type":"decide_extension","request":5,"approved":false})",
       DeptHead(),
       kBad,
       {{"comment", "required"}}},
      {"request position 0",
       requested,
       R"({"type":"decide_extension","request":0,"approved":true})",
       DeptHead(),
       kBad,
       {{"request", "range"}}},
      {"a general complaint's extension decided by the deputy GM", requested,
       R"({"type":"decide_extension","request":5,"approved":true})", DeputyGm(), kDenied,
       kPermission},
  });
  Complaint k;
  requested(k);
  EXPECT_TRUE(k.Try(R"({"type":"decide_extension","request":5,"approved":true})", DeptHead()).ok());
}

TEST(Flow, StaffDecisionsOnlyForComplaintsAboutStaffAndOnce) {
  const std::string staff =
      R"({"type":"record_staff_decision","person":"u-9","decision":"warning"})";
  const Given about_staff = At(Step::kAssigned, "service_attitude",
                               R"(,"target":{"kind":"person","id":"u-9","department":"property"})");
  ExpectRefusals({
      {"a complaint not about a staff member",
       At(Step::kAssigned),
       staff,
       Handler(),
       kRefused,
       {{"type", "not_about_staff"}}},
      {"a second decision",
       And(about_staff, Doing(staff, Handler())),
       staff,
       Handler(),
       kRefused,
       {{"type", "already_recorded"}}},
      {"a decision without its text",
       about_staff,
       R"({"type":"record_staff_decision","person":"u-9"})",
       Handler(),
       kBad,
       {{"decision", "required"}}},
  });
  Complaint k;
  about_staff(k);
  EXPECT_TRUE(k.Try(staff, Handler()).ok());
}

TEST(Flow, CallbackAfterClosureWithScoresInRangeAndReasonsBelowSix) {
  const std::string ok = R"({"type":"record_callback","acknowledged":true,"contacted":true,
                             "timeliness":9,"plan":8,"attitude":10})";
  ExpectRefusals({
      {"a callback before closure",
       At(Step::kConfirmed),
       ok,
       CsAgent(),
       kRefused,
       {{"type", "not_closed"}}},
      {"scores out of range",
       At(Step::kClosed),
       R"({"type":"record_callback","acknowledged":true,"contacted":true,"timeliness":11,"plan":-1,
           "attitude":10})",
       CsAgent(),
       kBad,
       {{"timeliness", "range"}, {"plan", "range"}}},
      {"a score below 6 without reasons",
       At(Step::kClosed),
       R"({"type":"record_callback","acknowledged":true,"contacted":false,"timeliness":5,"plan":6,
           "attitude":3})",
       CsAgent(),
       kBad,
       {{"reasons", "required_below_6"}}},
      {"a fractional score",
       At(Step::kClosed),
       R"({"type":"record_callback","acknowledged":true,"contacted":true,"timeliness":5.5,"plan":6,
           "attitude":6,"reasons":"slow"})",
       CsAgent(),
       kBad,
       {{"timeliness", "type"}}},
      {"missing answers",
       At(Step::kClosed),
       R"({"type":"record_callback","timeliness":9,"plan":9,"attitude":9})",
       CsAgent(),
       kBad,
       {{"acknowledged", "required"}, {"contacted", "required"}}},
      {"a second callback",
       And(At(Step::kClosed), Doing(ok, CsAgent())),
       ok,
       CsAgent(),
       kRefused,
       {{"type", "already_recorded"}}},
  });
  Complaint k;
  Reach(k, Step::kClosed);
  EXPECT_TRUE(
      k.Try(R"({"type":"record_callback","acknowledged":true,"contacted":false,"timeliness":0,
                        "plan":6,"attitude":10,"reasons":"nobody came"})",
            CsAgent())
          .ok());
}

// --- Fines ---------------------------------------------------------------------------------

// Property service closes in 3 days: due 2026-03-05 10:00.
const Time kPropertyDue = *ParseRfc3339("2026-03-05T10:00:00+08:00");

Given OverdueBy(Duration d) {
  return And(At(Step::kResponded), [d](Complaint& k) { k.SetNow(kPropertyDue + d); });
}

TEST(Flow, RecordedFines) {
  using std::chrono::hours;
  using std::chrono::minutes;
  const std::string overdue_15 =
      R"({"type":"record_fine","rule":"closure_overdue_15","amount":"800.00","people":["u-handler-1"],
          "reason":"more than 15 days"})";
  ExpectRefusals({
      {"a fixed amount changed",
       At(Step::kClosed),
       R"({"type":"record_fine","rule":"misconduct","amount":"400.00","departments":["property"],"reason":"x"})",
       CsHead(),
       kRefused,
       {{"amount", "fixed_amount"}}},
      {"closure_overdue_15 on a complaint not overdue",
       At(Step::kResponded),
       overdue_15,
       CsHead(),
       kRefused,
       {{"rule", "not_applicable"}}},
      {"closure_overdue_15 exactly 15 days overdue",
       OverdueBy(hours(24 * 15)),
       overdue_15,
       CsHead(),
       kRefused,
       {{"rule", "not_applicable"}}},
      {"closure_overdue_15 above its range",
       OverdueBy(hours(24 * 15) + minutes(1)),
       R"({"type":"record_fine","rule":"closure_overdue_15","amount":"1500.01","people":["u-handler-1"],
           "reason":"x"})",
       DeputyGm(),
       kRefused,
       {{"amount", "range"}}},
      {"closure_overdue_15 below its range",
       OverdueBy(hours(24 * 20)),
       R"({"type":"record_fine","rule":"closure_overdue_15","amount":"499.99","people":["u-handler-1"],
           "reason":"x"})",
       Gm(),
       kRefused,
       {{"amount", "range"}}},
      {"closure_overdue_15 without an amount",
       OverdueBy(hours(24 * 20)),
       R"({"type":"record_fine","rule":"closure_overdue_15","people":["u-handler-1"],"reason":"x"})",
       CsHead(),
       kRefused,
       {{"amount", "range"}}},
      {"an unknown department",
       At(Step::kClosed),
       R"({"type":"record_fine","rule":"deflection","departments":["property","kitchen"],"reason":"x"})",
       CsHead(),
       kRefused,
       {{"departments[1]", "unknown_department"}}},
      {"a derived rule",
       At(Step::kClosed),
       R"({"type":"record_fine","rule":"no_plan","departments":["property"],"reason":"x"})",
       CsHead(),
       kRefused,
       {{"rule", "not_recorded_rule"}}},
      {"nobody charged",
       At(Step::kClosed),
       R"({"type":"record_fine","rule":"misconduct","reason":"x"})",
       CsHead(),
       kBad,
       {{"people", "required"}}},
      {"money with three decimals",
       At(Step::kClosed),
       R"({"type":"record_fine","rule":"misconduct","amount":"500.000","people":["u-1"],"reason":"x"})",
       CsHead(),
       kBad,
       {{"amount", "money"}}},
      {"negative money",
       At(Step::kClosed),
       R"({"type":"record_fine","rule":"media_investigation","amount":"-1.00","people":["u-1"],"reason":"x"})",
       CsHead(),
       kBad,
       {{"amount", "money"}}},
      {"by a customer-service agent", At(Step::kClosed),
       R"({"type":"record_fine","rule":"misconduct","people":["u-1"],"reason":"x"})", CsAgent(),
       kDenied, kPermission},
      {"by a department head", At(Step::kClosed),
       R"({"type":"record_fine","rule":"misconduct","people":["u-1"],"reason":"x"})", DeptHead(),
       kDenied, kPermission},
  });
}

struct FineRow {
  const char* name;
  Given given;
  std::string action;
  Actor actor;
  Money amount;
};

TEST(Flow, RecordedFinesTakeTheirAmounts) {
  using std::chrono::hours;
  using std::chrono::minutes;
  const std::vector<FineRow> rows = {
      {"misconduct without an amount is 500.00", At(Step::kClosed),
       R"({"type":"record_fine","rule":"misconduct","departments":["property"],"reason":"x"})",
       CsHead(), 50000},
      {"deflection at its amount", At(Step::kClosed),
       R"({"type":"record_fine","rule":"deflection","amount":"300.00","people":["u-head-property"],
           "departments":["property"],"reason":"x"})",
       DeputyGm(), 30000},
      {"media_investigation has no amount", At(Step::kClosed),
       R"({"type":"record_fine","rule":"media_investigation","people":["u-1"],"reason":"x"})", Gm(),
       -1},
      {"closure_overdue_15 a minute past 15 days", OverdueBy(hours(24 * 15) + minutes(1)),
       R"({"type":"record_fine","rule":"closure_overdue_15","amount":"500.00","people":["u-handler-1"],
           "departments":["property"],"reason":"x"})",
       CsHead(), 50000},
      {"closure_overdue_15 at the top of its range", OverdueBy(hours(24 * 30)),
       R"({"type":"record_fine","rule":"closure_overdue_15","amount":"1500.00","people":["u-handler-1"],
           "reason":"x"})",
       CsHead(), 150000},
  };
  for (const FineRow& row : rows) {
    Complaint k;
    row.given(k);
    k.Do(row.action, row.actor);
    ASSERT_EQ(k.state().fines.size(), 1u) << row.name;
    EXPECT_EQ(k.state().fines[0].amount, row.amount) << row.name;
    EXPECT_EQ(k.state().fines[0].recorded_role, row.actor.role) << row.name;
  }
}

TEST(Flow, WaiversNameAFineLineOnceByTheRightRoles) {
  // Assigned at 10:00, no response: the response clock (1 h) is missed at 11:00.
  const Given late = And(At(Step::kAssigned), Later(std::chrono::hours(2)));
  const std::string waive =
      R"({"type":"waive_fine","fine":"CMP-2026-000001:response_late","reason":"the customer was abroad"})";
  ExpectRefusals({
      {"an unknown fine line",
       late,
       R"({"type":"waive_fine","fine":"CMP-2026-000001:no_plan","reason":"x"})",
       DeputyGm(),
       kRefused,
       {{"fine", "unknown_fine"}}},
      {"a line already waived",
       And(late, Doing(waive, Gm())),
       waive,
       DeputyGm(),
       kRefused,
       {{"fine", "already_waived"}}},
      {"by the head of customer service", late, waive, CsHead(), kDenied, kPermission},
      {"without a reason",
       late,
       R"({"type":"waive_fine","fine":"CMP-2026-000001:response_late"})",
       Gm(),
       kBad,
       {{"reason", "required"}}},
  });
  for (const Actor& a : {DeputyGm(), Gm()}) {
    Complaint k;
    late(k);
    EXPECT_TRUE(k.Try(waive, a).ok()) << a.role;
  }
}

// --- Corrections, ratings, evidence ----------------------------------------------------------

TEST(Flow, CorrectionsNameAnEventAFieldAndAGoodValue) {
  using W = schema::DomainEvent::Which;
  const Given escalated = At(Step::kReceived, "property_service", R"(,"flags":["government"])");
  ExpectRefusals({
      {"an event that does not exist",
       At(Step::kReceived),
       R"({"type":"correct","event":99,"field":"occurred_at","value":"2026-03-02T09:00:00+08:00","reason":"x"})",
       CsAgent(),
       kRefused,
       {{"event", "unknown_event"}}},
      {"an event of another complaint",
       At(Step::kReceived),
       R"({"type":"correct","event":1,"field":"headcount","value":"2","reason":"x"})",
       CsAgent(),
       kRefused,
       {{"event", "unknown_event"}},
       Referencing(1, W::RECEIVED, "CMP-2026-000999")},
      {"an automatic escalation",
       escalated,
       R"({"type":"correct","event":2,"field":"occurred_at","value":"2026-03-02T10:00:00+08:00","reason":"x"})",
       CsAgent(),
       kRefused,
       {{"event", "not_correctable"}},
       Referencing(2, W::LEVEL_ESCALATED)},
      {"a field that is not correctable",
       At(Step::kResponded),
       R"({"type":"correct","event":5,"field":"channel","value":"visit","reason":"x"})",
       CsAgent(),
       kRefused,
       {{"field", "not_correctable"}},
       Referencing(5, W::CUSTOMER_RESPONDED)},
      {"a headcount of 0",
       At(Step::kReceived),
       R"({"type":"correct","event":1,"field":"headcount","value":"0","reason":"x"})",
       CsAgent(),
       kBad,
       {{"value", "correction_value"}},
       Referencing(1, W::RECEIVED)},
      {"money with one decimal",
       At(Step::kReceived),
       R"({"type":"correct","event":1,"field":"claimed_compensation","value":"1.5","reason":"x"})",
       CsAgent(),
       kBad,
       {{"value", "money"}},
       Referencing(1, W::RECEIVED)},
      {"negative money",
       At(Step::kReceived),
       R"({"type":"correct","event":1,"field":"claimed_compensation","value":"-1.00","reason":"x"})",
       CsAgent(),
       kBad,
       {{"value", "money"}},
       Referencing(1, W::RECEIVED)},
      {"a time that is not RFC 3339",
       At(Step::kReceived),
       R"({"type":"correct","event":1,"field":"occurred_at","value":"yesterday","reason":"x"})",
       CsAgent(),
       kBad,
       {{"value", "correction_value"}},
       Referencing(1, W::RECEIVED)},
      {"a time in the future",
       At(Step::kResponded),
       R"({"type":"correct","event":5,"field":"occurred_at","value":"2026-03-02T10:06:00+08:00","reason":"x"})",
       CsAgent(),
       kRefused,
       {{"value", "future"}},
       Referencing(5, W::CUSTOMER_RESPONDED)},
      {"a time before the intake",
       At(Step::kResponded),
       R"({"type":"correct","event":5,"field":"occurred_at","value":"2026-03-02T09:59:00+08:00","reason":"x"})",
       CsAgent(),
       kRefused,
       {{"value", "before_intake"}},
       Referencing(5, W::CUSTOMER_RESPONDED)},
      {"an unknown channel",
       At(Step::kReceived),
       R"({"type":"correct","event":1,"field":"channel","value":"pigeon","reason":"x"})",
       CsAgent(),
       kBad,
       {{"value", "correction_value"}},
       Referencing(1, W::RECEIVED)},
      {"the intake moved after a later event",
       And(At(Step::kReceived),
           And(Later(std::chrono::hours(2)),
               Doing(R"({"type":"respond","channel":"phone","summary":"x"})", CsAgent()))),
       R"({"type":"correct","event":1,"field":"occurred_at","value":"2026-03-02T12:00:01+08:00","reason":"x"})",
       CsAgent(),
       kRefused,
       {{"value", "after_later_events"}},
       Referencing(1, W::RECEIVED)},
      {"a receiving department not in the policy",
       At(Step::kReceived),
       R"({"type":"correct","event":1,"field":"receiving_department","value":"kitchen","reason":"x"})",
       CsAgent(),
       kRefused,
       {{"value", "unknown_department"}},
       Referencing(1, W::RECEIVED)},
      {"a target department not in the policy",
       At(Step::kReceived),
       R"({"type":"correct","event":1,"field":"target.department","value":"kitchen","reason":"x"})",
       CsAgent(),
       kRefused,
       {{"value", "unknown_department"}},
       Referencing(1, W::RECEIVED)},
      {"a project not in the policy",
       At(Step::kReceived),
       R"({"type":"correct","event":1,"field":"project","value":"p-moon","reason":"x"})",
       CsAgent(),
       kRefused,
       {{"value", "unknown_project"}},
       Referencing(1, W::RECEIVED)},
      {"without a reason",
       At(Step::kReceived),
       R"({"type":"correct","event":1,"field":"headcount","value":"2"})",
       CsAgent(),
       kBad,
       {{"reason", "required"}},
       Referencing(1, W::RECEIVED)},
  });
  // The intake itself may move earlier (it was received before it was entered), and the
  // receiving department may become another department of the policy.
  Complaint k;
  Reach(k, Step::kReceived);
  EXPECT_TRUE(k.Try(R"({"type":"correct","event":1,"field":"occurred_at",
                        "value":"2026-03-02T08:00:00+08:00","reason":"entered late"})",
                    CsAgent(), Referencing(1, W::RECEIVED)(k))
                  .ok());
  EXPECT_TRUE(
      k.Try(R"({"type":"correct","event":1,"field":"receiving_department","value":"property",
                        "reason":"the property office took the call"})",
            CsAgent(), Referencing(1, W::RECEIVED)(k))
          .ok());
  EXPECT_TRUE(
      k.Try(R"({"type":"correct","event":1,"field":"project","value":"p-central","reason":"x"})",
            CsAgent(), Referencing(1, W::RECEIVED)(k))
          .ok());
  // ...and later, up to the first event that followed it.
  k.Advance(std::chrono::hours(2));
  k.Do(R"({"type":"respond","channel":"phone","summary":"x"})", CsAgent());
  EXPECT_TRUE(k.Try(R"({"type":"correct","event":1,"field":"occurred_at",
                        "value":"2026-03-02T12:00:00+08:00","reason":"typed 10 for 12"})",
                    CsAgent(), Referencing(1, W::RECEIVED)(k))
                  .ok());
  // The escalation decided with the intake goes with it and does not hold it back.
  Complaint raised;
  Reach(raised, Step::kReceived, "property_service", R"(,"flags":["government"])");
  ASSERT_EQ(raised.state().levels.size(), 2u);
  raised.Advance(std::chrono::hours(1));
  raised.Do(R"({"type":"correct","event":1,"field":"occurred_at",
                                "value":"2026-03-02T10:30:00+08:00","reason":"typed 10:00"})",
            CsAgent(), Referencing(1, W::RECEIVED)(raised));
  EXPECT_EQ(raised.state().intake.at, Local("2026-03-02T10:30:00"));
  EXPECT_EQ(raised.state().level(), Level::kImportant);
}

TEST(Flow, RatingsAndEvidence) {
  ExpectRefusals({
      {"a rating out of range and a bad month",
       Nothing(),
       R"({"type":"rate_department","department":"property","month":"2026-13","score":101})",
       CsAgent(),
       kBad,
       {{"score", "range"}, {"month", "yyyy_mm"}}},
      {"a rating of an unknown department",
       Nothing(),
       R"({"type":"rate_department","department":"kitchen","month":"2026-03","score":"95.50"})",
       CsAgent(),
       kRefused,
       {{"department", "unknown_department"}}},
      {"bad evidence",
       At(Step::kReceived),
       R"({"type":"attach_evidence","name":"photo.jpg","media_type":"image/jpeg","size":-1,"sha256":"xyz"})",
       CsAgent(),
       kBad,
       {{"size", "range"}, {"sha256", "hex64"}}},
  });
}

}  // namespace
}  // namespace ledger::domain
