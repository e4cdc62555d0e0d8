#include "tools/ledgerctl/views.h"

#include <regex>

#include "api/services/payload_json.h"
#include "ledger/base/clock.h"
#include "projections/queries.h"
#include "projections/timeline.h"

namespace tools {

namespace json = boost::json;
using ledger::Result;
using ledger::Status;

namespace {

constexpr size_t kMaxStreamEvents = 100000;

Result<std::vector<ledger::RecordedEvent>> StreamOf(Session& session, const std::string& id) {
  LEDGER_RETURN_IF_ERROR(CheckComplaintId(id));
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events,
                          session.log().ReadStreamForward(id, 1, kMaxStreamEvents));
  if (events.empty()) return Status::NotFound("no complaint " + id + " in this ledger");
  return events;
}

Result<projections::TrackedComplaint> Tracked(Session& session, const std::string& id,
                                              const std::vector<ledger::RecordedEvent>& events,
                                              const Eval& e) {
  LEDGER_ASSIGN_OR_RETURN(projections::TrackedComplaint t,
                          projections::FoldTracked(id, events, LookupFor(e, session),
                                                   FallbackFor(e, session), e.fold_options()));
  if (!t.state.exists())
    return Status::NotFound("complaint " + id + " did not exist as of the time asked");
  return t;
}

projections::Scope ScopeOf(Session& session, const projections::LedgerProjection& p,
                           const Eval& e) {
  return projections::Scope{p, LookupFor(e, session), FallbackFor(e, session), e.at};
}

Result<projections::Period> MonthPeriod(const Session& session, const std::string& month,
                                        bool year_too) {
  Result<projections::Period> p = projections::ParsePeriod(month, session.utc_offset());
  if (!p.ok() || (!year_too && month.size() != 7))
    return Status::InvalidArgument(std::string("--month must be YYYY-MM") +
                                   (year_too ? " or YYYY" : "") + ", not '" + month + "'");
  ledger::SystemClock clock;
  Status in_policy = projections::CheckPeriodInPolicy(*p, session.current(), clock.Now());
  if (!in_policy.ok()) return Status::InvalidArgument("--" + in_policy.message());
  return p;
}

Result<projections::Period> OneMonth(const Session& session, const std::string& month,
                                     const char* option) {
  Result<projections::Period> p = MonthPeriod(session, month, false);
  if (!p.ok()) {
    std::string message = p.status().message();
    if (message.rfind("--month", 0) == 0) message = option + message.substr(7);
    return Status::InvalidArgument(message);
  }
  return p;
}

}  // namespace

Result<projections::Period> MonthRange(const Session& session, const std::string& from,
                                       const std::string& to) {
  LEDGER_ASSIGN_OR_RETURN(projections::Period first, OneMonth(session, from, "--from-month"));
  LEDGER_ASSIGN_OR_RETURN(projections::Period last, OneMonth(session, to, "--to-month"));
  if (last.start < first.start)
    return Status::InvalidArgument("--from-month " + from + " is after --to-month " + to);
  projections::Period range{from == to ? from : from + ".." + to, first.start, last.end};
  return range;
}

projections::Period WholeLedger() {
  return projections::Period{"all", ledger::Time::min(), ledger::Time::max()};
}

Status CheckComplaintId(const std::string& id) {
  static const std::regex kId("CMP-[0-9]{4}-[0-9]{6}");
  if (!std::regex_match(id, kId))
    return Status::InvalidArgument("'" + id + "' is not a complaint id (CMP-<year>-<6 digits>)");
  return Status::Ok();
}

std::string MonthOf(const Session& session, ledger::Time t) {
  return ledger::MonthKey(t, session.utc_offset());
}

Result<json::object> TicketView(Session& session, const std::string& id, const Eval& e) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events, StreamOf(session, id));
  LEDGER_ASSIGN_OR_RETURN(projections::TrackedComplaint t, Tracked(session, id, events, e));
  projections::PolicyLookup lookup = LookupFor(e, session);
  const ledger::domain::Policy& fallback = FallbackFor(e, session);
  projections::Derived d = projections::Derive(t, lookup, fallback, e.at);
  const ledger::domain::Policy& own = projections::OwnPolicy(t.state, lookup, fallback);
  return api::TicketToJson(t, d, own, Evaluated(e, session, &t.state), ViewFor(session));
}

Result<json::object> HistoryView(Session& session, const std::string& id) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events, StreamOf(session, id));
  api::PayloadRenderer render =
      api::DomainPayloadRenderer(session.utc_offset(), &session.reader_vault());
  json::array list;
  for (const ledger::RecordedEvent& ev : events) {
    json::object o = api::EventToJson(ev, render, CliViewer());
    // Shown in the policy's time zone like every other view (the API's event list uses UTC).
    o["recorded_at"] = ledger::FormatRfc3339(ev.recorded_at(), session.utc_offset());
    o["occurred_at"] = ledger::FormatRfc3339(ev.occurred_at(), session.utc_offset());
    list.push_back(std::move(o));
  }
  return json::object{{"id", id}, {"events", std::move(list)}};
}

Result<json::object> TimelineView(Session& session, const std::string& id, const Eval& e) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events, StreamOf(session, id));
  LEDGER_ASSIGN_OR_RETURN(projections::TrackedComplaint t, Tracked(session, id, events, e));
  LEDGER_ASSIGN_OR_RETURN(
      projections::Timeline timeline,
      projections::BuildTimeline(id, events, LookupFor(e, session), FallbackFor(e, session), e.at,
                                 e.fold_options()));
  return api::TimelineToJson(id, timeline, Evaluated(e, session, &t.state), ViewFor(session));
}

Result<json::object> FinesView(Session& session, const projections::LedgerProjection& p,
                               const Eval& e, const ReportQuery& q) {
  projections::Period month;
  if (q.period) {
    month = *q.period;
  } else {
    LEDGER_ASSIGN_OR_RETURN(month, MonthPeriod(session, q.month, true));
  }
  return api::FinesToJson(
      projections::FinesQuery(ScopeOf(session, p, e), month, q.department, q.person),
      Evaluated(e, session, nullptr), ViewFor(session));
}

Result<json::object> RewardsView(Session& session, const projections::LedgerProjection& p,
                                 const Eval& e, const ReportQuery& q) {
  LEDGER_ASSIGN_OR_RETURN(projections::Period month, MonthPeriod(session, q.month, false));
  return api::RewardsToJson(month.key, projections::RewardsQuery(ScopeOf(session, p, e), month));
}

Result<json::object> MetricsView(Session& session, const projections::LedgerProjection& p,
                                 const Eval& e, const ReportQuery& q) {
  LEDGER_ASSIGN_OR_RETURN(projections::Period period, MonthPeriod(session, q.month, true));
  return api::MetricsToJson(projections::MetricsQuery(ScopeOf(session, p, e), period, q.project),
                            Evaluated(e, session, nullptr), ViewFor(session));
}

json::object FindingsView(Session& session, const projections::LedgerProjection& p, const Eval& e,
                          const ReportQuery& q) {
  return api::FindingsToJson(projections::FindingsQuery(ScopeOf(session, p, e), q.from, q.to),
                             ViewFor(session));
}

Result<json::object> ResponsibilityView(Session& session, const projections::LedgerProjection& p,
                                        const Eval& e, const ReportQuery& q) {
  std::optional<projections::Period> month;
  if (!q.month.empty()) {
    LEDGER_ASSIGN_OR_RETURN(projections::Period m, MonthPeriod(session, q.month, false));
    month = m;
  }
  json::array records;
  for (const projections::ResponsibilityRecord& r :
       projections::ResponsibilityQuery(ScopeOf(session, p, e), q.department, q.person, month))
    records.push_back(api::ResponsibilityToJson(r, ViewFor(session)));
  return json::object{{"records", std::move(records)}};
}

}  // namespace tools
