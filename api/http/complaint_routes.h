// The complaint endpoints of the HTTP contract (docs/api.md "Complaint endpoints"):
//
//   POST /v1/complaints                    a receive action -> 201 {id, version, position, events}
//   POST /v1/complaints/{id}/actions       any other action -> 200 {id, version, position, events}
//   POST /v1/ratings                       rate_department (not on a complaint stream)
//   GET  /v1/complaints/{id}               the ticket state (as_of, known_at, policy)
//   GET  /v1/complaints/{id}/events        the stream's events
//   GET  /v1/complaints/{id}/timeline      the replay (as_of, known_at, policy)
//   GET  /v1/complaints                    the filtered list, with a cursor
//   GET  /v1/responsibility, /v1/fines, /v1/rewards, /v1/metrics, /v1/findings
//   GET  /v1/policies, POST /v1/policies   policy versions; publishing is an admin action
//
// Actions are decided by the CommandService with the caller's actor (from the token, never from
// the body). Every route names its Resource; reads check the object and row level and redact
// personal data as the authorization table says (authorization.h).
// Projection reads come from the ProjectionRunner; with as_of / known_at / policy they are
// evaluated afresh from the log without changing what is stored.
//
// Thread-safety: handlers run on worker threads; every service used is thread-safe.
#pragma once

#include <chrono>

#include "api/http/router.h"
#include "api/services/command_service.h"
#include "api/services/event_json.h"
#include "api/services/metrics.h"
#include "ledger/base/clock.h"
#include "projections/runner.h"

namespace api {

struct ComplaintRoutesOptions {
  CommandService* commands = nullptr;  // none owned
  projections::ProjectionRunner* projections = nullptr;
  ledger::domain::PolicyStore* policies = nullptr;
  ledger::EventLog* log = nullptr;
  ledger::Clock* clock = nullptr;
  Metrics* metrics = nullptr;  // may be null
  PayloadRenderer render;
  const PersonalDataVault* vault = nullptr;  // opens sealed personal data; may be null
  // Reports that fold the whole log afresh (as_of, known_at, policy) at once, at most; a request
  // beyond waits up to `heavy_wait`, then is answered 429 with Retry-After.
  size_t heavy_queries = 2;
  std::chrono::milliseconds heavy_wait{5000};
};

ledger::Status RegisterComplaintRoutes(Router& router, ComplaintRoutesOptions options);

}  // namespace api
