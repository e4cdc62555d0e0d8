// ledgerctl demo: generates a realistic ledger (docs/demo.md), prints a summary and serves it.
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "api/command_service.h"
#include "ledger/event_log.h"
#include "tools/demo/demo_ledger.h"
#include "tools/demo/summary.h"
#include "tools/ledgerctl/commands.h"

namespace tools {
namespace {

struct DemoFlags {
  int64_t complaints = 3000;
  uint64_t seed = 1;
  std::string listen = "127.0.0.1:8080";
  bool no_serve = false;
};

int Fail(const std::string& message, int code) {
  std::fprintf(stderr, "ledgerctl: %s\n", message.c_str());
  return code;
}

// Progress on a terminal: complaints so far, the rate, the time left. Silent otherwise.
std::function<void(int64_t, int64_t)> ProgressPrinter() {
  if (!isatty(fileno(stderr))) return {};
  auto start = std::chrono::steady_clock::now();
  return [start](int64_t done, int64_t total) {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double rate = s > 0 ? double(done) / s : 0;
    double left = rate > 0 ? double(total - done) / rate : 0;
    std::fprintf(stderr, "\r  %lld / %lld complaints  %.0f/s  %.0f s left   ", (long long)done,
                 (long long)total, rate, left);
    if (done >= total) std::fprintf(stderr, "\n");
  };
}

// === Plug-in point: summary from the projections, and serving ===============================
// Called with the generated ledger still open. A later step adds here the projections' summary
// (fines by department, closure rate, findings) and starts the API server on `flags.listen`
// unless `flags.no_serve`. Returns the process exit code.
int SummarizeAndServe(ledger::EventLog& log, api::CommandService& service, const DemoFlags& flags) {
  (void)log;
  (void)service;
  if (flags.no_serve) return 0;
  std::printf("serving is not available yet (would listen on %s); use --no-serve\n",
              flags.listen.c_str());
  return 0;
}
// =============================================================================================

int Demo(const Globals& g, const DemoFlags& flags) {
  if (flags.complaints < 1 || flags.complaints > demo::kMaxComplaints)
    return Fail("--complaints must be from 1 to " + std::to_string(demo::kMaxComplaints), 2);
  ledger::Result<bool> holds = demo::HoldsLedger(g.data_dir);
  if (!holds.ok()) return Fail(holds.status().ToString(), 2);
  if (*holds)
    return Fail("'" + g.data_dir + "' already holds a ledger; choose another --data directory", 2);

  demo::GeneratorOptions options;
  options.complaints = flags.complaints;
  options.seed = flags.seed;
  options.progress = ProgressPrinter();
  auto ledger = demo::DemoLedger::Create(g.data_dir, options);
  if (!ledger.ok()) return Fail(ledger.status().ToString(), 2);
  auto t0 = std::chrono::steady_clock::now();
  ledger::Result<demo::GeneratorStats> stats = (*ledger)->Generate();
  if (!stats.ok()) return Fail("generating: " + stats.status().ToString(), 1);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::fputs(demo::FormatSummary(*stats, seconds).c_str(), stdout);
  ledger::Head h = (*ledger)->log().GetHead();
  std::printf("head %llu:%s\n", (unsigned long long)h.position, ledger::ToHex(h.hash).c_str());
  std::fflush(stdout);
  return SummarizeAndServe((*ledger)->log(), (*ledger)->service(), flags);
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* flags = new DemoFlags();  // lives as long as the app (like the other subcommands' flags)
  auto* demo = app.add_subcommand(
      "demo", "generate a realistic ledger of complaints, print a summary and serve it");
  demo->add_option("--complaints", flags->complaints, "how many complaints to generate")
      ->capture_default_str();
  demo->add_option("--seed", flags->seed, "the random seed: the same seed gives the same ledger")
      ->capture_default_str();
  demo->add_option("--listen", flags->listen, "HOST:PORT to serve the API on")
      ->capture_default_str();
  demo->add_flag("--no-serve", flags->no_serve, "generate and summarize, then exit");
  demo->callback([&g, &run, flags] { run = [&g, flags] { return Demo(g, *flags); }; });
}

}  // namespace tools
