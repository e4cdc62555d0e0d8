// Helpers for projection tests: a ledger fixture plus the projection folded from its log.
#pragma once

#include "ledger/domain/policy.h"
#include "projections/derive.h"
#include "projections/ledger_projection.h"
#include "projections/queries.h"
#include "testing/ledger_fixture.h"

namespace testing_util {

inline std::string ReceiveJson(const std::string& receiving = "customer_service",
                               const std::string& extra = "") {
  return R"({"type":"receive","channel":"hotline","complainant":{"name":"Li","phone":"13800000001"},
    "project":"p-lakeside","subject":"Leak","description":"Water leak","receiving_department":")" +
         receiving + "\"" + extra + "}";
}

// The projection of everything in the fixture's log.
inline projections::LedgerProjection FoldAll(LedgerFixture& f) {
  projections::LedgerProjection p;
  auto lookup = [&f](uint32_t v) { return f.policies().ForVersion(v); };
  const ledger::domain::Policy& fb = *f.policies().current();
  EXPECT_TRUE(
      f.log()
          .ForEach(1, 0, [&](const ledger::RecordedEvent& e) { return p.Apply(e, lookup, fb); })
          .ok());
  return p;
}

inline projections::Scope ScopeOf(LedgerFixture& f, const projections::LedgerProjection& p,
                                  ledger::Time now) {
  return projections::Scope{p, [&f](uint32_t v) { return f.policies().ForVersion(v); },
                            *f.policies().current(), now};
}

inline ledger::Time T(const std::string& rfc3339) { return *ledger::ParseRfc3339(rfc3339); }

inline projections::Period Month(const std::string& m) {
  return *projections::ParsePeriod(m, std::chrono::minutes(480));
}

}  // namespace testing_util
