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

#include "api/event_json.h"
#include "api/metrics.h"
#include "api/roles.h"
#include "api/router.h"
#include "ledger/event_log.h"

namespace api {

inline constexpr size_t kDefaultPageSize = 100;
inline constexpr size_t kMaxPageSize = 1000;
// A page stops early (has_more: true) once its events' JSON or Cap'n Proto size passes this.
inline constexpr size_t kMaxPageBytes = 4 * 1024 * 1024;

// Who may read the raw log (it holds every complaint with its personal data).
inline constexpr RoleSet kLogReaders = {Role::kAuditor, Role::kAdmin, Role::kGm, Role::kDeputyGm,
                                        Role::kCsHead};
// Who may run the integrity check.
inline constexpr RoleSet kVerifiers = {Role::kAuditor, Role::kAdmin};

struct LogRoutesOptions {
  ledger::EventLog* log = nullptr;  // not owned; must outlive the server and `metrics`' last use
  Metrics* metrics = nullptr;       // receives the log's counters; may be null
  PayloadRenderer render;           // empty: payloads render as null
  RoleSet readers = kLogReaders;
  RoleSet verifiers = kVerifiers;
};

ledger::Status RegisterLogRoutes(Router& router, LogRoutesOptions options);

}  // namespace api
