// A Merkle sum tree: a Merkle tree whose every node also carries two non-negative sums, so its
// root commits to the totals of its leaves and each leaf's path shows it counts in them. A fine
// statement (docs/event-format.md, "Fine statements") keeps one over its lines: the sums are the
// fines not waived and the fines waived, in fen.
//
//   leaf(d, f, w)  = SHA-256(0x00 || BE64 f || BE64 w || d)
//   node(L, R)     = SHA-256(0x01 || L.hash || BE64 L.f || BE64 L.w || R.hash || BE64 R.f ||
//                            BE64 R.w),   sums L.f + R.f and L.w + R.w
//   root({})       = (SHA-256(""), 0, 0)
//
// The tree's shape is RFC 6962's: n leaves split at the largest power of two below n. Each node
// hashes both children's sums (not only their total), so a prover cannot shift an amount between
// the two sides (the flaw of the first proof-of-reserves sum trees).
//
// Thread-safety: free functions.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ledger/base/hash.h"
#include "ledger/base/status.h"

namespace ledger::merkle {

struct SumNode {
  Hash hash{};
  uint64_t fine = 0;    // the fines not waived under it, fen
  uint64_t waived = 0;  // the fines waived under it, fen

  bool operator==(const SumNode&) const = default;
};

SumNode SumLeaf(std::string_view data, uint64_t fine, uint64_t waived);
// InvalidArgument when a sum would overflow 64 bits.
Result<SumNode> SumParent(const SumNode& left, const SumNode& right);
Result<SumNode> SumRoot(const std::vector<SumNode>& leaves);

}  // namespace ledger::merkle
