#include "tools/ledgerctl/version.h"

#include "ledger/log/record_format.h"
#include "projections/format.h"
#include "tools/ledgerctl/build_info.h"

namespace tools {

std::string VersionText() {
  using std::to_string;
  return std::string("ledgerctl ") + kProjectVersion + "\ncommit " + kSourceCommit +
         "\nformats: record " + to_string(ledger::kFormatVersion) + " (reads " +
         to_string(ledger::kOldestFormatVersion) + "-" + to_string(ledger::kFormatVersion) +
         "), projection " + to_string(projections::kProjectionFormat) + " (rules " +
         to_string(projections::kProjectionRulesVersion) + ")";
}

}  // namespace tools
