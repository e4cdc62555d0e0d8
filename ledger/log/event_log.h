// EventLog: the durable, tamper-evident, append-only log of events on RocksDB.
//
// The log is the single source of truth. Every event has a global position (1, 2, 3, ... with no
// gaps, in commit order), belongs to one stream at a stream version, and is chained to the event
// before it by SHA-256 (docs/event-format.md). Nothing in this interface rewrites or deletes an
// event. docs/architecture.md explains how the stream index, the chain and the group commit fit.
//
// Durability: with Durability::kSync (the default) Append() returns success only after the
// RocksDB write-ahead log holding the events has been synced to disk. Concurrent appenders share
// one sync: a single commit thread takes every queued append, checks each, writes them in one
// WriteBatch and syncs once ("group commit").
//
// A full disk (docs/architecture.md, "When the disk fills"): appends are refused with
// Unavailable, reads go on, and appends resume by themselves once space is freed; see storage.h.
//
// Thread-safety: all methods may be called from any thread concurrently. Callbacks given to
// AppendAsync() and AddCommitListener() run on the thread that commits and must not block: the
// commit thread, or — in Durability::kBulk before any AppendAsync() — the appending thread, which
// then commits its own append (nobody waits for a sync, so there is nothing to share). Callbacks
// given to the ForEach* reads run while the log holds its database open for them: they may read
// the log, and must not Close() it.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ledger/base/merkle.h"
#include "ledger/base/status.h"
#include "ledger/log/append.h"
#include "ledger/log/options.h"
#include "ledger/log/recorded_event.h"
#include "ledger/log/storage.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class FileLock;
class Iterator;
class Status;
}  // namespace rocksdb

namespace ledger {

class Subscription;
class StorageListener;

// What Verify() found. When !ok, `first_bad_position` is the first position whose event is
// missing, damaged or out of chain, and `problem` says why in one line.
struct VerifyReport {
  bool ok = true;
  uint64_t checked = 0;  // events whose hash was recomputed and matched
  Head head;             // the head record (as stored)
  // The Merkle tree was rebuilt from the events and matched every stored node; its root at the
  // head. False for a ledger without a tree (made before it, and opened read-only since).
  bool tree_checked = false;
  Hash tree_root{};
  uint64_t first_bad_position = 0;
  std::string problem;
};

// A signed checkpoint the log keeps (docs/event-format.md, "Checkpoints"): the C2SP signed note
// stating the tree's `size` and `root`, and when it was signed.
struct StoredCheckpoint {
  uint64_t size = 0;
  Hash root{};
  Time signed_at{};
  std::string note;
};

struct VerifyOptions {
  // A head kept outside the machine: the log must contain an event at its position with its hash.
  std::optional<Head> expected_head;
  // Called now and then with (checked, total) for progress bars. May be empty.
  std::function<void(uint64_t, uint64_t)> progress;
};

// Counters of the group commit, for /metrics. Monotonic since Open().
struct LogStats {
  uint64_t commits = 0;       // group commits written (one sync each in kSync mode)
  uint64_t appends = 0;       // appends that wrote events
  uint64_t deduplicated = 0;  // appends answered from an idempotency key
  uint64_t conflicts = 0;     // appends refused for a version conflict
  uint64_t refused = 0;       // appends refused because the disk could not take them
  uint64_t events = 0;        // events written
  // Appends per group commit: [1], [2-3], [4-7], ... [128+]: how much syncs are shared.
  std::array<uint64_t, 8> group_appends{};
};

class EventLog {
 public:
  // Opens (or, with options.create_if_missing, creates) the ledger in directory `dir`.
  // NotFound when there is no ledger and creating is off; FailedPrecondition for a ledger of
  // another format; Unavailable when another process holds it open. On a full disk an existing
  // ledger opens read-only underneath: reads work, appends are refused until there is room.
  // The directory is made private to the process's user (0700; files in it lose their group
  // and other permissions).
  static Result<std::unique_ptr<EventLog>> Open(const std::string& dir, const Options& options);

  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;
  ~EventLog();  // Close()

  // Finishes queued appends, syncs (in bulk mode) and closes the database. Appends after Close()
  // fail with Unavailable. Idempotent.
  Status Close();

  // --- Writing -------------------------------------------------------------------------------

  // Appends `request.events` to `request.stream`, all or nothing, and returns once they are
  // durable. Errors: InvalidArgument for bad input (nothing written; errors() names each field),
  // Aborted for a version conflict (the message names the stream, expected and actual version),
  // DataLoss when the ledger is damaged, Unavailable when closed, when the disk is (nearly) full
  // or when a write failed (storage() says why). After Unavailable from a failed write the append
  // was not acknowledged and may or may not have been recorded: retry with the same idempotency
  // key.
  // A request whose idempotency key was seen returns the first result with deduplicated = true.
  Result<AppendResult> Append(AppendRequest request);

  // As Append(), without waiting: `done` runs on the commit thread once the outcome is known
  // (after the sync for a success). Bad input calls `done` before returning.
  using AppendCallback = std::function<void(Result<AppendResult>)>;
  void AppendAsync(AppendRequest request, AppendCallback done);

  // The first result of the append that used `key`, or nullopt if none did.
  Result<std::optional<AppendResult>> LookupIdempotencyKey(std::string_view key);

  // In bulk mode: syncs everything written so far. In sync mode: nothing to do.
  Status Sync();

  // --- Reading -------------------------------------------------------------------------------

  Head GetHead() const;

  // The event at `position`: NotFound past the head, DataLoss if damaged.
  Result<RecordedEvent> ReadAt(uint64_t position);

  // Up to `max` events of the global log with positions >= `from`, in order.
  Result<std::vector<RecordedEvent>> ReadAll(uint64_t from, size_t max);

  // Calls `fn` for each event with position in [from, to] (to = 0: up to the head), in order,
  // stopping at the first non-OK status, which it returns. Reuses the decoded bytes
  // from event to event unless `fn` keeps a copy.
  Status ForEach(uint64_t from, uint64_t to, const std::function<Status(const RecordedEvent&)>& fn);

  // ForEach, handing the events over `batch` at a time (the last batch may be shorter). The span
  // is valid during the call; events copied out of it stay valid. For long scans: the decoded
  // bytes are reused from batch to batch unless the caller kept them.
  Status ForEachBatch(uint64_t from, uint64_t to, size_t batch,
                      const std::function<Status(std::span<const RecordedEvent>)>& fn);

  // Every event up to the head (set in *head), stream by stream: streams in the order of their
  // ids, each stream's events in version order, `batch` at a time (span as in ForEachBatch). For
  // folds that do not depend on the order between streams (a rebuild of per-stream
  // projections): a stream's events come together, so its fold stays in the caches, where the
  // log's order visits a million streams in turn. Read from the stream index's copies of the
  // events (format 2): each copy is checked against its key, and every position from 1 to the
  // head must come exactly once, else DataLoss. FailedPrecondition, possibly after some
  // batches, when the index holds entries without copies (written in format 1): scan the log.
  Status ForEachByStream(size_t batch,
                         const std::function<Status(std::span<const RecordedEvent>)>& fn,
                         Head* head);

  // Up to `max` events of `stream` with versions >= `from_version`, ascending.
  Result<std::vector<RecordedEvent>> ReadStreamForward(std::string_view stream,
                                                       uint64_t from_version, size_t max);
  // Up to `max` events of `stream` with versions <= `from_version` (0: from the last), descending.
  Result<std::vector<RecordedEvent>> ReadStreamBackward(std::string_view stream,
                                                        uint64_t from_version, size_t max);

  // The stream's version (0 when it does not exist).
  Result<uint64_t> StreamVersion(std::string_view stream);
  Result<bool> StreamExists(std::string_view stream);

  // The greatest stream id starting with `prefix`, or "" if none.
  Result<std::string> LastStreamWithPrefix(std::string_view prefix);

  // Up to `max` stream ids > `after` (lexicographic) that start with `prefix`.
  Result<std::vector<std::string>> ListStreams(std::string_view prefix, std::string_view after,
                                               size_t max);

  // The first position whose recorded_at >= t, or head + 1 when there is none.
  Result<uint64_t> FirstPositionRecordedAtOrAfter(Time t);

  // A reader of the global log from `from_position` on: catches up from disk, then follows new
  // commits live.
  std::unique_ptr<Subscription> Subscribe(uint64_t from_position);

  // Registers `fn(head_position)` to run on the commit thread after each commit. Returns an id
  // for RemoveCommitListener(). `fn` must not block and must not call back into the log's
  // writing methods.
  uint64_t AddCommitListener(std::function<void(uint64_t)> fn);
  void RemoveCommitListener(uint64_t id);

  // --- The Merkle tree (ledger/base/merkle.h; docs/event-format.md, "The Merkle tree") ------
  // Leaf i is the canonical bytes of position i + 1. Sizes go up to the head's position:
  // InvalidArgument beyond it, FailedPrecondition when the ledger has no tree (one made before
  // the tree, opened read-only: a writable open builds it), DataLoss for a damaged node.

  // The root of the tree of the first `size` events.
  Result<Hash> TreeRoot(uint64_t size);
  // The inclusion proof of the event at `position` in the tree of `size` events.
  Result<std::vector<Hash>> InclusionProof(uint64_t position, uint64_t size);
  // The consistency proof from the tree of `old_size` events to that of `size` events.
  Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t size);
  // The hashes of the perfect subtrees at `level` (0: the leaves) with indices [first, first +
  // count), each whole within the first `size` events: what a C2SP tlog-tiles tile holds.
  // InvalidArgument when one is not (or count is 0 or above 256).
  Result<std::vector<Hash>> TreeNodes(uint8_t level, uint64_t first, uint64_t count, uint64_t size);

  // Stores a signed checkpoint: `note` (signed by the caller) states the tree's root at `size`.
  // The log checks that root against its own tree first: a checkpoint of another tree (or of
  // another log) is never stored, so every stored pair is consistent. It becomes the latest;
  // with `in_series` it is also kept in the series (one an hour, forever). FailedPrecondition for
  // a root that is not the tree's, or a size below the latest checkpoint's.
  Status StoreCheckpoint(uint64_t size, const Hash& root, Time signed_at, std::string note,
                         bool in_series);
  // The latest checkpoint, the one of a size (the latest's, or one of the series), and the
  // series (oldest first). nullopt / empty when none was stored.
  Result<std::optional<StoredCheckpoint>> LatestCheckpoint();
  Result<std::optional<StoredCheckpoint>> CheckpointOfSize(uint64_t size);
  Result<std::vector<StoredCheckpoint>> CheckpointSeries();

  // --- Integrity -----------------------------------------------------------------------------

  // Walks the whole log: recomputes every hash, checks each position holds its own event, the
  // chain links, the stream index, and the head record. See VerifyReport. A non-OK Status only
  // for failures to read at all.
  Result<VerifyReport> Verify(const VerifyOptions& options = {});

  // Non-OK when Open() found the log inconsistent with its head record; appends are then refused.
  Status damage() const;

  LogStats GetStats() const;

  // Whether appends are accepted now, and if not, why (at most storage_check_interval old).
  StorageHealth storage() const;

  const Options& options() const { return options_; }
  const std::string& directory() const { return dir_; }

  // For ProjectionStore only (same directory, same database): calls `fn` with the database and
  // its projections family, which stay open during the call (between calls the log may reopen
  // its database: see Open). Unavailable when closed.
  Status WithProjections(
      const std::function<Status(rocksdb::DB&, rocksdb::ColumnFamilyHandle*)>& fn);

  // For Outbox only (ledger/log/outbox.h), as WithProjections with the outbox family. The family is
  // null when a ledger made before the outbox existed is open read-only (a writable open
  // creates it): there is then no outbox to read, and none can be written.
  Status WithOutbox(const std::function<Status(rocksdb::DB&, rocksdb::ColumnFamilyHandle*)>& fn);

  // For AccessRecord only (ledger/log/access_record.h), as WithOutbox with the access family.
  Status WithAccessRecord(
      const std::function<Status(rocksdb::DB&, rocksdb::ColumnFamilyHandle*)>& fn);

  // For backups (ledger/log/backup.h), as WithProjections with the whole database: a backup
  // taken inside `fn` sees the database the log is writing, which stays open during the call.
  Status WithDatabase(const std::function<Status(rocksdb::DB&)>& fn);

  // The database, for benchmarks that wait for compactions: valid only while the log is open
  // for writing on a disk with room (a reopen replaces it).
  rocksdb::DB* db() { return db_.get(); }

 private:
  friend class Subscription;
  struct Pending;
  struct GroupState;

  // Holds db_ and the families open for a read (see db_mu_).
  using ReadLock = std::shared_lock<std::shared_mutex>;

  // Durability::kBulk on a writable log: appends skip the write-ahead log and are made durable by
  // flushing the memtables (Sync(), Close()).
  static bool Bulk(const Options& o) { return o.durability == Durability::kBulk && !o.read_only; }

  EventLog(std::string dir, const Options& options);
  Status OpenDatabase();
  rocksdb::Status OpenRocks(bool read_only);
  Status OpenStandIn();
  Status CheckFormat();
  Status CloseRocks();
  Status LoadHead();
  Status LoadTree();
  Status BuildTree();
  Status TreeUsable(uint64_t size) const;
  Status CheckStorage(bool look = true);
  Status ReopenWritable();
  Status WriteFailed(const rocksdb::Status& s);
  void CommitLoop();
  void CommitGroup(std::vector<Pending>& group);
  void WriteGroup(GroupState& g, std::vector<Result<AppendResult>>& results);
  Result<AppendResult> Prepare(const AppendRequest& request, GroupState& g);
  Status AddEvent(const AppendRequest& request, const NewEvent& event, uint64_t version,
                  GroupState& g);
  Status Usable() const;
  Result<ReadLock> Readable() const;
  Result<uint64_t> CurrentVersion(const std::string& stream, const GroupState& g);
  Result<std::optional<AppendResult>> SeenKey(const std::string& key, const GroupState& g);
  void Publish(std::vector<RecordedEvent> events, const Head& head);
  void RecordStats(const std::vector<Result<AppendResult>>& results);
  Result<std::vector<RecordedEvent>> ReadFromLive(uint64_t from, size_t max);
  Result<std::vector<RecordedEvent>> ReadIndexed(rocksdb::Iterator& it, std::string_view stream,
                                                 size_t max, bool forward);

  const std::string dir_;
  Options options_;
  Clock* clock_;
  std::unique_ptr<Clock> own_clock_;

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* default_ = nullptr;
  rocksdb::ColumnFamilyHandle* events_ = nullptr;
  rocksdb::ColumnFamilyHandle* streams_ = nullptr;
  rocksdb::ColumnFamilyHandle* idempotency_ = nullptr;
  rocksdb::ColumnFamilyHandle* projections_ = nullptr;
  rocksdb::ColumnFamilyHandle* outbox_ = nullptr;  // null: an old ledger open read-only
  rocksdb::ColumnFamilyHandle* tree_ = nullptr;    // null: an old ledger open read-only
  rocksdb::ColumnFamilyHandle* access_ = nullptr;  // null: an old ledger open read-only
  Status tree_status_;  // why proofs cannot be given (set at open, before any reader)
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  // Readers hold db_mu_ shared while they use db_ and the families; the commit thread holds it
  // exclusively (try_lock only: it never waits for readers) to replace a database opened
  // read-only on a full disk with a writable one.
  mutable std::shared_mutex db_mu_;
  bool db_read_only_ = false;                  // db_ is open read-only (read_only, or a full disk)
  rocksdb::FileLock* db_lock_ = nullptr;       // RocksDB's LOCK, held for a read-only stand-in
  std::shared_ptr<StorageListener> listener_;  // RocksDB's background errors
  std::unique_ptr<DiskSpace> own_disk_space_;
  std::unique_ptr<StorageGuard> storage_;

  Status damage_;

  // Append queue, drained by the commit thread.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;
  bool closing_ = false;
  bool closed_ = false;
  std::thread committer_;

  // Commit-thread state (touched only by the commit thread after Open).
  Head committed_;                       // the last durable head
  merkle::CompactRange committed_tree_;  // the tree's right edge at committed_
  uint64_t bulk_groups_ = 0;             // groups committed in bulk mode (CommitGroup)
  std::unordered_map<std::string, uint64_t> version_cache_;
  mutable std::mutex stats_mu_;
  LogStats stats_;

  // Published state: head and the live buffer of recent events, for readers and subscribers.
  mutable std::mutex live_mu_;
  std::condition_variable live_cv_;
  Head head_;
  std::deque<RecordedEvent> live_;  // consecutive positions ending at head_.position
  bool stopping_ = false;           // Close() began: waiting subscribers return

  std::mutex listeners_mu_;
  std::map<uint64_t, std::function<void(uint64_t)>> listeners_;
  uint64_t next_listener_id_ = 1;
};

// A reader of the global log (see EventLog::Subscribe). Not thread-safe: one consumer thread,
// except Cancel(), which any thread may call. Must not outlive its EventLog.
class Subscription {
 public:
  // Reads up to `max` events from next_position() on, in order, with no gap and no duplicate.
  // When there is nothing new it waits up to `wait` for a commit; returns OK with `out` unchanged
  // on timeout or after Cancel(). A consumer slower than the live buffer reads from disk.
  Status Next(size_t max, std::chrono::milliseconds wait, std::vector<RecordedEvent>* out);

  uint64_t next_position() const { return next_; }
  void Cancel();

 private:
  friend class EventLog;
  Subscription(EventLog* log, uint64_t from) : log_(log), next_(from == 0 ? 1 : from) {}

  EventLog* const log_;
  uint64_t next_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace ledger
