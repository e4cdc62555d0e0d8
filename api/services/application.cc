#include "api/services/application.h"

namespace api {

using ledger::Result;
using ledger::Status;

Result<std::unique_ptr<Application>> Application::Start(ledger::EventLog* log, ledger::Clock* clock,
                                                        ApplicationOptions options,
                                                        const projections::Progress& progress) {
  std::unique_ptr<Application> app(new Application());
  app->log_ = log;
  app->clock_ = clock;
  app->heavy_queries_ = options.heavy_queries;
  app->heavy_wait_ = options.heavy_wait;
  app->policies_ = std::make_unique<ledger::domain::PolicyStore>(log);
  LEDGER_RETURN_IF_ERROR(app->policies_->Load());
  if (app->policies_->current_version() == 0 || !options.policy_text.empty()) {
    std::string text = options.policy_text.empty()
                           ? std::string(ledger::domain::DefaultPolicyText())
                           : options.policy_text;
    Result<uint32_t> v = app->policies_->Publish(text, options.operator_actor);
    if (!v.ok()) return v.status().Annotate("publishing the policy");
  }
  app->vault_ = std::make_unique<PersonalDataVault>(options.keystore);
  app->keystore_ = options.keystore;
  app->privacy_ = std::make_unique<PrivacyRegister>(log);
  app->reads_ = std::make_unique<ledger::AccessRecord>(log, clock);
  app->vault_->Attach(app->privacy_.get(), app->reads_.get());
  app->commands_ = std::make_unique<CommandService>(
      log, app->policies_.get(), clock, app->vault_->sealing() ? app->vault_.get() : nullptr);
  LEDGER_RETURN_IF_ERROR(app->commands_->Start());
  app->store_ = std::make_unique<ledger::ProjectionStore>(log);
  app->outbox_ = std::make_unique<ledger::Outbox>(
      log, ledger::OutboxOptions{clock, options.outbox_retention, options.outbox_key_retention});
  projections::RunnerOptions runner_options;
  runner_options.snapshot_path = options.snapshot_path;
  runner_options.warn = options.warn;
  app->runner_ = std::make_unique<projections::ProjectionRunner>(
      log, app->policies_.get(), app->store_.get(), std::move(runner_options));
  LEDGER_RETURN_IF_ERROR(app->runner_->Open(&app->how_, progress));
  app->scheduler_ =
      std::make_unique<Scheduler>(app->commands_.get(), app->runner_.get(), app->policies_.get(),
                                  app->outbox_.get(), clock, Scheduler::Options{});
  app->scheduler_->Start();  // before following: no batch goes unseen
  if (options.follow) {
    app->runner_->Follow();
    if (options.run_scheduler) app->scheduler_->Run();
    // The fine index indexes a month on its first query (about 2 s for a million complaints):
    // this month's and last month's, the ones most asked for, are indexed now in the background
    // rather than on a client's first request.
    app->warm_ = std::thread([runner = app->runner_.get(), clock,
                              offset = app->policies_->current()->calendar.utc_offset] {
      const ledger::Time now = clock->Now();
      auto month = [&](ledger::Time t) {
        return projections::ParsePeriod(ledger::MonthKey(t, offset), offset);
      };
      auto current = month(now);
      if (!current.ok()) return;
      auto previous = month(current->start - std::chrono::microseconds(1));
      std::vector<projections::Period> months{*current};
      if (previous.ok()) months.push_back(*previous);
      runner->WarmFines(now, months);
    });
  }
  return app;
}

Application::~Application() { Stop(); }

void Application::Stop() {
  if (stopped_ || !runner_) return;
  stopped_ = true;
  if (scheduler_) scheduler_->Stop();
  if (warm_.joinable()) warm_.join();
  runner_->Stop();
}

}  // namespace api
