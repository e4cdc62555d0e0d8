#include "ledger/rocks_status.h"

#include <string>

namespace ledger {

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::Ok();
  std::string message = std::string(context) + ": " + s.ToString();
  if (s.IsCorruption()) return Status::DataLoss(std::move(message));
  if (s.IsNotFound()) return Status::NotFound(std::move(message));
  if (s.IsIOError() || s.IsBusy() || s.IsTryAgain() || s.IsTimedOut() || s.IsIncomplete() ||
      s.IsShutdownInProgress())
    return Status::Unavailable(std::move(message));
  if (s.IsInvalidArgument()) return Status::InvalidArgument(std::move(message));
  return Status::Internal(std::move(message));
}

}  // namespace ledger
