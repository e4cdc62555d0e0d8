#include "api/http/console_routes.h"

#include <exception>
#include <memory>

#include "api/http/console_files.h"
#include "api/http/problem.h"

namespace api {
namespace {

// Calls `item` with each trimmed, non-empty element of a comma-separated header value.
template <typename F>
void ForEachItem(std::string_view list, F item) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view one = TrimOws(list.substr(start, comma - start));
    if (!one.empty()) item(one);
    start = comma + 1;
  }
}

// The q-value of an Accept-Encoding element ("gzip;q=0.5"), 1 when it names none.
double Quality(std::string_view params) {
  size_t q = params.find("q=");
  if (q == std::string_view::npos) q = params.find("Q=");
  if (q == std::string_view::npos) return 1;
  try {
    return std::stod(std::string(TrimOws(params.substr(q + 2))));
  } catch (const std::exception&) {
    return 0;
  }
}

void AddConsoleHeaders(Response& r) {
  for (const auto& [name, value] : kConsoleHeaders)
    r.headers.Set(std::string(name), std::string(value));
}

Response Redirect() {
  Response r;
  r.status = 302;
  r.headers.Set("Location", "/ui/");
  AddConsoleHeaders(r);
  return r;
}

// The answer for `path` (relative to the console's root; "" is index.html).
Response Serve(const ConsoleFiles& files, const Request& request, std::string path) {
  if (path.empty()) path = "index.html";
  ledger::Result<ConsoleFile> file = files.Find(path);
  if (!file.ok()) {
    Response r = ErrorResponse(file.status(), request.path);
    AddConsoleHeaders(r);
    return r;
  }
  const std::string identity_tag = "\"" + file->sha256 + "\"";
  const std::string gzip_tag = "\"" + file->sha256 + "-gzip\"";
  std::optional<std::string_view> accept = request.headers.Get("Accept-Encoding");
  const bool gzip = !file->gzip.empty() && accept && AcceptsGzip(*accept);
  Response r;
  r.headers.Set("ETag", gzip ? gzip_tag : identity_tag);
  r.headers.Set("Cache-Control", "no-cache");
  r.headers.Set("Vary", "Accept-Encoding");
  AddConsoleHeaders(r);
  std::optional<std::string_view> none_match = request.headers.Get("If-None-Match");
  if (none_match && NoneMatchHits(*none_match, {identity_tag, gzip_tag})) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.content_type = std::move(file->content_type);
  if (gzip) {
    r.headers.Set("Content-Encoding", "gzip");
    r.body = std::move(file->gzip);
  } else {
    r.body = std::move(file->body);
  }
  return r;
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  std::optional<double> gzip, any;
  ForEachItem(accept_encoding, [&](std::string_view item) {
    size_t semi = item.find(';');
    std::string_view coding = TrimOws(item.substr(0, semi));
    double q = semi == std::string_view::npos ? 1 : Quality(item.substr(semi + 1));
    if (EqualsIgnoreCase(coding, "gzip") || EqualsIgnoreCase(coding, "x-gzip")) gzip = q;
    if (coding == "*") any = q;
  });
  if (gzip) return *gzip > 0;
  return any && *any > 0;
}

bool NoneMatchHits(std::string_view if_none_match, std::initializer_list<std::string_view> etags) {
  bool hit = false;
  ForEachItem(if_none_match, [&](std::string_view tag) {
    if (tag == "*") hit = true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    for (std::string_view e : etags) hit = hit || tag == e;
  });
  return hit;
}

ledger::Status RegisterConsoleRoutes(Router& router, const ConsoleOptions& options) {
  if (!options.enabled) return ledger::Status::Ok();
  std::shared_ptr<const ConsoleFiles> files;
  if (options.directory.empty()) {
    files = std::make_shared<EmbeddedConsole>();
  } else {
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryConsole> dir,
                            DirectoryConsole::Open(options.directory));
    files = std::move(dir);
  }
  // Static files: no token, any Accept (a browser asks for text/html, */*, ...).
  const RouteOptions open{.authenticated = false, .any_accept = true};
  auto redirect = [](const RequestContext&) -> ledger::Result<Response> { return Redirect(); };
  LEDGER_RETURN_IF_ERROR(router.Add("GET", "/", open, redirect));
  LEDGER_RETURN_IF_ERROR(router.Add("GET", "/ui", open, redirect));
  return router.Add("GET", "/ui/{path*}", open,
                    [files](const RequestContext& ctx) -> ledger::Result<Response> {
                      return Serve(*files, ctx.request(), std::string(ctx.Param("path")));
                    });
}

}  // namespace api
