// SQLite through its C API: one database file in WAL mode with synchronous=FULL (the WAL is synced
// at every commit: acknowledged means fsynced), one connection per writer.
//
// An append is BEGIN IMMEDIATE, read the stream's version, check, INSERT, COMMIT. SQLite has one
// writer at a time: BEGIN IMMEDIATE takes the write lock, and a writer that finds it taken waits
// in the busy handler (busy_timeout), which sleeps and polls; or, with serialize_in_process, on a
// process-wide mutex. Either way commits are serial: one fsync per append, no group commit.
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "tools/bench/store.h"

namespace bench {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY,
  stream_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  type TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  occurred_at INTEGER NOT NULL,
  actor_id TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  actor_department TEXT NOT NULL,
  payload BLOB NOT NULL,
  UNIQUE (stream_id, version)
);
)sql";

constexpr const char* kInsert =
    "INSERT INTO events (stream_id, version, type, recorded_at, occurred_at, actor_id, "
    "actor_role, actor_department, payload) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8)";
constexpr const char* kColumns =
    "position, stream_id, version, type, recorded_at, occurred_at, actor_id, actor_role, "
    "actor_department, payload";

using Db = std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)>;
using Stmt = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

Status Error(sqlite3* db, const std::string& what) {
  return Status::Unavailable("SQLite, " + what + ": " + sqlite3_errmsg(db));
}

Status Exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return Error(db, sql);
  return Status::Ok();
}

Result<Db> Connect(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw, &sqlite3_close_v2);
  if (rc != SQLITE_OK) return Error(db.get(), "opening " + path);
  LEDGER_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA journal_mode = WAL"));
  LEDGER_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA synchronous = FULL"));
  LEDGER_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA busy_timeout = 60000"));
  return db;
}

Result<Stmt> Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) !=
      SQLITE_OK)
    return Error(db, "preparing " + sql);
  return Stmt(raw, &sqlite3_finalize);
}

int64_t NowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

void BindEvent(sqlite3_stmt* s, const std::string& stream, int64_t version, const Event& e) {
  sqlite3_bind_text(s, 1, stream.data(), static_cast<int>(stream.size()), SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, version);
  sqlite3_bind_text(s, 3, e.type.data(), static_cast<int>(e.type.size()), SQLITE_STATIC);
  sqlite3_bind_int64(s, 4, NowMicros());
  sqlite3_bind_text(s, 5, e.actor_id.data(), static_cast<int>(e.actor_id.size()), SQLITE_STATIC);
  sqlite3_bind_text(s, 6, e.actor_role.data(), static_cast<int>(e.actor_role.size()),
                    SQLITE_STATIC);
  sqlite3_bind_text(s, 7, e.actor_department.data(), static_cast<int>(e.actor_department.size()),
                    SQLITE_STATIC);
  sqlite3_bind_blob(s, 8, e.payload.data(), static_cast<int>(e.payload.size()), SQLITE_STATIC);
}

// Runs a statement that returns no row (or whose rows are ignored) and resets it.
Status Step(sqlite3* db, sqlite3_stmt* s, const char* what) {
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return Error(db, what);
  return Status::Ok();
}

class SqliteWriter : public Writer {
 public:
  SqliteWriter(Db db, Stmt begin, Stmt version, Stmt insert, Stmt commit, Stmt rollback,
               std::mutex* serialize)
      : db_(std::move(db)),
        begin_(std::move(begin)),
        version_(std::move(version)),
        insert_(std::move(insert)),
        commit_(std::move(commit)),
        rollback_(std::move(rollback)),
        serialize_(serialize) {}

  Result<int> Append(const std::string& stream, int64_t expected, const Event& e) override {
    std::unique_lock<std::mutex> lock;
    if (serialize_ != nullptr) lock = std::unique_lock<std::mutex>(*serialize_);
    LEDGER_RETURN_IF_ERROR(Step(db_.get(), begin_.get(), "BEGIN IMMEDIATE"));
    Status s = InTransaction(stream, expected, e);
    if (!s.ok()) {
      (void)Step(db_.get(), rollback_.get(), "ROLLBACK");
      return s;
    }
    return 0;  // the write lock serialises appends: an "any" append never conflicts
  }

 private:
  Status InTransaction(const std::string& stream, int64_t expected, const Event& e) {
    sqlite3_stmt* v = version_.get();
    sqlite3_bind_text(v, 1, stream.data(), static_cast<int>(stream.size()), SQLITE_STATIC);
    if (sqlite3_step(v) != SQLITE_ROW) {
      sqlite3_reset(v);
      return Error(db_.get(), "reading a version");
    }
    int64_t current = sqlite3_column_int64(v, 0);
    sqlite3_reset(v);
    if (expected != kAnyVersion && current != expected)
      return Status::Aborted("version conflict on stream '" + stream + "'");
    BindEvent(insert_.get(), stream, current + 1, e);
    LEDGER_RETURN_IF_ERROR(Step(db_.get(), insert_.get(), "INSERT"));
    return Step(db_.get(), commit_.get(), "COMMIT");
  }

  Db db_;
  Stmt begin_, version_, insert_, commit_, rollback_;
  std::mutex* const serialize_;
};

class SqliteReader : public Reader {
 public:
  SqliteReader(Db db, Stmt read) : db_(std::move(db)), read_(std::move(read)) {}

  Result<size_t> ReadStream(const std::string& stream, size_t max) override {
    sqlite3_stmt* s = read_.get();
    sqlite3_bind_text(s, 1, stream.data(), static_cast<int>(stream.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, static_cast<int64_t>(max));
    size_t rows = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      sink_ += static_cast<uint64_t>(sqlite3_column_int64(s, 2) + sqlite3_column_bytes(s, 3)) +
               static_cast<uint64_t>(sqlite3_column_bytes(s, 9));
      ++rows;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return Error(db_.get(), "reading a stream");
    return rows;
  }

 private:
  Db db_;
  Stmt read_;
  uint64_t sink_ = 0;
};

class SqliteStore : public Store {
 public:
  SqliteStore(std::string dir, bool serialize)
      : dir_(std::move(dir)), path_(dir_ + "/events.db"), serialize_(serialize) {}

  std::string_view name() const override { return serialize_ ? "sqlite-mutex" : "sqlite"; }
  std::string version() const override { return std::string("SQLite ") + sqlite3_libversion(); }

  Status Reset() override {
    admin_.reset();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    LEDGER_ASSIGN_OR_RETURN(Db db, Connect(path_));
    admin_.emplace(std::move(db));
    return Exec(admin_->get(), kSchema);
  }

  Result<std::unique_ptr<Writer>> NewWriter() override {
    LEDGER_ASSIGN_OR_RETURN(Db db, Connect(path_));
    sqlite3* d = db.get();
    LEDGER_ASSIGN_OR_RETURN(Stmt begin, Prepare(d, "BEGIN IMMEDIATE"));
    LEDGER_ASSIGN_OR_RETURN(
        Stmt version,
        Prepare(d, "SELECT coalesce(max(version), 0) FROM events WHERE stream_id = ?1"));
    LEDGER_ASSIGN_OR_RETURN(Stmt insert, Prepare(d, kInsert));
    LEDGER_ASSIGN_OR_RETURN(Stmt commit, Prepare(d, "COMMIT"));
    LEDGER_ASSIGN_OR_RETURN(Stmt rollback, Prepare(d, "ROLLBACK"));
    return std::unique_ptr<Writer>(
        new SqliteWriter(std::move(db), std::move(begin), std::move(version), std::move(insert),
                         std::move(commit), std::move(rollback), serialize_ ? &mu_ : nullptr));
  }

  Status Load(const Dataset& data) override {
    LEDGER_RETURN_IF_ERROR(Reset());
    sqlite3* d = admin_->get();
    LEDGER_ASSIGN_OR_RETURN(Stmt insert, Prepare(d, kInsert));
    LEDGER_RETURN_IF_ERROR(Exec(d, "BEGIN"));
    for (size_t i = 0; i < data.events(); ++i) {
      std::string stream = data.StreamOf(i);
      BindEvent(insert.get(), stream, static_cast<int64_t>(data.VersionOf(i)), data.EventOf(i));
      LEDGER_RETURN_IF_ERROR(Step(d, insert.get(), "INSERT"));
    }
    LEDGER_RETURN_IF_ERROR(Exec(d, "COMMIT"));
    LEDGER_RETURN_IF_ERROR(Exec(d, "ANALYZE"));
    return Exec(d, "PRAGMA wal_checkpoint(TRUNCATE)");
  }

  Result<std::unique_ptr<Reader>> NewReader() override {
    LEDGER_ASSIGN_OR_RETURN(Db db, Connect(path_));
    LEDGER_ASSIGN_OR_RETURN(Stmt read, Prepare(db.get(), std::string("SELECT ") + kColumns +
                                                             " FROM events WHERE stream_id = ?1"
                                                             " AND version >= 1 ORDER BY version"
                                                             " LIMIT ?2"));
    return std::unique_ptr<Reader>(new SqliteReader(std::move(db), std::move(read)));
  }

  Result<ScanResult> Scan() override {
    LEDGER_ASSIGN_OR_RETURN(Db db, Connect(path_));
    LEDGER_ASSIGN_OR_RETURN(Stmt s, Prepare(db.get(), std::string("SELECT ") + kColumns +
                                                          " FROM events ORDER BY position"));
    ScanResult r;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      ++r.events;
      r.checksum += static_cast<uint64_t>(sqlite3_column_int64(s.get(), 2) +
                                          sqlite3_column_bytes(s.get(), 1));
    }
    if (rc != SQLITE_DONE) return Error(db.get(), "scanning");
    return r;
  }

  Result<uint64_t> BytesOnDisk() override {
    LEDGER_RETURN_IF_ERROR(Exec(admin_->get(), "PRAGMA wal_checkpoint(TRUNCATE)"));
    std::error_code ec;
    uint64_t bytes = std::filesystem::file_size(path_, ec);
    if (ec) return Status::Unavailable("measuring '" + path_ + "': " + ec.message());
    return bytes;
  }

 private:
  const std::string dir_;
  const std::string path_;
  const bool serialize_;
  std::mutex mu_;
  std::optional<Db> admin_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& dir, bool serialize_in_process) {
  auto store = std::make_unique<SqliteStore>(dir, serialize_in_process);
  LEDGER_RETURN_IF_ERROR(store->Reset());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace bench
