// The projection runner: incremental == rebuild == snapshot + tail over random histories; a
// stored projection that does not match its log is detected and rebuilt, never served; as-of and
// known-at answers differ where a back-dated entry makes them differ; a fold's remembered policy
// lookups answer as the store does; rows that cannot be stored (a full disk) stop nothing and are
// stored later.
#include "projections/runner.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

#include "ledger/log/projection_store.h"
#include "projection_util.h"
#include "testing/fake_disk_space.h"

namespace projections {
namespace {

using namespace testing_util;

// Random actions over a few complaints: plausible ones and ones that will be refused.
class History {
 public:
  History(LedgerFixture& f, uint64_t seed) : f_(f), rng_(seed) {}

  void Step() {
    f_.Advance(std::chrono::minutes(10 + rng_() % 600));
    if (ids_.empty() || rng_() % 6 == 0) {
      std::string extra = rng_() % 4 == 0   ? R"(,"headcount":4)"
                          : rng_() % 5 == 0 ? R"(,"flags":["government"])"
                                            : "";
      auto r = f_.Try(ReceiveJson(rng_() % 2 ? "customer_service" : "property", extra),
                      rng_() % 2 ? CsAgentActor() : IntakeActor());
      if (r.ok()) ids_.push_back(r->id);
      return;
    }
    const std::string& id = ids_[rng_() % ids_.size()];
    static const std::vector<std::pair<std::string, int>> kActions = {
        {R"({"type":"transmit","to_department":"customer_service"})", 0},
        {R"({"type":"assess_validity","valid":true})", 1},
        {R"({"type":"classify","category":"property_service"})", 1},
        {R"({"type":"assign","department":"property","handler":"u-handler-1"})", 1},
        {R"({"type":"respond","channel":"phone","summary":"called"})", 1},
        {R"({"type":"propose_plan","plan_type":"repair","description":"fix"})", 2},
        {R"({"type":"review_plan","approved":true})", 3},
        {R"({"type":"resolve","resolution":"done","root_cause":"other","corrective_action":"x"})",
         2},
        {R"({"type":"confirm","method":"written"})", 1},
        {R"({"type":"close","basis":"customer_confirmed"})", 1},
        {R"({"type":"pause_clock","reason":"awaiting_customer"})", 1},
        {R"({"type":"resume_clock","reason":"awaiting_customer"})", 1},
        {R"({"type":"reopen","reason":"again"})", 1},
        {R"({"type":"record_callback","acknowledged":true,"contacted":false,"timeliness":7,"plan":8,"attitude":9})",
         1},
        {R"({"type":"add_flag","flag":"media_threatened"})", 1},
        {R"({"type":"rate_department","department":"property","month":"2026-03","score":91})", 1},
        {R"({"type":"close","basis":"invalid_explained"})", 1},  // usually refused
    };
    const auto& [json, who] = kActions[rng_() % kActions.size()];
    const ledger::Actor actors[] = {IntakeActor(), CsAgentActor(), HandlerActor(), DeptHeadActor()};
    (void)f_.Try(json, actors[who], json.find("rate_department") != std::string::npos ? "" : id);
  }

 private:
  LedgerFixture& f_;
  std::mt19937_64 rng_;
  std::vector<std::string> ids_;
};

uint64_t Seed() {
  const char* s = std::getenv("LEDGER_PROPERTY_SEED");
  return s ? std::strtoull(s, nullptr, 10) : 20261124;
}

TEST(Runner, IncrementalEqualsRebuildEqualsSnapshotPlusTail) {
  for (uint64_t round = 0; round < 3; ++round) {
    const uint64_t seed = Seed() + round;
    SCOPED_TRACE("seed " + std::to_string(seed));
    LedgerFixture f;
    ledger::ProjectionStore store(&f.log());
    const std::string snapshot = f.dir().Sub("projections.snap");
    History history(f, seed);
    std::mt19937_64 rng(seed);
    {
      ProjectionRunner incremental(&f.log(), &f.policies(), &store, {snapshot, 1000, 7});
      std::string how;
      ASSERT_TRUE(incremental.Open(&how).ok());
      for (int step = 0; step < 120; ++step) {
        history.Step();
        if (rng() % 3 == 0) {
          ASSERT_TRUE(incremental.CatchUp().ok());  // batches of random sizes
        }
        if (step == 60) {
          ASSERT_TRUE(incremental.WriteSnapshot().ok());
        }
      }
      ASSERT_TRUE(incremental.CatchUp().ok());
      auto check = incremental.Check();
      ASSERT_TRUE(check.ok());
      EXPECT_TRUE(check->ok) << check->detail;  // incremental == rebuild
      EXPECT_EQ(check->current_digest, check->rebuilt_digest);
    }
    // The snapshot was taken mid-way: loading it and replaying the tail gives the same state.
    ProjectionRunner restarted(&f.log(), &f.policies(), &store, {snapshot, 1000, 7});
    std::string how;
    ASSERT_TRUE(restarted.Open(&how).ok());
    EXPECT_NE(how.find("snapshot"), std::string::npos) << how;
    LedgerProjection rebuilt = FoldAll(f);
    EXPECT_TRUE(restarted.Read([&](const LedgerProjection& p) { return p == rebuilt; }));
    EXPECT_EQ(restarted.position(), f.log().GetHead().position);
  }
}

TEST(Runner, RowsWithoutASnapshotReloadToTheSameState) {
  LedgerFixture f;
  ledger::ProjectionStore store(&f.log());
  History history(f, Seed());
  ProjectionRunner first(&f.log(), &f.policies(), &store, {});
  std::string how;
  ASSERT_TRUE(first.Open(&how).ok());
  for (int i = 0; i < 60; ++i) history.Step();
  ASSERT_TRUE(first.CatchUp().ok());
  ProjectionRunner second(&f.log(), &f.policies(), &store, {});
  ASSERT_TRUE(second.Open(&how).ok());
  EXPECT_NE(how.find("stored rows"), std::string::npos) << how;
  EXPECT_EQ(second.digest(), first.digest());
}

TEST(Runner, AStoredProjectionThatDoesNotMatchIsRebuiltNotServed) {
  LedgerFixture f;
  ledger::ProjectionStore store(&f.log());
  History history(f, Seed());
  for (int i = 0; i < 40; ++i) history.Step();
  std::string how, digest;
  {
    ProjectionRunner runner(&f.log(), &f.policies(), &store, {});
    ASSERT_TRUE(runner.Open(&how).ok());
    digest = runner.digest();
  }
  // Change one stored row underneath (the checkpoint stays): the digest no longer matches.
  std::string key;
  ASSERT_TRUE(store
                  .Scan(ProjectionRunner::kName, "t/",
                        [&](std::string_view k, std::string_view) {
                          key = std::string(k);
                          return false;
                        })
                  .ok());
  auto checkpoint = *store.ReadCheckpoint(ProjectionRunner::kName);
  ASSERT_TRUE(
      store.Commit(ProjectionRunner::kName, {{key, std::string("\x01\x02\x03", 3)}}, *checkpoint)
          .ok());
  ProjectionRunner runner(&f.log(), &f.policies(), &store, {});
  ASSERT_TRUE(runner.Open(&how).ok());
  EXPECT_NE(how.find("rebuilt"), std::string::npos) << how;
  EXPECT_EQ(runner.digest(), digest);
  // A checkpoint naming another log's event is detected too.
  checkpoint = *store.ReadCheckpoint(ProjectionRunner::kName);
  checkpoint->log_hash[0] ^= 1;
  ASSERT_TRUE(store.Commit(ProjectionRunner::kName, {}, *checkpoint).ok());
  ProjectionRunner again(&f.log(), &f.policies(), &store, {});
  ASSERT_TRUE(again.Open(&how).ok());
  EXPECT_NE(how.find("another log"), std::string::npos) << how;
}

// While the disk is nearly full the log refuses writes, the projection store's too: the runner
// still opens (a rebuild it cannot store) and serves from memory; once the disk has room, the
// next batch stores everything the store lacks, so that a restart loads the rows.
TEST(Runner, OpensAndServesWhenItsRowsCannotBeStoredAndStoresThemLater) {
  FakeDiskSpace disk(uint64_t{1} << 30);
  LedgerFixture f(*ledger::ParseRfc3339("2026-03-02T09:30:00+08:00"), &disk);
  ledger::ProjectionStore store(&f.log());
  History history(f, Seed());
  for (int i = 0; i < 40; ++i) history.Step();
  disk.Set(0);
  ASSERT_EQ(f.Try(ReceiveJson(), CsAgentActor()).status().code(), ledger::Code::kUnavailable);

  ProjectionRunner runner(&f.log(), &f.policies(), &store, {});
  std::string how;
  ASSERT_TRUE(runner.Open(&how).ok());
  EXPECT_NE(how.find("rebuilt"), std::string::npos) << how;
  EXPECT_EQ(runner.position(), f.log().GetHead().position);
  std::string why;
  ProjectionRunner before(&f.log(), &f.policies(), &store, {});
  EXPECT_EQ(before.Load(ProjectionRunner::Stored::kRows, &why).code(), ledger::Code::kNotFound);

  disk.Set(uint64_t{1} << 30);
  for (int i = 0; i < 20; ++i) history.Step();
  ASSERT_TRUE(runner.CatchUp().ok());
  ProjectionRunner after(&f.log(), &f.policies(), &store, {});
  ASSERT_TRUE(after.Open(&how).ok());
  EXPECT_NE(how.find("stored rows"), std::string::npos) << how;
  EXPECT_EQ(after.digest(), runner.digest());
}

TEST(AsOfKnownAt, ABackDatedEntryMakesTheTwoAnswersDiffer) {
  LedgerFixture f;
  f.At("2026-03-02T09:30:00+08:00");
  std::string id = f.Do(ReceiveJson(), CsAgentActor()).id;
  // The response happened Monday 10:00 but was only entered Tuesday 18:00.
  f.At("2026-03-03T18:00:00+08:00");
  f.Do(
      R"({"type":"respond","channel":"phone","summary":"x","occurred_at":"2026-03-02T10:00:00+08:00"})",
      CsAgentActor(), id);
  ledger::ProjectionStore store(&f.log());
  ProjectionRunner runner(&f.log(), &f.policies(), &store, {});
  std::string how;
  ASSERT_TRUE(runner.Open(&how).ok());
  auto response = [&](const ledger::domain::FoldOptions& o) {
    auto p = runner.FoldAt(o);
    EXPECT_TRUE(p.ok());
    Derived d = Derive(*p->Find(id), runner.policies(), runner.fallback(), *o.as_of);
    for (const domain::ClockResult& c : d.clocks)
      if (c.kind == domain::ClockKind::kResponse) return c.state;
    return domain::ClockState::kNotApplicable;
  };
  ledger::Time monday_noon = T("2026-03-02T12:00:00+08:00");
  // As the ledger knew it on Monday at noon: no response, the 10:30 deadline missed.
  EXPECT_EQ(response({monday_noon, monday_noon}), domain::ClockState::kMissed);
  // As of Monday noon, as known now: the response was given at 10:00, in time.
  EXPECT_EQ(response({monday_noon, std::nullopt}), domain::ClockState::kMet);
  // As of Monday 09:45 (business time), nothing had happened yet whatever we know now.
  EXPECT_EQ(response({T("2026-03-02T09:45:00+08:00"), std::nullopt}), domain::ClockState::kPending);
}

// What-if: the same history under another published policy version (here one that allows two
// hours for a general complaint's first response) gives another answer, and changes nothing
// stored: the kept projection and each complaint's own version stay as decided.
TEST(WhatIf, AnotherPolicyVersionGivesASeparateAnswerWithoutChangingTheStoredOne) {
  LedgerFixture f;
  f.At("2026-03-02T09:30:00+08:00");
  std::string id = f.Do(ReceiveJson(), CsAgentActor()).id;
  f.At("2026-03-02T11:00:00+08:00");  // 90 minutes: late under v1 (1 hour), in time under v2
  f.Do(R"({"type":"respond","channel":"phone","summary":"x"})", CsAgentActor(), id);
  std::string lenient(ledger::domain::DefaultPolicyText());
  const std::string general = R"("general": {"transmission": "2 hours", "response": "1 hour")";
  ASSERT_NE(lenient.find(general), std::string::npos);
  lenient.replace(lenient.find(general), general.size(),
                  R"("general": {"transmission": "2 hours", "response": "2 hours")");
  auto v2 = f.policies().Publish(lenient, Admin());
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  ASSERT_EQ(*v2, 2u);

  ledger::ProjectionStore store(&f.log());
  ProjectionRunner runner(&f.log(), &f.policies(), &store, {});
  std::string how;
  ASSERT_TRUE(runner.Open(&how).ok());
  const std::string before = runner.digest();
  ledger::Time at = T("2026-03-02T12:00:00+08:00");
  auto response = [&](const LedgerProjection& p, const domain::Policy* what_if) {
    PolicyLookup lookup =
        what_if ? PolicyLookup([what_if](uint32_t) { return what_if; }) : runner.policies();
    Derived d = Derive(*p.Find(id), lookup, what_if ? *what_if : runner.fallback(), at);
    for (const domain::ClockResult& c : d.clocks)
      if (c.kind == domain::ClockKind::kResponse)
        return std::make_pair(c.state, c.why.policy_version);
    return std::make_pair(domain::ClockState::kNotApplicable, 0u);
  };
  // As decided: under the version in force at intake (1), the response was late and fined.
  auto kept = runner.Read([&](const LedgerProjection& p) { return response(p, nullptr); });
  EXPECT_EQ(kept, std::make_pair(domain::ClockState::kMissed, 1u));
  // What-if under version 2: in time.
  const domain::Policy* v2_policy = f.policies().ForVersion(2);
  auto what_if = runner.FoldAt({}, v2_policy);
  ASSERT_TRUE(what_if.ok());
  EXPECT_EQ(response(*what_if, v2_policy), std::make_pair(domain::ClockState::kMet, 2u));
  // Nothing stored changed, and the complaint still records the version it was decided under.
  EXPECT_EQ(runner.digest(), before);
  EXPECT_EQ(
      runner.Read([&](const LedgerProjection& p) { return p.Find(id)->state.policy_version; }), 1u);
}

// A fold's policy lookup asks the store once per version it finds, and asks again for a version
// the store did not know (it may be published meanwhile).
TEST(Remembering, AsksOncePerFoundVersionAndAgainForAnUnknownOne) {
  const domain::Policy one, two;
  std::map<uint32_t, int> asked;
  bool two_published = false;
  PolicyLookup remembered = Remembering([&](uint32_t v) -> const domain::Policy* {
    ++asked[v];
    if (v == 1) return &one;
    if (v == 2 && two_published) return &two;
    return nullptr;
  });
  for (int i = 0; i < 5; ++i) EXPECT_EQ(remembered(1), &one);
  EXPECT_EQ(asked[1], 1);
  EXPECT_EQ(remembered(2), nullptr);
  EXPECT_EQ(remembered(2), nullptr);
  EXPECT_EQ(asked[2], 2);
  two_published = true;
  EXPECT_EQ(remembered(2), &two);
  EXPECT_EQ(remembered(2), &two);
  EXPECT_EQ(asked[2], 3);
  // More versions than it remembers: each still gets its own policy.
  std::vector<domain::Policy> many(9);
  PolicyLookup wide = Remembering([&](uint32_t v) { return &many[v]; });
  for (int round = 0; round < 3; ++round)
    for (uint32_t v = 0; v < many.size(); ++v) EXPECT_EQ(wide(v), &many[v]);
  EXPECT_FALSE(Remembering(PolicyLookup{}));
}

}  // namespace
}  // namespace projections
