// The counting rules of docs/rules.md#clocks: where a clock starts, how an allowance is added,
// and how overdue days are counted. docs/clocks.md explains the choices with examples.
#include <algorithm>

#include "ledger/domain/clocks.h"

namespace ledger::domain {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

// Guards against a calendar without working days and absurd allowances (validation refuses
// both): the next working day is searched this far, a working-day allowance ten times as far.
constexpr int kMaxDaysSearched = 3660;

sys_days LocalDay(Time t, const Calendar& c) { return sys_days(CivilDate(t, c.utc_offset)); }

Time AtLocal(sys_days day, Duration time_of_day, const Calendar& c) {
  return FromCivil(std::chrono::year_month_day(day), time_of_day, c.utc_offset);
}

// Why `day` is not a working day, and the holiday's name.
std::pair<std::string, std::string> OffReason(sys_days day, const Calendar& c) {
  if (!c.holidays.count(day)) return {"weekend", ""};
  auto name = c.day_names.find(day);
  std::string detail = name == c.day_names.end() ? "" : name->second;
  if (c.provisional_days.count(day)) detail += detail.empty() ? "provisional" : " (provisional)";
  return {"public holiday", detail};
}

struct Interval {
  Time from;
  Time to;
};

// Pauses clipped to [from, to), sorted and merged; an open pause runs to `to`.
std::vector<Interval> PausedWithin(const std::vector<PauseFact>& pauses, Time from, Time to) {
  std::vector<Interval> out;
  for (const PauseFact& p : pauses) {
    Time a = std::max(p.start.at, from);
    Time b = std::min(p.end ? p.end->at : to, to);
    if (a < b) out.push_back({a, b});
  }
  std::sort(out.begin(), out.end(),
            [](const Interval& x, const Interval& y) { return x.from < y.from; });
  std::vector<Interval> merged;
  for (const Interval& i : out) {
    if (!merged.empty() && i.from <= merged.back().to)
      merged.back().to = std::max(merged.back().to, i.to);
    else
      merged.push_back(i);
  }
  return merged;
}

}  // namespace

std::string_view ClockStateName(ClockState s) {
  switch (s) {
    case ClockState::kPending:
      return "pending";
    case ClockState::kMet:
      return "met";
    case ClockState::kMissed:
      return "missed";
    case ClockState::kPaused:
      return "paused";
    case ClockState::kNotApplicable:
      return "not_applicable";
    case ClockState::kNotStarted:
      return "not_started";
  }
  return "unknown";
}

Time ClockStart(Time intake, const Calendar& calendar, std::vector<SkippedInterval>* skipped) {
  sys_days day = LocalDay(intake, calendar);
  if (calendar.IsWorkingDay(day)) return intake;
  sys_days next = day + days(1);
  for (int i = 0; i < kMaxDaysSearched && !calendar.IsWorkingDay(next); ++i) next += days(1);
  Time start = AtLocal(next, calendar.opening, calendar);
  if (!skipped) return start;
  // One interval per run of days off with the same reason; the last runs to the opening.
  Time from = intake;
  for (sys_days d = day; d < next;) {
    auto reason = OffReason(d, calendar);
    sys_days run_end = d + days(1);
    while (run_end < next && OffReason(run_end, calendar) == reason) run_end += days(1);
    Time to = run_end == next ? start : AtLocal(run_end, Duration(0), calendar);
    skipped->push_back({from, to, reason.first, {}, reason.second});
    from = to;
    d = run_end;
  }
  return start;
}

Time AddAllowance(Time start, const Allowance& allowance, const Calendar& calendar) {
  switch (allowance.unit) {
    case Allowance::Unit::kHours:
      return start + std::chrono::hours(allowance.amount);
    case Allowance::Unit::kDays:
      return start + std::chrono::hours(24 * allowance.amount);
    case Allowance::Unit::kWorkingDays:
      break;
  }
  // Step day by day in local time, counting working days only, and keep the time of day.
  sys_days day = LocalDay(start, calendar);
  Duration time_of_day = (start + calendar.utc_offset) - day;
  int64_t counted = 0;
  for (int64_t steps = 0; counted < allowance.amount && steps < 10 * kMaxDaysSearched; ++steps) {
    day += days(1);
    if (calendar.IsWorkingDay(day)) ++counted;
  }
  return AtLocal(day, time_of_day, calendar);
}

std::vector<Time> OverduePeriodStarts(Time due, Time end, const std::vector<PauseFact>& pauses) {
  std::vector<Time> starts;
  if (end <= due) return starts;
  constexpr Duration kPeriod = std::chrono::hours(24);
  Duration counted(0);  // overdue time counted before the current segment
  Duration next(0);     // the counted time at which the next period starts
  Time from = due;
  std::vector<Interval> paused = PausedWithin(pauses, due, end);
  paused.push_back({end, end});  // closes the last running segment
  for (const Interval& p : paused) {
    // The running segment [from, p.from): counted time grows from `counted` to `counted + len`.
    Duration len = p.from - from;
    while (next < counted + len) {
      starts.push_back(from + (next - counted));
      next += kPeriod;
    }
    counted += len;
    from = p.to;
  }
  return starts;
}

Money OverdueDayAmount(const Fines& fines, int64_t day) {
  for (const OverdueTier& t : fines.closure_overdue)
    if (day >= t.from_day && day <= t.to_day) return t.per_day;
  return 0;
}

}  // namespace ledger::domain
