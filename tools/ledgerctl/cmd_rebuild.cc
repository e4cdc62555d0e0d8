// ledgerctl rebuild [--check]: rebuilds the stored projections from the log, or checks them.
//
// rebuild          folds the whole log afresh, replaces the stored rows and checkpoint and
//                  writes a new snapshot. Takes the ledger's lock (stop the server first).
// rebuild --check  loads the stored rows (and the snapshot, when there is one) as they are and
//                  compares each with a fresh fold of the log up to the position it reached.
//                  Read-only: it can run beside a running server. Exit 1 on any difference.
#include <filesystem>

#include "ledger/log/projection_store.h"
#include "projections/runner.h"
#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/output.h"
#include "tools/ledgerctl/session.h"

namespace tools {
namespace {

using projections::ProjectionRunner;

std::string SnapshotPath(const Globals& g) {
  return (std::filesystem::path(g.data_dir) / "projections.snapshot").string();
}

// Checks one stored form; returns true when it matches a fresh fold. Prints one line either way.
bool CheckOne(Session& s, ProjectionRunner::Stored which, const std::string& snapshot,
              bool* found) {
  ledger::ProjectionStore store(&s.log());
  ProjectionRunner runner(&s.log(), &s.policies(), &store, projections::RunnerOptions{snapshot});
  const char* name = which == ProjectionRunner::Stored::kRows ? "stored rows" : "snapshot";
  std::string why;
  ledger::Status loaded = runner.Load(which, &why);
  *found = loaded.code() != ledger::Code::kNotFound;
  if (!loaded.ok()) {
    if (*found) std::printf("%s: DIFFERENT: %s\n", name, why.c_str());
    return !*found;
  }
  auto report = runner.Check(ProgressBar(std::string("checking ") + name, "events"));
  if (!report.ok()) {
    std::printf("%s: cannot check: %s\n", name, OneLine(report.status()).c_str());
    return false;
  }
  if (report->ok)
    std::printf("%s: ok at position %llu, digest %s\n", name, (unsigned long long)report->position,
                report->current_digest.c_str());
  else
    std::printf("%s: DIFFERENT at position %llu: %s (stored digest %s, rebuilt %s)\n", name,
                (unsigned long long)report->position, report->detail.c_str(),
                report->current_digest.c_str(), report->rebuilt_digest.c_str());
  return report->ok;
}

int Check(const Globals& g) {
  auto session = Session::Open(g.data_dir, Access::kReadOnly);
  if (!session.ok()) return FailWith(session.status());
  bool rows_found = false, snapshot_found = false;
  bool ok = CheckOne(**session, ProjectionRunner::Stored::kRows, "", &rows_found);
  if (std::filesystem::exists(SnapshotPath(g)))
    ok &=
        CheckOne(**session, ProjectionRunner::Stored::kSnapshot, SnapshotPath(g), &snapshot_found);
  std::fflush(stdout);
  if (!rows_found && !snapshot_found)
    return Fail(kExitFailed, "no stored projection to check; run `ledgerctl rebuild` first");
  if (!ok) return Fail(kExitFailed, "the stored projections differ from the log");
  return kExitOk;
}

int Rebuild(const Globals& g) {
  auto session = Session::Open(g.data_dir, Access::kWrite);
  if (!session.ok()) return FailWith(session.status());
  Session& s = **session;
  ledger::ProjectionStore store(&s.log());
  ProjectionRunner runner(&s.log(), &s.policies(), &store,
                          projections::RunnerOptions{SnapshotPath(g)});
  auto start = std::chrono::steady_clock::now();
  if (ledger::Status st = runner.Rebuild(ProgressBar("rebuilding", "events")); !st.ok())
    return FailWith(st);
  if (ledger::Status st = runner.WriteSnapshot(); !st.ok()) return FailWith(st);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  size_t complaints =
      runner.Read([](const projections::LedgerProjection& p) { return p.complaints().size(); });
  std::printf("rebuilt from %s events (%zu complaints) in %.1f s; digest %s\n",
              Grouped(runner.position()).c_str(), complaints, seconds, runner.digest().c_str());
  if (ledger::Status st = s.Close(); !st.ok()) return FailWith(st);
  return kExitOk;
}

}  // namespace

void RegisterRebuildCommand(CLI::App& app, Globals& g, CommandFlags& flags, Runner& run) {
  CLI::App* cmd = app.add_subcommand(
      "rebuild",
      "rebuild every projection from the log (--check: compare the stored ones instead)");
  cmd->add_flag("--check", flags.rebuild.check,
                "compare the stored projections with a fresh fold; exit 1 on any difference");
  RebuildFlags* f = &flags.rebuild;
  cmd->callback([&g, &run, f] { run = [&g, f] { return f->check ? Check(g) : Rebuild(g); }; });
}

}  // namespace tools
