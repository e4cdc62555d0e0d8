// Storage: whether the disk under a ledger can take its appends, and what the log does when it
// cannot (docs/architecture.md, "When the disk fills").
//
// The log refuses appends, before RocksDB runs out of space, while the file system has less than
// Options::min_free_bytes available (a reserve that RocksDB's flushes and compactions keep), and
// accepts them again once it has Options::resume_free_bytes (hysteresis: no flapping at the
// edge). When RocksDB meets a full disk anyway (a write or a flush failed for lack of space), or
// the ledger had to be opened read-only because the disk was full, appends are refused until
// there is room again and the log has resumed (DB::Resume) or reopened its database. Any other
// write failure refuses appends until the ledger is reopened. Reads go on throughout.
//
// StorageGuard holds that state and its decisions; the EventLog's commit thread drives it and
// performs the resume or reopen it asks for. Refusals are Unavailable, with messages fit for an
// API answer: they name no file or directory.
//
// Thread-safety: DiskSpace implementations must be callable from any thread. StorageGuard's
// Check(), Recovered() and Failed() are for one thread (the commit thread); Health() and
// Refusal() may be called from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "ledger/base/status.h"
#include "ledger/log/options.h"

namespace ledger {

// Where the free space of a file system is read. Injected (Options::disk_space) so that tests can
// fill a disk without filling one.
class DiskSpace {
 public:
  virtual ~DiskSpace() = default;
  // Bytes that this process may still write on the file system holding `dir`.
  virtual Result<uint64_t> Available(const std::string& dir) = 0;
};

// statvfs(2): the blocks available to unprivileged users, times the fragment size.
class StatvfsDiskSpace final : public DiskSpace {
 public:
  Result<uint64_t> Available(const std::string& dir) override;
};

// Whether the log accepts appends, for /healthz and /metrics.
struct StorageHealth {
  bool writable = true;
  std::string reason;            // when not writable: why, in one line (no paths)
  uint64_t available_bytes = 0;  // at the last look; 0 when not known
  uint64_t resumed = 0;          // times appends were accepted again without a restart
};

// What the commit thread does before writing a group.
enum class StorageStep {
  kWrite,   // go ahead
  kRefuse,  // refuse the group with Refusal()
  kResume,  // there is room again: DB::Resume(), then report Recovered() or Failed()
  kReopen,  // there is room again: reopen the database for writing, then report as for kResume
};

// Why appends stopped.
enum class StorageFailure {
  kNoSpace,         // RocksDB met a full disk: resumed with DB::Resume() once there is room
  kOpenedReadOnly,  // the disk was full at open: reopened for writing once there is room
  kBroken,          // any other write failure: refused until the ledger is reopened
};

class StorageGuard {
 public:
  // `space` is not owned and must outlive the guard. Thresholds from `options`
  // (resume_free_bytes is raised to min_free_bytes when lower, and to 1 MiB).
  StorageGuard(const Options& options, DiskSpace* space, std::string dir);

  // Looks at the free space (one statvfs, a few microseconds) and says what to do. With
  // `look` false, a writable guard answers kWrite without looking.
  StorageStep Check(bool look = true);

  // A resume or reopen asked for by Check() succeeded: appends are accepted again.
  void Recovered();
  // Appends must stop. For kNoSpace `detail` says what failed, for kBroken it is the whole
  // reason; no paths. kBroken is final (until the ledger is reopened).
  void Failed(StorageFailure failure, const std::string& detail);

  // Unavailable, saying why appends are refused (OK while writable).
  Status Refusal() const;
  // RocksDB failed a write (or the log found its database changed): the database must not be
  // written until resumed.
  bool DatabaseFailed() const;
  StorageHealth Health() const;

 private:
  enum class State { kWritable, kLowSpace, kNeedsResume, kNeedsReopen, kBroken };
  void SetLocked(State state, std::string reason);
  std::string Low() const;

  DiskSpace* const space_;
  const std::string dir_;
  const uint64_t min_free_;
  const uint64_t resume_free_;

  mutable std::mutex mu_;
  State state_ = State::kWritable;
  std::string reason_;
  uint64_t available_ = 0;
  bool known_ = false;  // available_ was read
  uint64_t resumed_ = 0;
};

// "12.5 MiB": a size for people.
std::string FormatBytes(uint64_t bytes);

}  // namespace ledger
