#include "api/http/problem.h"

#include <boost/json.hpp>

namespace api {
namespace {

std::string_view TitleFor(ledger::Code code) {
  switch (code) {
    case ledger::Code::kOk:
      return "OK";
    case ledger::Code::kInvalidArgument:
      return "Invalid argument";
    case ledger::Code::kFailedPrecondition:
      return "Refused by a policy rule";
    case ledger::Code::kAborted:
      return "Version conflict";
    case ledger::Code::kNotFound:
      return "Not found";
    case ledger::Code::kAlreadyExists:
      return "Already exists";
    case ledger::Code::kUnauthenticated:
      return "Authentication required";
    case ledger::Code::kPermissionDenied:
      return "Permission denied";
    case ledger::Code::kResourceExhausted:
      return "Too many requests";
    case ledger::Code::kUnavailable:
      return "Unavailable";
    case ledger::Code::kDataLoss:
      return "Data loss";
    case ledger::Code::kInternal:
      return "Internal error";
  }
  return "Internal error";
}

std::string_view TitleForName(std::string_view name) {
  if (name == kNoRoute) return "No such resource";
  if (name == kMethodNotAllowed) return "Method not allowed";
  if (name == kNotAcceptable) return "Not acceptable";
  if (name == kRequestTimeout) return "Request timeout";
  if (name == kPayloadTooLarge) return "Request body too large";
  if (name == kHeadersTooLarge) return "Request header too large";
  if (name == kRateLimited) return "Rate limit exceeded";
  if (name == kBadRequest) return "Malformed request";
  if (name == kOverloaded) return "Server overloaded";
  if (name == kShuttingDown) return "Server shutting down";
  return ReasonPhrase(0);
}

// The length of `c` inside a JSON string as Boost.JSON writes it.
size_t EscapedLength(unsigned char c) {
  if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t')
    return 2;
  return c < 0x20 ? 6 : 1;  // other controls become \u00XX
}

size_t EscapedLength(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += EscapedLength(static_cast<unsigned char>(c));
  return n;
}

// `s`, or its longest prefix that with "..." stays within `max` bytes of JSON text. The cut never
// splits a UTF-8 sequence. Input echoed into a problem (keys, paths, header values) is cut here:
// without it a 64 KiB body of unknown keys came back as a 576 KiB problem.
std::string Clip(std::string_view s, size_t max) {
  if (EscapedLength(s) <= max) return std::string(s);
  constexpr std::string_view kEllipsis = "...";
  size_t used = 0, end = 0;
  while (end < s.size()) {
    size_t len = EscapedLength(static_cast<unsigned char>(s[end]));
    if (used + len + kEllipsis.size() > max) break;
    used += len;
    ++end;
  }
  while (end > 0 && end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end)) + std::string(kEllipsis);
}

}  // namespace

unsigned HttpStatusFor(ledger::Code code) {
  switch (code) {
    case ledger::Code::kOk:
      return 200;
    case ledger::Code::kInvalidArgument:
      return 400;
    case ledger::Code::kUnauthenticated:
      return 401;
    case ledger::Code::kPermissionDenied:
      return 403;
    case ledger::Code::kNotFound:
      return 404;
    case ledger::Code::kAborted:
      return 409;
    case ledger::Code::kAlreadyExists:
      return 409;
    case ledger::Code::kFailedPrecondition:
      return 422;
    case ledger::Code::kResourceExhausted:
      return 429;
    case ledger::Code::kUnavailable:
      return 503;
    case ledger::Code::kDataLoss:
      return 500;
    case ledger::Code::kInternal:
      return 500;
  }
  return 500;
}

Problem ProblemFromStatus(const ledger::Status& status, std::string_view instance) {
  ledger::Code code = status.ok() ? ledger::Code::kInternal : status.code();
  Problem p;
  p.status = HttpStatusFor(code);
  p.type = std::string(kProblemTypePrefix) + std::string(ledger::CodeName(code));
  p.title = std::string(TitleFor(code));
  p.detail = status.ok() ? "a handler reported success as an error" : status.message();
  p.instance = std::string(instance);
  if (!status.ok()) p.errors = status.errors();
  return p;
}

Problem MakeProblem(unsigned http_status, std::string_view name, std::string detail,
                    std::string_view instance) {
  Problem p;
  p.status = http_status;
  p.type = std::string(kProblemTypePrefix) + std::string(name);
  p.title = std::string(TitleForName(name));
  p.detail = std::move(detail);
  p.instance = std::string(instance);
  return p;
}

std::string ProblemJson(const Problem& problem) {
  // {"field":"","rule":"","message":""} and a comma around each listed error's three texts.
  constexpr size_t kErrorOverhead = 36;
  boost::json::array errors;
  size_t errors_bytes = 0;
  for (const ledger::FieldError& e : problem.errors) {
    if (errors.size() == kMaxProblemErrors) break;
    std::string field = Clip(e.field, kMaxProblemFieldBytes);
    std::string rule = Clip(e.rule, kMaxProblemRuleBytes);
    std::string message = Clip(e.message, kMaxProblemMessageBytes);
    size_t bytes =
        kErrorOverhead + EscapedLength(field) + EscapedLength(rule) + EscapedLength(message);
    if (errors_bytes + bytes > kMaxProblemErrorsBytes) break;
    errors_bytes += bytes;
    errors.push_back(boost::json::object{
        {"field", std::move(field)}, {"rule", std::move(rule)}, {"message", std::move(message)}});
  }
  size_t omitted = problem.errors.size() - errors.size();
  std::string detail = Clip(problem.detail, kMaxProblemDetailBytes);
  if (omitted > 0) {
    detail += " (" + std::to_string(errors.size()) + " errors listed, " + std::to_string(omitted) +
              " more omitted)";
  }

  boost::json::object o;
  o["type"] = problem.type;
  o["title"] = problem.title;
  o["status"] = problem.status;
  o["detail"] = std::move(detail);
  if (!problem.instance.empty()) o["instance"] = Clip(problem.instance, kMaxProblemInstanceBytes);
  if (!errors.empty()) o["errors"] = std::move(errors);
  if (omitted > 0) o["errors_omitted"] = omitted;
  return boost::json::serialize(o);
}

Response ProblemResponse(const Problem& problem) {
  Response r = Response::Text(problem.status, std::string(kProblemJsonType), ProblemJson(problem));
  if (problem.status == 401) r.headers.Set("WWW-Authenticate", R"(Bearer realm="ledger")");
  return r;
}

Response ErrorResponse(const ledger::Status& status, std::string_view instance) {
  return ProblemResponse(ProblemFromStatus(status, instance));
}

}  // namespace api
