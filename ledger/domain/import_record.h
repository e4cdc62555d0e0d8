// The record of an import (`ledgerctl import`, docs/cli.md): who ran it, when, the file's
// SHA-256, how far it got and why it stopped — one ImportRecorded event on the "imports" stream
// (events.capnp), appended when the import ends, whether it applied every line or stopped at a
// refused one. The events it appended carry the `imported` mark themselves (envelope.capnp).
//
// Thread-safety: free functions.
#pragma once

#include <cstdint>
#include <string>

#include "ledger/log/event_log.h"

namespace ledger::domain {

inline constexpr char kImportStream[] = "imports";

struct ImportSummary {
  std::string file_name;
  std::string file_sha256;  // hex
  uint64_t lines_read = 0;  // non-blank lines looked at, the refused one included
  uint64_t lines_applied = 0;
  uint64_t first_position = 0, last_position = 0;  // the events the import appended (0: none)
  uint64_t stopped_at = 0;  // the refused line, 1-based; 0 when the whole file was applied
  std::string stop_reason;
};

// Appends the ImportRecorded event (durably) as `actor`, under `policy_version`.
Result<AppendResult> RecordImport(EventLog& log, const ImportSummary& summary, const Actor& actor,
                                  uint32_t policy_version);

}  // namespace ledger::domain
