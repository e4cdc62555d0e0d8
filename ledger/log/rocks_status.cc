#include "ledger/log/rocks_status.h"

#include <string>

namespace ledger {

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::Ok();
  // RocksDB names files by their paths ("While appending to file: /srv/ledger/000004.log: No
  // space left on device"), and this message may reach an API answer: the machine's directories
  // stay out of it. The operator's log (RocksDB's own lines on stderr) keeps them.
  std::string message = std::string(context) + ": " + WithoutPaths(s.ToString());
  if (s.IsCorruption()) return Status::DataLoss(std::move(message));
  if (s.IsNotFound()) return Status::NotFound(std::move(message));
  if (s.IsIOError() || s.IsBusy() || s.IsTryAgain() || s.IsTimedOut() || s.IsIncomplete() ||
      s.IsShutdownInProgress())
    return Status::Unavailable(std::move(message));
  if (s.IsInvalidArgument()) return Status::InvalidArgument(std::move(message));
  return Status::Internal(std::move(message));
}

}  // namespace ledger
