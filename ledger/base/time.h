// Time in the ledger: instants as microseconds since the Unix epoch (UTC), and RFC 3339 text.
//
// Every event carries two instants (docs/event-format.md): `recorded_at`, read from the ledger's
// Clock when the event is appended, and `occurred_at`, the business time the actor states. Both
// are stored as signed 64-bit microseconds since 1970-01-01T00:00:00Z. Civil time (days, opening
// hours, months) only exists relative to a fixed UTC offset, which the policy supplies.
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace ledger {

using Duration = std::chrono::microseconds;
using Time = std::chrono::sys_time<Duration>;  // a UTC instant, microsecond resolution

inline int64_t ToMicros(Time t) { return t.time_since_epoch().count(); }
inline Time FromMicros(int64_t us) { return Time(Duration(us)); }

// Parses an RFC 3339 date-time with a mandatory offset: "2026-11-24T09:30:00+08:00",
// "2026-11-24T01:30:00.25Z". Fractional seconds beyond microseconds are truncated. Lower-case
// 't'/'z' are accepted. Fails with InvalidArgument (rule "rfc3339") on anything else, including
// out-of-range fields such as month 13 or 25:00.
Result<Time> ParseRfc3339(std::string_view text);

// Formats `t` as RFC 3339 at the given fixed UTC offset, with a fraction only when it is not
// whole seconds: "2026-11-24T09:30:00+08:00", "2026-11-24T01:30:00.250000Z" (offset 0 is "Z").
std::string FormatRfc3339(Time t, std::chrono::minutes utc_offset = std::chrono::minutes(0));

// The civil date (at `utc_offset`) that contains `t`.
std::chrono::year_month_day CivilDate(Time t, std::chrono::minutes utc_offset);

// The instant of `date` at `time_of_day` local time at `utc_offset`.
Time FromCivil(std::chrono::year_month_day date, Duration time_of_day,
               std::chrono::minutes utc_offset);

// "2026-11" for the month containing `t` at `utc_offset`.
std::string MonthKey(Time t, std::chrono::minutes utc_offset);

// Parses "YYYY-MM" (months 01-12). InvalidArgument otherwise.
Result<std::chrono::year_month> ParseMonth(std::string_view text);

// Parses "YYYY-MM-DD". InvalidArgument otherwise.
Result<std::chrono::year_month_day> ParseDate(std::string_view text);

// "2026-11-24".
std::string FormatDate(std::chrono::year_month_day date);

}  // namespace ledger
