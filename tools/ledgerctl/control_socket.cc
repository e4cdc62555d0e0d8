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

std::string Answer(ledger::EventLog& log, const std::string& request) {
  const std::string verb = "backup ";
  if (request.rfind(verb, 0) != 0 || request.size() <= verb.size() || request[verb.size()] != '/')
    return "error " + std::to_string(int(ledger::Code::kInvalidArgument)) + " bad request\n";
  ledger::Result<uint32_t> id = ledger::CreateBackup(log, request.substr(verb.size()));
  if (!id.ok()) {
    std::string message = id.status().message();
    for (char& ch : message)
      if (ch == '\n') ch = ' ';
    return "error " + std::to_string(int(id.status().code())) + " " + message + "\n";
  }
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

ledger::Result<std::unique_ptr<ControlSocket>> ControlSocket::Start(const std::string& data_dir,
                                                                    ledger::EventLog* log) {
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
  return std::unique_ptr<ControlSocket>(new ControlSocket(path, fd, log));
}

ControlSocket::ControlSocket(std::string path, int fd, ledger::EventLog* log)
    : path_(std::move(path)), fd_(fd), log_(log) {
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
    SendAll(client, Answer(*log_, ReadLine(client)));
    ::close(client);
  }
}

ledger::Result<std::optional<uint32_t>> RequestBackup(const std::string& data_dir,
                                                      const std::string& backup_dir) {
  sockaddr_un addr;
  if (!Address(SocketPath(data_dir), &addr)) return std::optional<uint32_t>();
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ledger::Status::Unavailable(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return std::optional<uint32_t>();  // no server (or a stale socket): back up in-process
  }
  SendAll(fd, "backup " + backup_dir + "\n");
  const std::string answer = ReadLine(fd);
  ::close(fd);
  if (answer.rfind("ok ", 0) == 0) return std::optional<uint32_t>(std::stoul(answer.substr(3)));
  if (answer.rfind("error ", 0) != 0)
    return ledger::Status::Unavailable("the server gave no answer to the backup request");
  size_t space = answer.find(' ', 6);
  const int code = std::atoi(answer.substr(6, space - 6).c_str());
  const std::string message = space == std::string::npos ? "" : answer.substr(space + 1);
  return FromCode(static_cast<ledger::Code>(code), "the server: " + message);
}

}  // namespace tools
