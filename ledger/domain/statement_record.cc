#include "ledger/domain/statement_record.h"

#include <capnp/message.h>

#include "ledger/base/capnp_util.h"
#include "ledger/domain/event_view.h"
#include "ledger/domain/events.capnp.h"

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
  NewEvent event;
  event.type = std::string(EventTypeName(schema::DomainEvent::STATEMENT_PUBLISHED));
  event.payload = ToFlatBytes(message);
  event.actor = actor;
  event.policy_version = policy_version;
  AppendRequest request;
  request.stream = kStatementStream;
  request.expected = ExpectedVersion::Any();
  request.events.push_back(std::move(event));
  return log.Append(std::move(request));
}

}  // namespace ledger::domain
