// projection_bench: the projections over a big generated ledger (docs/performance.md,
// "Projections"). Two steps, so that the second's peak memory is the projections' alone:
//
//   projection_bench generate --data DIR --complaints 1000000   # the demo generator, real rules
//   projection_bench settle --data DIR                          # (generate does it too)
//   projection_bench measure --data DIR [--out FILE]            # what the issue asks, one table
//   projection_bench rebuild --data DIR [--repeat N] [--log-order]  # the rebuild alone, N times
//
// `measure` opens the ledger read-only and reports, on one thread:
//   - a full rebuild of every projection (projections::FoldLog, as the runner does it: stream by
//     stream from the stream index's copies), events/s, against the plain scan of the same copies
//     in the same order in the same run (EventLog::ForEachByStream doing nothing: the floor);
//   - the as-of state of one complaint (read its stream, fold it, derive clocks and fines at a
//     random business time in its life), latency p50/p99 over many random complaints;
//   - a month's fine tally with its line items: by evaluating every complaint (FinesQuery, median
//     of several runs, against the time it takes merely to copy those line items), and from the
//     kept fine index (FineIndex, what GET /v1/fines answers from: its first query of the month,
//     then warm queries of a page of 1,000 lines, and a query a day later);
//   - the process's peak resident memory after all of it (getrusage), and the resident memory
//     before the rebuild, so the difference is the projections' own;
//   - last, the same fold in the log's order against a plain scan of the log, which must give
//     the rebuild's digest.
#include <malloc.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>

#include "ledger/base/sym.h"
#include "ledger/domain/policy_store.h"
#include "ledger/log/event_log.h"
#include "projections/fine_index.h"
#include "projections/ledger_projection.h"
#include "projections/queries.h"
#include "projections/runner.h"
#include "projections/tracked.h"
#include "tools/bench/rocks_settle.h"
#include "tools/demo/demo_ledger.h"

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace domain = ledger::domain;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;
}

double CurrentRssMiB() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// Bytes the allocator has handed out and not had back (what the process's objects hold).
double HeapInUseMiB() {
  struct mallinfo2 m = mallinfo2();
  return double(m.uordblks + m.hblkhd) / (1024.0 * 1024.0);
}

void Fail(const std::string& what) {
  std::fprintf(stderr, "projection_bench: %s\n", what.c_str());
  std::exit(1);
}

// Reads are measured on the shape RocksDB keeps by itself, not on a bulk load's backlog: waits
// for the compactions the load left, then closes the log.
int SettleAndClose(ledger::EventLog& log) {
  auto start = Clock::now();
  if (!WaitForSettled(log.db(), std::chrono::seconds(1800)).ok()) Fail("not settled");
  std::printf("compactions settled in %.1f s\n", Seconds(start));
  return log.Close().ok() ? 0 : 1;
}

int Generate(const std::string& dir, int64_t complaints, uint64_t seed) {
  demo::GeneratorOptions options;
  options.complaints = complaints;
  options.seed = seed;
  auto start = Clock::now();
  options.progress = [start](int64_t done, int64_t total) {
    if (done % 50000 == 0 || done == total)
      std::fprintf(stderr, "  %lld / %lld complaints, %.0f s\n", (long long)done, (long long)total,
                   Seconds(start));
  };
  auto ledger = demo::DemoLedger::Create(dir, options);
  if (!ledger.ok()) Fail(ledger.status().ToString());
  auto stats = (*ledger)->Generate();
  if (!stats.ok()) Fail(stats.status().ToString());
  std::printf("generated %lld complaints, %llu events in %.1f s\n", (long long)stats->complaints,
              (unsigned long long)stats->events, Seconds(start));
  return SettleAndClose((*ledger)->log());
}

// Opens a ledger generated before `generate` settled it, and waits for its compactions.
int Settle(const std::string& dir) {
  auto log = ledger::EventLog::Open(dir, ledger::Options{});
  if (!log.ok()) Fail(log.status().ToString());
  return SettleAndClose(**log);
}

struct Percentiles {
  double p50 = 0, p99 = 0, max = 0;
};
Percentiles Of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, size_t(q * double(v.size())))]; };
  return {at(0.50), at(0.99), v.back()};
}

// A generated ledger, opened read-only, with its policies loaded.
struct ReadOnlyLedger {
  std::unique_ptr<ledger::EventLog> log;
  std::unique_ptr<domain::PolicyStore> policies;
};

ReadOnlyLedger OpenReadOnly(const std::string& dir) {
  ledger::Options options;
  options.read_only = true;
  options.create_if_missing = false;
  auto log = ledger::EventLog::Open(dir, options);
  if (!log.ok()) Fail(log.status().ToString());
  ReadOnlyLedger opened{std::move(log).value(), nullptr};
  opened.policies = std::make_unique<domain::PolicyStore>(opened.log.get());
  if (!opened.policies->Load().ok()) Fail("cannot load the policies");
  return opened;
}

// What the steps of one `measure` run share: the ledger, its policies, and the table so far.
struct MeasureRun {
  ledger::EventLog& log;
  projections::PolicyLookup lookup;
  const domain::Policy& current;
  uint64_t head;
  ledger::Time now;
  std::string report;

  // Prints a row of the table at once (a long run shows its progress) and keeps it for --out.
  void Line(const std::string& s) {
    std::printf("%s\n", s.c_str());
    std::fflush(stdout);
    report += s + "\n";
  }
};

double Median(const std::vector<double>& v) { return Of(v).p50; }

// The plain scans a fold is compared with.
struct Floors {
  uint64_t scanned = 0;  // events, in the log's order
  double scan_s = 0;
  uint64_t scanned_by_stream = 0;  // events, stream by stream
  double scan_by_stream_s = 0;
};

// The process's memory around the rebuild, for the memory row.
struct RebuildMemory {
  double rss_before = 0, heap_before = 0;
  double rss_after = 0, heap_after = 0;
  ledger::SymPoolStats pool;  // the interned texts, part of the above
};

// 1. The floors: scan the log, decode each event, do nothing; in the log's order, and stream by
// stream from the stream index's copies (the order a rebuild folds in).
Floors ScanFloors(MeasureRun& run) {
  Floors f;
  auto t0 = Clock::now();
  if (!run.log
           .ForEachBatch(1, run.head, 256,
                         [&](std::span<const ledger::RecordedEvent> events) {
                           for (const ledger::RecordedEvent& e : events)
                             f.scanned += e.position() != 0;
                           return ledger::Status::Ok();
                         })
           .ok())
    Fail("scan failed");
  f.scan_s = Seconds(t0);
  t0 = Clock::now();
  ledger::Head scan_head;
  if (!run.log
           .ForEachByStream(
               256,
               [&](std::span<const ledger::RecordedEvent> events) {
                 for (const ledger::RecordedEvent& e : events)
                   f.scanned_by_stream += e.position() != 0;
                 return ledger::Status::Ok();
               },
               &scan_head)
           .ok())
    Fail("scan by stream failed (a ledger generated in format 1? generate it again)");
  f.scan_by_stream_s = Seconds(t0);
  return f;
}

// 2. Full rebuild, as the runner does it (projections::FoldLog): stream by stream.
ledger::Result<projections::LedgerProjection> TimeRebuild(MeasureRun& run, const Floors& floors,
                                                          RebuildMemory& memory) {
  memory.rss_before = CurrentRssMiB();
  memory.heap_before = HeapInUseMiB();
  auto t0 = Clock::now();
  auto rebuilt = projections::FoldLog(run.log, run.lookup, run.current);
  if (!rebuilt.ok()) Fail("rebuild failed: " + rebuilt.status().ToString());
  const double rebuild_s = Seconds(t0);
  memory.rss_after = CurrentRssMiB();
  memory.heap_after = HeapInUseMiB();
  memory.pool = ledger::SymPool();
  char buf[512];
  std::snprintf(buf, sizeof buf, "| ledger | %llu events, %zu complaints |",
                (unsigned long long)run.head, rebuilt->complaints().size());
  run.Line(buf);
  std::snprintf(
      buf, sizeof buf,
      "| full rebuild of all projections, one core | %.0f events/s (%.1f s), stream by stream | "
      "scan alone, stream by stream: %.0f events/s (%.1f s); rebuild / scan = %.2fx |",
      double(run.head) / rebuild_s, rebuild_s,
      double(floors.scanned_by_stream) / floors.scan_by_stream_s, floors.scan_by_stream_s,
      floors.scan_by_stream_s / rebuild_s);
  run.Line(buf);
  return rebuilt;
}

// 3. The as-of state of one complaint at a random business time of its life.
void TimeAsOfReads(MeasureRun& run, const projections::LedgerProjection& p, int samples) {
  std::vector<const std::string*> ids;
  for (const auto& [id, t] : p.complaints())
    if (id.rfind("CMP-", 0) == 0) ids.push_back(&id);
  std::mt19937_64 rng(7);
  std::vector<double> latencies, reads;  // the whole read, and its reading of the stream alone
  for (int i = 0; i < samples; ++i) {
    const std::string& id = *ids[rng() % ids.size()];
    const domain::ComplaintState& s = p.Find(id)->state;
    ledger::Time from = s.intake.at,
                 to = std::max(s.last_recorded_at, from + std::chrono::hours(1));
    ledger::Time as_of = from + ledger::Duration(int64_t(rng() % uint64_t((to - from).count())));
    auto q0 = Clock::now();
    auto events = run.log.ReadStreamForward(id, 1, 100000);
    if (!events.ok()) Fail("read failed");
    reads.push_back(Seconds(q0) * 1e3);
    auto tracked =
        projections::FoldTracked(id, *events, run.lookup, run.current, {as_of, std::nullopt});
    if (!tracked.ok()) Fail("fold failed");
    projections::Derived d = projections::Derive(*tracked, run.lookup, run.current, as_of);
    latencies.push_back(Seconds(q0) * 1e3);
    if (d.clocks.empty()) Fail("no clocks");
  }
  Percentiles asof = Of(latencies), asof_reads = Of(reads);
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "| as-of state of one complaint (%d random) | p50 %.3f ms, p99 %.3f ms, max %.3f "
                "ms | reading the stream alone: p50 %.3f ms, p99 %.3f ms |",
                samples, asof.p50, asof.p99, asof.max, asof_reads.p50, asof_reads.p99);
  run.Line(buf);
}

// 4a. The reference fine tally: every complaint that may accrue in the month evaluated, every
// line built and sorted, as ledgerctl and as-of/known-at/what-if reads do.
void TimeFineReference(MeasureRun& run, const projections::Scope& scope) {
  for (const char* month : {"2026-09", "2026-11"}) {
    projections::Period m = *projections::ParsePeriod(month, run.current.calendar.utc_offset);
    std::vector<double> runs, copies;
    size_t lines = 0;
    for (int i = 0; i < 3; ++i) {
      auto q0 = Clock::now();
      projections::FinesReport r = projections::FinesQuery(scope, m, "", "");
      runs.push_back(Seconds(q0) * 1e3);
      lines = r.lines.size();
      // The floor of any answer that hands every line item out by value: copying them.
      q0 = Clock::now();
      std::vector<ledger::domain::FineLine> copy = r.lines;
      copies.push_back(Seconds(q0) * 1e3);
      if (copy.size() != lines) Fail("copy");
    }
    char buf[512];
    std::snprintf(
        buf, sizeof buf,
        "| fine tally of %s with every line item, evaluating every complaint (the reference) | "
        "%.1f ms median of 3 (%zu lines) | copying those line items alone: %.1f ms |",
        month, Median(runs), lines, Median(copies));
    run.Line(buf);
  }
}

// 4b. A month from the kept fine index (GET /v1/fines at the current time): its first query of
// the month indexes it; later ones cost the month's lines and the changes since (here: none).
void TimeFineIndexMonth(MeasureRun& run, const projections::Scope& scope,
                        projections::FineIndex& index, const char* month) {
  projections::Period m = *projections::ParsePeriod(month, run.current.calendar.utc_offset);
  projections::FineQuery q{m, "", "", "", 1000};
  auto timed = [&](const projections::Scope& at, const projections::FineQuery& query,
                   projections::FinePage* out) {
    auto q0 = Clock::now();
    auto page = index.Query(at, query);
    double ms = Seconds(q0) * 1e3;
    if (!page.ok()) Fail(page.status().ToString());
    if (out) *out = std::move(*page);
    return ms;
  };
  projections::FinePage first;
  const uint64_t evaluated_before = index.stats().evaluations;
  const double cold = timed(scope, q, &first);
  const uint64_t indexed = index.stats().evaluations - evaluated_before;
  std::vector<double> warm, later, filtered;
  for (int i = 0; i < 7; ++i) warm.push_back(timed(scope, q, nullptr));
  projections::FineQuery second = q;
  second.cursor = first.next_cursor;
  for (int i = 0; i < 7; ++i) later.push_back(timed(scope, second, nullptr));
  projections::FineQuery by_department = q;
  by_department.department =
      first.report.by_department.empty() ? "" : first.report.by_department.begin()->first;
  for (int i = 0; i < 7; ++i) filtered.push_back(timed(scope, by_department, nullptr));
  char buf[512];
  std::snprintf(
      buf, sizeof buf,
      "| fine tally of %s with a page of 1,000 line items, from the fine index | %.1f ms median "
      "of 7 (%zu lines in the month; next page %.1f ms; one department's %.1f ms) | its first "
      "query indexed the month: %.0f ms, %llu complaints evaluated |",
      month, Median(warm), first.line_count, Median(later), Median(filtered), cold,
      (unsigned long long)indexed);
  run.Line(buf);
}

// 4c. A day later: the complaints whose deadlines or overdue periods passed are re-evaluated.
void TimeFineIndexNextDay(MeasureRun& run, const projections::LedgerProjection& p,
                          projections::FineIndex& index) {
  projections::Scope next_day{p, run.lookup, run.current, run.now + std::chrono::hours(24)};
  projections::FineQuery q{*projections::ParsePeriod("2026-11", run.current.calendar.utc_offset),
                           "", "", "", 1000};
  const uint64_t evaluated_before = index.stats().evaluations;
  auto q0 = Clock::now();
  auto page = index.Query(next_day, q);
  const double ms = Seconds(q0) * 1e3;
  if (!page.ok()) Fail(page.status().ToString());
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "| the same a day later (2026-11) | %.1f ms (%llu complaints re-evaluated: "
                "deadlines and overdue days that passed) | |",
                ms, (unsigned long long)(index.stats().evaluations - evaluated_before));
  run.Line(buf);
}

// 4. A month's fine tally with its line items, evaluated at the demo's "now": the reference
// against the kept fine index, then the index's size.
void TimeFineTallies(MeasureRun& run, const projections::LedgerProjection& p,
                     projections::FineIndex& index) {
  projections::Scope scope{p, run.lookup, run.current, run.now};
  TimeFineReference(run, scope);
  const double heap_before_index = HeapInUseMiB();
  for (const char* month : {"2026-09", "2026-11"}) TimeFineIndexMonth(run, scope, index, month);
  TimeFineIndexNextDay(run, p, index);
  projections::FineIndex::Stats stats = index.stats();
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "| fine index size | %zu complaints, %zu lines kept: %.0f MiB of heap | |",
                stats.complaints, stats.lines, HeapInUseMiB() - heap_before_index);
  run.Line(buf);
}

// The memory row, before the fold in log order: the peak must be the rebuild's and the reads',
// not that fold's.
void ReportMemory(MeasureRun& run, const RebuildMemory& m) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "| memory | peak RSS %.0f MiB; RSS before the rebuild %.0f MiB, after %.0f MiB "
                "(projections ~%.0f MiB) | heap in use by the projections: %.0f MiB, of which "
                "interned texts %.0f MiB (%zu distinct) |",
                PeakRssMiB(), m.rss_before, m.rss_after, m.rss_after - m.rss_before,
                m.heap_after - m.heap_before, m.pool.bytes / 1048576.0, m.pool.texts);
  run.Line(buf);
}

// 5. For comparison, last (its memory is not the rebuild's): the same fold in the log's order,
// where every event touches another complaint, and must be equal. Frees the rebuild first.
void TimeFoldInLogOrder(MeasureRun& run, ledger::Result<projections::LedgerProjection>& rebuilt,
                        const Floors& floors) {
  const std::string digest = rebuilt->Digest();
  rebuilt = projections::LedgerProjection();
  auto t0 = Clock::now();
  auto in_log_order = projections::FoldLogInOrder(run.log, run.lookup, run.current, run.head);
  if (!in_log_order.ok()) Fail("the fold in log order failed: " + in_log_order.status().ToString());
  const double log_order_s = Seconds(t0);
  if (in_log_order->Digest() != digest) Fail("the fold in log order differs from the rebuild");
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "| the same fold in the log's order (equal digest) | %.0f events/s (%.1f s) | scan "
                "alone, log order: %.0f events/s (%.1f s); fold / scan = %.2fx |",
                double(run.head) / log_order_s, log_order_s, double(floors.scanned) / floors.scan_s,
                floors.scan_s, floors.scan_s / log_order_s);
  run.Line(buf);
}

int Measure(const std::string& dir, const std::string& out_path, int samples) {
  ReadOnlyLedger opened = OpenReadOnly(dir);
  domain::PolicyStore& policies = *opened.policies;
  MeasureRun run{*opened.log,
                 [&](uint32_t v) { return policies.ForVersion(v); },
                 *policies.current(),
                 opened.log->GetHead().position,
                 demo::DefaultDemoEnd(),
                 ""};
  if (run.head == 0) Fail("the ledger in " + dir + " is empty: generate it first");
  const Floors floors = ScanFloors(run);
  RebuildMemory memory;
  auto rebuilt = TimeRebuild(run, floors, memory);
  TimeAsOfReads(run, *rebuilt, samples);
  // Owned here: its lines stay on the heap through the fold in log order, as a server keeps both.
  projections::FineIndex index;
  TimeFineTallies(run, *rebuilt, index);
  ReportMemory(run, memory);
  TimeFoldInLogOrder(run, rebuilt, floors);
  if (!out_path.empty()) std::ofstream(out_path) << run.report;
  return 0;
}

// Only the full rebuild, `repeat` times (for profiling and A/B runs): events/s of each. With
// `log_order`, the fold in the log's order instead of stream by stream. Only the first is like
// a restart's rebuild: later ones find their texts already interned by the one before.
int RebuildOnly(const std::string& dir, int repeat, bool log_order) {
  ReadOnlyLedger opened = OpenReadOnly(dir);
  domain::PolicyStore& policies = *opened.policies;
  projections::PolicyLookup lookup = [&](uint32_t v) { return policies.ForVersion(v); };
  const uint64_t head = opened.log->GetHead().position;
  for (int i = 0; i < repeat; ++i) {
    auto t0 = Clock::now();
    auto rebuilt = log_order
                       ? projections::FoldLogInOrder(*opened.log, lookup, *policies.current(), head)
                       : projections::FoldLog(*opened.log, lookup, *policies.current());
    if (!rebuilt.ok()) Fail("rebuild failed: " + rebuilt.status().ToString());
    const double s = Seconds(t0);
    std::printf("rebuild %d: %.0f events/s (%.1f s), %zu complaints\n", i + 1, double(head) / s, s,
                rebuilt->complaints().size());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  CLI::App app{"projection_bench: the projections over a big generated ledger"};
  app.require_subcommand(1);
  std::string dir;
  int64_t complaints = 999999;
  uint64_t seed = 1;
  std::string out;
  int samples = 2000;
  auto* gen = app.add_subcommand("generate", "generate a demo ledger of --complaints complaints");
  gen->add_option("--data", dir, "the ledger directory (must not hold one)")->required();
  gen->add_option("--complaints", complaints, "complaints to generate")->capture_default_str();
  gen->add_option("--seed", seed, "the demo seed")->capture_default_str();
  auto* settle =
      app.add_subcommand("settle", "wait for a generated ledger's compactions to finish");
  settle->add_option("--data", dir, "the ledger directory")->required();
  auto* measure =
      app.add_subcommand("measure", "measure rebuild, as-of reads, fine tallies, memory");
  measure->add_option("--data", dir, "the ledger directory")->required();
  measure->add_option("--out", out, "also write the table rows here");
  measure->add_option("--samples", samples, "as-of reads to time")->capture_default_str();
  int repeat = 3;
  auto* rebuild = app.add_subcommand("rebuild", "time the full rebuild alone, --repeat times");
  rebuild->add_option("--data", dir, "the ledger directory")->required();
  rebuild->add_option("--repeat", repeat, "rebuilds to time")->capture_default_str();
  bool log_order = false;
  rebuild->add_flag("--log-order", log_order, "fold in the log's order, not stream by stream");
  CLI11_PARSE(app, argc, argv);
  try {
    if (gen->parsed()) return bench::Generate(dir, complaints, seed);
    if (settle->parsed()) return bench::Settle(dir);
    if (rebuild->parsed()) return bench::RebuildOnly(dir, repeat, log_order);
    return bench::Measure(dir, out, samples);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "projection_bench: %s\n", e.what());
    return 70;
  }
}
