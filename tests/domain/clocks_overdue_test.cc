// Overdue days of the closure clock: started 24-hour periods after the deadline (pauses after
// the deadline not counted), and the closure_overdue amount of each day under the tiers.
#include <gtest/gtest.h>

#include "clocks_test_util.h"

namespace ledger::domain {
namespace {

using namespace testing_util;
using std::chrono::hours;
using std::chrono::seconds;

const Time kDue = L("2026-03-13T10:00");

PauseFact Pause(Time from, std::optional<Time> to) {
  PauseFact p{{from, 10}, std::nullopt, "litigation"};
  if (to) p.end = Stamp{*to, 11};
  return p;
}

struct PeriodRow {
  const char* why;
  Duration late;
  std::vector<PauseFact> pauses;
  std::vector<Duration> starts;  // after the deadline
};

TEST(ClocksOverdue, StartedTwentyFourHourPeriodsAfterTheDeadline) {
  const PeriodRow rows[] = {
      {"on time", hours(0), {}, {}},
      {"closed before the deadline", -hours(3), {}, {}},
      {"one second late is one day", seconds(1), {}, {hours(0)}},
      {"one hour late is one day", hours(1), {}, {hours(0)}},
      {"exactly 24 hours late is one day", hours(24), {}, {hours(0)}},
      {"24 hours and a second is two days", hours(24) + seconds(1), {}, {hours(0), hours(24)}},
      {"ten days late",
       hours(240),
       {},
       {hours(0), hours(24), hours(48), hours(72), hours(96), hours(120), hours(144), hours(168),
        hours(192), hours(216)}},
      {"a pause after the deadline is not counted",
       hours(30),
       {Pause(kDue + hours(20), kDue + hours(30))},
       {hours(0)}},
      {"the next period starts once 24 running hours have passed",
       hours(35),
       {Pause(kDue + hours(20), kDue + hours(30))},
       {hours(0), hours(34)}},
      {"a period that would start inside a pause starts at its end",
       hours(40),
       {Pause(kDue + hours(24), kDue + hours(30))},
       {hours(0), hours(30)}},
      {"an open pause stops the count",
       hours(100),
       {Pause(kDue + hours(2), std::nullopt)},
       {hours(0)}},
      {"paused from the deadline on: no overdue time", hours(10), {Pause(kDue, std::nullopt)}, {}},
      {"a pause before the deadline is not this function's concern",
       hours(1),
       {Pause(kDue - hours(5), kDue - hours(1))},
       {hours(0)}},
  };
  for (const PeriodRow& r : rows) {
    SCOPED_TRACE(r.why);
    std::vector<Time> expected;
    for (Duration d : r.starts) expected.push_back(kDue + d);
    EXPECT_EQ(OverduePeriodStarts(kDue, kDue + r.late, r.pauses), expected);
  }
}

TEST(ClocksOverdue, DayAmountsFollowTheTiers) {
  const Fines& fines = DefaultP().fines;
  struct Row {
    int64_t day;
    const char* amount;
  };
  const Row rows[] = {{0, "0.00"},    {1, "100.00"}, {7, "100.00"}, {8, "200.00"},
                      {15, "200.00"}, {16, "0.00"},  {100, "0.00"}};
  for (const Row& r : rows)
    EXPECT_EQ(FormatMoney(OverdueDayAmount(fines, r.day)), r.amount) << r.day;
}

TEST(ClocksOverdue, TenDaysLateCostsThirteenHundred) {
  std::vector<Time> days = OverduePeriodStarts(kDue, kDue + hours(24 * 9 + 1), {});
  ASSERT_EQ(days.size(), 10u);
  Money total = 0;
  for (size_t i = 0; i < days.size(); ++i)
    total += OverdueDayAmount(DefaultP().fines, int64_t(i) + 1);
  EXPECT_EQ(FormatMoney(total), "1300.00");  // 7 x 100.00 + 3 x 200.00
}

TEST(ClocksOverdue, EachDayIsDatedWhenItsPeriodStarts) {
  // Due 2026-03-31 20:00 local: day 1 is dated in March, day 2 in April (local months).
  Time due = L("2026-03-31T20:00");
  std::vector<Time> days = OverduePeriodStarts(due, due + hours(25), {});
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(MonthKey(days[0], DefaultP().calendar.utc_offset), "2026-03");
  EXPECT_EQ(MonthKey(days[1], DefaultP().calendar.utc_offset), "2026-04");
}

}  // namespace
}  // namespace ledger::domain
