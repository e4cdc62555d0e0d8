// Running a real program from a test: its exit code, standard output and standard error.
// Used by the tests of ledgerctl and of the export checker (they run the real binaries).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace testing_util {

struct ProcessResult {
  int exit_code = -1;  // -1: killed by a signal
  std::string out, err;
};

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Runs argv[0] with `argv`, `input` on its standard input; waits for it. The outputs go through
// files in `scratch_dir` (no pipe can fill up and block the child).
inline ProcessResult RunProcess(const std::vector<std::string>& argv,
                                const std::string& scratch_dir, const std::string& input = "") {
  const std::string in = scratch_dir + "/.stdin", out = scratch_dir + "/.stdout",
                    err = scratch_dir + "/.stderr";
  std::ofstream(in, std::ios::binary) << input;
  pid_t pid = fork();
  if (pid == 0) {
    int i = open(in.c_str(), O_RDONLY), o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644),
        e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(i, 0);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadWholeFile(out);
  r.err = ReadWholeFile(err);
  return r;
}

// A program left running (a server): started with its outputs in `scratch_dir`/.bg.out and .err,
// stopped with SIGTERM (and waited for) when destroyed.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& scratch_dir)
      : out_(scratch_dir + "/.bg.out"), err_(scratch_dir + "/.bg.err") {
    // Emptied here, before the child starts: WaitForOutput must never see an earlier run's.
    std::ofstream(out_, std::ios::trunc);
    std::ofstream(err_, std::ios::trunc);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), 1);
      dup2(open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), 2);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~BackgroundProcess() { Stop(); }
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // Waits (polling its output file, up to `limit`) until its standard output matches `pattern`;
  // returns the output so far, or "" when it never did (or the program ended first).
  std::string WaitForOutput(const std::regex& pattern,
                            std::chrono::milliseconds limit = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      std::string out = ReadWholeFile(out_);
      if (std::regex_search(out, pattern)) return out;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return "";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
  }

  // SIGTERM, then waits; the exit code (-1: killed by a signal or not running).
  int Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string err() const { return ReadWholeFile(err_); }

 private:
  std::string out_, err_;
  pid_t pid_ = -1;
};

}  // namespace testing_util
