// The "clocks" (per level), "closure" (per closure class) and "escalation" sections.
#include <map>

#include "ledger/domain/policy_json_sections.h"

namespace ledger::domain::policy_json {
namespace {

void ReadOneLevel(Reader& r, const json::value& v, const std::string& path, LevelClocks* out) {
  const json::object* o = r.Object(v, path, {"transmission", "response", "plan"});
  if (!o) return;
  if (auto a = r.AllowanceAt(*o, path, "transmission", kRequired)) out->transmission = *a;
  if (auto a = r.AllowanceAt(*o, path, "response", kRequired)) out->response = *a;
  if (auto a = r.AllowanceAt(*o, path, "plan", kRequired)) out->plan = *a;
}

void ReadOneClass(Reader& r, const json::value& v, const std::string& path, ClosureRule* out) {
  const json::object* o = r.Object(v, path, {"standard", "by_level", "target", "note"});
  if (!o) return;
  if (auto a = r.AllowanceAt(*o, path, "standard", kRequired)) out->standard = *a;
  if (o->contains("target"))
    if (auto a = r.AllowanceAt(*o, path, "target", kOptional)) out->target = *a;
  if (o->contains("note")) r.StringAt(*o, path, "note", kOptional);
  const json::value* by = o->if_contains("by_level");
  if (!by) return;
  const std::string by_path = Child(path, "by_level");
  const json::object* levels = r.KeyedObject(*by, by_path, LevelNames(), "unknown_level", false);
  if (!levels) return;
  for (Level l : kAllLevels)
    if (levels->contains(LevelName(l)))
      out->by_level[size_t(l)] = r.AllowanceAt(*levels, by_path, LevelName(l), kOptional);
}

// A count condition (headcount, complainants, complaints): at least 1.
std::optional<int64_t> Count(Reader& r, const json::object& o, const std::string& path,
                             std::string_view key) {
  if (!o.contains(key)) return std::nullopt;
  std::optional<int64_t> n = r.IntAt(o, path, key, kOptional);
  if (n && *n < 1) {
    r.Error(Child(path, key), "not_positive", "a count must be at least 1");
    return std::nullopt;
  }
  return n;
}

void ReadFlags(Reader& r, const json::object& o, const std::string& path, EscalationCondition* c) {
  if (!o.contains("any_flag")) return;
  auto flags = r.StringListAt(o, path, "any_flag", kOptional);
  if (!flags) return;
  if (flags->empty()) r.Error(Child(path, "any_flag"), "empty", "name at least one flag");
  for (size_t i = 0; i < flags->size(); ++i)
    if (!IsFlag((*flags)[i]))
      r.Error(Child(Child(path, "any_flag"), i), "unknown_flag",
              "'" + (*flags)[i] + "' is not a flag (" + std::string(FlagList()) + ")");
  c->any_flag = *flags;
}

void ReadCondition(Reader& r, const json::value& v, const std::string& path,
                   EscalationCondition* c) {
  const json::object* o =
      r.Object(v, path,
               {"headcount_min", "headcount_max", "any_flag", "compensation_above",
                "compensation_at_most", "same_issue_complainants_min", "same_target_complaints_min",
                "recurrence_after", "unresolved_for"});
  if (!o) return;
  if (o->empty()) r.Error(path, "no_condition", "an escalation rule needs at least one condition");
  c->headcount_min = Count(r, *o, path, "headcount_min");
  c->headcount_max = Count(r, *o, path, "headcount_max");
  if (c->headcount_min && c->headcount_max && *c->headcount_min > *c->headcount_max)
    r.Error(Child(path, "headcount_max"), "empty_range", "headcount_max is below headcount_min");
  ReadFlags(r, *o, path, c);
  if (o->contains("compensation_above"))
    c->compensation_above = r.MoneyAt(*o, path, "compensation_above", kOptional, false);
  if (o->contains("compensation_at_most"))
    c->compensation_at_most = r.MoneyAt(*o, path, "compensation_at_most", kOptional, true);
  c->same_issue_complainants_min = Count(r, *o, path, "same_issue_complainants_min");
  c->same_target_complaints_min = Count(r, *o, path, "same_target_complaints_min");
  if (auto s = o->contains("recurrence_after") ? r.StringAt(*o, path, "recurrence_after", kOptional)
                                               : std::nullopt) {
    c->recurrence_after = ParseLevel(*s);
    if (!c->recurrence_after)
      r.Error(Child(path, "recurrence_after"), "unknown_level", "'" + *s + "' is not a level");
  }
  if (o->contains("unresolved_for"))
    c->unresolved_for = r.AllowanceAt(*o, path, "unresolved_for", kOptional);
}

void ReadRule(Reader& r, const json::value& v, const std::string& path,
              std::map<std::string, Level>* levels_by_code, std::vector<EscalationRule>* out) {
  const json::object* o = r.Object(v, path, {"code", "level", "when", "note"});
  if (!o) return;
  EscalationRule rule;
  std::optional<std::string> code = r.StringAt(*o, path, "code", kRequired);
  std::optional<std::string> level_name = r.StringAt(*o, path, "level", kRequired);
  std::optional<Level> level = level_name ? ParseLevel(*level_name) : std::nullopt;
  if (o->contains("note")) r.StringAt(*o, path, "note", kOptional);
  if (level_name && !level)
    r.Error(Child(path, "level"), "unknown_level", "'" + *level_name + "' is not a level");
  if (level == Level::kGeneral)
    r.Error(Child(path, "level"), "not_an_escalation", "a rule cannot escalate to general");
  if (code && level) {
    auto [it, inserted] = levels_by_code->emplace(*code, *level);
    if (!inserted && it->second != *level)
      r.Error(Child(path, "level"), "conflicting_level",
              "rule code '" + *code + "' is used with another level elsewhere");
  }
  if (const json::value* when = r.Member(*o, path, "when", kRequired))
    ReadCondition(r, *when, Child(path, "when"), &rule.when);
  if (!code || !level) return;
  rule.code = *code;
  rule.level = *level;
  out->push_back(std::move(rule));
}

}  // namespace

void ReadLevelClocks(Reader& r, const json::value& v, const std::string& path,
                     std::array<LevelClocks, kLevelCount>* out) {
  const json::object* o = r.KeyedObject(v, path, LevelNames(), "unknown_level", true);
  if (!o) return;
  for (Level l : kAllLevels)
    if (const json::value* e = o->if_contains(LevelName(l)))
      ReadOneLevel(r, *e, Child(path, LevelName(l)), &(*out)[size_t(l)]);
}

void ReadClosure(Reader& r, const json::value& v, const std::string& path,
                 std::array<ClosureRule, kClosureClassCount>* out) {
  const json::object* o =
      r.KeyedObject(v, path, ClosureClassNames(), "unknown_closure_class", true);
  if (!o) return;
  for (int i = 0; i < kClosureClassCount; ++i) {
    std::string_view name = ClosureClassName(ClosureClass(i));
    if (const json::value* e = o->if_contains(name))
      ReadOneClass(r, *e, Child(path, name), &(*out)[size_t(i)]);
  }
}

void ReadEscalation(Reader& r, const json::value& v, const std::string& path,
                    std::vector<EscalationRule>* out) {
  const json::array* a = r.Array(v, path);
  if (!a) return;
  std::map<std::string, Level> levels_by_code;
  for (size_t i = 0; i < a->size(); ++i) ReadRule(r, (*a)[i], Child(path, i), &levels_by_code, out);
}

namespace {

// A list of alert thresholds: integer percentages, each 1..100, ascending.
std::vector<int> ReadThresholds(Reader& r, const json::value& v, const std::string& path) {
  std::vector<int> out;
  const json::array* a = r.Array(v, path);
  if (!a) return out;
  if (a->empty()) r.Error(path, "empty", "name at least one threshold");
  for (size_t i = 0; i < a->size(); ++i) {
    std::optional<int64_t> p = r.AsInt((*a)[i], Child(path, i));
    if (!p) continue;
    if (*p < 1 || *p > 100)
      r.Error(Child(path, i), "range", "a threshold is a percentage of the clock, 1 to 100");
    else if (!out.empty() && *p <= out.back())
      r.Error(Child(path, i), "not_ascending", "thresholds go up: each above the one before");
    else
      out.push_back(int(*p));
  }
  return out;
}

std::vector<std::string_view> ClockNames() {
  std::vector<std::string_view> out;
  for (int k = 0; k < kClockKindCount; ++k) out.push_back(ClockKindName(ClockKind(k)));
  return out;
}

}  // namespace

void ReadAlerts(Reader& r, const json::value& v, const std::string& path, AlertThresholds* out) {
  const json::object* o = r.Object(v, path, {"thresholds", "by_clock", "note"});
  if (!o) return;
  if (const json::value* t = r.Member(*o, path, "thresholds", kRequired))
    out->defaults = ReadThresholds(r, *t, Child(path, "thresholds"));
  if (o->contains("note")) r.StringAt(*o, path, "note", kOptional);
  const json::value* by = o->if_contains("by_clock");
  if (!by) return;
  const std::string by_path = Child(path, "by_clock");
  const json::object* clocks = r.KeyedObject(*by, by_path, ClockNames(), "unknown_clock", false);
  if (!clocks) return;
  for (const auto& [clock_name, levels_value] : *clocks) {
    std::optional<ClockKind> clock = ParseClockKind(clock_name);
    if (!clock) continue;
    const std::string clock_path = Child(by_path, clock_name);
    const json::object* levels =
        r.KeyedObject(levels_value, clock_path, LevelNames(), "unknown_level", false);
    if (!levels) continue;
    for (Level l : kAllLevels)
      if (const json::value* list = levels->if_contains(LevelName(l)))
        out->by[{*clock, l}] = ReadThresholds(r, *list, Child(clock_path, LevelName(l)));
  }
}

}  // namespace ledger::domain::policy_json
