#include "ledger/domain/import_record.h"

#include <capnp/message.h>

#include "ledger/domain/own_event.h"

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
  return AppendOwnEvent(log, kImportStream, schema::DomainEvent::IMPORT_RECORDED, message, actor,
                        policy_version);
}

}  // namespace ledger::domain
