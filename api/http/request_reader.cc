#include "api/http/request_reader.h"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
// GCC 12 with -fsanitize=address,undefined (LEDGER_SANITIZE) reports a false "may be used
// uninitialized" inside Beast's parser (a boost::optional in do_field) for a parser on the stack;
// with LEDGER_WERROR that would stop the sanitizer build. The parser's own code, not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http/parser.hpp>
#pragma GCC diagnostic pop
#include <boost/url/parse.hpp>
#include <cstdint>
#include <exception>
#include <limits>
#include <vector>

#include "ledger/log/validation.h"

namespace api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using ledger::FieldError;
using ledger::Status;

Status Refused(std::vector<FieldError> errors) {
  std::string message = errors.size() == 1
                            ? errors[0].message
                            : std::to_string(errors.size()) + " problems with the request header";
  return Status::WithErrors(ledger::Code::kInvalidArgument, std::move(message), std::move(errors));
}

Status BadTarget(std::string what) {
  return Status::WithErrors(ledger::Code::kInvalidArgument, what, {{"target", "uri", what}});
}

// The name of the header field on the line that starts at `line` ("" for the request line).
std::string_view FieldNameAt(std::string_view bytes, size_t line) {
  std::string_view rest = bytes.substr(line);
  std::string_view first = rest.substr(0, rest.find("\r\n"));
  size_t colon = first.find(':');
  if (colon == std::string_view::npos || first.find(' ') < colon) return {};
  return first.substr(0, colon);
}

// Beast's parse error as the reader reports it (the server maps the same errors in FailRead).
Status ParseError(beast::error_code ec, const RequestLimits& limits) {
  if (ec == http::error::header_limit) {
    return Status::ResourceExhausted("the request header exceeds " +
                                     std::to_string(limits.max_header_bytes) + " bytes");
  }
  if (ec == http::error::body_limit) {
    return Status::ResourceExhausted("the request body exceeds " +
                                     std::to_string(limits.max_body_bytes) + " bytes");
  }
  return Status::InvalidArgument("malformed HTTP request: " + ec.message());
}

ledger::Result<Request> ReadRequestOrThrow(std::string_view wire, const RequestLimits& limits) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<uint32_t>(
      std::min<size_t>(limits.max_header_bytes, std::numeric_limits<uint32_t>::max())));
  parser.body_limit(limits.max_body_bytes);
  LEDGER_RETURN_IF_ERROR(CheckHeaderLines(wire));
  beast::error_code ec;
  size_t used = parser.put(boost::asio::buffer(wire.data(), wire.size()), ec);
  if (ec && ec != http::error::need_more) return ParseError(ec, limits);
  if (!parser.is_header_done()) return Status::InvalidArgument("the request header is incomplete");
  LEDGER_RETURN_IF_ERROR(CheckHeaderFields(parser.get()));
  wire.remove_prefix(used);
  if (!parser.is_done()) {
    parser.eager(true);
    parser.put(boost::asio::buffer(wire.data(), wire.size()), ec);
    if (ec && ec != http::error::need_more) return ParseError(ec, limits);
    if (!parser.is_done()) return Status::InvalidArgument("the request body is incomplete");
  }
  return ToRequest(parser.get(), "");
}

}  // namespace

ledger::Result<Request> ReadRequest(std::string_view wire_bytes, const RequestLimits& limits) {
  // The boundary a fuzzer calls: nothing may escape it. Beast and Boost.URL report errors as
  // values; what can still throw is an allocation.
  try {
    return ReadRequestOrThrow(wire_bytes, limits);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("reading the request failed: ") + e.what());
  }
}

ledger::Status CheckHeaderLines(std::string_view pending) {
  // The first line is the request line or a field the parser has not taken yet; a fold is a
  // later line that starts with whitespace and continues a field line.
  if (pending.starts_with("\r\n")) return Status::Ok();  // only the header's end is left
  size_t previous = 0;
  size_t line = pending.find('\n');
  while (line != std::string_view::npos) {
    ++line;
    if (pending.substr(line).starts_with("\r\n")) return Status::Ok();  // the header ends
    if (line < pending.size() && (pending[line] == ' ' || pending[line] == '\t')) {
      std::string_view name = FieldNameAt(pending, previous);
      // Whitespace after the request line is not a fold: the parser refuses it as a bad field.
      if (!name.empty()) {
        return Refused({{std::string(name), "obs_fold",
                         "the " + std::string(name) +
                             " header is folded onto the next line (obsolete line folding)"}});
      }
    } else {
      previous = line;
    }
    line = pending.find('\n', line);
  }
  return Status::Ok();
}

ledger::Status CheckHeaderFields(const BeastRequest& header) {
  std::vector<FieldError> errors;
  for (std::string_view name : kSingletonFields) {
    size_t count = 0;
    for (const auto& field : header) count += beast::iequals(field.name_string(), name) ? 1 : 0;
    if (count > 1) {
      errors.push_back({std::string(name), "duplicate_header",
                        "the " + std::string(name) + " header appears " + std::to_string(count) +
                            " times; it may appear once"});
    }
  }
  // A list in one line means the same as repeated lines (RFC 9110, section 5.3); Beast accepts
  // "2, 2" as 2.
  if (header[http::field::content_length].find(',') != std::string_view::npos) {
    errors.push_back(
        {"Content-Length", "duplicate_header", "Content-Length must be one number, not a list"});
  }
  bool chunked = true;
  for (const auto& field : header) {
    if (field.name() == http::field::transfer_encoding)
      chunked = chunked && beast::iequals(field.value(), "chunked");
  }
  if (header.count(http::field::transfer_encoding) > 0) {
    if (header.count(http::field::content_length) > 0) {
      errors.push_back({"Transfer-Encoding", "framing",
                        "a request may carry Transfer-Encoding or Content-Length, not both"});
    }
    if (!chunked) {
      errors.push_back({"Transfer-Encoding", "transfer_encoding",
                        "the only transfer coding accepted is 'Transfer-Encoding: chunked'"});
    }
    if (header.version() < 11) {
      errors.push_back({"Transfer-Encoding", "transfer_encoding",
                        "an HTTP/1.0 request may not use Transfer-Encoding"});
    }
  }
  if (errors.empty()) return Status::Ok();
  return Refused(std::move(errors));
}

ledger::Result<Request> ToRequest(BeastRequest& message, std::string remote_address) {
  Request r;
  r.method = std::string(message.method_string());
  r.target = std::string(message.target());
  auto url = boost::urls::parse_origin_form(r.target);
  if (!url) return BadTarget("the request target is not a valid origin-form URI");
  r.path = std::string(url->encoded_path());
  for (std::string segment : url->segments()) r.segments.push_back(std::move(segment));
  for (auto param : url->params()) {
    if (!ledger::IsValidUtf8(param.key) || !ledger::IsValidUtf8(param.value)) {
      std::string field = ledger::IsValidUtf8(param.key) ? param.key : "query";
      std::string text = "query parameter '" + field + "' is not valid UTF-8";
      return Status::WithErrors(ledger::Code::kInvalidArgument, text, {{field, "utf8", text}});
    }
    r.query.emplace_back(std::move(param.key), std::move(param.value));
  }
  for (const auto& field : message)
    r.headers.Add(std::string(field.name_string()), std::string(field.value()));
  r.body = std::move(message.body());
  r.remote_address = std::move(remote_address);
  return r;
}

}  // namespace api
