// ledgerctl keys / checkpoint / prove: the log's signing key, signed checkpoints and offline
// proof bundles (docs/operations.md, "Checkpoints and proofs"; docs/verify.md for reviewers).
//
//   keys generate --origin NAME --out FILE   a new Ed25519 key (FILE 0600, never overwritten);
//                                            prints the verifier key to publish
//   keys show FILE                           the verifier key of a key file
//   checkpoint --signing-key FILE            signs the head now (when no server runs; a server
//                                            started with --signing-key signs by itself)
//   prove POSITION [--size N] [--out FILE]   the C2SP tlog-proof@v1 bundle of an event against
//                                            the latest signed checkpoint (or the one of size N)
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "api/http/log_routes.h"
#include "ledger/base/signed_note.h"
#include "ledger/domain/key_record.h"
#include "ledger/log/checkpointer.h"
#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/control_socket.h"
#include "tools/ledgerctl/output.h"
#include "tools/ledgerctl/output_file.h"
#include "tools/ledgerctl/session.h"

namespace tools {
namespace {

using ledger::Result;
using ledger::Status;

struct ProofFlags {
  std::string origin, out, key_file, signing_key;
  std::string to_key, from_key, reason, actor;  // keys rotate
  uint64_t position = 0, size = 0;
};

ledger::Actor Operator(const ProofFlags& f) {
  if (!f.actor.empty()) return {f.actor, "admin", ""};
  const char* user = std::getenv("USER");
  return {std::string("cli:") + (user && *user ? user : "unknown"), "admin", ""};
}

int Generate(const ProofFlags& f) {
  Result<std::string> key = ledger::note::NoteSigner::GenerateKeyFile(f.origin);
  if (!key.ok()) return Fail(kExitUsage, "--origin: " + key.status().message());
  // Never overwritten: the old key may have signed checkpoints people keep.
  if (Status s = CreateKeyFile(f.out, *key); !s.ok()) return FailWith(s);
  auto signer = ledger::note::NoteSigner::FromKeyText(*key);
  std::printf("%s\n", signer->VerifierKey().c_str());
  std::fprintf(stderr,
               "ledgerctl: wrote the signing key %s (mode 0600; keep it outside the ledger's "
               "directory, and a copy offline); publish the verifier key above\n",
               f.out.c_str());
  return kExitOk;
}

int Show(const ProofFlags& f) {
  auto signer = ledger::note::NoteSigner::FromKeyFile(f.key_file, "");
  if (!signer.ok()) return FailWith(signer.status());
  std::printf("%s\n", signer->VerifierKey().c_str());
  return kExitOk;
}

int SignCheckpoint(const Globals& g, const ProofFlags& f) {
  // A server holding the ledger signs with its own key (control_socket.h).
  Result<std::optional<uint64_t>> asked = RequestCheckpoint(g.data_dir);
  if (!asked.ok()) return FailWith(asked.status());
  if (*asked) {
    auto session = Session::Open(g.data_dir, Access::kReadOnly);
    if (!session.ok()) return FailWith(session.status());
    Result<ledger::StoredCheckpoint> c = ChosenCheckpoint((*session)->log(), 0);
    if (!c.ok()) return Fail(kExitFailed, OneLine(c.status()));
    std::fputs(c->note.c_str(), stdout);
    std::fprintf(stderr, "ledgerctl: signed by the running server (size %llu)\n",
                 (unsigned long long)**asked);
    return kExitOk;
  }
  if (f.signing_key.empty())
    return Fail(kExitUsage,
                "no server holds " + g.data_dir + ": give --signing-key to sign with the key here");
  auto signer = ledger::note::NoteSigner::FromKeyFile(f.signing_key, g.data_dir);
  if (!signer.ok()) return Fail(kExitUsage, "--signing-key: " + signer.status().message());
  auto session = Session::Open(g.data_dir, Access::kWrite);
  if (!session.ok()) return FailWith(session.status());
  std::string said;
  if (Status s = ledger::domain::AdoptSigningKey((*session)->log(), *signer, nullptr, Operator(f),
                                                 (*session)->policies().current_version(), &said);
      !s.ok())
    return Fail(kExitUsage, "--signing-key: " + OneLine(s));
  if (!said.empty()) std::fprintf(stderr, "ledgerctl: %s\n", said.c_str());
  ledger::SystemClock clock;
  ledger::Checkpointer checkpointer(&(*session)->log(), std::move(signer).value(), &clock);
  Result<ledger::StoredCheckpoint> c = checkpointer.SignNow();
  if (!c.ok()) return FailWith(c.status());
  std::fputs(c->note.c_str(), stdout);
  return kExitOk;
}

// keys rotate --to NEW [--from OLD | --reason WHY]: records the rotation and signs a checkpoint
// with the new key (and the old one, co-signing, when given).
int Rotate(const Globals& g, const ProofFlags& f) {
  auto next = ledger::note::NoteSigner::FromKeyFile(f.to_key, g.data_dir);
  if (!next.ok()) return Fail(kExitUsage, "--to: " + next.status().message());
  std::optional<ledger::note::NoteSigner> previous;
  if (!f.from_key.empty()) {
    auto old = ledger::note::NoteSigner::FromKeyFile(f.from_key, g.data_dir);
    if (!old.ok()) return Fail(kExitUsage, "--from: " + old.status().message());
    previous = std::move(old).value();
  } else if (f.reason.empty()) {
    return Fail(kExitUsage,
                "give the current key (--from FILE: it co-signs during the rotation) or, if it "
                "is lost, --reason saying so");
  }
  auto session = Session::Open(g.data_dir, Access::kWrite);
  if (!session.ok()) return FailWith(session.status());
  ledger::EventLog& log = (*session)->log();
  const uint32_t version = (*session)->policies().current_version();
  std::string said;
  Status recorded = previous ? ledger::domain::AdoptSigningKey(log, *next, &*previous, Operator(f),
                                                               version, &said)
                             : ledger::domain::RotateWithoutPrevious(log, *next, f.reason,
                                                                     Operator(f), version, &said);
  if (!recorded.ok()) return FailWith(recorded);
  if (said.empty())
    return Fail(kExitUsage, "the ledger already records " + next->VerifierKey() +
                                " as its signing key: nothing to rotate");
  std::fprintf(stderr, "ledgerctl: %s\n", said.c_str());
  const std::string vkey = next->VerifierKey();
  ledger::SystemClock clock;
  ledger::Checkpointer checkpointer(&log, std::move(next).value(), &clock);
  if (previous) {
    if (Status s = checkpointer.CosignWith(std::move(*previous)); !s.ok())
      return Fail(kExitUsage, "--from: " + OneLine(s));
  }
  Result<ledger::StoredCheckpoint> c = checkpointer.SignNow();
  if (!c.ok()) return FailWith(c.status());
  std::fputs(c->note.c_str(), stdout);
  std::fprintf(
      stderr, "ledgerctl: publish the new verifier key %s; serve with --signing-key %s%s\n",
      vkey.c_str(), f.to_key.c_str(),
      previous
          ? (" --previous-signing-key " + f.from_key + " while readers move to it, then without it")
                .c_str()
          : "");
  return kExitOk;
}

int Prove(const Globals& g, const ProofFlags& f) {
  auto session = Session::Open(g.data_dir, Access::kReadOnly);
  if (!session.ok()) return FailWith(session.status());
  ledger::EventLog& log = (*session)->log();
  Result<ledger::StoredCheckpoint> c = ChosenCheckpoint(log, f.size);
  if (!c.ok()) return Fail(kExitFailed, OneLine(c.status()));
  if (f.position == 0 || f.position > c->size)
    return Fail(kExitUsage, "position " + std::to_string(f.position) +
                                " is not in the checkpoint of size " + std::to_string(c->size));
  Result<std::string> bundle = api::ProofBundle(log, f.position, *c);
  if (!bundle.ok()) return FailWith(bundle.status());
  if (f.out.empty() || f.out == "-") {
    if (!WriteAll(stdout, *bundle)) return Fail(kExitFailed, "cannot write the output");
    return kExitOk;
  }
  // The bundle holds the event itself (personal data): 0600, written whole or not at all.
  Result<std::unique_ptr<OutputFile>> file = OutputFile::Create(f.out, 0600);
  if (!file.ok()) return Fail(kExitUsage, OneLine(file.status()));
  if (!WriteAll((*file)->stream(), *bundle)) return Fail(kExitFailed, "cannot write " + f.out);
  if (Status st = (*file)->Commit(); !st.ok()) return FailWith(st);
  std::fprintf(
      stderr,
      "ledgerctl: wrote the proof of position %llu against the checkpoint of size %llu to %s\n",
      (unsigned long long)f.position, (unsigned long long)c->size, f.out.c_str());
  return kExitOk;
}

}  // namespace

void RegisterProofCommands(CLI::App& app, Globals& g, Runner& run) {
  auto f = std::make_shared<ProofFlags>();
  auto* keys = app.add_subcommand(
      "keys", "the log's signing key: generate one, show its verifier key, rotate");
  keys->require_subcommand(1);
  keys->fallthrough();
  auto* gen =
      keys->add_subcommand("generate", "a new Ed25519 signing key; prints its verifier key");
  gen->add_option("--origin", f->origin,
                  "the log's name in its checkpoints, e.g. ledger.example.com/complaints")
      ->required();
  gen->add_option("--out", f->out, "the key file to create (mode 0600; never overwritten)")
      ->required();
  gen->callback([&run, f] { run = [f] { return Generate(*f); }; });
  auto* show = keys->add_subcommand("show", "the verifier key of a signing key file");
  show->add_option("FILE", f->key_file, "the signing key file")->required();
  show->callback([&run, f] { run = [f] { return Show(*f); }; });
  auto* rotate = keys->add_subcommand(
      "rotate", "record a change of the log's signing key and sign a checkpoint with the new one");
  rotate->fallthrough();
  rotate->add_option("--to", f->to_key, "the new key file (ledgerctl keys generate, same origin)")
      ->required();
  rotate->add_option("--from", f->from_key,
                     "the current key file: it co-signs (the normal rotation)");
  rotate->add_option("--reason", f->reason,
                     "why, when the current key cannot co-sign (lost, compromised)");
  rotate->add_option("--actor", f->actor, "the person id the event names (default: cli:$USER)");
  rotate->callback([&g, &run, f] { run = [&g, f] { return Rotate(g, *f); }; });

  auto* cp = app.add_subcommand(
      "checkpoint",
      "sign a checkpoint of the head now (asks the running server, or signs with --signing-key)");
  cp->fallthrough();
  cp->add_option("--signing-key", f->signing_key,
                 "the log's signing key file (not needed while a server holds the ledger: it "
                 "signs with its own)");
  cp->callback([&g, &run, f] { run = [&g, f] { return SignCheckpoint(g, *f); }; });

  auto* prove = app.add_subcommand(
      "prove", "an event's offline proof bundle (C2SP tlog-proof) against a signed checkpoint");
  prove->fallthrough();
  prove->add_option("POSITION", f->position, "the event's position")->required();
  prove->add_option("--size", f->size,
                    "the size of the signed checkpoint to prove against (default: the latest)");
  prove->add_option("--out", f->out, "write the bundle to this file (0600) instead of stdout");
  prove->callback([&g, &run, f] { run = [&g, f] { return Prove(g, *f); }; });
}

}  // namespace tools
