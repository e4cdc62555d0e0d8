// The ledger through its public API (ledger/log/event_log.h), as the server uses it:
// Durability::kSync, one event per Append(), ExpectedVersion exact or any.
#include <rocksdb/version.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "ledger/log/event_log.h"
#include "tools/bench/disk_usage.h"
#include "tools/bench/rocks_settle.h"
#include "tools/bench/store.h"

namespace bench {
namespace {

ledger::AppendRequest Request(const std::string& stream, int64_t expected, const Event& e) {
  ledger::AppendRequest r;
  r.stream = stream;
  if (expected == kAnyVersion)
    r.expected = ledger::ExpectedVersion::Any();
  else if (expected == 0)
    r.expected = ledger::ExpectedVersion::NoStream();
  else
    r.expected = ledger::ExpectedVersion::Exactly(static_cast<uint64_t>(expected));
  ledger::NewEvent ev;
  ev.type = e.type;
  ev.payload = e.payload;
  ev.actor = {e.actor_id, e.actor_role, e.actor_department};
  r.events.push_back(std::move(ev));
  return r;
}

class LedgerWriter : public Writer {
 public:
  explicit LedgerWriter(ledger::EventLog* log) : log_(log) {}

  Result<int> Append(const std::string& stream, int64_t expected, const Event& event) override {
    LEDGER_RETURN_IF_ERROR(log_->Append(Request(stream, expected, event)).status());
    return 0;  // the commit thread serialises appends: an "any" append never conflicts
  }

 private:
  ledger::EventLog* const log_;
};

class LedgerReader : public Reader {
 public:
  explicit LedgerReader(ledger::EventLog* log) : log_(log) {}

  Result<size_t> ReadStream(const std::string& stream, size_t max) override {
    LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events,
                            log_->ReadStreamForward(stream, 1, max));
    for (const ledger::RecordedEvent& e : events) sink_ += e.version() + e.type().size();
    return events.size();
  }

 private:
  ledger::EventLog* const log_;
  uint64_t sink_ = 0;  // what the reads touched, so that they are not optimised away
};

class LedgerStore : public Store {
 public:
  LedgerStore(std::string dir, bool merkle_tree)
      : dir_(std::move(dir)), merkle_tree_(merkle_tree) {}

  std::string_view name() const override { return merkle_tree_ ? "ledger" : "ledger-notree"; }
  std::string version() const override {
    return std::string(merkle_tree_ ? "ledger" : "ledger without its Merkle tree") +
           " on RocksDB " + std::to_string(ROCKSDB_MAJOR) + "." + std::to_string(ROCKSDB_MINOR) +
           "." + std::to_string(ROCKSDB_PATCH);
  }

  Status Reset() override { return OpenEmpty(ledger::Durability::kSync); }

  Result<std::unique_ptr<Writer>> NewWriter() override {
    return std::unique_ptr<Writer>(new LedgerWriter(log_.get()));
  }

  Status Load(const Dataset& data) override {
    LEDGER_RETURN_IF_ERROR(OpenEmpty(ledger::Durability::kBulk));
    LEDGER_RETURN_IF_ERROR(AppendAll(data));
    LEDGER_RETURN_IF_ERROR(log_->Close());  // syncs
    // Reopening replays the write-ahead log into table files; then the background compactions
    // run to their end: the state a ledger settles in.
    LEDGER_RETURN_IF_ERROR(Open(ledger::Durability::kSync));
    return WaitForSettled(log_->db(), std::chrono::seconds(300));
  }

  Result<std::unique_ptr<Reader>> NewReader() override {
    return std::unique_ptr<Reader>(new LedgerReader(log_.get()));
  }

  Result<ScanResult> Scan() override {
    ScanResult r;
    LEDGER_RETURN_IF_ERROR(log_->ForEach(1, 0, [&r](const ledger::RecordedEvent& e) {
      ++r.events;
      r.checksum += e.version() + e.stream().size();
      return Status::Ok();
    }));
    return r;
  }

  Result<uint64_t> BytesOnDisk() override { return DirectoryBytes(dir_); }

 private:
  Status Open(ledger::Durability durability) {
    if (log_ != nullptr) LEDGER_RETURN_IF_ERROR(log_->Close());
    log_.reset();
    ledger::Options options;
    options.durability = durability;
    options.merkle_tree = merkle_tree_;
    LEDGER_ASSIGN_OR_RETURN(log_, ledger::EventLog::Open(dir_, options));
    return Status::Ok();
  }

  Status OpenEmpty(ledger::Durability durability) {
    if (log_ != nullptr) LEDGER_RETURN_IF_ERROR(log_->Close());
    log_.reset();
    std::filesystem::remove_all(dir_);
    return Open(durability);
  }

  // Appends the data set in order through AppendAsync, with a bounded number in flight.
  Status AppendAll(const Dataset& data) {
    constexpr size_t kWindow = 4096;
    std::mutex mu;
    std::condition_variable cv;
    size_t in_flight = 0;
    Status failure;
    for (size_t i = 0; i < data.events(); ++i) {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return in_flight < kWindow; });
        if (!failure.ok()) break;
        ++in_flight;
      }
      log_->AppendAsync(Request(data.StreamOf(i), kAnyVersion, data.EventOf(i)),
                        [&](Result<ledger::AppendResult> r) {
                          std::lock_guard<std::mutex> lock(mu);
                          if (!r.ok() && failure.ok()) failure = r.status();
                          --in_flight;
                          cv.notify_one();
                        });
    }
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
    return failure;
  }

  const std::string dir_;
  const bool merkle_tree_;
  std::unique_ptr<ledger::EventLog> log_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenLedgerStore(const std::string& dir, bool merkle_tree) {
  auto store = std::make_unique<LedgerStore>(dir, merkle_tree);
  LEDGER_RETURN_IF_ERROR(store->Reset());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace bench
