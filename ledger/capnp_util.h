// Small helpers for moving Cap'n Proto messages in and out of byte strings.
#pragma once

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstring>
#include <string>
#include <string_view>

namespace ledger {

// The message in flat-array form (segment table + segments), as NewEvent::payload expects.
inline std::string ToFlatBytes(capnp::MessageBuilder& message) {
  kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

// A word-aligned copy of `bytes` (Cap'n Proto readers need aligned input).
inline kj::Array<capnp::word> AlignedCopy(std::string_view bytes) {
  kj::Array<capnp::word> words =
      kj::heapArray<capnp::word>((bytes.size() + sizeof(capnp::word) - 1) / sizeof(capnp::word));
  if (!bytes.empty()) std::memcpy(words.begin(), bytes.data(), bytes.size());
  return words;
}

}  // namespace ledger
