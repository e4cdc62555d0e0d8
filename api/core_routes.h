// The routes every server has, and placeholders for the ones not built yet:
//
//   GET /healthz   liveness: 200 {"status": "ok"}; no token, no rate limit
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

#include "api/metrics.h"
#include "api/router.h"

namespace api {

// `metrics` is not owned and must outlive the router.
ledger::Status RegisterHealthRoutes(Router& router, const Metrics* metrics);

// Method and pattern of every route the contract names (besides /healthz and /metrics).
const std::vector<std::pair<std::string_view, std::string_view>>& ContractRoutes();

ledger::Status RegisterPlannedRoutes(Router& router);

}  // namespace api
