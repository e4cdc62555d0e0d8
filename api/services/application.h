// Application: the services of a running ledger, built once and passed down (no singletons) —
// the policy store, the command service (the write path), the projection runner (kept current by
// following the log), the scheduler (what time brings: escalations, alerts), the outbox of
// notifications (ledger/log/outbox.h; delivered to webhooks by api::WebhookDelivery, which
// `ledgerctl serve` starts). The HTTP routes over these services are registered by
// RegisterProductRoutes (api/http/product_routes.h); nothing here knows HTTP.
//
// Policy at start: a ledger without a policy publishes `policy_text` (the built-in default when
// empty) as version 1; a ledger with one publishes `policy_text` as the next version only when it
// was given and differs from the current one.
//
// Thread-safety: Start/Stop from one thread; the services are thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "api/services/command_service.h"
#include "api/services/scheduler.h"
#include "ledger/base/clock.h"
#include "ledger/domain/policy_store.h"
#include "ledger/log/outbox.h"
#include "ledger/log/projection_store.h"
#include "projections/runner.h"

namespace api {

struct ApplicationOptions {
  std::string policy_text;    // a policy file's contents; empty: keep the ledger's (or default)
  std::string snapshot_path;  // projection snapshots; empty: none
  bool follow = true;         // keep the projections current with a follower thread
  ledger::Actor operator_actor{"ledgerctl", "admin", ""};  // who publishes a policy at start
  // As-of, known-at and what-if reports computed at once, and how long another waits for one of
  // them to finish before it is told to retry (ComplaintRoutesOptions).
  size_t heavy_queries = 2;
  std::chrono::milliseconds heavy_wait{5000};
  // Run the scheduler's thread (escalations time brings; scheduler.h). Off: RunDue() only when
  // called (tests that move a ManualClock call it themselves).
  bool run_scheduler = true;
  // How long finished outbox entries are kept, and idempotency keys (ledger::OutboxOptions).
  ledger::Duration outbox_retention = ledger::OutboxOptions().retention;
  ledger::Duration outbox_key_retention = ledger::OutboxOptions().key_retention;
  // Why a stored projection is rebuilt at start (RunnerOptions::warn); empty: a line on stderr.
  std::function<void(std::string_view)> warn;
  // The keystore that seals complainants' personal data (docs/privacy.md; not owned, must
  // outlive the application); null: personal data is recorded in the clear.
  ledger::keystore::Keystore* keystore = nullptr;
};

class Application {
 public:
  // `log` and `clock` must outlive the application. `progress` reports a projection rebuild.
  static ledger::Result<std::unique_ptr<Application>> Start(
      ledger::EventLog* log, ledger::Clock* clock, ApplicationOptions options,
      const projections::Progress& progress = {});
  ~Application();

  // Stops following the log and writes a projection snapshot. Idempotent.
  void Stop();

  CommandService& commands() { return *commands_; }
  // Seals and opens personal data (without a keystore it seals nothing).
  const PersonalDataVault& vault() const { return *vault_; }
  // Stream "privacy" folded (legal holds, restrictions, erasures) and the record of reads of
  // personal data (docs/privacy.md).
  PrivacyRegister& privacy() { return *privacy_; }
  ledger::AccessRecord& reads() { return *reads_; }
  // The keystore, or null when personal data is recorded in the clear.
  ledger::keystore::Keystore* keystore() { return keystore_; }
  projections::ProjectionRunner& projections() { return *runner_; }
  Scheduler& scheduler() { return *scheduler_; }
  ledger::domain::PolicyStore& policies() { return *policies_; }
  // Notifications to deliver (deadline alerts): the one Outbox of this ledger.
  ledger::Outbox& outbox() { return *outbox_; }
  const std::string& how_projections_started() const { return how_; }
  // What the routes are built on (api/http/product_routes.h).
  ledger::EventLog& log() { return *log_; }
  ledger::Clock& clock() { return *clock_; }
  size_t heavy_queries() const { return heavy_queries_; }
  std::chrono::milliseconds heavy_wait() const { return heavy_wait_; }

 private:
  Application() = default;

  ledger::EventLog* log_ = nullptr;
  ledger::Clock* clock_ = nullptr;
  std::unique_ptr<ledger::domain::PolicyStore> policies_;
  std::unique_ptr<PersonalDataVault> vault_;
  std::unique_ptr<PrivacyRegister> privacy_;
  std::unique_ptr<ledger::AccessRecord> reads_;
  ledger::keystore::Keystore* keystore_ = nullptr;
  std::unique_ptr<CommandService> commands_;
  std::unique_ptr<ledger::ProjectionStore> store_;
  std::unique_ptr<projections::ProjectionRunner> runner_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<ledger::Outbox> outbox_;
  std::string how_;
  size_t heavy_queries_ = 2;
  std::chrono::milliseconds heavy_wait_{5000};
  std::thread warm_;  // indexes this month's and last month's fines at start (follow only)
  bool stopped_ = false;
};

}  // namespace api
