#include "test_server.h"

#include <gtest/gtest.h>

#include <thread>

#include "api/http/core_routes.h"
#include "api/http/log_routes.h"
#include "api/http/product_routes.h"
#include "ledger/base/signed_note.h"
#include "ledger/log/checkpointer.h"
#include "testing/log_util.h"

namespace api_testing {

api::ServerOptions TestOptions() {
  api::ServerOptions o;
  o.rate_limit_per_second = 0;
  o.auth_failure_per_second = 0;
  o.io_threads = 2;
  o.worker_threads = 4;
  return o;
}

TestServer::TestServer(TestServerConfig config) {
  ledger::Options lo;
  lo.clock = &clock_;
  std::string ledger_dir = config.ledger_dir.empty() ? dir_.Sub("ledger") : config.ledger_dir;
  auto opened = ledger::EventLog::Open(ledger_dir, lo);
  if (!opened.ok()) {
    ADD_FAILURE() << opened.status().ToString();
    std::abort();
  }
  log_ = std::move(opened).value();

  tokens_ = std::make_unique<api::TokenStore>(
      api::TokenStore::PathInDirectory(ledger_dir),
      api::TokenStore::Options{&clock_, std::chrono::milliseconds(1000), {}});
  for (api::Role role : api::AllRoles()) {
    std::string name(api::RoleName(role));
    auto issued = tokens_->Add({"u-" + name, name, "dept-" + name});
    if (!issued.ok()) {
      ADD_FAILURE() << issued.status().ToString();
      std::abort();
    }
    tokens_by_role_[role] = issued->token;
  }

  auto check = [](const ledger::Status& s) {
    if (!s.ok()) {
      ADD_FAILURE() << s.ToString();
      std::abort();
    }
  };
  checkpointer_ = std::make_unique<ledger::Checkpointer>(
      log_.get(),
      std::move(ledger::note::NoteSigner::FromKeyText(
                    *ledger::note::NoteSigner::GenerateKeyFile("ledger.test/api"))
                    .value()),
      &clock_);
  check(api::RegisterHealthRoutes(router_, &metrics_));
  if (config.application) {
    api::ApplicationOptions app_options = config.app_options;
    app_options.snapshot_path = dir_.Sub("projections.snapshot");
    auto app = api::Application::Start(log_.get(), &clock_, std::move(app_options));
    if (!app.ok()) {
      ADD_FAILURE() << app.status().ToString();
      std::abort();
    }
    app_ = std::move(app).value();
    check(api::RegisterProductRoutes(*app_, router_, metrics_, checkpointer_.get()));
  } else if (config.log_routes) {
    check(api::RegisterLogRoutes(router_, {.log = log_.get(),
                                           .metrics = &metrics_,
                                           .render = config.render,
                                           .checkpointer = checkpointer_.get()}));
  }
  if (config.routes) check(config.routes(router_, *log_));
  if (app_) check(api::CheckContractRoutes(router_));  // the product serves the whole contract

  api::ServerOptions options = config.options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.clock = &clock_;
  options.access_log = [this](std::string_view line) {
    std::lock_guard<std::mutex> lock(lines_mu_);
    lines_.emplace_back(line);
  };
  server_ = std::make_unique<api::HttpServer>(options, &router_, tokens_.get(), &metrics_);
  check(server_->Start());
}

TestServer::~TestServer() { Stop(); }

void TestServer::Stop() {
  if (server_) server_->Shutdown();
  if (app_) app_->Stop();
  if (log_) {
    ledger::Status s = log_->Close();
    if (!s.ok()) ADD_FAILURE() << s.ToString();
  }
}

testing_util::HttpClient TestServer::Client(std::optional<api::Role> role) const {
  testing_util::HttpClient c("127.0.0.1", server_->port());
  if (role) c.SetBearer(token(*role));
  return c;
}

std::string TestServer::TokenFor(const ledger::Actor& actor) {
  std::string key = actor.id + "|" + actor.role + "|" + actor.department;
  auto it = tokens_by_actor_.find(key);
  if (it == tokens_by_actor_.end()) {
    auto issued = tokens_->Add(actor);
    EXPECT_TRUE(issued.ok()) << issued.status().ToString();
    it = tokens_by_actor_.emplace(key, issued.ok() ? issued->token : "").first;
  }
  return it->second;
}

testing_util::HttpClient TestServer::ClientAs(const ledger::Actor& actor) {
  testing_util::HttpClient c("127.0.0.1", server_->port());
  c.SetBearer(TokenFor(actor));
  return c;
}

bool TestServer::WaitForProjections() {
  return WaitFor([this] { return app_->projections().position() >= Head(); });
}

uint64_t TestServer::Append(int n, const std::string& stream) {
  auto r = log_->Append(testing_util::Request(stream, n));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return Head();
}

ledger::StoredCheckpoint TestServer::SignCheckpoint() {
  ledger::Result<ledger::StoredCheckpoint> c = checkpointer_->SignNow();
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : ledger::StoredCheckpoint{};
}

std::vector<std::string> TestServer::AccessLines() const {
  std::lock_guard<std::mutex> lock(lines_mu_);
  return lines_;
}

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // polling interval, not a clock
  }
  return true;
}

unsigned RawStatus(uint16_t port, const std::string& method, const std::string& target,
                   const std::string& token, std::string* body) {
  testing_util::RawConnection c("127.0.0.1", port);
  std::string request =
      method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
  if (method == "POST")
    request += "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
  else
    request += "\r\n";
  if (!c.Send(request)) return 0;
  std::string head = c.ReadUntil("\r\n\r\n", std::chrono::milliseconds(15000));
  if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) return 0;
  if (body != nullptr) {
    size_t end = head.find("\r\n\r\n");
    *body = end == std::string::npos ? "" : head.substr(end + 4);
    // Bodies of problems are small and arrive with the header or right after it.
    if (head.find("text/event-stream") == std::string::npos && !c.closed())
      *body += c.ReadUntil("}", std::chrono::milliseconds(5000));
  }
  return static_cast<unsigned>(std::stoul(head.substr(9, 3)));
}

}  // namespace api_testing
