// The control socket: DIR/control.sock, a Unix socket on which `ledgerctl serve` takes backups of
// the ledger it holds open, for `ledgerctl backup` (cmd_backup.cc; docs/operations.md "Backup and
// restore"). RocksDB lets one process write a database, so a backup of a served ledger runs in
// the server. Who may ask is who may enter DIR (0700: the ledger's user), as for every other file
// of the ledger; the socket itself is 0600.
//
// Protocol: one request line per connection: "backup <absolute directory>\n" (answered "ok
// <version id>\n"), or "checkpoint\n" (`ledgerctl checkpoint`: the server signs the head with its
// key; answered "ok <size>\n"); or "error <code> <message>\n" (code: the ledger::Code number).
//
// Thread-safety: ControlSocket serves one request at a time on its own thread; RequestBackup may
// run on any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "ledger/base/status.h"
#include "ledger/log/checkpointer.h"
#include "ledger/log/event_log.h"

namespace tools {

class ControlSocket {
 public:
  // Listens on DIR/control.sock (replacing a stale one: the caller holds the ledger's lock) and
  // backs up `log`, which must outlive this object. Unavailable when the socket cannot be made
  // (a directory path too long for a Unix socket).
  // `checkpointer` (may be null: the server has no signing key) signs on request.
  static ledger::Result<std::unique_ptr<ControlSocket>> Start(
      const std::string& data_dir, ledger::EventLog* log,
      ledger::Checkpointer* checkpointer = nullptr);
  ~ControlSocket();  // waits for a backup in progress, then removes the socket

 private:
  ControlSocket(std::string path, int fd, ledger::EventLog* log,
                ledger::Checkpointer* checkpointer);
  void Serve();

  const std::string path_;
  const int fd_;
  ledger::EventLog* const log_;
  ledger::Checkpointer* const checkpointer_;
  std::thread thread_;
};

// Asks the server on `data_dir` to add a version of its ledger to `backup_dir` (absolute). nullopt
// when no server listens there; otherwise the version id or the server's error.
ledger::Result<std::optional<uint32_t>> RequestBackup(const std::string& data_dir,
                                                      const std::string& backup_dir);

// Asks the server on `data_dir` to sign a checkpoint of its head now. nullopt when no server
// listens there; otherwise the checkpoint's size or the server's error.
ledger::Result<std::optional<uint64_t>> RequestCheckpoint(const std::string& data_dir);

}  // namespace tools
