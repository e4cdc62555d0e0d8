// DemoLedger: a new ledger set up for generation — a ManualClock shared by the log and the
// command service, the log opened in bulk mode, the default policy published — and the
// generator run on it. `ledgerctl demo` and the tests use it; docs/demo.md describes the result.
//
// Thread-safety: one thread generates; afterwards the log and the service are as thread-safe as
// their own classes say.
#pragma once

#include <memory>
#include <string>

#include "api/services/command_service.h"
#include "ledger/base/clock.h"
#include "ledger/domain/policy_store.h"
#include "ledger/log/event_log.h"
#include "tools/demo/generator.h"

namespace demo {

class DemoLedger {
 public:
  // Creates the ledger in `dir` (which must not hold one: FailedPrecondition otherwise),
  // publishes the default policy as "u-admin" a day before the demo starts, and starts the
  // command service. Durability::kBulk: nothing is synced until Generate() ends. With a
  // `keystore` (not owned; it must outlive the DemoLedger) complainants' personal data is sealed
  // (docs/privacy.md), as `serve --kek` seals it.
  static ledger::Result<std::unique_ptr<DemoLedger>> Create(
      const std::string& dir, GeneratorOptions options,
      ledger::keystore::Keystore* keystore = nullptr);

  // Runs the generator (once), then syncs the log.
  ledger::Result<GeneratorStats> Generate();

  ledger::EventLog& log() { return *log_; }
  api::CommandService& service() { return *service_; }
  ledger::domain::PolicyStore& policies() { return *policies_; }
  ledger::ManualClock& clock() { return clock_; }

 private:
  explicit DemoLedger(GeneratorOptions options);

  GeneratorOptions options_;
  ledger::ManualClock clock_;
  std::unique_ptr<ledger::EventLog> log_;
  std::unique_ptr<ledger::domain::PolicyStore> policies_;
  std::unique_ptr<api::PersonalDataVault> vault_;
  std::unique_ptr<api::CommandService> service_;
};

// True when `dir` holds a ledger (an EventLog opens there read-only).
ledger::Result<bool> HoldsLedger(const std::string& dir);

}  // namespace demo
