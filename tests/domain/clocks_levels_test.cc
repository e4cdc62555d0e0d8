// The clock engine, one fact at a time: every clock at every level and closure class, where the
// clocks start (weekends, holidays, the safety-risk exception), transmission and assignment,
// the staff decision, and the state at the evaluation time.
#include <gtest/gtest.h>

#include "clocks_test_util.h"

namespace ledger::domain {
namespace {

using namespace testing_util;

// Tuesday 2026-03-10 10:00, an ordinary working day.
constexpr const char* kTuesday = "2026-03-10T10:00";

struct LevelRow {
  Level level;
  const char* transmission;  // and assignment
  const char* response;
  const char* plan;
};

TEST(ClocksEngine, EveryLevelsTransmissionAssignmentResponseAndPlan) {
  const LevelRow rows[] = {
      {Level::kGeneral, "2026-03-10T12:00", "2026-03-10T11:00", "2026-03-10T14:00"},
      {Level::kImportant, "2026-03-10T12:00", "2026-03-10T11:00", "2026-03-10T18:00"},
      {Level::kMajor, "2026-03-10T12:00", "2026-03-10T12:00", "2026-03-11T10:00"},
      {Level::kCrisis, "2026-03-10T14:00", "2026-03-10T14:00", "2026-03-12T10:00"},
  };
  for (const LevelRow& r : rows) {
    SCOPED_TRACE(LevelName(r.level));
    ClockFacts by_other = Received(kTuesday, r.level);
    by_other.received_by_customer_service = false;
    ClockFacts by_cs = Received(kTuesday, r.level);
    auto other = EvaluateClocks(by_other, DefaultP(), L("2026-03-10T10:01"));
    auto cs = EvaluateClocks(by_cs, DefaultP(), L("2026-03-10T10:01"));
    EXPECT_EQ(Local(Find(other, ClockKind::kTransmission).due), Local(L(r.transmission)));
    EXPECT_EQ(Local(Find(cs, ClockKind::kAssignment).due), Local(L(r.transmission)));
    EXPECT_EQ(Local(Find(cs, ClockKind::kResponse).due), Local(L(r.response)));
    EXPECT_EQ(Local(Find(cs, ClockKind::kPlan).due), Local(L(r.plan)));
    for (ClockKind k : {ClockKind::kAssignment, ClockKind::kResponse, ClockKind::kPlan}) {
      const ClockResult& c = Find(cs, k);
      EXPECT_EQ(c.state, ClockState::kPending) << ClockKindName(k);
      EXPECT_EQ(c.why.level, r.level);
      EXPECT_EQ(c.why.start, L(kTuesday));
      EXPECT_EQ(c.why.policy_version, 1u);
      EXPECT_FALSE(c.why.allowance.empty());
      EXPECT_TRUE(HasEvent(c.why, 1));
    }
  }
}

struct ClosureRow {
  ClosureClass cls;
  Level level;
  const char* due;
  const char* allowance;
};

TEST(ClocksEngine, ClosureForEveryClassAndLevel) {
  const char* k15WorkingDays = "2026-03-31T10:00";  // Mar 11-13, 16-20, 23-27, 30, 31
  const char* k15Days = "2026-03-25T10:00";
  const char* k7Days = "2026-03-17T10:00";
  const char* k3Days = "2026-03-13T10:00";
  const char* k5WorkingDays = "2026-03-17T10:00";  // Mar 11, 12, 13, 16, 17
  std::vector<ClosureRow> rows;
  for (Level l : kAllLevels) {
    rows.push_back(
        {ClosureClass::kEngineering, l, k15WorkingDays, "15 working days (engineering)"});
    rows.push_back({ClosureClass::kDesign, l, k15Days, "15 days (design)"});
  }
  for (ClosureClass c :
       {ClosureClass::kProperty, ClosureClass::kMarketing, ClosureClass::kInvestment}) {
    for (Level l : {Level::kGeneral, Level::kImportant, Level::kMajor})
      rows.push_back({c, l, k3Days, nullptr});
    rows.push_back({c, Level::kCrisis, k5WorkingDays, nullptr});
  }
  rows.push_back({ClosureClass::kOther, Level::kGeneral, k15Days, "15 days (other)"});
  rows.push_back({ClosureClass::kOther, Level::kImportant, k15Days, "15 days (other)"});
  rows.push_back({ClosureClass::kOther, Level::kMajor, k7Days, "7 days (other, major)"});
  rows.push_back({ClosureClass::kOther, Level::kCrisis, k7Days, "7 days (other, crisis)"});
  rows.push_back({ClosureClass::kProperty, Level::kCrisis, k5WorkingDays,
                  "5 working days (property, crisis)"});
  for (const ClosureRow& r : rows) {
    SCOPED_TRACE(std::string(ClosureClassName(r.cls)) + "/" + std::string(LevelName(r.level)));
    ClockFacts f = Received(kTuesday, r.level);
    f.closure_class = r.cls;
    ClockResult c = Eval(f, ClockKind::kClosure, "2026-03-10T10:01");
    EXPECT_EQ(Local(c.due), Local(L(r.due)));
    EXPECT_EQ(c.state, ClockState::kPending);
    if (r.allowance) {
      EXPECT_EQ(c.why.allowance, r.allowance);
    }
  }
}

TEST(ClocksEngine, DesignClosureNotesItsTarget) {
  ClockFacts f = Received(kTuesday);
  f.closure_class = ClosureClass::kDesign;
  EXPECT_TRUE(Mentions(Eval(f, ClockKind::kClosure, kTuesday).why.notes, "7 days"));
}

TEST(ClocksEngine, UnclassifiedComplaintIsClosedUnderOtherAndSaysSo) {
  ClockFacts f = Received(kTuesday, Level::kMajor);
  f.closure_class.reset();
  ClockResult c = Eval(f, ClockKind::kClosure, kTuesday);
  EXPECT_EQ(Local(c.due), Local(L("2026-03-17T10:00")));
  EXPECT_TRUE(Mentions(c.why.notes, "not classified yet"));
}

struct StartRow {
  const char* why;
  const char* intake;
  Level level;
  bool safety_risk;
  ClockKind kind;
  const char* due;
};

TEST(ClocksEngine, NonWorkingDayIntakeStartsAtTheNextOpeningExceptTheSafetyRiskResponse) {
  const StartRow rows[] = {
      {"Saturday: response from Monday 09:00", "2026-03-07T10:00", Level::kGeneral, false,
       ClockKind::kResponse, "2026-03-09T10:00"},
      {"Saturday: plan from Monday 09:00", "2026-03-07T10:00", Level::kGeneral, false,
       ClockKind::kPlan, "2026-03-09T13:00"},
      {"Saturday: closure from Monday 09:00", "2026-03-07T10:00", Level::kGeneral, false,
       ClockKind::kClosure, "2026-03-24T09:00"},
      {"Golden Week: from the next working day", "2026-10-02T15:00", Level::kImportant, false,
       ClockKind::kResponse, "2026-10-08T10:00"},
      {"make-up Saturday is a working day", "2026-02-14T10:00", Level::kGeneral, false,
       ClockKind::kResponse, "2026-02-14T11:00"},
      {"safety risk, general: the level's 1 h is shorter than the 4 h cap", "2026-03-07T10:00",
       Level::kGeneral, true, ClockKind::kResponse, "2026-03-07T11:00"},
      {"safety risk, major: 2 h from the raw intake", "2026-10-01T10:00", Level::kMajor, true,
       ClockKind::kResponse, "2026-10-01T12:00"},
      {"safety risk, crisis: 4 h from the raw intake", "2026-03-08T22:00", Level::kCrisis, true,
       ClockKind::kResponse, "2026-03-09T02:00"},
      {"safety risk does not move the plan clock", "2026-03-07T10:00", Level::kGeneral, true,
       ClockKind::kPlan, "2026-03-09T13:00"},
  };
  for (const StartRow& r : rows) {
    SCOPED_TRACE(r.why);
    ClockFacts f = Received(r.intake, r.level);
    f.safety_risk = r.safety_risk;
    ClockResult c = Eval(f, r.kind, r.intake);
    EXPECT_EQ(Local(c.due), Local(L(r.due)));
  }
}

TEST(ClocksEngine, SafetyRiskCapWinsOverALongerLevelResponse) {
  Policy p = DefaultP();
  p.clocks[size_t(Level::kCrisis)].response = {Allowance::Unit::kHours, 8};
  ClockFacts f = Received("2026-03-07T10:00", Level::kCrisis);  // a Saturday
  EXPECT_EQ(Local(Eval(f, ClockKind::kResponse, "2026-03-07T10:00", p).due),
            Local(L("2026-03-09T17:00")));  // without the flag: Monday 09:00 + 8 h
  f.safety_risk = true;
  ClockResult c = Eval(f, ClockKind::kResponse, "2026-03-07T10:00", p);
  EXPECT_EQ(Local(c.due), Local(L("2026-03-07T14:00")));  // the 4 h cap from the raw intake
  EXPECT_NE(c.why.allowance.find("safety-risk cap"), std::string::npos) << c.why.allowance;
  EXPECT_NE(c.why.start_rule.find("safety risk"), std::string::npos) << c.why.start_rule;
  EXPECT_TRUE(c.why.skipped.empty());
}

TEST(ClocksEngine, ExplainsTheSkippedDaysBeforeTheStart) {
  ClockResult c = Eval(Received("2026-10-01T10:00"), ClockKind::kPlan, "2026-10-01T10:00");
  EXPECT_EQ(Local(c.why.start), Local(L("2026-10-08T09:00")));
  EXPECT_NE(c.why.start_rule.find("next working day's opening"), std::string::npos);
  ASSERT_EQ(c.why.skipped.size(), 1u);
  EXPECT_EQ(c.why.skipped[0].reason, "public holiday");
  EXPECT_EQ(c.why.skipped[0].events, std::vector<uint64_t>{1});
  EXPECT_EQ(c.why.allowance, "4 hours");
}

struct TransmissionRow {
  const char* why;
  std::optional<const char*> transmitted;
  std::optional<const char*> assigned;
  ClockState transmission;
  ClockState assignment;
  const char* assignment_due;  // nullptr: none
};

// Received by another department on Tuesday 10:00, general (2 h), evaluated at 18:00.
TEST(ClocksEngine, TransmissionThenAssignmentCountedFromTheTransmission) {
  const TransmissionRow rows[] = {
      {"both in time", "2026-03-10T11:00", "2026-03-10T12:30", ClockState::kMet, ClockState::kMet,
       "2026-03-10T13:00"},
      {"transmitted late, assigned in its own time", "2026-03-10T13:00", "2026-03-10T14:30",
       ClockState::kMissed, ClockState::kMet, "2026-03-10T15:00"},
      {"transmitted in time, never assigned", "2026-03-10T11:00", std::nullopt, ClockState::kMet,
       ClockState::kMissed, "2026-03-10T13:00"},
      {"never transmitted: assignment not started", std::nullopt, std::nullopt, ClockState::kMissed,
       ClockState::kNotStarted, nullptr},
  };
  for (const TransmissionRow& r : rows) {
    SCOPED_TRACE(r.why);
    ClockFacts f = Received(kTuesday);
    f.received_by_customer_service = false;
    if (r.transmitted) f.transmitted = At(*r.transmitted, 2);
    if (r.assigned) f.assigned = At(*r.assigned, 3);
    auto all = EvaluateClocks(f, DefaultP(), L("2026-03-10T18:00"));
    const ClockResult& t = Find(all, ClockKind::kTransmission);
    const ClockResult& a = Find(all, ClockKind::kAssignment);
    EXPECT_EQ(t.state, r.transmission);
    EXPECT_EQ(Local(t.due), Local(L("2026-03-10T12:00")));
    EXPECT_EQ(a.state, r.assignment);
    EXPECT_EQ(Local(a.due), r.assignment_due ? Local(L(r.assignment_due)) : "(none)");
    if (r.transmitted) {
      EXPECT_TRUE(HasEvent(a.why, 2));
    }
  }
}

TEST(ClocksEngine, TransmissionDoesNotApplyWhenCustomerServiceReceivedIt) {
  ClockResult t = Eval(Received(kTuesday), ClockKind::kTransmission, "2026-03-10T18:00");
  EXPECT_EQ(t.state, ClockState::kNotApplicable);
  EXPECT_FALSE(t.due);
  // No made-up start or level: it says why it does not apply.
  EXPECT_FALSE(t.why.start);
  EXPECT_FALSE(t.why.level);
  EXPECT_EQ(t.why.no_deadline, "received by customer service: nothing to transmit");
  // A clock that runs has no such reason.
  EXPECT_TRUE(
      Eval(Received(kTuesday), ClockKind::kResponse, "2026-03-10T18:00").why.no_deadline.empty());
}

TEST(ClocksEngine, TransmissionOfAWeekendIntakeBeforeTheClockStartCountsFromTheStart) {
  ClockFacts f = Received("2026-03-07T10:00");  // Saturday
  f.received_by_customer_service = false;
  f.transmitted = At("2026-03-07T11:00", 2);
  ClockResult a = Eval(f, ClockKind::kAssignment, "2026-03-07T12:00");
  EXPECT_EQ(Local(a.why.start), Local(L("2026-03-09T09:00")));
  EXPECT_EQ(Local(a.due), Local(L("2026-03-09T11:00")));
}

struct StateRow {
  const char* why;
  std::optional<const char*> responded;
  const char* as_of;
  ClockState state;
};

// General response: due Tuesday 11:00.
TEST(ClocksEngine, StateAtTheEvaluationTime) {
  const StateRow rows[] = {
      {"pending before the deadline", std::nullopt, "2026-03-10T10:59", ClockState::kPending},
      {"missed at the deadline", std::nullopt, "2026-03-10T11:00", ClockState::kMissed},
      {"missed after it", std::nullopt, "2026-03-11T09:00", ClockState::kMissed},
      {"met before it", "2026-03-10T10:30", "2026-03-10T12:00", ClockState::kMet},
      {"met exactly at it", "2026-03-10T11:00", "2026-03-10T12:00", ClockState::kMet},
      {"met late is missed", "2026-03-10T11:01", "2026-03-10T12:00", ClockState::kMissed},
      {"a response after as_of is not seen", "2026-03-10T10:30", "2026-03-10T10:20",
       ClockState::kPending},
  };
  for (const StateRow& r : rows) {
    SCOPED_TRACE(r.why);
    ClockFacts f = Received(kTuesday);
    if (r.responded) f.responded = At(*r.responded, 5);
    ClockResult c = Eval(f, ClockKind::kResponse, r.as_of);
    EXPECT_EQ(c.state, r.state) << ClockStateName(c.state);
    EXPECT_EQ(Local(c.due), Local(L("2026-03-10T11:00")));
    bool seen = r.responded && L(*r.responded) <= L(r.as_of);
    ASSERT_EQ(c.met.has_value(), seen);  // filled even when late
    if (seen) {
      EXPECT_EQ(c.met->position, 5u);
      EXPECT_TRUE(HasEvent(c.why, 5));
    }
  }
}

TEST(ClocksEngine, StaffDecisionRunsEightHoursFromValidity) {
  ClockFacts f = Received(kTuesday);
  EXPECT_EQ(Eval(f, ClockKind::kStaffDecision, "2026-03-10T12:00").state,
            ClockState::kNotApplicable);
  f.about_staff = true;
  EXPECT_EQ(Eval(f, ClockKind::kStaffDecision, "2026-03-10T12:00").state, ClockState::kNotStarted);
  f.valid_since = At("2026-03-10T16:00", 4);  // evening: elapsed hours, nights count
  ClockResult c = Eval(f, ClockKind::kStaffDecision, "2026-03-10T17:00");
  EXPECT_EQ(c.state, ClockState::kPending);
  EXPECT_EQ(Local(c.due), Local(L("2026-03-11T00:00")));
  EXPECT_TRUE(HasEvent(c.why, 4));
  f.staff_decision = At("2026-03-11T00:30", 6);
  EXPECT_EQ(Eval(f, ClockKind::kStaffDecision, "2026-03-11T09:00").state, ClockState::kMissed);
  f.staff_decision = At("2026-03-10T23:00", 6);
  EXPECT_EQ(Eval(f, ClockKind::kStaffDecision, "2026-03-11T09:00").state, ClockState::kMet);
  f.levels.push_back({At("2026-03-10T17:00", 7), Level::kCrisis});  // the level does not matter
  EXPECT_EQ(Local(Eval(f, ClockKind::kStaffDecision, "2026-03-11T09:00").due),
            Local(L("2026-03-11T00:00")));
}

TEST(ClocksEngine, ResultsComeInTheDocumentedOrder) {
  ClockFacts f = Received(kTuesday);
  f.cycles.push_back({At("2026-03-20T10:00", 9), std::nullopt, 1});
  f.cycles[0].closed = At("2026-03-12T10:00", 8);
  auto all = EvaluateClocks(f, DefaultP(), L("2026-03-21T10:00"));
  std::vector<std::pair<ClockKind, int>> order;
  for (const ClockResult& r : all) order.push_back({r.kind, r.cycle});
  std::vector<std::pair<ClockKind, int>> expected = {
      {ClockKind::kTransmission, 0}, {ClockKind::kAssignment, 0},    {ClockKind::kResponse, 0},
      {ClockKind::kPlan, 0},         {ClockKind::kStaffDecision, 0}, {ClockKind::kClosure, 0},
      {ClockKind::kClosure, 1}};
  EXPECT_EQ(order, expected);
}

TEST(ClocksEngine, NothingRunsBeforeTheIntake) {
  auto all = EvaluateClocks(Received(kTuesday), DefaultP(), L("2026-03-10T09:00"));
  ASSERT_EQ(all.size(), 5u);
  for (const ClockResult& r : all) EXPECT_EQ(r.state, ClockState::kNotStarted);
}

}  // namespace
}  // namespace ledger::domain
