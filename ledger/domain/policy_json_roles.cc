// The role sections: "permissions" (role -> actions), the per-level role lists ("report_to",
// "plan_approvers", "extension_approvers"), "waiver_roles", "recorded_fine_roles", and the rule
// tying them together: a role named as an approver must be permitted the approving action.
#include <algorithm>

#include "ledger/domain/policy_json_sections.h"

namespace ledger::domain::policy_json {
namespace {

std::vector<std::string_view> RoleNames() {
  std::vector<std::string_view> out;
  std::string_view list = RoleList();
  while (!list.empty()) {
    size_t comma = list.find(", ");
    out.push_back(list.substr(0, comma));
    list = comma == std::string_view::npos ? "" : list.substr(comma + 2);
  }
  return out;
}

void ReadActions(Reader& r, const json::value& v, const std::string& path,
                 std::set<std::string>* out) {
  std::optional<std::vector<std::string>> actions = r.AsStringList(v, path);
  if (!actions) return;
  for (size_t i = 0; i < actions->size(); ++i) {
    const std::string& a = (*actions)[i];
    if (!IsKnownActionType(a))
      r.Error(Child(path, i), "unknown_action",
              "'" + a + "' is not an action type (" + std::string(ActionTypeList()) + ")");
    else if (!out->insert(a).second)
      r.Error(Child(path, i), "duplicate", "'" + a + "' is listed twice");
  }
}

// Each role at `path` (a list of roles) must be permitted `action`.
void CheckPermitted(Reader& r, const Policy& p, const std::string& path,
                    const std::vector<std::string>& roles, std::string_view action) {
  for (size_t i = 0; i < roles.size(); ++i)
    if (p.HasRole(roles[i]) && !p.RoleMay(roles[i], action))
      r.Error(Child(path, i), "permission_missing",
              "role '" + roles[i] + "' is named here but /permissions/" + roles[i] +
                  " does not include '" + std::string(action) + "'");
}

}  // namespace

void ReadPermissions(Reader& r, const json::value& v, const std::string& path,
                     std::map<std::string, std::set<std::string>>* out) {
  const json::object* o = r.KeyedObject(v, path, RoleNames(), "unknown_role", false);
  if (!o) return;
  for (std::string_view role : RoleNames()) {
    const json::value* actions = o->if_contains(role);
    // Every role is named, so that none is forgotten; a role added after policy files existed
    // (data_protection) may be left out: it may do nothing then.
    if (!actions && role != "data_protection")
      r.Error(Child(path, role), "required", "'" + std::string(role) + "' is required");
    if (!actions) continue;
    std::set<std::string>& granted = (*out)[std::string(role)];
    ReadActions(r, *actions, Child(path, role), &granted);
  }
}

std::vector<std::string> ReadRoleList(Reader& r, const json::value& v, const std::string& path) {
  std::optional<std::vector<std::string>> roles = r.AsStringList(v, path);
  if (!roles) return {};
  if (roles->empty()) r.Error(path, "empty", "name at least one role");
  // Every entry is kept, so that later checks report at the entry's own index; a list with an
  // error refuses the whole policy anyway.
  for (size_t i = 0; i < roles->size(); ++i) {
    const std::string& role = (*roles)[i];
    if (!IsKnownRole(role))
      r.Error(Child(path, i), "unknown_role",
              "'" + role + "' is not a role (" + std::string(RoleList()) + ")");
    else if (std::find(roles->begin(), roles->begin() + long(i), role) != roles->begin() + long(i))
      r.Error(Child(path, i), "duplicate", "'" + role + "' is listed twice");
  }
  return *roles;
}

void ReadRolesByLevel(Reader& r, const json::value& v, const std::string& path,
                      std::array<std::vector<std::string>, kLevelCount>* out) {
  const json::object* o = r.KeyedObject(v, path, LevelNames(), "unknown_level", true);
  if (!o) return;
  for (Level l : kAllLevels)
    if (const json::value* roles = o->if_contains(LevelName(l)))
      (*out)[size_t(l)] = ReadRoleList(r, *roles, Child(path, LevelName(l)));
}

void ReadSeparationOfDuties(Reader& r, const json::value& v, const std::string& path,
                            SeparationOfDuties* out) {
  const json::object* o = r.Object(v, path, {"review_plan", "decide_extension", "waive_fine"});
  if (!o) return;
  auto exempt = [&](std::string_view duty, std::vector<std::string>* roles) {
    const json::value* list = o->if_contains(duty);
    if (!list) return;
    const std::string at = Child(path, duty);
    std::optional<std::vector<std::string>> names = r.AsStringList(*list, at);
    if (!names) return;
    for (size_t i = 0; i < names->size(); ++i)
      if (!IsKnownRole((*names)[i]))
        r.Error(Child(at, i), "unknown_role",
                "'" + (*names)[i] + "' is not a role (" + std::string(RoleList()) + ")");
    *roles = std::move(*names);
  };
  exempt("review_plan", &out->review_plan);
  exempt("decide_extension", &out->decide_extension);
  exempt("waive_fine", &out->waive_fine);
}

void CheckRoleConsistency(Reader& r, const Policy& p) {
  for (Level l : kAllLevels) {
    CheckPermitted(r, p, Child("/plan_approvers", LevelName(l)), p.plan_approvers[size_t(l)],
                   "review_plan");
    CheckPermitted(r, p, Child("/extension_approvers", LevelName(l)),
                   p.extension_approvers[size_t(l)], "decide_extension");
  }
  CheckPermitted(r, p, "/waiver_roles", p.waiver_roles, "waive_fine");
  CheckPermitted(r, p, "/recorded_fine_roles", p.recorded_fine_roles, "record_fine");
}

}  // namespace ledger::domain::policy_json
