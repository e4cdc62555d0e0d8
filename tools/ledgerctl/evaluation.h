// What a projection is evaluated at, from --as-of, --known-at and --policy: the same meaning as
// the API's as_of, known_at and policy query parameters (docs/api.md), so the CLI and the API
// answer alike. And the in-memory fold of the whole log the report commands read.
#pragma once

#include <memory>
#include <optional>

#include "api/services/views_json.h"
#include "ledger/base/clock.h"
#include "projections/ledger_projection.h"
#include "projections/runner.h"
#include "tools/ledgerctl/flags.h"
#include "tools/ledgerctl/session.h"

namespace tools {

struct Eval {
  std::optional<ledger::Time> as_of;     // given: events that occurred later are left out
  std::optional<ledger::Time> known_at;  // given: events recorded later are left out
  ledger::Time at{};                     // the evaluation time: as_of, else known_at, else now
  std::shared_ptr<const ledger::domain::Policy> what_if;
  uint32_t what_if_version = 0;

  ledger::domain::FoldOptions fold_options() const { return {as_of, known_at}; }
  bool fresh() const { return !as_of && !known_at && !what_if; }
};

// InvalidArgument naming the option for a time that is not RFC 3339 or an unpublished version.
ledger::Result<Eval> ReadEval(const EvaluationFlags& flags, const Session& session,
                              ledger::Clock& clock);

// Parses an RFC 3339 option value; empty stays empty. InvalidArgument names `option`.
ledger::Result<std::optional<ledger::Time>> OptionTime(const std::string& value,
                                                       const std::string& option);

// The policy lookup and fallback to fold and derive with (the what-if policy for every version).
projections::PolicyLookup LookupFor(const Eval& e, const Session& session);
const ledger::domain::Policy& FallbackFor(const Eval& e, const Session& session);

// The `evaluated` block of the JSON views; `state` gives the complaint's own policy version.
api::Evaluation Evaluated(const Eval& e, const Session& session,
                          const ledger::domain::ComplaintState* state);

// The CLI's reader: the operator can read the ledger's files, so it sees what an auditor sees
// (personal data included).
const api::Principal* CliViewer();
api::ViewContext ViewFor(const Session& session);

// Folds the log (up to known_at, events that occurred by as_of) into a LedgerProjection in
// memory, as ProjectionRunner::FoldAt does; `progress` is called now and then.
ledger::Result<projections::LedgerProjection> FoldLedger(Session& session, const Eval& e,
                                                         const projections::Progress& progress);

}  // namespace tools
