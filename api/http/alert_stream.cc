#include "api/http/alert_stream.h"

#include "api/services/complaint_access.h"

namespace api {

AlertEventSource::AlertEventSource(ledger::Outbox* outbox,
                                   projections::ProjectionRunner* projections, uint64_t from,
                                   Access access)
    : outbox_(outbox), projections_(projections), access_(std::move(access)), next_(from) {}

AlertEventSource::~AlertEventSource() {
  if (listener_) outbox_->RemoveAppendListener(*listener_);
}

void AlertEventSource::Start(std::function<void()> wake) {
  listener_ = outbox_->AddAppendListener([wake = std::move(wake)](uint64_t) { wake(); });
}

bool AlertEventSource::Visible(const std::string& complaint) const {
  return projections_->Read([&](const projections::LedgerProjection& p) {
    const projections::TrackedComplaint* t = p.Find(complaint);
    return t != nullptr && access_.MayReadComplaint(HoldersOf(t->state));
  });
}

ledger::Status AlertEventSource::Poll(size_t max_events, size_t max_bytes, std::string* out) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::OutboxEntry> entries,
                          outbox_->ReadFrom(next_, std::min<size_t>(max_events, 64)));
  if (entries.empty()) return ledger::Status::Ok();
  // Nothing leaves the process that a machine crash could take back (ledger/log/outbox.h).
  LEDGER_RETURN_IF_ERROR(outbox_->Sync());
  for (const ledger::OutboxEntry& e : entries) {
    if (out->size() >= max_bytes) break;
    next_ = e.seq + 1;
    if (e.key.rfind("alert:", 0) != 0 || !Visible(e.stream)) continue;
    *out += "id: " + std::to_string(e.seq) + "\ndata: " + e.body + "\n\n";
  }
  return ledger::Status::Ok();
}

}  // namespace api
