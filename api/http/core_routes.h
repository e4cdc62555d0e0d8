// The routes every server has, and placeholders for the ones not built yet:
//
//   GET /healthz   liveness: 200 {"status": "ok", "writes": "accepted"}; no token, no rate limit.
//                  While the ledger refuses appends (a full disk, ledger/log/storage.h) still 200 —
//                  the process is alive and serves reads, and a restart would not free space —
//                  with {"status": "degraded", "writes": "refused", "reason": "...",
//                  "available_bytes": N}. Alert on the body or on ledger_storage_writable.
//   GET /metrics   Prometheus text (metrics.h); no token, no rate limit
//
// RegisterPlannedRoutes() adds, for each route of the HTTP contract (shared spec, interfaces.md)
// that is not registered yet, a stub answering 501 (problem "not_implemented") to any
// authenticated role. Call it LAST, after the real routes: it skips those already registered, so
// the server always routes every path docs/openapi.yaml lists.
//
// Thread-safety: registration happens before the server starts.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "api/http/router.h"
#include "api/services/metrics.h"
#include "ledger/log/event_log.h"

namespace api {

// `metrics` and `log` are not owned and must outlive the router; without a log /healthz says
// nothing of writes.
ledger::Status RegisterHealthRoutes(Router& router, const Metrics* metrics,
                                    const ledger::EventLog* log = nullptr);

// Method and pattern of every route the contract names (besides /healthz and /metrics).
const std::vector<std::pair<std::string_view, std::string_view>>& ContractRoutes();

ledger::Status RegisterPlannedRoutes(Router& router);

}  // namespace api
