// `ledgerctl serve` and the web console, as the real program: the console's address in the
// startup output, the embedded console by default, --ui-dir (a directory read from disk),
// --no-ui, and the usage errors of the two flags.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "testing/http_client.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace {

using testing_util::HttpClient;
using testing_util::ProcessResult;
using testing_util::ReadWholeFile;
using testing_util::TempDir;

const std::string kLedgerctl = std::string(LEDGER_BINARY_DIR) + "/tools/ledgerctl/ledgerctl";

// `ledgerctl serve --create --listen 127.0.0.1:0 <extra>` as a child, stopped with SIGTERM.
class Serve {
 public:
  Serve(const TempDir& dir, std::vector<std::string> extra) : out_(dir.Sub("serve.out")) {
    std::vector<std::string> args = {kLedgerctl, "--data",   dir.Sub("ledger"), "serve",
                                     "--create", "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    const std::string err = dir.Sub("serve.err");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), 1);
      ::dup2(::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), 2);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    const std::regex console("console: (.*)\n");
    for (int i = 0; i < 600 && output_.empty(); ++i) {
      std::string out = ReadWholeFile(out_);
      std::smatch m;
      if (std::regex_search(out, m, console)) {
        output_ = out;
        console_ = m[1];
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    std::smatch m;
    if (std::regex_search(output_, m, std::regex("listening on http://127\\.0\\.0\\.1:([0-9]+)")))
      port_ = static_cast<uint16_t>(std::stoi(m[1]));
  }
  ~Serve() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }

  uint16_t port() const { return port_; }
  const std::string& console() const { return console_; }  // the rest of the "console:" line
  HttpClient Client() const { return HttpClient("127.0.0.1", port_); }

 private:
  std::string out_, output_, console_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

TEST(ConsoleCli, ServePrintsTheConsoleAddressAndServesTheEmbeddedCopy) {
  TempDir dir;
  Serve serve(dir, {});
  ASSERT_NE(serve.port(), 0) << ReadWholeFile(dir.Sub("serve.err"));
  EXPECT_EQ(serve.console(), "http://127.0.0.1:" + std::to_string(serve.port()) + "/ui/");
  HttpClient c = serve.Client();
  testing_util::HttpReply d3 = c.Get("/ui/vendor/d3.min.js");
  EXPECT_EQ(d3.status, 200u);
  EXPECT_EQ(d3.body,
            ReadWholeFile(std::string(LEDGER_SOURCE_DIR) + "/api/console/vendor/d3.min.js"));
  EXPECT_EQ(c.Get("/").status, 302u);
  EXPECT_EQ(c.Get("/ui/package.json").status, 404u);
}

TEST(ConsoleCli, UiDirServesADirectoryFromDisk) {
  TempDir dir;
  std::filesystem::create_directories(dir.Sub("ui/app"));
  std::ofstream(dir.Sub("ui/index.html")) << "<!doctype html><title>dev</title>";
  std::ofstream(dir.Sub("ui/app/main.js")) << "export const v = 1;";
  Serve serve(dir, {"--ui-dir", dir.Sub("ui")});
  ASSERT_NE(serve.port(), 0) << ReadWholeFile(dir.Sub("serve.err"));
  EXPECT_EQ(serve.console().rfind("http://127.0.0.1:" + std::to_string(serve.port()) + "/ui/", 0),
            0u)
      << serve.console();
  HttpClient c = serve.Client();
  EXPECT_EQ(c.Get("/ui/").body, "<!doctype html><title>dev</title>");
  EXPECT_EQ(c.Get("/ui/app/main.js").body, "export const v = 1;");
  std::ofstream(dir.Sub("ui/app/main.js")) << "export const v = 2;";
  EXPECT_EQ(c.Get("/ui/app/main.js").body, "export const v = 2;");
  EXPECT_EQ(c.Get("/ui/vendor/d3.min.js").status, 404u);  // not the embedded copy
}

TEST(ConsoleCli, NoUiTurnsTheConsoleOff) {
  TempDir dir;
  Serve serve(dir, {"--no-ui"});
  ASSERT_NE(serve.port(), 0) << ReadWholeFile(dir.Sub("serve.err"));
  EXPECT_EQ(serve.console(), "off (--no-ui)");
  HttpClient c = serve.Client();
  for (const char* target : {"/", "/ui", "/ui/", "/ui/vendor/d3.min.js"})
    EXPECT_EQ(c.Get(target).status, 404u) << target;
  EXPECT_EQ(c.Get("/healthz").status, 200u);
}

TEST(ConsoleCli, BadConsoleFlagsAreUsageErrors) {
  TempDir dir;
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {kLedgerctl, "--data",   dir.Sub("ledger"), "serve",
                                     "--create", "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return testing_util::RunProcess(args, dir.path());
  };
  ProcessResult missing = run({"--ui-dir", dir.Sub("nowhere")});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("--ui-dir"), std::string::npos) << missing.err;
  ProcessResult both = run({"--ui-dir", dir.path(), "--no-ui"});
  EXPECT_EQ(both.exit_code, 2) << both.err;
}

}  // namespace
