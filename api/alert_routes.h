// The deadline alerts of the HTTP API (docs/api.md "Alerts"):
//
//   GET /v1/alerts?department=&person=&level=&clock=&state=&limit=&cursor=
//       the alert of each clock still to be done whose threshold has passed (projections/alerts.h),
//       over the complaints the caller may see (Resource::kAlerts), in pages by complaint id.
//
// Thread-safety: handlers run on worker threads; every service used is thread-safe.
#pragma once

#include "api/router.h"
#include "ledger/clock.h"
#include "ledger/domain/policy_store.h"
#include "projections/runner.h"

namespace api {

struct AlertRoutesOptions {
  projections::ProjectionRunner* projections = nullptr;  // none owned
  ledger::domain::PolicyStore* policies = nullptr;
  ledger::Clock* clock = nullptr;
};

ledger::Status RegisterAlertRoutes(Router& router, AlertRoutesOptions options);

}  // namespace api
