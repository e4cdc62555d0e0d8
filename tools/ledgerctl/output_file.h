// OutputFile: an output file (`export --out FILE`) written whole or not at all. The bytes go to a
// temporary file beside FILE (same directory, so the same filesystem); Commit() flushes and
// fsyncs it and renames it over FILE. Destroyed without a successful Commit() — the command
// failed — it is removed and FILE is exactly as it was (or still absent).
//
// Thread-safety: one command, one thread.
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace tools {

// Creates `path` with mode 0600 holding `text` (a key), synced; never over an existing file (a
// key that signed or sealed something may be the only one that opens it): InvalidArgument
// "cannot create PATH (it exists: a key is never overwritten)" then, Unavailable on other errors.
ledger::Status CreateKeyFile(const std::string& path, std::string_view text);

class OutputFile {
 public:
  // Creates the temporary file beside `path` with exactly `mode` (not reduced by the umask).
  // Unavailable with errno's message when the directory cannot take it.
  static ledger::Result<std::unique_ptr<OutputFile>> Create(const std::string& path, mode_t mode);

  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Where to write; valid until Commit() or destruction.
  std::FILE* stream() { return file_; }

  // Flushes, fsyncs and closes the temporary file, renames it to the path and fsyncs the
  // directory. On failure the temporary file is removed and the path left alone.
  ledger::Status Commit();

 private:
  OutputFile(std::string path, std::string temp, std::FILE* file)
      : path_(std::move(path)), temp_(std::move(temp)), file_(file) {}

  std::string path_, temp_;
  std::FILE* file_;  // owned; null once committed
};

}  // namespace tools
