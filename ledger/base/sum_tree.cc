#include "ledger/base/sum_tree.h"

#include <bit>
#include <string>

namespace ledger::merkle {
namespace {

void PutBe64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(char((v >> shift) & 0xff));
}

Result<SumNode> RangeRoot(const std::vector<SumNode>& leaves, size_t begin, size_t end) {
  if (end - begin == 1) return leaves[begin];
  const size_t k = std::bit_floor(end - begin - 1);
  LEDGER_ASSIGN_OR_RETURN(SumNode left, RangeRoot(leaves, begin, begin + k));
  LEDGER_ASSIGN_OR_RETURN(SumNode right, RangeRoot(leaves, begin + k, end));
  return SumParent(left, right);
}

}  // namespace

SumNode SumLeaf(std::string_view data, uint64_t fine, uint64_t waived) {
  std::string head(1, '\x00');
  PutBe64(head, fine);
  PutBe64(head, waived);
  return {Sha256(head, data), fine, waived};
}

Result<SumNode> SumParent(const SumNode& left, const SumNode& right) {
  if (left.fine > UINT64_MAX - right.fine || left.waived > UINT64_MAX - right.waived)
    return Status::InvalidArgument("a sum of the fine statement's tree overflows 64 bits");
  std::string bytes(1, '\x01');
  bytes.append(AsBytes(left.hash));
  PutBe64(bytes, left.fine);
  PutBe64(bytes, left.waived);
  bytes.append(AsBytes(right.hash));
  PutBe64(bytes, right.fine);
  PutBe64(bytes, right.waived);
  return SumNode{Sha256(bytes), left.fine + right.fine, left.waived + right.waived};
}

Result<SumNode> SumRoot(const std::vector<SumNode>& leaves) {
  if (leaves.empty()) return SumNode{Sha256(""), 0, 0};
  return RangeRoot(leaves, 0, leaves.size());
}

}  // namespace ledger::merkle
