// Evolve and Fold: the complaint state from its events (the "evolve" of the aggregate).
//
// Evolve never fails: decide only produces valid events, and recorded events were validated when
// decided. Folding a stream read from disk checks each payload (ViewOf) and returns DataLoss for
// a damaged one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/domain/event_view.h"
#include "ledger/domain/state.h"
#include "ledger/log/recorded_event.h"

namespace ledger::domain {

// Applies one event. Events of other streams (policy, ratings, imports) change nothing.
void Evolve(ComplaintState& state, const EventView& event);

// Which events a fold sees: `as_of` keeps events that occurred by then (business time);
// `known_at` keeps events recorded by then (ledger time). Both optional.
struct FoldOptions {
  std::optional<Time> as_of;
  std::optional<Time> known_at;
};

bool Visible(const EventView& e, const FoldOptions& options);

// Folds a stream's events (in version order) into a state.
Result<ComplaintState> Fold(std::string id, const std::vector<RecordedEvent>& events,
                            const FoldOptions& options = {});

}  // namespace ledger::domain
