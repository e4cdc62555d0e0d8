// Privacy: what the ledger records about data subjects (docs/privacy.md), folded from the events
// of stream "privacy": legal holds, erasure requests, restrictions and erasures.
//
// A data subject is a complainant whose personal data is sealed under keys of the keystore
// (ledger/keystore). Its id is random; nothing here holds personal data.
//
//   PrivacyState{} is initial; EvolvePrivacy(state, event) applies one event of any stream (other
//   streams' events are ignored).
//
// Thread-safety: values; not synchronized.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/base/time.h"
#include "ledger/domain/event_view.h"

namespace ledger::domain {

// The stream every privacy event is appended to.
inline constexpr std::string_view kPrivacyStream = "privacy";

struct SubjectRecord {
  bool legal_hold = false;
  std::string hold_reason;
  uint64_t hold_position = 0;      // the LegalHoldPlaced in force (0: none)
  uint64_t erasure_requested = 0;  // the latest ErasureRequested's position (0: none)
  std::vector<std::string> requested_complaints;  // the complaints it named
  bool restricted = false;                        // a ProcessingRestricted stands (until erased)
  uint64_t restricted_position = 0;               // its position
  std::vector<std::string> grounds;               // legal_hold | retention
  Time restricted_until{};              // 0: open-ended (an open complaint, or a hold only)
  std::vector<std::string> visible_to;  // roles that still see the data while restricted
                                        // (of the requested complaints only: a complaint the
                                        // subject makes later is handled as usual)
  uint64_t erased_position = 0;         // the SubjectErased (0: not erased)
  Time erased_at{};                     // its recorded time
};

struct PrivacyState {
  std::map<std::string, SubjectRecord, std::less<>> subjects;
  uint64_t version = 0;  // events of stream "privacy" folded

  const SubjectRecord* Find(std::string_view subject) const {
    auto it = subjects.find(subject);
    return it == subjects.end() ? nullptr : &it->second;
  }
  // The subjects erased so far (for the keystore's Reconcile).
  std::vector<std::string> Erased() const;
};

void EvolvePrivacy(PrivacyState& state, const EventView& event);

}  // namespace ledger::domain
