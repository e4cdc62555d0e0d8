// Who calls: the Principal a bearer token stands for, and the Authenticator that turns a token
// into one.
//
// An Authenticator (the TokenStore in production, token_store.h) turns a token into a Principal:
// the actor {id, role, department} the token was issued to. Reading the token from a request and
// the function-level check of a route are the HTTP floor's (api/http/auth.h); object-, row- and
// property-level checks are in authorization.h.
//
// Thread-safety: Authenticator implementations must be safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

#include "api/services/roles.h"
#include "ledger/base/status.h"
#include "ledger/log/append.h"

namespace api {

// Who is calling: the actor a token stands for.
struct Principal {
  ledger::Actor actor;  // id, role (its text name) and department, as recorded in events
  Role role = Role::kReader;
  std::string token_id;  // the token's public id (TokenRecord::id), for logs
  // What the caller is doing: the route ("GET /v1/complaints/{id}") or command ("ledgerctl
  // export"), recorded with every read of personal data (docs/privacy.md).
  std::string route;
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The principal for `token` (the text after "Bearer "). Unauthenticated for unknown or revoked
  // tokens. May block briefly (the token store stats its file); never called on an I/O thread.
  virtual ledger::Result<Principal> Authenticate(std::string_view token) = 0;
};

}  // namespace api
