// RequestContext: everything a handler knows about its request once the server has routed,
// rate-limited, negotiated and authenticated it.
//
// Handlers get a `const RequestContext&` (synchronous) or a shared_ptr to one (asynchronous:
// keep the pointer as long as needed). Path parameters are percent-decoded and already checked
// (router.h: no '/', no control characters, not "." or ".."); query values are decoded but
// otherwise the handler's to check, with the Query* helpers that name the parameter on error.
//
// Thread-safety: immutable once the handler runs; may be read from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/auth.h"
#include "api/http/http_types.h"
#include "api/services/authorization.h"
#include "ledger/base/status.h"

namespace api {

struct Route;

// The representation a client asked for (Accept), among those the route offers.
enum class Format { kJson, kCapnp };

using PathParams = std::vector<std::pair<std::string, std::string>>;

class RequestContext {
 public:
  RequestContext(Request request, PathParams params, const Route* route, Format format)
      : request_(std::move(request)), params_(std::move(params)), route_(route), format_(format) {}

  const Request& request() const { return request_; }
  const Route* route() const { return route_; }
  Format format() const { return format_; }

  // The authenticated caller; null on routes that need no authentication.
  const Principal* principal() const { return principal_ ? &*principal_ : nullptr; }
  // The actor id for logs and events ("" when unauthenticated).
  std::string_view actor_id() const {
    return principal_ ? std::string_view(principal_->actor.id) : "";
  }

  // The decoded path parameter `name` ("" when the route has none by that name).
  std::string_view Param(std::string_view name) const;

  // The first decoded value of query parameter `name`.
  std::optional<std::string_view> Query(std::string_view name) const {
    return request_.QueryValue(name);
  }

  // Query parameter `name` as a decimal integer in [min, max]; `fallback` when absent or empty.
  // InvalidArgument naming the parameter (rule "integer" or "range") otherwise.
  ledger::Result<uint64_t> QueryUint(std::string_view name, uint64_t fallback, uint64_t min,
                                     uint64_t max) const;

  // What the caller may do and see with the route's resource (authorization.h): the object-,
  // row- and property-level decisions. Denies everything on routes without a caller or resource.
  const Access& access() const { return access_; }

  // Set by the server before the handler runs; decides access() for the route's resource.
  void set_principal(Principal p);

 private:
  Request request_;
  PathParams params_;
  const Route* route_;
  Format format_;
  std::optional<Principal> principal_;
  Access access_;
};

// InvalidArgument (400) naming `field` and `rule`: the one way the routes refuse bad input.
ledger::Status InvalidField(std::string_view field, std::string rule, std::string message);

// Parses a decimal uint64 (digits only, no sign, no spaces, no overflow). For query values and
// headers such as Last-Event-ID; InvalidArgument naming `field` on failure.
ledger::Result<uint64_t> ParseUint(std::string_view text, std::string_view field);

}  // namespace api
