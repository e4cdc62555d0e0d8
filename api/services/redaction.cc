#include "api/services/redaction.h"

#include <boost/json.hpp>
#include <vector>

#include "api/services/authorization.h"

namespace api {
namespace {

void RedactAt(boost::json::value& v, std::span<const std::string_view> segments) {
  if (segments.empty()) {
    if (!v.is_null()) v = kRedacted;
    return;
  }
  std::string_view head = segments.front();
  auto rest = segments.subspan(1);
  if (head == "*") {
    if (auto* a = v.if_array()) {
      for (boost::json::value& e : *a) RedactAt(e, rest);
    } else if (auto* o = v.if_object()) {
      for (auto& kv : *o) RedactAt(kv.value(), rest);
    }
    return;
  }
  if (auto* o = v.if_object()) {
    if (boost::json::value* child = o->if_contains(head)) RedactAt(*child, rest);
  }
}

}  // namespace

void RedactPaths(boost::json::value& document, std::span<const std::string_view> paths) {
  for (std::string_view path : paths) {
    std::vector<std::string_view> segments;
    size_t start = 0;
    while (start <= path.size()) {
      size_t dot = path.find('.', start);
      if (dot == std::string_view::npos) dot = path.size();
      segments.push_back(path.substr(start, dot - start));
      start = dot + 1;
    }
    RedactAt(document, segments);
  }
}

void RedactPersonalData(const Principal* who, boost::json::value& document,
                        std::span<const std::string_view> paths) {
  if (SeesPersonalData(who)) return;
  RedactPaths(document, paths);
}

}  // namespace api
