// The log's Merkle tree: RFC 6962 / RFC 9162 hashing, the tree's right edge while it grows, and
// inclusion and consistency proofs built from stored perfect subtrees (docs/event-format.md,
// "The Merkle tree").
//
//   MTH({})      = SHA-256("")
//   leaf(d)      = SHA-256(0x00 || d)          d: an event's canonical bytes; leaf i = position i+1
//   node(l, r)   = SHA-256(0x01 || l || r)     split at the largest power of two below n
//
// A perfect subtree is named by its level L and index i: it covers the leaves [i·2^L, (i+1)·2^L).
// The log stores every perfect subtree once it is whole (leaves are level 0), so the hash of any
// range the RFC's recursion asks for is one stored node or a few hashes of them, and a root or a
// proof at any size up to the head costs O(log² n) reads at most.
//
// Thread-safety: free functions and values; a NodeReader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ledger/base/hash.h"
#include "ledger/base/status.h"

namespace ledger::merkle {

Hash EmptyRoot();
Hash LeafHash(std::string_view data);
Hash NodeHash(const Hash& left, const Hash& right);

struct NodeId {
  uint8_t level = 0;
  uint64_t index = 0;
  bool operator==(const NodeId&) const = default;
};
struct Node {
  NodeId id;
  Hash hash{};
};

// The right edge of a tree while leaves are appended: the roots of its perfect subtrees (one per
// set bit of the size, largest first). O(log n) memory; an append costs one node hash, amortised.
class CompactRange {
 public:
  CompactRange() = default;
  // The range of a tree of `size` leaves whose perfect subtrees, largest first, are `peaks`.
  // InvalidArgument unless there is one peak per set bit of `size`.
  static Result<CompactRange> FromPeaks(uint64_t size, std::vector<Hash> peaks);
  // The peaks' ids for a tree of `size` leaves, largest first (what FromPeaks needs read).
  static std::vector<NodeId> PeakIds(uint64_t size);

  uint64_t size() const { return size_; }
  const std::vector<Hash>& peaks() const { return peaks_; }

  // Appends one leaf hash. `completed` (when not null) receives every node that became perfect:
  // the leaf itself (level 0), then each ancestor it completed, lowest first.
  void Append(const Hash& leaf, std::vector<Node>* completed);

  // MTH of the leaves so far.
  Hash Root() const;

 private:
  uint64_t size_ = 0;
  std::vector<Hash> peaks_;  // largest first
};

// Where stored perfect subtrees are read from. Get() returns NotFound or DataLoss for a node it
// does not have (the tree is then damaged or not built yet).
class NodeReader {
 public:
  virtual ~NodeReader() = default;
  virtual Result<Hash> Get(NodeId id) = 0;
};

// A whole tree kept in memory: every perfect subtree of the leaves appended so far. For small trees
// built on demand (a fine statement's tree of stream heads); the log keeps its own on disk.
class MemoryTree final : public NodeReader {
 public:
  void Append(const Hash& leaf);
  uint64_t size() const { return range_.size(); }
  Hash Root() const { return range_.Root(); }
  Result<Hash> Get(NodeId id) override;

 private:
  CompactRange range_;
  std::vector<std::vector<Hash>> levels_;  // levels_[L][i]: the perfect subtree (L, i)
};

// The tree of `size` leaves (at most what the reader holds): its root, the inclusion proof of
// leaf `index` (index < size), and the consistency proof from `old_size` to `size`
// (0 < old_size <= size; empty when equal). Proof hashes are ordered from the leaf up, as
// RFC 9162 §2.1.3 and §2.1.4 give them. InvalidArgument for impossible sizes.
Result<Hash> RootAt(NodeReader& nodes, uint64_t size);
Result<std::vector<Hash>> InclusionProof(NodeReader& nodes, uint64_t index, uint64_t size);
Result<std::vector<Hash>> ConsistencyProof(NodeReader& nodes, uint64_t old_size, uint64_t size);

// RFC 9162 §2.1.3.2 and §2.1.4.2: OK when the proof ties the leaf (the old root) to the root (the
// new root); DataLoss naming what did not match otherwise, InvalidArgument for impossible sizes
// (an index past the tree, an old size of 0 or above the new one).
Status VerifyInclusion(const Hash& leaf, uint64_t index, uint64_t size,
                       const std::vector<Hash>& proof, const Hash& root);
Status VerifyConsistency(uint64_t old_size, uint64_t size, const std::vector<Hash>& proof,
                         const Hash& old_root, const Hash& root);

}  // namespace ledger::merkle
