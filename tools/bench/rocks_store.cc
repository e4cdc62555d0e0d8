// Raw RocksDB: the floor under the ledger. The same column families and table options as the
// ledger (ledger/log/rocks_options.h), the same keys (ledger/log/record_format.h) and the same
// values (the stored bytes of ledger events), written by each writer thread as its own
// WriteBatch with WriteOptions::sync. RocksDB groups concurrent synced writes by itself (a leader
// writes and syncs the write-ahead log for the whole group).
//
// What it does not do, and the ledger does: check the expected version, build and canonicalise
// the Cap'n Proto envelope, compute the hash chain, decode what it is about to write, keep the
// head record and the live buffer, hand each append to a commit thread and back.
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/version.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include "ledger/log/record_format.h"
#include "ledger/log/rocks_options.h"
#include "ledger/log/rocks_status.h"
#include "tools/bench/disk_usage.h"
#include "tools/bench/rocks_settle.h"
#include "tools/bench/store.h"

namespace bench {
namespace {

using ledger::FromRocks;

// The database and the counters every writer shares.
struct Shared {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // default, events, streams
  std::atomic<uint64_t> position{0};
  std::mutex versions_mu;
  std::unordered_map<std::string, uint64_t> versions;  // for appends with any version
  std::vector<std::string> records;

  rocksdb::ColumnFamilyHandle* events() const { return handles[1]; }
  rocksdb::ColumnFamilyHandle* streams() const { return handles[2]; }

  uint64_t NextVersion(const std::string& stream, int64_t expected) {
    if (expected != kAnyVersion) return static_cast<uint64_t>(expected) + 1;
    std::lock_guard<std::mutex> lock(versions_mu);
    return ++versions[stream];
  }

  Status Put(const std::string& stream, uint64_t version, const Event& e, bool sync) {
    uint64_t at = position.fetch_add(1) + 1;
    rocksdb::WriteBatch batch;
    const std::string key = ledger::PositionKey(at);
    const std::string& record = records[e.index % records.size()];
    batch.Put(events(), key, record);
    // The ledger's stream index entry: the position and a copy of the record (format 2).
    batch.Put(streams(), ledger::StreamKey(stream, version), key + record);
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return FromRocks(db->Write(wo, &batch), "writing");
  }
};

class RocksWriter : public Writer {
 public:
  explicit RocksWriter(Shared* shared) : shared_(shared) {}

  Result<int> Append(const std::string& stream, int64_t expected, const Event& event) override {
    LEDGER_RETURN_IF_ERROR(
        shared_->Put(stream, shared_->NextVersion(stream, expected), event, /*sync=*/true));
    return 0;
  }

 private:
  Shared* const shared_;
};

class RocksReader : public Reader {
 public:
  explicit RocksReader(Shared* shared) : shared_(shared) {}

  // As EventLog::ReadStreamForward: the stream's index entries, each with its copy of the
  // record (copied out, as the ledger copies it into its own words), no decoding.
  Result<size_t> ReadStream(const std::string& stream, size_t max) override {
    std::string prefix = ledger::StreamPrefix(stream);
    size_t read = 0;
    std::string value;
    rocksdb::ReadOptions one_stream;
    one_stream.prefix_same_as_start = true;  // as the ledger: the prefix filter skips files
    std::unique_ptr<rocksdb::Iterator> it(shared_->db->NewIterator(one_stream, shared_->streams()));
    for (it->Seek(ledger::StreamKey(stream, 1));
         it->Valid() && read < max && it->key().starts_with(prefix); it->Next(), ++read) {
      value.assign(it->value().data() + 8, it->value().size() - 8);
      sink_ += value.size();
    }
    LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading a stream"));
    return read;
  }

 private:
  Shared* const shared_;
  uint64_t sink_ = 0;
};

class RocksStore : public Store {
 public:
  RocksStore(std::string dir, std::vector<std::string> records) : dir_(std::move(dir)) {
    shared_.records = std::move(records);
  }
  ~RocksStore() override { Close(); }

  std::string_view name() const override { return "rocksdb"; }
  std::string version() const override {
    return "RocksDB " + std::to_string(ROCKSDB_MAJOR) + "." + std::to_string(ROCKSDB_MINOR) + "." +
           std::to_string(ROCKSDB_PATCH);
  }

  Status Reset() override {
    Close();
    std::filesystem::remove_all(dir_);
    return Open();
  }

  Result<std::unique_ptr<Writer>> NewWriter() override {
    return std::unique_ptr<Writer>(new RocksWriter(&shared_));
  }

  Status Load(const Dataset& data) override {
    LEDGER_RETURN_IF_ERROR(Reset());
    for (size_t i = 0; i < data.events(); ++i) {
      LEDGER_RETURN_IF_ERROR(
          shared_.Put(data.StreamOf(i), data.VersionOf(i), data.EventOf(i), /*sync=*/false));
    }
    LEDGER_RETURN_IF_ERROR(FromRocks(shared_.db->SyncWAL(), "syncing"));
    Close();
    LEDGER_RETURN_IF_ERROR(Open());  // replays the write-ahead log, as the ledger's reopen does
    return WaitForSettled(shared_.db.get(), std::chrono::seconds(300));
  }

  Result<std::unique_ptr<Reader>> NewReader() override {
    return std::unique_ptr<Reader>(new RocksReader(&shared_));
  }

  // As EventLog::ForEach reads: no cache fill, 2 MiB readahead; no decoding.
  Result<ScanResult> Scan() override {
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    ro.readahead_size = 2 * 1024 * 1024;
    std::unique_ptr<rocksdb::Iterator> it(shared_.db->NewIterator(ro, shared_.events()));
    ScanResult r;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++r.events;
      r.checksum += it->key().size() + it->value().size();
    }
    LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "scanning"));
    return r;
  }

  Result<uint64_t> BytesOnDisk() override { return DirectoryBytes(dir_); }

 private:
  Status Open() {
    rocksdb::DBOptions db;
    db.create_if_missing = true;
    db.create_missing_column_families = true;
    db.max_background_jobs = 2;
    db.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
    auto cache = rocksdb::NewLRUCache(256 * 1024 * 1024);
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        // The ledger's own options for these families (ledger/log/rocks_options.h).
        {rocksdb::kDefaultColumnFamilyName, ledger::FamilyOptions(cache, false)},
        {ledger::kEventsFamily, ledger::FamilyOptions(cache, false)},
        {ledger::kStreamsFamily, ledger::StreamsOptions(cache)},
    };
    rocksdb::DB* raw = nullptr;
    LEDGER_RETURN_IF_ERROR(
        FromRocks(rocksdb::DB::Open(db, dir_, families, &shared_.handles, &raw), "opening"));
    shared_.db.reset(raw);
    return Status::Ok();
  }

  void Close() {
    if (shared_.db == nullptr) return;
    for (rocksdb::ColumnFamilyHandle* h : shared_.handles)
      (void)shared_.db->DestroyColumnFamilyHandle(h);
    shared_.handles.clear();
    (void)shared_.db->Close();
    shared_.db.reset();
    shared_.position = 0;
    shared_.versions.clear();
  }

  const std::string dir_;
  Shared shared_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenRocksStore(const std::string& dir,
                                              std::vector<std::string> records) {
  if (records.empty()) return Status::InvalidArgument("no records to write");
  auto store = std::make_unique<RocksStore>(dir, std::move(records));
  LEDGER_RETURN_IF_ERROR(store->Reset());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace bench
