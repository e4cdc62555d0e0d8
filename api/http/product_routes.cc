#include "api/http/product_routes.h"

#include "api/http/alert_routes.h"
#include "api/http/catalogue_routes.h"
#include "api/http/complaint_routes.h"
#include "api/http/log_routes.h"
#include "api/http/me_routes.h"
#include "api/http/privacy_routes.h"
#include "api/services/payload_json.h"

namespace api {

using ledger::Status;

namespace {

// The scheduler's gauges and counters on /metrics.
void AddSchedulerMetrics(Application& app, Metrics& metrics) {
  Scheduler* scheduler = &app.scheduler();  // outlives the server (it stops first)
  metrics.AddGauge("ledger_scheduler_agenda",
                   "Open complaints with an escalation or a deadline alert that time will bring "
                   "ahead",
                   [scheduler] { return double(scheduler->stats().agenda); });
  metrics.AddCounterFamily(
      "ledger_scheduler_escalations_total",
      "Escalations the scheduler appended, and complaints whose escalation or alerts could not be "
      "written (tried again at the next round)",
      [scheduler] {
        SchedulerStats st = scheduler->stats();
        return std::vector<Metrics::Sample>{{{{"outcome", "appended"}}, double(st.escalations)},
                                            {{{"outcome", "failed"}}, double(st.failures)}};
      });
  metrics.AddCounterFamily(
      "ledger_alerts_published_total",
      "Deadline alerts the scheduler published to the outbox (for webhooks and the alert stream)",
      [scheduler] {
        return std::vector<Metrics::Sample>{{{}, double(scheduler->stats().alerts)}};
      });
}

}  // namespace

Status RegisterProductRoutes(Application& app, Router& router, Metrics& metrics,
                             ledger::Checkpointer* checkpointer) {
  AddSchedulerMetrics(app, metrics);
  PayloadRenderer render =
      DomainPayloadRenderer(app.policies().current()->calendar.utc_offset, &app.vault());
  LEDGER_RETURN_IF_ERROR(RegisterLogRoutes(router, {.log = &app.log(),
                                                    .metrics = &metrics,
                                                    .render = render,
                                                    .vault = &app.vault(),
                                                    .checkpointer = checkpointer}));
  LEDGER_RETURN_IF_ERROR(RegisterAlertRoutes(router, {.projections = &app.projections(),
                                                      .policies = &app.policies(),
                                                      .clock = &app.clock(),
                                                      .outbox = &app.outbox()}));
  LEDGER_RETURN_IF_ERROR(RegisterCatalogueRoutes(router, &app.policies()));
  LEDGER_RETURN_IF_ERROR(RegisterMeRoutes(router, &app.policies()));
  LEDGER_RETURN_IF_ERROR(RegisterPrivacyRoutes(router, app));
  return RegisterComplaintRoutes(router, {.commands = &app.commands(),
                                          .projections = &app.projections(),
                                          .policies = &app.policies(),
                                          .log = &app.log(),
                                          .clock = &app.clock(),
                                          .metrics = &metrics,
                                          .render = render,
                                          .vault = &app.vault(),
                                          .heavy_queries = app.heavy_queries(),
                                          .heavy_wait = app.heavy_wait()});
}

}  // namespace api
