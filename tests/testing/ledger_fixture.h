// A real ledger in a temporary directory — EventLog, PolicyStore with the default policy
// published, CommandService — driven by actions as JSON at a manual clock. For tests of the
// projections, the API and the tools.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "api/services/command_service.h"
#include "ledger/base/clock.h"
#include "ledger/domain/evolve.h"
#include "ledger/domain/policy_store.h"
#include "ledger/keystore/keystore.h"
#include "ledger/log/event_log.h"
#include "testing/temp_dir.h"

namespace testing_util {

inline ledger::Actor Admin() { return {"u-admin", "admin", ""}; }

class LedgerFixture {
 public:
  // `disk` (not owned, may be null: the real one) is where the log reads its free space.
  explicit LedgerFixture(ledger::Time start = *ledger::ParseRfc3339("2026-03-02T09:30:00+08:00"),
                         ledger::DiskSpace* disk = nullptr)
      : clock_(start), disk_(disk) {
    Open();
  }

  void Open() {
    ledger::Options o;
    o.clock = &clock_;
    o.disk_space = disk_;
    auto log = ledger::EventLog::Open(dir_.Sub("ledger"), o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
    policies_ = std::make_unique<ledger::domain::PolicyStore>(log_.get());
    ASSERT_TRUE(policies_->Load().ok());
    auto v = policies_->Publish(std::string(ledger::domain::DefaultPolicyText()), Admin());
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    if (kek_) OpenKeystore();
    service_ =
        std::make_unique<api::CommandService>(log_.get(), policies_.get(), &clock_, vault_.get());
    ASSERT_TRUE(service_->Start().ok());
  }

  // From now on personal data is sealed: a keystore in the test's directory (a random KEK), and
  // a service that seals with it (docs/privacy.md).
  void UseKeystore() {
    if (!kek_) kek_ = *ledger::aead::SecretKey::Random();
    service_.reset();
    OpenKeystore();
    service_ =
        std::make_unique<api::CommandService>(log_.get(), policies_.get(), &clock_, vault_.get());
    ASSERT_TRUE(service_->Start().ok());
  }

  void OpenKeystore() {
    vault_.reset();
    keystore_.reset();
    auto ks = ledger::keystore::Keystore::Open(dir_.Sub("keystore"), *kek_);
    ASSERT_TRUE(ks.ok()) << ks.status().ToString();
    keystore_ = std::move(ks).value();
    vault_ = std::make_unique<api::PersonalDataVault>(keystore_.get());
  }

  void Close() {
    service_.reset();
    vault_.reset();
    keystore_.reset();
    policies_.reset();
    log_.reset();
  }

  // Executes an action (JSON); `complaint` empty for receive. Fails the test when refused.
  api::ActionOutcome Do(const std::string& json, const ledger::Actor& actor,
                        const std::string& complaint = "") {
    auto r = Try(json, actor, complaint);
    EXPECT_TRUE(r.ok()) << json << "\n -> " << r.status().ToString();
    return r.ok() ? std::move(r).value() : api::ActionOutcome{};
  }

  ledger::Result<api::ActionOutcome> Try(const std::string& json, const ledger::Actor& actor,
                                         const std::string& complaint = "") {
    auto action = ledger::domain::ParseActionText(json);
    if (!action.ok()) return action.status();
    return service_->Execute(*action, actor, complaint);
  }

  // Moves the clock to `rfc3339`.
  void At(const std::string& rfc3339) { clock_.Set(*ledger::ParseRfc3339(rfc3339)); }
  void Advance(ledger::Duration d) { clock_.Advance(d); }

  ledger::ManualClock& clock() { return clock_; }
  ledger::EventLog& log() { return *log_; }
  ledger::domain::PolicyStore& policies() { return *policies_; }
  api::CommandService& service() { return *service_; }
  ledger::keystore::Keystore* keystore() { return keystore_.get(); }
  api::PersonalDataVault* vault() { return vault_.get(); }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  ledger::ManualClock clock_;
  ledger::DiskSpace* disk_;
  std::unique_ptr<ledger::EventLog> log_;
  std::unique_ptr<ledger::domain::PolicyStore> policies_;
  std::optional<ledger::aead::SecretKey> kek_;
  std::unique_ptr<ledger::keystore::Keystore> keystore_;
  std::unique_ptr<api::PersonalDataVault> vault_;
  std::unique_ptr<api::CommandService> service_;
};

// Actors of the default policy's organisation.
inline ledger::Actor CsAgentActor() { return {"u-cs-1", "cs_agent", "customer_service"}; }
inline ledger::Actor CsHeadActor() {
  return {"u-head-customer-service", "cs_head", "customer_service"};
}
inline ledger::Actor IntakeActor(const std::string& dept = "property") {
  return {"u-intake-1", "intake", dept};
}
inline ledger::Actor HandlerActor(const std::string& dept = "property") {
  return {"u-handler-1", "handler", dept};
}
inline ledger::Actor DeptHeadActor(const std::string& dept = "property") {
  return {"u-head-" + dept, "dept_head", dept};
}
inline ledger::Actor DeputyGmActor() { return {"u-deputy-gm", "deputy_gm", ""}; }
inline ledger::Actor GmActor() { return {"u-gm", "gm", ""}; }
inline ledger::Actor DataProtectionActor() { return {"u-dpo", "data_protection", ""}; }

// A receive action naming a complainant (for tests of personal data).
inline std::string ReceiveFrom(const std::string& name, const std::string& phone,
                               const std::string& unit) {
  return R"({"type":"receive","channel":"hotline","complainant":{"name":")" + name +
         R"(","phone":")" + phone + R"(","unit":")" + unit +
         R"("},"project":"p-lakeside","subject":"Leak","description":"Water from the ceiling",)"
         R"("receiving_department":"customer_service"})";
}

// Complaint `id` folded from the fixture's log.
inline ledger::domain::ComplaintState FoldedState(LedgerFixture& f, const std::string& id) {
  auto events = f.log().ReadStreamForward(id, 1, 1000);
  EXPECT_TRUE(events.ok());
  auto state = ledger::domain::Fold(id, *events);
  EXPECT_TRUE(state.ok()) << state.status().ToString();
  return state.ok() ? *state : ledger::domain::ComplaintState{};
}

}  // namespace testing_util
