#include "ledger/log/storage.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ledger {
namespace {

// Resuming RocksDB, or reopening it, writes new files (a MANIFEST, a write-ahead log, the flushed
// memtables): with less than this there is no point in trying.
constexpr uint64_t kLeastResume = uint64_t{1} << 20;

}  // namespace

Result<uint64_t> StatvfsDiskSpace::Available(const std::string& dir) {
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0)
    return Status::Unavailable(std::string("cannot read the free space: ") + std::strerror(errno));
  return uint64_t{st.f_bavail} * uint64_t{st.f_frsize};
}

std::string FormatBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  size_t unit = 0;
  while (v >= 1024 && unit + 1 < std::size(kUnits)) {
    v /= 1024;
    ++unit;
  }
  char out[32];
  if (unit == 0)
    std::snprintf(out, sizeof out, "%llu bytes", static_cast<unsigned long long>(bytes));
  else
    std::snprintf(out, sizeof out, "%.1f %s", v, kUnits[unit]);
  return out;
}

StorageGuard::StorageGuard(const Options& options, DiskSpace* space, std::string dir)
    : space_(space),
      dir_(std::move(dir)),
      min_free_(options.min_free_bytes),
      resume_free_(std::max({options.resume_free_bytes, options.min_free_bytes, kLeastResume})) {}

StorageStep StorageGuard::Check(bool look) {
  if (!look) {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ == State::kWritable) return StorageStep::kWrite;
  }
  // Unknown free space (statvfs failed) counts as room: the reserve is a precaution, and a ledger
  // must not stop writing because a file system does not say how full it is.
  Result<uint64_t> read = space_->Available(dir_);
  const bool known = read.ok();
  const uint64_t available = known ? *read : 0;
  const bool room = !known || available >= resume_free_;
  std::lock_guard<std::mutex> lock(mu_);
  available_ = available;
  known_ = known;
  switch (state_) {
    case State::kWritable:
      if (!known || available >= min_free_) return StorageStep::kWrite;
      SetLocked(State::kLowSpace, "the disk holding the ledger is nearly full (" + Low() + ")");
      return StorageStep::kRefuse;
    case State::kLowSpace:
      if (!room) {
        SetLocked(State::kLowSpace, "the disk holding the ledger is nearly full (" + Low() + ")");
        return StorageStep::kRefuse;
      }
      SetLocked(State::kWritable, "");
      ++resumed_;
      return StorageStep::kWrite;
    case State::kNeedsResume:
      return room ? StorageStep::kResume : StorageStep::kRefuse;
    case State::kNeedsReopen:
      return room ? StorageStep::kReopen : StorageStep::kRefuse;
    case State::kBroken:
      return StorageStep::kRefuse;
  }
  return StorageStep::kRefuse;
}

std::string StorageGuard::Low() const {
  return FormatBytes(available_) + " available; appends resume at " + FormatBytes(resume_free_);
}

void StorageGuard::Recovered() {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ == State::kBroken) return;
  SetLocked(State::kWritable, "");
  ++resumed_;
}

void StorageGuard::Failed(StorageFailure failure, const std::string& detail) {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ == State::kBroken) return;
  const std::string resume = "appends resume once " + FormatBytes(resume_free_) + " are available";
  switch (failure) {
    case StorageFailure::kNoSpace:
      SetLocked(State::kNeedsResume,
                "the disk holding the ledger is full (" + detail + "; " + resume + ")");
      return;
    case StorageFailure::kOpenedReadOnly:
      SetLocked(State::kNeedsReopen,
                "the disk holding the ledger was full when it was opened (" + resume + ")");
      return;
    case StorageFailure::kBroken:
      SetLocked(State::kBroken, detail + "; appends are refused until the server restarts");
      return;
  }
}

void StorageGuard::SetLocked(State state, std::string reason) {
  // A line on the operator's log when appends stop or start again.
  if (state == State::kWritable && state_ != State::kWritable)
    std::fprintf(stderr, "ledger: appends resumed: the disk has room again\n");
  if (state != State::kWritable && state_ == State::kWritable)
    std::fprintf(stderr, "ledger: appends refused: %s\n", reason.c_str());
  state_ = state;
  reason_ = std::move(reason);
}

Status StorageGuard::Refusal() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ == State::kWritable) return Status::Ok();
  return Status::Unavailable("appends are refused: " + reason_ +
                             "; nothing was written, reads still work");
}

bool StorageGuard::DatabaseFailed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_ == State::kNeedsResume || state_ == State::kBroken;
}

StorageHealth StorageGuard::Health() const {
  std::lock_guard<std::mutex> lock(mu_);
  StorageHealth h;
  h.writable = state_ == State::kWritable;
  h.reason = reason_;
  h.available_bytes = known_ ? available_ : 0;
  h.resumed = resumed_;
  return h;
}

}  // namespace ledger
