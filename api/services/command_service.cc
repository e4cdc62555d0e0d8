#include "api/services/command_service.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <utility>

#include "ledger/base/capnp_util.h"
#include "ledger/domain/catalogue.h"
#include "ledger/domain/decide.h"
#include "ledger/domain/escalation.h"
#include "ledger/domain/event_view.h"

namespace api {

using ledger::Result;
using ledger::Status;
namespace domain = ledger::domain;

namespace {

constexpr int kMaxAttempts = 8;  // retries after concurrent changes to the same complaint
constexpr size_t kMaxStreamEvents = 100000;

std::string FormatId(int year, uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "CMP-%04d-%06llu", year, (unsigned long long)seq);
  return buf;
}

// A JSON value with every object's members in key order: the same request sent with its fields
// in another order has the same digest.
void WriteCanonical(const boost::json::value& v, std::string& out) {
  if (const boost::json::object* o = v.if_object()) {
    std::vector<const boost::json::key_value_pair*> members;
    for (const boost::json::key_value_pair& kv : *o) members.push_back(&kv);
    std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
    out += '{';
    for (size_t i = 0; i < members.size(); ++i) {
      if (i > 0) out += ',';
      out += boost::json::serialize(boost::json::string(members[i]->key()));
      out += ':';
      WriteCanonical(members[i]->value(), out);
    }
    out += '}';
  } else if (const boost::json::array* a = v.if_array()) {
    out += '[';
    for (size_t i = 0; i < a->size(); ++i) {
      if (i > 0) out += ',';
      WriteCanonical((*a)[i], out);
    }
    out += ']';
  } else {
    out += boost::json::serialize(v);
  }
}

std::string ExternalRefOf(const domain::Action& action) {
  auto it = action.fields.find("external_ref");
  if (it == action.fields.end() || !it->value().is_string()) return "";
  return std::string(it->value().get_string());
}

// The append of a decision on stream `id` at version `current`: the time rise `due` first, then
// the decision's own events, all or nothing.
ledger::AppendRequest AppendOf(const std::string& id, uint64_t current, const IdempotencyScope& key,
                               const domain::Decision& due, const domain::Decision& decision,
                               uint32_t policy_version, bool imported) {
  ledger::AppendRequest request;
  request.stream = id;
  // The version the decision was made on: a change since makes the append fail (Aborted) rather
  // than record a decision about a state that no longer is.
  request.expected = current == 0 ? ledger::ExpectedVersion::NoStream()
                                  : ledger::ExpectedVersion::Exactly(current);
  request.idempotency_key = key.log_key;
  request.request_digest = key.digest;
  // Part of the line when importing: marked imported like the line's own events.
  request.events = domain::ToNewEvents(due, policy_version, imported);
  for (ledger::NewEvent& e : domain::ToNewEvents(decision, policy_version, imported))
    request.events.push_back(std::move(e));
  return request;
}

}  // namespace

IdempotencyScope ScopeIdempotencyKey(const domain::Action& action, const ledger::Actor& actor,
                                     const std::string& target) {
  IdempotencyScope scope;
  if (action.idempotency_key.empty()) return scope;
  scope.client_key = action.idempotency_key;
  // Length-prefixed parts: no choice of actor id, target or key can make another's bytes.
  auto part = [](std::string_view text) {
    return std::to_string(text.size()) + ":" + std::string(text);
  };
  scope.log_key =
      "k1:" +
      ledger::ToHex(ledger::Sha256(part(actor.id) + part(target) + part(action.idempotency_key)));
  std::string canonical = part(target) + part(action.type);
  canonical +=
      part(action.occurred_at ? std::to_string(ledger::ToMicros(*action.occurred_at)) : "");
  canonical += part(action.expected_version ? action.expected_version->ToString() : "");
  canonical += part(action.note);
  // The digest is kept with the key for good: it leaves out the complainant's personal data, so
  // that nothing derived from it outlives an erasure (a phone number's digest is easily reversed
  // by trying every number). A retry that differs only there gets the first result.
  boost::json::object covered = action.fields;
  if (boost::json::value* c = covered.if_contains("complainant"); c && c->is_object())
    for (const char* personal : {"name", "phone", "unit"}) c->as_object().erase(personal);
  if (const boost::json::value* f = covered.if_contains("field");
      f && f->is_string() && std::string_view(f->get_string()).starts_with("complainant."))
    covered.erase("value");
  std::string fields;
  WriteCanonical(boost::json::value(std::move(covered)), fields);
  canonical += part(fields);
  scope.digest = ledger::Sha256(canonical);
  return scope;
}

CommandService::CommandService(ledger::EventLog* log, domain::PolicyStore* policies,
                               ledger::Clock* clock, PersonalDataVault* vault)
    : log_(log), policies_(policies), clock_(clock), vault_(vault) {}

Status CommandService::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  return CatchUpLocked();
}

Status CommandService::CatchUpLocked() {
  const uint64_t head = log_->GetHead().position;
  while (directory_.position() < head) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events,
                            log_->ReadAll(directory_.position() + 1, 4096));
    if (events.empty()) break;
    for (const ledger::RecordedEvent& e : events) {
      LEDGER_RETURN_IF_ERROR(directory_.Apply(e));
      if (cache_max_ > 0) stream_versions_[std::string(e.stream())] = e.version();
    }
  }
  return Status::Ok();
}

Result<domain::ComplaintState> CommandService::LoadState(const std::string& id,
                                                         const domain::FoldOptions& options) {
  if (cache_max_ == 0 || options.as_of || options.known_at) return ReadState(id, options);
  domain::ComplaintState state;
  LEDGER_RETURN_IF_ERROR(LoadForDecision(id, &state));
  Remember(state, {});  // a copy stays cached
  return state;
}

Result<domain::ComplaintState> CommandService::ReadState(const std::string& id,
                                                         const domain::FoldOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events,
                          log_->ReadStreamForward(id, 1, kMaxStreamEvents));
  if (events.empty()) return Status::NotFound("complaint '" + id + "' does not exist");
  return domain::Fold(id, events, options);
}

Status CommandService::LoadForDecision(const std::string& id, domain::ComplaintState* state) {
  LEDGER_ASSIGN_OR_RETURN(bool cached, TakeCached(id, state));
  if (cached) return Status::Ok();
  LEDGER_ASSIGN_OR_RETURN(*state, ReadState(id, {}));
  return Status::Ok();
}

Result<bool> CommandService::TakeCached(const std::string& id, domain::ComplaintState* state) {
  if (cache_max_ == 0) return false;
  uint64_t version = 0;  // the stream's version in the log, as of the head now
  {
    std::lock_guard<std::mutex> lock(mu_);
    LEDGER_RETURN_IF_ERROR(CatchUpLocked());
    auto v = stream_versions_.find(id);
    if (v != stream_versions_.end()) version = v->second;
  }
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto it = cache_.find(id);
  if (it == cache_.end() || version == 0 || it->second.state.version != version) return false;
  // The entry stays, empty (version 0: never current) until Remember fills it again.
  *state = std::exchange(it->second.state, {});
  cache_use_.splice(cache_use_.end(), cache_use_, it->second.use);
  return true;
}

void CommandService::EnableStateCache(size_t max_entries) { cache_max_ = max_entries; }

void CommandService::Remember(domain::ComplaintState state,
                              const std::vector<ledger::RecordedEvent>& events) {
  if (cache_max_ == 0) return;
  for (const ledger::RecordedEvent& e : events) {
    Result<domain::EventView> view = domain::ViewOf(e);
    if (!view.ok() || e.stream() != state.id || e.version() != state.version + 1) return;
    domain::Evolve(state, *view);
  }
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto it = cache_.find(state.id);
  if (it != cache_.end()) {
    it->second.state = std::move(state);
    cache_use_.splice(cache_use_.end(), cache_use_, it->second.use);
  } else {
    cache_use_.push_back(state.id);
    cache_.emplace(cache_use_.back(), CachedState{std::move(state), std::prev(cache_use_.end())});
  }
  while (cache_.size() > cache_max_) {
    cache_.erase(cache_use_.front());
    cache_use_.pop_front();
  }
}

std::optional<domain::CrossFacts::Subject> CommandService::SubjectFacts(
    const std::string& subject) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!CatchUpLocked().ok()) return std::nullopt;
  return directory_.SubjectFacts(subject);
}

std::optional<std::string> CommandService::FindByExternalRef(const std::string& external_ref) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!CatchUpLocked().ok()) return std::nullopt;
  return directory_.FindByExternalRef(external_ref);
}

Result<ActionOutcome> CommandService::Execute(const domain::Action& action,
                                              const ledger::Actor& actor,
                                              const std::string& complaint, bool imported) {
  const domain::ActionSpec* spec = domain::FindAction(action.type);
  const bool on_subject = spec != nullptr && spec->target == domain::ActionTarget::kSubject;
  const std::string target = action.type == "receive"           ? std::string("receive")
                             : action.type == "rate_department" ? std::string("ratings")
                             : on_subject ? std::string(domain::kPrivacyStream)
                                          : complaint;
  const IdempotencyScope key = ScopeIdempotencyKey(action, actor, target);
  // Sealing and erasure exclude each other (erasure_mu_): taken before the retry is answered too,
  // since a retried erasure deletes the keys again.
  std::unique_lock<std::shared_mutex> erasing(erasure_mu_, std::defer_lock);
  if (on_subject && vault_ != nullptr) erasing.lock();
  if (!key.log_key.empty()) {
    LEDGER_ASSIGN_OR_RETURN(std::optional<ledger::AppendResult> seen,
                            log_->LookupIdempotencyKey(key.log_key));
    if (seen) {
      if (seen->request_digest != key.digest) return KeyReused(key);
      Result<ActionOutcome> first = FromIdempotencyKey(key.log_key);
      if (first.ok() && on_subject) EraseAfter(*first);
      return first;
    }
  }
  if (policies_->current() == nullptr)
    return Status::Unavailable("no policy is published in this ledger");
  Result<ActionOutcome> outcome =
      action.type == "receive"           ? ExecuteReceive(action, actor, key, imported)
      : action.type == "rate_department" ? ExecuteOnStream(action, actor, "ratings", key, imported)
                                         : ExecuteOnStream(action, actor, target, key, imported);
  // Two requests with one key and different bodies at once: the log refused the later one.
  if (!outcome.ok() && !key.log_key.empty() &&
      outcome.status().code() == ledger::Code::kFailedPrecondition &&
      !outcome.status().errors().empty() &&
      outcome.status().errors().front().field == "idempotency_key")
    return KeyReused(key);
  if (outcome.ok() && !outcome->deduplicated && !outcome->existing) React(action, *outcome);
  if (outcome.ok() && on_subject) EraseAfter(*outcome);
  // A request for a subject already erased: its keys go again (a deletion that failed after
  // the erasure was recorded), and the refusal stands.
  if (!outcome.ok() && on_subject && vault_ != nullptr && !outcome.status().errors().empty() &&
      outcome.status().errors().front().rule == "erased") {
    if (auto s = action.fields.find("subject"); s != action.fields.end() && s->value().is_string())
      EraseKeys(std::string_view(s->value().get_string()));
  }
  return outcome;
}

// An erasure is durable in the log before the subject's keys go. A failure to delete them is
// not the caller's: the erasure is recorded, and the next request for the subject, and every
// open of the keystore (ReconcileErasures), delete them again.
void CommandService::EraseAfter(const ActionOutcome& outcome) {
  if (vault_ == nullptr) return;
  for (const ledger::RecordedEvent& e : outcome.events) {
    if (e.type() != "SubjectErased") continue;
    Result<domain::EventView> view = domain::ViewOf(e);
    if (view.ok()) EraseKeys(ledger::TextView(view->event.getSubjectErased().getSubject()));
  }
}

void CommandService::EraseKeys(std::string_view subject) {
  if (Status s = vault_->EraseSubject(subject); !s.ok())
    std::fprintf(stderr,
                 "ledger: the keys of erased data subject %.*s are not deleted yet (%s); the next "
                 "request or start deletes them\n",
                 int(subject.size()), subject.data(), s.ToString().c_str());
}

Status CommandService::KeyReused(const IdempotencyScope& key) {
  std::string shown =
      key.client_key.size() > 64 ? key.client_key.substr(0, 64) + "..." : key.client_key;
  std::string message = "idempotency_key '" + shown +
                        "' was already used by you for a different request; a retry must repeat "
                        "the request exactly, and a new request needs a new key";
  return Status::WithErrors(ledger::Code::kFailedPrecondition, message,
                            {{"idempotency_key", "reused", message}});
}

Result<ActionOutcome> CommandService::FromIdempotencyKey(const std::string& key) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<ledger::AppendResult> seen,
                          log_->LookupIdempotencyKey(key));
  if (!seen) return Status::Internal("idempotency key vanished");
  LEDGER_ASSIGN_OR_RETURN(ActionOutcome outcome, Appended(*seen));
  outcome.deduplicated = true;
  return outcome;
}

Result<ActionOutcome> CommandService::Appended(const ledger::AppendResult& r) {
  ActionOutcome outcome;
  outcome.id = r.stream;
  outcome.version = r.last_version;
  outcome.position = r.last_position;
  outcome.deduplicated = r.deduplicated;
  LEDGER_ASSIGN_OR_RETURN(outcome.events,
                          log_->ReadAll(r.first_position, r.last_position - r.first_position + 1));
  return outcome;
}

domain::CrossFacts CommandService::Facts(const domain::Action& action, const std::string& id) {
  domain::CrossFacts facts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    (void)CatchUpLocked();
    facts = directory_.FactsFor(action, id, action.occurred_at.value_or(clock_->Now()));
  }
  if (action.type == "correct") {
    // Any whole JSON number, as the decider reads it (5, 5.0, 5e0).
    auto it = action.fields.find("event");
    boost::system::error_code ec;
    const int64_t event = it == action.fields.end() ? 0 : it->value().to_number<int64_t>(ec);
    if (!ec && event > 0) {
      Result<ledger::RecordedEvent> e = log_->ReadAt(uint64_t(event));
      if (e.ok()) {
        Result<domain::EventView> view = domain::ViewOf(*e);
        if (view.ok())
          facts.referenced = domain::CrossFacts::Referenced{e->position(), std::string(e->stream()),
                                                            view->event.which()};
      }
    }
  }
  return facts;
}

Result<std::string> CommandService::AllocateId(ledger::Time at, const std::string& external_ref) {
  const auto offset = policies_->current()->calendar.utc_offset;
  const int year = int(ledger::CivilDate(at, offset).year());
  std::lock_guard<std::mutex> lock(mu_);
  if (!external_ref.empty()) {
    if (pending_refs_.count(external_ref))
      return Status::Aborted("a complaint with external_ref '" + external_ref +
                             "' is being received right now; retry");
    pending_refs_.insert(external_ref);
  }
  auto it = next_seq_.find(year);
  if (it == next_seq_.end()) {
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "CMP-%04d-", year);
    Result<std::string> last = log_->LastStreamWithPrefix(prefix);
    if (!last.ok()) {
      if (!external_ref.empty()) pending_refs_.erase(external_ref);
      return last.status();
    }
    uint64_t seq = last->empty() ? 0 : std::strtoull(last->c_str() + 9, nullptr, 10);
    it = next_seq_.emplace(year, seq + 1).first;
  }
  if (it->second > 999999) return Status::ResourceExhausted("no complaint ids left for this year");
  return FormatId(year, it->second++);
}

void CommandService::ReleaseRef(const std::string& external_ref) {
  if (external_ref.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  pending_refs_.erase(external_ref);
}

Result<ActionOutcome> CommandService::ExecuteReceive(const domain::Action& action,
                                                     const ledger::Actor& actor,
                                                     const IdempotencyScope& key, bool imported) {
  const std::string ref = ExternalRefOf(action);
  if (!ref.empty()) {
    if (std::optional<std::string> existing = FindByExternalRef(ref)) {
      ActionOutcome outcome;
      outcome.id = *existing;
      outcome.existing = true;
      LEDGER_ASSIGN_OR_RETURN(outcome.version, log_->StreamVersion(*existing));
      return outcome;
    }
  }
  std::shared_ptr<const domain::Policy> policy = policies_->current();
  const uint32_t version = policies_->current_version();
  domain::ComplaintState empty;
  domain::DecideInput input{&empty, policy.get(),  version,           policy.get(),
                            actor,  clock_->Now(), Facts(action, ""), imported};
  LEDGER_ASSIGN_OR_RETURN(domain::Decision decision, domain::Decide(action, input));
  LEDGER_ASSIGN_OR_RETURN(std::string id, AllocateId(action.occurred_at.value_or(input.now), ref));
  std::shared_lock<std::shared_mutex> sealing(erasure_mu_, std::defer_lock);
  if (vault_ != nullptr) sealing.lock();
  if (vault_ != nullptr) {
    if (Status sealed = vault_->Seal(decision, id, 1, empty, input.now); !sealed.ok()) {
      ReleaseRef(ref);
      return sealed;
    }
  }
  ledger::AppendRequest request;
  request.stream = id;
  request.expected = ledger::ExpectedVersion::NoStream();
  request.idempotency_key = key.log_key;
  request.request_digest = key.digest;
  request.events = domain::ToNewEvents(decision, version, imported);
  Result<ledger::AppendResult> appended = log_->Append(std::move(request));
  if (sealing.owns_lock()) sealing.unlock();
  if (appended.ok() && !ref.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    (void)CatchUpLocked();  // the directory knows the ref before another receive may look
  }
  ReleaseRef(ref);
  if (!appended.ok()) return appended.status();
  if (appended->deduplicated) return FromIdempotencyKey(key.log_key);
  LEDGER_ASSIGN_OR_RETURN(ActionOutcome outcome, Appended(*appended));
  empty.id = id;
  Remember(std::move(empty), outcome.events);
  return outcome;
}

Result<ActionOutcome> CommandService::ExecuteOnStream(const domain::Action& action,
                                                      const ledger::Actor& actor,
                                                      const std::string& id,
                                                      const IdempotencyScope& key, bool imported) {
  if (id.empty()) return Status::InvalidArgument("no complaint named");
  for (int attempt = 0;; ++attempt) {
    domain::ComplaintState state;
    state.id = id;
    const domain::ActionSpec* spec = domain::FindAction(action.type);
    const bool complaint = spec == nullptr || spec->target == domain::ActionTarget::kComplaint;
    if (complaint) LEDGER_RETURN_IF_ERROR(LoadForDecision(id, &state));
    // The state goes back to the cache (Remember) on every way out but a retry.
    auto give_back = [&](Status status) {
      if (complaint) Remember(std::move(state), {});
      return status;
    };
    uint64_t current = state.version;
    if (!complaint) {
      LEDGER_ASSIGN_OR_RETURN(current, log_->StreamVersion(id));
    }
    if (action.expected_version && !action.expected_version->Matches(current))
      return give_back(Status::Aborted("version conflict on complaint '" + id + "': expected " +
                                       action.expected_version->ToString() + ", actual version " +
                                       std::to_string(current)));
    std::shared_ptr<const domain::Policy> policy = policies_->current();
    std::shared_ptr<const domain::Policy> own = policies_->Get(state.policy_version);
    const domain::Policy& rules = own ? *own : *policy;
    const ledger::Time now = clock_->Now();
    // Time may have raised the level since the complaint's last event (unresolved_week) with
    // nobody to record it yet (no scheduler: an import, the demo; or its round not come): that
    // rise goes first, dated at its instant, and the action is decided on the state after it —
    // never a rise dated at whatever action came next.
    // Due by the action's own business time: an imported history's line takes only the rises
    // of its past, the scheduler (or a later line) the ones after it.
    domain::Decision due;
    if (complaint)
      due = domain::DecideTimeEscalation(state, rules, action.occurred_at.value_or(now), "time");
    std::optional<domain::ComplaintState> raised;
    if (!due.events.empty())
      raised = domain::Preview(state, due, policies_->current_version(), now);
    domain::DecideInput input{
        raised ? &*raised : &state, policy.get(), policies_->current_version(), &rules, actor, now,
        Facts(action, id),          imported};
    Result<domain::Decision> decided = domain::Decide(action, input);
    if (!decided.ok()) return give_back(decided.status());
    if (action.type == "seal_personal_data" && vault_ == nullptr) {
      const std::string message =
          "this ledger does not seal personal data: start it with --kek (docs/privacy.md)";
      return give_back(Status::WithErrors(ledger::Code::kFailedPrecondition, message,
                                          {{"type", "not_sealing", message}}));
    }
    std::shared_lock<std::shared_mutex> sealing(erasure_mu_, std::defer_lock);
    if (vault_ != nullptr && complaint) {
      sealing.lock();
      Status sealed =
          vault_->Seal(*decided, id, current + due.events.size() + 1, *input.state, now);
      if (!sealed.ok()) return give_back(sealed);
    }
    Result<ledger::AppendResult> appended =
        log_->Append(AppendOf(id, current, key, due, *decided, input.policy_version, imported));
    if (sealing.owns_lock()) sealing.unlock();
    if (appended.ok()) {
      if (appended->deduplicated) {
        (void)give_back(Status::Ok());
        return FromIdempotencyKey(key.log_key);
      }
      Result<ActionOutcome> outcome = Appended(*appended);
      if (outcome.ok() && complaint) Remember(std::move(state), outcome->events);
      return outcome;
    }
    // Somebody else changed the complaint after we read it: decide again on the new state.
    bool retry = appended.status().code() == ledger::Code::kAborted && !action.expected_version &&
                 attempt + 1 < kMaxAttempts;
    if (!retry) return give_back(appended.status());
  }
}

void CommandService::React(const domain::Action& action, const ActionOutcome& outcome) {
  // The action's own event: a time rise that was due before the action is put first in the same
  // append (by the ledger itself), and is not the fact other complaints react to.
  auto own =
      std::find_if(outcome.events.begin(), outcome.events.end(),
                   [](const ledger::RecordedEvent& e) { return e.actor_role() != "system"; });
  if (own == outcome.events.end()) return;
  const std::string causation = "pos:" + std::to_string(own->position());
  const bool same_issue_link = action.type == "link" && action.fields.contains("relation") &&
                               action.fields.at("relation") == "same_issue";
  std::vector<std::pair<std::string, domain::CrossFactsOverTime>> affected;
  {
    std::lock_guard<std::mutex> lock(mu_);
    (void)CatchUpLocked();
    const projections::DirectoryEntry* self = directory_.Find(outcome.id);
    if (self == nullptr) return;
    // A closed complaint is not escalated (escalation.h): the directory knows which are closed,
    // so those are not even loaded.
    auto open = [this](const std::string& id) {
      const projections::DirectoryEntry* d = directory_.Find(id);
      return d == nullptr || !d->closed_at;
    };
    if (action.type == "receive" && !self->target_key.empty()) {
      // Every complaint against the target, this one too: a receive entered late may be the
      // fact that made the rule match, as of its own business time, for complaints on record.
      for (const std::string& member : directory_.ByTarget(self->target_key))
        if (open(member)) affected.push_back({member, {directory_.TargetIntakes(member)}});
    }
    if (same_issue_link) {
      const ledger::Time link_at = own->occurred_at();
      const int64_t complainants = directory_.DistinctComplainants(outcome.id, "");
      for (const std::string& member : directory_.SameIssueGroup(outcome.id))
        if (member != outcome.id && open(member))
          affected.push_back({member, {directory_.TargetIntakes(member), complainants, link_at}});
    }
  }
  // Best effort after the fact: a failure here leaves the other complaint's rule level to the
  // read side (and to its next action), never the acknowledged action undone.
  for (const auto& entry : affected) {
    const domain::CrossFactsOverTime& facts = entry.second;  // a lambda may not capture a binding
    (void)AppendEscalation(
        entry.first, [&](const domain::ComplaintState& state, const domain::Policy& policy) {
          return domain::DecideCrossEscalation(state, policy, facts, clock_->Now(), causation);
        });
  }
}

Result<bool> CommandService::EscalateInTime(const std::string& id) {
  return AppendEscalation(
      id, [&](const domain::ComplaintState& state, const domain::Policy& policy) {
        return domain::DecideTimeEscalation(state, policy, clock_->Now(), "time");
      });
}

Result<bool> CommandService::AppendEscalation(const std::string& id,
                                              const EscalationDecider& decide) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    domain::ComplaintState state;
    LEDGER_RETURN_IF_ERROR(LoadForDecision(id, &state));
    std::shared_ptr<const domain::Policy> own = policies_->Get(state.policy_version);
    if (!own) own = policies_->current();
    domain::Decision d = decide(state, *own);
    if (d.events.empty()) {
      Remember(std::move(state), {});
      return false;
    }
    ledger::AppendRequest request;
    request.stream = id;
    request.expected = ledger::ExpectedVersion::Exactly(state.version);
    // The same complaint, level and instant always make the same key: an escalation decided
    // twice (a restart, two paths to one fact) is appended once.
    request.idempotency_key =
        "k1:" + ledger::ToHex(ledger::Sha256("system:" + id + ":" + domain::EscalationKey(d)));
    request.events = domain::ToNewEvents(d, policies_->current_version(), false);
    Result<ledger::AppendResult> r = log_->Append(std::move(request));
    if (r.ok()) {
      if (r->deduplicated) {
        Remember(std::move(state), {});
        return false;
      }
      Result<ActionOutcome> outcome = Appended(*r);
      if (outcome.ok()) Remember(std::move(state), outcome->events);
      return true;
    }
    if (r.status().code() != ledger::Code::kAborted) return r.status();
  }
  return Status::Aborted("could not escalate " + id + " after repeated concurrent changes");
}

}  // namespace api
