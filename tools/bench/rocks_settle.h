// Waiting for a RocksDB database to settle after a bulk load: no flush or compaction running for
// half a second. Reads then see the shape the database keeps by itself, not one mid-compaction
// (PostgreSQL's load likewise ends with VACUUM and CHECKPOINT).
#pragma once

#include <rocksdb/db.h>

#include <chrono>
#include <cstdint>
#include <thread>

#include "ledger/base/status.h"

namespace bench {

inline ledger::Status WaitForSettled(rocksdb::DB* db, std::chrono::seconds timeout) {
  using namespace std::chrono_literals;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int quiet = 0;
  while (quiet < 5) {
    if (std::chrono::steady_clock::now() > deadline)
      return ledger::Status::Unavailable("RocksDB was still compacting after the load");
    uint64_t compactions = 0, flushes = 0;
    db->GetIntProperty("rocksdb.num-running-compactions", &compactions);
    db->GetIntProperty("rocksdb.num-running-flushes", &flushes);
    quiet = compactions == 0 && flushes == 0 ? quiet + 1 : 0;
    std::this_thread::sleep_for(100ms);
  }
  return ledger::Status::Ok();
}

}  // namespace bench
