// The "fines" (derived amounts, closure_overdue tiers, recorded rules), "rewards" (weights and
// score tiers) and "survey" sections.
#include <algorithm>
#include <array>
#include <set>

#include "ledger/domain/policy_json_sections.h"

namespace ledger::domain::policy_json {
namespace {

// Names of the derived rules: a recorded rule may not reuse one.
constexpr std::array<std::string_view, 5> kDerivedRules = {
    "no_plan", "cs_transmission_late", "transmission_late", "response_late", "closure_overdue"};

constexpr int64_t kMaxTierDay = 3650;

std::string Hundredths(int64_t h) { return FormatMoney(h); }  // 9500 -> "95.00"

void ReadOverdueTiers(Reader& r, const json::value& v, const std::string& path, Fines* out) {
  const json::array* a = r.Array(v, path);
  if (!a) return;
  if (a->empty()) r.Error(path, "empty", "at least one tier is required");
  int64_t next_day = 1;  // the day the next tier must start at; 0 once unknown
  for (size_t i = 0; i < a->size(); ++i) {
    const std::string p = Child(path, i);
    const json::object* o = r.Object((*a)[i], p, {"from_day", "to_day", "per_day"});
    if (!o) {
      next_day = 0;
      continue;
    }
    std::optional<int64_t> from = r.IntAt(*o, p, "from_day", kRequired);
    std::optional<int64_t> to = r.IntAt(*o, p, "to_day", kRequired);
    std::optional<Money> per_day = r.MoneyAt(*o, p, "per_day", kRequired);
    if (from && next_day != 0 && *from != next_day) {
      std::string rule = i == 0 ? "tiers_start" : *from > next_day ? "tier_gap" : "tier_overlap";
      r.Error(Child(p, "from_day"), rule,
              "this tier must start at day " + std::to_string(next_day) +
                  (i == 0 ? " (tiers are contiguous from day 1)"
                          : ", the day after the previous tier"));
    }
    if (from && to && *to < *from)
      r.Error(Child(p, "to_day"), "range_order", "to_day is before from_day");
    if (to && *to > kMaxTierDay) {
      r.Error(Child(p, "to_day"), "too_long", "a tier beyond day 3650");
      to.reset();
    }
    next_day = to ? *to + 1 : 0;
    if (from && to && per_day) out->closure_overdue.push_back({*from, *to, *per_day});
  }
}

void ReadRecorded(Reader& r, const json::value& v, const std::string& p,
                  std::set<std::string>* seen, Fines* out) {
  const json::object* o = r.Object(v, p, {"rule", "amount", "min", "max", "charged_to", "note"});
  if (!o) return;
  RecordedFineRule rule;
  std::optional<std::string> id = r.StringAt(*o, p, "rule", kRequired);
  if (id && std::find(kDerivedRules.begin(), kDerivedRules.end(), *id) != kDerivedRules.end())
    r.Error(Child(p, "rule"), "reserved_id", "'" + *id + "' is a derived rule");
  else if (id && !seen->insert(*id).second)
    r.Error(Child(p, "rule"), "duplicate", "rule '" + *id + "' is defined twice");
  if (o->contains("amount")) rule.amount = r.MoneyAt(*o, p, "amount", kOptional);
  if (o->contains("min") || o->contains("max")) {
    rule.min = r.MoneyAt(*o, p, "min", kRequired);
    rule.max = r.MoneyAt(*o, p, "max", kRequired);
    if (o->contains("amount"))
      r.Error(Child(p, "amount"), "conflicting_keys", "give either an amount or a min/max range");
    if (rule.min && rule.max && *rule.min > *rule.max)
      r.Error(Child(p, "max"), "range_order", "max is below min");
  }
  if (auto s = r.StringAt(*o, p, "charged_to", kRequired)) rule.charged_to = *s;
  if (o->contains("note"))
    if (auto s = r.StringAt(*o, p, "note", kOptional)) rule.note = *s;
  if (id) rule.rule = *id, out->recorded.push_back(std::move(rule));
}

struct Bound {
  int64_t value = 0;
  bool inclusive = true;
};

// One of two members naming the same bound with different inclusivity ("from" / "above").
std::optional<Bound> ReadBound(Reader& r, const json::object& o, const std::string& p,
                               std::string_view inclusive_key, std::string_view exclusive_key,
                               bool required) {
  bool has_in = o.contains(inclusive_key), has_ex = o.contains(exclusive_key);
  if (has_in && has_ex) {
    r.Error(
        Child(p, exclusive_key), "conflicting_keys",
        "give either '" + std::string(inclusive_key) + "' or '" + std::string(exclusive_key) + "'");
    return std::nullopt;
  }
  if (!has_in && !has_ex) {
    if (required)
      r.Error(Child(p, inclusive_key), "required",
              "'" + std::string(inclusive_key) + "' or '" + std::string(exclusive_key) +
                  "' is required");
    return std::nullopt;
  }
  std::string_view key = has_in ? inclusive_key : exclusive_key;
  std::optional<int64_t> h = r.AsHundredths(*o.if_contains(key), Child(p, key));
  if (h && (*h < 0 || *h > 10000)) {
    r.Error(Child(p, key), "score_range", "a composite score is between 0 and 100");
    return std::nullopt;
  }
  if (!h) return std::nullopt;
  return Bound{*h, has_in};
}

// Tier i must start exactly where tier i-1 ended: the same bound, the other inclusivity.
void CheckContiguous(Reader& r, const std::string& p, const RewardTier& prev,
                     const RewardTier& next) {
  if (!prev.max) {
    r.Error(p, "tier_overlap", "the previous tier has no upper bound, so it covers this one");
    return;
  }
  bool meets = next.min == *prev.max && next.min_inclusive != prev.max_inclusive;
  if (meets) return;
  bool overlap = next.min < *prev.max || (next.min == *prev.max && next.min_inclusive);
  r.Error(p, overlap ? "tier_overlap" : "tier_gap",
          std::string(overlap ? "overlaps" : "leaves a gap after") +
              " the previous tier, which ends " + (prev.max_inclusive ? "at " : "below ") +
              Hundredths(*prev.max));
}

std::optional<RewardTier> ReadRewardTier(Reader& r, const json::value& v, const std::string& p) {
  const json::object* o = r.Object(v, p, {"from", "above", "to", "below", "amount"});
  if (!o) return std::nullopt;
  std::optional<Bound> lower = ReadBound(r, *o, p, "from", "above", true);
  std::optional<Bound> upper = ReadBound(r, *o, p, "to", "below", false);
  std::optional<Money> amount = r.MoneyAt(*o, p, "amount", kRequired);
  if (!lower || !amount) return std::nullopt;
  RewardTier t{lower->value, lower->inclusive, std::nullopt, false, *amount};
  if (upper) {
    t.max = upper->value;
    t.max_inclusive = upper->inclusive;
    if (upper->value < lower->value ||
        (upper->value == lower->value && !(upper->inclusive && lower->inclusive)))
      r.Error(p, "range_order", "the tier's upper bound is not above its lower bound");
  }
  return t;
}

void ReadRewardTiers(Reader& r, const json::value& v, const std::string& path, Rewards* out) {
  const json::array* a = r.Array(v, path);
  if (!a) return;
  if (a->empty()) r.Error(path, "empty", "at least one tier is required");
  std::optional<RewardTier> prev;
  for (size_t i = 0; i < a->size(); ++i) {
    std::optional<RewardTier> t = ReadRewardTier(r, (*a)[i], Child(path, i));
    if (t && prev) CheckContiguous(r, Child(path, i), *prev, *t);
    if (t) out->tiers.push_back(*t);
    prev = t;
  }
}

std::optional<int64_t> Percent(Reader& r, const json::object& o, const std::string& p,
                               std::string_view key) {
  std::optional<int64_t> n = r.IntAt(o, p, key, kRequired);
  if (n && (*n < 0 || *n > 100)) {
    r.Error(Child(p, key), "percent", "a weight is a percentage between 0 and 100");
    return std::nullopt;
  }
  return n;
}

}  // namespace

void ReadFines(Reader& r, const json::value& v, const std::string& path, Fines* out) {
  const json::object* o =
      r.Object(v, path,
               {"no_plan", "cs_transmission_late", "transmission_late", "response_late",
                "closure_overdue", "beyond_tiers_rule", "recorded"});
  if (!o) return;
  if (auto m = r.MoneyAt(*o, path, "no_plan", kRequired)) out->no_plan = *m;
  if (auto m = r.MoneyAt(*o, path, "cs_transmission_late", kRequired))
    out->cs_transmission_late = *m;
  if (auto m = r.MoneyAt(*o, path, "transmission_late", kRequired)) out->transmission_late = *m;
  if (auto m = r.MoneyAt(*o, path, "response_late", kRequired)) out->response_late = *m;
  if (const json::value* t = r.Member(*o, path, "closure_overdue", kRequired))
    ReadOverdueTiers(r, *t, Child(path, "closure_overdue"), out);
  std::set<std::string> seen;
  if (const json::value* rec = r.Member(*o, path, "recorded", kRequired)) {
    const std::string rec_path = Child(path, "recorded");
    if (const json::array* a = r.Array(*rec, rec_path))
      for (size_t i = 0; i < a->size(); ++i)
        ReadRecorded(r, (*a)[i], Child(rec_path, i), &seen, out);
  }
  if (auto s = r.StringAt(*o, path, "beyond_tiers_rule", kRequired)) {
    out->beyond_tiers_rule = *s;
    if (!seen.count(*s))
      r.Error(Child(path, "beyond_tiers_rule"), "unknown_fine_rule",
              "'" + *s + "' is not one of the recorded rules (" + path + "/recorded)");
  }
}

void ReadRewards(Reader& r, const json::value& v, const std::string& path, const Organisation& org,
                 Rewards* out) {
  const json::object* o = r.Object(
      v, path,
      {"customer_weight_percent", "platform_weight_percent", "tiers", "excluded_departments"});
  if (!o) return;
  std::optional<int64_t> customer = Percent(r, *o, path, "customer_weight_percent");
  std::optional<int64_t> platform = Percent(r, *o, path, "platform_weight_percent");
  if (customer && platform && *customer + *platform != 100)
    r.Error(Child(path, "platform_weight_percent"), "weights_sum",
            "the two weights must add up to 100");
  if (customer) out->customer_weight_percent = *customer;
  if (platform) out->platform_weight_percent = *platform;
  if (const json::value* t = r.Member(*o, path, "tiers", kRequired))
    ReadRewardTiers(r, *t, Child(path, "tiers"), out);
  if (!o->contains("excluded_departments")) return;
  auto excluded = r.StringListAt(*o, path, "excluded_departments", kOptional);
  for (size_t i = 0; excluded && i < excluded->size(); ++i)
    if (!org.FindDepartment((*excluded)[i]))
      r.Error(Child(Child(path, "excluded_departments"), i), "unknown_department",
              "'" + (*excluded)[i] + "' is not a department of the organisation");
  if (excluded) out->excluded_departments = *excluded;
}

void ReadSurvey(Reader& r, const json::value& v, const std::string& path, Survey* out) {
  const json::object* o = r.Object(v, path, {"min_score", "max_score", "reason_below"});
  if (!o) return;
  std::optional<int64_t> lo = r.IntAt(*o, path, "min_score", kRequired);
  std::optional<int64_t> hi = r.IntAt(*o, path, "max_score", kRequired);
  std::optional<int64_t> below = r.IntAt(*o, path, "reason_below", kRequired);
  if (lo && hi && *lo >= *hi)
    r.Error(Child(path, "max_score"), "score_range", "max_score must be above min_score");
  if (lo && hi && below && (*below <= *lo || *below > *hi))
    r.Error(Child(path, "reason_below"), "score_range",
            "reason_below must be above min_score and at most max_score");
  if (lo) out->min_score = *lo;
  if (hi) out->max_score = *hi;
  if (below) out->reason_below = *below;
}

}  // namespace ledger::domain::policy_json
