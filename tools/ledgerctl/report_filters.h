// The report commands' filters (docs/cli.md "Reports"): a --department, --project or --person
// the ledger does not know is a usage error rather than an empty report, and --from / --to take
// a plain date where a day is meant.
//
// Thread-safety: one command, one thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "ledger/base/status.h"
#include "ledger/base/time.h"
#include "projections/ledger_projection.h"
#include "tools/ledgerctl/evaluation.h"
#include "tools/ledgerctl/session.h"
#include "tools/ledgerctl/views.h"

namespace tools {

// InvalidArgument naming the option when q.department or q.project is in no published policy
// version (the built-in default when none is published), or q.person is nobody the ledger
// names: not in a policy's organisation (heads, managers), not the actor of any event and not
// responsible for any complaint in `p` (the fold at `e`). There is no directory of people.
ledger::Status CheckReportFilters(Session& session, const projections::LedgerProjection& p,
                                  const Eval& e, const ReportQuery& q);

// An option that bounds a range of days: an RFC 3339 time, or a date YYYY-MM-DD in the policy's
// time zone (`utc_offset`) meaning the start of that day, or with `end_of_day` its end (the
// start of the next day, for an exclusive upper bound). Empty stays empty; InvalidArgument
// names `option`.
ledger::Result<std::optional<ledger::Time>> DayOrTime(const std::string& value,
                                                      const std::string& option,
                                                      std::chrono::minutes utc_offset,
                                                      bool end_of_day);

}  // namespace tools
