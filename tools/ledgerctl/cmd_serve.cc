// ledgerctl serve: the API server over a ledger, until SIGINT or SIGTERM.
//
// main-style wiring (no singletons): this file builds the clock, the token store, the metrics,
// the router, the server and the webhook delivery (its own thread:
// api/services/webhook_delivery.h), and passes them down. The domain routes (complaints,
// projections) are registered in BuildRouter() next to the log routes; CheckContractRoutes()
// then refuses to start a server that would miss a route of the contract.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "api/http/console_routes.h"
#include "api/http/core_routes.h"
#include "api/http/http_server.h"
#include "api/http/log_routes.h"
#include "api/http/product_routes.h"
#include "api/services/application.h"
#include "api/services/token_store.h"
#include "api/services/webhook_delivery.h"
#include "api/services/webhook_store.h"
#include "ledger/base/clock.h"
#include "ledger/base/signed_note.h"
#include "ledger/domain/key_record.h"
#include "ledger/keystore/keystore.h"
#include "ledger/log/checkpointer.h"
#include "ledger/log/event_log.h"
#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/control_socket.h"
#include "tools/ledgerctl/session.h"

namespace tools {
namespace {

// SIGINT/SIGTERM write a byte to a pipe that WaitForShutdownSignal() reads. A handler (rather
// than a blocked mask) works whichever thread the signal lands on, including threads started
// before this was installed (the ledger's commit thread).
int g_signal_pipe[2] = {-1, -1};

extern "C" void OnShutdownSignal(int) {
  int saved = errno;
  char byte = 1;
  ssize_t n = ::write(g_signal_pipe[1], &byte, 1);
  (void)n;
  errno = saved;
}

bool InstallShutdownSignals() {
  if (::pipe2(g_signal_pipe, O_CLOEXEC) != 0) return false;
  struct sigaction sa {};
  sa.sa_handler = OnShutdownSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  return ::sigaction(SIGINT, &sa, nullptr) == 0 && ::sigaction(SIGTERM, &sa, nullptr) == 0;
}

void WaitForShutdownSignal() {
  char byte;
  while (::read(g_signal_pipe[0], &byte, 1) < 0 && errno == EINTR) {
  }
}

// "127.0.0.1:8080", "[::1]:8080", ":8080" (all interfaces) -> host and port.
bool ParseListen(const std::string& listen, std::string* host, uint16_t* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  std::string h = listen.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  *host = h.empty() ? "0.0.0.0" : h;
  try {
    size_t used = 0;
    unsigned long p = std::stoul(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1 || p > 65535) return false;
    *port = static_cast<uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

ledger::Status BuildRouter(api::Router& router, api::Application& app, api::Metrics& metrics,
                           const ledger::EventLog& log, const ServeFlags& flags,
                           ledger::Checkpointer* checkpointer) {
  LEDGER_RETURN_IF_ERROR(api::RegisterHealthRoutes(router, &metrics, &log));
  LEDGER_RETURN_IF_ERROR(api::RegisterProductRoutes(app, router, metrics, checkpointer));
  LEDGER_RETURN_IF_ERROR(
      api::RegisterConsoleRoutes(router, {.enabled = !flags.no_ui, .directory = flags.ui_dir}));
  // Every route of the contract is built; a server missing one does not start.
  return api::CheckContractRoutes(router);
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(int64_t(seconds * 1000));
}

// The server's limits and timeouts, from the flags.
void SetServerLimits(const ServeFlags& flags, api::ServerOptions& options) {
  options.max_connections = flags.max_connections;
  options.max_body_bytes = flags.max_body_bytes;
  options.rate_limit_per_second = flags.rate_limit;
  options.rate_limit_burst = flags.rate_burst;
  options.auth_failure_per_second = flags.auth_failure_rate;
  options.auth_failure_burst = flags.auth_failure_burst;
  options.worker_threads = flags.workers;
  options.max_header_bytes = flags.max_header_bytes;
  options.idle_timeout = Millis(flags.idle_timeout_s);
  options.header_timeout = Millis(flags.header_timeout_s);
  options.body_timeout = Millis(flags.body_timeout_s);
  options.write_timeout = Millis(flags.write_timeout_s);
  options.sse_heartbeat = Millis(flags.sse_heartbeat_s);
}

void Warn(std::string_view w) {
  std::fprintf(stderr, "ledgerctl: warning: %.*s\n", static_cast<int>(w.size()), w.data());
}

int Serve(const Globals& g, const ServeFlags& flags, bool create) {
  std::string host;
  uint16_t port = 0;
  if (!ParseListen(flags.listen, &host, &port))
    return Fail(kExitUsage, "--listen must be HOST:PORT, not '" + flags.listen + "'");
  if (!InstallShutdownSignals()) return Fail(kExitUsage, "cannot install signal handlers");
  ledger::Options options;
  options.min_free_bytes = flags.min_free_bytes;
  options.resume_free_bytes = flags.resume_free_bytes;
  auto session = Session::Open(g.data_dir, create ? Access::kCreate : Access::kWrite, options);
  if (!session.ok()) {
    if (!create && session.status().message().rfind("no ledger", 0) == 0)
      return Fail(kExitUnavailable,
                  "no ledger in '" + g.data_dir + "' (use --create to start an empty one)");
    return FailWith(session.status());
  }
  int code = ServeLog((*session)->log(), g.data_dir, flags);
  if (ledger::Status closed = (*session)->Close(); !closed.ok())
    return Fail(kExitFailed, "closing the ledger: " + OneLine(closed));
  return code;
}

}  // namespace

int ServeLog(ledger::EventLog& log, const std::string& data_dir, const ServeFlags& flags,
             const std::function<void(const std::string&)>& on_listening) {
  if (g_signal_pipe[0] < 0 && !InstallShutdownSignals())
    return Fail(kExitUsage, "cannot install signal handlers");
  api::ServerOptions options;
  if (!ParseListen(flags.listen, &options.host, &options.port))
    return Fail(kExitUsage, "--listen must be HOST:PORT, not '" + flags.listen + "'");
  std::string policy_text;
  if (!flags.policy.empty()) {
    std::optional<std::string> text = ReadFile(flags.policy);
    if (!text) return Fail(kExitUsage, "cannot read the policy file " + flags.policy);
    policy_text = std::move(*text);
  }
  SetServerLimits(flags, options);
  if (!flags.ui_dir.empty() && !std::filesystem::is_directory(flags.ui_dir))
    return Fail(kExitUsage, "--ui-dir " + flags.ui_dir + " is not a directory");
  // Signed checkpoints (docs/operations.md, "Checkpoints and proofs"): the key is read first, so
  // that a key others may read, or one inside the ledger, stops the server before it serves.
  std::optional<ledger::note::NoteSigner> signer, previous;
  if (!flags.signing_key.empty()) {
    ledger::Result<ledger::note::NoteSigner> key =
        ledger::note::NoteSigner::FromKeyFile(flags.signing_key, data_dir);
    if (!key.ok()) return Fail(kExitUsage, "--signing-key: " + key.status().message());
    signer = std::move(key).value();
  }
  if (!flags.previous_signing_key.empty()) {
    ledger::Result<ledger::note::NoteSigner> key =
        ledger::note::NoteSigner::FromKeyFile(flags.previous_signing_key, data_dir);
    if (!key.ok()) return Fail(kExitUsage, "--previous-signing-key: " + key.status().message());
    previous = std::move(key).value();
  }
  ledger::Result<std::unique_ptr<ledger::keystore::Keystore>> keystore =
      OpenLedgerKeystore(data_dir, flags.kek, flags.keystore, log);
  if (!keystore.ok()) return Fail(kExitUsage, OneLine(keystore.status()));

  ledger::SystemClock clock;
  options.clock = &clock;
  std::string token_path =
      flags.tokens.empty() ? api::TokenStore::PathInDirectory(data_dir) : flags.tokens;
  api::TokenStore tokens(token_path, {&clock, std::chrono::milliseconds(1000), Warn});
  if (ledger::Status s = tokens.Load(); !s.ok()) return FailWith(s);
  if (auto list = tokens.List(); list.ok() && list->empty())
    std::fprintf(stderr,
                 "ledgerctl: warning: no tokens in %s yet; add one with `ledgerctl token add`\n",
                 token_path.c_str());

  api::ApplicationOptions app_options;
  app_options.policy_text = std::move(policy_text);
  app_options.warn = Warn;
  app_options.snapshot_path = (std::filesystem::path(data_dir) / "projections.snapshot").string();
  app_options.heavy_queries = flags.max_heavy_queries;
  app_options.keystore = keystore->get();
  app_options.outbox_retention = std::chrono::duration_cast<ledger::Duration>(
      std::chrono::duration<double, std::ratio<86400>>(flags.outbox_retention_days));
  auto app = api::Application::Start(&log, &clock, std::move(app_options));
  if (!app.ok()) return FailWith(app.status());
  std::fprintf(stderr, "ledgerctl: projections: %s\n", (*app)->how_projections_started().c_str());

  // Webhooks: DIR/webhooks.json, reloaded when `ledgerctl webhook` changes it.
  api::WebhookStore webhooks(api::WebhookStore::PathInDirectory(data_dir),
                             {&clock, std::chrono::milliseconds(1000), Warn});
  if (ledger::Status s = webhooks.Load(); !s.ok()) return FailWith(s);
  api::WebhookDeliveryOptions delivery_options;
  delivery_options.clock = &clock;
  delivery_options.max_backoff = Millis(flags.webhook_max_backoff_s);
  delivery_options.warn = Warn;
  delivery_options.ca_file = flags.webhook_ca_file;
  if (!flags.webhook_ca_file.empty() && !ReadFile(flags.webhook_ca_file))
    return Fail(kExitUsage, "cannot read --webhook-ca-file " + flags.webhook_ca_file);
  api::WebhookDelivery delivery(&(*app)->outbox(), &webhooks, delivery_options);
  std::unique_ptr<ledger::Checkpointer> checkpointer;
  if (signer) {
    // The ledger records the key before it signs (ledger/domain/key_record.h).
    std::string said;
    if (ledger::Status s = ledger::domain::AdoptSigningKey(
            log, *signer, previous ? &*previous : nullptr, {"ledgerctl", "admin", ""},
            (*app)->policies().current_version(), &said);
        !s.ok())
      return Fail(kExitUsage, "--signing-key: " + OneLine(s));
    if (!said.empty()) std::fprintf(stderr, "ledgerctl: %s\n", said.c_str());
    checkpointer = std::make_unique<ledger::Checkpointer>(&log, std::move(*signer), &clock);
    if (previous) {
      if (ledger::Status s = checkpointer->CosignWith(std::move(*previous)); !s.ok())
        return Fail(kExitUsage, "--previous-signing-key: " + OneLine(s));
    }
    if (ledger::Result<ledger::StoredCheckpoint> first = checkpointer->SignNow(); !first.ok())
      return Fail(kExitUnavailable, "signing a checkpoint: " + OneLine(first.status()));
    std::printf("checkpoints: signed by %s%s\n", checkpointer->signer().VerifierKey().c_str(),
                flags.previous_signing_key.empty() ? "" : " (and the previous key, co-signing)");
    checkpointer->Start();
  }

  api::Metrics metrics;
  delivery.RegisterMetrics(metrics);
  api::Router router;
  if (ledger::Status s = BuildRouter(router, **app, metrics, log, flags, checkpointer.get());
      !s.ok())
    return Fail(kExitInternal, s.ToString());
  api::HttpServer server(options, &router, &tokens, &metrics);
  if (ledger::Status s = server.Start(); !s.ok()) return Fail(kExitUnavailable, OneLine(s));
  delivery.Start();
  // `ledgerctl backup` while serving (control_socket.h). Without it the server still serves.
  ledger::Result<std::unique_ptr<ControlSocket>> control =
      ControlSocket::Start(data_dir, &log, checkpointer.get());
  if (!control.ok())
    std::fprintf(stderr, "ledgerctl: warning: no backups while serving: %s\n",
                 OneLine(control.status()).c_str());
  std::printf("personal data: %s\n", *keystore
                                         ? ("sealed (keystore " + (*keystore)->dir() + ", KEK " +
                                            (*keystore)->kek_id() + ")")
                                               .c_str()
                                         : "in the clear (give --kek to seal it: docs/privacy.md)");
  const std::string url =
      "http://" + options.host + ":" + std::to_string(static_cast<unsigned>(server.port()));
  std::printf("listening on %s\n", url.c_str());
  const std::string console =
      flags.no_ui ? std::string("off (--no-ui)")
                  : url + "/ui/" + (flags.ui_dir.empty() ? "" : " (from " + flags.ui_dir + ")");
  std::printf("console: %s\n", console.c_str());
  if (on_listening) on_listening(url);
  std::fflush(stdout);

  WaitForShutdownSignal();
  std::fprintf(stderr, "ledgerctl: shutting down: finishing requests in flight\n");
  server.Shutdown();
  delivery.Stop();  // a delivery in flight is cut; it is sent again after the next start
  if (checkpointer) checkpointer->Stop();
  (*app)->Stop();  // the follower stops and a projection snapshot is written
  return 0;
}

void AddConsoleFlags(CLI::App& cmd, ServeFlags& flags) {
  CLI::Option* dir = cmd.add_option("--ui-dir", flags.ui_dir,
                                    "serve the web console from this directory instead of the "
                                    "embedded copy (development: edit, then reload)");
  cmd.add_flag("--no-ui", flags.no_ui, "do not serve the web console (/ui/ answers 404)")
      ->excludes(dir);
}

void RegisterServeCommand(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand("serve", "serve the API over HTTP until SIGINT or SIGTERM");
  cmd->fallthrough();  // --data may follow the subcommand
  auto flags = std::make_shared<ServeFlags>();
  auto create = std::make_shared<bool>(false);
  cmd->add_option("--listen", flags->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  cmd->add_option("--tokens", flags->tokens, "the token file (default: DIR/tokens.json)");
  cmd->add_option("--signing-key", flags->signing_key,
                  "the log's signing key (ledgerctl keys generate; mode 0600, outside DIR): "
                  "signed checkpoints while the log grows, at most once a second");
  cmd->add_option("--previous-signing-key", flags->previous_signing_key,
                  "during a key rotation: the key being replaced, which co-signs every "
                  "checkpoint (the ledger records the rotation at start)")
      ->needs(cmd->get_option("--signing-key"));
  AddKeystoreFlags(*cmd, flags->kek, flags->keystore);
  cmd->add_option(
      "--policy", flags->policy,
      "a policy file: published as the next version if it differs from the current one");
  cmd->add_option("--workers", flags->workers,
                  "handler threads (actions wait for durability on them)")
      ->capture_default_str();
  cmd->add_option("--max-connections", flags->max_connections, "open connections at most")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes", flags->max_body_bytes, "largest request body")
      ->capture_default_str();
  cmd->add_option("--rate-limit", flags->rate_limit, "requests per second per token (0: off)")
      ->capture_default_str();
  cmd->add_option("--rate-burst", flags->rate_burst, "burst per token")->capture_default_str();
  cmd->add_option("--max-heavy-queries", flags->max_heavy_queries,
                  "as-of, known-at and what-if reports computed at once (each folds the whole "
                  "log; more wait, then get 429)")
      ->capture_default_str();
  cmd->add_option("--auth-failure-rate", flags->auth_failure_rate,
                  "failed authentications per second per client address (0: off)")
      ->capture_default_str();
  cmd->add_option("--auth-failure-burst", flags->auth_failure_burst,
                  "failed authentications per client address in a burst")
      ->capture_default_str();
  cmd->add_option("--max-header-bytes", flags->max_header_bytes, "request line and headers at most")
      ->capture_default_str();
  cmd->add_option("--idle-timeout", flags->idle_timeout_s,
                  "seconds a keep-alive connection may wait for its next request")
      ->capture_default_str();
  cmd->add_option("--header-timeout", flags->header_timeout_s,
                  "seconds to receive a whole request header (slow clients are cut)")
      ->capture_default_str();
  cmd->add_option("--body-timeout", flags->body_timeout_s, "seconds to receive a whole body")
      ->capture_default_str();
  cmd->add_option("--write-timeout", flags->write_timeout_s,
                  "seconds for each write to a client (one that stops reading is cut)")
      ->capture_default_str();
  cmd->add_option("--sse-heartbeat", flags->sse_heartbeat_s,
                  "seconds of silence before an event stream sends a heartbeat")
      ->capture_default_str();
  cmd->add_option("--min-free-bytes", flags->min_free_bytes,
                  "refuse appends while the disk has less free space than this (0: no reserve)")
      ->capture_default_str();
  cmd->add_option("--resume-free-bytes", flags->resume_free_bytes,
                  "accept appends again once the disk has this much free space")
      ->capture_default_str();
  cmd->add_option("--outbox-retention-days", flags->outbox_retention_days,
                  "days to keep outbox entries every webhook has received")
      ->capture_default_str();
  cmd->add_option("--webhook-max-backoff", flags->webhook_max_backoff_s,
                  "seconds between attempts at a failing webhook, at most (from 1, doubling)")
      ->capture_default_str();
  cmd->add_option("--webhook-ca-file", flags->webhook_ca_file,
                  "PEM certificates to trust for https:// webhooks (default: the system's)");
  AddConsoleFlags(*cmd, *flags);
  cmd->add_flag("--create", *create, "create an empty ledger when DIR holds none");
  cmd->callback([&g, &run, flags, create] {
    run = [&g, flags, create] { return Serve(g, *flags, *create); };
  });
}

}  // namespace tools
