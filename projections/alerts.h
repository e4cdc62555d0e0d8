// Deadline alerts: the policy's early warning (预警; docs/clocks.md "Alerts"). For each clock of
// a complaint that is still to be done — running, or missed and still not done — an alert arises
// when a threshold of the policy (a percentage of the clock's time, from its start to its
// deadline; 100: the deadline itself) has passed. A paused clock raises none while paused.
//
// Pure: a function of the complaint, its policies and an evaluation time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "projections/derive.h"

namespace projections {

struct Alert {
  std::string complaint;
  domain::ClockKind clock = domain::ClockKind::kResponse;
  int cycle = 0;      // closure cycle (0 for the other clocks)
  int threshold = 0;  // percent of the clock's time; 100 and above: missed
  Time at{};          // when it arose: start + threshold% of (due - start)
  Time start{}, due{};
  domain::Level level = domain::Level::kGeneral;
  // Who must act: for the transmission clock, the receiving department and staff member; for
  // the others, the responsible department and its handler once assigned, customer service
  // (no person) before.
  std::string department;
  std::string person;
  std::string project;

  // The deadline had passed at the evaluation time (the queue, CurrentAlerts(), only): a clock
  // past its deadline is missed whatever the policy's highest threshold below 100 is.
  bool past_due = false;
  bool missed() const { return threshold >= 100 || past_due; }
  // Names the alert for good: "CMP-2026-000001/closure/0/75". Producers append it once.
  std::string Key() const;
};

// Every alert of the complaint that has arisen by `now` (each clock's thresholds passed), in
// order of `at`.
std::vector<Alert> AlertsOf(const TrackedComplaint& tracked, const PolicyLookup& policies,
                            const domain::Policy& fallback, Time now);

// The alert of each clock the way a queue shows it: its highest threshold passed by `now`.
std::vector<Alert> CurrentAlerts(const TrackedComplaint& tracked, const PolicyLookup& policies,
                                 const domain::Policy& fallback, Time now);

// The next instant after `now` at which an alert of the complaint will arise as its clocks stand,
// or nullopt (closed, paused, nothing left to warn of). For the scheduler.
std::optional<Time> NextAlert(const TrackedComplaint& tracked, const PolicyLookup& policies,
                              const domain::Policy& fallback, Time now);

}  // namespace projections
