#include "api/http/auth.h"

#include "api/http/problem.h"

namespace api {
namespace {

// RFC 6750 token68: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" then "=" padding.
bool IsToken68(std::string_view t) {
  if (t.empty() || t.size() > 512) return false;
  size_t i = 0;
  for (; i < t.size(); ++i) {
    char c = t[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    if (!ok) break;
  }
  if (i == 0) return false;
  for (; i < t.size(); ++i) {
    if (t[i] != '=') return false;
  }
  return true;
}

}  // namespace

ledger::Result<std::string_view> BearerToken(const Request& request) {
  std::optional<std::string_view> header = request.headers.Get("Authorization");
  if (!header)
    return ledger::Status::Unauthenticated(
        "missing bearer token: send 'Authorization: Bearer <token>'");
  std::string_view h = *header;
  constexpr std::string_view kScheme = "bearer";
  if (h.size() <= kScheme.size() || !EqualsIgnoreCase(h.substr(0, kScheme.size()), kScheme) ||
      (h[kScheme.size()] != ' ' && h[kScheme.size()] != '\t')) {
    return ledger::Status::Unauthenticated("the Authorization header must use the Bearer scheme");
  }
  std::string_view token = h.substr(kScheme.size());
  while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  if (!IsToken68(token)) return ledger::Status::Unauthenticated("the bearer token is malformed");
  return token;
}

ledger::Result<Principal> Authorize(Authenticator& authenticator, const Request& request,
                                    RoleSet allowed) {
  LEDGER_ASSIGN_OR_RETURN(std::string_view token, BearerToken(request));
  LEDGER_ASSIGN_OR_RETURN(Principal principal, authenticator.Authenticate(token));
  if (!allowed.Has(principal.role)) {
    return ledger::Status::PermissionDenied(
        "role '" + std::string(RoleName(principal.role)) + "' may not call " + request.method +
        " " + request.path + (allowed.empty() ? "" : " (allowed: " + allowed.ToString() + ")"));
  }
  return principal;
}

Response AuthErrorResponse(const ledger::Status& status, const Request& request) {
  Response r = ErrorResponse(status, request.path);
  if (r.status == 401 && request.headers.Has("Authorization"))
    r.headers.Set("WWW-Authenticate", R"(Bearer realm="ledger", error="invalid_token")");
  return r;
}

}  // namespace api
