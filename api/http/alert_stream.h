// AlertEventSource: deadline alerts as Server-Sent Events (GET /v1/alerts/stream), read from the
// outbox the scheduler publishes them to (ledger/log/outbox.h), so a client that reconnects with
// Last-Event-ID (an outbox seq) misses nothing and gets nothing twice.
//
//   id: 17
//   data: {"complaint":"CMP-2026-000001","clock":"response","threshold":75,...}
//
// Only alerts of complaints the caller may see are sent (the route's Access, decided on the
// complaint as the kept projection holds it); the others are skipped, seq and all. Entries are
// made durable (Outbox::Sync) before they leave the process.
//
// Thread-safety: as EventStreamSource (event_stream.h). Must be destroyed before the outbox.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "api/http/event_stream.h"
#include "api/services/authorization.h"
#include "ledger/log/outbox.h"
#include "projections/runner.h"

namespace api {

class AlertEventSource final : public EventStreamSource {
 public:
  // Streams `outbox` from seq `from` for a caller with `access`. None owned.
  AlertEventSource(ledger::Outbox* outbox, projections::ProjectionRunner* projections,
                   uint64_t from, Access access);
  ~AlertEventSource() override;

  void Start(std::function<void()> wake) override;
  ledger::Status Poll(size_t max_events, size_t max_bytes, std::string* out) override;

 private:
  bool Visible(const std::string& complaint) const;

  ledger::Outbox* const outbox_;
  projections::ProjectionRunner* const projections_;
  const Access access_;
  uint64_t next_;
  std::optional<uint64_t> listener_;
};

}  // namespace api
