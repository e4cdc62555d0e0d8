// ledgerctl backup / restore: versions of the ledger in a backup directory, taken while the server
// runs (through its control socket, control_socket.h) or, when none does, by this process
// (docs/operations.md "Backup and restore"; ledger/log/backup.h).
//
// A backup directory holds RocksDB's backup engine files (meta/, shared_checksum/, private/) and,
// per version, files/<id>/: the token and webhook files as they were (0600: they hold secrets)
// and `head`, the chain head of the version, found by restoring it aside and verifying it.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "api/services/token_store.h"
#include "api/services/webhook_store.h"
#include "ledger/base/files.h"
#include "ledger/base/time.h"
#include "ledger/log/backup.h"
#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/control_socket.h"
#include "tools/ledgerctl/session.h"

namespace tools {
namespace {

namespace fs = std::filesystem;
using ledger::Result;
using ledger::Status;

struct BackupFlags {
  std::string dest;
  bool list = false;
  uint32_t keep = 0;  // 0: keep every version
};

struct RestoreFlags {
  std::string src, dir;
  uint32_t version = 0;  // 0: the newest
};

// What a restored copy holds, as Verify found it.
struct Checked {
  ledger::Head head;
  uint64_t events = 0;
};

std::string HeadText(const ledger::Head& h) {
  return std::to_string(h.position) + ":" + ledger::ToHex(h.hash);
}

std::string FilesDir(const std::string& backup_dir, uint32_t id) {
  return (fs::path(backup_dir) / "files" / std::to_string(id)).string();
}

std::string Date(int64_t seconds) {
  return ledger::FormatRfc3339(ledger::Time(std::chrono::seconds(seconds)));
}

// Copies `from` to `to` with mode 0600 when it exists. Sets *copied.
Status CopyPrivate(const std::string& from, const std::string& to, bool* copied) {
  *copied = false;
  std::ifstream in(from, std::ios::binary);
  if (!in) return Status::Ok();
  std::stringstream bytes;
  bytes << in.rdbuf();
  LEDGER_ASSIGN_OR_RETURN(int fd, ledger::OpenForWriting(to, 0600));
  Status s = ledger::WriteAll(fd, bytes.str());
  if (s.ok() && ::fsync(fd) != 0) s = Status::Unavailable("cannot sync " + to);
  ::close(fd);
  *copied = s.ok();
  return s;
}

// Opens the ledger in `dir` read-only and walks its chain.
Result<Checked> VerifyLedger(const std::string& dir, std::optional<ledger::Head> expected) {
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(dir, Access::kReadOnly));
  ledger::VerifyOptions options;
  options.expected_head = expected;
  LEDGER_ASSIGN_OR_RETURN(ledger::VerifyReport report, session->log().Verify(options));
  if (!report.ok)
    return Status::DataLoss("verify failed at position " +
                            std::to_string(report.first_bad_position) + ": " + report.problem);
  return Checked{report.head, report.checked};
}

// Restores version `id` into a directory beside the versions, verifies it and removes it.
Result<Checked> VerifyVersion(const std::string& backup_dir, uint32_t id) {
  const std::string aside = (fs::path(backup_dir) / (".verify-" + std::to_string(id))).string();
  std::error_code ec;
  fs::remove_all(aside, ec);
  Result<Checked> checked = [&]() -> Result<Checked> {
    LEDGER_RETURN_IF_ERROR(ledger::RestoreBackup(backup_dir, id, aside).status());
    return VerifyLedger(aside, std::nullopt);
  }();
  fs::remove_all(aside, ec);
  return checked;
}

// The head recorded for version `id`, if any.
std::optional<ledger::Head> RecordedHead(const std::string& backup_dir, uint32_t id) {
  std::ifstream in(FilesDir(backup_dir, id) + "/head");
  std::string text;
  if (!(in >> text)) return std::nullopt;
  size_t colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  auto hash = ledger::HashFromHex(text.substr(colon + 1));
  if (!hash.ok()) return std::nullopt;
  return ledger::Head{std::stoull(text.substr(0, colon)), *hash, {}};
}

// The version: from the server when one runs on the ledger, else from this process.
Result<uint32_t> TakeVersion(const std::string& data_dir, const std::string& dest) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<uint32_t> served, RequestBackup(data_dir, dest));
  if (served) return *served;
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<Session> session,
                          Session::Open(data_dir, Access::kWrite));
  LEDGER_ASSIGN_OR_RETURN(uint32_t id, ledger::CreateBackup(session->log(), dest));
  LEDGER_RETURN_IF_ERROR(session->Close());
  return id;
}

// Deletes all but the newest `keep` versions, and the files/ of the versions gone.
Status Purge(const std::string& dest, uint32_t keep) {
  LEDGER_RETURN_IF_ERROR(ledger::PurgeBackups(dest, keep));
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::BackupVersion> versions, ledger::ListBackups(dest));
  std::set<std::string> kept;
  for (const ledger::BackupVersion& v : versions) kept.insert(std::to_string(v.id));
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(fs::path(dest) / "files", ec))
    if (!kept.count(e.path().filename().string())) fs::remove_all(e.path(), ec);
  return Status::Ok();
}

int List(const std::string& dest) {
  Result<std::vector<ledger::BackupVersion>> versions = ledger::ListBackups(dest);
  if (!versions.ok()) return FailWith(versions.status());
  for (const ledger::BackupVersion& v : *versions) {
    std::optional<ledger::Head> head = RecordedHead(dest, v.id);
    std::printf("%u\t%s\t%s\thead %s\n", v.id, Date(v.created).c_str(),
                ledger::FormatBytes(v.bytes).c_str(),
                head ? HeadText(*head).c_str() : "(not verified)");
  }
  return kExitOk;
}

int Backup(const Globals& g, const BackupFlags& f) {
  if (f.list) return List(f.dest);
  const std::string dest = fs::absolute(f.dest).lexically_normal().string();
  if (fs::absolute(g.data_dir).lexically_normal() == fs::path(dest))
    return Fail(kExitUsage, "the backup directory must not be the ledger's directory");
  Result<uint32_t> id = TakeVersion(g.data_dir, dest);
  if (!id.ok()) return FailWith(id.status());
  Result<Checked> checked = VerifyVersion(dest, *id);
  if (!checked.ok())
    return Fail(kExitFailed, "backup version " + std::to_string(*id) +
                                 " does not verify: " + OneLine(checked.status()));
  const std::string files = FilesDir(dest, *id);
  std::error_code ec;
  fs::create_directories(files, ec);
  if (Status s = ledger::MakePrivate(dest); !s.ok()) return FailWith(s);
  bool tokens = false, webhooks = false, keystore_ref = false;
  Status copied = CopyPrivate(api::TokenStore::PathInDirectory(g.data_dir),
                              files + "/" + api::kTokenFileName, &tokens);
  if (copied.ok())
    copied = CopyPrivate(api::WebhookStore::PathInDirectory(g.data_dir),
                         files + "/" + api::kWebhookFileName, &webhooks);
  // Which keystore seals the ledger's personal data (not the keystore: docs/privacy.md), so that
  // a restored ledger does not start in the clear.
  if (copied.ok())
    copied = CopyPrivate(g.data_dir + "/" + kKeystoreRefName, files + "/" + kKeystoreRefName,
                         &keystore_ref);
  if (copied.ok()) {
    const std::string head_file = files + "/head.tmp";
    std::ofstream(head_file) << HeadText(checked->head) << "\n";
    fs::rename(head_file, files + "/head", ec);
  }
  if (!copied.ok()) return FailWith(copied);
  std::printf("backup version %u of %s in %s: head %s, %llu events verified%s%s%s\n", *id,
              g.data_dir.c_str(), dest.c_str(), HeadText(checked->head).c_str(),
              (unsigned long long)checked->events, tokens ? "; tokens.json" : "",
              webhooks ? "; webhooks.json" : "", keystore_ref ? "; keystore.ref" : "");
  if (f.keep > 0) {
    if (Status s = Purge(dest, f.keep); !s.ok()) return FailWith(s);
    std::printf("kept the newest %u version(s)\n", f.keep);
  }
  return kExitOk;
}

int Restore(const RestoreFlags& f) {
  Result<ledger::BackupVersion> restored = ledger::RestoreBackup(f.src, f.version, f.dir);
  if (!restored.ok()) return FailWith(restored.status());
  const uint32_t id = restored->id;
  std::vector<std::string> extras;
  for (const char* name : {api::kTokenFileName, api::kWebhookFileName, kKeystoreRefName}) {
    bool copied = false;
    Status s = CopyPrivate(FilesDir(f.src, id) + "/" + name, f.dir + "/" + name, &copied);
    if (!s.ok()) return FailWith(s);
    if (copied) extras.push_back(name);
  }
  std::optional<ledger::Head> expected = RecordedHead(f.src, id);
  Result<Checked> checked = VerifyLedger(f.dir, expected);
  if (!checked.ok())
    return Fail(kExitFailed, "restored version " + std::to_string(id) + " into " + f.dir +
                                 " but it does not verify: " + OneLine(checked.status()));
  std::printf("restored version %u (backed up %s) into %s: head %s, %llu events verified%s\n", id,
              Date(restored->created).c_str(), f.dir.c_str(), HeadText(checked->head).c_str(),
              (unsigned long long)checked->events,
              expected ? " (the head recorded at backup time)" : "");
  for (const std::string& name : extras) std::printf("restored %s\n", name.c_str());
  return kExitOk;
}

}  // namespace

void RegisterBackupCommands(CLI::App& app, Globals& g, Runner& run) {
  auto backup_flags = std::make_shared<BackupFlags>();
  auto* backup = app.add_subcommand(
      "backup", "add a version of the ledger to a backup directory (also while `serve` runs)");
  backup->fallthrough();
  backup->add_option("DEST", backup_flags->dest, "the backup directory")->required();
  backup->add_flag("--list", backup_flags->list, "list the versions in DEST instead");
  backup
      ->add_option("--keep", backup_flags->keep,
                   "then delete all but the newest N versions (N >= 1)")
      ->check(CLI::Range(1u, 1000000u));
  backup->callback(
      [&g, &run, backup_flags] { run = [&g, backup_flags] { return Backup(g, *backup_flags); }; });

  auto restore_flags = std::make_shared<RestoreFlags>();
  auto* restore = app.add_subcommand(
      "restore", "restore a version of a backup directory into a new ledger directory");
  restore->add_option("SRC", restore_flags->src, "the backup directory")->required();
  restore->add_option("DIR", restore_flags->dir, "the new ledger directory (absent or empty)")
      ->required();
  restore->add_option("--version", restore_flags->version,
                      "the version to restore (as `backup --list` shows; default: the newest)");
  restore->callback(
      [&run, restore_flags] { run = [restore_flags] { return Restore(*restore_flags); }; });
}

}  // namespace tools
