// The child of the crash test: appends as fast as it can from several threads and reports every
// acknowledged append on stdout as "first_position last_position stream last_version", one line
// each, written only after Append() returned success (that is, after the sync).
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ledger/log/event_log.h"
#include "testing/log_util.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: crash_child DIR SEED\n");
    return 2;
  }
  auto log = ledger::EventLog::Open(argv[1], ledger::Options{});
  if (!log.ok()) {
    std::fprintf(stderr, "crash_child: %s\n", log.status().ToString().c_str());
    return 1;
  }
  std::mutex out_mu;
  const unsigned seed = unsigned(std::stoul(argv[2]));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(seed * 31 + t);
      for (;;) {
        std::string stream = "c-" + std::to_string(rng() % 16);
        auto r = (*log)->Append(testing_util::Request(stream, 1 + int(rng() % 3)));
        if (!r.ok()) {
          std::fprintf(stderr, "crash_child: %s\n", r.status().ToString().c_str());
          std::_Exit(1);
        }
        char line[200];
        int n = std::snprintf(line, sizeof line, "%llu %llu %s %llu\n",
                              (unsigned long long)r->first_position,
                              (unsigned long long)r->last_position, r->stream.c_str(),
                              (unsigned long long)r->last_version);
        std::lock_guard<std::mutex> lock(out_mu);
        if (write(STDOUT_FILENO, line, size_t(n)) != n) std::_Exit(1);
      }
    });
  }
  for (auto& th : threads) th.join();
}
