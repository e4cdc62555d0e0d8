#include "ledger/domain/statement_record.h"

#include <capnp/message.h>

#include "ledger/domain/own_event.h"

namespace ledger::domain {

Result<AppendResult> RecordStatement(EventLog& log, const StatementSummary& s, const Actor& actor,
                                     uint32_t policy_version) {
  capnp::MallocMessageBuilder message;
  auto r = message.initRoot<schema::DomainEvent>().initStatementPublished();
  r.setFromMonth(s.from_month);
  r.setToMonth(s.to_month);
  r.setTreeSize(s.tree_size);
  r.setTreeRoot(s.tree_root);
  r.setStatementSha256(s.statement_sha256);
  r.setSumRoot(s.sum_root);
  r.setFines(s.fines);
  r.setWaived(s.waived);
  r.setHeadsRoot(s.heads_root);
  r.setLines(s.lines);
  return AppendOwnEvent(log, kStatementStream, schema::DomainEvent::STATEMENT_PUBLISHED, message,
                        actor, policy_version);
}

}  // namespace ledger::domain
