#include "ledger/domain/escalation.h"

#include <algorithm>

#include "ledger/base/capnp_util.h"
#include "ledger/domain/decide_internal.h"
#include "ledger/domain/rules.h"

namespace ledger::domain {
namespace {

// The instant before which no rise is dated: the intake, or the last level change after it.
Time Floor(const ComplaintState& s) {
  Time floor = s.intake.at;
  for (const LevelRecord& l : s.levels) floor = std::max(floor, l.change.when.at);
  return floor;
}

// Whether a rule level `level` reached at a time would raise the complaint: above the level in
// force, and not below a level customer service set while this rule level already held.
bool Raises(const ComplaintState& s, Level level) {
  if (level <= s.level()) return false;
  const LevelRecord& last = s.levels.back();
  return !(last.manual && last.rule_level >= level);
}

Decision Escalation(const ComplaintState& s, const RuleMatch& m, Time at,
                    const std::string& causation, uint32_t target_complaints,
                    uint32_t same_issue_complainants) {
  Decision decision;
  PendingEvent p;
  p.message = std::make_unique<capnp::MallocMessageBuilder>(64);
  auto e = p.message->initRoot<schema::DomainEvent>().initLevelEscalated();
  e.setLevel(AsText(std::string(LevelName(m.level))));
  e.setPreviousLevel(AsText(std::string(LevelName(s.level()))));
  SetList(e.initRules(unsigned(m.codes.size())), m.codes);
  e.setTargetComplaints(target_complaints);
  e.setSameIssueComplainants(same_issue_complainants);
  p.type = std::string(EventTypeName(schema::DomainEvent::LEVEL_ESCALATED));
  p.actor = {"system", "system", ""};
  p.occurred_at = at;
  p.causation_id = causation;
  decision.events.push_back(std::move(p));
  return decision;
}

// When a time rule's allowance runs out: intake plus the allowance, moved by every pause that
// starts before it; nullopt when a pause that started before it still runs (the deadline is not
// known yet) or the complaint was resolved or closed by then (the rule never matches).
std::optional<Time> UnresolvedDeadline(const ComplaintState& s, const Policy& p,
                                       const Allowance& a) {
  Time deadline = AddAllowance(s.intake.at, a, p.calendar);
  for (const PauseFact& pause : s.pauses) {
    if (pause.start.at >= deadline) break;
    if (!pause.end) return std::nullopt;
    if (pause.end->at > pause.start.at) deadline += pause.end->at - pause.start.at;
  }
  for (const CycleRecord& c : s.cycles) {
    if (c.resolved && c.resolved->at <= deadline) return std::nullopt;
    if (c.clock.closed && c.clock.closed->at <= deadline) return std::nullopt;
  }
  return deadline;
}

struct TimeRise {
  Time at{};
  RuleMatch match;
};

// The first instant a time rule raises the complaint, whether or not it has passed.
std::optional<TimeRise> FirstTimeRise(const ComplaintState& s, const Policy& p) {
  if (!s.exists() || s.closed()) return std::nullopt;
  const Time floor = Floor(s);
  std::vector<Time> instants;
  for (const EscalationRule& rule : p.escalation) {
    if (!rule.when.unresolved_for || rule.level <= s.level()) continue;
    if (std::optional<Time> d = UnresolvedDeadline(s, p, *rule.when.unresolved_for))
      instants.push_back(std::max(*d, floor));
  }
  std::sort(instants.begin(), instants.end());
  for (Time at : instants) {
    RuleMatch m = EvaluateRules(s, p, at);
    if (Raises(s, m.level)) return TimeRise{at, std::move(m)};
  }
  return std::nullopt;
}

}  // namespace

Decision DecideCrossEscalation(const ComplaintState& state, const Policy& policy,
                               const CrossFactsOverTime& facts, Time now,
                               const std::string& causation) {
  if (!state.exists() || state.closed()) return {};
  const Time floor = Floor(state);
  std::vector<Time> candidates{floor};
  for (Time t : facts.target_intakes)
    if (t > floor) candidates.push_back(t);
  if (facts.same_issue_complainants > 0 && facts.same_issue_at > floor)
    candidates.push_back(facts.same_issue_at);
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  ComplaintState next = state;  // the state with the other complaints' facts as of a candidate
  for (Time t : candidates) {
    if (t > now) break;
    const int64_t on_record =
        std::count_if(facts.target_intakes.begin(), facts.target_intakes.end(),
                      [&](Time intake) { return intake <= t; });
    next.target_complaints = std::max(state.target_complaints, on_record);
    next.same_issue_complainants =
        facts.same_issue_complainants > 0 && t >= facts.same_issue_at
            ? std::max(state.same_issue_complainants, facts.same_issue_complainants)
            : state.same_issue_complainants;
    RuleMatch m = EvaluateRules(next, policy, t);
    if (!Raises(state, m.level)) continue;
    return Escalation(state, m, t, causation, uint32_t(next.target_complaints),
                      uint32_t(next.same_issue_complainants));
  }
  return {};
}

std::optional<Time> NextTimeEscalation(const ComplaintState& state, const Policy& policy) {
  std::optional<TimeRise> rise = FirstTimeRise(state, policy);
  if (!rise) return std::nullopt;
  return rise->at;
}

Decision DecideTimeEscalation(const ComplaintState& state, const Policy& policy, Time now,
                              const std::string& causation) {
  std::optional<TimeRise> rise = FirstTimeRise(state, policy);
  if (!rise || rise->at > now) return {};
  return Escalation(state, rise->match, rise->at, causation, 0, 0);
}

std::string EscalationKey(const Decision& decision) {
  if (decision.events.empty()) return "";
  const PendingEvent& p = decision.events.front();
  return "esc:" + std::string(ledger::TextView(p.event().getLevelEscalated().getLevel())) + ":" +
         std::to_string(ToMicros(p.occurred_at));
}

}  // namespace ledger::domain
