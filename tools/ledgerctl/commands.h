// The subcommands of ledgerctl. Each Register* adds one subcommand (and its --help) to the app;
// its callback runs the command and returns the process exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ledger/base/status.h"
#include "ledger/log/options.h"
#include "tools/ledgerctl/flags.h"

namespace ledger {
class EventLog;
namespace keystore {
class Keystore;
}  // namespace keystore
}  // namespace ledger

namespace tools {

struct Globals {
  std::string data_dir = "./ledger-data";
};

// Set by a subcommand's callback: the exit code main() returns.
using Runner = std::function<int()>;

void RegisterServeCommand(CLI::App& app, Globals& globals, Runner& run);
void RegisterTokenCommands(CLI::App& app, Globals& globals, Runner& run);
void RegisterWebhookCommands(CLI::App& app, Globals& globals, Runner& run);
void RegisterDemoCommand(CLI::App& app, Globals& globals, Runner& run);
void RegisterBackupCommands(CLI::App& app, Globals& globals, Runner& run);  // backup, restore
void RegisterProofCommands(CLI::App& app, Globals& globals,
                           Runner& run);  // keys, checkpoint, prove
void RegisterStatementCommand(CLI::App& app, Globals& globals, Runner& run);
void RegisterKeystoreCommands(CLI::App& app, Globals& globals, Runner& run);
// The commands whose option values live in main()'s CommandFlags (flags.h).
void RegisterLogCommands(CLI::App& app, Globals& globals, CommandFlags& flags, Runner& run);
void RegisterComplaintCommands(CLI::App& app, Globals& globals, CommandFlags& flags, Runner& run);
void RegisterReportCommands(CLI::App& app, Globals& globals, CommandFlags& flags, Runner& run);
void RegisterRebuildCommand(CLI::App& app, Globals& globals, CommandFlags& flags, Runner& run);
void RegisterImportCommand(CLI::App& app, Globals& globals, CommandFlags& flags, Runner& run);
void RegisterExportCommand(CLI::App& app, Globals& globals, CommandFlags& flags, Runner& run);

// Adds --as-of, --known-at and --policy (what a projection is evaluated at) to `cmd`.
void AddEvaluationOptions(CLI::App* cmd, EvaluationFlags& at);

// How to serve the API (ledgerctl serve's flags; also for `demo`).
struct ServeFlags {
  std::string listen = "127.0.0.1:8080";
  std::string tokens;  // the token file; "" = DIR/tokens.json
  std::string policy;  // a policy file, for the domain routes
  size_t max_connections = 1024;
  size_t max_body_bytes = 64 * 1024;
  double rate_limit = 50;
  double rate_burst = 100;
  double auth_failure_rate = 2, auth_failure_burst = 20;  // failed authentications per address
  size_t workers = 64;  // handler threads: actions wait for durability on them
  size_t max_header_bytes = 16 * 1024;
  double idle_timeout_s = 60, header_timeout_s = 10, body_timeout_s = 30, write_timeout_s = 30;
  double sse_heartbeat_s = 15;
  // The free-space reserve (ledger::Options, docs/operations.md "When the disk fills").
  uint64_t min_free_bytes = ledger::kDefaultMinFreeBytes;
  uint64_t resume_free_bytes = ledger::kDefaultResumeFreeBytes;
  // As-of, known-at and what-if reports computed at once (each folds the whole log).
  size_t max_heavy_queries = 2;
  // Webhooks (docs/operations.md, "Webhooks"): days finished outbox entries are kept, and the
  // longest wait between two attempts at a failing receiver.
  double outbox_retention_days = 30;
  double webhook_max_backoff_s = 300;
  std::string webhook_ca_file;  // certificates to trust for https:// webhooks; "": the system's
  // The web console (api/http/console_routes.h): served from this directory instead of the
  // embedded copy (development), or not at all.
  std::string ui_dir;
  bool no_ui = false;
  // The log's Ed25519 key (`ledgerctl keys generate`): signed checkpoints while it grows. During
  // a rotation, the key being replaced co-signs them.
  std::string signing_key;
  std::string previous_signing_key;
  // Complainants' personal data sealed with keys of the keystore (docs/privacy.md): the
  // key-encryption key file, and the keystore's directory ("": DIR/keystore).
  std::string kek;
  std::string keystore;
};

// The keystore of the ledger in `data_dir` (docs/privacy.md), opened with the KEK file `kek`;
// created only for a ledger without events (`log` empty): for one that has events a missing
// keystore is FailedPrecondition (create it with `ledgerctl keystore init`, or restore it: a new
// empty keystore would make every sealed complaint read as erased). Without a KEK: null when
// there is no keystore (personal data is recorded in the clear), FailedPrecondition when there
// is one (the ledger seals personal data). Every open erases again the keys of the subjects that
// `log` records as erased (api::ReconcileErasures), so that a restored older keystore does not
// bring them back.
ledger::Result<std::unique_ptr<ledger::keystore::Keystore>> OpenLedgerKeystore(
    const std::string& data_dir, const std::string& kek, const std::string& keystore_dir,
    ledger::EventLog& log);

// Creates the empty keystore of the ledger in `data_dir` (`keystore_dir`, "" for DIR/keystore),
// wrapped by the KEK in file `kek`, and names it in DIR/keystore.ref: `ledgerctl keystore init`,
// and `ledgerctl demo --kek` before it generates. FailedPrecondition when one exists or is named.
ledger::Result<std::unique_ptr<ledger::keystore::Keystore>> CreateLedgerKeystore(
    const std::string& data_dir, const std::string& kek, const std::string& keystore_dir = "");

// DIR/keystore.ref: which keystore seals the ledger's personal data, and where it is.
inline constexpr const char* kKeystoreRefName = "keystore.ref";

// --kek and --keystore on `cmd` (serve, demo).
void AddKeystoreFlags(CLI::App& cmd, std::string& kek, std::string& keystore);

// --ui-dir and --no-ui (the web console) on `cmd` (serve, demo).
void AddConsoleFlags(CLI::App& cmd, ServeFlags& flags);

// Serves `log` (whose directory is `data_dir`) over HTTP until SIGINT or SIGTERM: starts the
// application (policy, write path, projections: api/services/application.h), prints the bound
// address and the console's, shuts down gracefully and returns the exit code. The caller closes
// the log. `on_listening(url)` runs once the server listens ("http://127.0.0.1:8080").
int ServeLog(ledger::EventLog& log, const std::string& data_dir, const ServeFlags& flags,
             const std::function<void(const std::string&)>& on_listening = {});

}  // namespace tools
