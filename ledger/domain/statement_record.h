// The record of a published fine statement (`ledgerctl statement --publish`, docs/event-format.md
// "Fine statements"): one FineStatementPublished event on the "statements" stream carrying what
// the statement file commits to, so that a restated tally is a second visible event and never a
// silent overwrite.
//
// Thread-safety: free functions.
#pragma once

#include <cstdint>
#include <string>

#include "ledger/domain/money.h"
#include "ledger/log/event_log.h"

namespace ledger::domain {

inline constexpr char kStatementStream[] = "statements";

struct StatementSummary {
  std::string from_month, to_month;  // YYYY-MM
  uint64_t tree_size = 0;
  std::string tree_root;         // hex
  std::string statement_sha256;  // hex, of the file as written
  std::string sum_root;          // hex
  Money fines = 0, waived = 0;   // the sum tree's totals
  std::string heads_root;        // hex
  uint32_t lines = 0;
};

// Appends the FineStatementPublished event (durably) as `actor`, under `policy_version`.
Result<AppendResult> RecordStatement(EventLog& log, const StatementSummary& summary,
                                     const Actor& actor, uint32_t policy_version);

}  // namespace ledger::domain
