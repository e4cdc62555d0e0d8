// Dispatcher: the server's request pipeline between the socket and the handler, free of I/O so
// it can be tested alone. For each request, in order:
//
//   1. route (router.h)           404 no_route, 405 + Allow, 400 bad path parameter
//   2. failed authentications      429 + Retry-After      (authenticated routes, when the client
//      from this address                                   address has no failures left)
//   3. rate limit (rate_limiter.h) 429 + Retry-After      (routes with rate_limited; keyed on
//                                                          the parsed bearer token)
//   4. negotiate (Accept)          406 not_acceptable     (application/json or x-capnp)
//   5. on a worker thread: authenticate + role check (auth.h)  401 / 403; a 401 takes one of the
//      address's failures
//   6. on the same worker thread: the handler; an exception escaping it becomes a 500 problem
//
// Steps 1-4 answer on the calling (I/O) thread; they never block.
//
// Thread-safety: Dispatch() may be called from any thread concurrently; the router,
// authenticator and limiter must outlive the dispatcher.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "api/http/auth.h"
#include "api/http/http_types.h"
#include "api/http/rate_limiter.h"
#include "api/http/request_context.h"
#include "api/http/responder.h"
#include "api/http/router.h"

namespace api {

// The format to answer in, given the Accept header (absent: JSON) and whether the route can
// answer Cap'n Proto. Honours q-values and wildcards; nullopt when nothing acceptable is offered.
std::optional<Format> NegotiateFormat(std::optional<std::string_view> accept, bool capnp_offered);

class Dispatcher {
 public:
  using PostWork = std::function<void(std::function<void()>)>;

  // `limiter` (requests per token) and `auth_failures` (failed authentications per client
  // address) may be null: no such limit. `post_work` runs a task on the worker pool.
  Dispatcher(const Router* router, Authenticator* authenticator, RateLimiter* limiter,
             RateLimiter* auth_failures, PostWork post_work);

  struct Dispatched {
    const Route* route = nullptr;                   // null when no route matched
    std::shared_ptr<const RequestContext> context;  // null when answered before a handler
  };

  // Dispatches `request`; the answer goes to `responder`. The returned context may be read
  // (route, principal) once the answer has arrived.
  Dispatched Dispatch(Request request, Responder responder);

 private:
  void Run(std::shared_ptr<RequestContext> ctx, Responder responder);

  const Router* const router_;
  Authenticator* const authenticator_;
  RateLimiter* const limiter_;
  RateLimiter* const auth_failures_;
  PostWork post_work_;
};

}  // namespace api
