#include "ledger/log/backup.h"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/utilities/backup_engine.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "ledger/base/files.h"
#include "ledger/log/rocks_status.h"

namespace ledger {
namespace {

// The engine on `backup_dir`: table files shared between versions, named by their checksums, and
// every file synced before a version is recorded.
Result<std::unique_ptr<rocksdb::BackupEngine>> OpenEngine(const std::string& backup_dir) {
  rocksdb::BackupEngineOptions options(backup_dir);
  options.sync = true;
  options.share_table_files = true;
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngine::Open(options, rocksdb::Env::Default(), &raw);
  if (!s.ok()) return FromRocks(s, "opening the backup directory '" + backup_dir + "'");
  return std::unique_ptr<rocksdb::BackupEngine>(raw);
}

BackupVersion FromInfo(const rocksdb::BackupInfo& info) {
  return {info.backup_id, info.timestamp, info.size, info.number_files};
}

// Whether `dir` holds nothing (or does not exist).
Result<bool> Empty(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  if (!fs::is_directory(dir, ec)) return false;
  bool empty = fs::is_empty(dir, ec);
  if (ec) return Status::Unavailable("cannot read '" + dir + "': " + ec.message());
  return empty;
}

}  // namespace

Result<uint32_t> CreateBackup(EventLog& log, const std::string& backup_dir) {
  LEDGER_RETURN_IF_ERROR(CreatePrivateDirectory(backup_dir));
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::BackupEngine> engine, OpenEngine(backup_dir));
  uint32_t id = 0;
  LEDGER_RETURN_IF_ERROR(log.WithDatabase([&](rocksdb::DB& db) -> Status {
    // No flush: the engine copies the live write-ahead logs up to their size at one moment,
    // which keeps a version consistent across the column families without stalling appends.
    rocksdb::CreateBackupOptions options;
    options.flush_before_backup = false;
    return FromRocks(engine->CreateNewBackup(options, &db, &id), "writing a backup");
  }));
  LEDGER_RETURN_IF_ERROR(MakePrivate(backup_dir));
  return id;
}

Result<std::vector<BackupVersion>> ListBackups(const std::string& backup_dir) {
  LEDGER_ASSIGN_OR_RETURN(bool empty, Empty(backup_dir));
  if (empty) return Status::NotFound("no backup in '" + backup_dir + "'");
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::BackupEngine> engine, OpenEngine(backup_dir));
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  if (infos.empty()) return Status::NotFound("no backup in '" + backup_dir + "'");
  std::vector<BackupVersion> versions;
  for (const rocksdb::BackupInfo& info : infos) versions.push_back(FromInfo(info));
  return versions;
}

Status PurgeBackups(const std::string& backup_dir, uint32_t keep) {
  if (keep == 0) return Status::InvalidArgument("--keep must be at least 1");
  LEDGER_ASSIGN_OR_RETURN(std::vector<BackupVersion> versions, ListBackups(backup_dir));
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::BackupEngine> engine, OpenEngine(backup_dir));
  return FromRocks(engine->PurgeOldBackups(keep), "deleting old backups");
}

Result<BackupVersion> RestoreBackup(const std::string& backup_dir, uint32_t id,
                                    const std::string& dir) {
  LEDGER_ASSIGN_OR_RETURN(bool empty, Empty(dir));
  if (!empty)
    return Status::FailedPrecondition("'" + dir +
                                      "' is not empty: a restore never overwrites; choose a new "
                                      "or empty directory");
  LEDGER_ASSIGN_OR_RETURN(std::vector<BackupVersion> versions, ListBackups(backup_dir));
  BackupVersion chosen = versions.back();
  if (id != 0) {
    auto it = std::find_if(versions.begin(), versions.end(),
                           [id](const BackupVersion& v) { return v.id == id; });
    if (it == versions.end())
      return Status::NotFound("no version " + std::to_string(id) + " in '" + backup_dir + "'");
    chosen = *it;
  }
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::BackupEngine> engine, OpenEngine(backup_dir));
  LEDGER_RETURN_IF_ERROR(CreatePrivateDirectory(dir));
  LEDGER_RETURN_IF_ERROR(FromRocks(engine->RestoreDBFromBackup(chosen.id, dir, dir),
                                   "restoring version " + std::to_string(chosen.id)));
  LEDGER_RETURN_IF_ERROR(MakePrivate(dir));
  return chosen;
}

}  // namespace ledger
