#include "tools/ledgerctl/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "ledger/base/files.h"

namespace tools {

ledger::Status CreateKeyFile(const std::string& path, std::string_view text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return errno == EEXIST
               ? ledger::Status::InvalidArgument("cannot create " + path +
                                                 " (it exists: a key is never overwritten)")
               : ledger::Status::Unavailable("cannot create " + path + ": " + std::strerror(errno));
  const bool written = ledger::WriteAll(fd, text).ok() && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return ledger::Status::Unavailable("cannot write " + path);
  return ledger::Status::Ok();
}

using ledger::Result;
using ledger::Status;

namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::Unavailable("cannot " + what + " '" + path + "': " + std::strerror(errno));
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Result<std::unique_ptr<OutputFile>> OutputFile::Create(const std::string& path, mode_t mode) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string temp = dir + "." + name + ".tmp-XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) return Errno("write", path);
  if (::fchmod(fd, mode) != 0) {
    Status s = Errno("write", path);
    ::close(fd);
    ::unlink(temp.c_str());
    return s;
  }
  std::FILE* file = ::fdopen(fd, "wb");
  if (file == nullptr) {
    Status s = Errno("write", path);
    ::close(fd);
    ::unlink(temp.c_str());
    return s;
  }
  return std::unique_ptr<OutputFile>(new OutputFile(path, std::move(temp), file));
}

OutputFile::~OutputFile() {
  if (file_ == nullptr) return;
  std::fclose(file_);
  ::unlink(temp_.c_str());
}

Status OutputFile::Commit() {
  std::FILE* file = file_;
  file_ = nullptr;
  const bool written = std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
  Status s = written ? Status::Ok() : Errno("write", path_);
  if (std::fclose(file) != 0 && s.ok()) s = Errno("write", path_);
  if (s.ok() && ::rename(temp_.c_str(), path_.c_str()) != 0) s = Errno("replace", path_);
  if (!s.ok()) {
    ::unlink(temp_.c_str());
    return s;
  }
  // The rename is durable once the directory is.
  int dir = ::open(DirectoryOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

}  // namespace tools
