#include "projections/alerts.h"

#include <algorithm>

namespace projections {
namespace {

using domain::ClockState;

// Who must act on a clock: the receiving side for the transmission, then the department and
// handler responsibility was assigned to, and customer service before that.
void Holders(const domain::ComplaintState& s, const domain::Policy& policy, domain::ClockKind k,
             Alert* a) {
  if (k == domain::ClockKind::kTransmission) {
    a->department = s.receiving_department;
    a->person = s.receiving_staff;
  } else if (const domain::AssignmentRecord* as = s.assignment()) {
    a->department = as->department;
    a->person = as->handler;
  } else {
    a->department = policy.organisation.customer_service;
  }
}

// Calls fn(alert template, thresholds) for each clock still to be done (running, or missed and
// not done); the template has everything but the threshold and its instant.
template <typename Fn>
void ForEachOpenClock(const TrackedComplaint& t, const PolicyLookup& policies,
                      const domain::Policy& fallback, Time now, Fn&& fn) {
  const domain::ComplaintState& s = t.state;
  if (!s.exists() || s.closed()) return;
  const domain::Policy& own = OwnPolicy(s, policies, fallback);
  for (const domain::ClockResult& c : ClocksOf(s, policies, fallback, now)) {
    const bool running = c.state == ClockState::kPending;
    const bool overdue = c.state == ClockState::kMissed && !c.met;
    if ((!running && !overdue) || !c.due || !c.why.start || !c.why.level) continue;
    Alert a;
    a.complaint = s.id;
    a.clock = c.kind;
    a.cycle = c.cycle;
    a.start = *c.why.start;
    a.due = *c.due;
    a.level = *c.why.level;
    a.project = s.project;
    Holders(s, own, c.kind, &a);
    fn(a, own.alerts.For(c.kind, *c.why.level));
  }
}

Time InstantOf(const Alert& a, int threshold) {
  const ledger::Duration span = a.due > a.start ? a.due - a.start : ledger::Duration(0);
  return a.start + span * threshold / 100;
}

}  // namespace

std::string Alert::Key() const {
  return complaint + "/" + std::string(domain::ClockKindName(clock)) + "/" + std::to_string(cycle) +
         "/" + std::to_string(threshold);
}

std::vector<Alert> AlertsOf(const TrackedComplaint& t, const PolicyLookup& policies,
                            const domain::Policy& fallback, Time now) {
  std::vector<Alert> out;
  ForEachOpenClock(t, policies, fallback, now, [&](const Alert& base, const std::vector<int>& ps) {
    for (int p : ps) {
      Alert a = base;
      a.threshold = p;
      a.at = InstantOf(a, p);
      if (a.at <= now) out.push_back(std::move(a));
    }
  });
  std::stable_sort(out.begin(), out.end(),
                   [](const Alert& a, const Alert& b) { return a.at < b.at; });
  return out;
}

std::vector<Alert> CurrentAlerts(const TrackedComplaint& t, const PolicyLookup& policies,
                                 const domain::Policy& fallback, Time now) {
  std::vector<Alert> out;
  ForEachOpenClock(t, policies, fallback, now, [&](const Alert& base, const std::vector<int>& ps) {
    std::optional<Alert> highest;
    for (int p : ps) {
      Time at = InstantOf(base, p);
      if (at > now) break;
      highest = base;
      highest->threshold = p;
      highest->at = at;
      highest->past_due = base.due <= now;
    }
    if (highest) out.push_back(std::move(*highest));
  });
  return out;
}

std::optional<Time> NextAlert(const TrackedComplaint& t, const PolicyLookup& policies,
                              const domain::Policy& fallback, Time now) {
  std::optional<Time> next;
  ForEachOpenClock(t, policies, fallback, now, [&](const Alert& base, const std::vector<int>& ps) {
    for (int p : ps) {
      Time at = InstantOf(base, p);
      if (at > now && (!next || at < *next)) next = at;
    }
  });
  return next;
}

}  // namespace projections
