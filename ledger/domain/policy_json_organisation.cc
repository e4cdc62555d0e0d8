// The "organisation" section (departments and their heads, projects, the customer-service head,
// the deputy general manager, the general manager) and the "categories" section, whose mappings
// must name departments of the organisation.
#include <algorithm>
#include <set>

#include "ledger/domain/policy_json_sections.h"

namespace ledger::domain::policy_json {
namespace {

bool IsReserved(std::string_view id) { return id == kTargetDepartment || id == kCaseByCase; }

void ReadDepartment(Reader& r, const json::value& v, const std::string& path,
                    std::set<std::string>* seen, Organisation* out) {
  const json::object* o = r.Object(v, path, {"id", "name", "head"});
  if (!o) return;
  std::optional<std::string> id = r.StringAt(*o, path, "id", kRequired);
  std::optional<std::string> name = r.StringAt(*o, path, "name", kRequired);
  std::optional<std::string> head = r.StringAt(*o, path, "head", kRequired);
  if (id && IsReserved(*id))
    r.Error(Child(path, "id"), "reserved_id",
            "'" + *id + "' is reserved for a category's first_responsible");
  else if (id && !seen->insert(*id).second)
    r.Error(Child(path, "id"), "duplicate", "department '" + *id + "' is defined twice");
  // Kept even when incomplete, so that mappings naming it are not reported as well; the
  // missing member refuses the policy anyway.
  if (id) out->departments.push_back({*id, name.value_or(""), head.value_or("")});
}

void ReadProject(Reader& r, const json::value& v, const std::string& path,
                 std::set<std::string>* seen, Organisation* out) {
  const json::object* o = r.Object(v, path, {"id", "name", "general_manager"});
  if (!o) return;
  std::optional<std::string> id = r.StringAt(*o, path, "id", kRequired);
  std::optional<std::string> name = r.StringAt(*o, path, "name", kRequired);
  std::optional<std::string> gm = r.StringAt(*o, path, "general_manager", kRequired);
  if (id && !seen->insert(*id).second)
    r.Error(Child(path, "id"), "duplicate", "project '" + *id + "' is defined twice");
  if (id) out->projects.push_back({*id, name.value_or(""), gm.value_or("")});
}

// Reads the array member `key` of `o`, calling `read` for each element.
template <typename ReadFn>
void ForEachIn(Reader& r, const json::object& o, const std::string& path, std::string_view key,
               bool required, bool nonempty, ReadFn read) {
  const json::value* v = r.Member(o, path, key, required);
  if (!v) return;
  const std::string list_path = Child(path, key);
  const json::array* a = r.Array(*v, list_path);
  if (!a) return;
  if (nonempty && a->empty()) r.Error(list_path, "empty", "at least one entry is required");
  for (size_t i = 0; i < a->size(); ++i) read((*a)[i], Child(list_path, i));
}

void CheckDepartment(Reader& r, const Organisation& org, const std::string& path,
                     const std::string& id) {
  if (!org.FindDepartment(id))
    r.Error(path, "unknown_department",
            "'" + id + "' is not a department of the organisation (/organisation/departments)");
}

void ReadCategory(Reader& r, const json::value& v, const std::string& path, const Organisation& org,
                  std::set<std::string>* seen, std::vector<Category>* out) {
  const json::object* o =
      r.Object(v, path, {"id", "name", "first_responsible", "cooperating", "closure_class"});
  if (!o) return;
  Category c;
  std::optional<std::string> id = r.StringAt(*o, path, "id", kRequired);
  if (o->contains("name")) r.StringAt(*o, path, "name", kOptional);
  if (id && !seen->insert(*id).second)
    r.Error(Child(path, "id"), "duplicate", "category '" + *id + "' is defined twice");
  std::optional<std::string> first = r.StringAt(*o, path, "first_responsible", kRequired);
  if (first && *first == kTargetDepartment)
    c.responsible_is_target_department = true;
  else if (first && *first != kCaseByCase) {
    CheckDepartment(r, org, Child(path, "first_responsible"), *first);
    c.first_responsible = *first;
  }
  if (o->contains("cooperating")) {
    auto coop = r.StringListAt(*o, path, "cooperating", kOptional);
    for (size_t i = 0; coop && i < coop->size(); ++i) {
      std::string item_path = Child(Child(path, "cooperating"), i);
      CheckDepartment(r, org, item_path, (*coop)[i]);
      if (std::count(coop->begin(), coop->begin() + long(i), (*coop)[i]))
        r.Error(item_path, "duplicate", "'" + (*coop)[i] + "' is listed twice");
    }
    if (coop) c.cooperating = *coop;
  }
  if (auto cls = r.StringAt(*o, path, "closure_class", kRequired)) {
    if (auto parsed = ParseClosureClass(*cls))
      c.closure_class = *parsed;
    else
      r.Error(Child(path, "closure_class"), "unknown_closure_class",
              "'" + *cls +
                  "' is not a closure class (engineering, design, property, "
                  "marketing, investment, other)");
  }
  if (id) c.id = *id, out->push_back(std::move(c));
}

}  // namespace

void ReadOrganisation(Reader& r, const json::value& v, const std::string& path, Organisation* out) {
  const json::object* o = r.Object(
      v, path, {"customer_service", "cs_head", "deputy_gm", "gm", "departments", "projects"});
  if (!o) return;
  std::set<std::string> departments, projects;
  ForEachIn(r, *o, path, "departments", kRequired, true,
            [&](auto& e, auto p) { ReadDepartment(r, e, p, &departments, out); });
  ForEachIn(r, *o, path, "projects", kOptional, false,
            [&](auto& e, auto p) { ReadProject(r, e, p, &projects, out); });
  if (auto cs = r.StringAt(*o, path, "customer_service", kRequired)) {
    out->customer_service = *cs;
    if (!departments.count(*cs)) CheckDepartment(r, *out, Child(path, "customer_service"), *cs);
  }
  if (auto s = r.StringAt(*o, path, "cs_head", kRequired)) out->cs_head = *s;
  if (auto s = r.StringAt(*o, path, "deputy_gm", kRequired)) out->deputy_gm = *s;
  if (auto s = r.StringAt(*o, path, "gm", kRequired)) out->gm = *s;
}

void ReadCategories(Reader& r, const json::value& v, const std::string& path,
                    const Organisation& org, std::vector<Category>* out) {
  const json::array* a = r.Array(v, path);
  if (!a) return;
  if (a->empty()) r.Error(path, "empty", "at least one category is required");
  std::set<std::string> seen;
  for (size_t i = 0; i < a->size(); ++i) ReadCategory(r, (*a)[i], Child(path, i), org, &seen, out);
}

}  // namespace ledger::domain::policy_json
