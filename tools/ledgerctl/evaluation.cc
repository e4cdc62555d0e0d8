#include "tools/ledgerctl/evaluation.h"

namespace tools {

using ledger::Result;
using ledger::Status;

Result<std::optional<ledger::Time>> OptionTime(const std::string& value,
                                               const std::string& option) {
  if (value.empty()) return std::optional<ledger::Time>();
  Result<ledger::Time> t = ledger::ParseRfc3339(value);
  if (!t.ok())
    return Status::InvalidArgument(option + " must be an RFC 3339 time with an offset, e.g. " +
                                   "2026-03-01T09:00:00+08:00, not '" + value + "'");
  return std::optional<ledger::Time>(*t);
}

Result<Eval> ReadEval(const EvaluationFlags& flags, const Session& session, ledger::Clock& clock) {
  Eval e;
  LEDGER_ASSIGN_OR_RETURN(e.as_of, OptionTime(flags.as_of, "--as-of"));
  LEDGER_ASSIGN_OR_RETURN(e.known_at, OptionTime(flags.known_at, "--known-at"));
  e.at = e.as_of ? *e.as_of : e.known_at ? *e.known_at : clock.Now();
  if (flags.policy != 0) {
    e.what_if = session.policies().Get(flags.policy);
    if (!e.what_if)
      return Status::InvalidArgument("--policy: version " + std::to_string(flags.policy) +
                                     " is not published in this ledger");
    e.what_if_version = flags.policy;
  }
  return e;
}

projections::PolicyLookup LookupFor(const Eval& e, const Session& session) {
  if (!e.what_if) return session.lookup();
  const ledger::domain::Policy* p = e.what_if.get();
  return [p](uint32_t) { return p; };
}

const ledger::domain::Policy& FallbackFor(const Eval& e, const Session& session) {
  return e.what_if ? *e.what_if : session.current();
}

api::Evaluation Evaluated(const Eval& e, const Session& session,
                          const ledger::domain::ComplaintState* state) {
  api::Evaluation at;
  at.as_of = e.at;
  at.known_at = e.known_at;
  at.what_if = e.what_if != nullptr;
  at.policy_version = e.what_if ? e.what_if_version
                      : state   ? state->policy_version
                                : session.policies().current_version();
  return at;
}

const api::Principal* CliViewer() {
  static const api::Principal viewer{
      {"ledgerctl", "auditor", ""}, api::Role::kAuditor, "", "ledgerctl"};
  return &viewer;
}

api::ViewContext ViewFor(const Session& session) {
  return api::ViewContext{session.utc_offset(), CliViewer(), &session.reader_vault()};
}

Result<projections::LedgerProjection> FoldLedger(Session& session, const Eval& e,
                                                 const projections::Progress& progress) {
  ledger::EventLog& log = session.log();
  uint64_t cut = log.GetHead().position;
  if (e.known_at) {
    LEDGER_ASSIGN_OR_RETURN(uint64_t first_after,
                            log.FirstPositionRecordedAtOrAfter(*e.known_at + ledger::Duration(1)));
    cut = first_after - 1;
  }
  projections::LedgerProjection p;
  if (cut == 0) return p;
  projections::PolicyLookup lookup = LookupFor(e, session);
  const ledger::domain::Policy& fallback = FallbackFor(e, session);
  uint64_t done = 0;
  LEDGER_RETURN_IF_ERROR(log.ForEach(1, cut, [&](const ledger::RecordedEvent& ev) {
    bool visible = !e.as_of || ev.occurred_at() <= *e.as_of;
    if (progress && (++done % 16384 == 0 || done == cut)) progress(done, cut);
    return p.Apply(ev, lookup, fallback, visible);
  }));
  if (progress) progress(cut, cut);
  return p;
}

}  // namespace tools
