// The pure parts of a proved fine statement (docs/event-format.md, "Fine statements"): the bytes
// each line is committed as, the sum tree over the lines per department, and the sorted tree of
// stream heads that proves no later event of a cited complaint was left out. ledgerctl statement
// (tools/ledgerctl/cmd_statement.cc) adds the events and their proofs from the log; the verifier
// (tools/verifier/) rebuilds all of this with its own code.
//
// Pure: functions of the lines and heads given.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/merkle.h"
#include "ledger/base/sum_tree.h"
#include "ledger/domain/fines.h"

namespace projections {

// One leaf of the sum tree: a line as charged to one of its departments (a line charging two
// departments counts in both, as the per-department tallies count it; one charging none counts
// once, under department "").
struct StatementLeaf {
  std::string department;
  const ledger::domain::FineLine* line = nullptr;
  ledger::merkle::SumNode node;  // sums: the amount as not waived or as waived (no amount: 0)
};

// The bytes a line is committed as for `department`: the tag "ledger-fine-line-v1", then each
// field as a big-endian 32-bit length and its bytes: department, complaint, line id, rule, day,
// accrued (µs), amount (fen; -1 for no fixed amount), people (joined by "\n"), departments
// (joined by "\n"), derived ("1"/"0"), waived ("1"/"0"), waiver position, evidence positions
// (joined by ","). Numbers are decimal.
std::string CanonicalLine(const ledger::domain::FineLine& line, std::string_view department);

// The leaves of `lines`, sorted by department, then line id. `lines` must outlive them.
std::vector<StatementLeaf> SumLeaves(const std::vector<ledger::domain::FineLine>& lines);

struct StreamHead {
  std::string stream;
  uint64_t version = 0;   // the stream's last event at the statement's size
  uint64_t position = 0;  // that event's position
};

// The heads tree: one leaf per stream, SHA-256(stream id) || BE64 version || BE64 position (48
// bytes), sorted by the key hash, between two sentinels (keys of 32 bytes 0x00 and 32 bytes 0xff,
// version and position 0). An RFC 6962 tree over them. A stream's leaf and its two neighbours,
// each with an inclusion proof, show that the tree holds exactly one head for it.
struct HeadsTree {
  std::vector<std::string> leaves;        // sorted, the sentinels first and last
  std::map<std::string, uint64_t> index;  // stream -> its leaf's index
  ledger::merkle::MemoryTree tree;
};
HeadsTree BuildHeadsTree(const std::vector<StreamHead>& heads);
std::string HeadLeaf(std::string_view stream, uint64_t version, uint64_t position);

}  // namespace projections
