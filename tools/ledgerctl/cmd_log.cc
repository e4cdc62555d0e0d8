// ledgerctl verify / head: the integrity chain from the command line.
#include <cstdio>

#include "ledger/event_log.h"
#include "tools/ledgerctl/commands.h"

namespace tools {
namespace {

using ledger::EventLog;

std::unique_ptr<EventLog> OpenReadOnly(const std::string& dir, int* exit_code) {
  ledger::Options options;
  options.read_only = true;
  auto log = EventLog::Open(dir, options);
  if (!log.ok()) {
    std::fprintf(stderr, "ledgerctl: %s\n", log.status().ToString().c_str());
    *exit_code = 2;
    return nullptr;
  }
  return std::move(log).value();
}

int Verify(const Globals& g, const std::string& expect) {
  int code = 0;
  auto log = OpenReadOnly(g.data_dir, &code);
  if (!log) return code;
  ledger::VerifyOptions options;
  if (!expect.empty()) {
    auto colon = expect.find(':');
    auto hash = ledger::HashFromHex(colon == std::string::npos ? "" : expect.substr(colon + 1));
    if (!hash.ok()) {
      std::fprintf(stderr, "ledgerctl: --expect-head must be POSITION:HASH\n");
      return 2;
    }
    options.expected_head = ledger::Head{std::stoull(expect.substr(0, colon)), *hash, {}};
  }
  auto report = log->Verify(options);
  if (!report.ok()) {
    std::fprintf(stderr, "ledgerctl: %s\n", report.status().ToString().c_str());
    return 2;
  }
  if (!report->ok) {
    std::fprintf(stderr, "ledgerctl: verify failed at position %llu: %s\n",
                 (unsigned long long)report->first_bad_position, report->problem.c_str());
    return 1;
  }
  std::printf("ok: %llu events verified; head %llu:%s\n", (unsigned long long)report->checked,
              (unsigned long long)report->head.position, ledger::ToHex(report->head.hash).c_str());
  return 0;
}

}  // namespace

void RegisterLogCommands(CLI::App& app, Globals& g, Runner& run) {
  auto* verify = app.add_subcommand("verify", "check the integrity chain end to end");
  auto* expect = new std::string();
  verify->add_option("--expect-head", *expect,
                     "a head kept elsewhere (POSITION:HASH, as `ledgerctl head` prints it)");
  verify->callback([&g, &run, expect] { run = [&g, expect] { return Verify(g, *expect); }; });

  auto* head = app.add_subcommand("head", "print the chain head (position:hash) to keep elsewhere");
  head->callback([&g, &run] {
    run = [&g] {
      int code = 0;
      auto log = OpenReadOnly(g.data_dir, &code);
      if (!log) return code;
      ledger::Head h = log->GetHead();
      std::printf("%llu:%s\n", (unsigned long long)h.position, ledger::ToHex(h.hash).c_str());
      return 0;
    };
  });
}

}  // namespace tools
