// PersonalDataVault: seals complainants' personal data before it is appended and opens it at read
// time (docs/privacy.md). Each complainant is a data subject of the keystore; the personal fields
// of an event (a ComplaintReceived's name, phone and unit; an EventCorrected's values of those
// fields) are recorded only as SealedPersonalData: AES-256-GCM under the subject's key, with
// associated data
//     "ledger-pii/v1" 0 subject 0 key version 0 stream 0 stream version 0 event type
// so that a ciphertext moved into another event, stream or subject does not open.
//
// Without a keystore (tests of other parts, and tools that only read) nothing is sealed: events
// carry the personal fields in the clear, as every event did before sealing existed.
//
// Thread-safety: every method may be called from any thread (the keystore is).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ledger/base/status.h"
#include "ledger/base/time.h"
#include "ledger/domain/decide.h"
#include "ledger/domain/state.h"

namespace ledger::keystore {
class Keystore;
}

namespace api {

// The associated data of a sealed piece of personal data.
std::string PersonalDataAad(std::string_view subject, uint32_t key_version, std::string_view stream,
                            uint64_t version, std::string_view type);

// A complainant as a reader may see it.
struct OpenedComplainant {
  enum class State {
    kClear,   // recorded in the clear (before sealing): shown as recorded
    kOpened,  // sealed, and opened with its subject's key
    kErased,  // sealed, and its subject's key is erased: shown as "[erased]"
  };
  State state = State::kClear;
  std::string name, phone, unit;
  std::string subject;  // empty when recorded in the clear
};

class PersonalDataVault {
 public:
  // `keystore` may be null: nothing is sealed then, and nothing opens (the renderings show
  // "[sealed]" when sealing() is false).
  explicit PersonalDataVault(ledger::keystore::Keystore* keystore) : keystore_(keystore) {}

  bool sealing() const { return keystore_ != nullptr; }

  // Seals, in place, the personal fields of `decision`'s events before they are appended to
  // `stream`, the first of them as version `first_version`. `state` is the complaint before the
  // decision (a correction of a complainant field seals under its subject). A new subject's key
  // is durable in the keystore before this returns. Does nothing without a keystore.
  ledger::Status Seal(ledger::domain::Decision& decision, const std::string& stream,
                      uint64_t first_version, const ledger::domain::ComplaintState& state,
                      ledger::Time now);

  // The complainant of complaint `stream` with its sealed pieces opened (corrections applied in
  // log order). DataLoss when a piece does not open with its subject's key (altered bytes, or a
  // ciphertext from elsewhere); an erased key is not an error (State::kErased).
  ledger::Result<OpenedComplainant> Open(const ledger::domain::ComplainantInfo& complainant,
                                         const std::string& stream) const;

  // One event's sealed personal data, opened: a ComplaintReceived's name, phone and unit, or an
  // EventCorrected's value and previous value. nullopt when the subject's key is erased (or no
  // keystore is at hand); DataLoss when it does not open.
  struct Fields {
    std::string name, phone, unit, value, previous_value;
  };
  ledger::Result<std::optional<Fields>> OpenPiece(std::string_view subject, uint32_t key_version,
                                                  std::string_view sealed, std::string_view stream,
                                                  uint64_t version, std::string_view type) const;

 private:
  ledger::keystore::Keystore* keystore_;
};

}  // namespace api
