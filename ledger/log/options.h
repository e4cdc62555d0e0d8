// Options of an EventLog, with the documented limits (docs/architecture.md, "Limits").
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace ledger {

class Clock;
class DiskSpace;

// Defaults of the limits; each can be changed per ledger through Options.
inline constexpr size_t kDefaultMaxEventBytes = 64 * 1024;        // one event's payload
inline constexpr size_t kDefaultMaxBatchEvents = 1000;            // events in one append
inline constexpr size_t kDefaultMaxBatchBytes = 4 * 1024 * 1024;  // payload bytes in one append
inline constexpr size_t kMaxStreamIdBytes = 128;
inline constexpr size_t kMaxTypeBytes = 64;
inline constexpr size_t kMaxIdempotencyKeyBytes = 200;
inline constexpr size_t kMaxTextFieldBytes = 256;  // actor fields, correlation and causation ids

// The free-space reserve (docs/operations.md, "When the disk fills"): a flush writes up to a
// memtable (64 MiB) per column family, a compaction more; resuming after a full disk flushes them
// all. Appends stop while less than this is available, so that RocksDB rarely meets a full disk.
inline constexpr uint64_t kDefaultMinFreeBytes = uint64_t{256} << 20;
inline constexpr uint64_t kDefaultResumeFreeBytes = uint64_t{320} << 20;

enum class Durability {
  // Every append returns only after the write-ahead log holding it is synced to disk. The default,
  // and the only mode the server uses.
  kSync,
  // Appends are written but not synced; Close() (and Sync()) sync them. Only for building demo and
  // benchmark ledgers in bulk: nothing is acknowledged to anyone until the sync.
  kBulk,
};

struct Options {
  // Where "now" comes from. Not owned; must outlive the EventLog. Null: the system clock.
  Clock* clock = nullptr;

  Durability durability = Durability::kSync;

  size_t max_event_bytes = kDefaultMaxEventBytes;
  size_t max_batch_events = kDefaultMaxBatchEvents;
  size_t max_batch_bytes = kDefaultMaxBatchBytes;

  // Most events one group commit writes with one sync.
  size_t max_group_events = 8192;

  // Recent events kept in memory for live subscribers. A subscriber further behind than this
  // reads from disk ("catching up") until it is within reach again.
  size_t live_buffer_events = 65536;

  // RocksDB block cache for reads, in bytes.
  size_t block_cache_bytes = 256 * 1024 * 1024;

  // Open without appending (no commit thread, no lock on writes); used by read-only tools.
  bool read_only = false;

  // Create the ledger if the directory holds none. When false, opening a missing ledger is
  // NotFound.
  bool create_if_missing = true;

  // Appends are refused (Unavailable) while the file system holding the ledger has less than
  // `min_free_bytes` available, and accepted again once it has `resume_free_bytes` (raised to
  // min_free_bytes when lower, and to 1 MiB: resuming writes files). min_free_bytes 0: no
  // reserve; appends stop only when a write fails for lack of space (see storage.h).
  uint64_t min_free_bytes = kDefaultMinFreeBytes;
  uint64_t resume_free_bytes = kDefaultResumeFreeBytes;

  // How often the commit thread looks at the free space while nothing is appended, and so how
  // soon appends resume by themselves after space is freed.
  std::chrono::milliseconds storage_check_interval{1000};

  // Where the free space is read. Not owned; must outlive the EventLog. Null: statvfs(2).
  DiskSpace* disk_space = nullptr;

  // Keep the Merkle tree (docs/event-format.md, "The Merkle tree") in each append's batch. Off
  // only in the log benchmark, to measure what the tree costs; a ledger written without it gets
  // its tree built when next opened for writing with it.
  bool merkle_tree = true;
};

}  // namespace ledger
