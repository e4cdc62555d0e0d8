// The log's Merkle tree (docs/event-format.md, "The Merkle tree"): kept in each append's batch,
// so that the root at every size up to the head is the RFC 6962 root of the events' canonical
// bytes, and every inclusion and consistency proof the log gives verifies; rebuilt once for a
// ledger made without it; and checked by Verify, which names a changed, missing or extra node.
#include <gtest/gtest.h>

#include "ledger/base/merkle.h"
#include "ledger/log/event_log.h"
#include "ledger/log/record_format.h"
#include "testing/log_util.h"
#include "testing/raw_db.h"
#include "testing/temp_dir.h"

namespace ledger {
namespace {

using testing_util::RawDb;
using testing_util::Request;
using testing_util::TempDir;

// The roots of the log at every size 0..head, from its events' bytes alone.
std::vector<Hash> ReferenceRoots(EventLog& log) {
  merkle::CompactRange range;
  std::vector<Hash> roots{range.Root()};
  EXPECT_TRUE(log.ForEach(1, 0,
                          [&](const RecordedEvent& e) {
                            range.Append(merkle::LeafHash(e.canonical_bytes()), nullptr);
                            roots.push_back(range.Root());
                            return Status::Ok();
                          })
                  .ok());
  return roots;
}

void ExpectProofsAtEverySize(EventLog& log) {
  std::vector<Hash> roots = ReferenceRoots(log);
  const uint64_t head = log.GetHead().position;
  ASSERT_EQ(roots.size(), head + 1);
  for (uint64_t size = 0; size <= head; ++size) {
    Result<Hash> root = log.TreeRoot(size);
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    ASSERT_EQ(*root, roots[size]) << "size " << size;
    for (uint64_t position = 1; position <= size; ++position) {
      Result<std::vector<Hash>> proof = log.InclusionProof(position, size);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      Result<RecordedEvent> e = log.ReadAt(position);
      ASSERT_TRUE(e.ok());
      EXPECT_TRUE(merkle::VerifyInclusion(merkle::LeafHash(e->canonical_bytes()), position - 1,
                                          size, *proof, roots[size])
                      .ok())
          << position << " in " << size;
    }
    for (uint64_t old = 1; old <= size; ++old) {
      Result<std::vector<Hash>> proof = log.ConsistencyProof(old, size);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      EXPECT_TRUE(merkle::VerifyConsistency(old, size, *proof, roots[old], roots[size]).ok())
          << old << " -> " << size;
    }
  }
}

TEST(Tree, EveryRootAndProofUpToTheHeadVerifies) {
  TempDir dir;
  auto log = EventLog::Open(dir.path(), Options{});
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 23; ++i)  // appends of 1 to 3 events: groups that end mid-subtree
    ASSERT_TRUE((*log)->Append(Request("s-" + std::to_string(i % 4), 1 + i % 3)).ok());
  ExpectProofsAtEverySize(**log);
  Result<VerifyReport> report = (*log)->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_TRUE(report->tree_checked);
  EXPECT_EQ(report->tree_root, ReferenceRoots(**log).back());
}

TEST(Tree, ARefusedAppendLeavesNoNodeAndTheTreeGoesOn) {
  TempDir dir;
  auto log = EventLog::Open(dir.path(), Options{});
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Append(Request("a", 3)).ok());
  // A version conflict in the middle of a group: refused, nothing of it in the tree.
  EXPECT_FALSE((*log)->Append(Request("a", 2, ExpectedVersion::Exactly(1))).ok());
  ASSERT_TRUE((*log)->Append(Request("b", 2)).ok());
  ExpectProofsAtEverySize(**log);
  EXPECT_TRUE((*log)->Verify()->ok);
}

TEST(Tree, AReopenedLogGoesOnFromItsStoredEdge) {
  TempDir dir;
  for (int round = 0; round < 3; ++round) {
    auto log = EventLog::Open(dir.path(), Options{});
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 5 + round; ++i) ASSERT_TRUE((*log)->Append(Request("s", 1)).ok());
  }
  auto log = EventLog::Open(dir.path(), Options{});
  ASSERT_TRUE(log.ok());
  ExpectProofsAtEverySize(**log);
}

TEST(Tree, ALedgerMadeWithoutTheTreeGetsItAtItsNextWritableOpen) {
  TempDir dir;
  {
    Options without;
    without.merkle_tree = false;
    auto log = EventLog::Open(dir.path(), without);
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 9; ++i) ASSERT_TRUE((*log)->Append(Request("s", 1 + i % 2)).ok());
    EXPECT_EQ((*log)->TreeRoot(3).status().code(), Code::kFailedPrecondition);
  }
  {
    Options read_only;
    read_only.read_only = true;
    auto log = EventLog::Open(dir.path(), read_only);
    ASSERT_TRUE(log.ok());
    Result<Hash> root = (*log)->TreeRoot(3);
    EXPECT_EQ(root.status().code(), Code::kFailedPrecondition);
    EXPECT_NE(root.status().message().find("opening it for writing once"), std::string::npos);
    Result<VerifyReport> report = (*log)->Verify();
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok) << report->problem;  // the chain is whole; there is no tree to check
    EXPECT_FALSE(report->tree_checked);
  }
  auto log = EventLog::Open(dir.path(), Options{});
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Append(Request("s", 1)).ok());  // and it grows from there
  ExpectProofsAtEverySize(**log);
  EXPECT_TRUE((*log)->Verify()->tree_checked);
}

TEST(Tree, SizesBeyondTheHeadAreRefused) {
  TempDir dir;
  auto log = EventLog::Open(dir.path(), Options{});
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Append(Request("s", 4)).ok());
  EXPECT_EQ((*log)->TreeRoot(5).status().code(), Code::kInvalidArgument);
  EXPECT_EQ((*log)->InclusionProof(5, 4).status().code(), Code::kInvalidArgument);
  EXPECT_EQ((*log)->InclusionProof(0, 4).status().code(), Code::kInvalidArgument);
  EXPECT_EQ((*log)->ConsistencyProof(0, 4).status().code(), Code::kInvalidArgument);
  EXPECT_EQ((*log)->ConsistencyProof(3, 5).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(*(*log)->TreeRoot(0), merkle::EmptyRoot());
}

class TreeTamper : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = EventLog::Open(dir_.path(), Options{});
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 13; ++i)
      ASSERT_TRUE((*log)->Append(Request("s-" + std::to_string(i % 3))).ok());
  }
  VerifyReport VerifyNow() {
    Options o;
    o.read_only = true;
    auto log = EventLog::Open(dir_.path(), o);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return *(*log)->Verify();
  }
  TempDir dir_;
};

TEST_F(TreeTamper, AChangedNodeIsNamedWithThePositionsItCovers) {
  {
    RawDb raw(dir_.path());
    // Leaf 7 (position 8) completed the nodes 7-8, 5-8 and 1-8: change the second.
    std::string nodes = raw.Get(kTreeFamily, TreeKey(CompletingLeaf(2, 1)));
    ASSERT_EQ(nodes.size(), 3 * kHashBytes);
    nodes[NodeOffset(2) + 7] = char(nodes[NodeOffset(2) + 7] ^ 0x10);
    raw.Put(kTreeFamily, TreeKey(CompletingLeaf(2, 1)), nodes);
  }
  VerifyReport r = VerifyNow();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 8u) << r.problem;
  EXPECT_NE(r.problem.find("level 2, index 1 (positions 5 to 8) differs"), std::string::npos)
      << r.problem;
}

TEST_F(TreeTamper, AChangedPairIsNamedAtItsLastPosition) {
  {
    RawDb raw(dir_.path());
    raw.Put(kTreeFamily, TreeKey(CompletingLeaf(1, 5)), std::string(32, 'x'));  // 11-12
  }
  VerifyReport r = VerifyNow();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 12u) << r.problem;
}

TEST_F(TreeTamper, AMissingRecordIsNamed) {
  {
    RawDb raw(dir_.path());
    raw.Delete(kTreeFamily, TreeKey(CompletingLeaf(3, 0)));  // positions 1 to 8, and below
  }
  VerifyReport r = VerifyNow();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 8u) << r.problem;
  EXPECT_NE(r.problem.find("level 1, index 3 (positions 7 to 8) is missing"), std::string::npos)
      << r.problem;
}

TEST_F(TreeTamper, AnExtraRecordIsCounted) {
  {
    RawDb raw(dir_.path());
    raw.Put(kTreeFamily, TreeKey(13), std::string(32, 'y'));  // past the head
  }
  VerifyReport r = VerifyNow();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 14u) << r.problem;
  EXPECT_NE(r.problem.find("records for 13 events"), std::string::npos) << r.problem;
}

TEST_F(TreeTamper, AChangedEventChangesItsLeafAndIsNamed) {
  // Leaves are not stored: they are the events' own bytes, which the chain already protects.
  {
    RawDb raw(dir_.path());
    std::string event = raw.Get(kEventsFamily, PositionKey(6));
    event[20] = char(event[20] ^ 1);
    raw.Put(kEventsFamily, PositionKey(6), event);
  }
  VerifyReport r = VerifyNow();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 6u) << r.problem;
}

}  // namespace
}  // namespace ledger
