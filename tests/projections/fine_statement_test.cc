// The pure parts of a fine statement (projections/fine_statement.h): the bytes a line is committed
// as, the sum leaves per department and their order, and the sorted heads tree with sentinels.
#include "projections/fine_statement.h"

#include <gtest/gtest.h>

namespace projections {
namespace {

using ledger::domain::FineLine;

FineLine Line(std::string id, std::vector<std::string> departments, int64_t amount,
              bool waived = false) {
  FineLine l;
  l.id = id;
  l.complaint = id.substr(0, id.find(':'));
  l.rule = "closure_overdue";
  l.amount = amount;
  l.day = "2026-03-05";
  l.accrued = ledger::FromMicros(1772668800000000);
  l.people = {"u-1", "u-2"};
  l.departments = std::move(departments);
  l.evidence = {3, 9};
  l.waived = waived;
  l.waiver_position = waived ? 12 : 0;
  return l;
}

std::string Field(std::string_view s) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(char((s.size() >> shift) & 0xff));
  return out.append(s);
}

TEST(FineStatement, ALineIsCommittedFieldByField) {
  FineLine l = Line("CMP-1:closure_overdue:c0:d1", {"property"}, 10000, true);
  std::string expected = "ledger-fine-line-v1" + Field("property") + Field("CMP-1") +
                         Field("CMP-1:closure_overdue:c0:d1") + Field("closure_overdue") +
                         Field("2026-03-05") + Field("1772668800000000") + Field("10000") +
                         Field("u-1\nu-2") + Field("property") + Field("1") + Field("1") +
                         Field("12") + Field("3,9");
  EXPECT_EQ(CanonicalLine(l, "property"), expected);
  // Every field counts: another evidence list is another line.
  FineLine other = l;
  other.evidence = {3};
  EXPECT_NE(CanonicalLine(other, "property"), expected);
}

TEST(FineStatement, LeavesArePerDepartmentChargedSortedAndSummed) {
  std::vector<FineLine> lines = {Line("CMP-2:no_plan", {"property", "customer_service"}, 30000),
                                 Line("CMP-1:response_late", {"property"}, 20000, true),
                                 Line("CMP-3:media_investigation", {}, -1)};
  std::vector<StatementLeaf> leaves = SumLeaves(lines);
  ASSERT_EQ(leaves.size(), 4u);
  EXPECT_EQ(leaves[0].department, "");
  EXPECT_EQ(leaves[0].node.fine, 0u);  // no fixed amount counts 0
  EXPECT_EQ(leaves[1].department, "customer_service");
  EXPECT_EQ(leaves[2].department, "property");
  EXPECT_EQ(leaves[2].line->id, "CMP-1:response_late");
  EXPECT_EQ(leaves[2].node.fine, 0u);
  EXPECT_EQ(leaves[2].node.waived, 20000u);
  EXPECT_EQ(leaves[3].line->id, "CMP-2:no_plan");
  EXPECT_EQ(leaves[3].node.fine, 30000u);
  EXPECT_EQ(leaves[3].node, ledger::merkle::SumLeaf(CanonicalLine(lines[0], "property"), 30000, 0));
}

TEST(FineStatement, TheHeadsTreeIsSortedBetweenSentinels) {
  HeadsTree t = BuildHeadsTree({{"CMP-2026-000001", 7, 40}, {"policy", 1, 1}, {"ratings", 2, 50}});
  ASSERT_EQ(t.leaves.size(), 5u);
  EXPECT_EQ(t.leaves.front(), std::string(48, '\0'));
  EXPECT_EQ(t.leaves.back(), std::string(32, '\xff') + std::string(16, '\0'));
  for (size_t i = 1; i < t.leaves.size(); ++i)
    EXPECT_LT(t.leaves[i - 1].substr(0, 32), t.leaves[i].substr(0, 32)) << i;
  const uint64_t i = t.index.at("CMP-2026-000001");
  EXPECT_EQ(t.leaves[i], HeadLeaf("CMP-2026-000001", 7, 40));
  EXPECT_EQ(t.leaves[i].substr(0, 32),
            std::string(ledger::AsBytes(ledger::Sha256("CMP-2026-000001"))));
  EXPECT_EQ(t.tree.size(), 5u);
  auto proof = ledger::merkle::InclusionProof(t.tree, i, 5);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(ledger::merkle::VerifyInclusion(ledger::merkle::LeafHash(t.leaves[i]), i, 5, *proof,
                                              t.tree.Root())
                  .ok());
}

}  // namespace
}  // namespace projections
