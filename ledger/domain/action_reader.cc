#include "ledger/domain/action_reader.h"

#include <boost/json/value.hpp>

#include "ledger/log/validation.h"

namespace ledger::domain {

namespace json = boost::json;

namespace {
thread_local std::vector<FieldRead>* read_observer = nullptr;
}  // namespace

void SetReadObserver(std::vector<FieldRead>* observer) { read_observer = observer; }

void ActionReader::Note(std::string_view key, FieldType type, Need need, int64_t max, int64_t min,
                        std::optional<Vocab> vocab) const {
  if (read_observer == nullptr) return;
  read_observer->push_back({Field(key), type, need == kRequired, max, min, vocab});
}

const json::value* ActionReader::Raw(std::string_view key, FieldType type, Need need) {
  Note(key, type, need);
  return Find(key, kOptional);
}

ActionReader::ActionReader(const json::object& fields, std::string prefix,
                           std::vector<FieldError>* errors)
    : fields_(fields), prefix_(std::move(prefix)), errors_(errors) {}

void ActionReader::Error(std::string_view key, std::string rule, std::string message) {
  errors_->push_back({Field(key), std::move(rule), std::move(message)});
}

const json::value* ActionReader::Find(std::string_view key, Need need) {
  read_.emplace(key);
  auto it = fields_.find(key);
  if (it == fields_.end() || it->value().is_null()) {
    if (need == kRequired) Error(key, "required", Field(key) + " is required");
    return nullptr;
  }
  return &it->value();
}

std::string ActionReader::Text(std::string_view key, Need need, size_t max) {
  Note(key, FieldType::kText, need, int64_t(max));
  return ReadText(key, need, max);
}

std::string ActionReader::ReadText(std::string_view key, Need need, size_t max) {
  const json::value* v = Find(key, need);
  if (v == nullptr) return "";
  if (!v->is_string()) {
    Error(key, "type", Field(key) + " must be a string");
    return "";
  }
  std::string_view s = v->get_string();
  size_t before = errors_->size();
  CheckText(Field(key), s, max, need == kRequired, max <= kMaxShortText, errors_);
  return errors_->size() == before ? std::string(s) : std::string();
}

std::string ActionReader::Code(std::string_view key, Need need, Vocab vocab) {
  Note(key, FieldType::kCode, need, 0, 0, vocab);
  std::string code = ReadText(key, need, kMaxShortText);
  if (!code.empty() && !InVocabulary(vocab, code)) {
    Error(key, "unknown_code",
          Field(key) + " '" + code + "' is not one of: " + domain::CodeList(vocab));
    return "";
  }
  return code;
}

std::vector<std::string> ActionReader::CodeList(std::string_view key, Need need, Vocab vocab,
                                                size_t max_items) {
  Note(key, FieldType::kCodeList, need, int64_t(max_items), 0, vocab);
  std::vector<std::string> codes = ReadTextList(key, need, max_items);
  std::vector<std::string> known;
  for (size_t i = 0; i < codes.size(); ++i) {
    std::string item = std::string(key) + "[" + std::to_string(i) + "]";
    if (InVocabulary(vocab, codes[i]))
      known.push_back(std::move(codes[i]));
    else
      Error(item, "unknown_code",
            Field(item) + " '" + codes[i] + "' is not one of: " + domain::CodeList(vocab));
  }
  return known;
}

std::optional<bool> ActionReader::Bool(std::string_view key, Need need) {
  Note(key, FieldType::kBool, need);
  const json::value* v = Find(key, need);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    Error(key, "type", Field(key) + " must be true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<int64_t> ActionReader::Int(std::string_view key, Need need, int64_t min,
                                         int64_t max) {
  Note(key, FieldType::kInt, need, max, min);
  const json::value* v = Find(key, need);
  if (v == nullptr) return std::nullopt;
  std::optional<int64_t> n;
  if (v->is_int64())
    n = v->get_int64();
  else if (v->is_uint64() && v->get_uint64() <= uint64_t(INT64_MAX))
    n = int64_t(v->get_uint64());
  else if (v->is_double() && v->get_double() >= -9e15 && v->get_double() <= 9e15 &&
           v->get_double() == double(int64_t(v->get_double())))  // in range before the cast
    n = int64_t(v->get_double());
  if (!n) {
    Error(key, "type", Field(key) + " must be a whole number");
    return std::nullopt;
  }
  if (*n < min || *n > max) {
    Error(key, "range",
          Field(key) + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<Money> ActionReader::MoneyAmount(std::string_view key, Need need) {
  Note(key, FieldType::kMoney, need);
  const json::value* v = Find(key, need);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Error(key, "money", Field(key) + " must be a decimal string with two places, e.g. \"1300.00\"");
    return std::nullopt;
  }
  Result<Money> m = ParseMoney(v->get_string(), Field(key));
  if (!m.ok()) {
    for (const FieldError& e : m.status().errors()) errors_->push_back(e);
    return std::nullopt;
  }
  return *m;
}

std::optional<Time> ActionReader::TimeValue(std::string_view key, Need need) {
  Note(key, FieldType::kTime, need);
  const json::value* v = Find(key, need);
  if (v == nullptr) return std::nullopt;
  Result<Time> t = v->is_string() ? ParseRfc3339(v->get_string())
                                  : Result<Time>(Status::InvalidArgument("not a string"));
  if (!t.ok()) {
    Error(key, "rfc3339",
          Field(key) + " must be an RFC 3339 time with offset, e.g. 2026-11-24T09:30:00+08:00");
    return std::nullopt;
  }
  if (earliest_ && *t < *earliest_) {
    Error(key, "before_policy", Field(key) + " is before " + earliest_what_);
    return std::nullopt;
  }
  return *t;
}

std::vector<std::string> ActionReader::TextList(std::string_view key, Need need, size_t max_items) {
  Note(key, FieldType::kTextList, need, int64_t(max_items));
  return ReadTextList(key, need, max_items);
}

std::vector<std::string> ActionReader::ReadTextList(std::string_view key, Need need,
                                                    size_t max_items) {
  std::vector<std::string> out;
  const json::value* v = Find(key, need);
  if (v == nullptr) return out;
  if (!v->is_array()) {
    Error(key, "type", Field(key) + " must be a list of strings");
    return out;
  }
  const json::array& a = v->get_array();
  if (a.size() > max_items) {
    Error(key, "max_items", Field(key) + " has more than " + std::to_string(max_items) + " items");
    return out;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    std::string item_field = Field(key) + "[" + std::to_string(i) + "]";
    if (!a[i].is_string()) {
      errors_->push_back({item_field, "type", item_field + " must be a string"});
      continue;
    }
    std::string_view s = a[i].get_string();
    size_t before = errors_->size();
    CheckText(item_field, s, kMaxShortText, true, true, errors_);
    if (errors_->size() != before) continue;
    for (const std::string& seen : out)
      if (seen == s) errors_->push_back({item_field, "duplicate", item_field + " is repeated"});
    out.emplace_back(s);
  }
  return out;
}

const json::object* ActionReader::Object(std::string_view key, Need need) {
  Note(key, FieldType::kObject, need);
  const json::value* v = Find(key, need);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    Error(key, "type", Field(key) + " must be an object");
    return nullptr;
  }
  return &v->get_object();
}

void ActionReader::Finish() {
  for (const auto& kv : fields_) {
    if (read_.count(std::string_view(kv.key())) == 0)
      errors_->push_back({prefix_ + std::string(kv.key()), "unknown_field",
                          prefix_ + std::string(kv.key()) + " is not a field of this action"});
  }
}

Status InvalidFields(std::vector<FieldError> errors) {
  if (errors.empty()) return Status::Ok();
  std::string message = errors.size() == 1
                            ? errors[0].message
                            : std::to_string(errors.size()) + " fields are not valid";
  return Status::WithErrors(Code::kInvalidArgument, std::move(message), std::move(errors));
}

}  // namespace ledger::domain
