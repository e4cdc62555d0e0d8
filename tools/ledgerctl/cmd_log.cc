// ledgerctl verify / head: the integrity chain from the command line.
#include <cstdio>

#include "ledger/log/event_log.h"
#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/output.h"
#include "tools/ledgerctl/session.h"

namespace tools {
namespace {

// "POSITION:HASH" as `ledgerctl head` prints it.
ledger::Result<ledger::Head> ParseHead(const std::string& text) {
  auto bad = ledger::Status::InvalidArgument(
      "--expect-head must be POSITION:HASH (as `ledgerctl head` "
      "prints it), not '" +
      text + "'");
  size_t colon = text.find(':');
  if (colon == 0 || colon == std::string::npos || text.find_first_not_of("0123456789") != colon ||
      colon > 19)
    return bad;
  auto hash = ledger::HashFromHex(text.substr(colon + 1));
  if (!hash.ok()) return bad;
  return ledger::Head{std::stoull(text.substr(0, colon)), *hash, {}};
}

int Verify(const Globals& g, const VerifyFlags& f) {
  ledger::VerifyOptions options;
  if (!f.expect_head.empty()) {
    ledger::Result<ledger::Head> head = ParseHead(f.expect_head);
    if (!head.ok()) return FailWith(head.status());
    options.expected_head = *head;
  }
  auto session = Session::Open(g.data_dir, Access::kReadOnly);
  if (!session.ok()) return FailWith(session.status());
  options.progress = ProgressBar("verifying", "events");
  auto report = (*session)->log().Verify(options);
  if (!report.ok()) return FailWith(report.status());
  if (!report->ok)
    return Fail(kExitFailed, "verify failed at position " +
                                 std::to_string(report->first_bad_position) + ": " +
                                 report->problem);
  std::printf("ok: %llu events verified; head %llu:%s\n", (unsigned long long)report->checked,
              (unsigned long long)report->head.position, ledger::ToHex(report->head.hash).c_str());
  if (report->tree_checked)
    std::printf("merkle tree: %llu leaves, every node rebuilt from the events; root %s\n",
                (unsigned long long)report->head.position,
                ledger::ToHex(report->tree_root).c_str());
  return kExitOk;
}

int Head(const Globals& g) {
  auto session = Session::Open(g.data_dir, Access::kReadOnly);
  if (!session.ok()) return FailWith(session.status());
  ledger::Head h = (*session)->log().GetHead();
  std::printf("%llu:%s\n", (unsigned long long)h.position, ledger::ToHex(h.hash).c_str());
  return kExitOk;
}

}  // namespace

void RegisterLogCommands(CLI::App& app, Globals& g, CommandFlags& flags, Runner& run) {
  auto* verify = app.add_subcommand("verify", "check the integrity chain end to end");
  VerifyFlags* f = &flags.verify;
  verify->add_option("--expect-head", f->expect_head,
                     "a head kept elsewhere (POSITION:HASH, as `ledgerctl head` prints it)");
  verify->callback([&g, &run, f] { run = [&g, f] { return Verify(g, *f); }; });

  auto* head = app.add_subcommand("head", "print the chain head (position:hash) to keep elsewhere");
  head->callback([&g, &run] { run = [&g] { return Head(g); }; });
}

}  // namespace tools
