#include "api/http/alert_routes.h"

#include <boost/json.hpp>

#include "api/http/alert_stream.h"
#include "api/http/api.capnp.h"
#include "api/http/capnp_views.h"
#include "api/http/json_body.h"
#include "api/http/request_context.h"
#include "api/services/complaint_access.h"
#include "api/services/views_json.h"

namespace api {
namespace {

namespace json = boost::json;
namespace domain = ledger::domain;
using ledger::Result;
using ledger::Status;

std::string Text(const RequestContext& ctx, std::string_view name) {
  std::optional<std::string_view> v = ctx.Query(name);
  return v ? std::string(*v) : std::string();
}

Result<Response> Alerts(const AlertRoutesOptions& o, const RequestContext& ctx) {
  projections::AlertFilter f;
  f.department = Text(ctx, "department");
  f.person = Text(ctx, "person");
  f.level = Text(ctx, "level");
  if (!f.level.empty() && !domain::ParseLevel(f.level))
    return InvalidField("level", "unknown_code",
                        "level must be general, important, major or crisis");
  f.clock = Text(ctx, "clock");
  if (!f.clock.empty() && !domain::ParseClockKind(f.clock))
    return InvalidField(
        "clock", "unknown_code",
        "clock must be transmission, assignment, response, plan, staff_decision or closure");
  f.state = Text(ctx, "state");
  if (!f.state.empty() && f.state != "due_soon" && f.state != "missed")
    return InvalidField("state", "unknown_code", "state must be due_soon or missed");
  LEDGER_ASSIGN_OR_RETURN(uint64_t limit, ctx.QueryUint("limit", 200, 1, 1000));
  f.limit = limit;
  f.cursor = Text(ctx, "cursor");
  const domain::Policy& current = *o.policies->current();
  ViewContext v{current.calendar.utc_offset, ctx.principal()};
  auto visible = VisibleTo(ctx.access());
  const ledger::Time now = o.clock->Now();
  return o.projections->Read([&](const projections::LedgerProjection& p) -> Result<Response> {
    projections::Scope scope{p, o.projections->policies(), current, now, visible};
    projections::AlertPage page = projections::AlertsQuery(scope, f);
    json::object doc;
    json::array alerts;
    for (const projections::Alert& a : page.alerts) alerts.push_back(AlertToJson(a, v));
    doc["alerts"] = std::move(alerts);
    doc["as_of"] = ledger::FormatRfc3339(now, current.calendar.utc_offset);
    doc["next_cursor"] =
        page.next_cursor.empty() ? json::value(nullptr) : json::value(page.next_cursor);
    if (ctx.format() == Format::kCapnp) return CapnpFromJson<schema::Alerts>(doc, "Alerts");
    return JsonResponse(200, doc);
  });
}

Result<Response> Stream(const AlertRoutesOptions& o, const RequestContext& ctx) {
  uint64_t from = 0;
  if (auto last = ctx.request().headers.Get("Last-Event-ID"); last && !last->empty()) {
    LEDGER_ASSIGN_OR_RETURN(uint64_t seen, ParseUint(*last, "Last-Event-ID"));
    if (seen == UINT64_MAX) return Status::InvalidArgument("Last-Event-ID is out of range");
    from = seen + 1;
  } else if (ctx.Query("from")) {
    LEDGER_ASSIGN_OR_RETURN(from, ctx.QueryUint("from", 1, 1, UINT64_MAX));
  } else {
    LEDGER_ASSIGN_OR_RETURN(uint64_t last_seq, o.outbox->LastSeq());
    from = last_seq + 1;  // what arises from now on
  }
  return Response::EventStream(
      std::make_shared<AlertEventSource>(o.outbox, o.projections, from, ctx.access()));
}

}  // namespace

Status RegisterAlertRoutes(Router& router, AlertRoutesOptions options) {
  if (!options.projections || !options.policies || !options.clock)
    return Status::Internal("RegisterAlertRoutes needs every service");
  auto o = std::make_shared<const AlertRoutesOptions>(options);
  LEDGER_RETURN_IF_ERROR(router.Add("GET", "/v1/alerts",
                                    {.resource = Resource::kAlerts, .capnp = true},
                                    [o](const RequestContext& ctx) { return Alerts(*o, ctx); }));
  if (o->outbox == nullptr) return Status::Ok();
  return router.Add("GET", "/v1/alerts/stream", {.resource = Resource::kAlerts, .any_accept = true},
                    [o](const RequestContext& ctx) { return Stream(*o, ctx); });
}

}  // namespace api
