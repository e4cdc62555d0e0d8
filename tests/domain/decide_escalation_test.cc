// Every escalation rule of docs/rules.md#levels-and-escalation, "the higher grade wins", and
// automatic escalation appended by the ledger itself (actor "system") in the same decision.
#include "domain_harness.h"
#include "ledger/domain/escalation.h"
#include "ledger/domain/rules.h"

namespace ledger::domain {
namespace {

using testing_util::Complaint;
using testing_util::CsAgent;
using testing_util::TypesOf;

std::string Receive(const std::string& extra) {
  return R"({"type":"receive","channel":"hotline","complainant":{"name":"Li","phone":"138"},
    "project":"p-lakeside","subject":"s","description":"d","receiving_department":"customer_service")" +
         extra + "}";
}

struct IntakeCase {
  const char* name;
  std::string extra;  // fields added to the receive action
  int64_t target_complaints;
  Level level;
  std::vector<std::string> codes;
};

TEST(Escalation, AtIntakeEachRuleGivesItsLevelAndTheHigherGradeWins) {
  std::vector<IntakeCase> cases = {
      {"nothing", "", 0, Level::kGeneral, {}},
      {"collective_10", R"(,"headcount":10)", 0, Level::kCrisis, {"collective_10"}},
      {"collective_10 at 25", R"(,"headcount":25)", 0, Level::kCrisis, {"collective_10"}},
      {"serious_loss flag", R"(,"flags":["serious_loss"])", 0, Level::kCrisis, {"serious_loss"}},
      {"compensation above 10000",
       R"(,"claimed_compensation":"10000.01")",
       0,
       Level::kCrisis,
       {"serious_loss"}},
      {"compensation 10000 is major",
       R"(,"claimed_compensation":"10000.00")",
       0,
       Level::kMajor,
       {"compensation"}},
      {"compensation 0.01",
       R"(,"claimed_compensation":"0.01")",
       0,
       Level::kMajor,
       {"compensation"}},
      {"compensation 0 is nothing", R"(,"claimed_compensation":"0.00")", 0, Level::kGeneral, {}},
      {"exposure_3 media",
       R"(,"flags":["media"],"headcount":3)",
       0,
       Level::kCrisis,
       {"exposure_3"}},
      {"exposure_3 litigation",
       R"(,"flags":["litigation"],"headcount":4)",
       0,
       Level::kCrisis,
       {"exposure_3"}},
      {"exposure below 3",
       R"(,"flags":["litigation"],"headcount":2)",
       0,
       Level::kMajor,
       {"exposure"}},
      {"exposure media alone", R"(,"flags":["media"])", 0, Level::kMajor, {"exposure"}},
      {"reputation", R"(,"flags":["reputation"])", 0, Level::kCrisis, {"reputation"}},
      {"collective_3", R"(,"headcount":3)", 0, Level::kMajor, {"collective_3"}},
      {"collective_3 at 9", R"(,"headcount":9)", 0, Level::kMajor, {"collective_3"}},
      {"headcount 2", R"(,"headcount":2)", 0, Level::kGeneral, {}},
      {"government", R"(,"flags":["government"])", 0, Level::kImportant, {"government"}},
      {"media threatened",
       R"(,"flags":["media_threatened"])",
       0,
       Level::kImportant,
       {"exposure_risk"}},
      {"litigation threatened",
       R"(,"flags":["litigation_threatened"])",
       0,
       Level::kImportant,
       {"exposure_risk"}},
      {"same_target_3",
       R"(,"target":{"kind":"person","id":"u-9"})",
       3,
       Level::kImportant,
       {"same_target_3"}},
      {"same target twice", R"(,"target":{"kind":"person","id":"u-9"})", 2, Level::kGeneral, {}},
      {"higher wins: 12 and government",
       R"(,"headcount":12,"flags":["government"])",
       0,
       Level::kCrisis,
       {"collective_10"}},
      {"two crisis rules",
       R"(,"headcount":10,"flags":["serious_loss"])",
       0,
       Level::kCrisis,
       {"collective_10", "serious_loss"}},
      {"major beats important",
       R"(,"headcount":5,"flags":["media_threatened"])",
       0,
       Level::kMajor,
       {"collective_3"}},
  };
  for (const IntakeCase& c : cases) {
    Complaint k;
    CrossFacts cross;
    cross.target_complaints = c.target_complaints;
    Decision d = k.Do(Receive(c.extra), CsAgent(), cross);
    EXPECT_EQ(k.state().level(), c.level) << c.name;
    RuleMatch m = EvaluateRules(k.state(), k.policy(), k.now());
    EXPECT_EQ(m.level, c.level) << c.name;
    std::vector<std::string> codes = m.codes;
    std::sort(codes.begin(), codes.end());
    EXPECT_EQ(codes, c.codes) << c.name;
    if (c.level == Level::kGeneral) {
      EXPECT_EQ(d.events.size(), 1u) << c.name;
      continue;
    }
    ASSERT_EQ(d.events.size(), 2u) << c.name;  // ComplaintReceived, LevelEscalated: one append
    const PendingEvent& esc = d.events[1];
    EXPECT_EQ(esc.type, "LevelEscalated") << c.name;
    EXPECT_EQ(esc.actor.id, "system");
    EXPECT_EQ(std::string(esc.event().getLevelEscalated().getLevel().cStr()), LevelName(c.level));
    EXPECT_EQ(esc.event().getLevelEscalated().getRules().size(), c.codes.size()) << c.name;
  }
}

TEST(Escalation, NewFactsLaterEscalateInTheSameDecision) {
  Complaint k;
  k.ReceiveAndAssign();
  EXPECT_EQ(k.state().level(), Level::kGeneral);
  Decision d = k.Do(R"({"type":"add_flag","flag":"government"})", CsAgent());
  EXPECT_EQ(TypesOf(d), (std::vector<std::string>{"FlagAdded", "LevelEscalated"}));
  EXPECT_EQ(d.events[1].causation_id, "FlagAdded") << "caused by the action's own event";
  EXPECT_EQ(k.state().level(), Level::kImportant);
  d = k.Do(R"({"type":"add_flag","flag":"litigation"})", CsAgent());
  EXPECT_EQ(k.state().level(), Level::kMajor);
  // A correction of the headcount is a new fact too.
  d = k.Do(R"({"type":"correct","event":1,"field":"headcount","value":"11","reason":"recount"})",
           CsAgent(), [&] {
             CrossFacts f;
             f.referenced = CrossFacts::Referenced{1, k.state().id, schema::DomainEvent::RECEIVED};
             return f;
           }());
  EXPECT_EQ(TypesOf(d), (std::vector<std::string>{"EventCorrected", "LevelEscalated"}));
  EXPECT_EQ(k.state().level(), Level::kCrisis);
  EXPECT_EQ(k.state().headcount, 11);
}

TEST(Escalation, RepeatThreeComesFromSameIssueLinks) {
  Complaint k;
  k.ReceiveAndAssign();
  CrossFacts cross;
  cross.other = OtherComplaint{"CMP-2026-000002", k.now(), std::nullopt, Level::kGeneral, 1, "139"};
  cross.same_issue_complainants = 2;
  Decision d = k.Do(R"({"type":"link","other":"CMP-2026-000002","relation":"same_issue"})",
                    CsAgent(), cross);
  EXPECT_EQ(k.state().level(), Level::kGeneral);
  cross.other->id = "CMP-2026-000003";
  cross.same_issue_complainants = 3;
  d = k.Do(R"({"type":"link","other":"CMP-2026-000003","relation":"same_issue"})", CsAgent(),
           cross);
  EXPECT_EQ(k.state().level(), Level::kMajor);
  EXPECT_EQ(std::string(d.events.back().event().getLevelEscalated().getRules()[0].cStr()),
            "repeat_3");
}

TEST(Escalation, ReopeningAfterAnImportantOneWasHandledIsMajor) {
  Complaint k;
  k.ReceiveAndAssign(R"(,"flags":["government"])");
  ASSERT_EQ(k.state().level(), Level::kImportant);
  k.Do(R"({"type":"propose_plan","plan_type":"repair","description":"fix"})",
       testing_util::Handler());
  k.Do(R"({"type":"review_plan","approved":true})", testing_util::DeptHead());
  k.Do(
      R"({"type":"resolve","resolution":"fixed","root_cause":"product_quality","corrective_action":"x"})",
      testing_util::Handler());
  k.Do(R"({"type":"confirm","method":"written"})", CsAgent());
  k.Do(R"({"type":"confirm","method":"property_company"})", CsAgent());
  k.Do(R"({"type":"close","basis":"customer_confirmed"})", CsAgent());
  Decision d = k.Do(R"({"type":"reopen","reason":"leaks again"})", CsAgent());
  EXPECT_EQ(TypesOf(d), (std::vector<std::string>{"ComplaintReopened", "LevelEscalated"}));
  EXPECT_EQ(k.state().level(), Level::kMajor);
}

TEST(Escalation, ReopeningAfterAGeneralOneStaysGeneral) {
  Complaint k;
  k.ReceiveAndAssign();
  k.Do(R"({"type":"respond","channel":"phone","summary":"explained"})", CsAgent());
  k.Do(R"({"type":"propose_plan","plan_type":"communicate","description":"talk"})",
       testing_util::Handler());
  k.Do(R"({"type":"review_plan","approved":true})", testing_util::DeptHead());
  k.Do(R"({"type":"close","basis":"plan_issued_no_agreement"})", CsAgent());
  Decision d = k.Do(R"({"type":"reopen","reason":"again"})", CsAgent());
  EXPECT_EQ(TypesOf(d), (std::vector<std::string>{"ComplaintReopened"}));
}

TEST(Escalation, SecondComplaintAfterAnImportantOneIsMajor) {
  Complaint k;
  k.Do(Receive(""), CsAgent());
  CrossFacts cross;
  Time first_closed = k.now() - std::chrono::hours(24 * 30);
  cross.other = OtherComplaint{"CMP-2026-000000",
                               first_closed - std::chrono::hours(48),
                               first_closed,
                               Level::kImportant,
                               1,
                               "138"};
  Decision d = k.Do(R"({"type":"link","other":"CMP-2026-000000","relation":"second_complaint"})",
                    CsAgent(), cross);
  EXPECT_EQ(k.state().level(), Level::kMajor);
  EXPECT_EQ(std::string(d.events.back().event().getLevelEscalated().getRules()[0].cStr()),
            "recurrence_after_important");
}

TEST(Escalation, UnresolvedAWeekAfterIntakeNotCountingPauses) {
  Complaint k;
  k.ReceiveAndAssign();
  k.Advance(std::chrono::hours(24));
  k.Do(R"({"type":"pause_clock","reason":"awaiting_customer"})", CsAgent());
  k.Advance(std::chrono::hours(48));
  k.Do(R"({"type":"resume_clock","reason":"awaiting_customer"})", CsAgent());
  // 7 days after intake, but 2 of them were paused: not yet.
  k.SetNow(testing_util::Monday10() + std::chrono::hours(24 * 7 + 1));
  Decision d = k.Do(R"({"type":"record_progress","summary":"working"})", testing_util::Handler());
  EXPECT_EQ(TypesOf(d), (std::vector<std::string>{"ProgressRecorded"}));
  RuleMatch early = EvaluateRules(k.state(), k.policy(), k.now());
  EXPECT_EQ(early.level, Level::kGeneral);
  // 9 days and an hour: 7 counted days have passed.
  k.SetNow(testing_util::Monday10() + std::chrono::hours(24 * 9 + 1));
  d = k.Do(R"({"type":"record_progress","summary":"still working"})", testing_util::Handler());
  EXPECT_EQ(TypesOf(d), (std::vector<std::string>{"ProgressRecorded", "LevelEscalated"}));
  EXPECT_EQ(k.state().level(), Level::kImportant);
}

TEST(Escalation, ALevelSetBelowTheRuleLevelStaysUntilTheRuleLevelRises) {
  Complaint k;
  k.ReceiveAndAssign(R"(,"flags":["government"])");
  ASSERT_EQ(k.state().level(), Level::kImportant);
  k.Do(R"({"type":"set_level","level":"general","reason":"the department was only copied"})",
       CsAgent());
  EXPECT_EQ(k.state().level(), Level::kGeneral);
  EXPECT_TRUE(k.state().levels.back().manual);
  EXPECT_EQ(k.state().levels.back().rule_level, Level::kImportant);
  Decision d = k.Do(R"({"type":"record_progress","summary":"x"})", testing_util::Handler());
  EXPECT_EQ(TypesOf(d), (std::vector<std::string>{"ProgressRecorded"}));  // not re-escalated
  d = k.Do(R"({"type":"add_flag","flag":"media"})", CsAgent());
  EXPECT_EQ(k.state().level(), Level::kMajor);  // the rule level rose above what CS accepted
}

TEST(Escalation, CrossComplaintFactsEscalateOtherComplaints) {
  Complaint k;
  k.ReceiveAndAssign(R"(,"target":{"kind":"person","id":"u-9"})");
  const Time t = k.now();
  Decision none = DecideCrossEscalation(k.state(), k.policy(), {{t, t}}, k.now(), "pos:9");
  EXPECT_TRUE(none.events.empty());
  Decision d = DecideCrossEscalation(k.state(), k.policy(), {{t, t, t}}, k.now(), "pos:9");
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].actor.id, "system");
  EXPECT_EQ(d.events[0].causation_id, "pos:9");
  k.Apply(d);
  EXPECT_EQ(k.state().level(), Level::kImportant);
  EXPECT_EQ(k.state().target_complaints, 3);
  // Replayable from the stream alone: the recorded facts give the same rule level.
  EXPECT_EQ(EvaluateRules(k.state(), k.policy(), k.now()).level, Level::kImportant);
}

}  // namespace
}  // namespace ledger::domain
