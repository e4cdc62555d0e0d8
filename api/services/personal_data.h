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
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "api/services/principal.h"
#include "ledger/base/status.h"
#include "ledger/base/time.h"
#include "ledger/domain/decide.h"
#include "ledger/domain/state.h"
#include "ledger/log/access_record.h"
#include "ledger/log/event_log.h"

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
    kClear,       // recorded in the clear (before sealing): shown as recorded
    kOpened,      // sealed, and opened with its subject's key
    kErased,      // sealed, and its subject's key is erased: shown as "[erased]"
    kRestricted,  // sealed, restricted, and the viewer's role is not one that still sees it
    kSealed,      // sealed, and no keystore at hand: "[sealed]"
    kUnreadable,  // sealed, and it does not open (altered bytes, a ciphertext from elsewhere)
  };
  State state = State::kClear;
  std::string name, phone, unit;
  std::string subject;           // empty when recorded in the clear
  uint64_t erased_position = 0;  // kErased: the SubjectErased (0: the key is gone, no event)
  bool restricted = false;       // processing is restricted (shown or not)
};

// Stream "privacy" folded (ledger/domain/privacy.h) and kept current with the log: it catches up
// whenever the log's head has moved. Thread-safe.
class PrivacyRegister {
 public:
  explicit PrivacyRegister(ledger::EventLog* log) : log_(log) {}
  // What stream "privacy" records about `subject` (nullopt: nothing).
  ledger::Result<std::optional<ledger::domain::SubjectRecord>> Find(std::string_view subject);
  // The whole state.
  ledger::Result<ledger::domain::PrivacyState> Snapshot();
  // The data subject that the personal data complaint `complaint` recorded in the clear now
  // belongs to: the subject of its migration (PersonalDataSealed) or of its first sealed
  // correction; nullopt while it has neither. Reads the complaint's stream once; then only the
  // events appended to it since.
  ledger::Result<std::optional<std::string>> SealedSubject(std::string_view complaint);

 private:
  ledger::Status CatchUpLocked();
  ledger::EventLog* log_;
  std::mutex mu_;
  uint64_t seen_head_ = 0;
  uint64_t stream_version_ = 0;
  ledger::domain::PrivacyState state_;
  // SealedSubject(): complaint -> its subject ("" while not sealed) and the stream version read.
  std::unordered_map<std::string, std::pair<std::string, uint64_t>> sealed_clear_;
};

class PersonalDataVault {
 public:
  // `keystore` may be null: nothing is sealed then, and nothing opens (the renderings show
  // "[sealed]" when sealing() is false).
  explicit PersonalDataVault(ledger::keystore::Keystore* keystore) : keystore_(keystore) {}

  bool sealing() const { return keystore_ != nullptr; }

  // The personal fields of one event (see OpenPiece).
  struct Fields {
    std::string name, phone, unit, value, previous_value;
  };

  // What reads consult and where they are recorded (either may be null): stream "privacy"
  // (erasures, restrictions) and the record of reads. Call before serving.
  void Attach(PrivacyRegister* privacy, ledger::AccessRecord* reads) {
    privacy_ = privacy;
    reads_ = reads;
  }

  // The complainant of complaint `stream` as `viewer` may see it, for a viewer whose role sees
  // personal data: erased subjects as kErased (even if a key survived), restricted ones as
  // kRestricted unless the viewer's role is one the restriction names, else opened. Every
  // answer that returns personal data (opened, or recorded in the clear) is recorded as a read
  // by `viewer` for `viewer.route`.
  OpenedComplainant Reveal(const ledger::domain::ComplainantInfo& complainant,
                           const std::string& stream, const Principal& viewer) const;

  // One event's sealed personal data as `viewer` may see it: the fields, or the text shown
  // instead ("[erased]", "[restricted]", "[sealed]", "[unreadable]"). Records the read.
  struct ShownPiece {
    std::optional<Fields> fields;
    std::string shown;
    uint64_t erased_position = 0;  // "[erased]": the SubjectErased (0: only the key is gone)
  };
  ShownPiece RevealPiece(std::string_view subject, uint32_t key_version, std::string_view sealed,
                         std::string_view stream, uint64_t version, std::string_view type,
                         const Principal& viewer) const;

  // Personal data that an event of complaint `complaint` recorded in the clear (before sealing)
  // as `viewer` may see it. Until the complaint's data is sealed for a subject (a migration,
  // PersonalDataSealed) it is shown as recorded: `shown` is empty, and the read is recorded.
  // After, it is the subject's: `shown` is "[erased]", "[restricted]" or, without a keystore,
  // "[sealed]" — or empty (shown, and recorded as a read of the subject).
  ShownPiece RevealClear(std::string_view complaint, const Principal& viewer) const;

  // Whether `viewer` may be given event `e`'s stored payload as it is (a raw Cap'n Proto
  // envelope, which cannot be redacted field by field). Sealed personal data is ciphertext there
  // and other events hold none: yes. An event holding personal data recorded in the clear: as
  // RevealClear decides (a read is recorded when yes); no once its complaint's subject is
  // restricted for the viewer or erased, or where no keystore is at hand after a migration.
  bool ShowsStoredPayload(const ledger::RecordedEvent& e, const Principal& viewer) const;

  // Records that `viewer` was shown the personal data of complaint `complaint` (subject "" for
  // data recorded in the clear). Failures are reported on stderr, never to the reader.
  void RecordRead(const Principal& viewer, std::string_view subject,
                  std::string_view complaint) const;

  // Deletes `subject`'s keys and compacts the keystore (Keystore::Erase), after its
  // SubjectErased is durable in the log. OK when they are already gone.
  ledger::Status EraseSubject(std::string_view subject);

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
  ledger::Result<std::optional<Fields>> OpenPiece(std::string_view subject, uint32_t key_version,
                                                  std::string_view sealed, std::string_view stream,
                                                  uint64_t version, std::string_view type) const;

 private:
  // Seals the complainant's current name, phone and unit into `out` (seal_personal_data).
  ledger::Status SealClear(ledger::domain::schema::PersonalDataSealed::Builder out,
                           const std::string& stream, uint64_t version,
                           const ledger::domain::ComplaintState& state, ledger::Time now);

  enum class Gate { kOpen, kErased, kRestricted };
  // True when `subject`'s data in `complaint` is not shown to `viewer` (erased, restricted for
  // it, or no keystore at hand), with what is shown instead in *out.
  bool Withheld(std::string_view subject, std::string_view complaint, const Principal& viewer,
                ShownPiece* out) const;
  Gate GateFor(std::string_view subject, std::string_view complaint, const Principal& viewer,
               uint64_t* erased_position, bool* restricted) const;

  ledger::keystore::Keystore* keystore_;
  PrivacyRegister* privacy_ = nullptr;
  ledger::AccessRecord* reads_ = nullptr;
};

// Erases again, in `keystore`, every subject that stream "privacy" of `log` records as erased:
// run on every open, so that a restored older keystore does not bring erased keys back. Returns
// how many subjects still had keys.
ledger::Result<size_t> ReconcileErasures(ledger::EventLog& log,
                                         ledger::keystore::Keystore& keystore);

}  // namespace api
