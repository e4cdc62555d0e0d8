// Reader: typed access to the policy document that reports each problem at its JSON Pointer
// (policy_json_reader.h), and the JSON Pointer helpers.
#include "ledger/domain/policy_json_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace ledger::domain::policy_json {
namespace {

constexpr int64_t kMaxDays = 3650;  // allowances and durations: ten years is surely a typo

std::string_view KindName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

// Edit distance, to suggest the intended key for a typo.
size_t Distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string UnknownKeyMessage(std::string_view key, const std::vector<std::string_view>& allowed) {
  std::string message = "unknown key '" + std::string(key) + "'";
  std::string_view best;
  size_t best_distance = 3;  // suggest only close matches
  std::string list;
  for (std::string_view a : allowed) {
    size_t d = Distance(key, a);
    if (d < best_distance) best = a, best_distance = d;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  if (!best.empty()) message += " (did you mean '" + std::string(best) + "'?)";
  return message + "; allowed here: " + list;
}

}  // namespace

std::string Child(std::string_view path, std::string_view key) {
  std::string out(path);
  out += '/';
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string Child(std::string_view path, size_t index) {
  return std::string(path) + "/" + std::to_string(index);
}

void Reader::Error(std::string path, std::string rule, std::string message) {
  errors_.push_back({std::move(path), std::move(rule), std::move(message)});
}

const json::object* Reader::Object(const json::value& v, const std::string& path,
                                   std::initializer_list<std::string_view> allowed) {
  const json::object* o = v.if_object();
  if (!o) {
    Error(path, "type", "expected an object, found " + std::string(KindName(v)));
    return nullptr;
  }
  std::vector<std::string_view> names(allowed);
  for (const auto& member : *o) {
    std::string_view key(member.key().data(), member.key().size());
    if (std::find(names.begin(), names.end(), key) == names.end())
      Error(Child(path, key), "unknown_key", UnknownKeyMessage(key, names));
  }
  return o;
}

const json::object* Reader::KeyedObject(const json::value& v, const std::string& path,
                                        const std::vector<std::string_view>& names,
                                        std::string_view unknown_rule, bool all_required) {
  const json::object* o = v.if_object();
  if (!o) {
    Error(path, "type", "expected an object, found " + std::string(KindName(v)));
    return nullptr;
  }
  for (const auto& member : *o) {
    std::string_view key(member.key().data(), member.key().size());
    if (std::find(names.begin(), names.end(), key) == names.end())
      Error(Child(path, key), std::string(unknown_rule), UnknownKeyMessage(key, names));
  }
  if (all_required) {
    for (std::string_view name : names)
      if (!o->contains(name))
        Error(Child(path, name), "required", "'" + std::string(name) + "' is required");
  }
  return o;
}

const json::array* Reader::Array(const json::value& v, const std::string& path) {
  const json::array* a = v.if_array();
  if (!a) Error(path, "type", "expected an array, found " + std::string(KindName(v)));
  return a;
}

const json::value* Reader::Member(const json::object& o, const std::string& path,
                                  std::string_view key, bool required) {
  const json::value* v = o.if_contains(key);
  if (!v && required) Error(Child(path, key), "required", "'" + std::string(key) + "' is required");
  return v;
}

std::optional<std::string> Reader::AsString(const json::value& v, const std::string& path) {
  const json::string* s = v.if_string();
  if (!s) {
    Error(path, "type", "expected a string, found " + std::string(KindName(v)));
    return std::nullopt;
  }
  if (s->empty()) {
    Error(path, "empty", "must not be empty");
    return std::nullopt;
  }
  return std::string(s->data(), s->size());
}

std::optional<int64_t> Reader::AsInt(const json::value& v, const std::string& path) {
  if (const int64_t* i = v.if_int64()) return *i;
  if (const uint64_t* u = v.if_uint64(); u && *u <= uint64_t(INT64_MAX)) return int64_t(*u);
  Error(path, "type", "expected an integer, found " + std::string(KindName(v)));
  return std::nullopt;
}

std::optional<bool> Reader::AsBool(const json::value& v, const std::string& path) {
  if (const bool* b = v.if_bool()) return *b;
  Error(path, "type", "expected true or false, found " + std::string(KindName(v)));
  return std::nullopt;
}

std::optional<Allowance> Reader::AsAllowance(const json::value& v, const std::string& path) {
  std::optional<std::string> text = AsString(v, path);
  if (!text) return std::nullopt;
  std::optional<Allowance> a = Allowance::Parse(*text);
  if (!a) {
    Error(
        path, "allowance",
        "'" + *text + "' is not an allowance such as \"2 hours\", \"3 days\", \"15 working days\"");
    return std::nullopt;
  }
  if (a->amount <= 0) {
    Error(path, "not_positive", "'" + *text + "': an allowance must be positive");
    return std::nullopt;
  }
  int64_t days = a->unit == Allowance::Unit::kHours ? a->amount / 24 : a->amount;
  if (days > kMaxDays) {
    Error(path, "too_long", "'" + *text + "' is longer than ten years");
    return std::nullopt;
  }
  return a;
}

std::optional<Money> Reader::AsMoney(const json::value& v, const std::string& path, bool positive) {
  std::optional<std::string> text = AsString(v, path);
  if (!text) return std::nullopt;
  Result<Money> m = ParseMoney(*text, path, /*allow_negative=*/true);
  if (!m.ok()) {
    Error(path, "money",
          m.status().errors().empty() ? m.status().message() : m.status().errors()[0].message);
    return std::nullopt;
  }
  if (*m < 0 || (positive && *m == 0)) {
    Error(path, "not_positive",
          "'" + *text + "': the amount must be " + (positive ? "positive" : "zero or more"));
    return std::nullopt;
  }
  return *m;
}

std::optional<std::chrono::sys_days> Reader::AsDate(const json::value& v, const std::string& path) {
  std::optional<std::string> text = AsString(v, path);
  if (!text) return std::nullopt;
  Result<std::chrono::year_month_day> d = ParseDate(*text);
  if (!d.ok()) {
    Error(path, "date", "'" + *text + "' is not a date such as \"2026-10-01\"");
    return std::nullopt;
  }
  return std::chrono::sys_days(*d);
}

std::optional<Duration> Reader::AsElapsed(const json::value& v, const std::string& path) {
  std::optional<std::string> text = AsString(v, path);
  if (!text) return std::nullopt;
  std::string_view s = *text;
  size_t space = std::min(s.find(' '), s.size());
  std::string_view unit = space < s.size() ? s.substr(space + 1) : "";
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + space, n);
  int64_t minutes_per_unit = unit == "minute" || unit == "minutes" ? 1
                             : unit == "hour" || unit == "hours"   ? 60
                             : unit == "day" || unit == "days"     ? 24 * 60
                                                                   : 0;
  if (ec != std::errc() || end != s.data() + space || minutes_per_unit == 0) {
    Error(
        path, "duration",
        "'" + *text + "' is not an elapsed duration such as \"5 minutes\", \"8 hours\", \"1 day\"");
    return std::nullopt;
  }
  if (n <= 0) {
    Error(path, "not_positive", "'" + *text + "': a duration must be positive");
    return std::nullopt;
  }
  if (n > kMaxDays * 24 * 60 / minutes_per_unit) {  // checked before multiplying: no overflow
    Error(path, "too_long", "'" + *text + "' is longer than ten years");
    return std::nullopt;
  }
  return std::chrono::minutes(n * minutes_per_unit);
}

std::optional<int64_t> Reader::AsHundredths(const json::value& v, const std::string& path) {
  if (v.is_int64() || v.is_uint64()) {
    std::optional<int64_t> i = AsInt(v, path);
    if (!i) return std::nullopt;
    if (*i > INT64_MAX / 100 || *i < INT64_MIN / 100) {
      Error(path, "score", "the number is out of range");
      return std::nullopt;
    }
    return *i * 100;
  }
  if (!v.is_double()) {
    Error(path, "type", "expected a number, found " + std::string(KindName(v)));
    return std::nullopt;
  }
  double scaled = v.get_double() * 100.0;
  double rounded = std::round(scaled);
  if (!std::isfinite(scaled) || std::fabs(rounded) > 1e15) {
    Error(path, "score", "the number is out of range");
    return std::nullopt;
  }
  if (std::fabs(scaled - rounded) > 1e-6) {
    Error(path, "precision", "at most two decimals are allowed");
    return std::nullopt;
  }
  return int64_t(rounded);
}

std::optional<std::vector<std::string>> Reader::AsStringList(const json::value& v,
                                                             const std::string& path) {
  const json::array* a = Array(v, path);
  if (!a) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (size_t i = 0; i < a->size(); ++i) {
    std::optional<std::string> s = AsString((*a)[i], Child(path, i));
    if (s)
      out.push_back(std::move(*s));
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> Reader::StringAt(const json::object& o, const std::string& path,
                                            std::string_view key, bool required) {
  const json::value* v = Member(o, path, key, required);
  return v ? AsString(*v, Child(path, key)) : std::nullopt;
}

std::optional<int64_t> Reader::IntAt(const json::object& o, const std::string& path,
                                     std::string_view key, bool required) {
  const json::value* v = Member(o, path, key, required);
  return v ? AsInt(*v, Child(path, key)) : std::nullopt;
}

std::optional<bool> Reader::BoolAt(const json::object& o, const std::string& path,
                                   std::string_view key, bool required) {
  const json::value* v = Member(o, path, key, required);
  return v ? AsBool(*v, Child(path, key)) : std::nullopt;
}

std::optional<Allowance> Reader::AllowanceAt(const json::object& o, const std::string& path,
                                             std::string_view key, bool required) {
  const json::value* v = Member(o, path, key, required);
  return v ? AsAllowance(*v, Child(path, key)) : std::nullopt;
}

std::optional<Money> Reader::MoneyAt(const json::object& o, const std::string& path,
                                     std::string_view key, bool required, bool positive) {
  const json::value* v = Member(o, path, key, required);
  return v ? AsMoney(*v, Child(path, key), positive) : std::nullopt;
}

std::optional<Duration> Reader::ElapsedAt(const json::object& o, const std::string& path,
                                          std::string_view key, bool required) {
  const json::value* v = Member(o, path, key, required);
  return v ? AsElapsed(*v, Child(path, key)) : std::nullopt;
}

std::optional<std::vector<std::string>> Reader::StringListAt(const json::object& o,
                                                             const std::string& path,
                                                             std::string_view key, bool required) {
  const json::value* v = Member(o, path, key, required);
  return v ? AsStringList(*v, Child(path, key)) : std::nullopt;
}

std::vector<std::string_view> LevelNames() {
  std::vector<std::string_view> out;
  for (Level l : kAllLevels) out.push_back(LevelName(l));
  return out;
}

std::vector<std::string_view> ClosureClassNames() {
  std::vector<std::string_view> out;
  for (int i = 0; i < kClosureClassCount; ++i) out.push_back(ClosureClassName(ClosureClass(i)));
  return out;
}

}  // namespace ledger::domain::policy_json
