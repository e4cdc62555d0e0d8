// ledgerctl verify / head: the integrity chain from the command line.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "ledger/base/merkle.h"
#include "ledger/base/signed_note.h"
#include "ledger/domain/key_record.h"
#include "ledger/log/access_record.h"
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

// --since FILE: the kept checkpoint, its signature checked with one of the --key verifier keys.
ledger::Result<ledger::note::Checkpoint> KeptCheckpoint(const VerifyFlags& f) {
  if (f.keys.empty())
    return ledger::Status::InvalidArgument(
        "--since needs --key VERIFIER_KEY (the log's published key) to check its signature");
  std::vector<ledger::note::NoteVerifier> known;
  for (const std::string& k : f.keys) {
    auto v = ledger::note::NoteVerifier::FromVerifierKey(k);
    if (!v.ok()) return ledger::Status::InvalidArgument("--key: " + v.status().message());
    known.push_back(*v);
  }
  std::ifstream in(f.since, std::ios::binary);
  if (!in) return ledger::Status::InvalidArgument("cannot read --since " + f.since);
  std::stringstream note;
  note << in.rdbuf();
  LEDGER_ASSIGN_OR_RETURN(std::string text, ledger::note::OpenNote(note.str(), known));
  return ledger::note::ParseCheckpointText(text);
}

// The log, as it is now, extends the kept checkpoint: a consistency proof from its size to the
// head, checked against its root (the one that was signed) and the root rebuilt by the walk.
ledger::Status ExtendsCheckpoint(ledger::EventLog& log, const ledger::note::Checkpoint& kept,
                                 const ledger::VerifyReport& report) {
  if (!report.tree_checked)
    return ledger::Status::FailedPrecondition("this ledger has no Merkle tree to prove with");
  const uint64_t head = report.head.position;
  if (kept.size > head)
    return ledger::Status::DataLoss("the log holds " + std::to_string(head) +
                                    " events, fewer than the checkpoint's " +
                                    std::to_string(kept.size) + ": it was cut back");
  if (kept.size == 0) return ledger::Status::Ok();
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof, log.ConsistencyProof(kept.size, head));
  ledger::Status ok =
      ledger::merkle::VerifyConsistency(kept.size, head, proof, kept.root, report.tree_root);
  if (!ok.ok())
    return ledger::Status::DataLoss("the log does not extend the checkpoint of size " +
                                    std::to_string(kept.size) + ": " + ok.message());
  return ledger::Status::Ok();
}

int Verify(const Globals& g, const VerifyFlags& f) {
  ledger::VerifyOptions options;
  if (!f.expect_head.empty()) {
    ledger::Result<ledger::Head> head = ParseHead(f.expect_head);
    if (!head.ok()) return FailWith(head.status());
    options.expected_head = *head;
  }
  std::optional<ledger::note::Checkpoint> kept;
  if (!f.since.empty()) {
    auto c = KeptCheckpoint(f);
    if (!c.ok())
      return c.status().code() == ledger::Code::kInvalidArgument
                 ? Fail(kExitUsage, c.status().message())
                 : Fail(kExitFailed, "--since " + f.since + ": " + c.status().message());
    kept = *c;
  } else if (!f.keys.empty()) {
    return Fail(kExitUsage, "--key goes with --since CHECKPOINT_FILE");
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
  if (report->tree_checked) {
    // The stored checkpoints: each the tree's root at its size, signed by the key in force.
    uint64_t checked = 0, without_key = 0;
    ledger::Status stored =
        ledger::domain::VerifyStoredCheckpoints((*session)->log(), &checked, &without_key);
    if (!stored.ok()) return Fail(kExitFailed, "verify failed: " + stored.message());
    if (checked > 0)
      std::printf(
          "checkpoints: %llu stored, each the tree's root at its size and signed by the "
          "key the log records in force then%s\n",
          (unsigned long long)checked,
          without_key ? (" (" + std::to_string(without_key) +
                         " signed before the log recorded a key: root checked only)")
                            .c_str()
                      : "");
  }
  {
    // The record of reads of personal data (docs/privacy.md): its chain, entry by entry.
    ledger::SystemClock clock;
    ledger::AccessRecord reads(&(*session)->log(), &clock);
    ledger::Result<uint64_t> entries = reads.Verify();
    if (!entries.ok()) return Fail(kExitFailed, "verify failed: " + entries.status().message());
    if (*entries > 0)
      std::printf("record of reads: %llu entries, each linked to the one before\n",
                  (unsigned long long)*entries);
  }
  if (kept) {
    ledger::Status extends = ExtendsCheckpoint((*session)->log(), *kept, *report);
    if (!extends.ok()) return Fail(kExitFailed, extends.message());
    std::printf("extends the signed checkpoint %s of size %llu (consistency proof verified)\n",
                kept->origin.c_str(), (unsigned long long)kept->size);
  }
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
  verify->add_option("--since", f->since,
                     "a signed checkpoint kept elsewhere (a file): prove the log extends it");
  verify->add_option("--key", f->keys,
                     "the log's verifier key (ledgerctl keys show), to check --since's signature");
  verify->callback([&g, &run, f] { run = [&g, f] { return Verify(g, *f); }; });

  auto* head = app.add_subcommand("head", "print the chain head (position:hash) to keep elsewhere");
  head->callback([&g, &run] { run = [&g] { return Head(g); }; });
}

}  // namespace tools
