// `ledgerctl backup` while the real `ledgerctl serve` takes writes, and `ledgerctl restore`: two
// incremental versions under load, the newest restored into a new directory holds every append
// acknowledged before its backup began and verifies against the head the backup printed; --list,
// --keep and a restore that would overwrite (docs/operations.md "Backup and restore").
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <regex>
#include <thread>

#include "ledger/log/event_log.h"
#include "testing/http_client.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace {

using testing_util::HttpClient;
using testing_util::HttpReply;
using testing_util::ReadWholeFile;
using testing_util::RunProcess;
using testing_util::TempDir;

const std::string kLedgerctl = std::string(LEDGER_BINARY_DIR) + "/tools/ledgerctl/ledgerctl";

bool Eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// `ledgerctl serve` as a child process, its output in files.
class Server {
 public:
  Server(std::string data, std::string out) : data_(std::move(data)), out_(std::move(out)) {}
  ~Server() { Stop(SIGKILL); }

  bool Start() {
    std::vector<std::string> args = {kLedgerctl,    "--data",           data_,
                                     "serve",       "--create",         "--listen",
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
    return Eventually([&] {
      std::smatch m;
      std::string out = ReadWholeFile(out_ + ".out");
      if (std::regex_search(out, m, listening)) port_ = uint16_t(std::stoi(m[1]));
      return port_ != 0;
    });
  }
  int Stop(int signal) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  uint16_t port() const { return port_; }
  std::string errors() const { return ReadWholeFile(out_ + ".err"); }

 private:
  const std::string data_, out_;
  pid_t pid_ = 0;
  uint16_t port_ = 0;
};

// One thread receiving complaints as fast as the server answers; each acknowledged one recorded.
class Writer {
 public:
  Writer(uint16_t port, std::string token) : port_(port), token_(std::move(token)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Writer() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // The positions acknowledged so far, with the complaint id of each.
  std::vector<std::pair<uint64_t, std::string>> acks() const {
    std::lock_guard<std::mutex> lock(mu_);
    return acks_;
  }
  size_t acked() const { return acks().size(); }

 private:
  void Run() {
    HttpClient client("127.0.0.1", port_, std::chrono::milliseconds(30000));
    client.SetBearer(token_);
    for (int n = 0; !stop_; ++n) {
      HttpReply r = client.Post("/v1/complaints", Receive("backup-" + std::to_string(n)),
                                {{"Content-Type", "application/json"}});
      if (r.status != 201) continue;
      boost::json::value v = r.Json();
      std::lock_guard<std::mutex> lock(mu_);
      acks_.emplace_back(uint64_t(v.at("position").as_int64()),
                         std::string(v.at("id").as_string()));
    }
  }
  static std::string Receive(const std::string& key) {
    return R"({"type":"receive","channel":"hotline","complainant":{"name":"Li Wei","phone":)"
           R"("13800000001","unit":"3-402","is_owner":true},"project":"p-lakeside","subject":)"
           R"("Leak","description":"Water leak in the ceiling","receiving_department":)"
           R"("customer_service","idempotency_key":")" +
           key + "\"}";
  }

  const uint16_t port_;
  const std::string token_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<std::pair<uint64_t, std::string>> acks_;
  std::thread thread_;
};

// "head POSITION:HASH" in what `backup` printed, or "".
std::string PrintedHead(const std::string& out) {
  std::smatch m;
  return std::regex_search(out, m, std::regex("head ([0-9]+:[0-9a-f]{64})")) ? m[1].str() : "";
}

TEST(Backup, WhileServingKeepsEveryAcknowledgedEventAndRestoresAVerifiedLedger) {
  TempDir dir;
  const std::string data = dir.Sub("ledger"), backups = dir.Sub("backups");
  ASSERT_EQ(::mkdir(data.c_str(), 0700), 0);
  auto token = RunProcess({kLedgerctl, "--data", data, "token", "add", "--actor", "u-cs-01",
                           "--role", "cs_agent", "--department", "customer_service"},
                          dir.path());
  ASSERT_EQ(token.exit_code, 0) << token.err;
  Server server(data, dir.Sub("serve"));
  ASSERT_TRUE(server.Start()) << server.errors();
  Writer writer(server.port(), token.out.substr(0, token.out.find('\n')));
  ASSERT_TRUE(Eventually([&] { return writer.acked() >= 20; })) << server.errors();

  // Two versions under load; what was acknowledged before each began must be in it.
  std::vector<std::pair<uint64_t, std::string>> before;
  std::string head;
  for (int round = 0; round < 2; ++round) {
    before = writer.acks();
    auto backup = RunProcess({kLedgerctl, "--data", data, "backup", backups}, dir.path());
    ASSERT_EQ(backup.exit_code, 0) << backup.err << server.errors();
    head = PrintedHead(backup.out);
    ASSERT_FALSE(head.empty()) << backup.out;
    ASSERT_TRUE(Eventually([&] { return writer.acked() >= before.size() + 10; }));
  }
  writer.Stop();
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.errors();

  auto list = RunProcess({kLedgerctl, "backup", "--list", backups}, dir.path());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(std::regex_search(list.out, std::regex("^1\t.*\n2\t.*head " + head + "\n$")))
      << list.out;

  const std::string restored = dir.Sub("restored");
  auto restore = RunProcess({kLedgerctl, "restore", backups, restored}, dir.path());
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_NE(restore.out.find("restored version 2"), std::string::npos) << restore.out;
  EXPECT_NE(restore.out.find("head " + head), std::string::npos) << restore.out;
  EXPECT_TRUE(std::filesystem::exists(restored + "/tokens.json"));
  auto verify =
      RunProcess({kLedgerctl, "--data", restored, "verify", "--expect-head", head}, dir.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.err;

  // Every event acknowledged before the second backup began is in the restored ledger.
  {
    ledger::Options o;
    o.read_only = true;
    auto log = ledger::EventLog::Open(restored, o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    const uint64_t position = std::stoull(head.substr(0, head.find(':')));
    EXPECT_EQ((*log)->GetHead().position, position);
    for (const auto& [at, id] : before) {
      ASSERT_LE(at, position) << id;
      auto event = (*log)->ReadAt(at);
      ASSERT_TRUE(event.ok()) << at << ": " << event.status().ToString();
      EXPECT_NE(std::string(event->stream()).find(id), std::string::npos) << at << " " << id;
    }
  }

  // A restore never overwrites: the restored directory is not empty now.
  auto again = RunProcess({kLedgerctl, "restore", backups, restored}, dir.path());
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("is not empty"), std::string::npos) << again.err;

  // --keep 1 with a third version (no server now: taken by ledgerctl itself) leaves one.
  auto kept =
      RunProcess({kLedgerctl, "--data", data, "backup", backups, "--keep", "1"}, dir.path());
  ASSERT_EQ(kept.exit_code, 0) << kept.err;
  list = RunProcess({kLedgerctl, "backup", "--list", backups}, dir.path());
  EXPECT_TRUE(std::regex_search(list.out, std::regex("^3\t[^\n]*\n$"))) << list.out;
  EXPECT_FALSE(std::filesystem::exists(backups + "/files/1"));
}

}  // namespace
