#include "api/http/router.h"

#include <algorithm>
#include <set>

#include "ledger/log/validation.h"

namespace api {
namespace {

using ledger::Status;

Status BadPattern(const std::string& pattern, const std::string& why) {
  return Status::InvalidArgument("route pattern '" + pattern + "': " + why);
}

bool IsParamName(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

ledger::Result<std::vector<Route::Segment>> ParsePattern(const std::string& pattern) {
  if (pattern.empty() || pattern.front() != '/') return BadPattern(pattern, "must start with '/'");
  std::vector<Route::Segment> out;
  if (pattern == "/") return out;  // the root: no segment
  std::set<std::string> names;
  size_t start = 1;
  while (start <= pattern.size()) {
    size_t slash = pattern.find('/', start);
    if (slash == std::string::npos) slash = pattern.size();
    std::string seg = pattern.substr(start, slash - start);
    if (seg.empty()) return BadPattern(pattern, "empty segment");
    if (!out.empty() && out.back().is_rest)
      return BadPattern(pattern, "{" + out.back().text + "*} must be the last segment");
    if (seg.front() == '{') {
      const bool rest = seg.size() > 3 && seg.ends_with("*}");
      std::string name = seg.substr(1, seg.size() - (rest ? 3 : 2));
      if (seg.back() != '}' || !IsParamName(name))
        return BadPattern(pattern, "parameter '" + seg + "' must be {lower_case} or {lower_case*}");
      if (!names.insert(name).second) return BadPattern(pattern, "parameter '" + name + "' twice");
      out.push_back({name, true, rest});
    } else {
      if (seg.find_first_of("{}%?#") != std::string::npos)
        return BadPattern(pattern, "literal '" + seg + "' has a reserved character");
      out.push_back({seg, false});
    }
    start = slash + 1;
  }
  return out;
}

bool PathMatches(const Route& r, const std::vector<std::string>& segments) {
  const bool rest = !r.segments.empty() && r.segments.back().is_rest;
  if (rest ? segments.size() < r.segments.size() : r.segments.size() != segments.size())
    return false;
  for (size_t i = 0; i < r.segments.size(); ++i) {
    if (!r.segments[i].is_param && r.segments[i].text != segments[i]) return false;
  }
  return true;
}

// The value of a {name*} parameter: segments[from..] joined with '/', each checked (the last may
// be empty: a path ending in '/').
ledger::Result<std::string> RestValue(const std::string& name,
                                      const std::vector<std::string>& segments, size_t from) {
  std::string value;
  for (size_t i = from; i < segments.size(); ++i) {
    if (i > from) value += '/';
    if (i + 1 == segments.size() && segments[i].empty()) break;
    LEDGER_RETURN_IF_ERROR(CheckPathParameter(name, segments[i]));
    value += segments[i];
  }
  return value;
}

// True when `a` is more specific than `b`: at the first segment where they differ in kind, `a`
// has the literal.
bool MoreSpecific(const Route& a, const Route& b) {
  for (size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
  }
  return false;
}

}  // namespace

Status CheckPathParameter(std::string_view name, std::string_view value) {
  auto invalid = [&](const std::string& why) {
    std::string message = "path parameter '" + std::string(name) + "' " + why;
    return Status::WithErrors(ledger::Code::kInvalidArgument, message,
                              {{std::string(name), "path_parameter", message}});
  };
  if (value.empty() || value.size() > 256) return invalid("must be 1 to 256 bytes");
  if (value == "." || value == "..") return invalid("must not be a dot segment");
  if (!ledger::IsValidUtf8(value)) return invalid("is not valid UTF-8");
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\') return invalid("must not contain '/' or '\\'");
    if (u < 0x20 || u == 0x7f) return invalid("must not contain control characters");
  }
  return Status::Ok();
}

Status Router::AddAsync(std::string method, std::string pattern, RouteOptions options,
                        AsyncHandler handler) {
  if (method.empty()) return Status::InvalidArgument("route method is empty");
  LEDGER_ASSIGN_OR_RETURN(std::vector<Route::Segment> segments, ParsePattern(pattern));
  if (options.resource) {
    // One source of truth: a route with a resource takes its roles from the table.
    if (!options.roles.empty()) return BadPattern(pattern, "give a resource or roles, not both");
    options.roles = RolesFor(*options.resource);
  }
  if (Has(method, pattern))
    return Status::AlreadyExists("route " + method + " " + pattern + " is already registered");
  auto route = std::make_unique<Route>();
  route->method = std::move(method);
  route->pattern = std::move(pattern);
  route->options = options;
  route->handler = std::move(handler);
  route->segments = std::move(segments);
  routes_.push_back(std::move(route));
  return Status::Ok();
}

Status Router::Add(std::string method, std::string pattern, RouteOptions options,
                   SyncHandler handler) {
  return AddAsync(
      std::move(method), std::move(pattern), options,
      [handler = std::move(handler)](std::shared_ptr<const RequestContext> ctx,
                                     Responder responder) { responder.Reply(handler(*ctx)); });
}

bool Router::Has(std::string_view method, std::string_view pattern) const {
  return std::any_of(routes_.begin(), routes_.end(), [&](const std::unique_ptr<Route>& r) {
    return r->method == method && r->pattern == pattern;
  });
}

RouteLookup Router::Find(std::string_view method, const std::vector<std::string>& segments) const {
  RouteLookup out;
  const Route* best = nullptr;
  std::vector<std::string> allowed;
  for (const std::unique_ptr<Route>& r : routes_) {
    if (!PathMatches(*r, segments)) continue;
    if (std::find(allowed.begin(), allowed.end(), r->method) == allowed.end())
      allowed.push_back(r->method);
    if (r->method != method) continue;
    if (best == nullptr || MoreSpecific(*r, *best)) best = r.get();
  }
  if (best == nullptr) {
    if (allowed.empty()) return out;
    out.kind = RouteLookup::Kind::kMethodNotAllowed;
    std::sort(allowed.begin(), allowed.end());
    for (const std::string& m : allowed) out.allow += (out.allow.empty() ? "" : ", ") + m;
    return out;
  }
  for (size_t i = 0; i < best->segments.size(); ++i) {
    const Route::Segment& seg = best->segments[i];
    if (!seg.is_param) continue;
    ledger::Result<std::string> value =
        seg.is_rest ? RestValue(seg.text, segments, i) : ledger::Result<std::string>(segments[i]);
    Status s = !value.ok()   ? value.status()
               : seg.is_rest ? Status::Ok()
                             : CheckPathParameter(seg.text, *value);
    if (!s.ok()) {
      out.kind = RouteLookup::Kind::kBadParameter;
      out.error = s;
      return out;
    }
    out.params.emplace_back(seg.text, std::move(value).value());
  }
  out.kind = RouteLookup::Kind::kFound;
  out.route = best;
  return out;
}

}  // namespace api
