// ParsePolicy and LoadPolicyFile: the policy file's top level (docs/policy-format.md). Each
// section is read by its own function (policy_json_sections.h); every problem in the whole file
// is collected before the document is refused, so an author fixes them in one round.
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "ledger/domain/policy.h"
#include "ledger/domain/policy_json_reader.h"
#include "ledger/domain/policy_json_sections.h"

namespace ledger::domain {
namespace {

using policy_json::Child;
using policy_json::kOptional;
using policy_json::kRequired;
using policy_json::Reader;
namespace json = boost::json;

constexpr int64_t kFormat = 1;  // the only file format this build reads

// Reads the member `key` with `read` when present (reporting it as required when absent).
template <typename ReadFn>
void Section(Reader& r, const json::object& top, std::string_view key, ReadFn read) {
  if (const json::value* v = r.Member(top, "", key, kRequired)) read(*v, Child("", key));
}

void ReadScalars(Reader& r, const json::object& top, Policy* p) {
  if (auto f = r.IntAt(top, "", "format", kRequired); f && *f != kFormat)
    r.Error("/format", "unsupported_format",
            "format " + std::to_string(*f) + " is not supported; this build reads format 1");
  if (auto s = r.StringAt(top, "", "name", kRequired)) p->name = *s;
  if (top.contains("description"))
    if (auto s = r.StringAt(top, "", "description", kOptional)) p->description = *s;
  if (auto d = r.ElapsedAt(top, "", "staff_decision", kRequired)) p->staff_decision = *d;
  if (auto d = r.ElapsedAt(top, "", "safety_response_cap", kRequired)) p->safety_response_cap = *d;
  if (auto d = r.ElapsedAt(top, "", "max_backdate", kRequired)) p->max_backdate = *d;
  if (auto d = r.ElapsedAt(top, "", "future_skew", kRequired)) p->future_skew = *d;
  if (auto m = r.IntAt(top, "", "second_complaint_months", kRequired)) {
    if (*m <= 0)
      r.Error("/second_complaint_months", "not_positive", "must be at least 1");
    else
      p->second_complaint_months = *m;
  }
}

void ReadPrivacy(Reader& r, const json::value& v, const std::string& path, Policy::Privacy* out) {
  const json::object* o =
      r.Object(v, path, {"retention_years_after_closure", "restricted_visible_to", "note"});
  if (!o) return;
  if (auto y = r.IntAt(*o, path, "retention_years_after_closure", kRequired)) {
    if (*y < 0 || *y > 100)
      r.Error(path + "/retention_years_after_closure", "out_of_range", "must be from 0 to 100");
    else
      out->retention_years = *y;
  }
  if (const json::value* roles = r.Member(*o, path, "restricted_visible_to", kRequired))
    out->restricted_visible_to =
        policy_json::ReadRoleList(r, *roles, path + "/restricted_visible_to");
}

void ReadSections(Reader& r, const json::object& top, Policy* p) {
  using namespace policy_json;
  ReadScalars(r, top, p);
  Section(r, top, "calendar", [&](auto& v, auto path) { ReadCalendar(r, v, path, &p->calendar); });
  Section(r, top, "organisation",
          [&](auto& v, auto path) { ReadOrganisation(r, v, path, &p->organisation); });
  Section(r, top, "categories",
          [&](auto& v, auto path) { ReadCategories(r, v, path, p->organisation, &p->categories); });
  Section(r, top, "clocks", [&](auto& v, auto path) { ReadLevelClocks(r, v, path, &p->clocks); });
  Section(r, top, "closure", [&](auto& v, auto path) { ReadClosure(r, v, path, &p->closure); });
  Section(r, top, "escalation",
          [&](auto& v, auto path) { ReadEscalation(r, v, path, &p->escalation); });
  Section(r, top, "report_to",
          [&](auto& v, auto path) { ReadRolesByLevel(r, v, path, &p->report_to); });
  Section(r, top, "fines", [&](auto& v, auto path) { ReadFines(r, v, path, &p->fines); });
  Section(r, top, "rewards",
          [&](auto& v, auto path) { ReadRewards(r, v, path, p->organisation, &p->rewards); });
  Section(r, top, "survey", [&](auto& v, auto path) { ReadSurvey(r, v, path, &p->survey); });
  Section(r, top, "permissions",
          [&](auto& v, auto path) { ReadPermissions(r, v, path, &p->permissions); });
  Section(r, top, "plan_approvers",
          [&](auto& v, auto path) { ReadRolesByLevel(r, v, path, &p->plan_approvers); });
  Section(r, top, "extension_approvers",
          [&](auto& v, auto path) { ReadRolesByLevel(r, v, path, &p->extension_approvers); });
  Section(r, top, "waiver_roles",
          [&](auto& v, auto path) { p->waiver_roles = ReadRoleList(r, v, path); });
  Section(r, top, "recorded_fine_roles",
          [&](auto& v, auto path) { p->recorded_fine_roles = ReadRoleList(r, v, path); });
  if (const json::value* v = top.if_contains("separation_of_duties"))
    ReadSeparationOfDuties(r, *v, "/separation_of_duties", &p->separation);
  if (const json::value* v = top.if_contains("alerts")) ReadAlerts(r, *v, "/alerts", &p->alerts);
  if (const json::value* v = top.if_contains("privacy"))
    ReadPrivacy(r, *v, "/privacy", &p->privacy);
  CheckRoleConsistency(r, *p);
}

Status Refuse(std::vector<FieldError> errors) {
  std::string message = "invalid policy: " + std::to_string(errors.size()) +
                        (errors.size() == 1 ? " problem" : " problems");
  return Status::WithErrors(Code::kInvalidArgument, std::move(message), std::move(errors));
}

}  // namespace

Result<std::shared_ptr<const Policy>> ParsePolicy(std::string_view json_text) {
  boost::system::error_code ec;
  json::value doc;
  try {
    doc = json::parse(json::string_view(json_text.data(), json_text.size()), ec);
  } catch (const std::exception& e) {  // the parse edge: allocation failure and the like
    return Refuse({{"", "json_syntax", std::string("the file could not be parsed: ") + e.what()}});
  }
  if (ec) return Refuse({{"", "json_syntax", "not valid JSON: " + ec.message()}});

  Reader r;
  for (FieldError& e : policy_json::FindDuplicateKeys(json_text))
    r.Error(std::move(e.field), std::move(e.rule), std::move(e.message));
  const json::object* top = r.Object(doc, "",
                                     {"format",
                                      "name",
                                      "description",
                                      "calendar",
                                      "organisation",
                                      "categories",
                                      "clocks",
                                      "closure",
                                      "staff_decision",
                                      "safety_response_cap",
                                      "escalation",
                                      "report_to",
                                      "fines",
                                      "rewards",
                                      "survey",
                                      "permissions",
                                      "plan_approvers",
                                      "extension_approvers",
                                      "waiver_roles",
                                      "recorded_fine_roles",
                                      "separation_of_duties",
                                      "alerts",
                                      "privacy",
                                      "max_backdate",
                                      "future_skew",
                                      "second_complaint_months"});
  auto policy = std::make_shared<Policy>();
  if (top) ReadSections(r, *top, policy.get());
  if (!r.errors().empty()) return Refuse(r.errors());
  return std::shared_ptr<const Policy>(std::move(policy));
}

Result<std::shared_ptr<const Policy>> LoadPolicyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read policy file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::NotFound("cannot read policy file " + path);
  Result<std::shared_ptr<const Policy>> parsed = ParsePolicy(text.str());
  if (!parsed.ok()) return parsed.status().Annotate(path);
  return parsed;
}

}  // namespace ledger::domain
