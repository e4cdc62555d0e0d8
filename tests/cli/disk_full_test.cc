// `ledgerctl serve` on a disk that fills up, with real processes and real files: the test mounts
// a small tmpfs, serves a ledger on it under concurrent appends, and fills the rest with a file.
// Appends are refused cleanly (503, no path in any answer), reads go on, /healthz and /metrics
// raise the alarm; once the file is deleted appends succeed again in the same process. Filled
// again, the server is killed with SIGKILL and restarted while the disk is still full: it starts,
// serves reads and refuses appends, and resumes once space is freed. At the end the ledger
// verifies and every acknowledged event is at its acknowledged position.
//
// Mounting needs root (CAP_SYS_ADMIN): without it the test is skipped, except under CI=true,
// where it fails. Nothing here measures time: each phase polls for its condition, with a bound.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

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
constexpr auto kBound = std::chrono::seconds(120);  // for each condition polled

bool Eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + kBound;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// A tmpfs of `megabytes` at `dir`, unmounted when the object goes.
class Tmpfs {
 public:
  Tmpfs(const std::string& dir, int megabytes) : dir_(dir) {
    std::filesystem::create_directories(dir);
    const std::string size = "size=" + std::to_string(megabytes) + "m";
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, size.c_str()) == 0)
      mounted_ = true;
    else
      error_ = std::strerror(errno);
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string error_;
};

// Writes zeros into `path` until the file system is full (to the last page).
void Fill(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  std::vector<char> zeros(1 << 20, 0);
  for (size_t chunk : {size_t{1} << 20, size_t{4096}, size_t{1}})
    while (::write(fd, zeros.data(), chunk) > 0) {
    }
  ::close(fd);
}

// `ledgerctl serve` as a child process; its output goes to files outside the filled disk.
class Server {
 public:
  Server(std::string data, std::string scratch) : data_(std::move(data)), scratch_(scratch) {}
  ~Server() { Kill(SIGKILL); }

  // Starts it and waits until it listens; false (with the reason in `error`) when it does not.
  bool Start(bool create, std::string* error) {
    static int run = 0;
    out_ = scratch_ + "/serve-" + std::to_string(++run);
    // No reserve: RocksDB itself meets the full disk. Resume once 4 MiB are free. No rate limit.
    std::vector<std::string> args = {kLedgerctl,
                                     "--data",
                                     data_,
                                     "serve",
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--min-free-bytes",
                                     "0",
                                     "--resume-free-bytes",
                                     "4194304",
                                     "--rate-limit",
                                     "0"};
    if (create) args.push_back("--create");
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
    bool up = Eventually([&] {
      std::string out = ReadWholeFile(out_ + ".out");
      if (std::regex_search(out, m, listening)) port_ = uint16_t(std::stoi(m[1]));
      return port_ != 0 || Exited();
    });
    if (port_ != 0) return true;
    *error = (up ? "it exited: " : "it did not listen: ") + ReadWholeFile(out_ + ".err");
    return false;
  }

  // Sends `signal` and waits for the process; its exit code (-1: killed by a signal).
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

  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  // What it said on stderr, less the access log.
  std::string errors() const {
    std::istringstream in(ReadWholeFile(out_ + ".err"));
    std::string said, line;
    while (std::getline(in, line))
      if (line.rfind("time=", 0) != 0) said += line + "\n";
    return said;
  }

 private:
  const std::string data_, scratch_;
  std::string out_;
  pid_t pid_ = 0;
  uint16_t port_ = 0;
};

struct Ack {
  std::string id;
  uint64_t version = 0, position = 0;
};

// Threads that receive complaints as fast as the server answers, until stopped.
class Writers {
 public:
  Writers(uint16_t port, std::string token, std::string forbidden)
      : port_(port), token_(std::move(token)), forbidden_(std::move(forbidden)) {
    for (int t = 0; t < 4; ++t) threads_.emplace_back([this, t] { Run(t); });
  }
  ~Writers() { Stop(); }
  void Stop() {
    stop_ = true;
    for (std::thread& t : threads_)
      if (t.joinable()) t.join();
  }

  size_t acked() const { return acked_.load(); }
  size_t refused() const { return refused_.load(); }
  std::vector<Ack> acks() const {
    std::lock_guard<std::mutex> lock(mu_);
    return acks_;
  }
  std::vector<std::string> problems() const {
    std::lock_guard<std::mutex> lock(mu_);
    return problems_;
  }

 private:
  void Run(int t) {
    HttpClient client("127.0.0.1", port_, std::chrono::milliseconds(30000));
    client.SetBearer(token_);
    for (int n = 0; !stop_; ++n) {
      const std::string key =
          "disk-full-" + std::to_string(port_) + "-" + std::to_string(t) + "-" + std::to_string(n);
      HttpReply r =
          client.Post("/v1/complaints", Receive(key), {{"Content-Type", "application/json"}});
      std::lock_guard<std::mutex> lock(mu_);
      if (r.status == 201) {
        boost::json::value v = r.Json();
        acks_.push_back({std::string(v.at("id").as_string()), uint64_t(v.at("version").as_int64()),
                         uint64_t(v.at("position").as_int64())});
        ++acked_;
      } else if (r.status == 503) {
        ++refused_;
        const std::string detail = std::string(r.Json().at("detail").as_string());
        // No path in any answer: no directory of this machine, no '/' in the detail at all.
        if (detail.find('/') != std::string::npos || r.body.find(forbidden_) != std::string::npos)
          problems_.push_back("a path in a 503: " + r.body);
      } else if (r.status != 0) {  // 0: the connection went (the server was killed)
        problems_.push_back(std::to_string(r.status) + ": " + r.body);
      }
      if (r.status != 201) std::this_thread::sleep_for(std::chrono::milliseconds(5));
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
  const std::string token_, forbidden_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> acked_{0}, refused_{0};
  mutable std::mutex mu_;
  std::vector<Ack> acks_;
  std::vector<std::string> problems_;
  std::vector<std::thread> threads_;
};

// One scrape's sample of a metric without labels, or -1.
double Sample(const std::string& metrics, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(metrics, m, std::regex("\n" + name + " ([0-9.e+]+)\n"))) return -1;
  return std::stod(m[1]);
}

// Polls `condition` while the server runs: false if the server died first (or the bound passed).
bool WhileAlive(Server& server, const std::function<bool()>& condition) {
  return Eventually([&] { return condition() || server.Exited(); }) && !server.Exited();
}

class DiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    mount_ = std::make_unique<Tmpfs>(dir_.Sub("disk"), 32);
    if (!mount_->mounted()) {
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true")
        FAIL() << "cannot mount a tmpfs (" << mount_->error() << "), and CI=true requires it";
      GTEST_SKIP() << "cannot mount a tmpfs (" << mount_->error()
                   << "): this test needs root (CAP_SYS_ADMIN) to fill a real disk";
    }
    data_ = dir_.Sub("disk/ledger");
    filler_ = dir_.Sub("disk/filler");
    scratch_ = dir_.Sub("out");
    std::filesystem::create_directories(scratch_);
    ASSERT_EQ(::mkdir(data_.c_str(), 0700), 0);
    auto token = RunProcess({kLedgerctl, "--data", data_, "token", "add", "--actor", "u-cs-01",
                             "--role", "cs_agent", "--department", "customer_service"},
                            scratch_);
    ASSERT_EQ(token.exit_code, 0) << token.err;
    token_ = token.out.substr(0, token.out.find('\n'));
  }

  // The state /healthz reports ("accepted" / "refused"); the whole body in `body`.
  std::string Writes(const Server& server, std::string* body = nullptr) {
    HttpReply r = HttpClient("127.0.0.1", server.port()).Get("/healthz");
    EXPECT_EQ(r.status, 200u) << r.body;  // liveness: alive whatever the disk
    if (body) *body = r.body;
    boost::json::value v = r.Json();
    return v.is_object() && v.as_object().contains("writes")
               ? std::string(v.at("writes").as_string())
               : "";
  }

  std::string Metrics(const Server& server) {
    return HttpClient("127.0.0.1", server.port()).Get("/metrics").body;
  }

  unsigned Read(const Server& server, const std::string& id) {
    HttpClient client("127.0.0.1", server.port());
    client.SetBearer(token_);
    return client.Get("/v1/complaints/" + id).status;
  }

  TempDir dir_;
  std::unique_ptr<Tmpfs> mount_;
  std::string data_, filler_, scratch_, token_;
};

TEST_F(DiskFull, RefusesAppendsWhileFullServesReadsAndResumesByItselfAcrossAKill) {
  std::vector<Ack> acks;
  std::vector<std::string> problems;
  auto collect = [&](Writers& w) {
    w.Stop();
    for (Ack& a : w.acks()) acks.push_back(a);
    for (std::string& p : w.problems()) problems.push_back(p);
  };
  Server server(data_, scratch_);
  std::string error, body;
  ASSERT_TRUE(server.Start(/*create=*/true, &error)) << error;
  const pid_t first_pid = server.pid();

  // 1. Appends flow; the disk fills; appends are refused, reads go on, the alarm is up.
  {
    Writers writers(server.port(), token_, dir_.path());
    ASSERT_TRUE(WhileAlive(server, [&] { return writers.acked() >= 20; })) << server.errors();
    Fill(filler_);
    ASSERT_TRUE(WhileAlive(server, [&] { return writers.refused() >= 20; })) << server.errors();
    EXPECT_EQ(Writes(server, &body), "refused") << body;
    EXPECT_EQ(body.find('/'), std::string::npos) << body;
    const std::string metrics = Metrics(server);
    EXPECT_EQ(Sample(metrics, "ledger_storage_writable"), 0) << metrics;
    EXPECT_GT(Sample(metrics, "ledger_log_refused_total"), 0) << metrics;
    EXPECT_EQ(Read(server, writers.acks().front().id), 200u);

    // 2. Space is freed: appends succeed again, in the same process.
    const size_t before = writers.acked();
    std::filesystem::remove(filler_);
    ASSERT_TRUE(WhileAlive(server, [&] { return writers.acked() >= before + 20; }))
        << server.errors();
    EXPECT_EQ(server.pid(), first_pid);
    EXPECT_EQ(Writes(server), "accepted");
    EXPECT_GE(Sample(Metrics(server), "ledger_storage_resumed_total"), 1);

    // 3. Full again, and killed while full.
    const size_t refused = writers.refused();
    Fill(filler_);
    ASSERT_TRUE(WhileAlive(server, [&] { return writers.refused() >= refused + 20; }))
        << server.errors();
    EXPECT_EQ(server.Kill(SIGKILL), -1);
    collect(writers);
  }

  // 4. Restarted on the full disk: it starts, serves reads, refuses appends.
  ASSERT_TRUE(server.Start(/*create=*/false, &error)) << error;
  EXPECT_EQ(Writes(server, &body), "refused") << body;
  EXPECT_EQ(Read(server, acks.back().id), 200u);
  {
    Writers writers(server.port(), token_, dir_.path());
    ASSERT_TRUE(WhileAlive(server, [&] { return writers.refused() >= 5; })) << server.errors();
    EXPECT_EQ(writers.acked(), 0u);

    // 5. Space is freed: appends resume, without a restart.
    std::filesystem::remove(filler_);
    ASSERT_TRUE(WhileAlive(server, [&] { return writers.acked() >= 20; })) << server.errors();
    collect(writers);
  }
  EXPECT_EQ(Writes(server), "accepted");
  const std::string restarted_log = server.errors();
  EXPECT_EQ(server.Kill(SIGTERM), 0) << server.errors();
  if (std::getenv("LEDGER_DISK_FULL_VERBOSE")) std::fprintf(stderr, "%s\n", restarted_log.c_str());
  EXPECT_TRUE(problems.empty()) << problems.size() << " bad answers, the first: " << problems[0];

  // The ledger verifies, and holds every acknowledged event at its acknowledged position.
  auto verified = RunProcess({kLedgerctl, "--data", data_, "verify"}, scratch_);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  ledger::Options read_only;
  read_only.read_only = true;
  auto log = ledger::EventLog::Open(data_, read_only);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_GE(acks.size(), 60u);
  RecordProperty("acknowledged_appends", std::to_string(acks.size()));
  for (const Ack& a : acks) {
    auto e = (*log)->ReadAt(a.position);
    ASSERT_TRUE(e.ok()) << "acknowledged position " << a.position << ": " << e.status().ToString();
    EXPECT_EQ(e->stream(), a.id) << "position " << a.position;
    EXPECT_EQ(e->version(), a.version) << "position " << a.position;
  }
}

}  // namespace
