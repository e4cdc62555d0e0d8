#include "ledger/base/time.h"

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

// 'text' (at most `max` bytes of it) in quotes, for a message. Built by appending: GCC 12 at -O3
// warns (-Wrestrict, a false positive) on "'" + std::string(...).
std::string Quoted(std::string_view text, size_t max) {
  std::string out = "'";
  out.append(text.substr(0, max));
  out += '\'';
  return out;
}

Status Bad(std::string_view text) {
  return Status::WithErrors(Code::kInvalidArgument, "not an RFC 3339 date-time with offset",
                            {{"", "rfc3339",
                              Quoted(text, 64) + " is not an RFC 3339 date-time with offset, e.g. "
                                                 "2026-11-24T09:30:00+08:00"}});
}

}  // namespace

Result<Time> ParseRfc3339(std::string_view s) {
  size_t p = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
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

namespace {

// Writes `v` as exactly `width` decimal digits (v >= 0, fits in width) at `out`; returns the end.
char* Digits(char* out, int64_t v, int width) {
  for (int i = width - 1; i >= 0; --i, v /= 10) out[i] = char('0' + v % 10);
  return out + width;
}

// "YYYY-MM-DD" at `out` for years 0..9999 (snprintf otherwise); returns the end. Formatting by
// hand: these run for every deadline of every report, and snprintf was a tenth of a fine tally.
char* Date(char* out, std::chrono::year_month_day ymd) {
  int y = int(ymd.year());
  if (y < 0 || y > 9999)
    return out +
           std::snprintf(out, 16, "%04d-%02u-%02u", y, unsigned(ymd.month()), unsigned(ymd.day()));
  out = Digits(out, y, 4);
  *out++ = '-';
  out = Digits(out, unsigned(ymd.month()), 2);
  *out++ = '-';
  return Digits(out, unsigned(ymd.day()), 2);
}

}  // namespace

std::string FormatRfc3339(Time t, minutes utc_offset) {
  Time local = t + utc_offset;
  sys_days day = std::chrono::floor<days>(local);
  int64_t us = (local - day).count();
  char buf[64];
  char* p = Date(buf, std::chrono::year_month_day(day));
  *p++ = 'T';
  p = Digits(p, us / 3600000000LL, 2);
  *p++ = ':';
  p = Digits(p, us / 60000000LL % 60, 2);
  *p++ = ':';
  p = Digits(p, us / 1000000LL % 60, 2);
  if (int64_t frac = us % 1000000LL; frac != 0) {
    *p++ = '.';
    p = Digits(p, frac, 6);
  }
  if (int64_t off = utc_offset.count(); off == 0) {
    *p++ = 'Z';
  } else {
    *p++ = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    p = Digits(p, off / 60 % 100, 2);
    *p++ = ':';
    p = Digits(p, off % 60, 2);
  }
  return std::string(buf, p);
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
  int y = 0, m = 0;
  if (!ReadDigits(s, &p, 4, &y) || !Expect(s, &p, '-') || !ReadDigits(s, &p, 2, &m) ||
      p != s.size() || m < 1 || m > 12)
    return Status::WithErrors(
        Code::kInvalidArgument, "not a month",
        {{"month", "yyyy_mm",
          Quoted(s, 32) + " is not a month in the form YYYY-MM, e.g. 2026-11"}});
  return std::chrono::year_month(std::chrono::year(y), std::chrono::month(unsigned(m)));
}

Result<std::chrono::year_month_day> ParseDate(std::string_view s) {
  size_t p = 0;
  int y = 0, m = 0, d = 0;
  if (ReadDigits(s, &p, 4, &y) && Expect(s, &p, '-') && ReadDigits(s, &p, 2, &m) &&
      Expect(s, &p, '-') && ReadDigits(s, &p, 2, &d) && p == s.size()) {
    std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(m)),
                                    std::chrono::day(unsigned(d))};
    if (ymd.ok()) return ymd;
  }
  return Status::WithErrors(
      Code::kInvalidArgument, "not a date",
      {{"", "yyyy_mm_dd", Quoted(s, 32) + " is not a date in the form YYYY-MM-DD"}});
}

std::string FormatDate(std::chrono::year_month_day date) {
  char buf[16];
  return std::string(buf, Date(buf, date));
}

}  // namespace ledger
