#include "tools/demo/demo_ledger.h"

namespace demo {

using ledger::Status;

// Complaints whose folded state the command service keeps (least recently used evicted): more
// than a demo handles within a few months, so that nearly every action finds its state.
constexpr size_t kStateCacheEntries = 65536;

ledger::Result<bool> HoldsLedger(const std::string& dir) {
  ledger::Options options;
  options.read_only = true;
  options.create_if_missing = false;
  auto log = ledger::EventLog::Open(dir, options);
  if (log.ok()) return true;
  if (log.status().code() == ledger::Code::kNotFound) return false;
  return log.status();
}

DemoLedger::DemoLedger(GeneratorOptions options)
    : options_(std::move(options)), clock_(DemoStart(options_) - std::chrono::hours(24)) {}

ledger::Result<std::unique_ptr<DemoLedger>> DemoLedger::Create(
    const std::string& dir, GeneratorOptions options, ledger::keystore::Keystore* keystore) {
  LEDGER_ASSIGN_OR_RETURN(bool holds, HoldsLedger(dir));
  if (holds) return Status::FailedPrecondition("'" + dir + "' already holds a ledger");
  std::unique_ptr<DemoLedger> d(new DemoLedger(std::move(options)));
  ledger::Options log_options;
  log_options.clock = &d->clock_;
  log_options.durability = ledger::Durability::kBulk;
  LEDGER_ASSIGN_OR_RETURN(d->log_, ledger::EventLog::Open(dir, log_options));
  d->policies_ = std::make_unique<ledger::domain::PolicyStore>(d->log_.get());
  LEDGER_RETURN_IF_ERROR(d->policies_->Load());
  LEDGER_ASSIGN_OR_RETURN(uint32_t version,
                          d->policies_->Publish(std::string(ledger::domain::DefaultPolicyText()),
                                                {"u-admin", "admin", ""}));
  (void)version;
  if (keystore != nullptr) d->vault_ = std::make_unique<api::PersonalDataVault>(keystore);
  d->service_ = std::make_unique<api::CommandService>(d->log_.get(), d->policies_.get(), &d->clock_,
                                                      d->vault_.get());
  d->service_->EnableStateCache(kStateCacheEntries);
  LEDGER_RETURN_IF_ERROR(d->service_->Start());
  return d;
}

ledger::Result<GeneratorStats> DemoLedger::Generate() {
  Generator generator(service_.get(), &clock_, options_);
  LEDGER_ASSIGN_OR_RETURN(GeneratorStats stats, generator.Run());
  LEDGER_RETURN_IF_ERROR(log_->Sync());
  return stats;
}

}  // namespace demo
