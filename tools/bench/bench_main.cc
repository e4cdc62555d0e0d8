// log_bench: the event log against raw RocksDB, PostgreSQL and SQLite (docs/performance.md,
// "Event log"). tools/bench/run.sh is the one command that installs, starts and runs everything;
// this driver only measures. It writes results.md, results.tsv and appends.dat into --out.
#include <sys/utsname.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ledger/log/event_log.h"
#include "tools/bench/report.h"
#include "tools/bench/runner.h"
#include "tools/bench/store.h"

namespace bench {
namespace {

struct Config {
  std::vector<std::string> systems = {"ledger", "rocksdb", "postgres", "sqlite"};
  std::vector<int> writers = {1, 8, 64};
  std::vector<std::string> modes = {"own", "hot"};
  double seconds = 3;
  int rounds = 1;
  size_t hot_streams = 4;
  size_t events = 500000;
  size_t stream_events = 20;
  double read_seconds = 2;
  int scan_repeats = 3;
  size_t payload_bytes = 300;
  std::string dir;
  std::string out = ".";
  std::string pg;
  std::string command;
};

void Log(const std::string& line) {
  std::fprintf(stderr, "log_bench: %s\n", line.c_str());
  std::fflush(stderr);
}

Machine DescribeMachine(const Config& config) {
  Machine m;
  m.cores = std::thread::hardware_concurrency();
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      m.cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  utsname u{};
  if (uname(&u) == 0) m.kernel = std::string(u.sysname) + " " + u.release;
  Result<double> fsync = MeasureFdatasync(config.dir, 2000);
  m.fdatasync_us = fsync.ok() ? *fsync : 0;
  return m;
}

// The stored bytes of the pool's events as the ledger writes them (for raw RocksDB to write).
Result<std::vector<std::string>> LedgerRecords(const EventPool& pool, const std::string& dir) {
  std::filesystem::remove_all(dir);
  ledger::Options options;
  options.durability = ledger::Durability::kBulk;
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<ledger::EventLog> log,
                          ledger::EventLog::Open(dir, options));
  for (size_t i = 0; i < pool.size(); ++i) {
    ledger::AppendRequest r;
    r.stream = Dataset::StreamName(i);
    const Event& e = pool.at(i);
    ledger::NewEvent event;
    event.type = e.type;
    event.payload = e.payload;
    event.actor = {e.actor_id, e.actor_role, e.actor_department};
    r.events.push_back(std::move(event));
    LEDGER_RETURN_IF_ERROR(log->Append(std::move(r)).status());
  }
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events, log->ReadAll(1, pool.size()));
  std::vector<std::string> records;
  for (const ledger::RecordedEvent& e : events) records.push_back(e.stored_bytes());
  LEDGER_RETURN_IF_ERROR(log->Close());
  std::filesystem::remove_all(dir);
  return records;
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& name, const Config& config,
                                         const EventPool& pool) {
  std::string dir = config.dir + "/" + name;
  if (name == "ledger") return OpenLedgerStore(dir);
  if (name == "ledger-notree") return OpenLedgerStore(dir, /*merkle_tree=*/false);
  if (name == "rocksdb") {
    LEDGER_ASSIGN_OR_RETURN(std::vector<std::string> records,
                            LedgerRecords(pool, config.dir + "/records"));
    return OpenRocksStore(dir, std::move(records));
  }
#ifdef LEDGER_BENCH_HAVE_POSTGRES
  if (name == "postgres" || name == "postgres-lock") {
    if (config.pg.empty()) return Status::InvalidArgument("postgres needs --pg CONNINFO");
    return OpenPostgresStore(config.pg, /*lock_streams=*/name == "postgres-lock");
  }
#endif
#ifdef LEDGER_BENCH_HAVE_SQLITE
  if (name == "sqlite") return OpenSqliteStore(dir, /*serialize_in_process=*/false);
  if (name == "sqlite-mutex") return OpenSqliteStore(dir, /*serialize_in_process=*/true);
#endif
  return Status::InvalidArgument("unknown system '" + name +
                                 "' (or this build has no support for it)");
}

// Variants that differ from their system only in how writers wait: their reads are the system's.
bool AppendsOnly(const std::string& name) {
  return name == "postgres-lock" || name == "sqlite-mutex";
}

std::string CaseName(const std::string& system, const AppendCase& c) {
  return system + " appends, " + std::to_string(c.writers) + " writers, " +
         (c.hot ? "hot streams" : "own streams");
}

// Every append case, systems interleaved within each case so that they share the machine's moods.
// With several rounds, each system runs the case in `rounds` slices of seconds/rounds, the systems
// taking turns in an order that reverses every round (A B, B A, A B, ...): a slow minute of the
// machine then falls on all of them alike, and none is always first after another's compactions.
Status RunAppendCases(const Config& config, const EventPool& pool,
                      std::vector<std::unique_ptr<Store>>& stores,
                      std::vector<SystemResults>& results) {
  const int rounds = std::max(1, config.rounds);
  for (const std::string& mode : config.modes) {
    for (int writers : config.writers) {
      AppendCase c{mode == "hot", writers, config.seconds / rounds, config.hot_streams};
      std::vector<AppendStats> total(stores.size());
      for (int round = 0; round < rounds; ++round) {
        std::string line;
        for (size_t k = 0; k < stores.size(); ++k) {
          const size_t i = round % 2 == 0 ? k : stores.size() - 1 - k;
          if (rounds == 1) Log(CaseName(results[i].name, c));
          LEDGER_ASSIGN_OR_RETURN(AppendStats stats, RunAppends(*stores[i], pool, c));
          if (rounds == 1)
            Log("  " + std::to_string(static_cast<long>(stats.per_second())) + " events/s");
          line +=
              " " + results[i].name + " " + std::to_string(static_cast<long>(stats.per_second()));
          total[i].Add(std::move(stats));
        }
        if (rounds > 1)
          Log(CaseName("", c).substr(1) + ", round " + std::to_string(round + 1) + "/" +
              std::to_string(rounds) + ":" + line);
      }
      for (size_t i = 0; i < stores.size(); ++i) {
        if (rounds > 1)
          Log(CaseName(results[i].name, c) + ": " +
              std::to_string(static_cast<long>(total[i].per_second())) + " events/s");
        total[i].latency_us = {};
        results[i].appends[{c.hot, writers}] = std::move(total[i]);
      }
    }
  }
  return Status::Ok();
}

Status RunReadCases(const Config& config, const Dataset& data, Store& store, SystemResults& out) {
  Log(out.name + ": loading " + std::to_string(data.events()) + " events");
  LEDGER_RETURN_IF_ERROR(store.Load(data));
  out.loaded_events = data.events();
  LEDGER_ASSIGN_OR_RETURN(out.bytes, store.BytesOnDisk());
  Log(out.name + ": stream reads");
  LEDGER_ASSIGN_OR_RETURN(out.reads, RunStreamReads(store, data, config.read_seconds));
  Log(out.name + ": scans");
  LEDGER_ASSIGN_OR_RETURN(out.scan, RunScan(store, config.scan_repeats));
  if (out.scan->events != data.events())
    return Status::Internal(out.name + " scanned " + std::to_string(out.scan->events) +
                            " events of " + std::to_string(data.events()));
  Log("  " + std::to_string(static_cast<long>(out.scan->per_second())) + " events/s, checksum " +
      std::to_string(out.scan->checksum));
  return store.Reset();  // free the space for the next system
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  f.close();
  if (!f) return Status::Unavailable("cannot write " + path);
  return Status::Ok();
}

Status Run(const Config& config) {
  std::filesystem::create_directories(config.dir);
  std::filesystem::create_directories(config.out);
  Machine machine = DescribeMachine(config);
  Log("fdatasync of 4 KiB: " + std::to_string(machine.fdatasync_us) + " us");
  EventPool pool(4096, config.payload_bytes, 2026);
  std::vector<std::unique_ptr<Store>> stores;
  std::vector<SystemResults> results;
  for (const std::string& name : config.systems) {
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(name, config, pool));
    results.push_back({name, store->version(), {}, {}, {}, {}, 0});
    stores.push_back(std::move(store));
  }
  LEDGER_RETURN_IF_ERROR(RunAppendCases(config, pool, stores, results));
  if (config.events > 0) {
    Dataset data(pool, config.events, config.stream_events);
    for (size_t i = 0; i < stores.size(); ++i) {
      if (AppendsOnly(results[i].name)) continue;
      LEDGER_RETURN_IF_ERROR(RunReadCases(config, data, *stores[i], results[i]));
    }
  }
  RunSettings settings{config.seconds, config.rounds,        config.hot_streams,
                       config.events,  config.stream_events, pool.mean_payload_bytes(),
                       config.command};
  std::string md = MarkdownReport(machine, settings, results);
  std::fputs(md.c_str(), stdout);
  LEDGER_RETURN_IF_ERROR(WriteFile(config.out + "/results.md", md));
  LEDGER_RETURN_IF_ERROR(WriteFile(config.out + "/results.tsv", TsvReport(results)));
  return WriteFile(config.out + "/appends.dat", PlotData(results));
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  bench::Config config;
  CLI::App app{
      "log_bench: durable appends, stream reads, scans and size of the event log "
      "against raw RocksDB, PostgreSQL and SQLite"};
  app.add_option("--dir", config.dir, "a scratch directory for the databases")->required();
  app.add_option("--out", config.out, "where results.md, results.tsv, appends.dat go")
      ->capture_default_str();
  app.add_option("--systems", config.systems,
                 "ledger (first), ledger-notree (the ledger without its Merkle tree), rocksdb, "
                 "postgres, postgres-lock (appends take an advisory "
                 "lock on the stream), sqlite, sqlite-mutex (writers queue on a mutex instead "
                 "of SQLite's busy handler)")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--writers", config.writers, "concurrent writers per case")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--modes", config.modes, "own (own stream each), hot (a few hot streams)")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--seconds", config.seconds, "seconds per append case")->capture_default_str();
  app.add_option("--rounds", config.rounds,
                 "slices each case's seconds into this many rounds, the systems taking turns "
                 "in an order reversed every round")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--hot-streams", config.hot_streams, "streams in the hot case")
      ->capture_default_str();
  app.add_option("--events", config.events, "events in the read data set (0: no reads)")
      ->capture_default_str();
  app.add_option("--stream-events", config.stream_events, "events per stream in the data set")
      ->capture_default_str();
  app.add_option("--read-seconds", config.read_seconds, "seconds of stream reads")
      ->capture_default_str();
  app.add_option("--scan-repeats", config.scan_repeats, "scans (the fastest counts)")
      ->capture_default_str();
  app.add_option("--payload-bytes", config.payload_bytes, "payload size")->capture_default_str();
  app.add_option("--pg", config.pg, "libpq connection string for postgres");
  app.add_option("--command", config.command, "the command to print in the report");
  CLI11_PARSE(app, argc, argv);
  if (config.systems.empty() || config.systems.front() != "ledger") {
    std::fprintf(stderr, "log_bench: --systems must start with ledger\n");
    return 2;
  }
  try {
    bench::Status s = bench::Run(config);
    if (!s.ok()) {
      std::fprintf(stderr, "log_bench: %s\n", s.ToString().c_str());
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "log_bench: internal error: %s\n", e.what());
    return 70;
  }
  return 0;
}
