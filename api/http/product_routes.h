// The product's routes on a router: every domain route (complaints, projections, policies,
// alerts, the catalogue, /v1/me) and the log routes, over the services of one Application
// (api/services/application.h), plus the scheduler's gauges and counters on /metrics.
//
// Thread-safety: call once, before the server starts; `app` and `metrics` must outlive the server.
#pragma once

#include "api/http/router.h"
#include "api/services/application.h"
#include "api/services/metrics.h"
#include "ledger/base/status.h"
#include "ledger/log/checkpointer.h"

namespace api {

// Every domain route (complaints, projections, policies) and the log routes.
// `checkpointer` (may be null: no signing key) signs checkpoints on demand.
ledger::Status RegisterProductRoutes(Application& app, Router& router, Metrics& metrics,
                                     ledger::Checkpointer* checkpointer = nullptr);

}  // namespace api
