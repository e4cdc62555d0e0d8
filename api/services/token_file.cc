#include "api/services/token_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "api/services/roles.h"
#include "ledger/base/time.h"

namespace api {
namespace {

using ledger::Status;

// The one place errno becomes a Status.
Status ErrnoStatus(const std::string& what, int err) {
  return Status::Unavailable(what + ": " + std::strerror(err));
}

Status Bad(size_t index, const std::string& what) {
  return Status::DataLoss("token file: token " + std::to_string(index) + ": " + what);
}

std::string StringAt(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

ledger::Result<TokenRecord> DecodeRecord(const boost::json::value& v, size_t index) {
  if (!v.is_object()) return Bad(index, "not an object");
  const boost::json::object& o = v.get_object();
  TokenRecord r;
  r.id = StringAt(o, "id");
  r.sha256 = StringAt(o, "sha256");
  if (r.id.empty()) return Bad(index, "no id");
  if (r.sha256.size() != 64) return Bad(index, "sha256 is not 64 hex digits");
  const boost::json::value* actor = o.if_contains("actor");
  if (actor == nullptr || !actor->is_object()) return Bad(index, "no actor");
  r.actor.id = StringAt(actor->get_object(), "id");
  r.actor.role = StringAt(actor->get_object(), "role");
  r.actor.department = StringAt(actor->get_object(), "department");
  auto created = ledger::ParseRfc3339(StringAt(o, "created_at"));
  if (!created.ok()) return Bad(index, "created_at is not RFC 3339");
  r.created_at = *created;
  const boost::json::value* revoked = o.if_contains("revoked");
  r.revoked = revoked != nullptr && revoked->is_bool() && revoked->get_bool();
  if (r.revoked) {
    auto at = ledger::ParseRfc3339(StringAt(o, "revoked_at"));
    if (at.ok()) r.revoked_at = *at;
  }
  return r;
}

}  // namespace

std::string EncodeTokenFile(const std::vector<TokenRecord>& records) {
  boost::json::array tokens;
  for (const TokenRecord& r : records) {
    boost::json::object o;
    o["id"] = r.id;
    o["sha256"] = r.sha256;
    o["actor"] = boost::json::object{
        {"id", r.actor.id}, {"role", r.actor.role}, {"department", r.actor.department}};
    o["created_at"] = ledger::FormatRfc3339(r.created_at);
    o["revoked"] = r.revoked;
    if (r.revoked) o["revoked_at"] = ledger::FormatRfc3339(r.revoked_at);
    tokens.push_back(std::move(o));
  }
  // One token per line keeps the file readable and diffable.
  std::string out = "{\"format\": \"" + std::string(kTokenFileFormat) + "\",\n \"tokens\": [";
  for (size_t i = 0; i < tokens.size(); ++i) {
    out += i == 0 ? "\n  " : ",\n  ";
    out += boost::json::serialize(tokens[i]);
  }
  out += tokens.empty() ? "]}\n" : "\n]}\n";
  return out;
}

ledger::Result<std::vector<TokenRecord>> DecodeTokenFile(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(text, ec);
  if (ec) return Status::DataLoss("token file is not JSON: " + ec.message());
  if (!root.is_object()) return Status::DataLoss("token file is not a JSON object");
  const boost::json::object& o = root.get_object();
  if (StringAt(o, "format") != kTokenFileFormat)
    return Status::DataLoss("token file format is not '" + std::string(kTokenFileFormat) + "'");
  const boost::json::value* tokens = o.if_contains("tokens");
  if (tokens == nullptr || !tokens->is_array())
    return Status::DataLoss("token file has no tokens array");
  std::vector<TokenRecord> out;
  for (size_t i = 0; i < tokens->get_array().size(); ++i) {
    LEDGER_ASSIGN_OR_RETURN(TokenRecord r, DecodeRecord(tokens->get_array()[i], i));
    out.push_back(std::move(r));
  }
  return out;
}

ledger::Result<std::optional<std::string>> ReadFileIfExists(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return ErrnoStatus("cannot open " + path, errno);
  }
  std::string data;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return ErrnoStatus("cannot read " + path, err);
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(data));
}

Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("cannot create " + tmp, errno);
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return ErrnoStatus("cannot write " + tmp, err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return ErrnoStatus("cannot sync " + tmp, err);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoStatus("cannot rename " + tmp + " to " + path, err);
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return ErrnoStatus("cannot open directory " + dir, errno);
  int rc = ::fsync(dfd);
  int err = errno;
  ::close(dfd);
  if (rc != 0) return ErrnoStatus("cannot sync directory " + dir, err);
  return Status::Ok();
}

ledger::Result<FileLock> FileLock::Acquire(const std::string& lock_path) {
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("cannot open " + lock_path, errno);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd);
    return ErrnoStatus("cannot lock " + lock_path, err);
  }
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace api
