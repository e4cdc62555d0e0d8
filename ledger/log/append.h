// The write-side vocabulary of the log: what an append asks for and what it returns.
//
// Versions: an event's stream version is its 1-based index in the stream; a stream's version is
// its last event's version, 0 if it has none. Positions: the first event in the log is position 1.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/hash.h"
#include "ledger/base/status.h"
#include "ledger/base/time.h"

namespace ledger {

// What the caller believes the stream's version to be. A mismatch is a conflict (Aborted) that
// names the stream, the expected and the actual version.
struct ExpectedVersion {
  enum class Kind : unsigned char { kAny, kNoStream, kExact };
  Kind kind = Kind::kAny;
  uint64_t version = 0;  // for kExact

  static ExpectedVersion Any() { return {}; }
  static ExpectedVersion NoStream() { return {Kind::kNoStream, 0}; }
  static ExpectedVersion Exactly(uint64_t v) { return {Kind::kExact, v}; }

  // "any", "no_stream", or a decimal version ("0" means the stream must not exist, like
  // "no_stream"). Anything else is InvalidArgument naming field "expected_version".
  static Result<ExpectedVersion> Parse(std::string_view text);

  // True when a stream at `actual` satisfies this expectation.
  bool Matches(uint64_t actual) const;

  std::string ToString() const;
};

struct Actor {
  std::string id;
  std::string role;
  std::string department;
};

// One event to append. The log assigns position, stream version, recorded_at and the hashes.
struct NewEvent {
  std::string type;  // 1..kMaxTypeBytes, e.g. "ComplaintReceived"
  std::string
      payload;  // a Cap'n Proto message (flat-array form) whose root is a struct; may be empty
  Actor actor;
  Time occurred_at{};  // epoch (the default) means "when recorded"
  uint32_t policy_version = 0;
  std::string causation_id;
  bool imported = false;
};

struct AppendRequest {
  std::string stream;
  ExpectedVersion expected;
  std::string idempotency_key;  // optional; a retry with a seen key returns the first result
  // Optional: a digest of what the caller asked (its own canonical form of the request). Stored
  // with the idempotency key; a later request with the same key and a different non-zero digest
  // is refused (FailedPrecondition, field "idempotency_key", rule "reused") instead of being
  // answered with the first request's result.
  Hash request_digest = kZeroHash;
  std::string correlation_id;    // optional; written into every event of the batch
  std::vector<NewEvent> events;  // 1..max_batch_events, written all or nothing
};

struct AppendResult {
  std::string stream;
  uint64_t first_version = 0;
  uint64_t last_version = 0;
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  Time recorded_at{};
  bool deduplicated = false;        // the idempotency key was seen before: this is the first result
  Hash request_digest = kZeroHash;  // the digest the keyed request gave (kZeroHash: none)
};

// The log's head: its last event. Print it and keep it elsewhere to detect a rewritten tail.
struct Head {
  uint64_t position = 0;
  Hash hash = kZeroHash;
  Time recorded_at{};
  uint32_t format_version = 0;  // as read from a head record (written: the build's format)
};

}  // namespace ledger
