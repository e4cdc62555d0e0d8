#include "ledger/domain/rules.h"

#include <algorithm>

namespace ledger::domain {
namespace {

bool Recurrence(const ComplaintState& s, Level after) {
  for (size_t i = 0; i + 1 < s.cycles.size(); ++i)
    if (s.cycles[i].clock.closed && s.cycles[i].level_at_close >= after) return true;
  for (const LinkRecord& l : s.links)
    if (l.relation == "second_complaint" && l.other_level >= after) return true;
  return false;
}

// "Not resolved N after intake, paused time not counted": the deadline moves by every pause that
// starts before it; the first resolution (or closure) of any cycle counts as resolved.
bool Unresolved(const ComplaintState& s, const Policy& p, const Allowance& a, Time as_of) {
  Time deadline = AddAllowance(s.intake.at, a, p.calendar);
  for (const PauseFact& pause : s.pauses) {
    if (pause.start.at >= deadline) break;
    Time end = pause.end ? pause.end->at : as_of;
    if (end > pause.start.at) deadline += end - pause.start.at;
  }
  for (const CycleRecord& c : s.cycles) {
    if (c.resolved && c.resolved->at <= deadline) return false;
    if (c.clock.closed && c.clock.closed->at <= deadline) return false;
  }
  return as_of >= deadline;
}

}  // namespace

bool RuleMatches(const EscalationRule& rule, const ComplaintState& s, const Policy& policy,
                 std::optional<Time> as_of) {
  const EscalationCondition& w = rule.when;
  bool any = false;
  auto check = [&](bool holds) {
    any = true;
    return holds;
  };
  if (w.headcount_min && !check(s.headcount >= *w.headcount_min)) return false;
  if (w.headcount_max && !check(s.headcount <= *w.headcount_max)) return false;
  if (!w.any_flag.empty()) {
    bool found = std::any_of(w.any_flag.begin(), w.any_flag.end(),
                             [&](const std::string& f) { return s.HasFlag(f); });
    if (!check(found)) return false;
  }
  if (w.compensation_above && !check(s.claimed_compensation > *w.compensation_above)) return false;
  if (w.compensation_at_most &&
      !check(s.claimed_compensation > 0 && s.claimed_compensation <= *w.compensation_at_most))
    return false;
  if (w.same_issue_complainants_min &&
      !check(s.same_issue_complainants >= *w.same_issue_complainants_min))
    return false;
  if (w.same_target_complaints_min && !check(s.target_complaints >= *w.same_target_complaints_min))
    return false;
  if (w.recurrence_after && !check(Recurrence(s, *w.recurrence_after))) return false;
  if (w.unresolved_for) {
    if (!as_of) return false;
    if (!check(Unresolved(s, policy, *w.unresolved_for, *as_of))) return false;
  }
  return any;
}

RuleMatch EvaluateRules(const ComplaintState& s, const Policy& policy, std::optional<Time> as_of) {
  RuleMatch m;
  for (const EscalationRule& rule : policy.escalation) {
    if (!RuleMatches(rule, s, policy, as_of)) continue;
    std::string tagged = rule.code + ":" + std::string(LevelName(rule.level));
    if (std::find(m.all_matches.begin(), m.all_matches.end(), tagged) == m.all_matches.end())
      m.all_matches.push_back(tagged);
    if (rule.level > m.level) {
      m.level = rule.level;
      m.codes.clear();
    }
    if (rule.level == m.level &&
        std::find(m.codes.begin(), m.codes.end(), rule.code) == m.codes.end())
      m.codes.push_back(rule.code);
  }
  if (m.level == Level::kGeneral) m.codes.clear();
  return m;
}

ClockFacts ClockFactsOf(const ComplaintState& s, const Policy& policy) {
  ClockFacts f;
  f.intake = s.intake;
  f.policy_version = s.policy_version;
  f.received_by_customer_service = s.receiving_department == policy.organisation.customer_service;
  f.safety_risk = s.HasFlag("safety_risk");
  f.about_staff = s.about_staff();
  if (const Category* c = policy.FindCategory(s.category)) f.closure_class = c->closure_class;
  for (const LevelRecord& l : s.levels) f.levels.push_back(l.change);
  if (s.transmitted && s.transmitted_to_department == policy.organisation.customer_service)
    f.transmitted = s.transmitted;
  if (!s.assignments.empty()) f.assigned = s.assignments.front().at;
  f.responded = s.first_response;
  if (!s.plans.empty()) f.plan_proposed = s.plans.front().proposed;
  if (s.valid.value_or(false)) f.valid_since = s.assessed;
  if (s.valid && !*s.valid) f.found_invalid = s.assessed;
  f.staff_decision = s.staff_decision;
  for (const CycleRecord& c : s.cycles) f.cycles.push_back(c.clock);
  f.pauses = s.pauses;
  for (const ExtensionRecord& x : s.extensions) f.extensions.push_back(x.fact);
  return f;
}

}  // namespace ledger::domain
