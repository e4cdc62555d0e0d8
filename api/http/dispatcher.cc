#include "api/http/dispatcher.h"

#include <chrono>
#include <exception>

#include "api/http/problem.h"
#include "ledger/base/hash.h"

namespace api {
namespace {

// The q-value of one media range ("application/json;q=0.5"), 1 by default, and its type.
std::pair<std::string_view, double> MediaRange(std::string_view item) {
  size_t semi = item.find(';');
  std::string_view type = TrimOws(item.substr(0, semi));
  double q = 1;
  while (semi != std::string_view::npos) {
    size_t next = item.find(';', semi + 1);
    std::string_view param =
        TrimOws(item.substr(semi + 1, next == std::string_view::npos ? next : next - semi - 1));
    if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      try {
        q = std::stod(std::string(param.substr(2)));
      } catch (const std::exception&) {
        q = 0;
      }
    }
    semi = next;
  }
  return {type, q};
}

// How well `range` accepts `type`: 3 exact, 2 "x/*", 1 "*/*", 0 not at all.
int Specificity(std::string_view range, std::string_view type) {
  if (EqualsIgnoreCase(range, type)) return 3;
  if (range == "*/*") return 1;
  size_t slash = type.find('/');
  if (range.size() == slash + 2 && range.substr(slash) == "/*" &&
      EqualsIgnoreCase(range.substr(0, slash), type.substr(0, slash)))
    return 2;
  return 0;
}

// The q-value the Accept header gives `type` (the most specific matching range decides).
double QualityOf(std::string_view accept, std::string_view type) {
  int best = 0;
  double q = 0;
  size_t start = 0;
  while (start <= accept.size()) {
    size_t comma = accept.find(',', start);
    if (comma == std::string_view::npos) comma = accept.size();
    auto [range, rq] = MediaRange(accept.substr(start, comma - start));
    int s = Specificity(range, type);
    if (s > best) best = s, q = rq;
    start = comma + 1;
  }
  return q;
}

// The per-token limit's key: the token as BearerToken parses it, never the header's bytes, which
// the scheme's case and the spaces after it vary without changing the token (each variant used
// to get a fresh bucket). Without a well-formed token: the client address.
std::string RateKey(const Request& request) {
  ledger::Result<std::string_view> token = BearerToken(request);
  if (token.ok()) return "t:" + ledger::ToHex(ledger::Sha256(*token));
  return "a:" + request.remote_address;
}

Response TooManyRequests(std::string why, std::chrono::seconds retry_after,
                         const std::string& path) {
  Response r = ProblemResponse(
      MakeProblem(429, kRateLimited,
                  why + "; retry after " + std::to_string(retry_after.count()) + " s", path));
  r.headers.Set("Retry-After", std::to_string(retry_after.count()));
  return r;
}

}  // namespace

std::optional<Format> NegotiateFormat(std::optional<std::string_view> accept, bool capnp_offered) {
  if (!accept || TrimOws(*accept).empty()) return Format::kJson;
  double json = QualityOf(*accept, kJsonType);
  double capnp = capnp_offered ? QualityOf(*accept, kCapnpType) : 0;
  if (json <= 0 && capnp <= 0) return std::nullopt;
  return capnp > json ? Format::kCapnp : Format::kJson;
}

Dispatcher::Dispatcher(const Router* router, Authenticator* authenticator, RateLimiter* limiter,
                       RateLimiter* auth_failures, PostWork post_work)
    : router_(router),
      authenticator_(authenticator),
      limiter_(limiter),
      auth_failures_(auth_failures),
      post_work_(std::move(post_work)) {}

Dispatcher::Dispatched Dispatcher::Dispatch(Request request, Responder responder) {
  RouteLookup found = router_->Find(request.method, request.segments);
  switch (found.kind) {
    case RouteLookup::Kind::kNoRoute:
      responder.Send(ProblemResponse(MakeProblem(
          404, kNoRoute, "no route for " + request.method + " " + request.path, request.path)));
      return {};
    case RouteLookup::Kind::kMethodNotAllowed: {
      Response r = ProblemResponse(
          MakeProblem(405, kMethodNotAllowed, request.method + " is not allowed on " + request.path,
                      request.path));
      r.headers.Set("Allow", found.allow);
      responder.Send(std::move(r));
      return {};
    }
    case RouteLookup::Kind::kBadParameter:
      responder.Send(ErrorResponse(found.error, request.path));
      return {};
    case RouteLookup::Kind::kFound:
      break;
  }
  const Route* route = found.route;
  if (auth_failures_ != nullptr && route->options.authenticated) {
    RateLimiter::Decision d = auth_failures_->Check(request.remote_address);
    if (!d.allowed) {
      responder.Send(TooManyRequests("too many failed authentications from this address",
                                     d.retry_after, request.path));
      return {route, nullptr};
    }
  }
  if (limiter_ != nullptr && route->options.rate_limited) {
    RateLimiter::Decision d = limiter_->Take(RateKey(request));
    if (!d.allowed) {
      responder.Send(TooManyRequests("too many requests", d.retry_after, request.path));
      return {route, nullptr};
    }
  }
  Format format = Format::kJson;
  if (!route->options.any_accept) {
    std::optional<Format> f = NegotiateFormat(request.headers.Get("Accept"), route->options.capnp);
    if (!f) {
      responder.Send(ProblemResponse(
          MakeProblem(406, kNotAcceptable,
                      std::string("this resource is available as application/json") +
                          (route->options.capnp ? " or application/x-capnp" : ""),
                      request.path)));
      return {route, nullptr};
    }
    format = *f;
  }
  auto ctx =
      std::make_shared<RequestContext>(std::move(request), std::move(found.params), route, format);
  post_work_([this, ctx, responder] { Run(ctx, responder); });
  return {route, ctx};
}

void Dispatcher::Run(std::shared_ptr<RequestContext> ctx, Responder responder) {
  try {
    const Route* route = ctx->route();
    if (route->options.authenticated) {
      ledger::Result<Principal> who =
          Authorize(*authenticator_, ctx->request(), route->options.roles);
      if (!who.ok()) {
        if (auth_failures_ != nullptr && who.status().code() == ledger::Code::kUnauthenticated)
          auth_failures_->Take(ctx->request().remote_address);  // none left: 429 from the next
        responder.Send(AuthErrorResponse(who.status(), ctx->request()));
        return;
      }
      who->route = route->method + " " + route->pattern;
      ctx->set_principal(std::move(who).value());
    }
    route->handler(ctx, responder);
  } catch (const std::exception& e) {
    // An exception's text may name files (std::filesystem's do): not in an answer.
    responder.Fail(ledger::Status::Internal("handler failed: " + ledger::WithoutPaths(e.what())));
  } catch (...) {
    responder.Fail(ledger::Status::Internal("handler failed with an unknown exception"));
  }
}

}  // namespace api
