// The JSON views ledgerctl prints, computed from the log as the API computes them
// (api/services/views_json.h): one complaint's ticket state, raw events and timeline, and the
// reports (fines, rewards, metrics, findings, responsibility) over a fold of the whole log.
// Text output (render_text.h), the HTML export and the demo's summary are made from them.
//
// Thread-safety: one command, one thread.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "ledger/base/status.h"
#include "projections/ledger_projection.h"
#include "tools/ledgerctl/evaluation.h"
#include "tools/ledgerctl/session.h"

namespace tools {

// InvalidArgument unless `id` looks like a complaint id (CMP-<year>-<6 digits>).
ledger::Status CheckComplaintId(const std::string& id);

// NotFound when the complaint has no events (or none visible at `e`).
ledger::Result<boost::json::object> TicketView(Session& session, const std::string& id,
                                               const Eval& e);
ledger::Result<boost::json::object> HistoryView(Session& session, const std::string& id);
ledger::Result<boost::json::object> TimelineView(Session& session, const std::string& id,
                                                 const Eval& e);

// Reports over `p` (a FoldLedger() of the log at `e`). `month`: YYYY-MM (metrics: or YYYY).
// `period`, when set, replaces `month` for fines (a range of months, a year, the whole ledger).
struct ReportQuery {
  std::string month, department, person, project;
  std::optional<ledger::Time> from, to;  // findings
  std::optional<projections::Period> period;
};
ledger::Result<boost::json::object> FinesView(Session& session,
                                              const projections::LedgerProjection& p, const Eval& e,
                                              const ReportQuery& q);
ledger::Result<boost::json::object> RewardsView(Session& session,
                                                const projections::LedgerProjection& p,
                                                const Eval& e, const ReportQuery& q);
ledger::Result<boost::json::object> MetricsView(Session& session,
                                                const projections::LedgerProjection& p,
                                                const Eval& e, const ReportQuery& q);
boost::json::object FindingsView(Session& session, const projections::LedgerProjection& p,
                                 const Eval& e, const ReportQuery& q);
ledger::Result<boost::json::object> ResponsibilityView(Session& session,
                                                       const projections::LedgerProjection& p,
                                                       const Eval& e, const ReportQuery& q);

// The months `from` to `to` (YYYY-MM each, both included; `from` not after `to`) as one period,
// keyed "FROM..TO" (or "FROM" when they are the same). InvalidArgument naming the option
// (--from-month, --to-month) when one is not a month or lies outside the policy's years.
ledger::Result<projections::Period> MonthRange(const Session& session, const std::string& from,
                                               const std::string& to);

// Every instant the ledger can hold, keyed "all" (a whole-ledger report).
projections::Period WholeLedger();

// The month key (YYYY-MM) of `t` in the ledger's time zone.
std::string MonthOf(const Session& session, ledger::Time t);

}  // namespace tools
