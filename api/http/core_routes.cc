#include "api/http/core_routes.h"

#include <boost/json.hpp>

#include "api/http/json_body.h"
#include "api/http/problem.h"

namespace api {

ledger::Status RegisterHealthRoutes(Router& router, const Metrics* metrics,
                                    const ledger::EventLog* log) {
  RouteOptions open{.authenticated = false, .rate_limited = false, .any_accept = true};
  LEDGER_RETURN_IF_ERROR(
      router.Add("GET", "/healthz", open, [log](const RequestContext&) -> ledger::Result<Response> {
        if (log == nullptr) return JsonResponse(200, boost::json::object{{"status", "ok"}});
        const ledger::StorageHealth storage = log->storage();
        if (storage.writable)
          return JsonResponse(200, boost::json::object{{"status", "ok"}, {"writes", "accepted"}});
        // Still 200: a liveness probe that failed would restart a server that serves reads,
        // and a restart frees no space (docs/operations.md, "When the disk fills").
        return JsonResponse(200, boost::json::object{{"status", "degraded"},
                                                     {"writes", "refused"},
                                                     {"reason", storage.reason},
                                                     {"available_bytes", storage.available_bytes}});
      }));
  return router.Add("GET", "/metrics", open,
                    [metrics](const RequestContext&) -> ledger::Result<Response> {
                      return Response::Text(200, std::string(kPrometheusType), metrics->Render());
                    });
}

const std::vector<std::pair<std::string_view, std::string_view>>& ContractRoutes() {
  static const std::vector<std::pair<std::string_view, std::string_view>> routes = {
      {"POST", "/v1/complaints"},
      {"GET", "/v1/complaints"},
      {"GET", "/v1/complaints/{id}"},
      {"POST", "/v1/complaints/{id}/actions"},
      {"GET", "/v1/complaints/{id}/events"},
      {"GET", "/v1/complaints/{id}/timeline"},
      {"GET", "/v1/responsibility"},
      {"GET", "/v1/fines"},
      {"GET", "/v1/rewards"},
      {"GET", "/v1/metrics"},
      {"GET", "/v1/findings"},
      {"GET", "/v1/events"},
      {"GET", "/v1/events/stream"},
      {"GET", "/v1/ledger/verify"},
      {"GET", "/v1/policies"},
      {"POST", "/v1/policies"},
      {"GET", "/v1/catalogue"},
      {"GET", "/v1/me"},
  };
  return routes;
}

ledger::Status CheckContractRoutes(const Router& router) {
  std::string missing;
  for (const auto& [method, pattern] : ContractRoutes())
    if (!router.Has(method, pattern))
      missing += (missing.empty() ? "" : ", ") + std::string(method) + " " + std::string(pattern);
  if (missing.empty()) return ledger::Status::Ok();
  return ledger::Status::Internal("routes of the HTTP contract are not registered: " + missing);
}

}  // namespace api
