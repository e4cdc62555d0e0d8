// The clock engine over a complaint's history: pauses of the closure clock, extensions, level
// changes (recomputation, and "a deadline already missed stays missed"), reopened cycles.
#include <gtest/gtest.h>

#include "clocks_test_util.h"

namespace ledger::domain {
namespace {

using namespace testing_util;

// Tuesday 2026-03-10 10:00; property class, general: closure due Friday 2026-03-13 10:00.
ClockFacts Property(Level level = Level::kGeneral) {
  ClockFacts f = Received("2026-03-10T10:00", level);
  f.closure_class = ClosureClass::kProperty;
  return f;
}

PauseFact Pause(const char* from, std::optional<const char*> to, uint64_t position) {
  PauseFact p{At(from, position), std::nullopt, "awaiting_customer"};
  if (to) p.end = At(*to, position + 1);
  return p;
}

ExtensionFact Extension(ClockKind clock, const char* until, const char* requested,
                        std::optional<const char*> decided, bool approved, uint64_t position,
                        int cycle = 0) {
  ExtensionFact x{clock, L(until), At(requested, position), std::nullopt, approved, cycle};
  if (decided) x.decided = At(*decided, position + 1);
  return x;
}

struct PauseRow {
  const char* why;
  std::vector<PauseFact> pauses;
  std::optional<const char*> closed;
  const char* as_of;
  const char* due;
  ClockState state;
};

TEST(ClocksHistory, PausesOfTheClosureClock) {
  const PauseRow rows[] = {
      {"a closed pause before the deadline pushes it by its length",
       {Pause("2026-03-11T10:00", "2026-03-12T10:00", 10)},
       std::nullopt,
       "2026-03-12T12:00",
       "2026-03-14T10:00",
       ClockState::kPending},
      {"an open pause pushes it up to the evaluation time and the clock is paused",
       {Pause("2026-03-11T10:00", std::nullopt, 10)},
       std::nullopt,
       "2026-03-13T12:00",
       "2026-03-15T12:00",
       ClockState::kPaused},
      {"a pause that ends after the evaluation time is still open",
       {Pause("2026-03-11T10:00", "2026-03-13T10:00", 10)},
       std::nullopt,
       "2026-03-12T10:00",
       "2026-03-14T10:00",
       ClockState::kPaused},
      {"a pause after the deadline does not count",
       {Pause("2026-03-13T11:00", "2026-03-14T11:00", 10)},
       std::nullopt,
       "2026-03-14T12:00",
       "2026-03-13T10:00",
       ClockState::kMissed},
      {"a second pause counts when it starts before the moved deadline",
       {Pause("2026-03-12T10:00", "2026-03-14T10:00", 10),
        Pause("2026-03-14T12:00", "2026-03-14T18:00", 12)},
       std::nullopt,
       "2026-03-14T20:00",
       "2026-03-15T16:00",
       ClockState::kPending},
      {"closed while paused: counted up to the closing",
       {Pause("2026-03-11T10:00", std::nullopt, 10)},
       "2026-03-12T10:00",
       "2026-03-20T10:00",
       "2026-03-14T10:00",
       ClockState::kMet},
      {"a pause after the closing does not move the met deadline",
       {Pause("2026-03-12T11:00", "2026-03-12T20:00", 10)},
       "2026-03-12T10:00",
       "2026-03-20T10:00",
       "2026-03-13T10:00",
       ClockState::kMet},
  };
  for (const PauseRow& r : rows) {
    SCOPED_TRACE(r.why);
    ClockFacts f = Property();
    f.pauses = r.pauses;
    if (r.closed) f.cycles[0].closed = At(*r.closed, 30);
    ClockResult c = Eval(f, ClockKind::kClosure, r.as_of);
    EXPECT_EQ(Local(c.due), Local(L(r.due)));
    EXPECT_EQ(c.state, r.state) << ClockStateName(c.state);
  }
}

TEST(ClocksHistory, PausesAreExplainedWithTheirEvents) {
  ClockFacts f = Property();
  f.pauses = {Pause("2026-03-11T10:00", "2026-03-12T10:00", 10)};
  ClockResult c = Eval(f, ClockKind::kClosure, "2026-03-12T12:00");
  ASSERT_EQ(c.why.skipped.size(), 1u);
  EXPECT_EQ(c.why.skipped[0].reason, "paused: awaiting_customer");
  EXPECT_EQ(c.why.skipped[0].from, L("2026-03-11T10:00"));
  EXPECT_EQ(c.why.skipped[0].to, L("2026-03-12T10:00"));
  EXPECT_EQ(c.why.skipped[0].events, (std::vector<uint64_t>{10, 11}));
  EXPECT_TRUE(HasEvent(c.why, 10));
  EXPECT_TRUE(HasEvent(c.why, 11));
}

TEST(ClocksHistory, PausesNeverMoveTheResponseOrPlanClocks) {
  ClockFacts f = Property();
  f.pauses = {Pause("2026-03-10T10:10", "2026-03-10T20:00", 10)};
  auto all = EvaluateClocks(f, DefaultP(), L("2026-03-10T21:00"));
  EXPECT_EQ(Local(Find(all, ClockKind::kResponse).due), Local(L("2026-03-10T11:00")));
  EXPECT_EQ(Local(Find(all, ClockKind::kPlan).due), Local(L("2026-03-10T14:00")));
  EXPECT_EQ(Find(all, ClockKind::kPlan).state, ClockState::kMissed);
}

struct ExtensionRow {
  const char* why;
  std::vector<ExtensionFact> extensions;
  std::vector<PauseFact> pauses;
  const char* as_of;
  const char* due;
  ClockState state;
  bool applied;
  const char* note;  // in the extension's note
};

TEST(ClocksHistory, ExtensionsOfTheClosureClock) {
  const char* kMonday = "2026-03-16T10:00";
  const ExtensionRow rows[] = {
      {"approved before the deadline: moved",
       {Extension(ClockKind::kClosure, kMonday, "2026-03-12T09:00", "2026-03-12T12:00", true, 20)},
       {},
       "2026-03-14T10:00",
       kMonday,
       ClockState::kPending,
       true,
       "moved the deadline"},
      {"approved exactly at the deadline: moved",
       {Extension(ClockKind::kClosure, kMonday, "2026-03-12T09:00", "2026-03-13T10:00", true, 20)},
       {},
       "2026-03-14T10:00",
       kMonday,
       ClockState::kPending,
       true,
       "moved the deadline"},
      {"approved after the deadline: the miss stays",
       {Extension(ClockKind::kClosure, kMonday, "2026-03-12T09:00", "2026-03-13T11:00", true, 20)},
       {},
       "2026-03-14T10:00",
       "2026-03-13T10:00",
       ClockState::kMissed,
       false,
       "approved after the deadline was missed"},
      {"refused: noted only",
       {Extension(ClockKind::kClosure, kMonday, "2026-03-12T09:00", "2026-03-12T12:00", false, 20)},
       {},
       "2026-03-14T10:00",
       "2026-03-13T10:00",
       ClockState::kMissed,
       false,
       "refused"},
      {"not decided yet: noted only",
       {Extension(ClockKind::kClosure, kMonday, "2026-03-12T09:00", std::nullopt, true, 20)},
       {},
       "2026-03-12T10:00",
       "2026-03-13T10:00",
       ClockState::kPending,
       false,
       "not decided"},
      {"decided after the evaluation time: not decided yet",
       {Extension(ClockKind::kClosure, kMonday, "2026-03-12T09:00", "2026-03-12T12:00", true, 20)},
       {},
       "2026-03-12T11:00",
       "2026-03-13T10:00",
       ClockState::kPending,
       false,
       "not decided"},
      {"a pause after the extension pushes the new deadline",
       {Extension(ClockKind::kClosure, kMonday, "2026-03-12T09:00", "2026-03-12T12:00", true, 20)},
       {Pause("2026-03-14T10:00", "2026-03-15T10:00", 30)},
       "2026-03-15T12:00",
       "2026-03-17T10:00",
       ClockState::kPending,
       true,
       "moved the deadline"},
      {"a pause running through the approval pushes the new deadline by its rest",
       {Extension(ClockKind::kClosure, kMonday, "2026-03-12T09:00", "2026-03-12T12:00", true, 20)},
       {Pause("2026-03-12T10:00", "2026-03-12T18:00", 30)},
       "2026-03-12T19:00",
       "2026-03-16T16:00",
       ClockState::kPending,
       true,
       "moved the deadline"},
  };
  for (const ExtensionRow& r : rows) {
    SCOPED_TRACE(r.why);
    ClockFacts f = Property();
    f.extensions = r.extensions;
    f.pauses = r.pauses;
    ClockResult c = Eval(f, ClockKind::kClosure, r.as_of);
    EXPECT_EQ(Local(c.due), Local(L(r.due)));
    EXPECT_EQ(c.state, r.state) << ClockStateName(c.state);
    ASSERT_EQ(c.why.extensions.size(), 1u);
    EXPECT_EQ(c.why.extensions[0].applied, r.applied);
    EXPECT_NE(c.why.extensions[0].note.find(r.note), std::string::npos) << c.why.extensions[0].note;
    EXPECT_EQ(c.why.extensions[0].requested, 20u);
    EXPECT_TRUE(HasEvent(c.why, 20));
  }
}

TEST(ClocksHistory, ExtensionsApplyToTheirOwnClockAndCycleOnly) {
  ClockFacts f = Property();
  f.extensions = {
      Extension(ClockKind::kResponse, "2026-03-10T13:00", "2026-03-10T10:20", "2026-03-10T10:30",
                true, 20),
      Extension(ClockKind::kClosure, "2026-03-20T10:00", "2026-03-12T09:00", "2026-03-12T12:00",
                true, 22, /*cycle=*/1),
  };
  f.responded = At("2026-03-10T12:00", 25);
  auto all = EvaluateClocks(f, DefaultP(), L("2026-03-12T13:00"));
  const ClockResult& response = Find(all, ClockKind::kResponse);
  EXPECT_EQ(Local(response.due), Local(L("2026-03-10T13:00")));
  EXPECT_EQ(response.state, ClockState::kMet);
  EXPECT_EQ(Local(Find(all, ClockKind::kPlan).due), Local(L("2026-03-10T14:00")));
  const ClockResult& closure = Find(all, ClockKind::kClosure);
  EXPECT_EQ(Local(closure.due), Local(L("2026-03-13T10:00")));
  EXPECT_TRUE(closure.why.extensions.empty());
}

struct LevelRow {
  const char* why;
  std::vector<LevelChange> changes;
  std::optional<const char*> responded;
  ClockKind kind;
  const char* as_of;
  const char* due;
  ClockState state;
  Level level;       // the level the deadline is computed under
  const char* note;  // in the notes; nullptr: no notes
  Level initial = Level::kGeneral;
};

// Intake general on Tuesday 10:00: response due 11:00, plan due 14:00.
TEST(ClocksHistory, LevelChangesRecomputeUnlessTheDeadlineWasAlreadyMissed) {
  const LevelRow rows[] = {
      {"raised before the deadline: recomputed from the start",
       {{At("2026-03-10T10:30", 40), Level::kMajor}},
       std::nullopt,
       ClockKind::kResponse,
       "2026-03-10T11:30",
       "2026-03-10T12:00",
       ClockState::kPending,
       Level::kMajor,
       "recomputed from the start"},
      {"raised after the deadline passed unmet: stays missed with its old deadline",
       {{At("2026-03-10T11:30", 40), Level::kMajor}},
       std::nullopt,
       ClockKind::kResponse,
       "2026-03-10T11:45",
       "2026-03-10T11:00",
       ClockState::kMissed,
       Level::kGeneral,
       "stays missed"},
      {"a later response does not turn that miss into a met clock",
       {{At("2026-03-10T11:30", 40), Level::kMajor}},
       "2026-03-10T11:40",
       ClockKind::kResponse,
       "2026-03-10T12:00",
       "2026-03-10T11:00",
       ClockState::kMissed,
       Level::kGeneral,
       "stays missed"},
      {"the same change recomputes a clock still running",
       {{At("2026-03-10T11:30", 40), Level::kMajor}},
       std::nullopt,
       ClockKind::kPlan,
       "2026-03-10T11:45",
       "2026-03-11T10:00",
       ClockState::kPending,
       Level::kMajor,
       "recomputed from the start"},
      {"a change after the clock was met changes nothing",
       {{At("2026-03-10T10:30", 40), Level::kCrisis}},
       "2026-03-10T10:20",
       ClockKind::kResponse,
       "2026-03-10T12:00",
       "2026-03-10T11:00",
       ClockState::kMet,
       Level::kGeneral,
       nullptr},
      {"a change after the evaluation time is ignored",
       {{At("2026-03-10T10:50", 40), Level::kCrisis}},
       std::nullopt,
       ClockKind::kResponse,
       "2026-03-10T10:40",
       "2026-03-10T11:00",
       ClockState::kPending,
       Level::kGeneral,
       nullptr},
      {"raised to important: the plan gets 8 hours",
       {{At("2026-03-10T10:30", 40), Level::kImportant}},
       std::nullopt,
       ClockKind::kPlan,
       "2026-03-10T12:00",
       "2026-03-10T18:00",
       ClockState::kPending,
       Level::kImportant,
       "recomputed from the start"},
      {"lowered: recomputed from the start with the shorter time",
       {{At("2026-03-10T10:30", 40), Level::kGeneral}},
       std::nullopt,
       ClockKind::kResponse,
       "2026-03-10T10:45",
       "2026-03-10T11:00",
       ClockState::kPending,
       Level::kGeneral,
       "recomputed from the start",
       Level::kCrisis},
      {"lowered after the lower level's time has passed: missed at once",
       {{At("2026-03-10T11:30", 40), Level::kGeneral}},
       std::nullopt,
       ClockKind::kResponse,
       "2026-03-10T11:30",
       "2026-03-10T11:00",
       ClockState::kMissed,
       Level::kGeneral,
       "recomputed from the start",
       Level::kCrisis},
      {"two changes: each recomputes from the start",
       {{At("2026-03-10T10:30", 40), Level::kMajor}, {At("2026-03-10T11:30", 41), Level::kCrisis}},
       std::nullopt,
       ClockKind::kResponse,
       "2026-03-10T12:30",
       "2026-03-10T14:00",
       ClockState::kPending,
       Level::kCrisis,
       "to crisis"},
  };
  for (const LevelRow& r : rows) {
    SCOPED_TRACE(r.why);
    ClockFacts f = Property(r.initial);
    for (const LevelChange& c : r.changes) f.levels.push_back(c);
    if (r.responded) f.responded = At(*r.responded, 50);
    ClockResult c = Eval(f, r.kind, r.as_of);
    EXPECT_EQ(Local(c.due), Local(L(r.due)));
    EXPECT_EQ(c.state, r.state) << ClockStateName(c.state);
    EXPECT_EQ(c.why.level, r.level);
    if (r.note) {
      EXPECT_TRUE(Mentions(c.why.notes, r.note)) << ::testing::PrintToString(c.why.notes);
    }
    if (r.note) {
      EXPECT_TRUE(HasEvent(c.why, 40));
    }
    if (!r.note) {
      EXPECT_TRUE(c.why.notes.empty()) << ::testing::PrintToString(c.why.notes);
    }
  }
}

TEST(ClocksHistory, RaisingAnOtherComplaintToCrisisShortensItsClosureToSevenDays) {
  ClockFacts f = Received("2026-03-10T10:00");
  f.closure_class = ClosureClass::kOther;
  EXPECT_EQ(Local(Eval(f, ClockKind::kClosure, "2026-03-11T10:00").due),
            Local(L("2026-03-25T10:00")));
  f.levels.push_back({At("2026-03-11T10:00", 40), Level::kCrisis});
  ClockResult c = Eval(f, ClockKind::kClosure, "2026-03-11T10:00");
  EXPECT_EQ(Local(c.due), Local(L("2026-03-17T10:00")));
  EXPECT_EQ(c.why.allowance, "7 days (other, crisis)");
}

TEST(ClocksHistory, AnApprovedExtensionOutlastsALaterEscalation) {
  ClockFacts f = Received("2026-03-10T10:00");  // other, general: due 2026-03-25 10:00
  f.extensions = {Extension(ClockKind::kClosure, "2026-03-30T10:00", "2026-03-11T09:00",
                            "2026-03-11T10:00", true, 20)};
  f.levels.push_back({At("2026-03-12T10:00", 40), Level::kCrisis});  // 7 days: 2026-03-17
  ClockResult c = Eval(f, ClockKind::kClosure, "2026-03-12T11:00");
  EXPECT_EQ(Local(c.due), Local(L("2026-03-30T10:00")));
  EXPECT_TRUE(Mentions(c.why.notes, "extension"));
}

TEST(ClocksHistory, AssignmentStartingAfterAnEscalationUsesTheNewLevel) {
  ClockFacts f = Received("2026-03-10T10:00");
  f.received_by_customer_service = false;
  f.levels.push_back({At("2026-03-10T10:30", 40), Level::kCrisis});
  f.transmitted = At("2026-03-10T11:00", 2);
  auto all = EvaluateClocks(f, DefaultP(), L("2026-03-10T11:30"));
  const ClockResult& a = Find(all, ClockKind::kAssignment);
  EXPECT_EQ(Local(a.due), Local(L("2026-03-10T15:00")));
  EXPECT_EQ(a.why.level, Level::kCrisis);
  EXPECT_TRUE(a.why.notes.empty());
  const ClockResult& t = Find(all, ClockKind::kTransmission);
  EXPECT_EQ(Local(t.due), Local(L("2026-03-10T14:00")));  // recomputed 2 h -> 4 h, then met
  EXPECT_EQ(t.state, ClockState::kMet);
}

TEST(ClocksHistory, AReopenedCycleRestartsAtTheReopeningShiftedOffTheWeekend) {
  ClockFacts f = Property();
  f.pauses = {Pause("2026-03-11T10:00", "2026-03-11T20:00", 10)};
  f.cycles[0].closed = At("2026-03-12T10:00", 30);
  f.cycles.push_back({At("2026-03-21T10:00", 31), std::nullopt, 1});  // a Saturday
  f.extensions = {Extension(ClockKind::kClosure, "2026-03-27T09:00", "2026-03-24T09:00",
                            "2026-03-24T10:00", true, 32, /*cycle=*/1)};
  auto all = EvaluateClocks(f, DefaultP(), L("2026-03-23T12:00"));
  const ClockResult& first = Find(all, ClockKind::kClosure, 0);
  EXPECT_EQ(first.state, ClockState::kMet);
  EXPECT_EQ(Local(first.due), Local(L("2026-03-13T20:00")));
  const ClockResult& second = Find(all, ClockKind::kClosure, 1);
  EXPECT_EQ(second.state, ClockState::kPending);
  EXPECT_EQ(Local(second.why.start), Local(L("2026-03-23T09:00")));
  EXPECT_EQ(Local(second.due), Local(L("2026-03-26T09:00")));  // the cycle-0 pause is not counted
  EXPECT_NE(second.why.start_rule.find("reopening"), std::string::npos);
  ASSERT_EQ(second.why.skipped.size(), 1u);
  EXPECT_EQ(second.why.skipped[0].reason, "weekend");
  EXPECT_EQ(second.why.skipped[0].events, std::vector<uint64_t>{31});
  EXPECT_TRUE(HasEvent(second.why, 31));
  EXPECT_TRUE(second.why.extensions.empty());  // requested after as_of
  // A day later the cycle-1 extension has been approved: it moves cycle 1 only.
  all = EvaluateClocks(f, DefaultP(), L("2026-03-24T12:00"));
  EXPECT_EQ(Local(Find(all, ClockKind::kClosure, 1).due), Local(L("2026-03-27T09:00")));
  EXPECT_EQ(Local(Find(all, ClockKind::kClosure, 0).due), Local(L("2026-03-13T20:00")));
}

TEST(ClocksHistory, AReopenedCycleIsJudgedUnderItsOwnPolicyVersion) {
  Policy v2 = DefaultP();
  v2.closure[size_t(ClosureClass::kProperty)].standard = {Allowance::Unit::kDays, 5};
  ClockFacts f = Property();
  f.cycles[0].closed = At("2026-03-12T10:00", 30);
  f.cycles.push_back({At("2026-03-23T10:00", 31), std::nullopt, 2});
  PolicyForVersion lookup = [&v2](uint32_t v) { return v == 2 ? &v2 : nullptr; };
  auto all = EvaluateClocks(f, DefaultP(), L("2026-03-23T12:00"), lookup);
  const ClockResult& second = Find(all, ClockKind::kClosure, 1);
  EXPECT_EQ(Local(second.due), Local(L("2026-03-28T10:00")));
  EXPECT_EQ(second.why.policy_version, 2u);
  EXPECT_EQ(Find(all, ClockKind::kClosure, 0).why.policy_version, 1u);
  // Without the lookup, the intake's policy serves.
  auto plain = EvaluateClocks(f, DefaultP(), L("2026-03-23T12:00"));
  EXPECT_EQ(Local(Find(plain, ClockKind::kClosure, 1).due), Local(L("2026-03-26T10:00")));
}

TEST(ClocksHistory, AReopeningAfterTheEvaluationTimeIsNotACycleYet) {
  ClockFacts f = Property();
  f.cycles[0].closed = At("2026-03-12T10:00", 30);
  f.cycles.push_back({At("2026-03-23T10:00", 31), std::nullopt, 1});
  auto all = EvaluateClocks(f, DefaultP(), L("2026-03-20T12:00"));
  EXPECT_EQ(std::count_if(all.begin(), all.end(),
                          [](const ClockResult& r) { return r.kind == ClockKind::kClosure; }),
            1);
}

}  // namespace
}  // namespace ledger::domain

namespace ledger::domain {
namespace {

using namespace testing_util;

// A clock the complaint no longer needs lapses (not applicable, with the event that ended it)
// when the complaint is closed, or found invalid (assignment and plan only), before the clock
// falls due; a clock already missed by then stays missed, and so fined.
TEST(ClocksHistory, ClocksLapseWhenTheComplaintIsClosedOrFoundInvalidBeforeTheyFallDue) {
  struct Row {
    const char* why;
    std::optional<const char*> invalid, closed;
    ClockKind clock;
    ClockState state;
  };
  // Received Tuesday 2026-03-10 10:00 by customer service, general: response due 11:00, plan
  // and assignment 14:00 and 12:00.
  const Row rows[] = {
      {"found invalid before the plan was due: no plan needed", "2026-03-10T10:30", std::nullopt,
       ClockKind::kPlan, ClockState::kNotApplicable},
      {"found invalid before assignment was due: no assignment needed", "2026-03-10T10:30",
       std::nullopt, ClockKind::kAssignment, ClockState::kNotApplicable},
      {"found invalid after the plan was due: stays missed", "2026-03-10T15:00", std::nullopt,
       ClockKind::kPlan, ClockState::kMissed},
      {"found invalid: the customer still gets a response", "2026-03-10T10:30", std::nullopt,
       ClockKind::kResponse, ClockState::kMissed},
      {"closed before the response was due", std::nullopt, "2026-03-10T10:40", ClockKind::kResponse,
       ClockState::kNotApplicable},
      {"closed after the response was due: stays missed", std::nullopt, "2026-03-10T11:30",
       ClockKind::kResponse, ClockState::kMissed},
      {"neither: the plan is simply missed", std::nullopt, std::nullopt, ClockKind::kPlan,
       ClockState::kMissed},
  };
  for (const Row& row : rows) {
    ClockFacts f = Received("2026-03-10T10:00");
    if (row.invalid) f.found_invalid = At(*row.invalid, 5);
    if (row.closed) f.cycles[0].closed = At(*row.closed, 6);
    ClockResult r = Eval(f, row.clock, "2026-03-12T10:00");
    EXPECT_EQ(r.state, row.state) << row.why;
    if (row.state == ClockState::kNotApplicable) {
      EXPECT_TRUE(HasEvent(r.why, row.invalid ? 5 : 6)) << row.why;
      EXPECT_TRUE(Mentions(r.why.notes, "before this clock fell due")) << row.why;
    }
  }
}

}  // namespace
}  // namespace ledger::domain
