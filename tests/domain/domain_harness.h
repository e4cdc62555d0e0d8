// A complaint driven through Decide and Evolve in memory, with a manual clock: the fixture of
// the table-driven domain tests. Positions are assigned as an append would (1, 2, 3 ...).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "ledger/domain/action.h"
#include "ledger/domain/decide.h"
#include "ledger/domain/evolve.h"
#include "ledger/domain/policy.h"

namespace testing_util {

using ledger::Actor;
using ledger::Time;
using namespace ledger::domain;

// The people of the default policy's organisation, by role.
inline Actor Intake() { return {"u-intake-1", "intake", "property"}; }
inline Actor CsAgent() { return {"u-cs-1", "cs_agent", "customer_service"}; }
inline Actor CsHead() { return {"u-head-customer-service", "cs_head", "customer_service"}; }
inline Actor Handler(const std::string& dept = "property") {
  return {"u-handler-1", "handler", dept};
}
inline Actor DeptHead(const std::string& dept = "property") {
  return {"u-head-" + dept, "dept_head", dept};
}
inline Actor DeputyGm() { return {"u-deputy-gm", "deputy_gm", ""}; }
inline Actor Gm() { return {"u-gm", "gm", ""}; }
inline Actor DataProtection() { return {"u-dpo", "data_protection", ""}; }

// 2026-03-02 is a Monday (a working day); 10:00 at +08:00.
inline Time Monday10() { return *ledger::ParseRfc3339("2026-03-02T10:00:00+08:00"); }

class Complaint {
 public:
  explicit Complaint(Time now = Monday10()) : now_(now) { state_.id = "CMP-2026-000001"; }

  const ComplaintState& state() const { return state_; }
  const Policy& policy() const { return *policy_; }
  // Decides under `policy` from now on (a variant of the default, say).
  void UsePolicy(std::shared_ptr<const Policy> policy) { policy_ = std::move(policy); }
  Time now() const { return now_; }
  void Advance(ledger::Duration d) { now_ += d; }
  void SetNow(Time t) { now_ = t; }
  uint64_t last_position() const { return next_position_ - 1; }

  // Decides without applying.
  ledger::Result<Decision> Try(const std::string& json, const Actor& actor,
                               const CrossFacts& cross = {}) const {
    auto action = ParseActionText(json);
    if (!action.ok()) return action.status();
    DecideInput in{&state_, policy_.get(), 1, policy_.get(), actor, now_, cross, false};
    return Decide(*action, in);
  }

  // Decides and applies; the test fails when the action is refused.
  Decision Do(const std::string& json, const Actor& actor, const CrossFacts& cross = {}) {
    auto d = Try(json, actor, cross);
    EXPECT_TRUE(d.ok()) << json << "\n -> " << d.status().ToString();
    if (!d.ok()) return {};
    Apply(*d);
    return std::move(d).value();
  }

  void Apply(const Decision& d) {
    for (const PendingEvent& p : d.events) {
      EventView v = p.View(state_.version + 1, 1, now_);
      v.position = next_position_++;
      Evolve(state_, v);
    }
  }

  // The usual path to an assigned, valid maintenance complaint received by customer service.
  void ReceiveAndAssign(const std::string& extra = "") {
    Do(R"({"type":"receive","channel":"hotline","complainant":{"name":"Li","phone":"13800000001"},
          "project":"p-lakeside","subject":"Leak","description":"Water leak","receiving_department":
          "customer_service")" +
           extra + "}",
       CsAgent());
    Do(R"({"type":"assess_validity","valid":true})", CsAgent());
    Do(R"({"type":"classify","category":"maintenance"})", CsAgent());
    Do(R"({"type":"assign","department":"property","handler":"u-handler-1"})", CsAgent());
  }

 private:
  std::shared_ptr<const Policy> policy_ = DefaultPolicy();
  ComplaintState state_;
  Time now_;
  uint64_t next_position_ = 1;
};

// True when `status` names (field, rule) among its errors.
inline bool Names(const ledger::Status& status, const std::string& field, const std::string& rule) {
  for (const ledger::FieldError& e : status.errors())
    if (e.field == field && e.rule == rule) return true;
  return false;
}

inline std::vector<std::string> TypesOf(const Decision& d) {
  std::vector<std::string> out;
  for (const PendingEvent& p : d.events) out.push_back(p.type);
  return out;
}

}  // namespace testing_util
