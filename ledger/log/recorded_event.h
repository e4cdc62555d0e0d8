// RecordedEvent: one event as stored in the log, decoded and validated.
//
// Decode() checks the stored bytes before anything reads them, as much as its Check says (below):
// the size and every pointer of the envelope in bounds, and for verification canonical form too.
// A damaged record is DataLoss, never a crash. After that every accessor is safe.
//
// Copies share the decoded bytes (reference-counted, immutable): cheap to copy and safe to read
// from several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/base/hash.h"
#include "ledger/base/status.h"
#include "ledger/base/time.h"
#include "ledger/log/append.h"
#include "ledger/log/envelope.capnp.h"

namespace ledger {

class RecordedEvent {
 public:
  RecordedEvent() = default;  // empty; valid() is false

  // How much Decode() checks before anything reads the bytes.
  enum class Check {
    // The envelope's own fields in bounds: enough for every accessor here. Reads use it. The
    // payload is checked where it is read: its readers run under GuardDecode() (capnp_util.h),
    // which turns a damaged payload into DataLoss. RocksDB's block checksums catch damage on
    // disk; Verify() checks everything.
    kStructure,
    // kStructure, and the bytes are in canonical form: what Verify() requires.
    kCanonical,
    // Nothing: for bytes the ledger has just built itself (the commit thread's own envelopes).
    kTrusted,
  };

  // `stored` is a value of the events family: canonical envelope bytes followed by the hash.
  static Result<RecordedEvent> Decode(std::string_view stored, Check check = Check::kStructure);

  // Decode(), into `event`: when `event` is the only holder of its decoded bytes and they have
  // room, they are reused rather than allocated again (a scan decodes millions of events into the
  // same few). On failure `event` is left empty.
  static Status DecodeInto(std::string_view stored, RecordedEvent& event,
                           Check check = Check::kStructure);

  // An event the log has just built: `canonical` as capnp::canonicalize() made it and its hash.
  // Takes the words over without copying or checking them (as Check::kTrusted).
  static Result<RecordedEvent> FromCanonical(kj::Array<capnp::word> canonical, const Hash& hash);

  bool valid() const { return body_ != nullptr; }

  uint64_t position() const { return envelope().getPosition(); }
  std::string_view stream() const { return decoded_->stream; }
  uint64_t version() const { return envelope().getStreamVersion(); }
  Time recorded_at() const { return FromMicros(envelope().getRecordedAt()); }
  Time occurred_at() const { return FromMicros(envelope().getOccurredAt()); }
  std::string_view type() const { return decoded_->type; }
  uint32_t policy_version() const { return envelope().getPolicyVersion(); }
  bool imported() const { return envelope().getImported(); }
  Actor actor() const;
  std::string_view actor_id() const { return decoded_->actor_id; }
  std::string_view actor_role() const { return decoded_->actor_role; }
  std::string_view actor_department() const { return decoded_->actor_department; }

  // The whole envelope (its `hash` field is null: see hash()).
  schema::Envelope::Reader envelope() const { return decoded_->root; }

  // The payload read as struct T. Reading a damaged payload throws kj::Exception: read it under
  // GuardDecode() (capnp_util.h).
  template <typename T>
  typename T::Reader payload() const {
    return envelope().getPayload().template getAs<T>();
  }
  bool has_payload() const { return decoded_->has_payload; }

  // Exactly the bytes the chain hashes (after the previous hash).
  std::string_view canonical_bytes() const;
  const Hash& hash() const;
  Hash prev_hash() const;  // zero hash when the stored field is malformed (Verify reports it)

  // The bytes as stored: canonical_bytes() followed by hash().
  std::string stored_bytes() const;

 private:
  // What the accessors read, set at decode: the envelope's root and its texts (views of the
  // decoded bytes). Part of the Body; inline here because a fold reads them for every event.
  struct Decoded {
    schema::Envelope::Reader root;
    std::string_view stream, type, actor_id, actor_role, actor_department;
    bool has_payload = false;
  };
  struct Body;
  // Reads the envelope of `body` (its segment and hash set), checking as much as `check` says.
  static Result<RecordedEvent> Read(std::shared_ptr<Body> body, Check check);
  // Sets `body`'s Decoded from the envelope's pointer words; false when they are not all of the
  // plain shape, and Read() then reads them with Cap'n Proto's reader.
  static bool ReadPlain(Body& body, Check check);
  // A body holding `stored`'s words and hash: `reuse` if it has room, else a new one.
  static Result<std::shared_ptr<Body>> Load(std::string_view stored, std::shared_ptr<Body> reuse);

  std::shared_ptr<const Body> body_;
  const Decoded* decoded_ = nullptr;  // body_'s, when body_ is set
};

}  // namespace ledger
