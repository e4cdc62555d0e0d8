#include "api/services/roles.h"

#include "ledger/domain/vocabulary.h"

namespace api {
namespace {

using ledger::domain::kRoleCodes;

// Role numbers the domain's role vocabulary in order: the names are the vocabulary's codes.
static_assert(kRoleCodes.size() == kRoleCount);
static_assert(kRoleCodes[static_cast<size_t>(Role::kIntake)].code == "intake" &&
              kRoleCodes[static_cast<size_t>(Role::kCsAgent)].code == "cs_agent" &&
              kRoleCodes[static_cast<size_t>(Role::kCsHead)].code == "cs_head" &&
              kRoleCodes[static_cast<size_t>(Role::kHandler)].code == "handler" &&
              kRoleCodes[static_cast<size_t>(Role::kDeptHead)].code == "dept_head" &&
              kRoleCodes[static_cast<size_t>(Role::kDeputyGm)].code == "deputy_gm" &&
              kRoleCodes[static_cast<size_t>(Role::kGm)].code == "gm" &&
              kRoleCodes[static_cast<size_t>(Role::kAuditor)].code == "auditor" &&
              kRoleCodes[static_cast<size_t>(Role::kReader)].code == "reader" &&
              kRoleCodes[static_cast<size_t>(Role::kAdmin)].code == "admin" &&
              kRoleCodes[static_cast<size_t>(Role::kDataProtection)].code == "data_protection");

}  // namespace

std::string_view RoleName(Role role) { return kRoleCodes[static_cast<size_t>(role)].code; }

std::optional<Role> ParseRole(std::string_view name) {
  int i = ledger::domain::CodeIndex(ledger::domain::Vocab::kRole, name);
  if (i < 0) return std::nullopt;
  return static_cast<Role>(i);
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
