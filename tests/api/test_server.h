// TestServer: a real API server on an ephemeral loopback port over a fresh ledger in a temporary
// directory, with one token per role — for tests of the HTTP layer and, later, of the domain
// routes (pass them in `routes`).
//
//   api_testing::TestServer server;                         // log routes + health + stubs
//   testing_util::HttpClient c = server.Client(api::Role::kAuditor);
//   EXPECT_EQ(c.Get("/v1/events").status, 200);
//
// Time: the ledger, the rate limiter and the token store read `clock()` (a ManualClock); tests
// move it by hand. The rate limit is off unless the test sets options.rate_limit_per_second, the
// limit on failed authentications unless it sets options.auth_failure_per_second.
// Access-log lines are captured (AccessLines()).
//
// Thread-safety: used from the test's thread; AccessLines() from any.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/http/http_server.h"
#include "api/http/router.h"
#include "api/services/application.h"
#include "api/services/event_json.h"
#include "api/services/metrics.h"
#include "api/services/roles.h"
#include "api/services/token_store.h"
#include "ledger/base/clock.h"
#include "ledger/log/checkpointer.h"
#include "ledger/log/event_log.h"
#include "testing/http_client.h"
#include "testing/temp_dir.h"

namespace api_testing {

// Options for tests: no rate limit and no limit on failed authentications, 2 I/O threads,
// 4 workers (host and port are forced to 127.0.0.1:0 anyway).
api::ServerOptions TestOptions();

struct TestServerConfig {
  api::ServerOptions options = TestOptions();
  api::PayloadRenderer render;
  // Extra routes, registered after the log routes.
  std::function<ledger::Status(api::Router&, ledger::EventLog&)> routes;
  bool log_routes = true;
  // With application: how the product's services are set up (snapshot_path is the server's own).
  api::ApplicationOptions app_options;
  // An existing ledger directory to serve (default: a fresh one in the temporary directory).
  std::string ledger_dir;
  // Serve the whole product: api::Application (the default policy, the write path, projections
  // kept current by a follower) and every domain route, as `ledgerctl serve` does. The log routes
  // come with it (log_routes is then ignored).
  bool application = false;
};

// A config serving the whole product (application = true).
inline TestServerConfig ProductConfig() {
  TestServerConfig c;
  c.application = true;
  return c;
}

class TestServer {
 public:
  explicit TestServer(TestServerConfig config = {});
  ~TestServer();

  uint16_t port() const { return server_->port(); }
  ledger::EventLog& log() { return *log_; }
  api::HttpServer& server() { return *server_; }
  api::Metrics& metrics() { return metrics_; }
  api::Router& router() { return router_; }
  api::TokenStore& tokens() { return *tokens_; }
  // With config.application: the application (its command service, projections, policies).
  api::Application& app() { return *app_; }
  // A client whose token stands for `actor` (issued on first use).
  testing_util::HttpClient ClientAs(const ledger::Actor& actor);
  // The token that stands for `actor` (issued on first use).
  std::string TokenFor(const ledger::Actor& actor);
  // Waits until the projections have applied everything in the log (config.application).
  bool WaitForProjections();
  ledger::ManualClock& clock() { return clock_; }
  const std::string& dir() const { return dir_.path(); }

  // The token of actor "u-<role>" in department "dept-<role>".
  const std::string& token(api::Role role) const { return tokens_by_role_.at(role); }
  // A client on this server, with `role`'s token (none when nullopt).
  testing_util::HttpClient Client(std::optional<api::Role> role = std::nullopt) const;

  // Appends `n` small events to stream `stream`; returns the new head position.
  uint64_t Append(int n, const std::string& stream = "s-1");
  uint64_t Head() const { return log_->GetHead().position; }
  // Signs a checkpoint of the head with the server's key (origin "ledger.test/api"), so that the
  // proof and tile routes answer; returns it. POST /v1/ledger/checkpoint signs with it too.
  ledger::StoredCheckpoint SignCheckpoint();

  std::vector<std::string> AccessLines() const;

  // Shuts the server down and closes the ledger (the destructor does it too).
  void Stop();

 private:
  testing_util::TempDir dir_;
  ledger::ManualClock clock_{ledger::FromMicros(1'767'225'600'000'000)};  // 2026-01-01T00:00:00Z
  std::unique_ptr<ledger::EventLog> log_;
  std::unique_ptr<ledger::Checkpointer> checkpointer_;  // the server's signing key (generated)
  std::unique_ptr<api::TokenStore> tokens_;
  std::unique_ptr<api::Application> app_;
  std::map<std::string, std::string> tokens_by_actor_;
  api::Metrics metrics_;
  api::Router router_;
  std::unique_ptr<api::HttpServer> server_;
  std::map<api::Role, std::string> tokens_by_role_;
  mutable std::mutex lines_mu_;
  std::vector<std::string> lines_;
};

// Waits (polling, up to `timeout`) until `done()` is true. For conditions the server reaches on
// its own threads; the test asserts on the condition, never on how long it took.
bool WaitFor(const std::function<bool()>& done,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(20000));

// Sends one raw request (any method, optional Bearer token) and returns the status (0 on failure).
unsigned RawStatus(uint16_t port, const std::string& method, const std::string& target,
                   const std::string& token = "", std::string* body = nullptr);

}  // namespace api_testing
