#include "projections/queries.h"

#include <algorithm>
#include <cstdlib>
#include <tuple>

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
    if (!s.exists() || !scope.Sees(s)) continue;
    const domain::Policy& p = OwnPolicy(s, scope.policies, scope.fallback);
    std::string status = s.closed() ? "closed" : "open";
    std::string level(domain::LevelName(s.level()));
    std::string department = s.responsible_department(p);
    std::string handler = s.assignment() ? s.assignment()->handler : "";
    if ((!f.status.empty() && f.status != status) || (!f.level.empty() && f.level != level) ||
        (!f.category.empty() && f.category != s.category) ||
        (!f.department.empty() && f.department != department) ||
        (!f.handler.empty() && f.handler != handler) ||
        (!f.project.empty() && f.project != s.project) || (f.from && s.intake.at < *f.from) ||
        (f.to && s.intake.at >= *f.to))
      continue;
    std::vector<domain::ClockResult> clocks =
        ClocksOf(s, scope.policies, scope.fallback, scope.now);
    bool overdue = Overdue(clocks);
    if (f.overdue && *f.overdue != overdue) continue;
    if (page.items.size() == f.limit) {
      page.next_cursor = page.items.back().id;
      break;
    }
    ListItem item{s.id,        status,     std::string(domain::StageName(s.stage())),
                  level,       s.category, department,
                  handler,     s.project,  s.subject,
                  s.intake.at, overdue,    std::nullopt};
    for (const domain::ClockResult& c : clocks)
      if (c.state == domain::ClockState::kPending && c.due &&
          (!item.next_due || *c.due < *item.next_due))
        item.next_due = c.due;
    page.items.push_back(std::move(item));
  }
  return page;
}

AlertPage AlertsQuery(const Scope& scope, const AlertFilter& f) {
  AlertPage page;
  const auto& all = scope.projection.complaints();
  auto it = f.cursor.empty() ? all.begin() : all.upper_bound(f.cursor);
  for (; it != all.end(); ++it) {
    const domain::ComplaintState& s = it->second.state;
    if (!s.exists() || s.closed() || !scope.Sees(s)) continue;
    std::vector<Alert> matching;
    for (Alert& a : CurrentAlerts(it->second, scope.policies, scope.fallback, scope.now)) {
      if ((!f.department.empty() && a.department != f.department) ||
          (!f.person.empty() && a.person != f.person) ||
          (!f.level.empty() && domain::LevelName(a.level) != f.level) ||
          (!f.clock.empty() && domain::ClockKindName(a.clock) != f.clock) ||
          (f.state == "missed" && !a.missed()) || (f.state == "due_soon" && a.missed()))
        continue;
      matching.push_back(std::move(a));
    }
    if (matching.empty()) continue;
    // A page ends between complaints (a complaint's alerts are never split), and only when
    // another complaint has a matching alert: the next page is never empty.
    if (page.alerts.size() >= f.limit) {
      page.next_cursor = page.alerts.back().complaint;
      break;
    }
    for (Alert& a : matching) page.alerts.push_back(std::move(a));
  }
  return page;
}

FinesReport FinesQuery(const Scope& scope, const Period& month, const std::string& department,
                       const std::string& person) {
  std::vector<domain::FineLine> lines;
  for (const auto& [id, t] : scope.projection.complaints()) {
    if (!t.state.exists() || !scope.Sees(t.state) || !MayAccrueIn(t.state, month.start, month.end))
      continue;
    const domain::Policy& p = OwnPolicy(t.state, scope.policies, scope.fallback);
    std::vector<domain::ClockResult> clocks =
        ClocksOf(t.state, scope.policies, scope.fallback, scope.now);
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
    if (!s.callback || !month.Contains(s.callback->at.at) || !scope.Sees(s)) continue;
    facts.push_back(Derive(t, scope.policies, scope.fallback, scope.now).facts);
  }
  return RewardsFor(month, facts, scope.projection.ratings(), scope.fallback);
}

MetricsReport MetricsQuery(const Scope& scope, const Period& period, const std::string& project) {
  std::vector<ComplaintFacts> facts;
  for (const auto& [id, t] : scope.projection.complaints()) {
    const domain::ComplaintState& s = t.state;
    if (!s.exists() || !scope.Sees(s) || (!project.empty() && s.project != project)) continue;
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
    if (!t.state.exists() || !scope.Sees(t.state) || (to && t.state.intake.at >= *to)) continue;
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
    if (!t.state.exists() || !scope.Sees(t.state)) continue;
    if (month && !Relevant(t.state, month->start, month->end)) continue;
    for (ResponsibilityRecord& r :
         Derive(t, scope.policies, scope.fallback, scope.now).responsibility) {
      if (!department.empty() && r.department != department) continue;
      if (!person.empty() && r.person != person) continue;
      if (month && (r.from >= month->end || (r.to && *r.to < month->start))) continue;
      out.push_back(std::move(r));
    }
  }
  return out;
}

namespace {

ledger::Status BadCursor() {
  return ledger::Status::InvalidArgument("the cursor is not one this list gave");
}

// Position of the first item after the one `cursor` names, in a list sorted by `less`.
template <typename T, typename Key>
ledger::Result<Page<T>> PageAfter(std::vector<T> items, const std::optional<Key>& after,
                                  size_t limit, Key (*key)(const T&),
                                  std::string (*cursor)(const T&)) {
  Page<T> page;
  page.total = items.size();
  size_t first = 0;
  if (after) {
    first = size_t(std::upper_bound(items.begin(), items.end(), *after,
                                    [&](const Key& k, const T& item) { return k < key(item); }) -
                   items.begin());
  }
  size_t last = std::min(items.size(), first + limit);
  if (last < items.size() && last > first) page.next_cursor = cursor(items[last - 1]);
  page.items.assign(std::make_move_iterator(items.begin() + first),
                    std::make_move_iterator(items.begin() + last));
  return page;
}

using FindingKey = std::tuple<int64_t, std::string, std::string, uint64_t>;
FindingKey KeyOf(const Finding& f) {
  return {ledger::ToMicros(f.at), f.complaint, f.kind, f.evidence.empty() ? 0 : f.evidence.front()};
}

using RecordKey = std::pair<std::string, uint64_t>;  // complaint, ordinal within it

}  // namespace

std::string FindingCursor(const Finding& f) {
  auto [at, complaint, kind, first] = KeyOf(f);
  return std::to_string(at) + "," + complaint + "," + kind + "," + std::to_string(first);
}

ledger::Result<Page<Finding>> PageOfFindings(std::vector<Finding> findings,
                                             const std::string& cursor, size_t limit) {
  std::sort(findings.begin(), findings.end(),
            [](const Finding& a, const Finding& b) { return KeyOf(a) < KeyOf(b); });
  std::optional<FindingKey> after;
  if (!cursor.empty()) {
    // "<micros>,<complaint>,<kind>,<position>": complaint ids and kinds have no commas.
    size_t a = cursor.find(','), b = cursor.find(',', a + 1), c = cursor.find(',', b + 1);
    if (a == std::string::npos || b == std::string::npos || c == std::string::npos)
      return BadCursor();
    char* end = nullptr;
    int64_t at = std::strtoll(cursor.c_str(), &end, 10);
    if (end != cursor.c_str() + a) return BadCursor();
    uint64_t first = std::strtoull(cursor.c_str() + c + 1, &end, 10);
    if (end != cursor.c_str() + cursor.size() || c + 1 == cursor.size()) return BadCursor();
    after = FindingKey{at, cursor.substr(a + 1, b - a - 1), cursor.substr(b + 1, c - b - 1), first};
  }
  return PageAfter<Finding, FindingKey>(std::move(findings), after, limit, KeyOf, FindingCursor);
}

ledger::Result<Page<ResponsibilityRecord>> PageOfResponsibility(
    std::vector<ResponsibilityRecord> records, const std::string& cursor, size_t limit) {
  // The records come grouped by complaint, in id order; number them within each complaint.
  std::vector<std::pair<RecordKey, ResponsibilityRecord>> keyed;
  keyed.reserve(records.size());
  for (ResponsibilityRecord& r : records) {
    uint64_t n = !keyed.empty() && keyed.back().first.first == r.complaint
                     ? keyed.back().first.second + 1
                     : 0;
    keyed.emplace_back(RecordKey{r.complaint, n}, std::move(r));
  }
  std::optional<RecordKey> after;
  if (!cursor.empty()) {
    size_t hash = cursor.rfind('~');
    if (hash == std::string::npos || hash == 0 || hash + 1 == cursor.size()) return BadCursor();
    char* end = nullptr;
    uint64_t n = std::strtoull(cursor.c_str() + hash + 1, &end, 10);
    if (end != cursor.c_str() + cursor.size()) return BadCursor();
    after = RecordKey{cursor.substr(0, hash), n};
  }
  using Keyed = std::pair<RecordKey, ResponsibilityRecord>;
  LEDGER_ASSIGN_OR_RETURN(
      Page<Keyed> keyed_page,
      (PageAfter<Keyed, RecordKey>(
          std::move(keyed), after, limit, [](const Keyed& k) { return k.first; },
          [](const Keyed& k) { return k.first.first + "~" + std::to_string(k.first.second); })));
  Page<ResponsibilityRecord> page;
  page.total = keyed_page.total;
  page.next_cursor = std::move(keyed_page.next_cursor);
  for (Keyed& k : keyed_page.items) page.items.push_back(std::move(k.second));
  return page;
}

}  // namespace projections
