// The routes every server has, and the check that the server has every route of its contract:
//
//   GET /healthz   liveness: 200 {"status": "ok", "writes": "accepted"}; no token, no rate limit.
//                  While the ledger refuses appends (a full disk, ledger/log/storage.h) still 200 —
//                  the process is alive and serves reads, and a restart would not free space —
//                  with {"status": "degraded", "writes": "refused", "reason": "...",
//                  "available_bytes": N}. Alert on the body or on ledger_storage_writable.
//   GET /metrics   Prometheus text (metrics.h); no token, no rate limit
//
// CheckContractRoutes() fails (Internal, naming them) when a route of the HTTP contract
// (docs/api.md, docs/openapi.yaml) is not registered: a server that would not route every path
// the document lists does not start.
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

// Call after every route is registered.
ledger::Status CheckContractRoutes(const Router& router);

}  // namespace api
