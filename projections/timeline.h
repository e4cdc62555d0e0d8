// Timeline: the replay of one complaint as a manager reads it — each event, who and when (both
// times), what it changed, the clocks after it, and the fines that accrued by then.
//
// Pure: a function of the complaint's events and the policies.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "projections/derive.h"

namespace projections {

struct TimelineEntry {
  uint64_t position = 0, version = 0;
  Time occurred_at{}, recorded_at{};
  std::string type, actor_id, actor_role, actor_department;
  std::string summary;                      // what the event says, in one line
  std::vector<std::string> changes;         // "stage: received -> transmitted", ...
  std::vector<domain::ClockResult> clocks;  // after the event, evaluated at its occurred_at
  std::vector<domain::FineLine> fines;      // lines that accrued since the previous entry
  std::vector<domain::FineLine> waived;     // lines this event waived
  bool imported = false;
  // The summary quotes a complainant's personal data (a correction of a complainant.* field):
  // redact it for viewers who may not see personal data.
  bool personal_data = false;
};

// Which entries to build: versions from `from_version` on, at most `limit`. Every event is
// still folded (the state and the clocks need them all); only the entries in the window are
// built, so a page of a long history costs its entries, not the whole history's.
struct TimelineWindow {
  uint64_t from_version = 1;
  size_t limit = SIZE_MAX;
};

struct Timeline {
  std::vector<TimelineEntry> entries;        // the window's entries
  std::vector<domain::FineLine> since_last;  // lines that accrued after the last event, by
                                             // `as_of` (on the last page only)
  std::vector<domain::ClockResult> clocks;   // at `as_of`
  uint64_t next_version = 0;                 // the next page's from_version; 0 on the last page
};

ledger::Result<Timeline> BuildTimeline(const std::string& id,
                                       const std::vector<ledger::RecordedEvent>& events,
                                       const PolicyLookup& policies, const domain::Policy& fallback,
                                       Time as_of, const domain::FoldOptions& options = {},
                                       const TimelineWindow& window = {});

// One line describing an event ("assigned to property, handler u-h1").
std::string Describe(const domain::EventView& event);

// A fine line named for people: "closure_overdue 100.00 of 2026-09-07 on CMP-2026-000040"
// (its rule, amount, day and complaint; never its internal id).
std::string DescribeFineLine(const domain::FineLine& line);

}  // namespace projections
