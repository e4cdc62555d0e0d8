// CommandService's optional state cache (EnableStateCache), which the demo generator turns on:
// it serves exactly the state a fold of the stream gives, and never a stale one.
#include <gtest/gtest.h>

#include "ledger/domain/evolve.h"
#include "testing/ledger_fixture.h"

namespace {

using namespace testing_util;
namespace domain = ledger::domain;

class StateCache : public ::testing::Test {
 protected:
  StateCache() {
    cached_ = std::make_unique<api::CommandService>(&f_.log(), &f_.policies(), &f_.clock());
    cached_->EnableStateCache(2);
    EXPECT_TRUE(cached_->Start().ok());
  }

  // Executes through the caching service.
  api::ActionOutcome Do(const std::string& json, const ledger::Actor& actor,
                        const std::string& complaint = "") {
    auto action = domain::ParseActionText(json);
    EXPECT_TRUE(action.ok());
    auto r = cached_->Execute(*action, actor, complaint);
    EXPECT_TRUE(r.ok()) << json << " -> " << r.status().ToString();
    return r.ok() ? std::move(r).value() : api::ActionOutcome{};
  }

  std::string Receive() {
    return Do(R"({"type":"receive","channel":"hotline","complainant":{"name":"Li","phone":"13800000001"},
                  "project":"p-lakeside","subject":"Leak","description":"Water leak",
                  "receiving_department":"customer_service"})",
              CsAgentActor())
        .id;
  }

  // The state as a fold of the stream read now.
  domain::ComplaintState Folded(const std::string& id) {
    auto events = f_.log().ReadStreamForward(id, 1, 1000);
    EXPECT_TRUE(events.ok());
    return *domain::Fold(id, *events);
  }

  LedgerFixture f_;  // its own service (no cache) is "somebody else" writing to the log
  std::unique_ptr<api::CommandService> cached_;
};

TEST_F(StateCache, ServesWhatAFoldGives) {
  std::string id = Receive();
  EXPECT_EQ(*cached_->LoadState(id), Folded(id));
  f_.Advance(std::chrono::minutes(5));
  Do(R"({"type":"assess_validity","valid":true})", CsAgentActor(), id);
  Do(R"({"type":"classify","category":"maintenance"})", CsAgentActor(), id);
  EXPECT_EQ(*cached_->LoadState(id), Folded(id));
  EXPECT_EQ(cached_->LoadState(id)->category, "maintenance");
}

TEST_F(StateCache, NeverServesAStaleState) {
  std::string id = Receive();
  ASSERT_EQ(cached_->LoadState(id)->version, 1u);  // cached at version 1
  f_.Advance(std::chrono::minutes(5));
  f_.Do(R"({"type":"assess_validity","valid":true})", CsAgentActor(), id);  // behind its back
  auto state = cached_->LoadState(id);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->version, 2u);
  EXPECT_EQ(*state, Folded(id));
  // And deciding on it works: the next action is decided on the current state.
  Do(R"({"type":"classify","category":"maintenance"})", CsAgentActor(), id);
  EXPECT_EQ(*cached_->LoadState(id), Folded(id));
}

TEST_F(StateCache, AsOfAndKnownAtBypassTheCache) {
  std::string id = Receive();
  const ledger::Time received = f_.clock().Now();
  f_.Advance(std::chrono::hours(1));
  Do(R"({"type":"assess_validity","valid":true})", CsAgentActor(), id);
  domain::FoldOptions as_of;
  as_of.as_of = received;
  auto past = cached_->LoadState(id, as_of);
  ASSERT_TRUE(past.ok());
  EXPECT_EQ(past->version, 1u);
  EXPECT_FALSE(past->valid.has_value());
  EXPECT_EQ(cached_->LoadState(id)->version, 2u);
}

TEST_F(StateCache, EvictsBeyondItsSizeAndStaysCorrect) {
  std::string a = Receive(), b = Receive(), c = Receive();  // holds 2 entries
  for (const std::string& id : {a, b, c}) {
    f_.Advance(std::chrono::minutes(1));
    Do(R"({"type":"assess_validity","valid":true})", CsAgentActor(), id);
  }
  for (const std::string& id : {a, b, c}) EXPECT_EQ(*cached_->LoadState(id), Folded(id)) << id;
}

TEST_F(StateCache, UnknownComplaintIsNotFound) {
  auto state = cached_->LoadState("CMP-2026-999999");
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().code(), ledger::Code::kNotFound);
}

}  // namespace
