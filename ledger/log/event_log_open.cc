// EventLog: opening and closing the database, and what the log does when the disk fills
// (docs/architecture.md, "When the disk fills"; storage.h). Appends are in event_log.cc.
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/listener.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <filesystem>

#include "ledger/base/files.h"
#include "ledger/log/event_log.h"
#include "ledger/log/record_format.h"
#include "ledger/log/rocks_options.h"
#include "ledger/log/rocks_status.h"

namespace ledger {

// What RocksDB reports from its own threads and from the write path: background errors, which
// the commit thread collects before each group (CheckStorage).
class StorageListener final : public rocksdb::EventListener {
 public:
  void OnBackgroundError(rocksdb::BackgroundErrorReason, rocksdb::Status* error) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (pending_.ok()) pending_ = *error;
  }

  // RocksDB's own recovery from a full disk waits, on a thread of its SstFileManager, until a
  // whole memtable (64 MiB) is free and then resumes by itself. The log resumes it instead, at
  // its own threshold (CheckStorage), so that one place decides when appends go on.
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status,
                            bool* auto_recovery) override {
    *auto_recovery = false;
  }

  // The first error reported since the last call (OK if none).
  rocksdb::Status Take() {
    std::lock_guard<std::mutex> lock(mu_);
    rocksdb::Status error = pending_;
    pending_ = rocksdb::Status::OK();
    return error;
  }

 private:
  std::mutex mu_;
  rocksdb::Status pending_;
};

namespace {

// RocksDB's diagnostics, one line each on standard error — not in RocksDB's own LOG file in the
// ledger's directory. That file's writer (a WritableFileWriter) aborts the process on the first
// line after one it could not write: an assertion (`sync_without_flush_called_`) compiled into
// Debian's librocksdb 7.8. On a full disk that next line comes at once (the error handler logs
// the failed write), and again at every open (recovery logs what it drops), which made a full
// disk crash the server and every restart.
class StderrLogger final : public rocksdb::Logger {
 public:
  explicit StderrLogger(rocksdb::InfoLogLevel level) : rocksdb::Logger(level) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[1024];
    const int n = std::vsnprintf(line, sizeof line, format, ap);
    if (n < 0) return;
    size_t size = std::min(static_cast<size_t>(n), sizeof line - 1);
    while (size > 0 && line[size - 1] == '\n') --size;
    std::fprintf(stderr, "rocksdb: %.*s\n", static_cast<int>(size), line);
  }
};

// For bulk mode's memtables: the part of a key that the next insertion near it shares, so that
// RocksDB keeps a hint where the last one went (memtable_insert_with_hint_prefix_extractor) instead
// of searching the skip list from the top. A stream index key is stream || 0x00 || BE64 version
// and a stream's versions come in ascending order: the prefix is all but the version. The head
// record is overwritten by every commit: with suffix 0 the prefix is the whole key.
class InsertHintPrefix : public rocksdb::SliceTransform {
 public:
  explicit InsertHintPrefix(size_t suffix) : suffix_(suffix) {}
  const char* Name() const override { return "ledger.InsertHintPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - suffix_);
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() > suffix_; }

 private:
  const size_t suffix_;
};

}  // namespace

Status EventLog::OpenDatabase() {
  namespace fs = std::filesystem;
  std::error_code ec;
  bool exists = fs::exists(fs::path(dir_) / "CURRENT", ec);
  if (!exists && (!options_.create_if_missing || options_.read_only))
    return Status::NotFound("no ledger in '" + dir_ + "'");
  if (!options_.read_only) LEDGER_RETURN_IF_ERROR(CreatePrivateDirectory(dir_));
  listener_ = std::make_shared<StorageListener>();

  rocksdb::Status s = OpenRocks(options_.read_only);
  if (s.IsNoSpace() && exists && !options_.read_only) {
    // A writable open writes (it flushes what it replays from the write-ahead log and starts a
    // new MANIFEST), so on a full disk it fails. Reads need none of that: a read-only open
    // stands in until there is room (CheckStorage reopens then).
    std::fprintf(stderr, "ledger: %s; opened read-only, appends are refused until there is room\n",
                 s.ToString().c_str());
    LEDGER_RETURN_IF_ERROR(OpenStandIn());
    storage_->Failed(StorageFailure::kOpenedReadOnly, "");
  } else if (!s.ok()) {
    return FromRocks(s, "opening the ledger in '" + dir_ + "'");
  }
  if (!options_.read_only) LEDGER_RETURN_IF_ERROR(MakePrivate(dir_));
  return CheckFormat();
}

rocksdb::Status EventLog::OpenRocks(bool read_only) {
  rocksdb::DBOptions db;
  db.create_if_missing = true;
  db.create_missing_column_families = true;
  // A damaged file stops the database rather than being read past: the log must never serve
  // (or chain onto) bytes it cannot vouch for.
  db.paranoid_checks = true;
  db.max_background_jobs = 2;
  db.keep_log_file_num = 3;
  db.info_log = std::make_shared<StderrLogger>(read_only ? rocksdb::InfoLogLevel::ERROR_LEVEL
                                                         : rocksdb::InfoLogLevel::WARN_LEVEL);
  db.listeners.push_back(listener_);
  // Recovery stops at the first torn or damaged record of the write-ahead log: what it keeps is
  // a prefix of the commits, never one with a hole (each commit is one batch, head included).
  db.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // Bulk mode writes no write-ahead log (see CommitGroup); flushing every column family at once
  // keeps what reaches the disk a consistent prefix of the log.
  if (Bulk(options_)) db.atomic_flush = true;
  auto cache = rocksdb::NewLRUCache(options_.block_cache_bytes);

  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, FamilyOptions(cache, true)},
      {kEventsFamily, FamilyOptions(cache, false)},
      {kStreamsFamily, StreamsOptions(cache)},
      {kIdempotencyFamily, FamilyOptions(cache, true)},
      {kProjectionsFamily, FamilyOptions(cache, true)},
      {kOutboxFamily, FamilyOptions(cache, true)},
      {kTreeFamily, FamilyOptions(cache, false)},
      {kAccessFamily, FamilyOptions(cache, true)},
  };
  // A writable open creates a family that a ledger made before it lacks (the outbox, the tree);
  // a read-only open cannot, and RocksDB refuses to open one that is not there: leave it out.
  if (read_only) {
    std::vector<std::string> present;
    rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(db, dir_, &present);
    if (!listed.ok()) return listed;
    std::erase_if(families, [&](const rocksdb::ColumnFamilyDescriptor& f) {
      return std::find(present.begin(), present.end(), f.name) == present.end();
    });
  }
  if (Bulk(options_)) {
    // One writer: insertion hints (which concurrent memtable writes would ignore) for the two
    // families whose keys do not arrive in order.
    db.allow_concurrent_memtable_write = false;
    families[0].options.memtable_insert_with_hint_prefix_extractor =
        std::make_shared<InsertHintPrefix>(0);
    families[2].options.memtable_insert_with_hint_prefix_extractor =
        std::make_shared<InsertHintPrefix>(8);
  }
  rocksdb::DB* raw = nullptr;
  handles_.clear();
  rocksdb::Status s = read_only ? rocksdb::DB::OpenForReadOnly(db, dir_, families, &handles_, &raw)
                                : rocksdb::DB::Open(db, dir_, families, &handles_, &raw);
  if (!s.ok()) return s;
  db_.reset(raw);
  db_read_only_ = read_only;
  default_ = handles_[0];
  events_ = handles_[1];
  streams_ = handles_[2];
  idempotency_ = handles_[3];
  projections_ = handles_[4];
  outbox_ = tree_ = access_ = nullptr;
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    if (h->GetName() == kOutboxFamily) outbox_ = h;
    if (h->GetName() == kAccessFamily) access_ = h;
    if (h->GetName() == kTreeFamily) tree_ = h;
  }
  return s;
}

// The read-only stand-in holds RocksDB's lock (a read-only open takes none), so that no other
// process opens the ledger for writing meanwhile.
Status EventLog::OpenStandIn() {
  rocksdb::Env* env = rocksdb::Env::Default();
  rocksdb::Status s = env->LockFile(dir_ + "/LOCK", &db_lock_);
  if (s.ok()) s = OpenRocks(true);
  if (s.ok()) return Status::Ok();
  if (db_lock_ != nullptr) (void)env->UnlockFile(db_lock_);
  db_lock_ = nullptr;
  return FromRocks(s, "opening the ledger in '" + dir_ + "'");
}

Status EventLog::CheckFormat() {
  std::string format;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), default_, kFormatKey, &format);
  if (s.IsNotFound()) {
    if (db_read_only_) return Status::Ok();
    std::string v;
    PutBigEndian64(&v, kFormatVersion);
    rocksdb::WriteOptions wo;
    // Synced before the first event can be written (bulk appends skip the write-ahead log
    // altogether): no event may reach the disk without the record that says how to read it.
    wo.sync = true;
    rocksdb::WriteBatch batch;
    batch.Put(default_, kFormatKey, v);
    // A new ledger keeps its Merkle tree from the first event (tree.cc).
    if (options_.merkle_tree) batch.Put(default_, kTreeBuiltKey, "1");
    return FromRocks(db_->Write(wo, &batch), "writing the format record");
  }
  if (!s.ok()) return FromRocks(s, "reading the format record");
  const uint64_t found = format.size() == 8 ? GetBigEndian64(format) : 0;
  // Checked before anything is written: a ledger of a newer format is refused, never appended
  // to in an older one.
  if (found < kOldestFormatVersion || found > kFormatVersion)
    return Status::FailedPrecondition(
        "the ledger in '" + dir_ + "' has an unknown format (this build reads formats " +
        std::to_string(kOldestFormatVersion) + " to " + std::to_string(kFormatVersion) + ")");
  if (found < kFormatVersion && !db_read_only_) {
    // Format 1 wrote stream index entries without the copy. They stay as they are (and are read
    // through the events family); the format record says that new entries may carry copies, so
    // that a build that reads only format 1 refuses the ledger rather than misreading it.
    std::string v;
    PutBigEndian64(&v, kFormatVersion);
    rocksdb::WriteOptions wo;
    wo.sync = true;  // before the first entry with a copy, for the same reason
    rocksdb::WriteBatch batch;
    batch.Put(default_, kFormatKey, v);
    // The head record states the format too (Verify checks they agree): restated with it.
    std::string head_bytes;
    rocksdb::Status hs = db_->Get(rocksdb::ReadOptions(), default_, kHeadKey, &head_bytes);
    if (hs.ok()) {
      Result<Head> head = DecodeHead(head_bytes);
      if (head.ok()) batch.Put(default_, kHeadKey, EncodeHead(*head));
    }
    return FromRocks(db_->Write(wo, &batch), "upgrading the format record");
  }
  return Status::Ok();
}

Status EventLog::CloseRocks() {
  for (rocksdb::ColumnFamilyHandle* h : handles_) (void)db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
  default_ = events_ = streams_ = idempotency_ = projections_ = outbox_ = tree_ = access_ = nullptr;
  Status closed = FromRocks(db_->Close(), "closing the ledger");
  db_.reset();
  if (db_lock_ != nullptr) (void)rocksdb::Env::Default()->UnlockFile(db_lock_);
  db_lock_ = nullptr;
  return closed;
}

Status EventLog::CheckStorage(bool look) {
  if (rocksdb::Status error = listener_->Take(); !error.ok()) (void)WriteFailed(error);
  switch (storage_->Check(look)) {
    case StorageStep::kWrite:
      return Status::Ok();
    case StorageStep::kRefuse:
      return storage_->Refusal();
    case StorageStep::kResume: {
      // DB::Resume() flushes the memtables to new table files and starts a new write-ahead log:
      // the log file whose write failed is never written again, and the failed batch, which
      // never reached a memtable, is not in the database (unless a crash before the flush
      // replays a record that was whole: then it is there, consistently, as if acknowledged
      // late). The flushes need room: hence the threshold.
      rocksdb::Status s = db_->Resume();
      if (!s.ok()) {
        std::fprintf(stderr, "ledger: resuming after a full disk failed: %s\n",
                     s.ToString().c_str());
        (void)WriteFailed(s);
        return storage_->Refusal();
      }
      break;
    }
    case StorageStep::kReopen:
      if (!ReopenWritable().ok()) return storage_->Refusal();
      break;
  }
  storage_->Recovered();
  return Status::Ok();
}

// Once there is room after a read-only open on a full disk: the writable database replaces the
// stand-in. Readers in flight finish first — the commit thread only tries (it never waits for a
// reader: a long verification would stall appends) and tries again at the next check; readers
// that come meanwhile wait for the open.
Status EventLog::ReopenWritable() {
  std::unique_lock<std::shared_mutex> lock(db_mu_, std::try_to_lock);
  if (!lock.owns_lock()) return Status::Unavailable("reads in flight");
  (void)CloseRocks();
  rocksdb::Status s = OpenRocks(false);
  if (!s.ok()) {
    std::fprintf(stderr, "ledger: reopening for writing failed: %s\n", s.ToString().c_str());
    if (Status again = OpenStandIn(); !again.ok()) {
      std::fprintf(stderr, "ledger: %s\n", again.message().c_str());
      storage_->Failed(StorageFailure::kBroken, "the ledger could not be reopened for writing");
    }
    return FromRocks(s, "reopening the ledger");
  }
  Status ready = CheckFormat();
  if (ready.ok()) ready = MakePrivate(dir_);
  // The log held RocksDB's lock while read-only, so the database holds what it read: the head.
  std::string bytes;
  rocksdb::Status hs = db_->Get(rocksdb::ReadOptions(), default_, kHeadKey, &bytes);
  Result<Head> head = hs.ok() ? DecodeHead(bytes) : Result<Head>(Head{});
  if (ready.ok() && (!(hs.ok() || hs.IsNotFound()) || !head.ok() ||
                     head->position != committed_.position || head->hash != committed_.hash))
    ready = Status::DataLoss("the ledger changed while it was open read-only");
  if (!ready.ok()) {
    std::fprintf(stderr, "ledger: after reopening: %s\n", ready.ToString().c_str());
    storage_->Failed(StorageFailure::kBroken, "the ledger could not be reopened for writing");
  }
  return ready;
}

Status EventLog::WriteFailed(const rocksdb::Status& s) {
  // The operator's log gets RocksDB's own words (they name the file); API answers get none.
  if (!storage_->DatabaseFailed())
    std::fprintf(stderr, "ledger: a write failed: %s\n", s.ToString().c_str());
  if (s.IsNoSpace() || s.subcode() == rocksdb::Status::kSpaceLimit) {
    storage_->Failed(StorageFailure::kNoSpace, "a write failed for lack of space");
    return Status::Unavailable(
        "the append failed: the disk holding the ledger is full; it is not acknowledged (retry "
        "it later, with the same idempotency key); reads still work");
  }
  const Status failed = FromRocks(s, "writing to the log");
  storage_->Failed(StorageFailure::kBroken, "a write failed (" + failed.message() + ")");
  return Status::Unavailable("the append failed (" + failed.message() +
                             "); it is not acknowledged; appends are refused until the ledger is "
                             "reopened");
}

StorageHealth EventLog::storage() const { return storage_->Health(); }

Status EventLog::WithProjections(
    const std::function<Status(rocksdb::DB&, rocksdb::ColumnFamilyHandle*)>& fn) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  return fn(*db_, projections_);
}

Status EventLog::WithOutbox(
    const std::function<Status(rocksdb::DB&, rocksdb::ColumnFamilyHandle*)>& fn) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  return fn(*db_, outbox_);
}

Status EventLog::WithAccessRecord(
    const std::function<Status(rocksdb::DB&, rocksdb::ColumnFamilyHandle*)>& fn) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  return fn(*db_, access_);
}

Status EventLog::WithDatabase(const std::function<Status(rocksdb::DB&)>& fn) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  return fn(*db_);
}

}  // namespace ledger
