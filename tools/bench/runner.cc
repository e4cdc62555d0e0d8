#include "tools/bench/runner.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// What one writer thread did.
struct WriterLog {
  uint64_t appends = 0;
  uint64_t conflicts = 0;
  std::vector<float> latency_us;
  Status failure;
};

void WriterLoop(Writer& writer, const EventPool& pool, const AppendCase& c, int w,
                Clock::time_point deadline, WriterLog& out) {
  std::string stream =
      c.hot ? "hot-" + std::to_string(w % c.hot_streams) : "own-" + std::to_string(w);
  int64_t version = 0;
  size_t next_event = static_cast<size_t>(w) * 7919;
  out.latency_us.reserve(1 << 16);
  for (;;) {
    Clock::time_point start = Clock::now();
    if (start >= deadline) return;
    Result<int> r = writer.Append(stream, c.hot ? kAnyVersion : version, pool.at(next_event++));
    if (!r.ok()) {
      out.failure = r.status();
      return;
    }
    ++version;
    ++out.appends;
    out.conflicts += static_cast<uint64_t>(*r);
    out.latency_us.push_back(static_cast<float>(Seconds(Clock::now() - start) * 1e6));
  }
}

double Percentile(std::vector<float>& v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(i), v.end());
  return v[i];
}

}  // namespace

Result<AppendStats> RunAppends(Store& store, const EventPool& pool, const AppendCase& c) {
  LEDGER_RETURN_IF_ERROR(store.Reset());
  std::vector<std::unique_ptr<Writer>> writers;
  for (int w = 0; w < c.writers; ++w) {
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<Writer> writer, store.NewWriter());
    writers.push_back(std::move(writer));
  }
  std::vector<WriterLog> logs(static_cast<size_t>(c.writers));
  std::latch ready(c.writers + 1);
  std::atomic<Clock::rep> deadline_ticks{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < c.writers; ++w) {
    threads.emplace_back([&, w] {
      ready.arrive_and_wait();
      Clock::time_point deadline{Clock::duration(deadline_ticks.load())};
      WriterLoop(*writers[static_cast<size_t>(w)], pool, c, w, deadline,
                 logs[static_cast<size_t>(w)]);
    });
  }
  Clock::time_point start = Clock::now();
  deadline_ticks = (start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(c.seconds)))
                       .time_since_epoch()
                       .count();
  ready.arrive_and_wait();
  for (std::thread& t : threads) t.join();
  AppendStats stats;
  stats.seconds = Seconds(Clock::now() - start);
  std::vector<float> latencies;
  for (WriterLog& log : logs) {
    LEDGER_RETURN_IF_ERROR(log.failure);
    stats.appends += log.appends;
    stats.conflicts += log.conflicts;
    latencies.insert(latencies.end(), log.latency_us.begin(), log.latency_us.end());
  }
  stats.p50_us = Percentile(latencies, 0.50);
  stats.p99_us = Percentile(latencies, 0.99);
  stats.latency_us = std::move(latencies);
  return stats;
}

void AppendStats::Add(AppendStats other) {
  appends += other.appends;
  conflicts += other.conflicts;
  seconds += other.seconds;
  latency_us.insert(latency_us.end(), other.latency_us.begin(), other.latency_us.end());
  p50_us = Percentile(latency_us, 0.50);
  p99_us = Percentile(latency_us, 0.99);
}

namespace {

Result<ReadStats> ReadRandomStreams(Reader& reader, const Dataset& data, double seconds,
                                    uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, data.streams() - 1);
  ReadStats stats;
  Clock::time_point start = Clock::now();
  Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (Clock::now() < deadline) {
    LEDGER_ASSIGN_OR_RETURN(
        size_t n, reader.ReadStream(Dataset::StreamName(pick(rng)), data.stream_events()));
    if (n < data.stream_events()) return Status::Internal("a stream of the data set is short");
    ++stats.reads;
    stats.events += n;
  }
  stats.seconds = Seconds(Clock::now() - start);
  return stats;
}

}  // namespace

Result<ReadStats> RunStreamReads(Store& store, const Dataset& data, double seconds) {
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<Reader> reader, store.NewReader());
  LEDGER_RETURN_IF_ERROR(ReadRandomStreams(*reader, data, seconds, 7).status());  // warm-up
  return ReadRandomStreams(*reader, data, seconds, 42);
}

Result<ScanStats> RunScan(Store& store, int repeats) {
  ScanStats best;
  for (int i = 0; i < std::max(repeats, 1); ++i) {
    Clock::time_point start = Clock::now();
    LEDGER_ASSIGN_OR_RETURN(ScanResult r, store.Scan());
    double seconds = Seconds(Clock::now() - start);
    if (i == 0 || seconds < best.seconds) best = {r.events, r.checksum, seconds};
  }
  return best;
}

Result<double> MeasureFdatasync(const std::string& dir, int count) {
  std::string path = dir + "/fdatasync-probe";
  int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
  if (fd < 0) return Status::Unavailable("cannot create " + path);
  std::vector<char> block(4096, 'x');
  Clock::time_point start = Clock::now();
  bool ok = true;
  for (int i = 0; i < count && ok; ++i) {
    ok = ::pwrite(fd, block.data(), block.size(), static_cast<off_t>(i) * 4096) ==
             static_cast<ssize_t>(block.size()) &&
         ::fdatasync(fd) == 0;
  }
  double us = Seconds(Clock::now() - start) * 1e6 / std::max(count, 1);
  ::close(fd);
  ::unlink(path.c_str());
  if (!ok) return Status::Unavailable("write or fdatasync failed in " + dir);
  return us;
}

}  // namespace bench
