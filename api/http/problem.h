// Problem details (RFC 9457): the one shape of every error the API returns, and the one mapping
// from ledger::Code to an HTTP status.
//
//   {"type": "urn:ledger:problem:invalid_argument", "title": "Invalid argument", "status": 400,
//    "detail": "...", "instance": "/v1/complaints",
//    "errors": [{"field": "complainant.phone", "rule": "required", "message": "..."}]}
//
// `type` is "urn:ledger:problem:" followed by the code's name (ledger::CodeName) for errors that
// come from a Status, or by one of the server's own names (kNoRoute, kPayloadTooLarge, ...) for
// errors the HTTP layer raises before a handler runs. docs/api.md lists them all. `errors` is
// present only when the Status carries field errors. Errors are always problem+json, also for
// clients that asked for application/x-capnp.
//
// A problem document is bounded whatever the input echoed into it (kMaxProblemBytes): at most
// kMaxProblemErrors field errors and kMaxProblemErrorsBytes of them are listed, the rest are
// counted in "errors_omitted" and the detail says how many; each echoed text is cut (with "...")
// to its limit, measured as JSON text (escapes included) and at a UTF-8 character boundary.
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_types.h"
#include "ledger/base/status.h"

namespace api {

// The HTTP status for `code`: InvalidArgument 400, Unauthenticated 401, PermissionDenied 403,
// NotFound 404, Aborted 409, AlreadyExists 409, FailedPrecondition 422, ResourceExhausted 429,
// Unavailable 503, DataLoss 500, Internal 500 (and kOk 200). The server's own 413 for an
// oversized body is raised by the HTTP layer, not through this mapping.
unsigned HttpStatusFor(ledger::Code code);

// Names of the problems the HTTP layer raises itself (the part after "urn:ledger:problem:").
inline constexpr std::string_view kNoRoute = "no_route";                     // 404
inline constexpr std::string_view kMethodNotAllowed = "method_not_allowed";  // 405 (+ Allow)
inline constexpr std::string_view kNotAcceptable = "not_acceptable";         // 406
inline constexpr std::string_view kRequestTimeout = "request_timeout";       // 408
inline constexpr std::string_view kPayloadTooLarge = "payload_too_large";    // 413
inline constexpr std::string_view kHeadersTooLarge = "headers_too_large";    // 431
inline constexpr std::string_view kRateLimited = "rate_limited";             // 429 (+ Retry-After)
inline constexpr std::string_view kBadRequest = "bad_request";               // 400 (malformed HTTP)
inline constexpr std::string_view kOverloaded = "overloaded";                // 503 (connection cap)
inline constexpr std::string_view kShuttingDown = "shutting_down";           // 503

inline constexpr std::string_view kProblemTypePrefix = "urn:ledger:problem:";

// Bounds of a problem document's JSON text (see above).
inline constexpr size_t kMaxProblemBytes = 8 * 1024;        // the whole document, always below
inline constexpr size_t kMaxProblemErrors = 20;             // field errors listed
inline constexpr size_t kMaxProblemErrorsBytes = 6 * 1024;  // ... and their JSON text at most
inline constexpr size_t kMaxProblemFieldBytes = 120;        // one error's field
inline constexpr size_t kMaxProblemRuleBytes = 64;          // one error's rule
inline constexpr size_t kMaxProblemMessageBytes = 300;      // one error's message
inline constexpr size_t kMaxProblemDetailBytes = 600;       // the detail (before the omitted note)
inline constexpr size_t kMaxProblemInstanceBytes = 300;     // the instance (a request path)

struct Problem {
  unsigned status = 500;
  std::string type;      // full URI, kProblemTypePrefix + name
  std::string title;     // short, the same for every problem of this type
  std::string detail;    // this occurrence, for people
  std::string instance;  // the request path (no query), or empty
  std::vector<ledger::FieldError> errors;
};

// The problem for a non-OK status (an OK status is treated as kInternal: a bug).
Problem ProblemFromStatus(const ledger::Status& status, std::string_view instance = {});

// One of the HTTP layer's own problems: `name` is one of the k* names above.
Problem MakeProblem(unsigned http_status, std::string_view name, std::string detail,
                    std::string_view instance = {});

// The problem as an application/problem+json response. A 401 also gets
// `WWW-Authenticate: Bearer realm="ledger"` (RFC 6750); the auth layer replaces it with
// error="invalid_token" when a token was given but is not valid.
Response ProblemResponse(const Problem& problem);
Response ErrorResponse(const ledger::Status& status, std::string_view instance = {});

// The JSON text of the problem document, bounded as described above. Every problem the API
// sends is rendered here.
std::string ProblemJson(const Problem& problem);

}  // namespace api
