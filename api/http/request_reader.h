// The request reader: what the server accepts as one HTTP/1.1 request — Beast's parser plus the
// checks Beast leaves out — and the Request (http_types.h) it becomes. ReadRequest runs every
// step on a string of bytes, without sockets (for tests and fuzzing); the server's Connection
// runs the same steps, in the same order, as bytes arrive (connection.cc), so the two cannot
// disagree about what is refused:
//
//   1. CheckHeaderLines on the header bytes before the parser sees them
//   2. Beast's parser (malformed HTTP, header and body limits)
//   3. CheckHeaderFields once the header is parsed, before any of the body is read
//   4. the body (Beast)
//   5. ToRequest: the target split and decoded, the query checked
//
// Steps 1 and 3 refuse, each as InvalidArgument with one field error per problem (the field is
// the header's name); the server answers 400 bad_request listing them and closes the connection:
//   obs_fold           a header line folded onto the next one (a line starting with SP or HTAB):
//                      Beast would join them silently, so a folded Authorization still counted
//   duplicate_header   a field that must appear once (kSingletonFields) appears more than once,
//                      also as a list in one line ("Content-Length: 2, 2")
//   transfer_encoding  a Transfer-Encoding other than exactly "chunked" (any case), or any in an
//                      HTTP/1.0 request: Beast reads "gzip, chunked" as chunked and "gzip" as no
//                      body, which leaves a body to be read as the next request (smuggling)
//   framing            Transfer-Encoding together with Content-Length (Beast refuses most of
//                      these itself; this catches the rest, e.g. "identity")
// docs/api.md ("Errors") lists them for clients.
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <array>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "api/http/http_types.h"
#include "ledger/base/status.h"

namespace api {

// A request as Beast's parser holds it.
using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

struct RequestLimits {
  size_t max_header_bytes = 16 * 1024;  // request line and header fields (ServerOptions)
  size_t max_body_bytes = 64 * 1024;
};

// Header fields a request may carry at most once.
inline constexpr std::array<std::string_view, 6> kSingletonFields = {
    "Authorization", "Content-Length",    "Content-Type",
    "Host",          "Transfer-Encoding", "Last-Event-ID"};

// Parses the one request at the start of `wire_bytes` through steps 1-5; bytes after its end are
// ignored (a pipelined next request). The Request's remote_address is empty. Errors:
// InvalidArgument for malformed HTTP, a refusal above, a bad target or query (as the server's
// 400s), or a request that is not complete; ResourceExhausted for a header or body beyond
// `limits` (the server's 431 and 413). Never throws: an exception from below (allocation)
// becomes Internal.
ledger::Result<Request> ReadRequest(std::string_view wire_bytes, const RequestLimits& limits);

// Step 1. `pending` holds header bytes not yet given to the parser, starting at the start of a
// line (where the parser stopped); checking stops at the empty line that ends the header, so body
// bytes after it are never looked at. Beast does not consume a field until the line after it has
// begun, so a fold is always inside `pending` when the parser is about to unfold it.
ledger::Status CheckHeaderLines(std::string_view pending);

// Step 3, on a parsed header (the body not read yet).
ledger::Status CheckHeaderFields(const BeastRequest& header);

// Step 5: the server's view of a complete parsed request; moves the body out of `message`.
ledger::Result<Request> ToRequest(BeastRequest& message, std::string remote_address);

}  // namespace api
