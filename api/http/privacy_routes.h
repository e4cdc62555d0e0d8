// The data subjects' rights (docs/privacy.md, docs/api.md "Personal data"):
//
//   POST /v1/privacy/actions
//       place_legal_hold | lift_legal_hold | request_erasure on a data subject (stream
//       "privacy"); role data_protection (Resource::kPrivacyAction). A request_erasure answers
//       "outcome": "erased" (the keys are deleted once the event is durable) or "restricted"
//       (grounds and until), and appends the request either way.
//   POST /v1/privacy/lookup {"phone": "..."}
//       the data subject the keystore knows by that phone (the blind index; the phone is in the
//       body, never in a URL or a log). 404 when none.
//   GET /v1/privacy/subjects/{subject}
//       a subject access request: the subject's privacy record (holds, restriction, erasure),
//       its complaints with their complainant as the caller may see it, and every recorded read
//       of its personal data.
//   GET /v1/privacy/reads?subject=&complaint=&actor=&from=&to=&after=&limit=
//       the record of reads (ledger/log/access_record.h), in order; `after` is the cursor.
//   Reads: data_protection and auditor (Resource::kPrivacy). JSON only.
//
// Thread-safety: handlers run on worker threads over thread-safe services.
#pragma once

#include "api/http/router.h"
#include "api/services/application.h"

namespace api {

ledger::Status RegisterPrivacyRoutes(Router& router, Application& app);

}  // namespace api
