// What a stored projection (rows and snapshot, runner.h) records about the build that wrote it,
// so that a newer build does not serve what it would not have written: the format of the bytes
// and a digest of the rules that derived them. A start that finds another of either rebuilds
// from the log and says so.
#pragma once

#include <cstdint>
#include <string>

#include "ledger/base/hash.h"

namespace projections {

// The layout of what is stored: the cereal serialization of the rows' structs (serialize.h) and
// the snapshot file's header. Bump when either changes.
//   1  the first
//   2  the snapshot's header records the rules digest; the rows' checkpoint records both
//   3  a complainant carries its data subject and sealed personal data (docs/privacy.md)
inline constexpr uint32_t kProjectionFormat = 3;

// The meaning of what is stored: bump by hand whenever the same events would now fold into other
// rows though the layout stays — a change to Evolve (ledger/domain/evolve.cc), to Track and its
// findings (tracked.cc, and the clock engine where it compares a correction's outcomes), to how
// LedgerProjection folds a complaint or a rating, or to how a published policy's document is read
// into the Policy the fold consults (policy_json*.cc). Not for what is computed from the rows at
// query time (derive.cc, queries.cc, alerts.cc): queries compute it afresh from the rows.
//   1  the first
inline constexpr uint32_t kProjectionRulesVersion = 1;

// The digest of the rules stored with a projection: SHA-256 over kProjectionRulesVersion, and
// nothing else. The policies the rows were folded under need not be in it: a complaint is folded
// under the version published for its intake, the published documents are events of the log, and
// a stored projection is trusted only if its checkpoint names the log's event hash at its
// position — a chained hash over every event up to it, policies included; later publications are
// folded like any event. The fold's fallback policy (the current one, or the built-in default)
// is consulted only for a complaint of an unpublished version, which no writer makes: the server,
// `import` and the demo publish a policy before the first complaint and stamp each event with it.
inline ledger::Hash ProjectionRulesDigest() {
  return ledger::Sha256("ledger projection rules ", std::to_string(kProjectionRulesVersion));
}

}  // namespace projections
