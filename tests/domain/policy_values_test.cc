// The policy's small values: allowance text both ways, the working-day test on a hand-made
// calendar, reward tiers with each kind of bound, and the role and action vocabularies.
#include <gtest/gtest.h>

#include "ledger/domain/policy.h"

namespace ledger::domain {
namespace {

using Unit = Allowance::Unit;

TEST(PolicyValues, AllowanceTextRoundTrips) {
  struct Row {
    const char* text;
    std::optional<Allowance> parsed;
    const char* canonical;  // ToString() of the parsed value
  };
  const Row rows[] = {
      {"2 hours", Allowance{Unit::kHours, 2}, "2 hours"},
      {"1 hour", Allowance{Unit::kHours, 1}, "1 hour"},
      {"1 hours", Allowance{Unit::kHours, 1}, "1 hour"},
      {"3 days", Allowance{Unit::kDays, 3}, "3 days"},
      {"1 day", Allowance{Unit::kDays, 1}, "1 day"},
      {"15 working days", Allowance{Unit::kWorkingDays, 15}, "15 working days"},
      {"1 working day", Allowance{Unit::kWorkingDays, 1}, "1 working day"},
      {"-2 hours", Allowance{Unit::kHours, -2}, "-2 hours"},
      {"0 days", Allowance{Unit::kDays, 0}, "0 days"},
      {"2 hrs", std::nullopt, nullptr},
      {"2hours", std::nullopt, nullptr},
      {"2  hours", std::nullopt, nullptr},
      {"+2 hours", std::nullopt, nullptr},
      {"two hours", std::nullopt, nullptr},
      {"2.5 hours", std::nullopt, nullptr},
      {"2 Hours", std::nullopt, nullptr},
      {"15 working", std::nullopt, nullptr},
      {"", std::nullopt, nullptr},
      {"99999999999999999999 hours", std::nullopt, nullptr},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.text);
    std::optional<Allowance> a = Allowance::Parse(r.text);
    EXPECT_EQ(a, r.parsed);
    if (a) {
      EXPECT_EQ(a->ToString(), r.canonical);
    }
  }
}

TEST(PolicyValues, WorkingDayOnAHandMadeCalendar) {
  using std::chrono::sys_days;
  auto d = [](const char* text) { return sys_days(*ParseDate(text)); };
  Calendar c;
  c.weekend = {true, false, false, false, false, true, false};  // Friday and Sunday
  c.holidays = {d("2026-03-11")};                               // a Wednesday
  c.makeup_workdays = {d("2026-03-13")};                        // a Friday
  struct Row {
    const char* day;
    bool working;
  };
  const Row rows[] = {{"2026-03-10", true}, {"2026-03-11", false}, {"2026-03-12", true},
                      {"2026-03-13", true}, {"2026-03-14", true},  {"2026-03-15", false},
                      {"2026-03-20", false}};
  for (const Row& r : rows) EXPECT_EQ(c.IsWorkingDay(d(r.day)), r.working) << r.day;
}

TEST(PolicyValues, RewardTiersHonourEachKindOfBound) {
  Rewards r;
  r.tiers = {{8000, false, 8500, true, 100}, {8500, false, std::nullopt, false, 200}};
  struct Row {
    int64_t composite;
    Money reward;
  };
  const Row rows[] = {{8000, 0}, {8001, 100}, {8500, 100}, {8501, 200}, {10000, 200}};
  for (const Row& row : rows) EXPECT_EQ(r.RewardFor(row.composite), row.reward) << row.composite;
  EXPECT_EQ(Rewards{}.RewardFor(9900), 0);
}

TEST(PolicyValues, RolesAndActionsAreTheContractsLists) {
  for (const char* role : {"intake", "cs_agent", "cs_head", "handler", "dept_head", "deputy_gm",
                           "gm", "auditor", "reader", "admin"})
    EXPECT_TRUE(IsKnownRole(role)) << role;
  EXPECT_FALSE(IsKnownRole("system"));
  EXPECT_FALSE(IsKnownRole("CS_AGENT"));
  for (const char* action : {"receive",
                             "transmit",
                             "assess_validity",
                             "classify",
                             "set_level",
                             "assign",
                             "respond",
                             "propose_plan",
                             "review_plan",
                             "record_progress",
                             "resolve",
                             "confirm",
                             "close",
                             "reopen",
                             "pause_clock",
                             "resume_clock",
                             "add_flag",
                             "link",
                             "request_extension",
                             "decide_extension",
                             "record_staff_decision",
                             "record_callback",
                             "record_fine",
                             "waive_fine",
                             "rate_department",
                             "correct",
                             "attach_evidence"})
    EXPECT_TRUE(IsKnownActionType(action)) << action;
  EXPECT_FALSE(IsKnownActionType("delete"));
  EXPECT_FALSE(IsKnownActionType("received"));
}

}  // namespace
}  // namespace ledger::domain
