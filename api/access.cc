#include "api/access.h"

#include <algorithm>
#include <boost/json.hpp>

namespace api {
namespace {

bool Same(std::string_view a, std::string_view b) { return !a.empty() && a == b; }

bool DepartmentHolds(std::string_view department, const ComplaintHolders& c) {
  if (Same(department, c.receiving_department) || Same(department, c.responsible_department))
    return true;
  return std::any_of(c.cooperating_departments.begin(), c.cooperating_departments.end(),
                     [&](std::string_view d) { return Same(department, d); });
}

bool MayRead(const Principal& who, const ComplaintHolders& c) {
  const std::string& department = who.actor.department;
  switch (who.role) {
    case Role::kCsAgent:
    case Role::kCsHead:
    case Role::kDeputyGm:
    case Role::kGm:
    case Role::kAuditor:
    case Role::kReader:
      return true;
    case Role::kDeptHead:
      return DepartmentHolds(department, c);
    case Role::kHandler:
      return Same(who.actor.id, c.handler) || Same(department, c.responsible_department) ||
             std::any_of(c.cooperating_departments.begin(), c.cooperating_departments.end(),
                         [&](std::string_view d) { return Same(department, d); });
    case Role::kIntake:
      return Same(department, c.receiving_department);
    case Role::kAdmin:
      return false;
  }
  return false;
}

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

ledger::Status CheckCanReadComplaint(const Principal& who, const ComplaintHolders& complaint) {
  if (MayRead(who, complaint)) return ledger::Status::Ok();
  return ledger::Status::PermissionDenied(
      "actor '" + who.actor.id + "' (" + std::string(RoleName(who.role)) +
      (who.actor.department.empty() ? "" : ", " + who.actor.department) +
      ") may not read complaint '" + std::string(complaint.id) + "'");
}

bool SeesPersonalData(const Principal& who) {
  return who.role != Role::kReader && who.role != Role::kAdmin;
}

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
  if (who != nullptr && SeesPersonalData(*who)) return;
  RedactPaths(document, paths);
}

}  // namespace api
