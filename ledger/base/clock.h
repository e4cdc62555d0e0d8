// Clock: where the ledger reads "now". Injected everywhere; nothing else calls the system clock.
//
// main() builds a SystemClock and passes it down; tests pass a ManualClock and move it by hand,
// so no test sleeps to make time pass (docs/architecture.md, "Time").
//
// Thread-safety: implementations must be safe to call from any thread.
#pragma once

#include <atomic>

#include "ledger/base/time.h"

namespace ledger {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Time Now() = 0;
};

// The machine's real-time clock.
class SystemClock final : public Clock {
 public:
  Time Now() override {
    return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  }
};

// A clock that moves only when told to. For tests and deterministic generation.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Time start) : now_(ToMicros(start)) {}
  Time Now() override { return FromMicros(now_.load()); }
  void Set(Time t) { now_.store(ToMicros(t)); }
  void Advance(Duration d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace ledger
