// LogEventSource: the global log as a Server-Sent Events stream (GET /v1/events/stream).
//
// Each event is one SSE message whose id is its position and whose data is its JSON
// (event_json.h):
//
//   id: 42
//   data: {"position":42,"stream":"CMP-2026-000001",...}
//
// It reads through an EventLog Subscription — catching up from disk, then following commits —
// and is woken by a commit listener. Reads happen only when the connection polls, so a slow
// client makes the source read further behind rather than buffer: memory per stream is bounded
// by the poll's limits plus a small carry-over of already-read events (kReadStep).
//
// Thread-safety: as EventStreamSource (event_stream.h). Must be destroyed before the EventLog.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/http/event_stream.h"
#include "api/services/event_json.h"
#include "ledger/log/event_log.h"

namespace api {

class LogEventSource final : public EventStreamSource {
 public:
  // Events read from the log per step; at most this many wait between polls.
  static constexpr size_t kReadStep = 16;

  // Streams `log` from position `from` (0 and 1 both mean the first event), rendered with
  // `render` for `viewer`. `log` is not owned.
  LogEventSource(ledger::EventLog* log, uint64_t from, PayloadRenderer render,
                 std::optional<Principal> viewer);
  ~LogEventSource() override;

  void Start(std::function<void()> wake) override;
  ledger::Status Poll(size_t max_events, size_t max_bytes, std::string* out) override;

  // The position of the next event this source will send.
  uint64_t next_position() const;

 private:
  ledger::EventLog* const log_;
  const std::unique_ptr<ledger::Subscription> subscription_;
  const PayloadRenderer render_;
  const std::optional<Principal> viewer_;
  std::vector<ledger::RecordedEvent> carry_;  // read but not yet sent
  size_t carry_index_ = 0;
  std::optional<uint64_t> listener_;
};

// One SSE message for `event`.
std::string SseFrame(const ledger::RecordedEvent& event, const PayloadRenderer& render,
                     const Principal* viewer);

}  // namespace api
