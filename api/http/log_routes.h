// The log endpoints (docs/api.md, "The log"):
//
//   GET /v1/events?from=POS&limit=N   one page of the global log (JSON or Cap'n Proto EventPage)
//   GET /v1/events/stream?from=POS    the same, then live, as Server-Sent Events; resumes after
//                                     the Last-Event-ID header when the client reconnects
//   GET /v1/ledger/verify             the integrity chain check (JSON or VerifyResult)
//   GET /v1/ledger/checkpoint         the latest signed checkpoint (text: a C2SP signed note);
//                                     ?size=N one of the hourly series
//   POST /v1/ledger/checkpoint        signs a checkpoint of the head now (the server's key), and
//                                     answers it; the latest when the log has not grown since
//   GET /v1/ledger/proof/inclusion?position=P[&size=N]    an event's inclusion proof, with the
//                                     signed checkpoint it is against (JSON)
//   GET /v1/ledger/proof/consistency?from=M[&size=N]      from a checkpoint the client holds to a
//                                     signed one (JSON)
//   GET /v1/ledger/proof/bundle?position=P[&size=N]       the offline bundle (C2SP tlog-proof@v1)
//   GET /v1/ledger/tile/...           the tree and the events as C2SP tlog-tiles (tile_routes.h)
//
// Every proof is answered against a stored signed checkpoint (the latest unless `size` names
// another): a client never gets a proof it cannot tie to a signature.
//
// and the log's counters on /metrics (EventLog::GetStats(): commits, appends, events, sync group
// sizes; the head position).
//
// Thread-safety: handlers run on worker threads; the EventLog is thread-safe.
#pragma once

#include <cstddef>

#include "api/http/router.h"
#include "api/services/authorization.h"
#include "api/services/event_json.h"
#include "api/services/metrics.h"
#include "api/services/personal_data.h"
#include "ledger/log/checkpointer.h"
#include "ledger/log/event_log.h"

namespace api {

inline constexpr size_t kDefaultPageSize = 100;
inline constexpr size_t kMaxPageSize = 1000;
// A page stops early (has_more: true) once its events' JSON or Cap'n Proto size passes this.
inline constexpr size_t kMaxPageBytes = 4 * 1024 * 1024;

struct LogRoutesOptions {
  ledger::EventLog* log = nullptr;  // not owned; must outlive the server and `metrics`' last use
  Metrics* metrics = nullptr;       // receives the log's counters; may be null
  PayloadRenderer render;           // empty: payloads render as null
  // Withholds raw payloads holding personal data recorded in the clear where it must (the
  // Cap'n Proto encoding: event_capnp.h FillEnvelopes); null: withholds nothing more.
  const PersonalDataVault* vault = nullptr;
  // Signs checkpoints on demand (POST /v1/ledger/checkpoint); null when the server has no
  // signing key. Not owned; must outlive the server.
  ledger::Checkpointer* checkpointer = nullptr;
};

// Who may read the raw log and run the check: the authorization table's Resource::kLog and
// Resource::kVerify (authorization.h). The log holds every complaint: only roles whose scope is
// every complaint read it, and personal data only as the table's property level allows.

ledger::Status RegisterLogRoutes(Router& router, LogRoutesOptions options);

// The C2SP tlog-proof@v1 bundle of the event at `position` against checkpoint `c` (position <=
// c.size): "c2sp.org/tlog-proof@v1", "extra <base64 canonical bytes>", "index <position - 1>",
// the inclusion proof in base64 one hash a line, an empty line, the signed checkpoint. Also
// `ledgerctl prove`.
ledger::Result<std::string> ProofBundle(ledger::EventLog& log, uint64_t position,
                                        const ledger::StoredCheckpoint& c);

}  // namespace api
