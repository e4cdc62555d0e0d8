#include "api/http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace api {

RateLimiter::RateLimiter(Options options, ledger::Clock* clock)
    : options_(options), clock_(clock) {}

void RateLimiter::Refill(Bucket& b, ledger::Time now) const {
  if (now > b.last) {
    double seconds = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(options_.burst, b.tokens + seconds * options_.per_second);
  }
  b.last = std::max(b.last, now);
}

void RateLimiter::SweepLocked(ledger::Time now) {
  if (now >= last_sweep_ && now - last_sweep_ < std::chrono::seconds(1)) return;
  last_sweep_ = now;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Refill(it->second, now);
    if (it->second.tokens >= options_.burst)
      it = buckets_.erase(it);
    else
      ++it;
  }
}

RateLimiter::Decision RateLimiter::Take(std::string_view key) {
  if (!enabled()) return {};
  ledger::Time now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= options_.max_keys) SweepLocked(now);
    if (buckets_.size() >= options_.max_keys) return {false, std::chrono::seconds(1)};
    it = buckets_.emplace(std::string(key), Bucket{std::max(1.0, options_.burst), now}).first;
  }
  Bucket& b = it->second;
  Refill(b, now);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return {};
  }
  return Refused(b);
}

RateLimiter::Decision RateLimiter::Check(std::string_view key) {
  if (!enabled()) return {};
  ledger::Time now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) return {};
  Refill(it->second, now);
  return it->second.tokens >= 1 ? Decision{} : Refused(it->second);
}

RateLimiter::Decision RateLimiter::Refused(const Bucket& b) const {
  double wait = (1 - b.tokens) / options_.per_second;
  return {false, std::chrono::seconds(std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait))))};
}

size_t RateLimiter::keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

}  // namespace api
