// The deadline alerts of the HTTP API (docs/api.md "Alerts"):
//
//   GET /v1/alerts?department=&person=&level=&clock=&state=&limit=&cursor=
//       the alert of each clock still to be done whose threshold has passed (projections/alerts.h),
//       over the complaints the caller may see (Resource::kAlerts), in pages by complaint id;
//   GET /v1/alerts/stream?from=SEQ
//       the alerts as they arise (Server-Sent Events, alert_stream.h), from the outbox the
//       scheduler publishes them to: from `from` (default: the next to arise), or after the
//       Last-Event-ID a reconnecting client sends.
//
// Thread-safety: handlers run on worker threads; every service used is thread-safe.
#pragma once

#include "api/http/router.h"
#include "ledger/base/clock.h"
#include "ledger/domain/policy_store.h"
#include "ledger/log/outbox.h"
#include "projections/runner.h"

namespace api {

struct AlertRoutesOptions {
  projections::ProjectionRunner* projections = nullptr;  // none owned
  ledger::domain::PolicyStore* policies = nullptr;
  ledger::Clock* clock = nullptr;
  ledger::Outbox* outbox = nullptr;  // null: no stream route
};

ledger::Status RegisterAlertRoutes(Router& router, AlertRoutesOptions options);

}  // namespace api
