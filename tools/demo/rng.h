// Rng: the demo generator's one source of randomness.
//
// Every choice the generator makes is drawn from one std::mt19937_64 seeded with --seed, in the
// order the simulation processes its actions, so a seed names one ledger. The helpers below do
// their own arithmetic on the engine's 64-bit outputs instead of using std::*_distribution, whose
// algorithms the standard leaves to each library: the same seed gives the same ledger with any
// standard library.
//
// Thread-safety: none; one Rng per generator.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ledger/base/time.h"

namespace demo {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t Next() { return engine_(); }

  // A whole number in [lo, hi] (hi >= lo). The modulo bias is below 2^-40 for our ranges.
  int64_t Int(int64_t lo, int64_t hi) { return lo + int64_t(Next() % uint64_t(hi - lo + 1)); }

  // A real number in [0, 1).
  double Unit() { return double(Next() >> 11) * 0x1.0p-53; }

  // True with probability p.
  bool Chance(double p) { return Unit() < p; }

  // A duration in [lo, hi], to the second.
  ledger::Duration Between(ledger::Duration lo, ledger::Duration hi) {
    using std::chrono::seconds;
    int64_t s = Int(std::chrono::duration_cast<seconds>(lo).count(),
                    std::chrono::duration_cast<seconds>(hi).count());
    return std::chrono::duration_cast<ledger::Duration>(seconds(s));
  }

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[size_t(Int(0, int64_t(items.size()) - 1))];
  }

  // An index into `weights` (non-negative, not all zero), chosen in proportion to its weight.
  size_t Weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = Unit() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }

  // `n` lower-case hexadecimal digits.
  std::string Hex(size_t n) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out(n, '0');
    for (size_t i = 0; i < n; ++i) out[i] = kDigits[Next() & 15];
    return out;
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace demo
