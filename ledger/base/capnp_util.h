// Small helpers for moving Cap'n Proto messages in and out of byte strings.
#pragma once

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "ledger/base/status.h"

namespace ledger {

// The message in flat-array form (segment table + segments), as NewEvent::payload expects.
inline std::string ToFlatBytes(capnp::MessageBuilder& message) {
  kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

// A text field as a view of its message's bytes (valid while the message is), and as a copy.
inline std::string_view TextView(capnp::Text::Reader t) { return {t.begin(), t.size()}; }
inline std::string TextCopy(capnp::Text::Reader t) { return std::string(t.begin(), t.size()); }

// A word-aligned copy of `bytes` (Cap'n Proto readers need aligned input).
inline kj::Array<capnp::word> AlignedCopy(std::string_view bytes) {
  kj::Array<capnp::word> words =
      kj::heapArray<capnp::word>((bytes.size() + sizeof(capnp::word) - 1) / sizeof(capnp::word));
  if (!bytes.empty()) std::memcpy(words.begin(), bytes.data(), bytes.size());
  return words;
}

// Runs `fn`, which reads Cap'n Proto data that may be damaged (an event's payload), and turns a
// decoding failure (kj::Exception from a bounds check) into DataLoss naming `what`. The decoder's
// edge: business code inside `fn` never catches. `fn` returns a Status.
template <typename Fn>
Status GuardDecode(std::string_view what, Fn&& fn) {
  Status status;
  KJ_IF_MAYBE (e, kj::runCatchingExceptions([&]() { status = std::forward<Fn>(fn)(); })) {
    return Status::DataLoss(std::string(what) + ": damaged payload: " + e->getDescription().cStr());
  }
  return status;
}

}  // namespace ledger
