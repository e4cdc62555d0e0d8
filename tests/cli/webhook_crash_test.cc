// The real `ledgerctl serve` delivering webhooks, killed with SIGKILL in the middle of a
// delivery and started again: every notification arrives at least once, a repeated one carries
// the same delivery id (and body and signature), and none arrives before those ahead of it.
//
// The notifications are written into the outbox while no server runs (the test opens the ledger
// itself), so that nothing test-only needs to be reachable in a server. The receiver is slow
// (each answer waits), so the kill lands while a POST waits for its answer. Nothing here
// measures time: each phase polls for its condition, with a bound.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "api/services/webhook_sender.h"
#include "ledger/log/event_log.h"
#include "ledger/log/outbox.h"
#include "testing/http_client.h"
#include "testing/process.h"
#include "testing/temp_dir.h"
#include "webhook_receiver.h"

namespace {

using api_testing::ReceivedRequest;
using testing_util::ReadWholeFile;
using testing_util::RunProcess;
using testing_util::TempDir;

const std::string kLedgerctl = std::string(LEDGER_BINARY_DIR) + "/tools/ledgerctl/ledgerctl";
const std::string kSecret = "crash-test-secret-0123456789";
constexpr int kNotifications = 30;

bool Eventually(const std::function<bool()>& condition,
                std::chrono::seconds bound = std::chrono::seconds(120)) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// `ledgerctl serve` as a child process, its output in files.
class Server {
 public:
  Server(std::string data, std::string scratch)
      : data_(std::move(data)), scratch_(std::move(scratch)) {}
  ~Server() { Kill(SIGKILL); }

  bool Start(std::string* error) {
    out_ = scratch_ + "/serve-" + std::to_string(++runs_);
    std::vector<std::string> args = {kLedgerctl,    "--data",           data_, "serve", "--listen",
                                     "127.0.0.1:0", "--min-free-bytes", "0"};
    pid_ = ::fork();
    if (pid_ == 0) {
      int o = ::open((out_ + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int e = ::open((out_ + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(o, 1);
      ::dup2(e, 2);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    const std::regex listening("listening on http://127\\.0\\.0\\.1:([0-9]+)");
    std::smatch m;
    Eventually([&] {
      std::string out = ReadWholeFile(out_ + ".out");
      if (std::regex_search(out, m, listening)) port_ = uint16_t(std::stoi(m[1]));
      return port_ != 0 || Exited();
    });
    if (port_ != 0) return true;
    *error = ReadWholeFile(out_ + ".err");
    return false;
  }

  int Kill(int signal) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
    port_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  bool Exited() {
    int status = 0;
    if (pid_ <= 0 || ::waitpid(pid_, &status, WNOHANG) != pid_) return pid_ <= 0;
    pid_ = 0;
    return true;
  }

  uint16_t port() const { return port_; }
  std::string errors() const { return ReadWholeFile(out_ + ".err"); }

 private:
  const std::string data_, scratch_;
  std::string out_;
  int runs_ = 0;
  pid_t pid_ = 0;
  uint16_t port_ = 0;
};

uint64_t SeqOf(const std::string& delivery_id) {
  return std::stoull(delivery_id.substr(delivery_id.rfind('-') + 1));
}

TEST(WebhookCrash, EveryNotificationArrivesAtLeastOnceAcrossASigkill) {
  TempDir dir;
  const std::string ledger_dir = dir.Sub("ledger");
  // The outbox, written while no server runs: three complaints, interleaved.
  {
    ledger::SystemClock clock;
    ledger::Options o;
    o.min_free_bytes = 0;
    auto log = ledger::EventLog::Open(ledger_dir, o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    ledger::Outbox outbox(log->get(), {&clock});
    for (int i = 1; i <= kNotifications; ++i) {
      const std::string complaint = "CMP-2026-00000" + std::to_string(i % 3 + 1);
      auto seq =
          outbox.Append(complaint + "/response/" + std::to_string(i), complaint,
                        R"({"complaint":")" + complaint + R"(","n":)" + std::to_string(i) + "}");
      ASSERT_TRUE(seq.ok()) << seq.status().ToString();
    }
    ASSERT_TRUE((*log)->Close().ok());
  }

  api_testing::WebhookReceiver receiver;
  ASSERT_TRUE(receiver.Start());
  receiver.SetDelay(std::chrono::milliseconds(100));
  testing_util::ProcessResult added =
      RunProcess({kLedgerctl, "--data", ledger_dir, "webhook", "add", "--url", receiver.Url(),
                  "--secret", kSecret},
                 dir.path());
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string hook = added.out.substr(0, added.out.find('\n'));

  Server server(ledger_dir, dir.path());
  std::string error;
  ASSERT_TRUE(server.Start(&error)) << error;
  // Killed while the receiver holds the answer to a POST (it has not been answered yet).
  ASSERT_TRUE(Eventually([&] {
    std::vector<ReceivedRequest> got = receiver.Requests();
    return got.size() >= 8 && got.back().answered == 0;
  })) << server.errors();
  EXPECT_EQ(server.Kill(SIGKILL), -1);
  const size_t before_kill = receiver.Requests().size();
  ASSERT_LT(receiver.Accepted(), static_cast<size_t>(kNotifications));

  ASSERT_TRUE(server.Start(&error)) << error;
  auto all_accepted = [&] {
    std::set<std::string> accepted;
    for (const ReceivedRequest& r : receiver.Requests())
      if (r.answered == 200) accepted.insert(r.delivery);
    return accepted.size() == static_cast<size_t>(kNotifications);
  };
  ASSERT_TRUE(Eventually(all_accepted)) << server.errors();

  // The restarted server's /metrics: nothing left for the webhook.
  testing_util::HttpClient client("127.0.0.1", server.port());
  ASSERT_TRUE(Eventually([&] {
    return client.Get("/metrics")
               .body.find("ledger_webhook_outbox_depth{webhook=\"" + hook + "\"} 0") !=
           std::string::npos;
  }));
  EXPECT_EQ(server.Kill(SIGTERM), 0) << server.errors();

  std::vector<ReceivedRequest> got = receiver.Requests();
  EXPECT_GT(got.size(), before_kill);
  std::map<std::string, ReceivedRequest> first;  // by delivery id
  uint64_t furthest = 0;
  size_t repeated = 0;
  for (const ReceivedRequest& r : got) {
    ASSERT_EQ(r.delivery.rfind(hook + "-", 0), 0u) << r.delivery;
    EXPECT_EQ(r.signature, api::WebhookSignature(kSecret, r.body));
    const uint64_t seq = SeqOf(r.delivery);
    // In order: never ahead of the next one not yet sent.
    EXPECT_LE(seq, furthest + 1) << r.delivery;
    furthest = std::max(furthest, seq);
    auto [it, inserted] = first.emplace(r.delivery, r);
    if (inserted) continue;
    ++repeated;
    EXPECT_EQ(r.body, it->second.body) << r.delivery;
    EXPECT_EQ(r.signature, it->second.signature) << r.delivery;
  }
  EXPECT_EQ(first.size(), static_cast<size_t>(kNotifications));
  EXPECT_EQ(furthest, static_cast<uint64_t>(kNotifications));
  // The POST cut by the kill was sent again, under the same id.
  EXPECT_GE(repeated, 1u);
}

}  // namespace
