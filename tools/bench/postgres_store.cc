// PostgreSQL through libpq: one connection per writer, prepared statements, binary results.
//
// The log is a table with a bigserial global position and UNIQUE (stream_id, version). An append
// is one call of a PL/pgSQL function (one round trip, one transaction, as message-db's
// write_message does): it reads the stream's version, checks the expectation and inserts the next
// version. Two "any" appends to one stream that read the same version collide on the unique
// index; the loser gets unique_violation and the writer retries (counted). The "postgres-lock"
// variant first takes a transaction-scoped advisory lock on the stream (as message-db does), so
// appends to one stream queue instead of colliding. With the server's
// synchronous_commit=on and fsync=on (run.sh starts it so), COMMIT returns after the WAL is
// flushed: acknowledged means fsynced, as in the ledger. PostgreSQL groups concurrent WAL flushes
// by itself.
#include <libpq-fe.h>

#include <cstring>
#include <memory>

#include "tools/bench/store.h"

namespace bench {
namespace {

constexpr const char* kSchema = R"sql(
DROP TABLE IF EXISTS events;
CREATE TABLE events (
  position bigserial PRIMARY KEY,
  stream_id text NOT NULL,
  version bigint NOT NULL,
  type text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  actor_id text NOT NULL,
  actor_role text NOT NULL,
  actor_department text NOT NULL,
  payload bytea NOT NULL,
  UNIQUE (stream_id, version)
);
CREATE OR REPLACE FUNCTION bench_append(s text, expected bigint, t text, aid text, arole text,
                                        adept text, p bytea) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  cur bigint;
  pos bigint;
BEGIN
  SELECT coalesce(max(version), 0) INTO cur FROM events WHERE stream_id = s;
  IF expected >= 0 AND cur <> expected THEN
    RAISE EXCEPTION 'version conflict on stream %: expected %, actual version %', s, expected,
      cur USING ERRCODE = 'serialization_failure';
  END IF;
  INSERT INTO events (stream_id, version, type, actor_id, actor_role, actor_department, payload)
    VALUES (s, cur + 1, t, aid, arole, adept, p) RETURNING position INTO pos;
  RETURN pos;
END $$;
CREATE OR REPLACE FUNCTION bench_append_locked(s text, expected bigint, t text, aid text,
                                               arole text, adept text, p bytea) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(s));
  RETURN bench_append(s, expected, t, aid, arole, adept, p);
END $$;
)sql";

constexpr const char* kColumns =
    "position, stream_id, version, type, recorded_at, occurred_at, actor_id, actor_role, "
    "actor_department, payload";

using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

Status Error(PGconn* c, const char* what) {
  return Status::Unavailable(std::string("PostgreSQL, ") + what + ": " + PQerrorMessage(c));
}

// Runs `sql` (one or more statements without parameters); OK when the last one succeeded.
Status Exec(PGconn* c, const char* sql) {
  PgResult r(PQexec(c, sql), &PQclear);
  ExecStatusType s = PQresultStatus(r.get());
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) return Error(c, sql);
  return Status::Ok();
}

Result<Conn> Connect(const std::string& conninfo) {
  Conn c(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK) return Error(c.get(), "connecting");
  LEDGER_RETURN_IF_ERROR(Exec(c.get(), "SET client_min_messages = warning"));
  return c;
}

Status Prepare(PGconn* c, const char* name, const std::string& sql, int params) {
  PgResult r(PQprepare(c, name, sql.c_str(), params, nullptr), &PQclear);
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return Error(c, name);
  return Status::Ok();
}

uint64_t BigEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

class PgWriter : public Writer {
 public:
  explicit PgWriter(Conn conn) : conn_(std::move(conn)) {}

  Result<int> Append(const std::string& stream, int64_t expected, const Event& e) override {
    std::string exp = std::to_string(expected);
    const char* values[] = {stream.c_str(),     exp.c_str(),          e.type.c_str(),
                            e.actor_id.c_str(), e.actor_role.c_str(), e.actor_department.c_str(),
                            e.payload.data()};
    const int lengths[] = {0, 0, 0, 0, 0, 0, static_cast<int>(e.payload.size())};
    const int formats[] = {0, 0, 0, 0, 0, 0, 1};
    for (int retries = 0;; ++retries) {
      PgResult r(PQexecPrepared(conn_.get(), "append", 7, values, lengths, formats, 0), &PQclear);
      if (PQresultStatus(r.get()) == PGRES_TUPLES_OK) return retries;
      const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
      bool duplicate = state != nullptr && std::strcmp(state, "23505") == 0;
      if (!duplicate || expected != kAnyVersion) return Error(conn_.get(), "appending");
    }
  }

 private:
  Conn conn_;
};

class PgReader : public Reader {
 public:
  explicit PgReader(Conn conn) : conn_(std::move(conn)) {}

  Result<size_t> ReadStream(const std::string& stream, size_t max) override {
    std::string limit = std::to_string(max);
    const char* values[] = {stream.c_str(), "1", limit.c_str()};
    PgResult r(PQexecPrepared(conn_.get(), "read_stream", 3, values, nullptr, nullptr, 1),
               &PQclear);
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return Error(conn_.get(), "reading");
    int rows = PQntuples(r.get());
    for (int i = 0; i < rows; ++i)
      sink_ += BigEndian64(PQgetvalue(r.get(), i, 2)) + PQgetlength(r.get(), i, 3);
    return static_cast<size_t>(rows);
  }

 private:
  Conn conn_;
  uint64_t sink_ = 0;
};

class PgStore : public Store {
 public:
  PgStore(std::string conninfo, Conn admin, bool lock_streams)
      : conninfo_(std::move(conninfo)), admin_(std::move(admin)), lock_streams_(lock_streams) {}

  std::string_view name() const override { return lock_streams_ ? "postgres-lock" : "postgres"; }
  std::string version() const override {
    return std::string("PostgreSQL ") + PQparameterStatus(admin_.get(), "server_version");
  }

  Status CreateSchema() { return Exec(admin_.get(), kSchema); }

  Status Reset() override {
    LEDGER_RETURN_IF_ERROR(Exec(admin_.get(), "TRUNCATE events RESTART IDENTITY"));
    return Exec(admin_.get(), "CHECKPOINT");
  }

  Result<std::unique_ptr<Writer>> NewWriter() override {
    LEDGER_ASSIGN_OR_RETURN(Conn c, Connect(conninfo_));
    LEDGER_RETURN_IF_ERROR(Prepare(c.get(), "append",
                                   lock_streams_
                                       ? "SELECT bench_append_locked($1, $2, $3, $4, $5, $6, $7)"
                                       : "SELECT bench_append($1, $2, $3, $4, $5, $6, $7)",
                                   7));
    return std::unique_ptr<Writer>(new PgWriter(std::move(c)));
  }

  Status Load(const Dataset& data) override;

  Result<std::unique_ptr<Reader>> NewReader() override {
    LEDGER_ASSIGN_OR_RETURN(Conn c, Connect(conninfo_));
    LEDGER_RETURN_IF_ERROR(Prepare(c.get(), "read_stream",
                                   std::string("SELECT ") + kColumns +
                                       " FROM events WHERE stream_id = $1 AND version >= $2"
                                       " ORDER BY version LIMIT $3",
                                   3));
    return std::unique_ptr<Reader>(new PgReader(std::move(c)));
  }

  Result<ScanResult> Scan() override;

  Result<uint64_t> BytesOnDisk() override {
    PgResult r(PQexec(admin_.get(), "SELECT pg_total_relation_size('events')"), &PQclear);
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return Error(admin_.get(), "measuring");
    return std::stoull(PQgetvalue(r.get(), 0, 0));
  }

 private:
  const std::string conninfo_;
  Conn admin_;
  const bool lock_streams_;
};

// Appends one row of COPY's text format to `out`; bytea as \x hex (its backslash escaped).
void CopyRow(const Dataset& data, size_t i, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const Event& e = data.EventOf(i);
  out->append(data.StreamOf(i)).append("\t").append(std::to_string(data.VersionOf(i)));
  out->append("\t").append(e.type).append("\t").append(e.actor_id).append("\t");
  out->append(e.actor_role).append("\t").append(e.actor_department).append("\t\\\\x");
  for (unsigned char ch : e.payload) {
    out->push_back(kHex[ch >> 4]);
    out->push_back(kHex[ch & 15]);
  }
  out->push_back('\n');
}

Status PgStore::Load(const Dataset& data) {
  PGconn* c = admin_.get();
  LEDGER_RETURN_IF_ERROR(Reset());
  PgResult start(PQexec(c,
                        "COPY events (stream_id, version, type, actor_id, actor_role, "
                        "actor_department, payload) FROM STDIN"),
                 &PQclear);
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) return Error(c, "starting COPY");
  std::string chunk;
  for (size_t i = 0; i < data.events(); ++i) {
    CopyRow(data, i, &chunk);
    if (chunk.size() < (1 << 20) && i + 1 < data.events()) continue;
    if (PQputCopyData(c, chunk.data(), static_cast<int>(chunk.size())) != 1)
      return Error(c, "COPY");
    chunk.clear();
  }
  if (PQputCopyEnd(c, nullptr) != 1) return Error(c, "ending COPY");
  PgResult end(PQgetResult(c), &PQclear);
  if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) return Error(c, "COPY");
  while (PGresult* rest = PQgetResult(c)) PQclear(rest);
  LEDGER_RETURN_IF_ERROR(Exec(c, "VACUUM (ANALYZE) events"));
  return Exec(c, "CHECKPOINT");
}

// Keyset pages of 10,000 rows in position order, as a reader of an events table would.
Result<ScanResult> PgStore::Scan() {
  LEDGER_ASSIGN_OR_RETURN(Conn c, Connect(conninfo_));
  LEDGER_RETURN_IF_ERROR(Prepare(c.get(), "scan",
                                 std::string("SELECT ") + kColumns +
                                     " FROM events WHERE position > $1 ORDER BY position"
                                     " LIMIT 10000",
                                 1));
  ScanResult out;
  uint64_t after = 0;
  for (;;) {
    std::string from = std::to_string(after);
    const char* values[] = {from.c_str()};
    PgResult r(PQexecPrepared(c.get(), "scan", 1, values, nullptr, nullptr, 1), &PQclear);
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return Error(c.get(), "scanning");
    int rows = PQntuples(r.get());
    for (int i = 0; i < rows; ++i)
      out.checksum += BigEndian64(PQgetvalue(r.get(), i, 2)) + PQgetlength(r.get(), i, 1);
    out.events += static_cast<uint64_t>(rows);
    if (rows < 10000) return out;
    after = BigEndian64(PQgetvalue(r.get(), rows - 1, 0));
  }
}

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo, bool lock_streams) {
  LEDGER_ASSIGN_OR_RETURN(Conn admin, Connect(conninfo));
  auto store = std::make_unique<PgStore>(conninfo, std::move(admin), lock_streams);
  LEDGER_RETURN_IF_ERROR(store->CreateSchema());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace bench
