// ledgerctl keystore: the keystore of personal data's keys (docs/privacy.md, docs/cli.md).
//
//   keystore new-kek --out FILE               a new key-encryption key (FILE 0600, never
//                                             overwritten); prints its id
//   keystore init --kek FILE                  creates an empty keystore wrapped by that KEK
//   keystore audit --kek FILE                 every data key held: subject, version, the KEK that
//                                             wraps it, when it was made, its commitment
//   keystore rotate-kek --kek OLD --new-kek NEW
//                                             re-wraps every key with NEW; then destroy OLD (it
//                                             is what still opens older copies of the keystore)
//   keystore copy --kek FILE --out DIR        a consistent copy (keep it briefly: see privacy.md)
//   keystore migrate --kek FILE [--reason TEXT] [--actor ID]
//                                             seals the personal data of every complaint recorded
//                                             in the clear (seal_personal_data, by appending)
//
// The keystore is DIR/keystore unless --keystore names another directory. It is opened directly:
// stop the server first (RocksDB lets one process hold it).
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>

#include "api/services/command_service.h"
#include "api/services/personal_data.h"
#include "ledger/base/aead.h"
#include "ledger/base/files.h"
#include "ledger/keystore/keystore.h"
#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/output.h"
#include "tools/ledgerctl/output_file.h"
#include "tools/ledgerctl/session.h"

namespace tools {
namespace {

using ledger::Result;
using ledger::Status;

// DIR/keystore.ref: which keystore seals the ledger's personal data ("keystore <dir>" and
// "id <keystore id>" lines). Written when a keystore is first used with the ledger; from then on
// the ledger does not start without it, wherever it lives.
struct KeystoreRef {
  std::string dir, id;
};

std::string RefPath(const std::string& data_dir) { return data_dir + "/" + kKeystoreRefName; }

std::optional<KeystoreRef> ReadRef(const std::string& data_dir) {
  std::ifstream in(RefPath(data_dir));
  if (!in) return std::nullopt;
  KeystoreRef ref;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("keystore ", 0) == 0) ref.dir = line.substr(9);
    if (line.rfind("id ", 0) == 0) ref.id = line.substr(3);
  }
  return ref;
}

Status WriteRef(const std::string& data_dir, const ledger::keystore::Keystore& ks) {
  std::error_code ec;
  const std::string dir = std::filesystem::absolute(ks.dir(), ec).lexically_normal().string();
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<OutputFile> out,
                          OutputFile::Create(RefPath(data_dir), 0600));
  std::fprintf(out->stream(), "keystore %s\nid %s\n", dir.c_str(), ks.id().c_str());
  return out->Commit();
}

struct KeystoreFlags {
  std::string keystore, kek, new_kek, out;
  std::string reason = "migration to sealed personal data", actor;
};

std::string KeystoreDir(const Globals& g, const KeystoreFlags& f) {
  if (!f.keystore.empty()) return f.keystore;
  if (std::optional<KeystoreRef> ref = ReadRef(g.data_dir)) return ref->dir;
  return g.data_dir + "/keystore";
}

int NewKek(const KeystoreFlags& f) {
  Result<ledger::aead::SecretKey> kek = ledger::aead::SecretKey::Random();
  if (!kek.ok()) return FailWith(kek.status());
  const std::string text = ledger::keystore::KekFileText(*kek);
  if (Status s = CreateKeyFile(f.out, text); !s.ok()) return FailWith(s);
  std::printf("%s\n", ledger::keystore::KekId(*kek).c_str());
  std::fprintf(stderr,
               "ledgerctl: wrote the key-encryption key %s (mode 0600): keep it outside the "
               "ledger's directory and out of the ledger's backups\n",
               f.out.c_str());
  return kExitOk;
}

Result<std::unique_ptr<ledger::keystore::Keystore>> OpenKeystore(const Globals& g,
                                                                 const KeystoreFlags& f,
                                                                 bool must_exist = true) {
  const std::string dir = KeystoreDir(g, f);
  if (must_exist && ::access((dir + "/CURRENT").c_str(), F_OK) != 0)
    return Status::NotFound("no keystore in " + dir);
  Result<ledger::aead::SecretKey> kek = ledger::keystore::ReadKekFile(f.kek, g.data_dir);
  if (!kek.ok()) return Status::InvalidArgument("--kek: " + kek.status().message());
  return ledger::keystore::Keystore::Open(dir, *kek);
}

std::string Time(int64_t us) {
  std::time_t t = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int Init(const Globals& g, const KeystoreFlags& f) {
  auto ks = CreateLedgerKeystore(g.data_dir, f.kek, f.keystore);
  if (!ks.ok()) return Fail(kExitUsage, OneLine(ks.status()));
  std::fprintf(stderr, "ledgerctl: created the keystore %s, wrapped by KEK %s\n",
               (*ks)->dir().c_str(), (*ks)->kek_id().c_str());
  return kExitOk;
}

int Audit(const Globals& g, const KeystoreFlags& f) {
  auto ks = OpenKeystore(g, f);
  if (!ks.ok()) return FailWith(ks.status());
  Result<std::vector<ledger::keystore::KeyInfo>> keys = (*ks)->List();
  if (!keys.ok()) return FailWith(keys.status());
  std::printf("subject\tversion\tkek\tcreated\tcommitment\n");
  for (const auto& k : *keys)
    std::printf("%s\t%u\t%s\t%s\t%s\n", k.subject.c_str(), k.version, k.kek_id.c_str(),
                Time(k.created_at).c_str(), ledger::ToHex(k.commitment).c_str());
  std::fprintf(stderr, "ledgerctl: %zu keys, wrapped by KEK %s\n", keys->size(),
               (*ks)->kek_id().c_str());
  return kExitOk;
}

int RotateKek(const Globals& g, const KeystoreFlags& f) {
  Result<ledger::aead::SecretKey> next = ledger::keystore::ReadKekFile(f.new_kek, g.data_dir);
  if (!next.ok()) return Fail(kExitUsage, "--new-kek: " + next.status().message());
  auto ks = OpenKeystore(g, f);
  if (!ks.ok()) return FailWith(ks.status());
  const std::string old_id = (*ks)->kek_id();
  if (old_id == ledger::keystore::KekId(*next))
    return Fail(kExitUsage, "--new-kek is the KEK that wraps the keys already");
  Result<size_t> n = (*ks)->RotateKek(*next);
  if (!n.ok()) return FailWith(n.status());
  std::fprintf(stderr,
               "ledgerctl: re-wrapped %zu keys from KEK %s to %s; start the server with the new "
               "KEK file, then destroy the old one (%s): it is what still opens older copies of "
               "the keystore\n",
               *n, old_id.c_str(), (*ks)->kek_id().c_str(), f.kek.c_str());
  return kExitOk;
}

int Copy(const Globals& g, const KeystoreFlags& f) {
  auto ks = OpenKeystore(g, f);
  if (!ks.ok()) return FailWith(ks.status());
  if (Status s = (*ks)->CopyTo(f.out); !s.ok()) return FailWith(s);
  std::fprintf(stderr,
               "ledgerctl: copied the keystore to %s (KEK %s). Keep it briefly: a copy keeps the "
               "keys of subjects erased after it was taken until the KEK is rotated and the old "
               "one destroyed\n",
               f.out.c_str(), (*ks)->kek_id().c_str());
  return kExitOk;
}

// Every complaint whose personal data was recorded in the clear gets seal_personal_data, by
// appending (docs/privacy.md, "Personal data recorded in the clear"). Safe to run again: a
// complaint already sealed is skipped.
int Migrate(const Globals& g, const KeystoreFlags& f) {
  auto session = Session::Open(g.data_dir, Access::kWrite);
  if (!session.ok()) return FailWith(session.status());
  Session& s = **session;
  Result<std::unique_ptr<ledger::keystore::Keystore>> ks =
      OpenLedgerKeystore(g.data_dir, f.kek, f.keystore, s.log());
  if (!ks.ok()) return Fail(kExitUsage, OneLine(ks.status()));
  api::PersonalDataVault vault(ks->get());
  ledger::SystemClock clock;
  api::CommandService service(&s.log(), &s.policies(), &clock, &vault);
  if (Status st = service.Start(); !st.ok()) return FailWith(st);
  std::vector<std::string> complaints;
  const uint64_t head = s.log().GetHead().position;
  ProgressFn reading = ProgressBar("reading", "events");
  Status listed =
      head == 0 ? Status::Ok() : s.log().ForEach(1, head, [&](const ledger::RecordedEvent& e) {
        if (e.type() == "ComplaintReceived") complaints.emplace_back(e.stream());
        if (reading && e.position() % 4096 == 0) reading(e.position(), head);
        return Status::Ok();
      });
  if (!listed.ok()) return FailWith(listed);
  if (reading) reading(head, head);
  const char* user = std::getenv("USER");
  const ledger::Actor actor{
      !f.actor.empty() ? f.actor : std::string("cli:") + (user && *user ? user : "unknown"),
      "data_protection", ""};
  ProgressFn sealing = ProgressBar("sealing", "complaints");
  size_t sealed = 0, erased = 0;
  for (size_t i = 0; i < complaints.size(); ++i) {
    Result<ledger::domain::ComplaintState> state = service.LoadState(complaints[i]);
    if (!state.ok()) return FailWith(state.status());
    const ledger::domain::ComplainantInfo& c = state->complainant;
    if (!c.name.empty() || !c.phone.empty() || !c.unit.empty()) {
      ledger::domain::Action action;
      action.type = "seal_personal_data";
      action.fields["reason"] = f.reason;
      Result<api::ActionOutcome> out = service.Execute(action, actor, complaints[i]);
      // A subject already erased (its sealed correction's key is gone): nothing to seal.
      if (!out.ok() && !out.status().errors().empty() &&
          out.status().errors().front().rule == "erased") {
        ++erased;
        continue;
      }
      if (!out.ok()) {
        std::string hint;
        if (out.status().code() == ledger::Code::kPermissionDenied)
          hint =
              "; the policy in force must let role data_protection seal_personal_data "
              "(publish one that does: docs/policy-format.md, \"permissions\")";
        return Fail(ExitCodeFor(out.status()),
                    "complaint " + complaints[i] + ": " + OneLine(out.status()) + hint + " (" +
                        std::to_string(sealed) + " sealed before it stay sealed)");
      }
      ++sealed;
    }
    if (sealing && (i + 1) % 256 == 0) sealing(i + 1, complaints.size());
  }
  if (sealing) sealing(complaints.size(), complaints.size());
  std::printf(
      "sealed the personal data of %zu of %zu complaints (the rest were sealed already "
      "or hold none)\n",
      sealed, complaints.size());
  if (erased > 0)
    std::printf(
        "%zu complaints recorded in the clear belong to an erased data subject: nothing to "
        "seal (their clear bytes stay: docs/privacy.md)\n",
        erased);
  if (sealed > 0)
    std::fprintf(stderr,
                 "ledgerctl: their earlier events keep the clear bytes in the log and its "
                 "backups (history is never rewritten); the ledger now shows them only as the "
                 "data subject's: restricted, erased or recorded as read (docs/privacy.md)\n");
  if (Status st = s.Close(); !st.ok()) return FailWith(st);
  return kExitOk;
}

}  // namespace

ledger::Result<std::unique_ptr<ledger::keystore::Keystore>> CreateLedgerKeystore(
    const std::string& data_dir, const std::string& kek_file, const std::string& keystore_dir) {
  const std::string dir = keystore_dir.empty() ? data_dir + "/keystore" : keystore_dir;
  if (::access((dir + "/CURRENT").c_str(), F_OK) == 0)
    return Status::FailedPrecondition("a keystore exists in " + dir);
  const std::string parent = std::filesystem::path(dir).parent_path().string();
  if (!parent.empty() && !std::filesystem::is_directory(parent))
    return Status::InvalidArgument("no directory " + parent + " to hold the keystore");
  Result<ledger::aead::SecretKey> kek = ledger::keystore::ReadKekFile(kek_file, data_dir);
  if (!kek.ok()) return Status::InvalidArgument("--kek: " + kek.status().message());
  if (ReadRef(data_dir))
    return Status::FailedPrecondition(
        "the ledger already seals personal data with the keystore named in " + RefPath(data_dir));
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<ledger::keystore::Keystore> ks,
                          ledger::keystore::Keystore::Open(dir, *kek));
  LEDGER_RETURN_IF_ERROR(WriteRef(data_dir, *ks));
  return ks;
}

ledger::Result<std::unique_ptr<ledger::keystore::Keystore>> OpenLedgerKeystore(
    const std::string& data_dir, const std::string& kek, const std::string& keystore_dir,
    ledger::EventLog& log) {
  const uint64_t head_position = log.GetHead().position;
  const std::optional<KeystoreRef> ref = ReadRef(data_dir);
  const std::string dir = !keystore_dir.empty() ? keystore_dir
                          : ref                 ? ref->dir
                                                : data_dir + "/keystore";
  const bool exists = ::access((dir + "/CURRENT").c_str(), F_OK) == 0;
  if (kek.empty()) {
    if (ref || exists)
      return Status::FailedPrecondition("the ledger seals personal data with the keystore " + dir +
                                        ": give its key-encryption key with --kek FILE");
    return std::unique_ptr<ledger::keystore::Keystore>();
  }
  if (!exists && (ref || head_position > 0))
    return Status::FailedPrecondition(
        "no keystore in " + dir +
        (ref ? std::string(": the ledger's personal data is sealed with keystore ") + ref->id +
                   "; restore it (or name where it is with --keystore)"
             : std::string(": to start sealing this ledger's personal data create it with "
                           "`ledgerctl keystore init`; after a restore of the ledger, restore "
                           "its keystore too")));
  Result<ledger::aead::SecretKey> key = ledger::keystore::ReadKekFile(kek, data_dir);
  if (!key.ok()) return Status::InvalidArgument("--kek: " + key.status().message());
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<ledger::keystore::Keystore> ks,
                          ledger::keystore::Keystore::Open(dir, *key));
  if (ref && !ref->id.empty() && ref->id != ks->id())
    return Status::FailedPrecondition("the keystore in " + dir + " is " + ks->id() +
                                      "; the ledger's personal data is sealed with keystore " +
                                      ref->id);
  if (!ref || ref->dir != std::filesystem::absolute(dir).lexically_normal().string())
    LEDGER_RETURN_IF_ERROR(WriteRef(data_dir, *ks));
  // Keys of subjects the ledger records as erased go again (a restored older keystore).
  LEDGER_ASSIGN_OR_RETURN(size_t again, api::ReconcileErasures(log, *ks));
  if (again > 0)
    std::fprintf(stderr,
                 "ledgerctl: erased again the keys of %zu data subject(s) that the ledger records "
                 "as erased (an older keystore was restored)\n",
                 again);
  return ks;
}

void AddKeystoreFlags(CLI::App& cmd, std::string& kek, std::string& keystore) {
  cmd.add_option("--kek", kek,
                 "the key-encryption key file (ledgerctl keystore new-kek; mode 0600, outside "
                 "DIR): complainants' personal data is sealed with keys of the keystore "
                 "(docs/privacy.md)");
  cmd.add_option("--keystore", keystore, "the keystore's directory (default: DIR/keystore)");
}

void RegisterKeystoreCommands(CLI::App& app, Globals& g, Runner& run) {
  auto f = std::make_shared<KeystoreFlags>();
  auto* ks = app.add_subcommand(
      "keystore",
      "the keys of personal data: a new KEK, init, audit, rotate the KEK, copy, migrate");
  ks->require_subcommand(1);
  ks->fallthrough();
  ks->add_option("--keystore", f->keystore, "the keystore's directory (default: DIR/keystore)");
  auto* fresh = ks->add_subcommand("new-kek", "a new key-encryption key file; prints its id");
  fresh->add_option("--out", f->out, "the file to create (mode 0600; never overwritten)")
      ->required();
  fresh->callback([&run, f] { run = [f] { return NewKek(*f); }; });
  auto* init = ks->add_subcommand("init", "create an empty keystore wrapped by a KEK");
  init->fallthrough();
  init->add_option("--kek", f->kek, "the key-encryption key file")->required();
  init->callback([&g, &run, f] { run = [&g, f] { return Init(g, *f); }; });
  auto* audit = ks->add_subcommand(
      "audit", "every data key held (subject, version, KEK, created, commitment), no key shown");
  audit->fallthrough();
  audit->add_option("--kek", f->kek, "the key-encryption key file")->required();
  audit->callback([&g, &run, f] { run = [&g, f] { return Audit(g, *f); }; });
  auto* rotate =
      ks->add_subcommand("rotate-kek", "re-wrap every data key with a new key-encryption key");
  rotate->fallthrough();
  rotate->add_option("--kek", f->kek, "the current key-encryption key file")->required();
  rotate->add_option("--new-kek", f->new_kek, "the new one (ledgerctl keystore new-kek)")
      ->required();
  rotate->callback([&g, &run, f] { run = [&g, f] { return RotateKek(g, *f); }; });
  auto* copy = ks->add_subcommand("copy", "a consistent copy of the keystore (keep it briefly)");
  copy->fallthrough();
  copy->add_option("--kek", f->kek, "the key-encryption key file")->required();
  copy->add_option("--out", f->out, "a new directory for the copy")->required();
  copy->callback([&g, &run, f] { run = [&g, f] { return Copy(g, *f); }; });
  auto* migrate = ks->add_subcommand(
      "migrate",
      "seal the personal data of every complaint recorded in the clear, by appending "
      "seal_personal_data (the clear bytes stay in the log: docs/privacy.md)");
  migrate->fallthrough();
  migrate->add_option("--kek", f->kek, "the key-encryption key file")->required();
  migrate->add_option("--reason", f->reason, "recorded with each complaint's event")
      ->capture_default_str();
  migrate->add_option("--actor", f->actor,
                      "the data-protection officer recorded as the actor (default cli:$USER)");
  migrate->callback([&g, &run, f] { run = [&g, f] { return Migrate(g, *f); }; });
}

}  // namespace tools
