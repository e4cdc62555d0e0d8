// Crash safety with real processes: a child appends as fast as it can and reports each
// acknowledged append; the parent kills it with SIGKILL at random moments, reopens the ledger and
// checks that every acknowledged event is there, that positions have no holes, and that Verify
// passes. 200 cycles in the normal suite; LEDGER_CRASH_CYCLES=N for a soak, LEDGER_CRASH_SEED=S
// to replay a run.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <sstream>

#include "ledger/log/event_log.h"
#include "testing/temp_dir.h"

namespace ledger {
namespace {

struct Ack {
  uint64_t first = 0, last = 0;
  std::string stream;
  uint64_t last_version = 0;
};

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

// Runs the child until `kill_after_us` has passed (or it dies), SIGKILLs it, returns its acks.
// With `stop_at_first_ack`, kills it as soon as its first ack arrives instead (or at the deadline)
// and sets `first_ack_us` to how long that took.
std::vector<Ack> RunAndKill(const std::string& dir, unsigned seed, int kill_after_us,
                            bool stop_at_first_ack = false, int64_t* first_ack_us = nullptr) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::string s = std::to_string(seed);
    execl(LEDGER_CRASH_CHILD, LEDGER_CRASH_CHILD, dir.c_str(), s.c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  std::string data;
  char buf[65536];
  const auto started = std::chrono::steady_clock::now();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(kill_after_us);
  bool child_alive = true;
  // Read acks until the kill moment (the pipe must not fill up and block the child).
  while (child_alive) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, int(left.count())) > 0) {
      ssize_t n = read(fds[0], buf, sizeof buf);
      if (n <= 0)
        child_alive = false;
      else
        data.append(buf, size_t(n));
      if (stop_at_first_ack && data.find('\n') != std::string::npos) {
        if (first_ack_us)
          *first_ack_us = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
        break;
      }
    }
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "the child ended by itself: status " << status;
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) data.append(buf, size_t(n));
  close(fds[0]);
  std::vector<Ack> acks;
  std::istringstream in(data);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    Ack a;
    if (l >> a.first >> a.last >> a.stream >> a.last_version) acks.push_back(a);
  }
  return acks;
}

TEST(CrashTest, EveryAcknowledgedEventSurvivesSigkill) {
  const uint64_t cycles = EnvOr("LEDGER_CRASH_CYCLES", 200);
  const unsigned seed = unsigned(EnvOr("LEDGER_CRASH_SEED", 20261124));
  std::mt19937 rng(seed);
  // A fresh ledger every kCyclesPerLedger cycles keeps each Verify short.
  constexpr uint64_t kCyclesPerLedger = 25;
  std::unique_ptr<testing_util::TempDir> dir;
  uint64_t total_acked = 0, max_acked = 0;
  // How long the child takes to open a ledger and acknowledge its first append on this build and
  // machine (a sanitizer build or a loaded machine takes many times longer): the kill moments are
  // spread over that time plus 120 ms, so some cycles kill it during open or recovery and the
  // rest while it appends, whatever the build.
  int64_t startup_us = 0;
  {
    testing_util::TempDir probe;
    RunAndKill(probe.path(), seed, 30'000'000, /*stop_at_first_ack=*/true, &startup_us);
    ASSERT_GT(startup_us, 0) << "the child acknowledged nothing in 30 s";
  }
  for (uint64_t cycle = 0; cycle < cycles; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle) + " seed " + std::to_string(seed));
    if (cycle % kCyclesPerLedger == 0) {
      dir = std::make_unique<testing_util::TempDir>();
      max_acked = 0;
    }
    int kill_after_us = int(rng() % uint64_t(startup_us + 120000));
    std::vector<Ack> acks = RunAndKill(dir->path(), unsigned(rng()), kill_after_us);
    total_acked += acks.size();

    auto log = EventLog::Open(dir->path(), Options{});
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    ASSERT_TRUE((*log)->damage().ok()) << (*log)->damage().ToString();
    Head head = (*log)->GetHead();
    for (const Ack& a : acks) {
      ASSERT_LE(a.last, head.position) << "acknowledged position lost";
      auto e = (*log)->ReadAt(a.last);
      ASSERT_TRUE(e.ok()) << e.status().ToString();
      EXPECT_EQ(e->stream(), a.stream);
      EXPECT_EQ(e->version(), a.last_version);
      max_acked = std::max(max_acked, a.last);
    }
    ASSERT_GE(head.position, max_acked);
    auto report = (*log)->Verify();  // also proves there are no holes: it walks 1..head
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    ASSERT_TRUE(report->ok) << "position " << report->first_bad_position << ": " << report->problem;
    ASSERT_EQ(report->checked, head.position);
  }
  RecordProperty("acknowledged_appends", std::to_string(total_acked));
  RecordProperty("startup_us", std::to_string(startup_us));
  EXPECT_GT(total_acked, cycles);  // the child really appended across the run
}

}  // namespace
}  // namespace ledger
