#include "projections/derive.h"

#include <algorithm>

namespace projections {

using domain::ClockKind;
using domain::ClockState;
using domain::Level;

namespace {

std::string ClockName(const domain::ClockResult& c) {
  std::string name(domain::ClockKindName(c.kind));
  if (c.kind == ClockKind::kClosure && c.cycle > 0)
    name += " (cycle " + std::to_string(c.cycle) + ")";
  return name;
}

// The time a clock was settled: met, or missed at its due.
std::optional<Time> SettledAt(const domain::ClockResult& c) {
  if (c.state == ClockState::kMet && c.met) return c.met->at;
  if (c.state == ClockState::kMissed && c.due) return *c.due;
  return std::nullopt;
}

// Adds the clocks settled in [from, to) to the record, filtered to the clock kinds of its role.
void Outcomes(ResponsibilityRecord& r, const std::vector<domain::ClockResult>& clocks,
              std::initializer_list<ClockKind> kinds) {
  for (const domain::ClockResult& c : clocks) {
    if (std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) continue;
    std::optional<Time> at = SettledAt(c);
    if (!at || *at < r.from || (r.to && *at > *r.to))
      continue;  // [from, to]: the hand-over act counts
    (c.state == ClockState::kMet ? r.met : r.missed).push_back(ClockName(c));
  }
}

void Charge(ResponsibilityRecord& r, const std::vector<domain::FineLine>& fines) {
  for (const domain::FineLine& f : fines) {
    if (f.waived || f.amount < 0) continue;
    bool person = !r.person.empty() &&
                  std::find(f.people.begin(), f.people.end(), r.person) != f.people.end();
    bool dept = r.person.empty() && std::find(f.departments.begin(), f.departments.end(),
                                              r.department) != f.departments.end();
    if ((person || dept) && f.accrued >= r.from && (!r.to || f.accrued <= *r.to))
      r.fines += f.amount;
  }
}

std::optional<Time> EndOfHandling(const domain::ComplaintState& s) {
  if (s.closed()) return s.cycles.back().clock.closed->at;
  return std::nullopt;
}

std::vector<ResponsibilityRecord> Responsibility(const domain::ComplaintState& s,
                                                 const domain::Policy& p,
                                                 const std::vector<domain::ClockResult>& clocks,
                                                 const std::vector<domain::FineLine>& fines) {
  std::vector<ResponsibilityRecord> out;
  const std::string& cs = p.organisation.customer_service;
  std::optional<Time> first_assigned;
  if (!s.assignments.empty()) first_assigned = s.assignments.front().at.at;
  std::optional<Time> end = EndOfHandling(s);

  ResponsibilityRecord receiver{
      s.id, "receiver", s.receiving_staff,  s.receiving_department, s.intake.at, {}, {},
      {},   0,          {s.intake.position}};
  receiver.to = s.transmitted    ? std::optional<Time>(s.transmitted->at)
                : first_assigned ? first_assigned
                                 : end;
  Outcomes(receiver, clocks, {ClockKind::kTransmission});
  if (s.receiving_department == cs) Outcomes(receiver, clocks, {ClockKind::kAssignment});
  out.push_back(std::move(receiver));

  if (s.transmitted && s.receiving_department != cs) {
    ResponsibilityRecord holder{s.id,
                                "customer_service",
                                s.transmitted_to_person,
                                cs,
                                s.transmitted->at,
                                first_assigned ? first_assigned : end,
                                {},
                                {},
                                0,
                                {s.transmitted->position}};
    Outcomes(holder, clocks, {ClockKind::kAssignment});
    out.push_back(std::move(holder));
  }
  for (size_t i = 0; i < s.assignments.size(); ++i) {
    const domain::AssignmentRecord& a = s.assignments[i];
    std::optional<Time> to =
        i + 1 < s.assignments.size() ? std::optional<Time>(s.assignments[i + 1].at.at) : end;
    auto kinds = {ClockKind::kResponse, ClockKind::kPlan, ClockKind::kClosure,
                  ClockKind::kStaffDecision};
    ResponsibilityRecord dept{s.id, "first_responsible", "", a.department, a.at.at, to, {}, {},
                              0,    {a.at.position}};
    Outcomes(dept, clocks, kinds);
    out.push_back(std::move(dept));
    ResponsibilityRecord handler{s.id, "handler", a.handler, a.department,   a.at.at, to,
                                 {},   {},        0,         {a.at.position}};
    Outcomes(handler, clocks, kinds);
    out.push_back(std::move(handler));
    for (const std::string& c : a.cooperating)
      out.push_back({s.id, "cooperating", "", c, a.at.at, to, {}, {}, 0, {a.at.position}});
    for (const std::string& person : a.first_responsible_people)
      out.push_back(
          {s.id, "first_responsible_person", person, "", a.at.at, to, {}, {}, 0, {a.at.position}});
  }
  for (const domain::PlanRecord& plan : s.plans) {
    if (!plan.reviewed) continue;
    out.push_back({s.id,
                   "plan_approver",
                   plan.reviewed_by,
                   "",
                   plan.reviewed->at,
                   plan.reviewed->at,
                   {},
                   {},
                   0,
                   {plan.reviewed->position}});
  }
  for (const domain::ExtensionRecord& x : s.extensions) {
    if (!x.fact.decided) continue;
    out.push_back({s.id,
                   "extension_approver",
                   x.decided_by,
                   "",
                   x.fact.decided->at,
                   x.fact.decided->at,
                   {},
                   {},
                   0,
                   {x.fact.decided->position}});
  }
  for (ResponsibilityRecord& r : out) Charge(r, fines);
  return out;
}

bool HasConfirmation(const domain::CycleRecord& c, std::string_view method, Time by) {
  for (const auto& [m, at] : c.confirmations)
    if (m == method && at.at <= by) return true;
  return false;
}

void StateFindings(const domain::ComplaintState& s, const domain::Policy& p,
                   const std::vector<domain::ClockResult>& clocks, Time as_of,
                   std::vector<Finding>* out) {
  for (const domain::LevelRecord& l : s.levels) {
    if (!l.manual || l.change.level >= l.rule_level) continue;
    out->push_back({"level_below_rule",
                    s.id,
                    l.change.when.at,
                    "level set to " + std::string(domain::LevelName(l.change.level)) +
                        " below the rule level " + std::string(domain::LevelName(l.rule_level)) +
                        ": " + l.reason,
                    {l.change.when.position}});
  }
  const domain::Category* cat = p.FindCategory(s.category);
  const bool engineering = cat && cat->closure_class == domain::ClosureClass::kEngineering;
  for (const domain::CycleRecord& c : s.cycles) {
    if (!c.clock.closed || c.basis != "customer_confirmed") continue;
    Time by = c.clock.closed->at;
    bool customer = HasConfirmation(c, "written", by) || HasConfirmation(c, "recorded_call", by);
    bool company = !engineering || HasConfirmation(c, "property_company", by);
    if (!customer || !company)
      out->push_back({"closure_without_confirmation",
                      s.id,
                      by,
                      customer ? "closed without the property company's written confirmation"
                               : "closed as customer_confirmed without the customer's confirmation",
                      {c.clock.closed->position}});
  }
  if (domain::OverdueBeyondTiers(s, p, clocks, as_of)) {
    bool recorded = std::any_of(s.fines.begin(), s.fines.end(), [&](const domain::RecordedFine& f) {
      return f.rule == p.fines.beyond_tiers_rule;
    });
    if (!recorded) {
      Time at = as_of;
      for (const domain::ClockResult& c : clocks)
        if (c.kind == ClockKind::kClosure && c.due)
          at = std::min(at, *c.due + std::chrono::hours(24 * p.fines.last_tier_day()));
      out->push_back({"overdue_15_unfined",
                      s.id,
                      at,
                      "closure more than " + std::to_string(p.fines.last_tier_day()) +
                          " days overdue and no " + p.fines.beyond_tiers_rule + " fine recorded",
                      {s.intake.position}});
    }
  }
  if (s.level() >= Level::kMajor) {
    for (const domain::ClockResult& c : clocks) {
      if ((c.kind != ClockKind::kTransmission && c.kind != ClockKind::kAssignment) ||
          c.state != ClockState::kMissed)
        continue;
      out->push_back({"late_transmission_major", s.id, *c.due,
                      std::string(domain::LevelName(s.level())) + " complaint: the " +
                          ClockName(c) + " deadline was missed (possible concealment)",
                      c.why.events});
    }
  }
}

ComplaintFacts Facts(const domain::ComplaintState& s, const domain::Policy& p,
                     const std::vector<domain::ClockResult>& clocks) {
  ComplaintFacts f;
  f.id = s.id;
  f.project = s.project;
  f.department = s.responsible_department(p);
  if (const domain::AssignmentRecord* a = s.assignment()) f.handler = a->handler;
  f.level = s.level();
  f.valid = s.valid.value_or(true);
  f.received = s.intake.at;
  if (s.first_response) f.first_response = s.first_response->at;
  if (!s.cycles.empty() && s.cycles.front().clock.closed)
    f.closed = s.cycles.front().clock.closed->at;
  f.closed_now = s.closed();
  for (const domain::ClockResult& c : clocks) {
    if (c.state == ClockState::kMet) ++f.met[size_t(c.kind)];
    if (c.state == ClockState::kMissed) ++f.missed[size_t(c.kind)];
  }
  if (s.callback) {
    const domain::CallbackRecord& cb = *s.callback;
    f.survey = ComplaintFacts::Survey{cb.at.at,      cb.acknowledged, cb.contacted,
                                      cb.timeliness, cb.plan,         cb.attitude};
  }
  return f;
}

}  // namespace

std::vector<domain::ClockResult> ClocksOf(const domain::ComplaintState& s,
                                          const PolicyLookup& policies,
                                          const domain::Policy& fallback, Time as_of) {
  const domain::Policy& p = OwnPolicy(s, policies, fallback);
  domain::PolicyForVersion lookup = [&](uint32_t v) -> const domain::Policy* {
    return policies ? policies(v) : nullptr;
  };
  return domain::EvaluateClocks(domain::ClockFactsOf(s, p), p, as_of, lookup);
}

Derived Derive(const TrackedComplaint& t, const PolicyLookup& policies,
               const domain::Policy& fallback, Time as_of) {
  const domain::ComplaintState& s = t.state;
  const domain::Policy& p = OwnPolicy(s, policies, fallback);
  Derived d;
  d.clocks = ClocksOf(s, policies, fallback, as_of);
  d.rule = domain::EvaluateRules(s, p, as_of);
  d.fines = domain::FineLines(s, p, d.clocks, as_of);
  d.responsibility = Responsibility(s, p, d.clocks, d.fines);
  d.findings = t.event_findings;
  StateFindings(s, p, d.clocks, as_of, &d.findings);
  d.facts = Facts(s, p, d.clocks);
  return d;
}

}  // namespace projections
