// Queries over a LedgerProjection, evaluated at a time: the complaint list, fines, rewards,
// metrics, responsibility records and findings (interfaces.md "HTTP API").
//
// Pure: the projection, the policies and `now` are given.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "projections/ledger_projection.h"
#include "projections/reports.h"

namespace projections {

struct Scope {
  const LedgerProjection& projection;
  PolicyLookup policies;
  const domain::Policy& fallback;  // the policy in force (time zone, organisation)
  Time now{};
};

struct ListFilter {
  std::string status;      // open | closed
  std::string level, category, department, handler, project;
  std::optional<bool> overdue;  // some clock missed and not met
  std::optional<Time> from, to; // intake in [from, to)
  size_t limit = 50;
  std::string cursor;      // the last id of the previous page
  // Which complaints the caller may see (object-level access); empty: all.
  std::function<bool(const domain::ComplaintState&)> visible;
};

struct ListItem {
  std::string id, status, stage, level, category, department, handler, project, subject;
  Time received{};
  bool overdue = false;
  std::optional<Time> next_due;  // the earliest pending deadline
};

struct ListPage {
  std::vector<ListItem> items;
  std::string next_cursor;  // empty: no more
};

ListPage ListComplaints(const Scope& scope, const ListFilter& filter);

FinesReport FinesQuery(const Scope& scope, const Period& month, const std::string& department,
                       const std::string& person);
// FinesQuery, then KeepLinePage: every complaint evaluated. The reference that FineIndex
// (fine_index.h) must equal, and the answer where no index is kept (as-of, known-at, what-if).
ledger::Result<FinePage> FinesPage(const Scope& scope, const FineQuery& query);

// Could the complaint have a fine line accrued in [start, end)? Lines accrue from intake on. A
// closed complaint's clocks were met by its last closure, missed before it, or lapsed
// (docs/clocks.md), so its derived lines accrue by then; recorded fines accrue when they occurred.
bool MayAccrueIn(const domain::ComplaintState& state, Time start, Time end);

std::vector<RewardRow> RewardsQuery(const Scope& scope, const Period& month);
MetricsReport MetricsQuery(const Scope& scope, const Period& period, const std::string& project);
std::vector<Finding> FindingsQuery(const Scope& scope, std::optional<Time> from, std::optional<Time> to);
std::vector<ResponsibilityRecord> ResponsibilityQuery(const Scope& scope, const std::string& department,
                                                      const std::string& person,
                                                      const std::optional<Period>& month);

}  // namespace projections
