// The "calendar" section: time zone, opening hour, weekends, and the holiday periods with their
// make-up working days, one entry per period as the State Council's notice lists them.
#include <algorithm>
#include <array>

#include "ledger/domain/policy_json_sections.h"

namespace ledger::domain::policy_json {
namespace {

using std::chrono::sys_days;

constexpr std::array<std::string_view, 7> kWeekdays = {"sunday",   "monday", "tuesday", "wednesday",
                                                       "thursday", "friday", "saturday"};
constexpr int64_t kLongestHoliday = 31;  // days; a longer period is almost surely a typo

// Parses "HH:MM" into minutes; nullopt unless both fields are two digits in range.
std::optional<int> ParseHhMm(std::string_view s, int max_hours) {
  auto digit = [&](size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if (s.size() != 5 || s[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4))
    return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > max_hours || m > 59) return std::nullopt;
  return h * 60 + m;
}

void ReadOffset(Reader& r, const json::object& o, const std::string& path, Calendar* out) {
  std::optional<std::string> s = r.StringAt(o, path, "utc_offset", kRequired);
  if (!s) return;
  std::optional<int> minutes;
  if (!s->empty() && ((*s)[0] == '+' || (*s)[0] == '-')) minutes = ParseHhMm(s->substr(1), 14);
  if (!minutes || *minutes > 14 * 60) {
    r.Error(Child(path, "utc_offset"), "utc_offset",
            "'" + *s + "' is not a UTC offset such as \"+08:00\"");
    return;
  }
  out->utc_offset = std::chrono::minutes((*s)[0] == '-' ? -*minutes : *minutes);
}

void ReadOpening(Reader& r, const json::object& o, const std::string& path, Calendar* out) {
  std::optional<std::string> s = r.StringAt(o, path, "opening", kRequired);
  if (!s) return;
  std::optional<int> minutes = ParseHhMm(*s, 23);
  if (!minutes) {
    r.Error(Child(path, "opening"), "time_of_day", "'" + *s + "' is not a time such as \"09:00\"");
    return;
  }
  out->opening = std::chrono::minutes(*minutes);
}

void ReadWeekend(Reader& r, const json::object& o, const std::string& path, Calendar* out) {
  std::optional<std::vector<std::string>> days = r.StringListAt(o, path, "weekend", kRequired);
  if (!days) return;
  out->weekend.fill(false);
  const std::string list_path = Child(path, "weekend");
  for (size_t i = 0; i < days->size(); ++i) {
    auto it = std::find(kWeekdays.begin(), kWeekdays.end(), (*days)[i]);
    if (it == kWeekdays.end()) {
      r.Error(Child(list_path, i), "unknown_weekday",
              "'" + (*days)[i] + "' is not a weekday name (sunday ... saturday)");
    } else if (out->weekend[size_t(it - kWeekdays.begin())]) {
      r.Error(Child(list_path, i), "duplicate", "'" + (*days)[i] + "' is listed twice");
    } else {
      out->weekend[size_t(it - kWeekdays.begin())] = true;
    }
  }
  if (std::find(out->weekend.begin(), out->weekend.end(), false) == out->weekend.end())
    r.Error(list_path, "no_working_day", "a week needs at least one working day");
}

void ReadYears(Reader& r, const json::object& o, const std::string& path, Calendar* out) {
  std::optional<int64_t> first = r.IntAt(o, path, "first_year", kRequired);
  std::optional<int64_t> last = r.IntAt(o, path, "last_year", kRequired);
  if (first && (*first < 1970 || *first > 9999))
    r.Error(Child(path, "first_year"), "year_range", "the year must be within 1970..9999");
  if (last && (*last < 1970 || *last > 9999))
    r.Error(Child(path, "last_year"), "year_range", "the year must be within 1970..9999");
  if (first && last && *first > *last)
    r.Error(Child(path, "last_year"), "year_range", "last_year is before first_year");
  if (first) out->first_year = int(*first);
  if (last) out->last_year = int(*last);
}

bool InYears(const Calendar& c, sys_days day) {
  int year = int(std::chrono::year_month_day(day).year());
  return year >= c.first_year && year <= c.last_year;
}

// A date member that must fall within the calendar's years.
std::optional<sys_days> CalendarDate(Reader& r, const Calendar& c, const json::value& v,
                                     const std::string& path) {
  std::optional<sys_days> day = r.AsDate(v, path);
  if (day && !InYears(c, *day)) {
    r.Error(path, "outside_calendar_years",
            FormatDate(*day) + " is outside the calendar's years " + std::to_string(c.first_year) +
                ".." + std::to_string(c.last_year));
    return std::nullopt;
  }
  return day;
}

// One holiday period's days off; its make-up days are returned for the second pass.
struct MakeupDay {
  const json::value* value;
  std::string path;
  std::string name;
  bool provisional;
};

// Marks the days from..to (inclusive) as holidays named `name`.
void AddHolidayDays(Reader& r, const std::string& path, sys_days from, sys_days to,
                    const std::optional<std::string>& name, bool provisional, Calendar* out) {
  if (to < from) {
    r.Error(Child(path, "to"), "date_order", "the period ends before it starts");
    return;
  }
  if ((to - from).count() >= kLongestHoliday) {
    r.Error(Child(path, "to"), "too_long",
            "a holiday period longer than " + std::to_string(kLongestHoliday) + " days");
    return;
  }
  std::vector<std::string> clashes;
  for (sys_days d = from; d <= to; d += std::chrono::days(1)) {
    if (!out->holidays.insert(d).second) clashes.push_back(FormatDate(d));
    if (name) out->day_names[d] = *name;
    if (provisional) out->provisional_days.insert(d);
  }
  if (!clashes.empty()) {
    std::string list;
    for (const std::string& c : clashes) list += (list.empty() ? "" : ", ") + c;
    r.Error(Child(path, "from"), "duplicate_date", "already a holiday in another entry: " + list);
  }
}

void ReadHoliday(Reader& r, const json::value& v, const std::string& path, Calendar* out,
                 std::vector<MakeupDay>* makeups) {
  const json::object* o =
      r.Object(v, path, {"name", "from", "to", "makeup_workdays", "provisional", "note"});
  if (!o) return;
  std::optional<std::string> name = r.StringAt(*o, path, "name", kRequired);
  bool provisional =
      o->contains("provisional") && r.BoolAt(*o, path, "provisional", kOptional).value_or(false);
  if (o->contains("note")) r.StringAt(*o, path, "note", kOptional);
  const json::value* from_v = r.Member(*o, path, "from", kRequired);
  const json::value* to_v = o->if_contains("to");
  std::optional<sys_days> from;
  if (from_v) from = CalendarDate(r, *out, *from_v, Child(path, "from"));
  std::optional<sys_days> to = to_v ? CalendarDate(r, *out, *to_v, Child(path, "to")) : from;
  if (from && to) AddHolidayDays(r, path, *from, *to, name, provisional, out);
  if (const json::value* m = o->if_contains("makeup_workdays")) {
    const std::string list_path = Child(path, "makeup_workdays");
    if (const json::array* a = r.Array(*m, list_path))
      for (size_t i = 0; i < a->size(); ++i)
        makeups->push_back({&(*a)[i], Child(list_path, i), name.value_or(""), provisional});
  }
}

// Make-up days are checked once every holiday is known: one may clash with another entry's.
void ReadMakeupDay(Reader& r, const MakeupDay& m, Calendar* out) {
  std::optional<sys_days> day = CalendarDate(r, *out, *m.value, m.path);
  if (!day) return;
  if (!out->weekend[std::chrono::weekday(*day).c_encoding()])
    r.Error(m.path, "makeup_not_weekend",
            FormatDate(*day) + " is not a weekend day, so it cannot be a make-up working day");
  else if (out->holidays.count(*day))
    r.Error(m.path, "holiday_is_makeup",
            FormatDate(*day) + " is listed both as a holiday and as a make-up working day");
  else if (!out->makeup_workdays.insert(*day).second)
    r.Error(m.path, "duplicate_date", FormatDate(*day) + " is listed twice as a make-up day");
  else {
    out->day_names[*day] = m.name.empty() ? "make-up working day" : m.name + " make-up working day";
    if (m.provisional) out->provisional_days.insert(*day);
  }
}

}  // namespace

void ReadCalendar(Reader& r, const json::value& v, const std::string& path, Calendar* out) {
  const json::object* o = r.Object(
      v, path,
      {"utc_offset", "opening", "weekend", "first_year", "last_year", "sources", "holidays"});
  if (!o) return;
  ReadOffset(r, *o, path, out);
  ReadOpening(r, *o, path, out);
  ReadWeekend(r, *o, path, out);
  ReadYears(r, *o, path, out);
  if (o->contains("sources")) r.StringListAt(*o, path, "sources", kOptional);
  const json::value* h = r.Member(*o, path, "holidays", kRequired);
  const json::array* holidays = h ? r.Array(*h, Child(path, "holidays")) : nullptr;
  if (!holidays) return;
  std::vector<MakeupDay> makeups;
  for (size_t i = 0; i < holidays->size(); ++i)
    ReadHoliday(r, (*holidays)[i], Child(Child(path, "holidays"), i), out, &makeups);
  for (const MakeupDay& m : makeups) ReadMakeupDay(r, m, out);
}

}  // namespace ledger::domain::policy_json
