// The Merkle sum tree of fine statements (ledger/base/sum_tree.h), checked against its definition
// written out here byte by byte, and the in-memory Merkle tree (MemoryTree) against the log's
// CompactRange and the RFC's proofs.
#include "ledger/base/sum_tree.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "ledger/base/merkle.h"

namespace ledger::merkle {
namespace {

std::string Be64(uint64_t v) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(char((v >> shift) & 0xff));
  return out;
}

Hash Sha(const std::string& bytes) { return Sha256(bytes); }

std::string Bytes(const Hash& h) { return std::string(AsBytes(h)); }

TEST(SumTree, LeavesAndNodesAreTheDefinition) {
  SumNode a = SumLeaf("line a", 30000, 0);
  EXPECT_EQ(a.hash, Sha(std::string(1, '\0') + Be64(30000) + Be64(0) + "line a"));
  EXPECT_EQ(a.fine, 30000u);
  SumNode b = SumLeaf("line b", 0, 20000);
  Result<SumNode> ab = SumParent(a, b);
  ASSERT_TRUE(ab.ok());
  EXPECT_EQ(ab->hash, Sha(std::string(1, '\1') + Bytes(a.hash) + Be64(30000) + Be64(0) +
                          Bytes(b.hash) + Be64(0) + Be64(20000)));
  EXPECT_EQ(ab->fine, 30000u);
  EXPECT_EQ(ab->waived, 20000u);
}

TEST(SumTree, TheRootSplitsAtTheLargestPowerOfTwoBelowN) {
  std::vector<SumNode> leaves;
  for (int i = 0; i < 3; ++i) leaves.push_back(SumLeaf("l" + std::to_string(i), 100 * (i + 1), i));
  Result<SumNode> root = SumRoot(leaves);
  ASSERT_TRUE(root.ok());
  SumNode left = *SumParent(leaves[0], leaves[1]);
  EXPECT_EQ(*root, *SumParent(left, leaves[2]));
  EXPECT_EQ(root->fine, 600u);
  EXPECT_EQ(root->waived, 3u);
  EXPECT_EQ(SumRoot({})->hash, Sha(""));
  EXPECT_EQ(*SumRoot({leaves[0]}), leaves[0]);
}

TEST(SumTree, MovingAnAmountBetweenChildrenChangesTheRoot) {
  // The same total split otherwise: a tree that hashed only the total would not see it.
  SumNode l1 = {Sha("l"), 100, 0}, r1 = {Sha("r"), 200, 0};
  SumNode l2 = {Sha("l"), 150, 0}, r2 = {Sha("r"), 150, 0};
  EXPECT_EQ(SumParent(l1, r1)->fine, SumParent(l2, r2)->fine);
  EXPECT_NE(SumParent(l1, r1)->hash, SumParent(l2, r2)->hash);
}

TEST(SumTree, AnOverflowingSumIsRefused) {
  SumNode big = {Sha("a"), UINT64_MAX - 1, 0};
  EXPECT_FALSE(SumParent(big, SumNode{Sha("b"), 2, 0}).ok());
  EXPECT_TRUE(SumParent(big, SumNode{Sha("b"), 1, 0}).ok());
}

TEST(MemoryTree, RootsAndProofsMatchTheLogsTree) {
  std::mt19937_64 rng(7);
  MemoryTree tree;
  CompactRange range;
  for (int n = 1; n <= 70; ++n) {
    Hash leaf = LeafHash(std::to_string(rng()));
    tree.Append(leaf);
    range.Append(leaf, nullptr);
    ASSERT_EQ(tree.Root(), range.Root()) << n;
    ASSERT_EQ(*RootAt(tree, n), range.Root()) << n;
    for (uint64_t i = 0; i < uint64_t(n); i += 7) {
      Result<std::vector<Hash>> proof = InclusionProof(tree, i, n);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifyInclusion(*tree.Get({0, i}), i, n, *proof, tree.Root()).ok());
    }
  }
  EXPECT_FALSE(tree.Get({0, 70}).ok());
  EXPECT_FALSE(tree.Get({7, 0}).ok());
}

}  // namespace
}  // namespace ledger::merkle
