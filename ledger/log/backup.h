// Backups of a ledger's database while it is in use: RocksDB's BackupEngine, which keeps numbered,
// dated versions in one backup directory and copies a table file only once across them
// (incremental). docs/operations.md ("Backup and restore") is the runbook.
//
// A version is one consistent state of the database: RocksDB copies the table files and the
// write-ahead log as they were at one moment, and since every commit of the log is one write
// batch (head record included), the restored log is a prefix of the chain with a matching head.
// Nothing here reads the chain: the caller verifies a restored copy (EventLog::Verify).
//
// Thread-safety: the functions may run from any thread, but at most one process (and one call)
// may write a backup directory at a time: CreateBackup and PurgeBackups on the same directory
// must not overlap.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/log/event_log.h"

namespace ledger {

// One version in a backup directory.
struct BackupVersion {
  uint32_t id = 0;      // 1, 2, 3, ... never reused
  int64_t created = 0;  // seconds since the Unix epoch
  uint64_t bytes = 0;   // the size of the files it needs (shared ones included)
  uint32_t files = 0;
};

// Adds a new version of `log`'s database to `backup_dir` (created, 0700, when missing) and returns
// its id. The log stays open for appends throughout; the version holds what was committed when
// RocksDB listed its files (at least every append acknowledged before the call). Unavailable when
// the log is closed or the copy fails (a full disk).
Result<uint32_t> CreateBackup(EventLog& log, const std::string& backup_dir);

// The versions in `backup_dir`, oldest first. NotFound when it holds no backup.
Result<std::vector<BackupVersion>> ListBackups(const std::string& backup_dir);

// Deletes all but the newest `keep` versions (keep >= 1), and the files only they used.
Status PurgeBackups(const std::string& backup_dir, uint32_t keep);

// Restores version `id` (0: the newest) of `backup_dir` into `dir`, which must not exist or be an
// empty directory (FailedPrecondition otherwise: a restore never overwrites). The restored files
// are checked against the checksums recorded at backup time (DataLoss when they differ).
// Returns the version restored.
Result<BackupVersion> RestoreBackup(const std::string& backup_dir, uint32_t id,
                                    const std::string& dir);

}  // namespace ledger
