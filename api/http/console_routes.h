// The web console's routes: its static files, without a token (they hold no data; the console
// asks the API for everything with the token its user gives it).
//
//   GET /             302 to /ui/
//   GET /ui           302 to /ui/
//   GET /ui/          index.html
//   GET /ui/{path*}   the file at exactly that path (console_files.h), else 404 (problem
//                     "not_found"); "..", an empty segment or an encoded '/' are 400 (router.h)
//
// Each file carries a strong ETag (its SHA-256; "-gzip" appended for the gzip coding) and
// `Cache-Control: no-cache`, so a browser revalidates and gets 304 for If-None-Match; gzip when
// Accept-Encoding allows it and a compressed copy exists, with `Vary: Accept-Encoding` either
// way. Every answer of these routes carries the console's security headers (kConsoleHeaders: a
// Content-Security-Policy that allows only the console's own scripts, no framing, no referrer).
// docs/api.md ("The web console") describes them.
//
// Thread-safety: registration happens before the server starts; handlers run on worker threads
// and read files through ConsoleFiles, which is thread-safe.
#pragma once

#include <array>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "api/http/router.h"

namespace api {

struct ConsoleOptions {
  // False: no console routes at all (`--no-ui`): /, /ui and /ui/... are 404.
  bool enabled = true;
  // Not empty: serve this directory from disk instead of the embedded copy (`--ui-dir`, for
  // development: changes show on reload).
  std::string directory;
};

// The Content-Security-Policy of the console. Scripts and styles only from the server itself,
// plus the one constant <style> element Observable Plot 0.6.17 injects (its SHA-256); no inline
// script, no eval, Trusted Types required with no policy (so no HTML sink takes a string).
inline constexpr std::string_view kConsoleContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; "
    "style-src 'self' 'sha256-jSYQUrW7J0b3jPqhZP9C2Xh1PyJKHKXd4s0fpGGKrww='; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'; require-trusted-types-for 'script'; "
    "trusted-types 'none'";

// The headers on every answer of the console's routes.
inline constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kConsoleHeaders = {{
    {"Content-Security-Policy", kConsoleContentSecurityPolicy},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
    {"X-Frame-Options", "DENY"},
}};

// Registers the routes above (nothing when !options.enabled). InvalidArgument when
// options.directory is given and is not a directory.
ledger::Status RegisterConsoleRoutes(Router& router, const ConsoleOptions& options);

// Whether an Accept-Encoding header accepts gzip (q > 0 for "gzip", "x-gzip" or "*").
bool AcceptsGzip(std::string_view accept_encoding);

// Whether an If-None-Match header matches any of `etags` ("*", or one of its entity tags,
// compared weakly: W/ is ignored).
bool NoneMatchHits(std::string_view if_none_match, std::initializer_list<std::string_view> etags);

}  // namespace api
