// ServerOptions: every knob of the HTTP server, with its default. docs/api.md ("Limits") lists
// them for operators; `ledgerctl serve --help` exposes the common ones.
//
// Thread-safety: a value; the server copies it at construction.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/http/access_log.h"
#include "ledger/base/clock.h"

namespace api {

struct ServerOptions {
  // Where to listen. Port 0 picks a free port; HttpServer::port() tells which.
  std::string host = "127.0.0.1";
  uint16_t port = 8080;

  // Threads running sockets (parsing, writing). 0: one per core.
  size_t io_threads = 0;
  // Threads running handlers (which may block on RocksDB). 0: two per core, at least 4.
  size_t worker_threads = 0;

  // Largest request body; a larger one is refused with 413 before it is read.
  size_t max_body_bytes = 64 * 1024;
  // Largest request line plus header fields; a larger one is refused with 431.
  size_t max_header_bytes = 16 * 1024;

  // A keep-alive connection may wait this long for the first byte of its next request.
  std::chrono::milliseconds idle_timeout{60'000};
  // The whole header must arrive within this time of its first byte, and a new connection's
  // first header within this time of the accept (slowloris defence: neither trickling bytes nor
  // sending none extends it). Exceeded: the connection is closed.
  std::chrono::milliseconds header_timeout{10'000};
  // The whole body must arrive within this time of the header. Exceeded: the connection is closed.
  std::chrono::milliseconds body_timeout{30'000};
  // Each write (a response, one SSE chunk) must finish within this time, or the client is
  // considered stalled and the connection is closed.
  std::chrono::milliseconds write_timeout{30'000};
  // Shutdown() waits this long for in-flight requests before closing connections by force.
  std::chrono::milliseconds shutdown_timeout{30'000};

  // Open connections at most. At the cap a new connection closes the connection that has waited
  // longest for a first byte or a next request (counted as evicted); when none is waiting (all
  // are reading a request, running one, writing or streaming) it gets 503 (problem "overloaded")
  // and is closed.
  size_t max_connections = 1024;

  // Per-token rate limit (token bucket; rate_limiter.h): requests per second on average and in a
  // burst, per bearer token as parsed (or per client address without a well-formed one). 429
  // with Retry-After beyond it. rate_limit_per_second <= 0 disables it.
  double rate_limit_per_second = 50;
  double rate_limit_burst = 100;
  // Buckets each limiter (this one and the next) keeps at most.
  size_t rate_limit_max_keys = 100'000;

  // Failed authentication per client address (a token bucket of its own): each 401 takes one;
  // once an address has none left, its requests to authenticated routes get 429 with
  // Retry-After before their token is looked at, so guessing tokens is slow whichever tokens
  // are tried. Successful requests take nothing. auth_failure_per_second <= 0 disables it.
  double auth_failure_per_second = 2;
  double auth_failure_burst = 20;

  // Server-Sent Events: a comment line is sent after this much silence, so proxies keep the
  // stream open and dead clients are noticed.
  std::chrono::milliseconds sse_heartbeat{15'000};
  // Most bytes (plus one event) and events one SSE chunk holds in memory per connection.
  size_t sse_buffer_bytes = 256 * 1024;
  size_t sse_batch_events = 256;

  // Wall clock for the rate limiter and access-log timestamps. Not owned; null: the system clock.
  // (Timeouts are measured on the steady clock of the I/O library.)
  ledger::Clock* clock = nullptr;

  // Receives one line per answered request (access_log.h). Empty: stderr.
  AccessLogSink access_log;
};

}  // namespace api
