#include "api/http/me_routes.h"

#include "api/http/json_body.h"
#include "api/services/me_json.h"

namespace api {

ledger::Status RegisterMeRoutes(Router& router, ledger::domain::PolicyStore* policies) {
  if (policies == nullptr) return ledger::Status::Internal("RegisterMeRoutes needs policies");
  return router.Add("GET", "/v1/me", {.resource = Resource::kMe},
                    [policies](const RequestContext& ctx) -> ledger::Result<Response> {
                      // The actions follow the policy in force now.
                      return JsonResponse(200, MeJson(*ctx.principal(), *policies->current(),
                                                      policies->current_version()));
                    });
}

}  // namespace api
