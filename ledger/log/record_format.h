// How the log lays out its records in RocksDB. docs/event-format.md is the full description.
//
//   column family   key                                   value
//   events          BE64(position)                        canonical Envelope bytes || SHA-256 (32)
//   streams         streamId || 0x00 || BE64(version)     BE64(position) || the events value
//                                                         (format 1: BE64(position) alone)
//   idempotency     idempotency key                       canonical AppendOutcome
//   projections     (owned by ProjectionStore)
//   outbox          (owned by Outbox: ledger/log/outbox.h; absent from ledgers made before it
//                   until they are opened for writing)
//   default         "head"                                canonical Head
//                   "format"                              BE32(kFormatVersion)
//
// Big-endian integers make RocksDB's byte order the numeric order, so iteration follows
// positions and versions. Stream ids never contain 0x00, so a stream's keys are contiguous.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/base/status.h"
#include "ledger/log/append.h"

namespace ledger {

// 2: stream index entries carry a copy of the event's record. A format-1 ledger is read as it is
// and upgraded (its format record only) when opened for writing.
// 3: the `tree` family holds the Merkle tree (every perfect subtree, written in each append's
// batch). A ledger of an older format is read as it is (without proofs) and gets its tree, built
// from its events, when opened for writing.
inline constexpr uint32_t kFormatVersion = 3;
inline constexpr uint32_t kOldestFormatVersion = 1;

inline constexpr char kEventsFamily[] = "events";
inline constexpr char kStreamsFamily[] = "streams";
inline constexpr char kIdempotencyFamily[] = "idempotency";
inline constexpr char kProjectionsFamily[] = "projections";
inline constexpr char kOutboxFamily[] = "outbox";
inline constexpr char kTreeFamily[] = "tree";
inline constexpr char kHeadKey[] = "head";
inline constexpr char kFormatKey[] = "format";
// Present once the tree holds every event: written with a new ledger's format record, or with
// the last batch of the tree's build for a ledger made before it. A missing node is then damage.
inline constexpr char kTreeBuiltKey[] = "tree";
// The latest signed checkpoint, and the series ("checkpoint/" ‖ size, 8 bytes big-endian): size
// (8 bytes BE) ‖ root (32) ‖ signed at (8 bytes BE, microseconds since the epoch) ‖ the note.
inline constexpr char kLatestCheckpointKey[] = "checkpoint";
inline constexpr char kCheckpointSeriesPrefix[] = "checkpoint/";

inline constexpr size_t kHashBytes = 32;

void PutBigEndian64(std::string* out, uint64_t v);
uint64_t GetBigEndian64(std::string_view bytes);  // requires bytes.size() >= 8

std::string PositionKey(uint64_t position);
// The position a key of the events family names; DataLoss when it is not 8 bytes.
Result<uint64_t> DecodePositionKey(std::string_view key);

// A key of the tree family: the node's level (1 byte), then its index (8 bytes, big-endian).
std::string TreeKey(uint8_t level, uint64_t index);

std::string StreamPrefix(std::string_view stream);
std::string StreamKey(std::string_view stream, uint64_t version);

std::string EncodeHead(const Head& head);
Result<Head> DecodeHead(std::string_view bytes);

std::string EncodeOutcome(const AppendResult& result);
Result<AppendResult> DecodeOutcome(std::string_view bytes);

}  // namespace ledger
