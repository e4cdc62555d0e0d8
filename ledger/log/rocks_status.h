// The one place where rocksdb::Status becomes a ledger Status.
#pragma once

#include <rocksdb/status.h>

#include <string_view>

#include "ledger/base/status.h"

namespace ledger {

// Corruption → DataLoss; NotFound → NotFound; Busy/TryAgain/IOError (including a lock held by
// another process) → Unavailable; everything else → Internal. `context` prefixes the message;
// RocksDB's part keeps only the file name of each path it names (WithoutPaths).
Status FromRocks(const rocksdb::Status& s, std::string_view context);

}  // namespace ledger
