#include "projections/tracked.h"

#include <array>

#include "ledger/base/capnp_util.h"
#include "ledger/domain/rules.h"

namespace projections {

using W = domain::schema::DomainEvent::Which;

PolicyLookup Remembering(PolicyLookup policies) {
  if (!policies) return policies;
  struct Found {
    uint32_t version = 0;
    const domain::Policy* policy = nullptr;  // null: empty
  };
  return [policies = std::move(policies), found = std::array<Found, 4>{},
          next = size_t{0}](uint32_t version) mutable -> const domain::Policy* {
    for (const Found& f : found)
      if (f.policy != nullptr && f.version == version) return f.policy;
    const domain::Policy* p = policies(version);
    if (p != nullptr) found[next++ % found.size()] = {version, p};  // unknown ones may come
    return p;
  };
}

const domain::Policy& OwnPolicy(const domain::ComplaintState& state, const PolicyLookup& policies,
                                const domain::Policy& fallback) {
  const domain::Policy* p = policies ? policies(state.policy_version) : nullptr;
  return p ? *p : fallback;
}

namespace {

// The clocks' outcomes (met or missed, per clock) as of `t`.
std::vector<std::pair<std::string, domain::ClockState>> Outcomes(const domain::ComplaintState& s,
                                                                 const domain::Policy& p, Time t) {
  std::vector<std::pair<std::string, domain::ClockState>> out;
  for (const domain::ClockResult& c : domain::EvaluateClocks(domain::ClockFactsOf(s, p), p, t)) {
    std::string name(domain::ClockKindName(c.kind));
    if (c.kind == domain::ClockKind::kClosure) name.append("#").append(std::to_string(c.cycle));
    out.emplace_back(std::move(name), c.state);
  }
  return out;
}

}  // namespace

void Track(TrackedComplaint& t, const domain::EventView& e, const PolicyLookup& policies,
           const domain::Policy& fallback) {
  const bool correction_of_time =
      e.event.which() == W::CORRECTED &&
      std::string_view(e.event.getCorrected().getField().cStr()) == "occurred_at";
  std::vector<std::pair<std::string, domain::ClockState>> before;
  if (correction_of_time && t.state.exists())
    before = Outcomes(t.state, OwnPolicy(t.state, policies, fallback), e.occurred_at);

  domain::Evolve(t.state, e);
  const domain::Policy& p = OwnPolicy(t.state, policies, fallback);

  // A late entry is a person recording late. The ledger's own events (escalations dated at the
  // instant a rule matched: caught up after the server was down, or caused by a backdated entry
  // of another complaint) are recorded late by design, not by anyone's delay.
  const bool by_the_ledger = e.actor_role == "system";
  if (!e.imported && !by_the_ledger && e.recorded_at - e.occurred_at > p.max_backdate) {
    t.event_findings.push_back(
        {"late_entry",
         t.state.id,
         e.occurred_at,
         std::string(domain::EventTypeName(e.event.which())) + " recorded " +
             std::to_string((e.recorded_at - e.occurred_at) / std::chrono::hours(1)) +
             " h after it occurred (the limit is " +
             std::to_string(p.max_backdate / std::chrono::hours(1)) + " h)",
         {e.position}});
  }
  if (correction_of_time) {
    std::vector<std::pair<std::string, domain::ClockState>> after =
        Outcomes(t.state, p, e.occurred_at);
    for (size_t i = 0; i < before.size() && i < after.size(); ++i) {
      if (before[i].first != after[i].first || before[i].second == after[i].second) continue;
      bool changed = before[i].second == domain::ClockState::kMissed ||
                     after[i].second == domain::ClockState::kMissed;
      if (!changed) continue;
      t.event_findings.push_back({"correction_moves_deadline",
                                  t.state.id,
                                  e.occurred_at,
                                  "a corrected time changed the " + before[i].first +
                                      " clock from " +
                                      std::string(domain::ClockStateName(before[i].second)) +
                                      " to " + std::string(domain::ClockStateName(after[i].second)),
                                  {e.position, e.event.getCorrected().getEvent()}});
    }
  }
}

ledger::Result<TrackedComplaint> FoldTracked(const std::string& id,
                                             const std::vector<ledger::RecordedEvent>& events,
                                             const PolicyLookup& policies,
                                             const domain::Policy& fallback,
                                             const domain::FoldOptions& options) {
  TrackedComplaint t;
  t.state.id = id;
  for (const ledger::RecordedEvent& recorded : events) {
    LEDGER_ASSIGN_OR_RETURN(domain::EventView view, domain::ViewOf(recorded));
    if (!domain::Visible(view, options)) continue;
    if (!t.state.exists() && view.event.which() != W::RECEIVED)
      return ledger::Status::DataLoss("stream '" + id + "' does not start with ComplaintReceived");
    LEDGER_RETURN_IF_ERROR(ledger::GuardDecode("complaint event", [&] {
                             Track(t, view, policies, fallback);
                             return ledger::Status::Ok();
                           }).Annotate("position " + std::to_string(view.position)));
  }
  return t;
}

}  // namespace projections
