#include "api/http/json_body.h"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "api/http/request_context.h"
#include "ledger/base/strict_json.h"
#include "ledger/log/validation.h"

namespace api {
namespace {

using ledger::FieldError;
using ledger::Status;

bool IsJsonMediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  return EqualsIgnoreCase(type, kJsonType);
}

std::string_view KindName(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      return "an integer";
    case boost::json::kind::double_:
      return "a number";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "a value";
}

}  // namespace

ledger::Result<boost::json::value> ParseJson(std::string_view text, std::string_view field) {
  return ledger::ParseStrictJson(text, kMaxJsonDepth, field);
}

ledger::Result<boost::json::object> ParseJsonObject(const Request& request) {
  if (auto type = request.headers.Get("Content-Type"); type && !IsJsonMediaType(*type)) {
    return InvalidField("Content-Type", "media_type",
                        "the body must be application/json, not '" + std::string(*type) + "'");
  }
  if (request.body.empty())
    return InvalidField("body", "empty_body", "the body is empty; a JSON object is required");
  LEDGER_ASSIGN_OR_RETURN(boost::json::value value, ParseJson(request.body));
  if (!value.is_object()) {
    return InvalidField("body", "type",
                        "the body must be a JSON object, not " + std::string(KindName(value)));
  }
  return std::move(value.as_object());
}

Response JsonResponse(unsigned status, const boost::json::value& value) {
  return Response::Text(status, std::string(kJsonType), boost::json::serialize(value));
}

JsonFields::JsonFields(const boost::json::object& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)) {}

std::string JsonFields::Path(std::string_view name) const {
  return prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name);
}

void JsonFields::AddError(std::string_view name, std::string rule, std::string message) {
  errors_.push_back(FieldError{Path(name), std::move(rule), std::move(message)});
}

void JsonFields::TypeError(std::string_view name, std::string_view expected) {
  const boost::json::value* v = object_.if_contains(name);
  AddError(name, "type",
           Path(name) + " must be " + std::string(expected) + ", not " +
               std::string(v ? KindName(*v) : "missing"));
}

const boost::json::value* JsonFields::Find(std::string_view name, Need need) {
  const boost::json::value* v = object_.if_contains(name);
  if (v == nullptr || v->is_null()) {
    if (need == Need::kRequired) AddError(name, "required", Path(name) + " is required");
    return nullptr;
  }
  return v;
}

std::optional<std::string> JsonFields::String(std::string_view name, Need need, size_t max_bytes,
                                              bool multi_line) {
  const boost::json::value* v = Find(name, need);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    TypeError(name, "a string");
    return std::nullopt;
  }
  std::string_view s = v->get_string();
  if (need == Need::kRequired && s.empty()) {
    AddError(name, "required", Path(name) + " must not be empty");
    return std::nullopt;
  }
  if (s.size() > max_bytes) {
    AddError(name, "max_length",
             Path(name) + " is longer than " + std::to_string(max_bytes) + " bytes");
    return std::nullopt;
  }
  // The one rule for text (ledger/log/validation.h): no control characters, newline and tab aside
  // in multi-line text; C1 controls (a terminal's CSI) included.
  if (ledger::HasControlCharacter(s, multi_line)) {
    AddError(name, "control_characters", Path(name) + " contains control characters");
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<int64_t> JsonFields::Int(std::string_view name, Need need, int64_t min, int64_t max) {
  const boost::json::value* v = Find(name, need);
  if (v == nullptr) return std::nullopt;
  int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    n = static_cast<int64_t>(v->get_uint64());
  } else if (v->is_uint64()) {
    AddError(name, "range", Path(name) + " is out of range");
    return std::nullopt;
  } else {
    TypeError(name, "an integer");
    return std::nullopt;
  }
  if (n < min || n > max) {
    AddError(
        name, "range",
        Path(name) + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> JsonFields::Bool(std::string_view name, Need need) {
  const boost::json::value* v = Find(name, need);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    TypeError(name, "a boolean");
    return std::nullopt;
  }
  return v->get_bool();
}

const boost::json::object* JsonFields::Object(std::string_view name, Need need) {
  const boost::json::value* v = Find(name, need);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    TypeError(name, "an object");
    return nullptr;
  }
  return &v->get_object();
}

const boost::json::array* JsonFields::Array(std::string_view name, Need need) {
  const boost::json::value* v = Find(name, need);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    TypeError(name, "an array");
    return nullptr;
  }
  return &v->get_array();
}

void JsonFields::RejectUnknown(std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object_) {
    if (std::find(known.begin(), known.end(), std::string_view(key)) == known.end())
      AddError(key, "unknown_field", Path(key) + " is not a known field");
  }
}

Status JsonFields::status() const {
  if (errors_.empty()) return Status::Ok();
  std::string message =
      errors_.size() == 1 ? errors_[0].message : std::to_string(errors_.size()) + " invalid fields";
  return Status::WithErrors(ledger::Code::kInvalidArgument, std::move(message), errors_);
}

}  // namespace api
