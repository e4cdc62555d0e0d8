#include "ledger/domain/policy_store.h"

#include "ledger/base/capnp_util.h"
#include "ledger/domain/event_view.h"
#include "ledger/domain/events.capnp.h"

namespace ledger::domain {
namespace {

std::shared_ptr<const Policy> Versioned(const Policy& parsed, uint32_t version) {
  auto p = std::make_shared<Policy>(parsed);
  p->version = version;
  return p;
}

}  // namespace

Status PolicyStore::Load() {
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> events,
                          log_->ReadStreamForward(kPolicyStream, 1, 1u << 20));
  std::map<uint32_t, PublishedPolicy> versions;
  for (const RecordedEvent& e : events) {
    LEDGER_ASSIGN_OR_RETURN(EventView view, ViewOf(e));
    if (view.event.which() != schema::DomainEvent::POLICY_PUBLISHED) continue;
    PublishedPolicy published;
    LEDGER_RETURN_IF_ERROR(GuardDecode("policy event", [&] {
      auto p = view.event.getPolicyPublished();
      published.version = p.getVersion();
      published.document = p.getDocument().cStr();
      published.sha256 = p.getSha256().cStr();
      return Status::Ok();
    }));
    published.published_at = e.recorded_at();
    published.published_by = std::string(view.actor_id);
    published.position = e.position();
    Result<std::shared_ptr<const Policy>> parsed = ParsePolicy(published.document);
    if (!parsed.ok())
      return Status::DataLoss("published policy version " + std::to_string(published.version) +
                              " no longer parses: " + parsed.status().ToString());
    published.policy = Versioned(**parsed, published.version);
    versions[published.version] = std::move(published);
  }
  std::lock_guard<std::mutex> lock(mu_);
  versions_ = std::move(versions);
  return Status::Ok();
}

Result<uint32_t> PolicyStore::Publish(const std::string& document, const Actor& actor) {
  LEDGER_ASSIGN_OR_RETURN(std::shared_ptr<const Policy> policy, ParsePolicy(document));
  std::string sha = ToHex(Sha256(document));
  uint32_t current = current_version();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (current > 0 && versions_.at(current).sha256 == sha) return current;
  }
  const uint32_t version = current + 1;
  capnp::MallocMessageBuilder message;
  auto p = message.initRoot<schema::DomainEvent>().initPolicyPublished();
  p.setVersion(version);
  p.setName(policy->name);
  p.setDocument(document);
  p.setSha256(sha);
  NewEvent event;
  event.type = std::string(EventTypeName(schema::DomainEvent::POLICY_PUBLISHED));
  event.payload = ToFlatBytes(message);
  event.actor = actor;
  event.policy_version = version;
  AppendRequest request;
  request.stream = kPolicyStream;
  request.expected = ExpectedVersion::Exactly(current);  // 0 means "no stream"
  if (current == 0) request.expected = ExpectedVersion::NoStream();
  request.events.push_back(std::move(event));
  LEDGER_ASSIGN_OR_RETURN(AppendResult appended, log_->Append(std::move(request)));
  PublishedPolicy published{
      version,  Versioned(*policy, version), document, sha, appended.recorded_at,
      actor.id, appended.last_position};
  std::lock_guard<std::mutex> lock(mu_);
  versions_[version] = std::move(published);
  return version;
}

uint32_t PolicyStore::current_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return versions_.empty() ? 0 : versions_.rbegin()->first;
}

std::shared_ptr<const Policy> PolicyStore::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return versions_.empty() ? nullptr : versions_.rbegin()->second.policy;
}

std::shared_ptr<const Policy> PolicyStore::Get(uint32_t version) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = versions_.find(version);
  return it == versions_.end() ? nullptr : it->second.policy;
}

const Policy* PolicyStore::ForVersion(uint32_t version) const { return Get(version).get(); }

std::vector<PublishedPolicy> PolicyStore::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<PublishedPolicy> out;
  for (const auto& [v, p] : versions_) out.push_back(p);
  return out;
}

}  // namespace ledger::domain
