#include "ledger/base/merkle.h"

#include <bit>

namespace ledger::merkle {

namespace {

// The largest power of two strictly below n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

bool Lsb(uint64_t x) { return (x & 1) != 0; }

// MTH of the leaves [begin, end), end > begin, from perfect subtrees: the RFC's recursion only
// ever asks for ranges whose left part is a perfect, aligned subtree.
Result<Hash> RangeHash(NodeReader& nodes, uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0)
    return nodes.Get({uint8_t(std::countr_zero(n)), begin / n});
  const uint64_t k = SplitPoint(n);
  LEDGER_ASSIGN_OR_RETURN(Hash left, RangeHash(nodes, begin, begin + k));
  LEDGER_ASSIGN_OR_RETURN(Hash right, RangeHash(nodes, begin + k, end));
  return NodeHash(left, right);
}

// RFC 6962 §2.1.1 PATH(m, D[begin:end]), appended to `out` from the leaf up.
Status Path(NodeReader& nodes, uint64_t m, uint64_t begin, uint64_t end, std::vector<Hash>* out) {
  const uint64_t n = end - begin;
  if (n <= 1) return Status::Ok();
  const uint64_t k = SplitPoint(n);
  if (m < k) {
    LEDGER_RETURN_IF_ERROR(Path(nodes, m, begin, begin + k, out));
    LEDGER_ASSIGN_OR_RETURN(Hash sibling, RangeHash(nodes, begin + k, end));
    out->push_back(sibling);
  } else {
    LEDGER_RETURN_IF_ERROR(Path(nodes, m - k, begin + k, end, out));
    LEDGER_ASSIGN_OR_RETURN(Hash sibling, RangeHash(nodes, begin, begin + k));
    out->push_back(sibling);
  }
  return Status::Ok();
}

// RFC 6962 §2.1.2 SUBPROOF(m, D[begin:end], b).
Status SubProof(NodeReader& nodes, uint64_t m, uint64_t begin, uint64_t end, bool whole,
                std::vector<Hash>* out) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (!whole) {
      LEDGER_ASSIGN_OR_RETURN(Hash h, RangeHash(nodes, begin, end));
      out->push_back(h);
    }
    return Status::Ok();
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    LEDGER_RETURN_IF_ERROR(SubProof(nodes, m, begin, begin + k, whole, out));
    LEDGER_ASSIGN_OR_RETURN(Hash right, RangeHash(nodes, begin + k, end));
    out->push_back(right);
  } else {
    LEDGER_RETURN_IF_ERROR(SubProof(nodes, m - k, begin + k, end, false, out));
    LEDGER_ASSIGN_OR_RETURN(Hash left, RangeHash(nodes, begin, begin + k));
    out->push_back(left);
  }
  return Status::Ok();
}

Status Mismatch(const std::string& what) {
  return Status::DataLoss("the proof does not verify: " + what);
}

}  // namespace

Hash EmptyRoot() { return Sha256(""); }

Hash LeafHash(std::string_view data) {
  static constexpr char kLeaf[1] = {0x00};
  return Sha256(std::string_view(kLeaf, 1), data);
}

Hash NodeHash(const Hash& left, const Hash& right) {
  char buf[65];
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 33);
  return Sha256(std::string_view(buf, sizeof buf));
}

Result<CompactRange> CompactRange::FromPeaks(uint64_t size, std::vector<Hash> peaks) {
  if (peaks.size() != size_t(std::popcount(size)))
    return Status::InvalidArgument("a tree of " + std::to_string(size) + " leaves has " +
                                   std::to_string(std::popcount(size)) + " peaks, not " +
                                   std::to_string(peaks.size()));
  CompactRange r;
  r.size_ = size;
  r.peaks_ = std::move(peaks);
  return r;
}

std::vector<NodeId> CompactRange::PeakIds(uint64_t size) {
  std::vector<NodeId> ids;
  uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if ((size & width) == 0) continue;
    ids.push_back({uint8_t(level), begin >> level});
    begin += width;
  }
  return ids;
}

void CompactRange::Append(const Hash& leaf, std::vector<Node>* completed) {
  if (completed) completed->push_back({{0, size_}, leaf});
  Hash carry = leaf;
  // Merge while the lowest peak has the same width as what is carried: the set bits of size_
  // from the bottom.
  uint8_t level = 0;
  uint64_t index = size_;
  while (Lsb(index)) {
    carry = NodeHash(peaks_.back(), carry);
    peaks_.pop_back();
    ++level;
    index >>= 1;
    if (completed) completed->push_back({{level, index}, carry});
  }
  peaks_.push_back(carry);
  ++size_;
}

Hash CompactRange::Root() const {
  if (peaks_.empty()) return EmptyRoot();
  Hash root = peaks_.back();
  for (size_t i = peaks_.size() - 1; i-- > 0;) root = NodeHash(peaks_[i], root);
  return root;
}

Result<Hash> RootAt(NodeReader& nodes, uint64_t size) {
  if (size == 0) return EmptyRoot();
  return RangeHash(nodes, 0, size);
}

Result<std::vector<Hash>> InclusionProof(NodeReader& nodes, uint64_t index, uint64_t size) {
  if (index >= size)
    return Status::InvalidArgument("leaf " + std::to_string(index) + " is not in a tree of " +
                                   std::to_string(size) + " leaves");
  std::vector<Hash> proof;
  LEDGER_RETURN_IF_ERROR(Path(nodes, index, 0, size, &proof));
  return proof;
}

Result<std::vector<Hash>> ConsistencyProof(NodeReader& nodes, uint64_t old_size, uint64_t size) {
  if (old_size == 0 || old_size > size)
    return Status::InvalidArgument("no consistency proof from " + std::to_string(old_size) +
                                   " to " + std::to_string(size) + " leaves");
  std::vector<Hash> proof;
  if (old_size == size) return proof;
  LEDGER_RETURN_IF_ERROR(SubProof(nodes, old_size, 0, size, true, &proof));
  return proof;
}

void MemoryTree::Append(const Hash& leaf) {
  std::vector<Node> completed;
  range_.Append(leaf, &completed);
  for (const Node& n : completed) {
    if (levels_.size() <= n.id.level) levels_.resize(n.id.level + 1);
    levels_[n.id.level].push_back(n.hash);  // completed in index order, level by level
  }
}

Result<Hash> MemoryTree::Get(NodeId id) {
  if (id.level >= levels_.size() || id.index >= levels_[id.level].size())
    return Status::NotFound("no node at level " + std::to_string(id.level) + ", index " +
                            std::to_string(id.index));
  return levels_[id.level][id.index];
}

Status VerifyInclusion(const Hash& leaf, uint64_t index, uint64_t size,
                       const std::vector<Hash>& proof, const Hash& root) {
  if (index >= size)
    return Status::InvalidArgument("leaf " + std::to_string(index) + " is not in a tree of " +
                                   std::to_string(size) + " leaves");
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return Mismatch("it is longer than the tree is deep");
    if (Lsb(fn) || fn == sn) {
      r = NodeHash(p, r);
      while (!Lsb(fn) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Mismatch("it is shorter than the tree is deep");
  if (r != root) return Mismatch("it leads to another root");
  return Status::Ok();
}

Status VerifyConsistency(uint64_t old_size, uint64_t size, const std::vector<Hash>& proof,
                         const Hash& old_root, const Hash& root) {
  // Every tree extends the empty one: a "proof" from it proves nothing and is refused.
  if (old_size == 0) return Status::InvalidArgument("no consistency proof from the empty tree");
  if (old_size > size)
    return Status::InvalidArgument("the old tree (" + std::to_string(old_size) +
                                   ") is larger than the new one (" + std::to_string(size) + ")");
  if (old_size == size) {
    if (!proof.empty()) return Mismatch("trees of one size need an empty proof");
    if (old_root != root) return Mismatch("two roots for one size");
    return Status::Ok();
  }
  if (proof.empty()) return Mismatch("it is empty");
  std::vector<Hash> path;
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = old_size - 1, sn = size - 1;
  while (Lsb(fn)) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return Mismatch("it is longer than the tree is deep");
    if (Lsb(fn) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while (!Lsb(fn) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Mismatch("it is shorter than the tree is deep");
  if (fr != old_root) return Mismatch("it does not lead to the old root");
  if (sr != root) return Mismatch("it does not lead to the new root");
  return Status::Ok();
}

}  // namespace ledger::merkle
