// Running a real program from a test: its exit code, standard output and standard error.
// Used by the tests of ledgerctl and of the export checker (they run the real binaries).
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
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

}  // namespace testing_util
