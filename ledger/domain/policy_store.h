// PolicyStore: the policy versions published in the ledger (stream "policy").
//
// Version n is the n-th PolicyPublished event of the stream. At start the store reads them all;
// EnsurePublished() publishes a policy file when its text differs from the current version (so a
// fresh ledger gets version 1, and a changed --policy file becomes the next version). Old
// versions stay readable forever: a complaint is judged under the version of its intake.
//
// Thread-safety: all methods may be called concurrently; returned policies are immutable.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ledger/domain/policy.h"
#include "ledger/log/event_log.h"

namespace ledger::domain {

inline constexpr char kPolicyStream[] = "policy";

struct PublishedPolicy {
  uint32_t version = 0;
  std::shared_ptr<const Policy> policy;
  std::string document;  // the JSON text as published
  std::string sha256;    // hex
  Time published_at{};
  std::string published_by;
  uint64_t position = 0;
};

class PolicyStore {
 public:
  // `log` must outlive the store.
  explicit PolicyStore(EventLog* log) : log_(log) {}

  // Reads every published version. DataLoss when a published document no longer parses.
  Status Load();

  // Publishes `document` as the next version unless it equals the current one. Returns the
  // version in force afterwards. InvalidArgument (with paths) for a document that does not
  // validate; Aborted when another publication raced this one.
  Result<uint32_t> Publish(const std::string& document, const Actor& actor);
  Result<uint32_t> EnsurePublished(const std::string& document, const Actor& actor) {
    return Publish(document, actor);
  }

  // The version in force (0 when none was published).
  uint32_t current_version() const;
  std::shared_ptr<const Policy> current() const;
  // The policy of `version`, or null when unknown.
  std::shared_ptr<const Policy> Get(uint32_t version) const;
  std::vector<PublishedPolicy> List() const;

  // A lookup for the clock engine and projections; valid while the store lives.
  const Policy* ForVersion(uint32_t version) const;

 private:
  EventLog* const log_;
  mutable std::mutex mu_;
  std::map<uint32_t, PublishedPolicy> versions_;
};

}  // namespace ledger::domain
