// Who is calling (docs/api.md "Who am I"):
//
//   GET /v1/me
//       the caller's actor, role, department, token id (never the secret), whether it sees
//       personal data, the actions the current policy lets it send, the resources it may read and
//       write, the policy version and its time zone (api/services/me_json.h). Any authenticated
//       role (Resource::kMe); 401 without a valid token. JSON only.
//
// Thread-safety: handlers run on worker threads; PolicyStore is thread-safe.
#pragma once

#include "api/http/router.h"
#include "ledger/domain/policy_store.h"

namespace api {

ledger::Status RegisterMeRoutes(Router& router, ledger::domain::PolicyStore* policies);

}  // namespace api
