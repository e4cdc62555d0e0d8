#include "ledger/domain/action.h"

#include <boost/json/parse.hpp>

#include "ledger/base/strict_json.h"
#include "ledger/domain/action_reader.h"
#include "ledger/domain/catalogue.h"
#include "ledger/log/validation.h"

namespace ledger::domain {

namespace json = boost::json;

namespace {

// The common fields: removed from `fields` as they are read.
void ReadCommon(json::object& fields, Action& a, bool import_line,
                std::vector<FieldError>& errors) {
  json::object common;
  for (std::string_view key : {"type", "occurred_at", "expected_version", "idempotency_key", "note",
                               "complaint", "actor"}) {
    if (auto it = fields.find(key); it != fields.end()) {
      common.emplace(key, it->value());
      fields.erase(it);
    }
  }
  ActionReader r(common, "", &errors);
  a.type = r.Text("type", ActionReader::kRequired, 64);
  if (!a.type.empty() && !IsActionType(a.type)) {
    r.Error("type", "unknown_action", "type '" + a.type + "' is not an action");
    a.type.clear();
  }
  a.occurred_at = r.TimeValue("occurred_at", ActionReader::kOptional);
  if (const json::value* v =
          r.Raw("expected_version", FieldType::kVersion, ActionReader::kOptional)) {
    std::string text = v->is_string()                         ? std::string(v->get_string())
                       : v->is_int64() && v->get_int64() >= 0 ? std::to_string(v->get_int64())
                       : v->is_uint64()                       ? std::to_string(v->get_uint64())
                                                              : std::string("invalid");
    Result<ExpectedVersion> ev = ExpectedVersion::Parse(text);
    if (ev.ok())
      a.expected_version = *ev;
    else
      r.Error("expected_version", "form", ev.status().errors().front().message);
  }
  a.idempotency_key = r.Text("idempotency_key", ActionReader::kOptional, kMaxIdempotencyKeyBytes);
  a.note = r.Text("note", ActionReader::kOptional, kMaxLongText);
  if (import_line) {
    // Only an action on an existing complaint names one: receive opens it, rate_department is
    // about a department's month.
    const ActionSpec* spec = FindAction(a.type);
    bool on_complaint = spec == nullptr || spec->target == ActionTarget::kComplaint;
    a.complaint =
        r.Text("complaint", on_complaint ? ActionReader::kRequired : ActionReader::kOptional);
    if (const json::object* actor = r.Object("actor", ActionReader::kRequired)) {
      ActionReader ar(*actor, "actor.", &errors);
      Actor act{ar.Text("id", ActionReader::kRequired), ar.Text("role", ActionReader::kRequired),
                ar.Text("department", ActionReader::kOptional)};
      ar.Finish();
      a.actor = std::move(act);
    }
  }
  r.Finish();
}

}  // namespace

bool IsActionType(std::string_view type) { return FindAction(type) != nullptr; }

Result<Action> ParseAction(const json::value& value, bool import_line) {
  if (!value.is_object()) return InvalidFields({{"", "type", "an action must be a JSON object"}});
  Action a;
  a.fields = value.get_object();
  std::vector<FieldError> errors;
  ReadCommon(a.fields, a, import_line, errors);
  if (!errors.empty()) return InvalidFields(std::move(errors));
  return a;
}

Result<Action> ParseActionText(std::string_view text, bool import_line) {
  // The strict parse: a repeated key (a second "type", say) is refused, never the last one kept.
  Result<json::value> v = ParseStrictJson(text, 16, import_line ? "line" : "body");
  if (!v.ok()) return v.status();
  return ParseAction(*v, import_line);
}

}  // namespace ledger::domain
