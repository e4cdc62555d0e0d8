// The default calendar (the official holiday arrangements for 2025 and 2026, provisional 2027)
// and the counting rules over it: the working-day test, where clocks start, adding allowances.
#include <gtest/gtest.h>

#include "ledger/domain/clocks.h"
#include "ledger/domain/policy.h"

namespace ledger::domain {
namespace {

using std::chrono::sys_days;

const Calendar& Cal() { return DefaultPolicy()->calendar; }

sys_days D(std::string_view text) { return sys_days(*ParseDate(text)); }
Time T(std::string_view text) { return *ParseRfc3339(text); }
std::string Local(Time t) { return FormatRfc3339(t, std::chrono::minutes(480)); }

std::set<sys_days> Range(std::string_view from, std::string_view to) {
  std::set<sys_days> out;
  for (sys_days d = D(from); d <= D(to); d += std::chrono::days(1)) out.insert(d);
  return out;
}

std::set<sys_days> InYear(const std::set<sys_days>& days, int year) {
  std::set<sys_days> out;
  for (sys_days d : days)
    if (int(std::chrono::year_month_day(d).year()) == year) out.insert(d);
  return out;
}

std::set<sys_days> Union(std::initializer_list<std::set<sys_days>> sets) {
  std::set<sys_days> out;
  for (const auto& s : sets) out.insert(s.begin(), s.end());
  return out;
}

// The State Council General Office's notices for 2025 and 2026, day by day.
TEST(CalendarDefault, HolidaysAreTheOfficialArrangementsOf2025And2026) {
  EXPECT_EQ(InYear(Cal().holidays, 2025),
            Union({Range("2025-01-01", "2025-01-01"), Range("2025-01-28", "2025-02-04"),
                   Range("2025-04-04", "2025-04-06"), Range("2025-05-01", "2025-05-05"),
                   Range("2025-05-31", "2025-06-02"), Range("2025-10-01", "2025-10-08")}));
  EXPECT_EQ(InYear(Cal().makeup_workdays, 2025),
            (std::set<sys_days>{D("2025-01-26"), D("2025-02-08"), D("2025-04-27"), D("2025-09-28"),
                                D("2025-10-11")}));
  EXPECT_EQ(InYear(Cal().holidays, 2026),
            Union({Range("2026-01-01", "2026-01-03"), Range("2026-02-15", "2026-02-23"),
                   Range("2026-04-04", "2026-04-06"), Range("2026-05-01", "2026-05-05"),
                   Range("2026-06-19", "2026-06-21"), Range("2026-09-25", "2026-09-27"),
                   Range("2026-10-01", "2026-10-07")}));
  EXPECT_EQ(InYear(Cal().makeup_workdays, 2026),
            (std::set<sys_days>{D("2026-01-04"), D("2026-02-14"), D("2026-02-28"), D("2026-05-09"),
                                D("2026-09-20"), D("2026-10-10")}));
}

// 2027 has no notice yet: the statutory days plus the in-lieu weekdays for those on a weekend,
// every one of them marked provisional, and no make-up days.
TEST(CalendarDefault, Year2027IsProvisionalStatutoryDays) {
  std::set<sys_days> expected =
      Union({Range("2027-01-01", "2027-01-01"), Range("2027-02-05", "2027-02-10"),
             Range("2027-04-05", "2027-04-05"), Range("2027-05-01", "2027-05-04"),
             Range("2027-06-09", "2027-06-09"), Range("2027-09-15", "2027-09-15"),
             Range("2027-10-01", "2027-10-05")});
  EXPECT_EQ(InYear(Cal().holidays, 2027), expected);
  EXPECT_TRUE(InYear(Cal().makeup_workdays, 2027).empty());
  EXPECT_EQ(Cal().provisional_days, expected);
}

TEST(CalendarDefault, WorkingDays) {
  struct Row {
    const char* day;
    bool working;
    const char* why;
  };
  const Row rows[] = {
      {"2026-03-09", true, "an ordinary Monday"},
      {"2026-03-07", false, "an ordinary Saturday"},
      {"2026-03-08", false, "an ordinary Sunday"},
      {"2025-01-26", true, "make-up Sunday before the Spring Festival"},
      {"2025-01-28", false, "Spring Festival, a Tuesday"},
      {"2025-02-04", false, "last day of the Spring Festival"},
      {"2025-02-05", true, "first working day after it"},
      {"2025-02-08", true, "make-up Saturday"},
      {"2025-04-27", true, "make-up Sunday before Labour Day"},
      {"2025-05-05", false, "Labour Day, a Monday"},
      {"2025-06-02", false, "Dragon Boat Festival, a Monday"},
      {"2025-09-28", true, "make-up Sunday before National Day"},
      {"2025-10-08", false, "National Day and Mid-Autumn, a Wednesday"},
      {"2025-10-11", true, "make-up Saturday after National Day"},
      {"2026-01-02", false, "New Year holiday, a Friday"},
      {"2026-01-04", true, "make-up Sunday after New Year"},
      {"2026-02-14", true, "make-up Saturday before the Spring Festival"},
      {"2026-02-23", false, "Spring Festival, a Monday"},
      {"2026-02-24", true, "first working day after it"},
      {"2026-02-28", true, "make-up Saturday after the Spring Festival"},
      {"2026-05-09", true, "make-up Saturday after Labour Day"},
      {"2026-06-19", false, "Dragon Boat Festival, a Friday"},
      {"2026-09-20", true, "make-up Sunday before National Day"},
      {"2026-09-25", false, "Mid-Autumn Festival, a Friday"},
      {"2026-10-07", false, "National Day, a Wednesday"},
      {"2026-10-08", true, "first working day after it"},
      {"2026-10-10", true, "make-up Saturday after National Day"},
      {"2027-02-09", false, "provisional in-lieu day, a Tuesday"},
      {"2027-04-05", false, "Qingming 2027, a Monday (provisional)"},
      {"2028-01-03", true, "beyond the calendar's years: weekdays work"},
  };
  for (const Row& r : rows)
    EXPECT_EQ(Cal().IsWorkingDay(D(r.day)), r.working) << r.day << ": " << r.why;
}

TEST(CalendarDefault, ClockStartsAtIntakeOrTheNextWorkingDaysOpening) {
  struct Row {
    const char* intake;
    const char* start;
    std::vector<std::string> reasons;  // of the skipped intervals, in order
    const char* why;
  };
  const Row rows[] = {
      {"2026-03-10T14:00:00+08:00", "2026-03-10T14:00:00+08:00", {}, "a working day"},
      {"2026-03-10T03:00:00+08:00", "2026-03-10T03:00:00+08:00", {}, "before opening"},
      {"2026-03-10T23:30:00+08:00", "2026-03-10T23:30:00+08:00", {}, "after hours"},
      {"2026-03-07T10:00:00+08:00", "2026-03-09T09:00:00+08:00", {"weekend"}, "a Saturday"},
      {"2026-03-08T23:59:00+08:00", "2026-03-09T09:00:00+08:00", {"weekend"}, "a Sunday"},
      {"2026-03-06T16:30:00Z",
       "2026-03-09T09:00:00+08:00",
       {"weekend"},
       "Friday in UTC, Saturday 00:30 in +08:00"},
      {"2026-02-14T10:00:00+08:00", "2026-02-14T10:00:00+08:00", {}, "a make-up Saturday"},
      {"2026-10-01T10:00:00+08:00",
       "2026-10-08T09:00:00+08:00",
       {"public holiday"},
       "Golden Week, weekend inside it"},
      {"2026-09-19T10:00:00+08:00",
       "2026-09-20T09:00:00+08:00",
       {"weekend"},
       "Saturday before a make-up Sunday"},
      {"2026-06-19T10:00:00+08:00",
       "2026-06-22T09:00:00+08:00",
       {"public holiday"},
       "Dragon Boat Friday through Sunday"},
      {"2027-01-01T10:00:00+08:00",
       "2027-01-04T09:00:00+08:00",
       {"public holiday", "weekend"},
       "a holiday Friday, then a weekend"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.why);
    std::vector<SkippedInterval> skipped;
    Time start = ClockStart(T(r.intake), Cal(), &skipped);
    EXPECT_EQ(Local(start), Local(T(r.start)));
    std::vector<std::string> reasons;
    for (const SkippedInterval& s : skipped) reasons.push_back(s.reason);
    EXPECT_EQ(reasons, r.reasons);
    if (!skipped.empty()) {  // the intervals run from the intake to the start without a gap
      EXPECT_EQ(skipped.front().from, T(r.intake));
      EXPECT_EQ(skipped.back().to, start);
      for (size_t i = 1; i < skipped.size(); ++i) EXPECT_EQ(skipped[i].from, skipped[i - 1].to);
    }
  }
}

TEST(CalendarDefault, SkippedHolidayNamesTheHolidayAndProvisionalDays) {
  std::vector<SkippedInterval> skipped;
  ClockStart(T("2026-10-01T10:00:00+08:00"), Cal(), &skipped);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].detail, "National Day (国庆节)");
  skipped.clear();
  ClockStart(T("2027-01-01T10:00:00+08:00"), Cal(), &skipped);
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_EQ(skipped[0].detail, "New Year's Day (元旦) (provisional)");
  EXPECT_EQ(Local(skipped[0].to), "2027-01-02T00:00:00+08:00");
}

TEST(CalendarDefault, AddAllowance) {
  struct Row {
    const char* start;
    const char* allowance;
    const char* due;
    const char* why;
  };
  const Row rows[] = {
      {"2026-03-10T23:00:00+08:00", "2 hours", "2026-03-11T01:00:00+08:00", "nights count"},
      {"2026-09-30T22:00:00+08:00", "48 hours", "2026-10-02T22:00:00+08:00",
       "hours run through holidays"},
      {"2026-09-30T10:00:00+08:00", "3 days", "2026-10-03T10:00:00+08:00",
       "days are 24 h each, holidays or not"},
      {"2026-03-06T15:00:00+08:00", "5 working days", "2026-03-13T15:00:00+08:00",
       "over a weekend, keeping the time of day"},
      {"2026-03-10T10:00:00+08:00", "15 working days", "2026-03-31T10:00:00+08:00", "three weeks"},
      {"2026-09-30T10:00:00+08:00", "5 working days", "2026-10-13T10:00:00+08:00",
       "over Golden Week 2026: Oct 8, 9, 10 (make-up Saturday), 12, 13"},
      {"2025-09-26T16:00:00+08:00", "3 working days", "2025-09-30T16:00:00+08:00",
       "make-up Sunday Sep 28 counts: 28, 29, 30"},
      {"2026-02-13T11:00:00+08:00", "1 working day", "2026-02-14T11:00:00+08:00",
       "a make-up Saturday counts"},
      {"2026-06-18T11:00:00+08:00", "1 working day", "2026-06-22T11:00:00+08:00",
       "a weekday holiday (Friday Jun 19) does not"},
      {"2025-09-30T18:00:00+08:00", "1 working day", "2025-10-09T18:00:00+08:00",
       "Golden Week 2025: Oct 1-8 off"},
      {"2026-03-06T16:30:00Z", "1 working day", "2026-03-09T00:30:00+08:00",
       "civil dates in +08:00, not UTC"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.why);
    Time due = AddAllowance(T(r.start), *Allowance::Parse(r.allowance), Cal());
    EXPECT_EQ(Local(due), Local(T(r.due)));
  }
}

}  // namespace
}  // namespace ledger::domain
