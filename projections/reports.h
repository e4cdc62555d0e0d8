// Reports: the aggregates of docs/rules.md (fines, rewards, metrics, findings) over many
// complaints — monthly fine tallies per person and department with their line items, rewards per
// department, metrics per project with the ranking, and findings in a time range.
//
// Pure functions of derived complaint data (derive.h), ratings and the policy.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "projections/derive.h"

namespace projections {

// A calendar month ("2026-03") or year ("2026") in the policy's time zone.
struct Period {
  std::string key;
  Time start{};
  Time end{};  // exclusive
  bool Contains(Time t) const { return t >= start && t < end; }
};
ledger::Result<Period> ParsePeriod(std::string_view text, std::chrono::minutes utc_offset);

// OK when `period` lies in the years a report can hold: from the policy calendar's first year
// (no business time is earlier: docs/policy-format.md) to the later of its last year and the
// year after `now`. InvalidArgument (field "month", rule "outside_policy") otherwise: a month
// such as 0001-01 is a mistake, not an empty report.
ledger::Status CheckPeriodInPolicy(const Period& period, const domain::Policy& policy, Time now);

struct Tally {
  domain::Money total = 0;   // lines not waived (lines without an amount count 0)
  domain::Money waived = 0;  // lines waived
  int lines = 0;             // a person's or department's lines: filter the report by them

  bool operator==(const Tally&) const = default;
};

struct FinesReport {
  std::string month;
  std::vector<domain::FineLine> lines;  // dated in the month, after the filters
  std::map<std::string, Tally> by_person;
  std::map<std::string, Tally> by_department;
  domain::Money total = 0;
  domain::Money waived = 0;
};

// `lines` of any complaints; keeps those dated in `month` naming `department`/`person` (when
// given), sorted by the instant they accrued then id, and tallies them.
FinesReport FinesFor(const Period& month, std::vector<domain::FineLine> lines,
                     const std::string& department, const std::string& person);

// Keeps one page of the report's line items, in their order: the lines after `cursor` (the
// previous page's next cursor; empty: from the first), at most `limit`. The tallies stay whole.
// Returns the next page's cursor, empty after the last line; a cursor that is not one is
// InvalidArgument. A cursor names a line's instant and id ("<microseconds>,<id>"),
// so pages do not shift when lines of other complaints appear meanwhile.
ledger::Result<std::string> KeepLinePage(FinesReport& report, const std::string& cursor,
                                         size_t limit);

// A line cursor read: the instant and id of the last line of the previous page.
struct LineCursor {
  Time accrued{};
  std::string id;
};
ledger::Result<LineCursor> ParseLineCursor(const std::string& cursor);
std::string LineCursorOf(const domain::FineLine& line);

// What GET /v1/fines asks: a month, filters, and a page of its lines.
struct FineQuery {
  Period month;
  std::string department, person;  // keep lines naming them (empty: all)
  std::string cursor;              // the previous page's next_cursor (empty: the first page)
  size_t limit = 1000;             // lines per page
};

// A page of a month's fine report: the tallies and totals count every line of the month (after
// the filters); `report.lines` holds the page; `line_count` the lines of the whole report.
struct FinePage {
  FinesReport report;
  size_t line_count = 0;
  std::string next_cursor;  // empty after the last page
  Time evaluated_at{};      // the evaluation time the answer is for
};

// A department's platform rating for a month (hundredths of a point) and the event behind it.
struct Rating {
  int64_t score = 0;
  uint64_t position = 0;
  bool operator==(const Rating&) const = default;
};
using Ratings = std::map<std::pair<std::string, std::string>, Rating>;  // (department, month)

struct RewardRow {
  std::string department;
  int surveys = 0;
  std::optional<int64_t> customer_score;  // hundredths (0..10000)
  std::optional<int64_t> platform_rating;
  std::optional<int64_t> composite;
  domain::Money reward = 0;
  std::vector<std::string> complaints;  // the surveyed complaints behind the customer score
  uint64_t rating_position = 0;
};

// Per department other than the excluded ones: surveys recorded in `month` on complaints the
// department was responsible for.
std::vector<RewardRow> RewardsFor(const Period& month, const std::vector<ComplaintFacts>& facts,
                                  const Ratings& ratings, const domain::Policy& policy);

struct ClockRate {
  int met = 0, missed = 0;
};

struct ProjectMetrics {
  std::string project;
  int received = 0;                          // valid complaints received in the period
  int closed = 0;                            // of those, closed by the evaluation time
  std::optional<int64_t> closure_rate;       // hundredths of a percent (10000 = 100.00 %)
  std::map<std::string, ClockRate> on_time;  // per clock
  std::optional<double> mean_hours_to_response, mean_hours_to_closure;
  int surveys = 0;
  std::optional<double> mean_timeliness, mean_plan, mean_attitude, mean_score;
  int rank_closure = 0, rank_efficiency = 0, rank_satisfaction = 0;
};

struct MetricsReport {
  std::string period;
  std::vector<ProjectMetrics> projects;  // sorted by project id
  ProjectMetrics total;                  // all projects together (project "*")
};

MetricsReport MetricsFor(const Period& period, const std::vector<ComplaintFacts>& facts,
                         const std::string& project);

// Findings with `at` in [from, to) (either may be open), sorted by time.
std::vector<Finding> FindingsIn(std::vector<Finding> findings, std::optional<Time> from,
                                std::optional<Time> to);

}  // namespace projections
