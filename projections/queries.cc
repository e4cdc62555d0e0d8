#include "projections/queries.h"

#include <algorithm>

namespace projections {

namespace {

// Could the complaint contribute anything dated in [start, end)?
bool Relevant(const domain::ComplaintState& s, Time start, Time end) {
  if (s.intake.at >= end) return false;
  return !s.closed() || s.last_recorded_at >= start;
}

bool Overdue(const std::vector<domain::ClockResult>& clocks) {
  for (const domain::ClockResult& c : clocks)
    if (c.state == domain::ClockState::kMissed && !c.met) return true;
  return false;
}

}  // namespace

// Tighter than Relevant(): surveys and ratings recorded after closure do not make a month relevant.
bool MayAccrueIn(const domain::ComplaintState& s, Time start, Time end) {
  if (s.intake.at >= end) return false;
  if (!s.closed()) return true;
  Time last = s.cycles.back().clock.closed->at;
  for (const domain::RecordedFine& f : s.fines) last = std::max(last, f.at.at);
  return last >= start;
}

ListPage ListComplaints(const Scope& scope, const ListFilter& f) {
  ListPage page;
  const auto& all = scope.projection.complaints();
  auto it = f.cursor.empty() ? all.begin() : all.upper_bound(f.cursor);
  for (; it != all.end(); ++it) {
    const domain::ComplaintState& s = it->second.state;
    if (!s.exists() || (f.visible && !f.visible(s))) continue;
    const domain::Policy& p = OwnPolicy(s, scope.policies, scope.fallback);
    std::string status = s.closed() ? "closed" : "open";
    std::string level(domain::LevelName(s.level()));
    std::string department = s.responsible_department(p);
    std::string handler = s.assignment() ? s.assignment()->handler : "";
    if ((!f.status.empty() && f.status != status) || (!f.level.empty() && f.level != level) ||
        (!f.category.empty() && f.category != s.category) ||
        (!f.department.empty() && f.department != department) ||
        (!f.handler.empty() && f.handler != handler) || (!f.project.empty() && f.project != s.project) ||
        (f.from && s.intake.at < *f.from) || (f.to && s.intake.at >= *f.to))
      continue;
    std::vector<domain::ClockResult> clocks = ClocksOf(s, scope.policies, scope.fallback, scope.now);
    bool overdue = Overdue(clocks);
    if (f.overdue && *f.overdue != overdue) continue;
    if (page.items.size() == f.limit) {
      page.next_cursor = page.items.back().id;
      break;
    }
    ListItem item{s.id, status, std::string(domain::StageName(s.stage())), level, s.category,
                  department, handler, s.project, s.subject, s.intake.at, overdue, std::nullopt};
    for (const domain::ClockResult& c : clocks)
      if (c.state == domain::ClockState::kPending && c.due && (!item.next_due || *c.due < *item.next_due))
        item.next_due = c.due;
    page.items.push_back(std::move(item));
  }
  return page;
}

FinesReport FinesQuery(const Scope& scope, const Period& month, const std::string& department,
                       const std::string& person) {
  std::vector<domain::FineLine> lines;
  for (const auto& [id, t] : scope.projection.complaints()) {
    if (!t.state.exists() || !MayAccrueIn(t.state, month.start, month.end)) continue;
    const domain::Policy& p = OwnPolicy(t.state, scope.policies, scope.fallback);
    std::vector<domain::ClockResult> clocks = ClocksOf(t.state, scope.policies, scope.fallback, scope.now);
    for (domain::FineLine& l : domain::FineLines(t.state, p, clocks, scope.now))
      if (month.Contains(l.accrued)) lines.push_back(std::move(l));
  }
  return FinesFor(month, std::move(lines), department, person);
}

ledger::Result<FinePage> FinesPage(const Scope& scope, const FineQuery& q) {
  FinePage page;
  page.report = FinesQuery(scope, q.month, q.department, q.person);
  page.line_count = page.report.lines.size();
  page.evaluated_at = scope.now;
  LEDGER_ASSIGN_OR_RETURN(page.next_cursor, KeepLinePage(page.report, q.cursor, q.limit));
  return page;
}

std::vector<RewardRow> RewardsQuery(const Scope& scope, const Period& month) {
  std::vector<ComplaintFacts> facts;
  for (const auto& [id, t] : scope.projection.complaints()) {
    const domain::ComplaintState& s = t.state;
    if (!s.callback || !month.Contains(s.callback->at.at)) continue;
    facts.push_back(Derive(t, scope.policies, scope.fallback, scope.now).facts);
  }
  return RewardsFor(month, facts, scope.projection.ratings(), scope.fallback);
}

MetricsReport MetricsQuery(const Scope& scope, const Period& period, const std::string& project) {
  std::vector<ComplaintFacts> facts;
  for (const auto& [id, t] : scope.projection.complaints()) {
    const domain::ComplaintState& s = t.state;
    if (!s.exists() || (!project.empty() && s.project != project)) continue;
    bool received = period.Contains(s.intake.at);
    bool surveyed = s.callback && period.Contains(s.callback->at.at);
    if (!received && !surveyed) continue;
    facts.push_back(Derive(t, scope.policies, scope.fallback, scope.now).facts);
  }
  return MetricsFor(period, facts, project);
}

std::vector<Finding> FindingsQuery(const Scope& scope, std::optional<Time> from,
                                   std::optional<Time> to) {
  std::vector<Finding> all;
  for (const auto& [id, t] : scope.projection.complaints()) {
    if (!t.state.exists() || (to && t.state.intake.at >= *to)) continue;
    for (Finding& f : Derive(t, scope.policies, scope.fallback, scope.now).findings)
      all.push_back(std::move(f));
  }
  return FindingsIn(std::move(all), from, to);
}

std::vector<ResponsibilityRecord> ResponsibilityQuery(const Scope& scope,
                                                      const std::string& department,
                                                      const std::string& person,
                                                      const std::optional<Period>& month) {
  std::vector<ResponsibilityRecord> out;
  for (const auto& [id, t] : scope.projection.complaints()) {
    if (!t.state.exists()) continue;
    if (month && !Relevant(t.state, month->start, month->end)) continue;
    for (ResponsibilityRecord& r : Derive(t, scope.policies, scope.fallback, scope.now).responsibility) {
      if (!department.empty() && r.department != department) continue;
      if (!person.empty() && r.person != person) continue;
      if (month && (r.from >= month->end || (r.to && *r.to < month->start))) continue;
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace projections
