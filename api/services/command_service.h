// CommandService: the write path. An action becomes events: the service loads the complaint,
// decides against its state, the policy in force and the actor (ledger/domain/decide.h), and
// appends the events atomically at the version it decided on. A concurrent change in between is
// retried (or, when the client gave expected_version, reported as a conflict). Cross-complaint
// facts come from a Directory kept current with the log; escalations that a change causes on
// other complaints are appended to them afterwards by actor "system".
//
// Ids: a receive gets CMP-<year>-<6-digit sequence>, the year of its occurred_at in the policy's
// time zone, the sequence the next after the highest id of that year in the log. A receive whose
// external_ref is already on record returns that complaint (existing = true) and appends nothing.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/services/personal_data.h"
#include "ledger/base/clock.h"
#include "ledger/domain/action.h"
#include "ledger/domain/evolve.h"
#include "ledger/domain/policy_store.h"
#include "ledger/log/event_log.h"
#include "projections/directory.h"

namespace api {

struct ActionOutcome {
  std::string id;                             // the complaint (or stream) the action applied to
  uint64_t version = 0;                       // its version afterwards
  uint64_t position = 0;                      // position of the last event appended (or found)
  std::vector<ledger::RecordedEvent> events;  // the events appended (or of the first result)
  bool deduplicated = false;  // the idempotency key was seen: the first result, nothing appended
  bool existing = false;      // receive with a known external_ref: that complaint, nothing appended
};

// An action's idempotency key as the log keeps it. A client's key is scoped to the actor and the
// target (the complaint; "receive" for a new one; "ratings"): the log's key is a digest of the
// three, so one caller's key never answers another caller's request, nor the same caller's
// request on another complaint. `digest` covers everything the request asks (target, type,
// fields, occurred_at, expected_version, note) except the complainant's personal data (a receive's
// complainant name, phone and unit; the value of a correction of one), which the digest, kept for
// good, must not let anyone recover after an erasure; the same key with another digest is refused
// (422, field "idempotency_key", rule "reused") rather than answered with the first result.
struct IdempotencyScope {
  std::string client_key;  // as the client sent it ("" when none)
  std::string log_key;     // "k1:<hex SHA-256>" ("" when none)
  ledger::Hash digest = ledger::kZeroHash;
};
IdempotencyScope ScopeIdempotencyKey(const ledger::domain::Action& action,
                                     const ledger::Actor& actor, const std::string& target);

class CommandService {
 public:
  // None owned; all must outlive the service. With a `vault` that seals (a keystore), the
  // personal fields of every event are sealed before they are appended (personal_data.h);
  // without one they are recorded in the clear.
  CommandService(ledger::EventLog* log, ledger::domain::PolicyStore* policies, ledger::Clock* clock,
                 PersonalDataVault* vault = nullptr);

  // Reads the log into the directory. Call once before Execute.
  ledger::Status Start();

  // Executes one action. `complaint` names the complaint (empty for receive and rate_department);
  // `imported` marks events written by an import. An idempotency key is scoped to `actor` and the
  // target (IdempotencyScope): a retry of the same request answers the first result
  // (deduplicated); the same key with a different request is FailedPrecondition (field
  // "idempotency_key", rule "reused"). Errors as Decide's, plus Aborted for a version conflict
  // (expected_version given) and Unavailable/DataLoss from the log.
  ledger::Result<ActionOutcome> Execute(const ledger::domain::Action& action,
                                        const ledger::Actor& actor, const std::string& complaint,
                                        bool imported = false);

  // Appends the escalation that time has brought to complaint `id` by now (a rule such as
  // unresolved_week: escalation.h), dated at the instant its rule matched. True when one was
  // appended; false when none was due (or it was already appended: the key is deterministic).
  // For the escalation scheduler.
  ledger::Result<bool> EscalateInTime(const std::string& id);

  // The state of a complaint (NotFound when there is none), optionally as of / as known at.
  ledger::Result<ledger::domain::ComplaintState> LoadState(
      const std::string& id, const ledger::domain::FoldOptions& options = {});

  // A data subject's complaints and privacy record, as the next erasure would be decided on
  // (nullopt: no complaint is sealed for it).
  std::optional<ledger::domain::CrossFacts::Subject> SubjectFacts(const std::string& subject);

  // The complaint that has `external_ref`, if any (for import lines "ref:<external_ref>").
  std::optional<std::string> FindByExternalRef(const std::string& external_ref);

  // Optional: keeps up to `max_entries` folded complaint states in memory (0: off, the default),
  // so that an action need not re-read and re-fold its stream. A cached state is used only when
  // its version equals the stream's version in the log (never a stale state); the service
  // updates it with the events it appends itself (escalations of other complaints included) and
  // evicts the least recently used. LoadState with as_of/known_at bypasses it.
  // For bulk writers (ledgerctl demo); call before Start().
  void EnableStateCache(size_t max_entries);

  ledger::domain::PolicyStore& policies() { return *policies_; }
  ledger::EventLog& log() { return *log_; }

 private:
  ledger::Result<ActionOutcome> ExecuteReceive(const ledger::domain::Action& action,
                                               const ledger::Actor& actor,
                                               const IdempotencyScope& key, bool imported);
  ledger::Result<ActionOutcome> ExecuteOnStream(const ledger::domain::Action& action,
                                                const ledger::Actor& actor, const std::string& id,
                                                const IdempotencyScope& key, bool imported);
  static ledger::Status KeyReused(const IdempotencyScope& key);
  // After an erasure is appended (or answered again): deletes the subject's keys.
  void EraseAfter(const ActionOutcome& outcome);
  void EraseKeys(std::string_view subject);
  ledger::Result<ActionOutcome> FromIdempotencyKey(const std::string& key);
  ledger::Result<ActionOutcome> Appended(const ledger::AppendResult& result);
  ledger::Status CatchUpLocked();
  ledger::Result<std::string> AllocateId(ledger::Time at, const std::string& external_ref);
  void ReleaseRef(const std::string& external_ref);
  // Reads `id`'s stream and folds it (NotFound when there is none); no cache.
  ledger::Result<ledger::domain::ComplaintState> ReadState(
      const std::string& id, const ledger::domain::FoldOptions& options);
  // Sets *state to the state of `id` to decide on: taken out of the state cache when it holds
  // the current one (no copy; the caller gives it back with Remember), else read and folded
  // from the log.
  ledger::Status LoadForDecision(const std::string& id, ledger::domain::ComplaintState* state);
  // Moves the cached state of `id` into *state and returns true if it is current (its version is
  // the stream's in the log); false otherwise (and always without a cache).
  ledger::Result<bool> TakeCached(const std::string& id, ledger::domain::ComplaintState* state);
  // The state cache (EnableStateCache): remembers `state` after `events` were appended to it,
  // as the most recently used entry.
  void Remember(ledger::domain::ComplaintState state,
                const std::vector<ledger::RecordedEvent>& events);
  ledger::domain::CrossFacts Facts(const ledger::domain::Action& action, const std::string& id);
  // Escalations on complaints of the same target or same-issue group caused by `outcome`.
  void React(const ledger::domain::Action& action, const ActionOutcome& outcome);
  // Decides an escalation of `id` on its current state under its own policy and appends it at
  // that version (retried on a concurrent change), with a key made from the decision.
  using EscalationDecider = std::function<ledger::domain::Decision(
      const ledger::domain::ComplaintState&, const ledger::domain::Policy&)>;
  ledger::Result<bool> AppendEscalation(const std::string& id, const EscalationDecider& decide);

  ledger::EventLog* const log_;
  ledger::domain::PolicyStore* const policies_;
  ledger::Clock* const clock_;
  PersonalDataVault* const vault_;  // may be null

  std::mutex mu_;  // guards directory_, next_seq_, pending_refs_
  // Sealing (shared: from the subject's key to the append) and erasure (exclusive: from the
  // decision to the keys' deletion) exclude each other, so that no event is sealed with a key
  // that an erasure appended before it has deleted (docs/privacy.md).
  std::shared_mutex erasure_mu_;
  projections::Directory directory_;
  std::map<int, uint64_t> next_seq_;    // year -> next sequence number
  std::set<std::string> pending_refs_;  // external refs of receives being appended

  // The state cache (EnableStateCache). stream_versions_ (guarded by mu_) holds every stream's
  // version as of directory_.position(), kept by the catch-up: what a cached state must match.
  std::unordered_map<std::string, uint64_t> stream_versions_;
  // Entries are evicted least recently used first: an action takes its complaint's state out
  // and puts it back, so complaints still being handled stay cached however long ago they came.
  struct CachedState {
    ledger::domain::ComplaintState state;
    std::list<std::string>::iterator use;  // its place in cache_use_
  };
  std::mutex cache_mu_;  // guards cache_ and cache_use_
  std::atomic<size_t> cache_max_{0};
  std::unordered_map<std::string, CachedState> cache_;
  std::list<std::string> cache_use_;  // cached ids, least recently used first
};

}  // namespace api
