// Store: what the benchmark driver asks of each system it compares (the ledger, raw RocksDB,
// PostgreSQL, SQLite). docs/performance.md says what each implementation does and where the work
// differs between them.
//
// Every store holds one log of events with a global order and a unique (stream, version). An
// append is durable before it returns: for every store, "acknowledged" means "fsynced".
//
// Thread-safety: a Store's own methods are called from one thread, never while a Writer or Reader
// is in use. Each Writer and Reader is used by one thread; different ones run concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "tools/bench/workload.h"

namespace bench {

using ledger::Result;
using ledger::Status;

// A writer's session: one connection (PostgreSQL, SQLite) or a handle on the shared database.
class Writer {
 public:
  virtual ~Writer() = default;

  // Appends `event` to `stream` and returns once it is durable. `expected` is the stream's
  // version the caller expects (0: the stream must not exist), or kAnyVersion. A conflict with
  // kAnyVersion (two writers took the same next version) is retried inside; the result is how
  // many retries it took. A conflict with an exact version is an error.
  virtual Result<int> Append(const std::string& stream, int64_t expected, const Event& event) = 0;
};

// A reader's session.
class Reader {
 public:
  virtual ~Reader() = default;

  // Reads up to `max` events of `stream` from version 1 on, in version order, and returns how
  // many it read. Each event's fields are touched, as a caller would.
  virtual Result<size_t> ReadStream(const std::string& stream, size_t max) = 0;
};

// What a full scan of the log saw: the events, and a checksum of their fields so that nothing is
// optimised away (and the stores can be checked to hold the same log).
struct ScanResult {
  uint64_t events = 0;
  uint64_t checksum = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual std::string_view name() const = 0;
  // The version of the engine under the store, e.g. "PostgreSQL 15.18".
  virtual std::string version() const = 0;

  // Empties the store: the next case starts from no events.
  virtual Status Reset() = 0;
  virtual Result<std::unique_ptr<Writer>> NewWriter() = 0;

  // Empties the store and loads `data` in bulk (fast, not per-event durable; not measured), then
  // makes it durable and settles it (the ledger is reopened, PostgreSQL vacuumed and
  // checkpointed, SQLite checkpointed) so that reads and BytesOnDisk() see the steady state.
  virtual Status Load(const Dataset& data) = 0;
  virtual Result<std::unique_ptr<Reader>> NewReader() = 0;

  // Reads the whole log in global order on the calling thread.
  virtual Result<ScanResult> Scan() = 0;

  // The bytes the loaded log takes on disk: files (the ledger, RocksDB, SQLite) or relation
  // sizes (PostgreSQL: table, indexes and TOAST). docs/performance.md says what is counted.
  virtual Result<uint64_t> BytesOnDisk() = 0;
};

// Factories; each returns a ready, empty store. `dir` is a directory the store may own.
// `merkle_tree` false ("ledger-notree"): the same log without its Merkle tree, to measure what the
// tree costs side by side (docs/performance.md).
Result<std::unique_ptr<Store>> OpenLedgerStore(const std::string& dir, bool merkle_tree = true);
// `records` are stored values of ledger events (RecordedEvent::stored_bytes()), one per event of
// the pool: raw RocksDB writes exactly these bytes, the ones the ledger writes for the same events.
Result<std::unique_ptr<Store>> OpenRocksStore(const std::string& dir,
                                              std::vector<std::string> records);
#ifdef LEDGER_BENCH_HAVE_POSTGRES
// `conninfo`: a libpq connection string, e.g. "host=127.0.0.1 port=54321 user=postgres".
// `lock_streams` ("postgres-lock"): each append first takes an advisory lock on its stream.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo, bool lock_streams);
#endif
#ifdef LEDGER_BENCH_HAVE_SQLITE
// `serialize_in_process` ("sqlite-mutex"): writers take a process-wide mutex around their write
// transaction instead of waiting in SQLite's busy handler (which sleeps 1 ms, 2 ms, 5 ms ... and
// polls, so that many writers leave the lock idle while they sleep).
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& dir, bool serialize_in_process);
#endif

}  // namespace bench
