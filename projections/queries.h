// Queries over a LedgerProjection, evaluated at a time: the complaint list, fines, rewards,
// metrics, responsibility records and findings (docs/api.md "Lists and reports").
//
// Pure: the projection, the policies and `now` are given.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "projections/alerts.h"
#include "projections/ledger_projection.h"
#include "projections/reports.h"

namespace projections {

struct Scope {
  const LedgerProjection& projection;
  PolicyLookup policies;
  const domain::Policy& fallback;  // the policy in force (time zone, organisation)
  Time now{};
  // Which complaints the caller may see (object-level access, decided by the API's
  // authorization model); empty: all. Every query below leaves out the others entirely: their
  // rows, and their share of every total, count and mean.
  std::function<bool(const domain::ComplaintState&)> visible = {};

  bool Sees(const domain::ComplaintState& s) const { return !visible || visible(s); }
};

struct ListFilter {
  std::string status;  // open | closed
  std::string level, category, department, handler, project;
  std::optional<bool> overdue;   // some clock missed and not met
  std::optional<Time> from, to;  // intake in [from, to)
  size_t limit = 50;
  std::string cursor;  // the last id of the previous page
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
std::vector<Finding> FindingsQuery(const Scope& scope, std::optional<Time> from,
                                   std::optional<Time> to);
std::vector<ResponsibilityRecord> ResponsibilityQuery(const Scope& scope,
                                                      const std::string& department,
                                                      const std::string& person,
                                                      const std::optional<Period>& month);

// GET /v1/alerts: the alert of each clock still to be done, where a threshold has passed.
struct AlertFilter {
  std::string department, person, level, clock;
  std::string state;   // due_soon (below 100%) | missed; empty: both
  size_t limit = 200;  // alerts per page (a page ends at a complaint's last alert)
  std::string cursor;  // the last complaint id of the previous page
};
struct AlertPage {
  std::vector<Alert> alerts;  // by complaint id, then clock
  std::string next_cursor;    // empty: no more
};
AlertPage AlertsQuery(const Scope& scope, const AlertFilter& filter);

// A page of a list that may be long (findings, responsibility records): at most `limit` items
// after `cursor` (the previous page's next_cursor; empty: from the first). Cursors name an item
// (not an offset), so a page does not shift when items are added before it meanwhile.
template <typename T>
struct Page {
  std::vector<T> items;
  size_t total = 0;         // items in the whole answer
  std::string next_cursor;  // empty after the last page
};

// Findings in their order (time, complaint, kind, first evidence); a cursor that is not one of
// FindingCursor's is InvalidArgument.
ledger::Result<Page<Finding>> PageOfFindings(std::vector<Finding> findings,
                                             const std::string& cursor, size_t limit);
std::string FindingCursor(const Finding& f);

// Responsibility records in their order (complaint id, then as derived).
ledger::Result<Page<ResponsibilityRecord>> PageOfResponsibility(
    std::vector<ResponsibilityRecord> records, const std::string& cursor, size_t limit);

}  // namespace projections
