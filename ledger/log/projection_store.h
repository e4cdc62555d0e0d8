// ProjectionStore: rows of persisted projections in the ledger's database (column family
// "projections"), each projection under its own key prefix, written together with its checkpoint
// in one atomic batch. The projections layer uses it; it never opens RocksDB itself.
//
// Durability: rows are written without a sync. They are derived from the log and rebuildable; a
// crash loses at most the unsynced tail, and because rows and checkpoint are one batch, what
// survives is consistent with the checkpoint it carries.
//
// A full disk: while the log refuses appends (EventLog::storage()), Commit and Clear are
// Unavailable and write nothing.
//
// Thread-safety: all methods may be called concurrently (RocksDB is thread-safe).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/log/event_log.h"

namespace rocksdb {
class WriteBatch;
}  // namespace rocksdb

namespace ledger {

// How far a projection got: the last log position it applied, the hash of that event (so a
// projection of another log, or of a log that was changed, is detected), and the digest of the
// projection's state at that point. And what wrote it: the format of its rows and a digest of the
// rules that derived them, which the projection compares with its own at start (a build that
// changed either rebuilds instead of serving rows it would not have written). The store keeps
// them and judges neither.
struct ProjectionCheckpoint {
  uint64_t position = 0;
  Hash log_hash = kZeroHash;
  std::string digest;   // hex; empty when unknown
  uint32_t format = 0;  // 0: written before checkpoints recorded a format (and rules)
  Hash rules = kZeroHash;
  bool operator==(const ProjectionCheckpoint&) const = default;
};

class ProjectionStore {
 public:
  // `log` must be open for writing and outlive the store.
  explicit ProjectionStore(EventLog* log) : log_(log) {}

  // The checkpoint, if any; one written before checkpoints recorded a format reads as format 0.
  Result<std::optional<ProjectionCheckpoint>> ReadCheckpoint(std::string_view projection);
  Result<std::optional<std::string>> Get(std::string_view projection, std::string_view key);

  // Calls fn(key, value) for each row of `projection` whose key starts with `prefix`, in key
  // order, until fn returns false.
  Status Scan(std::string_view projection, std::string_view prefix,
              const std::function<bool(std::string_view, std::string_view)>& fn);

  // Rows to write with a checkpoint. An empty value deletes the row.
  using Rows = std::vector<std::pair<std::string, std::string>>;
  Status Commit(std::string_view projection, const Rows& rows,
                const ProjectionCheckpoint& checkpoint);

  // Deletes every row and the checkpoint (of either layout) of `projection` (before a rebuild).
  Status Clear(std::string_view projection);

 private:
  using Batch = std::function<void(rocksdb::WriteBatch&, rocksdb::ColumnFamilyHandle*)>;
  // Unavailable, writing nothing, while the log refuses appends (EventLog::storage()).
  Status Write(const Batch& fill, std::string_view what);

  EventLog* const log_;
};

}  // namespace ledger
