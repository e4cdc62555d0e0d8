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
//   access          (owned by AccessRecord: ledger/log/access_record.h; likewise)
//   default         "head"                                canonical Head
//                   "format"                              BE32(kFormatVersion)
//
// Big-endian integers make RocksDB's byte order the numeric order, so iteration follows
// positions and versions. Stream ids never contain 0x00, so a stream's keys are contiguous.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/merkle.h"
#include "ledger/base/status.h"
#include "ledger/log/append.h"

namespace ledger {

// 2: stream index entries carry a copy of the event's record. A format-1 ledger is read as it is
// and upgraded (its format record only) when opened for writing.
// 3: the `tree` family holds the Merkle tree (the perfect subtrees above the leaves, written in
// each append's batch). A ledger of an older format is read as it is (without proofs) and gets its
// tree, built from its events, when opened for writing.
inline constexpr uint32_t kFormatVersion = 3;
inline constexpr uint32_t kOldestFormatVersion = 1;

inline constexpr char kEventsFamily[] = "events";
inline constexpr char kStreamsFamily[] = "streams";
inline constexpr char kIdempotencyFamily[] = "idempotency";
inline constexpr char kProjectionsFamily[] = "projections";
inline constexpr char kOutboxFamily[] = "outbox";
inline constexpr char kTreeFamily[] = "tree";
inline constexpr char kAccessFamily[] = "access";
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

// The tree family (docs/event-format.md, "The Merkle tree"): under the index of the leaf that
// completed them (8 bytes, big-endian), the hashes of the perfect subtrees that leaf completed
// above level 0, lowest first — leaf c completes countr_one(c) of them. Leaves themselves are not
// stored: leaf i is the hash of position i + 1's canonical bytes.
std::string TreeKey(uint64_t completing_leaf);
// The leaf whose key holds node (level >= 1, index), and the node's offset in its value.
inline uint64_t CompletingLeaf(uint8_t level, uint64_t index) { return ((index + 1) << level) - 1; }
inline size_t NodeOffset(uint8_t level) { return size_t(level - 1) * 32; }
// The value for a leaf: the hashes of `completed` (as merkle::CompactRange::Append reports them,
// the leaf first) above level 0.
std::string PackTreeNodes(const std::vector<merkle::Node>& completed);

std::string StreamPrefix(std::string_view stream);
std::string StreamKey(std::string_view stream, uint64_t version);

// `format`: the format version to state (this build's, except in tests of older ledgers).
std::string EncodeHead(const Head& head, uint32_t format = kFormatVersion);
Result<Head> DecodeHead(std::string_view bytes);

std::string EncodeOutcome(const AppendResult& result);
Result<AppendResult> DecodeOutcome(std::string_view bytes);

}  // namespace ledger
