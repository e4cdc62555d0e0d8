// Outbox: notifications waiting to be delivered (deadline alerts to webhooks), kept in the
// ledger's database (column family "outbox"), numbered 1, 2, 3, ... with no gaps, each with an
// idempotency key, the stream it concerns (a complaint id) and a JSON body. Consumers (one per
// webhook, or an alert stream) read from a sequence number and keep a named cursor here.
// docs/architecture.md ("The outbox") explains where it sits; docs/api.md ("Webhooks") what a
// receiver sees.
//
// The outbox is not the log: it holds derived notifications, not facts, and is not chained or
// verified. Its records (keys in outbox.cc):
//   entries   seq -> appended_at, key, stream, body
//   keys      key -> seq, appended_at (what makes Append idempotent)
//   cursors   consumer name -> the last seq it finished
//
// Durability: Append and SetCursor write without a sync. A process crash loses nothing (RocksDB
// has written its write-ahead log before they return); a crash of the machine may lose the last
// ones, entry and key together (one batch). That is safe because producers regenerate their
// notifications after a restart under the same keys, so a lost entry comes back (possibly under
// another seq), and because deliverers call Sync() before sending what they read: an entry that
// anybody outside received is durable, so a seq never names two different notifications. A lost
// cursor update only means a repeated delivery (at-least-once). The log's synced appends sync
// the outbox's earlier writes too (one write-ahead log).
//
// Growth: Trim() drops entries that every consumer has finished once they are older than
// `retention`, and forgets keys older than `key_retention` (after which Append takes the key as
// new). Sequence numbers are never reused.
//
// A full disk: while the log refuses appends (EventLog::storage()), writes are Unavailable and
// write nothing; reads go on. A ledger made before the outbox, opened read-only, reads as an
// empty outbox and refuses writes (FailedPrecondition).
//
// Thread-safety: all methods may be called from any thread. Keep one Outbox per EventLog
// (Append numbers entries under the object's own lock). Append listeners run on the appending
// thread after the write and must not block.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/clock.h"
#include "ledger/base/status.h"
#include "ledger/base/time.h"
#include "ledger/log/event_log.h"

namespace ledger {

inline constexpr size_t kMaxOutboxKeyBytes = 200;
inline constexpr size_t kMaxOutboxStreamBytes = 128;
inline constexpr size_t kMaxOutboxBodyBytes = 64 * 1024;
inline constexpr size_t kMaxOutboxCursorBytes = 128;

struct OutboxOptions {
  // appended_at and Trim's ages. Not owned; must outlive the outbox. Required.
  Clock* clock = nullptr;
  // Trim drops finished entries appended longer ago than this.
  Duration retention = std::chrono::hours(24 * 30);
  // Trim forgets idempotency keys appended longer ago than this: a producer must not regenerate
  // a notification older than this, or it is appended (and delivered) again.
  Duration key_retention = std::chrono::hours(24 * 400);
};

struct OutboxEntry {
  uint64_t seq = 0;
  std::string key;
  std::string stream;  // a complaint id: delivery order matters within one
  std::string body;    // JSON text, as the producer gave it
  Time appended_at{};  // the outbox's clock, never earlier than the entry before
  bool operator==(const OutboxEntry&) const = default;
};

// What one Trim() removed.
struct OutboxTrim {
  uint64_t entries = 0;
  uint64_t keys = 0;
};

class Outbox {
 public:
  // `log` must outlive the outbox.
  Outbox(EventLog* log, OutboxOptions options);

  // Appends a notification with the next seq and returns it; if a notification with `key` was
  // appended before (and not yet forgotten, see key_retention), appends nothing and returns its
  // seq. One atomic write (entry and key), not synced (see the top of this file).
  // InvalidArgument: a key of 1..200 bytes, a stream of 1..128, a body of 1..64 KiB, all UTF-8.
  // Unavailable while the ledger refuses writes or is closed.
  Result<uint64_t> Append(std::string_view key, std::string_view stream, std::string_view body);

  // Up to `max` entries with seq >= `from`, ascending. Entries trimmed away are simply absent,
  // so the first seq returned may be greater than `from`.
  Result<std::vector<OutboxEntry>> ReadFrom(uint64_t from, size_t max);

  // The seq of the last entry ever appended (0: none), trimmed or not.
  Result<uint64_t> LastSeq();

  // The seq `consumer` finished (0 when it never set one). A name is 1..128 bytes.
  Result<uint64_t> Cursor(std::string_view consumer);
  // Sets it (not synced). InvalidArgument for a bad name or a seq past LastSeq().
  Status SetCursor(std::string_view consumer, uint64_t seq);
  // Forgets a consumer (a removed webhook). OK when it had no cursor.
  Status DeleteCursor(std::string_view consumer);
  // Every consumer and its cursor.
  Result<std::map<std::string, uint64_t>> Cursors();

  // Makes everything written so far durable (syncs the write-ahead log). Call it before an entry
  // read here leaves the process, so that no machine crash can take it back.
  Status Sync();

  // Drops entries with seq <= `finished_through` (what every consumer has finished: the least of
  // their cursors, or LastSeq() when there are none) appended at or before now - retention, and
  // the keys appended at or before now - key_retention.
  Result<OutboxTrim> Trim(uint64_t finished_through);

  // Registers fn(seq) to run after each Append that appended (on the appending thread, one
  // listener call at a time; it must not block, nor add or remove listeners). Returns an id for
  // RemoveAppendListener. For consumers that follow the outbox (a delivery thread, an alert
  // stream): wake up, then ReadFrom(cursor + 1, ...).
  uint64_t AddAppendListener(std::function<void(uint64_t)> fn);
  void RemoveAppendListener(uint64_t id);

 private:
  Status Writable();
  Status LoadLast();  // requires mu_

  EventLog* const log_;
  const OutboxOptions options_;

  std::mutex mu_;  // Append's numbering
  bool loaded_ = false;
  uint64_t last_seq_ = 0;
  Time last_appended_at_{};

  std::mutex listeners_mu_;
  std::map<uint64_t, std::function<void(uint64_t)>> listeners_;
  uint64_t next_listener_ = 1;
};

}  // namespace ledger
