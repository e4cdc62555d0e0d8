// FakeDiskSpace: a disk whose free space the test sets (ledger::DiskSpace, Options::disk_space), to
// fill a ledger's disk without filling one. tests/cli/disk_full_test.cc fills a real one.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "ledger/log/storage.h"

namespace testing_util {

inline constexpr uint64_t kMiB = uint64_t{1} << 20;

class FakeDiskSpace final : public ledger::DiskSpace {
 public:
  explicit FakeDiskSpace(uint64_t available) : available_(available) {}

  void Set(uint64_t available) { available_ = available; }
  // While failing, Available() reports an error, as statvfs(2) would on a file system that does
  // not say.
  void SetFailing(bool failing) { failing_ = failing; }

  ledger::Result<uint64_t> Available(const std::string&) override {
    if (failing_) return ledger::Status::Unavailable("the free space is not known");
    return available_.load();
  }

 private:
  std::atomic<uint64_t> available_;
  std::atomic<bool> failing_{false};
};

}  // namespace testing_util
