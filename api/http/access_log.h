// The access log: one line per answered request, in logfmt, to a configurable sink.
//
//   time=2026-01-05T08:00:00.125000Z method=GET path=/v1/events status=200 bytes=5120
//   duration_ms=1.204 actor=u-aud-01 route=/v1/events remote=127.0.0.1
//
// `path` is the path only: the query string is never logged (it may carry secrets or personal
// data). `actor` is "-" when the request was not authenticated. A Server-Sent Events stream is
// logged once, when it ends, with the bytes it sent.
//
// Thread-safety: FormatAccessLog is a free function; the sink is called from I/O threads
// concurrently and must be thread-safe (StderrAccessLog() is).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "ledger/base/time.h"

namespace api {

struct AccessLogEntry {
  ledger::Time time{};
  std::string_view method;
  std::string_view path;  // percent-encoded, without the query
  unsigned status = 0;
  uint64_t bytes = 0;  // body bytes sent
  std::chrono::duration<double> duration{};
  std::string_view actor;  // empty: "-"
  std::string_view route;  // empty: "-"
  std::string_view remote;
};

using AccessLogSink = std::function<void(std::string_view line)>;

// The line for `entry` (without the trailing newline).
std::string FormatAccessLog(const AccessLogEntry& entry);

// Writes each line and a newline to stderr in one write.
AccessLogSink StderrAccessLog();

}  // namespace api
