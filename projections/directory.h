// Directory: what deciding one complaint needs to know about the others — complaints by target,
// by external reference, same-issue groups, closure and level — folded from the whole log.
//
// Pure: Apply() folds one event; nothing here reads storage or the clock. The command service
// keeps one Directory current with the log and fills CrossFacts from it.
//
// Thread-safety: not thread-safe; the owner serializes access.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ledger/domain/decide.h"
#include "ledger/domain/event_view.h"
#include "ledger/log/recorded_event.h"

namespace projections {

using ledger::Time;
using ledger::domain::Level;

struct DirectoryEntry {
  std::string id;
  uint64_t intake_position = 0;
  Time received_at{};
  std::optional<Time> closed_at;          // set while closed
  Level level = Level::kGeneral;          // current level
  Level level_handled = Level::kGeneral;  // highest level at a closure
  int64_t headcount = 1;
  std::string complainant_key;  // "subject:" and the data subject when sealed, else the
                                // digits of the phone, else the name
  std::string target_key;       // "person:u-17"; empty without a target
  std::string external_ref;
};

class Directory {
 public:
  // Folds one event of the log (any stream; non-complaint events are skipped).
  ledger::Status Apply(const ledger::RecordedEvent& event);

  uint64_t position() const { return position_; }
  size_t size() const { return entries_.size(); }

  const DirectoryEntry* Find(std::string_view id) const;
  // The complaint that has this external reference, if any.
  std::optional<std::string> FindByExternalRef(std::string_view ref) const;
  // Complaints on record against a target key ("kind:id").
  const std::vector<std::string>& ByTarget(const std::string& target_key) const;
  // The complaints linked to `id` by same_issue, transitively, `id` included.
  std::vector<std::string> SameIssueGroup(std::string_view id) const;
  // Distinct complainants over the union of the groups of `a` and `b` (b may be empty).
  int64_t DistinctComplainants(std::string_view a, std::string_view b) const;

  // The CrossFacts the decider needs for `action` on complaint `id` (empty for receive), as of
  // the action's business time `at`: a receive counts the complaints against its target that
  // occurred by then (a backdated receive does not count those that came after it).
  ledger::domain::CrossFacts FactsFor(const ledger::domain::Action& action, std::string_view id,
                                      Time at) const;
  // The intake times of the complaints on record against `id`'s target, `id` included (empty
  // without a target): the facts by which same_target rules match over time.
  std::vector<Time> TargetIntakes(std::string_view id) const;
  // A data subject's complaints and privacy record (CrossFacts::subject); nullopt when no
  // complaint is sealed for it.
  std::optional<ledger::domain::CrossFacts::Subject> SubjectFacts(std::string_view subject) const;
  // Stream "privacy" folded: legal holds, restrictions, erasures.
  const ledger::domain::PrivacyState& privacy() const { return privacy_; }

  static std::string TargetKey(std::string_view kind, std::string_view target_id);
  static std::string ComplainantKey(std::string_view phone, std::string_view name);

 private:
  void OnEvent(const std::string& stream, const ledger::domain::EventView& e);

  uint64_t position_ = 0;
  std::unordered_map<std::string, DirectoryEntry> entries_;
  std::unordered_map<std::string, std::string> by_ref_;
  std::unordered_map<std::string, std::vector<std::string>> by_target_;
  std::unordered_map<std::string, std::vector<std::string>> same_issue_;  // adjacency
  std::unordered_map<std::string, std::vector<std::string>> by_subject_;  // sealed complaints
  ledger::domain::PrivacyState privacy_;
};

}  // namespace projections
