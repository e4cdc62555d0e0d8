// Session: the ledger as one ledgerctl command uses it — the event log opened read-only or for
// writing, and the published policy versions — plus the exit codes and the one-line failures every
// command prints (docs/cli.md "Exit codes").
//
// Read-only sessions use RocksDB's read-only mode: they take no lock and see what was durable
// when they opened. Writing sessions (import, rebuild) take the database lock; while another
// process (a running server) holds it they fail with "the ledger ... is in use by another process".
//
// Thread-safety: one command, one thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "api/services/personal_data.h"
#include "ledger/base/status.h"
#include "ledger/domain/policy_store.h"
#include "ledger/log/event_log.h"
#include "projections/tracked.h"

namespace tools {

// Exit codes of every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // a negative answer: a check failed, a line was refused,
                                       // no such complaint
inline constexpr int kExitUsage = 2;   // bad arguments or values
inline constexpr int kExitUnavailable =
    3;                                    // the ledger cannot be used: missing, in use, unreadable
inline constexpr int kExitInternal = 70;  // a bug

// Prints "ledgerctl: <message>" (one line) on stderr and returns `code`.
int Fail(int code, const std::string& message);

// The exit code for a failed operation's status (InvalidArgument: usage; NotFound,
// FailedPrecondition, Aborted, DataLoss: failed; Unavailable: unavailable; Internal: internal).
int ExitCodeFor(const ledger::Status& status);

// One line for a status: its message, then each field error ("field: message").
std::string OneLine(const ledger::Status& status);

// Fail(ExitCodeFor(status), OneLine(status)).
int FailWith(const ledger::Status& status);

enum class Access {
  kReadOnly,  // no lock; the ledger must exist
  kWrite,     // the ledger must exist
  kCreate,    // created when the directory holds none
};

class Session {
 public:
  // Opens the ledger in `dir` and loads its policy versions. Every failure is Unavailable with a
  // message fit to print: no ledger, in use by another process, unknown format, unreadable.
  // `options` gives everything but read_only and create_if_missing, which follow `access`.
  static ledger::Result<std::unique_ptr<Session>> Open(const std::string& dir, Access access,
                                                       ledger::Options options = {});

  ~Session();

  ledger::EventLog& log() { return *log_; }
  ledger::domain::PolicyStore& policies() { return *policies_; }
  const ledger::domain::PolicyStore& policies() const { return *policies_; }

  // The policy in force; the built-in default when the ledger has none published yet.
  const ledger::domain::Policy& current() const;
  std::chrono::minutes utc_offset() const { return current().calendar.utc_offset; }
  projections::PolicyLookup lookup() const;

  // What the command's own reads show of personal data: no keystore opens sealed data
  // ("[sealed]"), but erasures, restrictions and sealed clear-recorded data (stream "privacy",
  // PersonalDataSealed) are honoured. Commands that open personal data (export --kek) make their
  // own vault, which records the reads.
  const api::PersonalDataVault& reader_vault() const { return *reader_vault_; }

  // Finishes writes and closes the log; reported, since a failed close can lose the tail.
  ledger::Status Close();

 private:
  Session() = default;

  std::unique_ptr<ledger::EventLog> log_;
  std::unique_ptr<ledger::domain::PolicyStore> policies_;
  std::shared_ptr<const ledger::domain::Policy> default_;
  std::unique_ptr<api::PrivacyRegister> privacy_;
  std::unique_ptr<api::PersonalDataVault> reader_vault_;
};

// The signed checkpoint a proof or a statement is made against: the one of `size` (the latest's
// or one of the hourly series), or the latest when `size` is 0. NotFound, with a message fit to
// print, when there is none.
ledger::Result<ledger::StoredCheckpoint> ChosenCheckpoint(ledger::EventLog& log, uint64_t size);

}  // namespace tools
