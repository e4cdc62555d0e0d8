#include "tools/ledgerctl/control_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ledger/log/backup.h"

namespace tools {
namespace {

constexpr char kSocketName[] = "control.sock";

// The address of DIR/control.sock; false when the path does not fit.
bool Address(const std::string& path, sockaddr_un* addr) {
  std::memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  if (path.size() >= sizeof addr->sun_path) return false;
  std::memcpy(addr->sun_path, path.data(), path.size());
  return true;
}

std::string SocketPath(const std::string& data_dir) { return data_dir + "/" + kSocketName; }

void SendAll(int fd, const std::string& text) {
  for (size_t sent = 0; sent < text.size();) {
    ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

// Reads up to the first newline (or the end); at most 64 KiB.
std::string ReadLine(int fd) {
  std::string line;
  char c;
  while (line.size() < 65536) {
    ssize_t n = ::recv(fd, &c, 1, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') break;
    line.push_back(c);
  }
  return line;
}

std::string ErrorLine(const ledger::Status& status) {
  std::string message = status.message();
  for (char& ch : message)
    if (ch == '\n') ch = ' ';
  return "error " + std::to_string(int(status.code())) + " " + message + "\n";
}

std::string Answer(ledger::EventLog& log, ledger::Checkpointer* checkpointer,
                   const std::string& request) {
  if (request == "checkpoint") {
    if (checkpointer == nullptr)
      return ErrorLine(ledger::Status::FailedPrecondition(
          "this server signs no checkpoints: it was started without --signing-key"));
    ledger::Result<ledger::StoredCheckpoint> c = checkpointer->SignNow();
    if (!c.ok()) return ErrorLine(c.status());
    return "ok " + std::to_string(c->size) + "\n";
  }
  const std::string verb = "backup ";
  if (request.rfind(verb, 0) != 0 || request.size() <= verb.size() || request[verb.size()] != '/')
    return "error " + std::to_string(int(ledger::Code::kInvalidArgument)) + " bad request\n";
  ledger::Result<uint32_t> id = ledger::CreateBackup(log, request.substr(verb.size()));
  if (!id.ok()) return ErrorLine(id.status());
  std::fprintf(stderr, "ledgerctl: backup version %u written to %s\n", *id,
               request.substr(verb.size()).c_str());
  return "ok " + std::to_string(*id) + "\n";
}

// The server's error as a status of the same kind (the exit code follows it).
ledger::Status FromCode(ledger::Code code, std::string message) {
  switch (code) {
    case ledger::Code::kInvalidArgument:
      return ledger::Status::InvalidArgument(std::move(message));
    case ledger::Code::kNotFound:
      return ledger::Status::NotFound(std::move(message));
    case ledger::Code::kFailedPrecondition:
      return ledger::Status::FailedPrecondition(std::move(message));
    case ledger::Code::kDataLoss:
      return ledger::Status::DataLoss(std::move(message));
    case ledger::Code::kInternal:
      return ledger::Status::Internal(std::move(message));
    default:
      return ledger::Status::Unavailable(std::move(message));
  }
}

}  // namespace

ledger::Result<std::unique_ptr<ControlSocket>> ControlSocket::Start(
    const std::string& data_dir, ledger::EventLog* log, ledger::Checkpointer* checkpointer) {
  const std::string path = SocketPath(data_dir);
  sockaddr_un addr;
  if (!Address(path, &addr))
    return ledger::Status::Unavailable("the path " + path + " is too long for a Unix socket");
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ledger::Status::Unavailable(std::string("socket: ") + std::strerror(errno));
  ::unlink(path.c_str());
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::chmod(path.c_str(), 0600) != 0 || ::listen(fd, 4) != 0) {
    std::string error = std::strerror(errno);
    ::close(fd);
    return ledger::Status::Unavailable("cannot listen on " + path + ": " + error);
  }
  return std::unique_ptr<ControlSocket>(new ControlSocket(path, fd, log, checkpointer));
}

ControlSocket::ControlSocket(std::string path, int fd, ledger::EventLog* log,
                             ledger::Checkpointer* checkpointer)
    : path_(std::move(path)), fd_(fd), log_(log), checkpointer_(checkpointer) {
  thread_ = std::thread([this] { Serve(); });
}

ControlSocket::~ControlSocket() {
  ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
  thread_.join();
  ::close(fd_);
  ::unlink(path_.c_str());
}

void ControlSocket::Serve() {
  for (;;) {
    int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // shut down
    }
    SendAll(client, Answer(*log_, checkpointer_, ReadLine(client)));
    ::close(client);
  }
}

namespace {

// Sends one request line to the server on `data_dir`: nullopt when none listens there (or a
// stale socket), else what follows "ok " in its answer, or its error.
ledger::Result<std::optional<std::string>> Request(const std::string& data_dir,
                                                   const std::string& line,
                                                   const std::string& what) {
  sockaddr_un addr;
  if (!Address(SocketPath(data_dir), &addr)) return std::optional<std::string>();
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ledger::Status::Unavailable(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return std::optional<std::string>();
  }
  SendAll(fd, line + "\n");
  const std::string answer = ReadLine(fd);
  ::close(fd);
  if (answer.rfind("ok ", 0) == 0) return std::optional<std::string>(answer.substr(3));
  if (answer.rfind("error ", 0) != 0)
    return ledger::Status::Unavailable("the server gave no answer to the " + what + " request");
  size_t space = answer.find(' ', 6);
  const int code = std::atoi(answer.substr(6, space - 6).c_str());
  const std::string message = space == std::string::npos ? "" : answer.substr(space + 1);
  return FromCode(static_cast<ledger::Code>(code), "the server: " + message);
}

}  // namespace

ledger::Result<std::optional<uint32_t>> RequestBackup(const std::string& data_dir,
                                                      const std::string& backup_dir) {
  // No server: the caller backs up in-process.
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> ok,
                          Request(data_dir, "backup " + backup_dir, "backup"));
  if (!ok) return std::optional<uint32_t>();
  return std::optional<uint32_t>(uint32_t(std::stoul(*ok)));
}

ledger::Result<std::optional<uint64_t>> RequestCheckpoint(const std::string& data_dir) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> ok,
                          Request(data_dir, "checkpoint", "checkpoint"));
  if (!ok) return std::optional<uint64_t>();
  return std::optional<uint64_t>(std::stoull(*ok));
}

}  // namespace tools
