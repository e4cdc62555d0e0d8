// The log endpoints (docs/api.md, "The log"):
//
//   GET /v1/events?from=POS&limit=N   one page of the global log (JSON or Cap'n Proto EventPage)
//   GET /v1/events/stream?from=POS    the same, then live, as Server-Sent Events; resumes after
//                                     the Last-Event-ID header when the client reconnects
//   GET /v1/ledger/verify             the integrity chain check (JSON or VerifyResult)
//
// and the log's counters on /metrics (EventLog::GetStats(): commits, appends, events, sync group
// sizes; the head position).
//
// Thread-safety: handlers run on worker threads; the EventLog is thread-safe.
#pragma once

#include <cstddef>

#include "api/http/router.h"
#include "api/services/authorization.h"
#include "api/services/event_json.h"
#include "api/services/metrics.h"
#include "ledger/log/event_log.h"

namespace api {

inline constexpr size_t kDefaultPageSize = 100;
inline constexpr size_t kMaxPageSize = 1000;
// A page stops early (has_more: true) once its events' JSON or Cap'n Proto size passes this.
inline constexpr size_t kMaxPageBytes = 4 * 1024 * 1024;

struct LogRoutesOptions {
  ledger::EventLog* log = nullptr;  // not owned; must outlive the server and `metrics`' last use
  Metrics* metrics = nullptr;       // receives the log's counters; may be null
  PayloadRenderer render;           // empty: payloads render as null
};

// Who may read the raw log and run the check: the authorization table's Resource::kLog and
// Resource::kVerify (authorization.h). The log holds every complaint: only roles whose scope is
// every complaint read it, and personal data only as the table's property level allows.

ledger::Status RegisterLogRoutes(Router& router, LogRoutesOptions options);

}  // namespace api
