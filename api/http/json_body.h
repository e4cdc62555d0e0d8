// Reading JSON request bodies: one parse that turns every malformed input into a 400 naming a
// field, and JsonFields, a reader of an object's fields that collects every problem at once.
// Writing them: JsonResponse.
//
//   LEDGER_ASSIGN_OR_RETURN(boost::json::object body, ParseJsonObject(ctx.request()));
//   JsonFields f(body);
//   std::optional<std::string> name = f.String("complainant.name", Need::kRequired, 200);
//   std::optional<bool> valid = f.Bool("valid");
//   f.RejectUnknown({"type", "complainant", "valid", "note"});
//   LEDGER_RETURN_IF_ERROR(f.status());   // InvalidArgument listing every field problem
//
// Field paths use dots for objects and [i] for arrays ("people[2]"). Rules are stable names:
// "json" (not JSON), "utf8" (not UTF-8), "json_depth", "duplicate_key", "media_type", "required",
// "type", "max_length", "control_characters", "range", "unknown_field", "empty_body".
//
// Thread-safety: ParseJson* are free functions; a JsonFields is used by one thread.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_types.h"
#include "ledger/base/status.h"

namespace api {

inline constexpr size_t kMaxJsonDepth = 32;

// Parses `text` as one JSON value: ledger::ParseStrictJson (ledger/base/strict_json.h) with
// kMaxJsonDepth. InvalidArgument with field `field` and rule "utf8" (with the byte offset) for
// invalid UTF-8, "json" (with line and column) for a syntax error or trailing garbage,
// "json_depth" for nesting deeper than kMaxJsonDepth; a key repeated anywhere in one object is
// rule "duplicate_key" with the key's path as the field ("complainant.name"), each one listed.
ledger::Result<boost::json::value> ParseJson(std::string_view text,
                                             std::string_view field = "body");

// Parses the request body as a JSON object. Also InvalidArgument (field "Content-Type", rule
// "media_type") when a Content-Type other than application/json is given, (field "body", rule
// "empty_body") for an empty body, and (field "body", rule "type") when the value is not an object.
ledger::Result<boost::json::object> ParseJsonObject(const Request& request);

// A JSON response: `value` serialized, Content-Type application/json.
Response JsonResponse(unsigned status, const boost::json::value& value);

enum class Need { kOptional, kRequired };

// Reads typed fields of one JSON object, recording a FieldError for each problem instead of
// failing at the first. A missing or null optional field reads as nullopt without error.
// `object` must outlive the reader (and the pointers Object()/Array() return).
class JsonFields {
 public:
  // `prefix` is prepended to field names in errors ("complainant" -> "complainant.phone").
  explicit JsonFields(const boost::json::object& object, std::string prefix = "");

  // A string of valid UTF-8 (guaranteed by ParseJson), at most `max_bytes`, without control
  // characters (C0, DEL, C1) but newline and tab when `multi_line`.
  std::optional<std::string> String(std::string_view name, Need need = Need::kOptional,
                                    size_t max_bytes = 256, bool multi_line = false);
  std::optional<int64_t> Int(std::string_view name, Need need = Need::kOptional,
                             int64_t min = INT64_MIN, int64_t max = INT64_MAX);
  std::optional<bool> Bool(std::string_view name, Need need = Need::kOptional);
  const boost::json::object* Object(std::string_view name, Need need = Need::kOptional);
  const boost::json::array* Array(std::string_view name, Need need = Need::kOptional);

  // Records an error for each field not in `known`.
  void RejectUnknown(std::initializer_list<std::string_view> known);

  // Records an error of the caller's own (e.g. a cross-field rule).
  void AddError(std::string_view name, std::string rule, std::string message);

  // The full path of field `name` ("complainant.phone").
  std::string Path(std::string_view name) const;

  const std::vector<ledger::FieldError>& errors() const { return errors_; }
  // OK, or InvalidArgument carrying every recorded error.
  ledger::Status status() const;

 private:
  const boost::json::value* Find(std::string_view name, Need need);
  void TypeError(std::string_view name, std::string_view expected);

  const boost::json::object& object_;
  std::string prefix_;
  std::vector<ledger::FieldError> errors_;
};

}  // namespace api
