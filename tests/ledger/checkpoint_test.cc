// Signed checkpoints (ledger/log/checkpointer.h): each states the tree's root at the head, signed
// by the log's key; a checkpoint is signed only when the log grew; the first of each hour joins
// the series; and no two stored checkpoints are inconsistent — every pair is held to a
// consistency proof here. A checkpoint of another tree, or a smaller one, is never stored.
#include <gtest/gtest.h>

#include "ledger/base/clock.h"
#include "ledger/base/merkle.h"
#include "ledger/base/signed_note.h"
#include "ledger/log/checkpointer.h"
#include "ledger/log/event_log.h"
#include "testing/log_util.h"
#include "testing/temp_dir.h"

namespace ledger {
namespace {

using testing_util::Request;
using testing_util::TempDir;

note::NoteSigner NewSigner() {
  return std::move(
      note::NoteSigner::FromKeyText(*note::NoteSigner::GenerateKeyFile("ledger.test/complaints"))
          .value());
}

TEST(Checkpoints, EveryStoredPairIsConsistentAndSigned) {
  TempDir dir;
  ManualClock clock(FromMicros(1'780'000'000'000'000));
  Options options;
  options.clock = &clock;
  auto log = EventLog::Open(dir.path(), options);
  ASSERT_TRUE(log.ok());
  Checkpointer checkpointer(log->get(), NewSigner(), &clock);
  const note::NoteVerifier key =
      *note::NoteVerifier::FromVerifierKey(checkpointer.signer().VerifierKey());
  for (int round = 0; round < 9; ++round) {
    for (int i = 0; i <= round; ++i)
      ASSERT_TRUE((*log)->Append(Request("s-" + std::to_string(i % 3), 1 + i % 2)).ok());
    Result<StoredCheckpoint> c = checkpointer.SignNow();
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->size, (*log)->GetHead().position);
    // Not grown: nothing new is signed.
    EXPECT_EQ(checkpointer.SignNow()->note, c->note);
    clock.Advance(std::chrono::minutes(25));
  }
  std::vector<StoredCheckpoint> all = *(*log)->CheckpointSeries();
  EXPECT_GE(all.size(), 3u);  // 9 rounds 25 minutes apart: one per hour
  EXPECT_LE(all.size(), 5u);
  all.push_back(**(*log)->LatestCheckpoint());
  for (const StoredCheckpoint& c : all) {
    Result<std::string> text = note::OpenNote(c.note, {key});
    ASSERT_TRUE(text.ok()) << text.status().ToString();
    note::Checkpoint stated = *note::ParseCheckpointText(*text);
    EXPECT_EQ(stated.origin, "ledger.test/complaints");
    EXPECT_EQ(stated.size, c.size);
    EXPECT_EQ(stated.root, c.root);
    EXPECT_EQ(stated.root, *(*log)->TreeRoot(c.size));
  }
  for (size_t i = 0; i < all.size(); ++i) {
    for (size_t j = i; j < all.size(); ++j) {
      Result<std::vector<Hash>> proof = (*log)->ConsistencyProof(all[i].size, all[j].size);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(
          merkle::VerifyConsistency(all[i].size, all[j].size, *proof, all[i].root, all[j].root)
              .ok())
          << all[i].size << " -> " << all[j].size;
    }
  }
  EXPECT_EQ((*log)->CheckpointOfSize(all.front().size)->value().note, all.front().note);
  EXPECT_FALSE((*log)->CheckpointOfSize(all.front().size + 1)->has_value());
}

TEST(Checkpoints, AnotherTreesRootOrAShrinkingSizeIsNeverStored) {
  TempDir dir;
  auto log = EventLog::Open(dir.path(), Options{});
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Append(Request("s", 5)).ok());
  Status wrong = (*log)->StoreCheckpoint(5, Sha256("another tree"), Time{}, "note", true);
  EXPECT_EQ(wrong.code(), Code::kFailedPrecondition);
  EXPECT_FALSE((*log)->LatestCheckpoint()->has_value());
  ASSERT_TRUE((*log)->StoreCheckpoint(5, *(*log)->TreeRoot(5), Time{}, "five", true).ok());
  Status smaller = (*log)->StoreCheckpoint(3, *(*log)->TreeRoot(3), Time{}, "three", true);
  EXPECT_EQ(smaller.code(), Code::kFailedPrecondition);
  EXPECT_EQ((*log)->LatestCheckpoint()->value().note, "five");
}

TEST(Checkpoints, TheBackgroundSignerFollowsTheHead) {
  TempDir dir;
  SystemClock clock;
  auto log = EventLog::Open(dir.path(), Options{});
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Append(Request("s", 2)).ok());
  Checkpointer checkpointer(log->get(), NewSigner(), &clock, std::chrono::milliseconds(1));
  checkpointer.Start();
  // No sleeping for behaviour: SignNow() is the same work the loop does; Stop() must join it.
  ASSERT_TRUE(checkpointer.SignNow().ok());
  checkpointer.Stop();
  EXPECT_EQ((*log)->LatestCheckpoint()->value().size, 2u);
}

}  // namespace
}  // namespace ledger
