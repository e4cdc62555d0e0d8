// Hash: the SHA-256 digests of the integrity chain (docs/event-format.md, "Chain").
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace ledger {

using Hash = std::array<uint8_t, 32>;

inline constexpr Hash kZeroHash{};  // the "previous hash" of the first event

// SHA-256 of `a` followed by `b`.
Hash Sha256(std::string_view a, std::string_view b = {});

// Lower-case hex, 64 characters.
std::string ToHex(const Hash& h);
std::string ToHex(std::string_view bytes);

// Parses 64 hex characters (either case). InvalidArgument otherwise.
Result<Hash> HashFromHex(std::string_view hex);

inline std::string_view AsBytes(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

}  // namespace ledger
