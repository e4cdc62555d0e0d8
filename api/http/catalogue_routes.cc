#include "api/http/catalogue_routes.h"

#include "api/http/json_body.h"
#include "api/services/catalogue_json.h"

namespace api {

ledger::Status RegisterCatalogueRoutes(Router& router, ledger::domain::PolicyStore* policies) {
  if (policies == nullptr)
    return ledger::Status::Internal("RegisterCatalogueRoutes needs policies");
  return router.Add("GET", "/v1/catalogue", {.resource = Resource::kCatalogue},
                    [policies](const RequestContext&) -> ledger::Result<Response> {
                      // The roles follow the policy in force now; the rest is constant.
                      return JsonResponse(
                          200, CatalogueJson(*policies->current(), policies->current_version()));
                    });
}

}  // namespace api
