#include "ledger/domain/import_record.h"

#include <capnp/message.h>

#include "ledger/base/capnp_util.h"
#include "ledger/domain/event_view.h"
#include "ledger/domain/events.capnp.h"

namespace ledger::domain {

Result<AppendResult> RecordImport(EventLog& log, const ImportSummary& s, const Actor& actor,
                                  uint32_t policy_version) {
  capnp::MallocMessageBuilder message;
  auto r = message.initRoot<schema::DomainEvent>().initImportRecorded();
  r.setFileName(s.file_name);
  r.setFileSha256(s.file_sha256);
  r.setLinesRead(s.lines_read);
  r.setLinesApplied(s.lines_applied);
  r.setFirstPosition(s.first_position);
  r.setLastPosition(s.last_position);
  r.setStoppedAt(s.stopped_at);
  r.setStopReason(s.stop_reason);
  NewEvent event;
  event.type = std::string(EventTypeName(schema::DomainEvent::IMPORT_RECORDED));
  event.payload = ToFlatBytes(message);
  event.actor = actor;
  event.policy_version = policy_version;
  AppendRequest request;
  request.stream = kImportStream;
  request.expected = ExpectedVersion::Any();
  request.events.push_back(std::move(event));
  return log.Append(std::move(request));
}

}  // namespace ledger::domain
