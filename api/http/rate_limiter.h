// RateLimiter: a token bucket per key. The server keeps two (dispatcher.h): requests per bearer
// token (its hash, or the client address for requests without one) and failed authentications
// per client address. Each key may take `burst` tokens at once and `per_second` on average; a
// request over the limit is refused with how long to wait (429 with Retry-After).
//
// Time comes from the injected ledger::Clock, so tests move it by hand. A clock that steps back
// refills nothing. Memory is bounded: at most `max_keys` buckets; when full, buckets that have
// refilled completely are dropped (at most one sweep per second), and if none can be, a new key
// is refused until one can.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ledger/base/clock.h"

namespace api {

class RateLimiter {
 public:
  struct Options {
    double per_second = 50;  // <= 0 disables the limiter
    double burst = 100;      // bucket size (>= 1)
    size_t max_keys = 100000;
  };
  struct Decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when refused: whole seconds until a token is back
  };

  // `clock` is not owned and must outlive the limiter.
  RateLimiter(Options options, ledger::Clock* clock);

  // Takes one token from `key`'s bucket.
  Decision Take(std::string_view key);

  // Whether a Take() would be allowed now, without taking anything. Creates no bucket: a key
  // never taken from is allowed.
  Decision Check(std::string_view key);

  size_t keys() const;
  bool enabled() const { return options_.per_second > 0; }

 private:
  struct Bucket {
    double tokens = 0;
    ledger::Time last{};
  };
  void Refill(Bucket& b, ledger::Time now) const;
  Decision Refused(const Bucket& b) const;  // with the wait until `b` has a token again
  void SweepLocked(ledger::Time now);

  const Options options_;
  ledger::Clock* const clock_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  ledger::Time last_sweep_{};
};

}  // namespace api
