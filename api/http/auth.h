// Authentication and function-level authorization of API requests.
//
// A request carries `Authorization: Bearer <token>`. An Authenticator (the TokenStore in
// production, api/services/token_store.h) turns the token into a Principal
// (api/services/principal.h): the actor {id, role, department} the token was issued to. A route
// then admits the principal if its role is in the route's RoleSet (router.h). Missing, malformed,
// unknown and revoked tokens are Unauthenticated (401, with WWW-Authenticate); a known principal
// whose role the route does not admit is PermissionDenied (403). Object-, row- and property-level
// checks are in api/services/authorization.h.
//
// Thread-safety: free functions; the Authenticator must be safe to call from any thread.
#pragma once

#include <string_view>

#include "api/http/http_types.h"
#include "api/services/principal.h"
#include "api/services/roles.h"
#include "ledger/base/status.h"

namespace api {

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
