// Escalations dated when their facts happen (ledger/domain/escalation.h): tables of "given these
// events, at this evaluation time, expect this level, these rules and these deadlines", with the
// scheduler's part played by the test (NextTimeEscalation, then DecideTimeEscalation once the
// clock has passed it).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "domain_harness.h"
#include "flow_steps.h"
#include "ledger/domain/clocks.h"
#include "ledger/domain/escalation.h"
#include "ledger/domain/rules.h"

namespace testing_util {
namespace {

using ledger::domain::ClockKind;
using ledger::domain::ClockState;
using ledger::domain::CrossFactsOverTime;
using ledger::domain::DecideCrossEscalation;
using ledger::domain::DecideTimeEscalation;
using ledger::domain::EscalationKey;
using ledger::domain::EvaluateClocks;
using ledger::domain::EvaluateRules;
using ledger::domain::NextTimeEscalation;

Time At(const std::string& local) { return *ledger::ParseRfc3339(local + "+08:00"); }

// What the server's scheduler does: every escalation time has brought by now, each dated at its
// instant. Returns their instants.
std::vector<Time> RunScheduler(Complaint& k) {
  std::vector<Time> appended;
  for (;;) {
    std::optional<Time> next = NextTimeEscalation(k.state(), k.policy());
    if (!next || *next > k.now()) return appended;
    Decision d = DecideTimeEscalation(k.state(), k.policy(), k.now(), "time");
    if (d.events.empty()) return appended;
    appended.push_back(d.events[0].occurred_at);
    k.Apply(d);
  }
}

std::optional<Time> Due(const Complaint& k, ClockKind kind, Time as_of) {
  for (const auto& c :
       EvaluateClocks(ledger::domain::ClockFactsOf(k.state(), k.policy()), k.policy(), as_of))
    if (c.kind == kind) return c.due;
  return std::nullopt;
}

struct TimeRow {
  const char* name;
  std::function<void(Complaint&)> given;  // actions, with the clock moved between them
  Time evaluated;                         // the clock when the scheduler runs
  Level level;                            // the level then
  std::vector<Time> escalated_at;         // the system escalations' occurred_at
  std::vector<std::string> rules;         // the rules of the level
};

// Monday 2026-03-02 10:00: received by customer service, valid, assigned; no plan ever.
void Assigned(Complaint& k) { k.ReceiveAndAssign(); }

TEST(EscalationOverTime, TimeRulesRiseAtTheirInstant) {
  const std::vector<TimeRow> rows = {
      {"no further action: a week later exactly, not at the next action",
       Assigned,
       At("2026-03-10T08:00:00"),
       Level::kImportant,
       {At("2026-03-09T10:00:00")},
       {"unresolved_week"}},
      {"a day short of the week: nothing yet",
       Assigned,
       At("2026-03-08T10:00:00"),
       Level::kGeneral,
       {},
       {}},
      {"paused two days on the customer: the week is nine days long",
       [](Complaint& k) {
         k.ReceiveAndAssign();
         k.SetNow(At("2026-03-03T10:00:00"));
         k.Do(R"({"type":"pause_clock","reason":"awaiting_customer"})", CsAgent());
         k.SetNow(At("2026-03-05T10:00:00"));
         k.Do(R"({"type":"resume_clock","reason":"awaiting_customer"})", CsAgent());
       },
       At("2026-03-12T00:00:00"),
       Level::kImportant,
       {At("2026-03-11T10:00:00")},
       {"unresolved_week"}},
      {"still paused: the allowance is held",
       [](Complaint& k) {
         k.ReceiveAndAssign();
         k.SetNow(At("2026-03-03T10:00:00"));
         k.Do(R"({"type":"pause_clock","reason":"awaiting_customer"})", CsAgent());
       },
       At("2026-03-20T00:00:00"),
       Level::kGeneral,
       {},
       {}},
      {"resolved within the week: never",
       [](Complaint& k) { Reach(k, Step::kResolved); },
       At("2026-03-20T00:00:00"),
       Level::kGeneral,
       {},
       {}},
      {"closed: never escalated by the ledger",
       [](Complaint& k) { Reach(k, Step::kClosed); },
       At("2026-03-20T00:00:00"),
       Level::kGeneral,
       {},
       {}},
      {"set back to general by hand after the rise: deliberate, not overridden",
       [](Complaint& k) {
         k.ReceiveAndAssign();
         k.SetNow(At("2026-03-09T12:00:00"));
         RunScheduler(k);
         k.SetNow(At("2026-03-10T09:00:00"));
         k.Do(R"({"type":"set_level","level":"general","reason":"a misunderstanding, not a case"})",
              CsAgent());
       },
       At("2026-03-20T00:00:00"),
       Level::kGeneral,
       {},
       {"unresolved_week"}},
      {"already raised by a fact within the week: the week's rule adds nothing",
       [](Complaint& k) {
         k.ReceiveAndAssign();
         k.SetNow(At("2026-03-08T10:00:00"));
         k.Do(R"({"type":"add_flag","flag":"media_threatened"})", CsAgent());
       },
       At("2026-03-20T00:00:00"),
       Level::kImportant,
       {},
       {"exposure_risk", "unresolved_week"}},
  };
  for (const TimeRow& row : rows) {
    SCOPED_TRACE(row.name);
    Complaint k;
    row.given(k);
    k.SetNow(row.evaluated);
    std::vector<Time> appended = RunScheduler(k);
    EXPECT_EQ(appended, row.escalated_at);
    EXPECT_EQ(k.state().level(), row.level);
    std::vector<std::string> rules = EvaluateRules(k.state(), k.policy(), row.evaluated).codes;
    std::sort(rules.begin(), rules.end());
    std::vector<std::string> want = row.rules;
    std::sort(want.begin(), want.end());
    EXPECT_EQ(rules, want);
    // Never twice: the scheduler finds nothing more to do, and the key of a decision is stable.
    EXPECT_TRUE(RunScheduler(k).empty());
  }
}

// A policy whose design class closes in 10 days for an important complaint (15 otherwise).
std::shared_ptr<const Policy> ImportantClosesSooner() {
  boost::json::value doc = boost::json::parse(DefaultPolicyText());
  doc.at("closure").at("design").as_object()["by_level"] = {{"important", "10 days"}};
  auto p = ParsePolicy(boost::json::serialize(doc));
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return *p;
}

TEST(EscalationOverTime, ClocksAreRecomputedFromTheRise) {
  Complaint k;
  k.UsePolicy(ImportantClosesSooner());
  k.Do(ReceiveJson(), CsAgent());
  k.Do(R"({"type":"assess_validity","valid":true})", CsAgent());
  k.Do(R"({"type":"classify","category":"planning_design"})", CsAgent());
  // General: the closure is due 15 days after intake.
  EXPECT_EQ(Due(k, ClockKind::kClosure, At("2026-03-09T09:00:00")), At("2026-03-17T10:00:00"));
  k.SetNow(At("2026-03-09T10:30:00"));
  ASSERT_EQ(RunScheduler(k), std::vector<Time>{At("2026-03-09T10:00:00")});
  // As of after the rise: important's 10 days, counted from intake.
  EXPECT_EQ(Due(k, ClockKind::kClosure, At("2026-03-09T10:30:00")), At("2026-03-12T10:00:00"));
  // As of before it, the level then: general's 15.
  EXPECT_EQ(Due(k, ClockKind::kClosure, At("2026-03-09T09:59:00")), At("2026-03-17T10:00:00"));
  // A deadline already missed stays missed: the plan (4 hours, general) is not moved to 8.
  EXPECT_EQ(Due(k, ClockKind::kPlan, At("2026-03-09T10:30:00")), At("2026-03-02T14:00:00"));
}

TEST(EscalationOverTime, TheKeyOfARiseNamesItsLevelAndInstant) {
  Complaint a, b;
  a.ReceiveAndAssign();
  b.ReceiveAndAssign();
  a.SetNow(At("2026-03-10T00:00:00"));
  b.SetNow(At("2026-03-11T00:00:00"));  // decided a day later: the same rise
  Decision da = DecideTimeEscalation(a.state(), a.policy(), a.now(), "time");
  Decision db = DecideTimeEscalation(b.state(), b.policy(), b.now(), "time");
  ASSERT_FALSE(da.events.empty());
  EXPECT_EQ(EscalationKey(da), EscalationKey(db));
  EXPECT_EQ(EscalationKey(da),
            "esc:important:" + std::to_string(ledger::ToMicros(At("2026-03-09T10:00:00"))));
}

// Three complaints against one target, entered late and out of order: A occurred on the 1st, B
// on the 2nd, C on the 3rd; entered C, A, B. Once all are on record, each rises as of the 3rd
// (when the third occurred), whatever order they were entered in.
TEST(EscalationOverTime, ThreeComplaintsOfOneTargetEnteredLateRiseAsOfTheThird) {
  const Time a = At("2026-03-01T10:00:00"), b = At("2026-03-02T10:00:00"),
             c = At("2026-03-03T10:00:00");
  auto receive = [](Complaint& k, Time at) {
    k.SetNow(At("2026-03-06T10:00:00"));
    k.Do(ReceiveJson("customer_service",
                     R"(,"target":{"kind":"person","id":"u-9"},"occurred_at":")" +
                         ledger::FormatRfc3339(at, std::chrono::minutes(480)) + "\""),
         CsAgent());
  };
  Complaint ka, kb, kc;
  receive(ka, a);
  receive(kb, b);
  receive(kc, c);
  CrossFactsOverTime all{{a, b, c}};
  for (Complaint* k : {&ka, &kb, &kc}) {
    Decision d = DecideCrossEscalation(k->state(), k->policy(), all, k->now(), "pos:3");
    ASSERT_EQ(d.events.size(), 1u);
    EXPECT_EQ(d.events[0].occurred_at, c);
    EXPECT_EQ(d.events[0].event().getLevelEscalated().getTargetComplaints(), 3u);
    k->Apply(d);
    EXPECT_EQ(k->state().level(), Level::kImportant);
    // Replayable from the stream alone: as of the 2nd the complaint was general, as of the 3rd
    // important.
    EXPECT_EQ(EvaluateRules(k->state(), k->policy(), k->now()).level, Level::kImportant);
  }
  // With two on record nothing rises; with a fourth the third's instant still holds.
  EXPECT_TRUE(
      DecideCrossEscalation(ka.state(), ka.policy(), {{a, b}}, ka.now(), "x").events.empty());
  Complaint kd;
  receive(kd, a);
  Decision d = DecideCrossEscalation(kd.state(), kd.policy(), {{a, a, b, c}}, kd.now(), "pos:4");
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].occurred_at, b);  // by the 2nd, three had occurred
}

TEST(EscalationOverTime, SameIssueLinksRiseAsOfTheLink) {
  Complaint k;
  k.ReceiveAndAssign();
  const Time link = At("2026-03-04T15:00:00");
  k.SetNow(At("2026-03-05T10:00:00"));
  CrossFactsOverTime facts;
  facts.same_issue_complainants = 3;
  facts.same_issue_at = link;
  Decision d = DecideCrossEscalation(k.state(), k.policy(), facts, k.now(), "pos:20");
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].occurred_at, link);
  k.Apply(d);
  EXPECT_EQ(k.state().level(), Level::kMajor);
}

}  // namespace
}  // namespace testing_util
