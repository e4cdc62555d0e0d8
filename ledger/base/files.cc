#include "ledger/base/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ledger {
namespace {

Status Errno(const std::string& what, int err) {
  return Status::Unavailable(what + ": " + std::strerror(err));
}

// Drops the group and other bits of one file or directory (not following a symbolic link).
Status Tighten(const std::filesystem::path& p, mode_t keep) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0)
    return errno == ENOENT ? Status::Ok() : Errno("cannot stat " + p.string(), errno);
  if (S_ISLNK(st.st_mode) || (st.st_mode & 077) == 0) return Status::Ok();
  if (::chmod(p.c_str(), st.st_mode & keep) != 0 && errno != ENOENT)
    return Errno("cannot change the mode of " + p.string(), errno);
  return Status::Ok();
}

}  // namespace

Status CreatePrivateDirectory(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Errno("cannot create " + dir, errno);
  return Status::Ok();
}

Status MakePrivate(const std::string& dir) {
  namespace fs = std::filesystem;
  if (::chmod(dir.c_str(), 0700) != 0) return Errno("cannot change the mode of " + dir, errno);
  std::error_code ec;
  // A file RocksDB deletes meanwhile (an obsolete log or table) is simply gone: ENOENT is fine.
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    LEDGER_RETURN_IF_ERROR(Tighten(it->path(), 07700));
  }
  if (ec && ec != std::errc::no_such_file_or_directory)
    return Status::Unavailable("cannot list " + dir + ": " + ec.message());
  return Status::Ok();
}

Result<int> OpenForWriting(const std::string& path, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Errno("cannot create " + path, errno);
  // open() applied the umask, and a file that existed kept its mode: set exactly `mode`.
  if (::fchmod(fd, mode) != 0) {
    int err = errno;
    ::close(fd);
    return Errno("cannot change the mode of " + path, err);
  }
  return fd;
}

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot write", errno);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Result<std::string> ReadSecretFile(const std::string& path, const std::string& forbidden_dir,
                                   const std::string& what) {
  namespace fs = std::filesystem;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Status::NotFound(what + " '" + path + "' does not exist");
  if ((st.st_mode & 077) != 0)
    return Status::FailedPrecondition(what + " '" + path + "' may be read by others (mode " +
                                      std::to_string((st.st_mode >> 6) & 7) +
                                      std::to_string((st.st_mode >> 3) & 7) +
                                      std::to_string(st.st_mode & 7) + "); chmod 600 it");
  std::error_code ec;
  fs::path file = fs::weakly_canonical(path, ec);
  fs::path dir = fs::weakly_canonical(forbidden_dir, ec);
  if (!forbidden_dir.empty() && !dir.empty()) {
    auto [d, f] = std::mismatch(dir.begin(), dir.end(), file.begin(), file.end());
    if (d == dir.end())
      return Status::FailedPrecondition(what + " '" + path +
                                        "' is inside the ledger's directory; keep it elsewhere "
                                        "(a backup of the ledger must not carry it)");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::Unavailable("cannot read '" + path + "'");
  return text.str();
}

}  // namespace ledger
