#include "projections/fine_statement.h"

#include <algorithm>

namespace projections {
namespace {

using ledger::domain::FineLine;

void PutField(std::string& out, std::string_view field) {
  const uint32_t n = uint32_t(field.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(char((n >> shift) & 0xff));
  out.append(field);
}

void PutBe64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(char((v >> shift) & 0xff));
}

template <typename List>
std::string Join(const List& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out.append(separator);
    if constexpr (std::is_integral_v<std::decay_t<decltype(item)>>)
      out += std::to_string(item);
    else
      out.append(std::string_view(item));
  }
  return out;
}

}  // namespace

std::string CanonicalLine(const FineLine& l, std::string_view department) {
  std::string out = "ledger-fine-line-v1";
  PutField(out, department);
  PutField(out, l.complaint);
  PutField(out, l.id);
  PutField(out, l.rule);
  PutField(out, l.day);
  PutField(out, std::to_string(ledger::ToMicros(l.accrued)));
  PutField(out, std::to_string(l.amount));
  PutField(out, Join(l.people, "\n"));
  PutField(out, Join(l.departments, "\n"));
  PutField(out, l.derived ? "1" : "0");
  PutField(out, l.waived ? "1" : "0");
  PutField(out, std::to_string(l.waiver_position));
  PutField(out, Join(l.evidence, ","));
  return out;
}

std::vector<StatementLeaf> SumLeaves(const std::vector<FineLine>& lines) {
  std::vector<StatementLeaf> leaves;
  for (const FineLine& l : lines) {
    const uint64_t amount = l.amount > 0 ? uint64_t(l.amount) : 0;
    std::vector<std::string> departments = l.departments;
    std::sort(departments.begin(), departments.end());
    departments.erase(std::unique(departments.begin(), departments.end()), departments.end());
    if (departments.empty()) departments.push_back("");
    for (const std::string& d : departments)
      leaves.push_back({d, &l,
                        ledger::merkle::SumLeaf(CanonicalLine(l, d), l.waived ? 0 : amount,
                                                l.waived ? amount : 0)});
  }
  std::sort(leaves.begin(), leaves.end(), [](const StatementLeaf& a, const StatementLeaf& b) {
    if (a.department != b.department) return a.department < b.department;
    return a.line->id < b.line->id;
  });
  return leaves;
}

std::string HeadLeaf(std::string_view stream, uint64_t version, uint64_t position) {
  std::string out(ledger::AsBytes(ledger::Sha256(stream)));
  PutBe64(out, version);
  PutBe64(out, position);
  return out;
}

HeadsTree BuildHeadsTree(const std::vector<StreamHead>& heads) {
  HeadsTree t;
  std::vector<std::pair<std::string, const StreamHead*>> keyed;
  keyed.reserve(heads.size());
  for (const StreamHead& h : heads)
    keyed.emplace_back(HeadLeaf(h.stream, h.version, h.position), &h);
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string low(32, '\x00'), high(32, '\xff');
  PutBe64(low, 0);
  PutBe64(low, 0);
  PutBe64(high, 0);
  PutBe64(high, 0);
  t.leaves.push_back(std::move(low));
  for (auto& [leaf, head] : keyed) {
    t.index[head->stream] = t.leaves.size();
    t.leaves.push_back(std::move(leaf));
  }
  t.leaves.push_back(std::move(high));
  for (const std::string& leaf : t.leaves) t.tree.Append(ledger::merkle::LeafHash(leaf));
  return t;
}

}  // namespace projections
