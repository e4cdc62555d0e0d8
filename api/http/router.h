// Router: the table of routes — method, path pattern, who may call, and the handler.
//
//   api::Router router;
//   LEDGER_RETURN_IF_ERROR(router.Add("GET", "/v1/complaints/{id}/events",
//       {.roles = {api::Role::kCsAgent, api::Role::kAuditor}, .capnp = true},
//       [&](const api::RequestContext& ctx) -> ledger::Result<api::Response> {
//         std::string_view id = ctx.Param("id");
//         ...
//         return api::JsonResponse(200, body);
//       }));
//
// Patterns are "/"-separated segments, each a literal or a {name} parameter matching one whole
// segment; "/" alone matches the root. A request path matches after percent-decoding; literal
// segments win over parameters (so "/v1/events/stream" beats "/v1/events/{position}"). No route
// for the path: 404 (problem "no_route"); routes for the path but not the method: 405 with Allow.
// A parameter value must be 1..256 bytes of UTF-8 without '/', '\', control characters, and not
// "." or ".." — otherwise 400 naming the parameter (rule "path_parameter"):
// `/v1/complaints/..%2F..` never reaches a handler.
//
// A last segment {name*} (the console's "/ui/{path*}") takes the rest of the path: one or more
// segments, each checked as above except that the last may be empty (a path ending in '/'),
// joined with '/' into the value ("/ui/vendor/d3.min.js" gives "vendor/d3.min.js", "/ui/" gives
// ""). So "..", "%2e%2e", an empty segment ("/ui//etc") and an encoded '/' are refused with 400
// before a handler sees them.
//
// Handlers run on the server's worker pool, after authentication and the role check; they may
// block (RocksDB reads). Exceptions escaping a handler become 500 problems (the edge).
//
// Thread-safety: Add() before the server starts; afterwards the router is read-only and may be
// used from any thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_types.h"
#include "api/http/request_context.h"
#include "api/http/responder.h"
#include "api/services/authorization.h"
#include "api/services/roles.h"
#include "ledger/base/status.h"

namespace api {

struct RouteOptions {
  // What the route exposes. Its roles come from the authorization table (authorization.h), and
  // handlers read the caller's object-, row- and property-level access from ctx.access(). Every
  // route of the product names one; `roles` is then derived and must be left empty.
  std::optional<Resource> resource = std::nullopt;
  // Roles that may call a route without a resource (tests, tools). Ignored when !authenticated.
  RoleSet roles = {};
  // False for public routes (/healthz, /metrics): no token needed, principal() is null.
  bool authenticated = true;
  // False to exempt the route from the per-token rate limit (liveness probes).
  bool rate_limited = true;
  // True when the handler can answer application/x-capnp (it reads ctx.format()). A client that
  // accepts only Cap'n Proto gets 406 from routes without it.
  bool capnp = false;
  // True for routes whose answer is not JSON/Cap'n Proto (metrics text, SSE): Accept is ignored.
  bool any_accept = false;
};

// Answers now: the returned Response, or the problem for the returned Status.
using SyncHandler = std::function<ledger::Result<Response>(const RequestContext&)>;
// Answers through the Responder, now or later, from any thread.
using AsyncHandler = std::function<void(std::shared_ptr<const RequestContext>, Responder)>;

struct Route {
  std::string method;
  std::string pattern;  // as registered; also the metrics and access-log label
  RouteOptions options;
  AsyncHandler handler;
  // Parsed pattern: a literal segment, or a parameter name (is_param).
  struct Segment {
    std::string text;
    bool is_param = false;
    bool is_rest = false;  // {name*}: the rest of the path (the last segment only)
  };
  std::vector<Segment> segments;
};

struct RouteLookup {
  enum class Kind { kFound, kNoRoute, kMethodNotAllowed, kBadParameter };
  Kind kind = Kind::kNoRoute;
  const Route* route = nullptr;  // kFound
  PathParams params;             // kFound
  std::string allow;             // kMethodNotAllowed: "GET, POST"
  ledger::Status error;          // kBadParameter: InvalidArgument naming the parameter
};

class Router {
 public:
  // Registers a route. InvalidArgument for a malformed pattern (must start with '/', no empty
  // segments, parameters named [a-z_]+, no name twice, {name*} last only), AlreadyExists for a
  // method and pattern
  // registered before — both are programming errors, surfaced at startup.
  ledger::Status Add(std::string method, std::string pattern, RouteOptions options,
                     SyncHandler handler);
  ledger::Status AddAsync(std::string method, std::string pattern, RouteOptions options,
                          AsyncHandler handler);

  // True when `method` `pattern` is registered (exact pattern text).
  bool Has(std::string_view method, std::string_view pattern) const;

  // Finds the route for a request.
  RouteLookup Find(std::string_view method, const std::vector<std::string>& segments) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  std::vector<std::unique_ptr<Route>> routes_;
};

// Checks a decoded path parameter value (see the header comment). InvalidArgument naming `name`.
ledger::Status CheckPathParameter(std::string_view name, std::string_view value);

}  // namespace api
