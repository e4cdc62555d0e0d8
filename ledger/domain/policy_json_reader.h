// Reader: typed, path-aware access to a parsed JSON document that collects every problem as a
// FieldError, instead of stopping at the first. Internal to the policy file parser
// (policy_json*.cc); docs/policy-format.md lists the rules it reports.
//
// Paths are JSON Pointers (RFC 6901): "" is the document, "/categories/3/first_responsible" a
// member. Every accessor takes the path of the value (or of the object holding the member), and
// reports problems there: "type" (wrong JSON type), "required" (a missing member), "unknown_key"
// (a member the format does not define, usually a typo), and the value rules ("allowance",
// "not_positive", "money", "date", "duration", "empty", "score", "precision").
//
// Thread-safety: one Reader per parse; not shared.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/base/time.h"
#include "ledger/domain/money.h"
#include "ledger/domain/policy.h"

namespace ledger::domain::policy_json {

namespace json = boost::json;

// "/a" + "b/c" -> "/a/b~1c" (RFC 6901 escaping of '~' and '/').
std::string Child(std::string_view path, std::string_view key);
std::string Child(std::string_view path, size_t index);

inline constexpr bool kRequired = true;
inline constexpr bool kOptional = false;

class Reader {
 public:
  void Error(std::string path, std::string rule, std::string message);
  const std::vector<FieldError>& errors() const { return errors_; }

  // `v` as an object whose members are all named in `allowed`; each other member is reported as
  // "unknown_key" at its own path. nullptr, with a "type" error, when `v` is not an object.
  const json::object* Object(const json::value& v, const std::string& path,
                             std::initializer_list<std::string_view> allowed);
  // `v` as an object keyed by names from `names` (levels, closure classes): an unknown key is
  // reported with `unknown_rule`; a missing name as "required" when `all_required`.
  const json::object* KeyedObject(const json::value& v, const std::string& path,
                                  const std::vector<std::string_view>& names,
                                  std::string_view unknown_rule, bool all_required);
  const json::array* Array(const json::value& v, const std::string& path);

  // The member `key` of `o` (whose path is `path`); nullptr when absent, reported as "required"
  // when `required`.
  const json::value* Member(const json::object& o, const std::string& path, std::string_view key,
                            bool required);

  // Values. nullopt when mistyped or invalid (reported at `path`).
  std::optional<std::string> AsString(const json::value& v, const std::string& path);
  std::optional<int64_t> AsInt(const json::value& v, const std::string& path);
  std::optional<bool> AsBool(const json::value& v, const std::string& path);
  // "2 hours", "3 days", "15 working days"; the amount must be positive.
  std::optional<Allowance> AsAllowance(const json::value& v, const std::string& path);
  // "300.00"; must be positive when `positive`, else at least zero.
  std::optional<Money> AsMoney(const json::value& v, const std::string& path, bool positive);
  // "2026-10-01".
  std::optional<std::chrono::sys_days> AsDate(const json::value& v, const std::string& path);
  // "5 minutes", "8 hours", "1 day": an elapsed, positive duration.
  std::optional<Duration> AsElapsed(const json::value& v, const std::string& path);
  // A number with at most two decimals, in hundredths: 95 -> 9500, 97.5 -> 9750.
  std::optional<int64_t> AsHundredths(const json::value& v, const std::string& path);
  // An array of non-empty strings.
  std::optional<std::vector<std::string>> AsStringList(const json::value& v,
                                                       const std::string& path);

  // Members: Member() then the value accessor at the member's path.
  std::optional<std::string> StringAt(const json::object& o, const std::string& path,
                                      std::string_view key, bool required);
  std::optional<int64_t> IntAt(const json::object& o, const std::string& path, std::string_view key,
                               bool required);
  std::optional<bool> BoolAt(const json::object& o, const std::string& path, std::string_view key,
                             bool required);
  std::optional<Allowance> AllowanceAt(const json::object& o, const std::string& path,
                                       std::string_view key, bool required);
  std::optional<Money> MoneyAt(const json::object& o, const std::string& path, std::string_view key,
                               bool required, bool positive = true);
  std::optional<Duration> ElapsedAt(const json::object& o, const std::string& path,
                                    std::string_view key, bool required);
  std::optional<std::vector<std::string>> StringListAt(const json::object& o,
                                                       const std::string& path,
                                                       std::string_view key, bool required);

 private:
  std::vector<FieldError> errors_;
};

// The lower-case names of all levels / closure classes, for KeyedObject().
std::vector<std::string_view> LevelNames();
std::vector<std::string_view> ClosureClassNames();

}  // namespace ledger::domain::policy_json
