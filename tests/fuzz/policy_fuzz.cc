// Fuzz target: the policy reader. The bytes are a policy document (docs/policy-format.md) as
// `ledgerctl policy publish` or a ledger's PolicyPublished event gives it to ParsePolicy
// (policy.h). A policy that validates must then be usable: its allowances read back as written
// (Allowance::Parse of ToString), and a complaint driven through the lifecycle under it
// (fuzz_common.h; each step by a role it allows, until one is refused) has its clocks, fine lines
// and rewards evaluated a month on. Never a crash, a sanitizer report or a leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_common.h"
#include "ledger/domain/fines.h"
#include "ledger/domain/rules.h"

namespace {

namespace domain = ledger::domain;

void CheckAllowance(const domain::Allowance& a) {
  std::optional<domain::Allowance> back = domain::Allowance::Parse(a.ToString());
  if (!back || !(*back == a)) __builtin_trap();  // what validated must read back
}

void CheckAllowances(const domain::Policy& p) {
  for (const domain::LevelClocks& c : p.clocks) {
    CheckAllowance(c.transmission);
    CheckAllowance(c.response);
    CheckAllowance(c.plan);
  }
  for (const domain::ClosureRule& r : p.closure) {
    CheckAllowance(r.standard);
    for (const auto& by_level : r.by_level)
      if (by_level) CheckAllowance(*by_level);
  }
}

// The lifecycle under `policy`, with its clocks and fines evaluated after every step.
void Use(const domain::Policy& policy) {
  const ledger::Time later = fuzz::Now() + std::chrono::hours(24 * 31);
  domain::ComplaintState state;
  state.id = "CMP-2026-000001";
  for (const std::string& step : fuzz::Lifecycle()) {
    if (!fuzz::Step(state, policy, step).ok()) break;
    domain::ClockFacts facts = domain::ClockFactsOf(state, policy);
    std::vector<domain::ClockResult> clocks = domain::EvaluateClocks(facts, policy, later);
    (void)domain::FineLines(state, policy, clocks, later);
    (void)domain::OverdueBeyondTiers(state, policy, clocks, later);
    (void)domain::EvaluateRules(state, policy, later);
  }
  for (int64_t composite : {0, 5000, 8000, 9000, 9500, 10000})
    (void)policy.rewards.RewardFor(composite);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ledger::Result<std::shared_ptr<const domain::Policy>> policy = domain::ParsePolicy(text);
  if (!policy.ok()) return 0;
  CheckAllowances(**policy);
  Use(**policy);
  return 0;
}
