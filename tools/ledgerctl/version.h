// What `ledgerctl --version` prints: the build and the on-disk formats it reads and writes, so an
// operator can tell which build made a ledger's files (docs/operations.md "Upgrading").
#pragma once

#include <string>

namespace tools {

// Three lines (no newline after the last):
//   ledgerctl 0.1.0
//   commit 7ce8ccb0...   (the source commit when the build was configured, or "unknown")
//   formats: record 2 (reads 1-2), projection 2 (rules 1)
std::string VersionText();

}  // namespace tools
