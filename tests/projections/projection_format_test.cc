// Stored projections know their format: rows and snapshots written by a build of another format,
// or under other rules, are rebuilt from the log at start and not served, with a line naming what
// differed; a matching store loads as before. Each test first shows that the stale store it made
// is served when the runner expects what wrote it, so that the rebuild it then checks for is the
// mismatch's doing.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "api/services/application.h"
#include "ledger/log/projection_store.h"
#include "ledger/log/record_format.h"
#include "projection_util.h"
#include "projections/format.h"
#include "projections/runner.h"
#include "testing/raw_db.h"

namespace projections {
namespace {

using namespace testing_util;

// What a build writes and expects: its format and its rules digest.
struct Build {
  uint32_t format = kProjectionFormat;
  ledger::Hash rules = ProjectionRulesDigest();
};

// A fixture ledger with a few complaints (assessed, some classified) and a rating, the store of
// its projections and a place for a snapshot.
class ProjectionFormat : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937_64 rng(20261124);
    for (int i = 0; i < 8; ++i) {
      f_.Advance(std::chrono::minutes(30 + rng() % 300));
      ids_.push_back(f_.Do(ReceiveJson(), CsAgentActor()).id);
    }
    for (const std::string& id : ids_) {
      f_.Advance(std::chrono::minutes(5 + rng() % 60));
      f_.Do(R"({"type":"assess_validity","valid":true})", CsAgentActor(), id);
      if (rng() % 2)
        f_.Do(R"({"type":"classify","category":"property_service"})", CsAgentActor(), id);
    }
    f_.Do(R"({"type":"rate_department","department":"property","month":"2026-03","score":91})",
          CsAgentActor());
  }

  RunnerOptions Options(const Build& build, bool snapshot = false) {
    RunnerOptions o;
    if (snapshot) o.snapshot_path = snapshot_;
    o.format = build.format;
    o.rules = build.rules;
    o.warn = [this](std::string_view line) { warnings_.emplace_back(line); };
    return o;
  }

  // Opens a runner of `build` and returns how it opened; `runner` (if given) receives it.
  std::string Open(const Build& build, bool snapshot = false,
                   std::unique_ptr<ProjectionRunner>* runner = nullptr) {
    auto r = std::make_unique<ProjectionRunner>(&f_.log(), &f_.policies(), store_.get(),
                                                Options(build, snapshot));
    std::string how;
    ledger::Status s = r->Open(&how);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (runner) *runner = std::move(r);
    return how;
  }

  // Makes the stored rows stale yet self-consistent, as rows a build with other rules could have
  // written: drops the first complaint's row and gives the checkpoint the digest of what is left
  // (the runner's multiset digest: XOR of SHA-256 over each row's key and value). Returns the id.
  std::string DropOneComplaintRow() {
    const std::string id = ids_.front(), key = ComplaintRowKey(id);
    auto checkpoint = store_->ReadCheckpoint(ProjectionRunner::kName);
    EXPECT_TRUE(checkpoint.ok() && checkpoint->has_value());
    ledger::Hash digest = ledger::kZeroHash;
    auto add = [&](std::string_view k, std::string_view v) {
      if (k == key) return true;
      ledger::Hash h = ledger::Sha256(k, v);
      for (size_t i = 0; i < digest.size(); ++i) digest[i] ^= h[i];
      return true;
    };
    EXPECT_TRUE(store_->Scan(ProjectionRunner::kName, "", add).ok());
    ledger::ProjectionCheckpoint stale = **checkpoint;
    stale.digest = ledger::ToHex(digest);
    EXPECT_TRUE(store_->Commit(ProjectionRunner::kName, {{key, ""}}, stale).ok());
    return id;
  }

  bool Serves(const ProjectionRunner& runner, const std::string& id) {
    return runner.Read([&](const LedgerProjection& p) { return p.Find(id) != nullptr; });
  }

  // The runner serves exactly a fresh fold of the whole log.
  void ExpectFreshFold(const ProjectionRunner& runner) {
    LedgerProjection fresh = FoldAll(f_);
    EXPECT_TRUE(runner.Read([&](const LedgerProjection& p) { return p == fresh; }));
    EXPECT_EQ(runner.position(), f_.log().GetHead().position);
  }

  // A store written by `old` and made stale is served by a runner of `old`, rebuilt by one of
  // `now` (saying `expected` first), and then loads as stored by a runner of `now`.
  void ExpectStaleRowsRebuilt(const Build& old, const Build& now, const std::string& expected) {
    Open(old);
    const std::string dropped = DropOneComplaintRow();

    std::unique_ptr<ProjectionRunner> same;
    EXPECT_NE(Open(old, false, &same).find("loaded the stored rows"), std::string::npos);
    EXPECT_FALSE(Serves(*same, dropped));  // the stale rows are what a matching start serves
    EXPECT_TRUE(warnings_.empty());
    same.reset();

    std::unique_ptr<ProjectionRunner> upgraded;
    const std::string how = Open(now, false, &upgraded);
    EXPECT_EQ(how, "rebuilt from the log (" + expected + ")");
    EXPECT_EQ(warnings_, std::vector<std::string>{expected + ": rebuilding from the log"});
    EXPECT_TRUE(Serves(*upgraded, dropped));
    ExpectFreshFold(*upgraded);

    // Stored again as `now` writes: the next start loads it, says nothing, serves the same.
    auto checkpoint = store_->ReadCheckpoint(ProjectionRunner::kName);
    ASSERT_TRUE(checkpoint.ok() && checkpoint->has_value());
    EXPECT_EQ((*checkpoint)->format, now.format);
    EXPECT_EQ((*checkpoint)->rules, now.rules);
    warnings_.clear();
    std::unique_ptr<ProjectionRunner> again;
    EXPECT_NE(Open(now, false, &again).find("loaded the stored rows"), std::string::npos);
    EXPECT_TRUE(warnings_.empty());
    EXPECT_EQ(again->digest(), upgraded->digest());
    ExpectFreshFold(*again);
  }

  // As ExpectStaleRowsRebuilt for a snapshot (and no rows: the snapshot is what is refused).
  void ExpectStaleSnapshotRebuilt(const Build& old, const Build& now, const std::string& expected) {
    Open(old);
    const std::string dropped = DropOneComplaintRow();
    {
      std::unique_ptr<ProjectionRunner> stale;
      Open(old, true, &stale);  // no snapshot yet: it loads the stale rows
      ASSERT_TRUE(stale->WriteSnapshot().ok());
    }
    ASSERT_TRUE(store_->Clear(ProjectionRunner::kName).ok());

    std::unique_ptr<ProjectionRunner> same;
    EXPECT_NE(Open(old, true, &same).find("loaded the snapshot"), std::string::npos);
    EXPECT_FALSE(Serves(*same, dropped));
    EXPECT_TRUE(warnings_.empty());
    same.reset();

    std::unique_ptr<ProjectionRunner> upgraded;
    const std::string how = Open(now, true, &upgraded);
    EXPECT_EQ(how, "rebuilt from the log (" + expected + ")");
    EXPECT_EQ(warnings_, std::vector<std::string>{expected + ": rebuilding from the log"});
    EXPECT_TRUE(Serves(*upgraded, dropped));
    ExpectFreshFold(*upgraded);
    ASSERT_TRUE(upgraded->WriteSnapshot().ok());

    warnings_.clear();
    std::unique_ptr<ProjectionRunner> again;
    EXPECT_NE(Open(now, true, &again).find("loaded the snapshot"), std::string::npos);
    EXPECT_TRUE(warnings_.empty());
    ExpectFreshFold(*again);
  }

  LedgerFixture f_;
  // Made again when the fixture reopens its log.
  std::unique_ptr<ledger::ProjectionStore> store_ =
      std::make_unique<ledger::ProjectionStore>(&f_.log());
  const std::string snapshot_ = f_.dir().Sub("projections.snapshot");
  std::vector<std::string> ids_;
  std::vector<std::string> warnings_;
};

ledger::Hash OldRules() { return ledger::Sha256("rules of an older build"); }
ledger::Hash NewRules() { return ledger::Sha256("rules of a newer build"); }

std::string Short(const ledger::Hash& h) { return ledger::ToHex(h).substr(0, 16); }

TEST_F(ProjectionFormat, RowsOfAnotherFormatAreRebuiltFromTheLog) {
  ExpectStaleRowsRebuilt({3, NewRules()}, {4, NewRules()},
                         "projection format 3 stored, 4 expected");
}

TEST_F(ProjectionFormat, RowsDerivedUnderOtherRulesAreRebuiltFromTheLog) {
  ExpectStaleRowsRebuilt(
      {4, OldRules()}, {4, NewRules()},
      "projection rules " + Short(OldRules()) + " stored, " + Short(NewRules()) + " expected");
}

TEST_F(ProjectionFormat, ASnapshotOfAnotherFormatIsRebuiltFromTheLog) {
  ExpectStaleSnapshotRebuilt({3, NewRules()}, {4, NewRules()},
                             "projection format 3 stored, 4 expected");
}

TEST_F(ProjectionFormat, ASnapshotTakenUnderOtherRulesIsRebuiltFromTheLog) {
  ExpectStaleSnapshotRebuilt(
      {4, OldRules()}, {4, NewRules()},
      "projection rules " + Short(OldRules()) + " stored, " + Short(NewRules()) + " expected");
}

// Rows stored before checkpoints recorded a format (the checkpoint in its old layout, under its
// old key) are rebuilt by this build, and its own rows then load.
TEST_F(ProjectionFormat, RowsStoredBeforeFormatsWereRecordedAreRebuilt) {
  Open(Build{});
  const std::string dropped = DropOneComplaintRow();
  f_.Close();
  {
    RawDb raw(f_.dir().Sub("ledger"));
    const std::string prefix = std::string(ProjectionRunner::kName) + '\0';
    const std::string current = raw.Get(ledger::kProjectionsFamily, prefix + 'v');
    ASSERT_GE(current.size(), 8u + 32 + 4 + 32);
    // position | log hash | digest: the format and the rules digest left out.
    raw.Put(ledger::kProjectionsFamily, prefix + 'c', current.substr(0, 40) + current.substr(76));
    raw.Delete(ledger::kProjectionsFamily, prefix + 'v');
  }
  f_.Open();
  store_ = std::make_unique<ledger::ProjectionStore>(&f_.log());
  auto legacy = store_->ReadCheckpoint(ProjectionRunner::kName);
  ASSERT_TRUE(legacy.ok() && legacy->has_value());
  EXPECT_EQ((*legacy)->format, 0u);
  EXPECT_GT((*legacy)->position, 0u);

  std::unique_ptr<ProjectionRunner> upgraded;
  const std::string expected =
      "projection stored without a format (written before projections "
      "recorded theirs), format " +
      std::to_string(kProjectionFormat) + " expected";
  EXPECT_EQ(Open(Build{}, false, &upgraded), "rebuilt from the log (" + expected + ")");
  EXPECT_EQ(warnings_, std::vector<std::string>{expected + ": rebuilding from the log"});
  EXPECT_TRUE(Serves(*upgraded, dropped));
  ExpectFreshFold(*upgraded);
  warnings_.clear();
  EXPECT_NE(Open(Build{}).find("loaded the stored rows"), std::string::npos);
  EXPECT_TRUE(warnings_.empty());
}

// The server's start (Application, as `ledgerctl serve` runs it) passes its warn on: rows of
// another format are rebuilt at start with the line, and then served as a fresh fold.
TEST_F(ProjectionFormat, TheServersStartSaysWhatDifferedAndRebuilds) {
  Open({kProjectionFormat + 1, ProjectionRulesDigest()});
  const std::string dropped = DropOneComplaintRow();
  api::ApplicationOptions options;
  options.follow = false;
  options.run_scheduler = false;
  options.warn = [this](std::string_view line) { warnings_.emplace_back(line); };
  auto app = api::Application::Start(&f_.log(), &f_.clock(), std::move(options));
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  const std::string expected = "projection format " + std::to_string(kProjectionFormat + 1) +
                               " stored, " + std::to_string(kProjectionFormat) + " expected";
  EXPECT_EQ(warnings_, std::vector<std::string>{expected + ": rebuilding from the log"});
  EXPECT_EQ((*app)->how_projections_started(), "rebuilt from the log (" + expected + ")");
  EXPECT_TRUE(Serves((*app)->projections(), dropped));
  ExpectFreshFold((*app)->projections());
}

// `ledgerctl rebuild --check` loads a stored form as it is: one of another format is refused with
// the reason, as a difference, and not folded.
TEST_F(ProjectionFormat, LoadSaysWhatDiffered) {
  Open({3, NewRules()});
  ProjectionRunner runner(&f_.log(), &f_.policies(), store_.get(), Options({4, NewRules()}));
  std::string why;
  EXPECT_EQ(runner.Load(ProjectionRunner::Stored::kRows, &why).code(),
            ledger::Code::kFailedPrecondition);
  EXPECT_EQ(why, "projection format 3 stored, 4 expected");
  EXPECT_EQ(runner.position(), 0u);
}

// The checkpoint keeps what the runner gives it, and a store with nothing says so.
TEST_F(ProjectionFormat, TheStoreKeepsTheFormatAndTheRulesWithTheCheckpoint) {
  auto none = store_->ReadCheckpoint("other");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  const ledger::ProjectionCheckpoint written{7, ledger::Sha256("event"), std::string(64, 'a'),
                                             0x01020304, OldRules()};
  ASSERT_TRUE(store_->Commit("other", {{"k", "v"}}, written).ok());
  auto read = store_->ReadCheckpoint("other");
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(**read, written);
  ASSERT_TRUE(store_->Clear("other").ok());
  read = store_->ReadCheckpoint("other");
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->has_value());
}

}  // namespace
}  // namespace projections
