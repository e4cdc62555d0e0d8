// ProjectionRunner: keeps the persisted projections of one ledger current and serves them.
//
//   rebuild    folds the log from position 1 into a fresh LedgerProjection and stores it;
//   follow     a thread follows the log's subscription and applies new events as they commit;
//   persist    after each batch, the rows of the complaints it touched and the checkpoint
//              {position, hash of that event, digest} go into RocksDB in one atomic write
//              (ledger/log/projection_store.h);
//   snapshot   now and then (and at Stop) a cereal snapshot file lets a restart resume without a
//              full replay.
//
// A write that fails (a full disk: the log then refuses writes, ledger/log/storage.h) stops neither
// Open() nor following: the projection is served from memory, and the rows the store lacks wait
// there and go with the next write that succeeds. What is stored stays consistent with its
// checkpoint throughout (one atomic write each).
//
// A stored projection is trusted only if it matches its log: the checkpoint's event hash must be
// the log's hash at that position, and the rows must hash to the checkpoint's digest (a multiset
// hash: XOR of SHA-256 over each row). And only if this build would have written it: the rows'
// checkpoint and the snapshot's header record the format and the rules digest they were written
// with (format.h), which must be this build's. Otherwise it is not served: the runner rebuilds it
// (and says so through RunnerOptions::warn, naming what differed, before it starts).
//
// Thread-safety: Read() may be called from any thread at any time (shared lock); the other
// methods from one controlling thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ledger/domain/policy_store.h"
#include "ledger/log/event_log.h"
#include "ledger/log/projection_store.h"
#include "projections/fine_index.h"
#include "projections/format.h"
#include "projections/ledger_projection.h"

namespace projections {

struct RunnerOptions {
  std::string snapshot_path;         // empty: no snapshots
  uint64_t snapshot_every = 250000;  // events between snapshots while following
  size_t batch_events = 8192;        // events applied per persisted batch
  // Why Open() rebuilds a projection it found stored ("projection format 2 stored, 3 expected:
  // rebuilding from the log"), said before the rebuild starts. Empty: a line on stderr.
  std::function<void(std::string_view)> warn = nullptr;
  // The format and rules digest this build writes and expects (format.h). Tests set others to
  // play a build of another format or other rules.
  uint32_t format = kProjectionFormat;
  ledger::Hash rules = ProjectionRulesDigest();
};

// Progress of long work: (done, total) events.
using Progress = std::function<void(uint64_t, uint64_t)>;

// Folds the whole log, up to its head, into a fresh projection: stream by stream from the stream
// index's copies of the events (EventLog::ForEachByStream), where each complaint's fold stays in
// the caches; in the log's order on a ledger whose index holds no copies (format 1). The same
// projection either way: FoldLogInOrder's up to the head.
ledger::Result<LedgerProjection> FoldLog(ledger::EventLog& log, const PolicyLookup& policies,
                                         const ledger::domain::Policy& fallback,
                                         const Progress& progress = {});

// Folds the log's events 1..upto (0: none) into a fresh projection, in the log's order.
ledger::Result<LedgerProjection> FoldLogInOrder(ledger::EventLog& log, const PolicyLookup& policies,
                                                const ledger::domain::Policy& fallback,
                                                uint64_t upto, const Progress& progress = {});

struct CheckReport {
  bool ok = false;
  uint64_t position = 0;
  std::string current_digest, rebuilt_digest;
  std::string detail;
};

class ProjectionRunner {
 public:
  static constexpr char kName[] = "ledger";

  // None owned; all must outlive the runner.
  ProjectionRunner(ledger::EventLog* log, ledger::domain::PolicyStore* policies,
                   ledger::ProjectionStore* store, RunnerOptions options);
  ~ProjectionRunner();

  // Loads the stored projection if it matches the log and this build (snapshot first, then rows),
  // else rebuilds (having said why through options.warn, if something stored was refused); then
  // catches up with the head. `how` says which happened and why.
  ledger::Status Open(std::string* how, const Progress& progress = {});

  // Loads one stored form of the projection, as it is (no rebuild, no catch-up): NotFound when
  // there is none, DataLoss when it is damaged, FailedPrecondition when it does not match the
  // log or was written in another format or under other rules; `why` says which. `ledgerctl
  // rebuild --check` loads, then Check()s.
  enum class Stored { kSnapshot, kRows };
  ledger::Status Load(Stored which, std::string* why) {
    return which == Stored::kSnapshot ? LoadSnapshot(why) : LoadRows(why);
  }
  bool has_snapshot_path() const { return !options_.snapshot_path.empty(); }

  // Folds the whole log again and replaces the stored projection; a failed write is returned
  // (and retried with the next batch).
  ledger::Status Rebuild(const Progress& progress = {});

  // Applies everything committed since the last batch.
  ledger::Status CatchUp();

  // Called after each batch of the log is applied (on the thread that applied it, without the
  // projection's lock held) with the ids of the complaints it touched. For services that follow
  // complaints as they change (the scheduler). Add before Follow().
  using BatchListener = std::function<void(const std::vector<std::string>& touched)>;
  void AddBatchListener(BatchListener fn);

  // Starts / stops the following thread. Stop writes a snapshot.
  void Follow();
  void Stop();

  // Folds the log afresh in memory and compares its digest with the current projection's.
  ledger::Result<CheckReport> Check(const Progress& progress = {});

  // Runs fn(projection) under a shared lock.
  template <typename F>
  auto Read(F&& fn) const {
    std::shared_lock<std::shared_mutex> lock(mu_);
    return fn(projection_);
  }

  // A month's fines at `now` (as FinesPage over the current projection) from the kept fine index:
  // the cost of the month's lines and of the changes since the previous query.
  ledger::Result<FinePage> Fines(Time now, const FineQuery& query);
  // Indexes `months` at `now` ahead of their first Fines() query (FineIndex::Warm).
  void WarmFines(Time now, const std::vector<Period>& months);
  FineIndex::Stats fine_index_stats() const { return fines_.stats(); }

  uint64_t position() const { return position_.load(); }
  std::string digest() const;
  ledger::Status WriteSnapshot();

  // The policy lookup the projection folds with.
  PolicyLookup policies() const;
  const ledger::domain::Policy& fallback() const;

  // A fresh fold of the log up to `known_at` (ledger time) with events that occurred by `as_of`,
  // under `what_if` for every version when given. Nothing stored changes.
  ledger::Result<LedgerProjection> FoldAt(const ledger::domain::FoldOptions& options,
                                          const ledger::domain::Policy* what_if = nullptr);

 private:
  ledger::Status ApplyBatch(const std::vector<ledger::RecordedEvent>& events);
  ledger::Status Refold(const Progress& progress);
  ledger::Status Store(const std::vector<std::string>& touched, bool ratings);
  ledger::Status Persist(const std::vector<std::string>& touched, bool ratings);
  ledger::Status PersistAll();
  ledger::Status LoadSnapshot(std::string* why);
  ledger::Status LoadRows(std::string* why);
  ledger::Status Matches(uint64_t position, const ledger::Hash& hash, std::string* why);
  ledger::Status SameFormat(uint32_t format, std::string* why) const;
  ledger::Status SameRules(const ledger::Hash& rules, std::string* why) const;
  ledger::ProjectionCheckpoint CheckpointHere() const;
  void Warn(const std::string& line) const;
  void RecomputeRowHashes();
  void FollowLoop();

  ledger::EventLog* const log_;
  ledger::domain::PolicyStore* const policies_;
  ledger::ProjectionStore* const store_;
  const RunnerOptions options_;

  mutable std::shared_mutex mu_;
  std::mutex listeners_mu_;  // guards listeners_
  std::vector<BatchListener> listeners_;
  LedgerProjection projection_;
  FineIndex fines_;  // follows projection_ (Touch in ApplyBatch, Clear wherever it is replaced)
  std::atomic<uint64_t> position_{0};

  // The multiset digest of the persisted rows: XOR of each row's hash.
  std::unordered_map<std::string, ledger::Hash> row_hashes_;
  ledger::Hash rows_digest_ = ledger::kZeroHash;
  uint64_t since_snapshot_ = 0;

  // What the store lacks after a failed write (Store): every row, or these complaints' rows and
  // the ratings.
  bool unstored_all_ = false;
  std::set<std::string> unstored_;
  bool unstored_ratings_ = false;
  bool store_failing_ = false;  // the last write failed (said once on stderr)

  std::atomic<bool> stop_{false};
  std::thread follower_;
  std::unique_ptr<ledger::Subscription> subscription_;
};

// The row of a tracked complaint / a rating (cereal binary) and their keys.
std::string ComplaintRowKey(const std::string& id);
std::string RatingRowKey(const std::string& department, const std::string& month);

}  // namespace projections
