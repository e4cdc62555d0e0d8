// The action catalogue of the HTTP API (docs/api.md "Catalogue"):
//
//   GET /v1/catalogue
//       every action type with its fields (type, required, limits, allowed codes, meaning), the
//       events it records and the roles the current policy lets send it; the fields every action
//       and every import line carries; every closed vocabulary with the meaning of each code.
//       Any authenticated role (Resource::kCatalogue). JSON only.
//
// Thread-safety: handlers run on worker threads; PolicyStore is thread-safe.
#pragma once

#include "api/http/router.h"
#include "ledger/domain/policy_store.h"

namespace api {

ledger::Status RegisterCatalogueRoutes(Router& router, ledger::domain::PolicyStore* policies);

}  // namespace api
