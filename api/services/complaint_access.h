// The authorization model (authorization.h) applied to complaint states: who holds a complaint,
// as its state says, and the predicate of the complaints a caller may see, for queries over many
// (projections::Scope::visible).
//
// Thread-safety: free functions.
#pragma once

#include <functional>

#include "api/services/authorization.h"
#include "ledger/domain/state.h"

namespace api {

// Who holds the complaint, for the object-level check. Views into `s`: it must outlive the result.
ComplaintHolders HoldersOf(const ledger::domain::ComplaintState& s);

// The complaints `access` may read; empty (meaning all) when its scope is every complaint.
std::function<bool(const ledger::domain::ComplaintState&)> VisibleTo(const Access& access);

}  // namespace api
