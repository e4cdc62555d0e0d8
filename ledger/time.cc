#include "ledger/time.h"

#include <cstdio>

namespace ledger {
namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::sys_days;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `*pos`; false if they are not all digits.
bool ReadDigits(std::string_view s, size_t* pos, size_t n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

Status Bad(std::string_view text) {
  return Status::WithErrors(Code::kInvalidArgument, "not an RFC 3339 date-time with offset",
                            {{"", "rfc3339",
                              "'" + std::string(text.substr(0, 64)) +
                                  "' is not an RFC 3339 date-time with offset, e.g. "
                                  "2026-11-24T09:30:00+08:00"}});
}

}  // namespace

Result<Time> ParseRfc3339(std::string_view s) {
  size_t p = 0;
  int y, mo, d, h, mi, sec;
  if (!ReadDigits(s, &p, 4, &y) || !Expect(s, &p, '-') || !ReadDigits(s, &p, 2, &mo) ||
      !Expect(s, &p, '-') || !ReadDigits(s, &p, 2, &d))
    return Bad(s);
  if (p >= s.size() || (s[p] != 'T' && s[p] != 't')) return Bad(s);
  ++p;
  if (!ReadDigits(s, &p, 2, &h) || !Expect(s, &p, ':') || !ReadDigits(s, &p, 2, &mi) ||
      !Expect(s, &p, ':') || !ReadDigits(s, &p, 2, &sec))
    return Bad(s);
  int64_t frac_us = 0;
  if (p < s.size() && s[p] == '.') {
    ++p;
    size_t start = p;
    int64_t scale = 100000;
    while (p < s.size() && IsDigit(s[p])) {
      if (scale > 0) frac_us += (s[p] - '0') * scale;
      scale /= 10;
      ++p;
    }
    if (p == start || p - start > 9) return Bad(s);
  }
  int offset_min = 0;
  if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
    ++p;
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    int sign = s[p] == '-' ? -1 : 1;
    ++p;
    int oh, om;
    if (!ReadDigits(s, &p, 2, &oh) || !Expect(s, &p, ':') || !ReadDigits(s, &p, 2, &om))
      return Bad(s);
    if (oh > 23 || om > 59) return Bad(s);
    offset_min = sign * (oh * 60 + om);
  } else {
    return Bad(s);
  }
  if (p != s.size()) return Bad(s);
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(mo)),
                                  std::chrono::day(unsigned(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return Bad(s);
  Time t = std::chrono::time_point_cast<Duration>(sys_days(ymd)) + std::chrono::hours(h) +
           minutes(mi) + std::chrono::seconds(sec) + Duration(frac_us) - minutes(offset_min);
  return t;
}

std::string FormatRfc3339(Time t, minutes utc_offset) {
  Time local = t + utc_offset;
  sys_days day = std::chrono::floor<days>(local);
  std::chrono::year_month_day ymd(day);
  Duration tod = local - day;
  int64_t us = tod.count();
  int64_t h = us / 3600000000LL, mi = us / 60000000LL % 60, sec = us / 1000000LL % 60,
          frac = us % 1000000LL;
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld", int(ymd.year()),
                        unsigned(ymd.month()), unsigned(ymd.day()), (long long)h, (long long)mi,
                        (long long)sec);
  std::string out(buf, size_t(n));
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", (long long)frac);
    out += buf;
  }
  if (utc_offset.count() == 0) {
    out += 'Z';
  } else {
    long long off = utc_offset.count();
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", sign, off / 60, off % 60);
    out += buf;
  }
  return out;
}

std::chrono::year_month_day CivilDate(Time t, minutes utc_offset) {
  return std::chrono::year_month_day(std::chrono::floor<days>(t + utc_offset));
}

Time FromCivil(std::chrono::year_month_day date, Duration time_of_day, minutes utc_offset) {
  return std::chrono::time_point_cast<Duration>(sys_days(date)) + time_of_day - utc_offset;
}

std::string MonthKey(Time t, minutes utc_offset) {
  std::chrono::year_month_day d = CivilDate(t, utc_offset);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", int(d.year()), unsigned(d.month()));
  return buf;
}

Result<std::chrono::year_month> ParseMonth(std::string_view s) {
  size_t p = 0;
  int y, m;
  if (!ReadDigits(s, &p, 4, &y) || !Expect(s, &p, '-') || !ReadDigits(s, &p, 2, &m) ||
      p != s.size() || m < 1 || m > 12)
    return Status::WithErrors(Code::kInvalidArgument, "not a month",
                              {{"month", "yyyy_mm",
                                "'" + std::string(s.substr(0, 32)) +
                                    "' is not a month in the form YYYY-MM, e.g. 2026-11"}});
  return std::chrono::year_month(std::chrono::year(y), std::chrono::month(unsigned(m)));
}

Result<std::chrono::year_month_day> ParseDate(std::string_view s) {
  size_t p = 0;
  int y, m, d;
  if (ReadDigits(s, &p, 4, &y) && Expect(s, &p, '-') && ReadDigits(s, &p, 2, &m) &&
      Expect(s, &p, '-') && ReadDigits(s, &p, 2, &d) && p == s.size()) {
    std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(m)),
                                    std::chrono::day(unsigned(d))};
    if (ymd.ok()) return ymd;
  }
  return Status::WithErrors(Code::kInvalidArgument, "not a date",
                            {{"", "yyyy_mm_dd",
                              "'" + std::string(s.substr(0, 32)) +
                                  "' is not a date in the form YYYY-MM-DD"}});
}

std::string FormatDate(std::chrono::year_month_day date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(date.year()), unsigned(date.month()),
                unsigned(date.day()));
  return buf;
}

}  // namespace ledger
