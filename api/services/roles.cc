#include "api/services/roles.h"

#include <array>

namespace api {
namespace {

constexpr std::array<std::string_view, kRoleCount> kNames = {
    "intake",    "cs_agent", "cs_head", "handler", "dept_head",
    "deputy_gm", "gm",       "auditor", "reader",  "admin",
};

}  // namespace

std::string_view RoleName(Role role) { return kNames[static_cast<size_t>(role)]; }

std::optional<Role> ParseRole(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> roles = [] {
    std::vector<Role> v;
    for (int i = 0; i < kRoleCount; ++i) v.push_back(static_cast<Role>(i));
    return v;
  }();
  return roles;
}

std::string RoleSet::ToString() const {
  std::string out;
  for (Role r : AllRoles()) {
    if (!Has(r)) continue;
    if (!out.empty()) out += ", ";
    out += RoleName(r);
  }
  return out;
}

}  // namespace api
