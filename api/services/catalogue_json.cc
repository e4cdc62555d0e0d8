#include "api/services/catalogue_json.h"

#include <boost/json/array.hpp>

#include "ledger/domain/catalogue.h"
#include "ledger/domain/vocabulary.h"

namespace api {
namespace {

namespace json = boost::json;
namespace domain = ledger::domain;
using domain::FieldType;

std::string_view TargetName(domain::ActionTarget t) {
  switch (t) {
    case domain::ActionTarget::kNewComplaint:
      return "new_complaint";
    case domain::ActionTarget::kComplaint:
      return "complaint";
    case domain::ActionTarget::kDepartment:
      return "department";
    case domain::ActionTarget::kSubject:
      return "subject";
  }
  return "?";
}

json::array Fields(std::span<const domain::FieldSpec> fields, const domain::Policy& policy) {
  json::array out;
  for (const domain::FieldSpec& f : fields) {
    json::object o;
    o["name"] = f.name;
    o["type"] = domain::FieldTypeName(f.type);
    o["required"] = f.required;
    o["meaning"] = f.meaning;
    switch (f.type) {
      case FieldType::kText:
        o["max_bytes"] = f.max;
        break;
      case FieldType::kCodeList:
      case FieldType::kTextList:
        o["max_items"] = f.max;
        break;
      case FieldType::kInt:
      case FieldType::kNumber:
        // The callback survey's bounds are the policy's.
        o["min"] = f.min == domain::kPolicyBound ? policy.survey.min_score : f.min;
        o["max"] = f.max == domain::kPolicyBound ? policy.survey.max_score : f.max;
        break;
      default:
        break;
    }
    if (f.vocab) o["vocabulary"] = domain::GetVocabulary(*f.vocab).name;
    if (!f.members.empty()) o["fields"] = Fields(f.members, policy);
    out.push_back(std::move(o));
  }
  return out;
}

json::array Roles(const domain::Policy& policy, std::string_view action) {
  json::array out;
  for (const domain::VocabCode& role : domain::kRoleCodes)
    if (policy.RoleMay(role.code, action)) out.push_back(json::string(role.code));
  return out;
}

}  // namespace

json::object CatalogueJson(const domain::Policy& policy, uint32_t policy_version) {
  json::object doc;
  doc["policy_version"] = policy_version;
  json::array actions;
  for (const domain::ActionSpec& a : domain::Actions()) {
    json::object o;
    o["type"] = a.type;
    o["summary"] = a.summary;
    o["target"] = TargetName(a.target);
    o["when_closed"] = a.when_closed;
    o["roles"] = Roles(policy, a.type);
    json::array events;
    for (std::string_view e : a.events) events.push_back(json::string(e));
    o["events"] = std::move(events);
    o["fields"] = Fields(a.fields, policy);
    actions.push_back(std::move(o));
  }
  doc["actions"] = std::move(actions);
  doc["common_fields"] = Fields(domain::CommonFields(), policy);
  doc["import_fields"] = Fields(domain::ImportFields(), policy);
  json::object vocabularies;
  for (const domain::Vocabulary& v : domain::Vocabularies()) {
    json::object o;
    o["meaning"] = v.meaning;
    json::array codes;
    for (const domain::VocabCode& c : v.codes)
      codes.push_back(json::object{{"code", c.code}, {"meaning", c.meaning}});
    o["codes"] = std::move(codes);
    vocabularies[v.name] = std::move(o);
  }
  doc["vocabularies"] = std::move(vocabularies);
  return doc;
}

}  // namespace api
