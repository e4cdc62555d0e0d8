// Authentication and function-level authorization of API requests.
//
// A request carries `Authorization: Bearer <token>`. An Authenticator (the TokenStore in
// production, token_store.h) turns the token into a Principal: the actor {id, role, department}
// the token was issued to. A route then admits the principal if its role is in the route's
// RoleSet (router.h). Missing, malformed, unknown and revoked tokens are Unauthenticated (401,
// with WWW-Authenticate); a known principal whose role the route does not admit is
// PermissionDenied (403). Object-, row- and property-level checks are in authorization.h.
//
// Thread-safety: Authenticator implementations must be safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

#include "api/http_types.h"
#include "api/roles.h"
#include "ledger/log/append.h"
#include "ledger/base/status.h"

namespace api {

// Who is calling: the actor a token stands for.
struct Principal {
  ledger::Actor actor;  // id, role (its text name) and department, as recorded in events
  Role role = Role::kReader;
  std::string token_id;  // the token's public id (TokenRecord::id), for logs
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The principal for `token` (the text after "Bearer "). Unauthenticated for unknown or revoked
  // tokens. May block briefly (the token store stats its file); never called on an I/O thread.
  virtual ledger::Result<Principal> Authenticate(std::string_view token) = 0;
};

// The token of the request's "Authorization: Bearer <token>" header (scheme case-insensitive).
// Unauthenticated when the header is missing, uses another scheme or the token is malformed.
ledger::Result<std::string_view> BearerToken(const Request& request);

// Authenticates the request and checks `allowed` has the principal's role. Unauthenticated or
// PermissionDenied (naming the role and the roles the route admits) on failure.
ledger::Result<Principal> Authorize(Authenticator& authenticator, const Request& request,
                                    RoleSet allowed);

// The 401/403 problem response for a failed Authorize(). A 401 for a token that was given but
// not accepted carries `WWW-Authenticate: Bearer realm="ledger", error="invalid_token"`.
Response AuthErrorResponse(const ledger::Status& status, const Request& request);

}  // namespace api
