// Fuzz target: the envelope decoder. The bytes are a value of the log's events family as
// RecordedEvent::Decode (recorded_event.h) reads it: canonical envelope words, then a 32-byte
// hash. Decoded with both checks (kStructure, what reads use: the envelope's texts read straight
// from their pointer words; kCanonical, what Verify uses), and with DecodeInto reusing a
// decoded event's buffer as a scan does. Then:
//   - a decode fails only with DataLoss, and kCanonical accepts only what kStructure accepts;
//   - every accessor of a decoded event is safe, the envelope's other fields read without
//     throwing, and the bytes round-trip (stored_bytes() is the input);
//   - the decoder agrees with Cap'n Proto's own checked reader (architecture.md, "Reading"): the
//     same texts when Cap'n Proto reads them, DataLoss when it refuses them;
//   - DecodeInto gives what Decode gives.
// Any failed check traps, as a crash does.
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/base/capnp_util.h"
#include "ledger/log/record_format.h"
#include "ledger/log/recorded_event.h"

namespace {

using ledger::RecordedEvent;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "envelope_fuzz: %s\n", what);
  __builtin_trap();
}

// What the decoder and Cap'n Proto's reader are compared on.
struct Fields {
  std::string stream, type, actor_id, actor_role, actor_department;
  bool has_payload = false;
  bool operator==(const Fields&) const = default;
};

Fields FieldsOf(const RecordedEvent& e) {
  return {std::string(e.stream()),           std::string(e.type()),
          std::string(e.actor_id()),         std::string(e.actor_role()),
          std::string(e.actor_department()), e.has_payload()};
}

// Cap'n Proto's checked reader on the canonical part, reading what Decode reads; nullopt when it
// throws. `canonical` is whether the segment is in canonical form (false when checking throws).
std::optional<Fields> ReadWithCapnp(std::string_view words_bytes, bool* canonical) {
  kj::Array<capnp::word> words = ledger::AlignedCopy(words_bytes);
  std::optional<Fields> out;
  *canonical = false;
  KJ_IF_MAYBE (e, kj::runCatchingExceptions([&]() {
                 kj::ArrayPtr<const capnp::word> segment = words.asPtr();
                 capnp::SegmentArrayMessageReader reader(kj::arrayPtr(&segment, 1));
                 auto env = reader.getRoot<ledger::schema::Envelope>();
                 Fields f;
                 f.stream = ledger::TextCopy(env.getStreamId());
                 f.type = ledger::TextCopy(env.getType());
                 f.actor_id = ledger::TextCopy(env.getActor().getId());
                 f.actor_role = ledger::TextCopy(env.getActor().getRole());
                 f.actor_department = ledger::TextCopy(env.getActor().getDepartment());
                 f.has_payload = !env.getPayload().isNull();
                 (void)env.getCorrelationId();
                 (void)env.getCausationId();
                 (void)env.getIdempotencyKey();
                 (void)env.getPrevHash();
                 out = f;
               })) {
    (void)e;
    return std::nullopt;
  }
  // Checked apart: isCanonical() throws on a payload out of bounds, which reading leaves alone.
  KJ_IF_MAYBE (e, kj::runCatchingExceptions([&]() {
                 kj::ArrayPtr<const capnp::word> segment = words.asPtr();
                 capnp::SegmentArrayMessageReader reader(kj::arrayPtr(&segment, 1));
                 *canonical = reader.isCanonical();
               })) {
    (void)e;
    *canonical = false;
  }
  return out;
}

// Every accessor; the envelope's other fields must read without throwing after a decode.
void ReadAll(const RecordedEvent& e, std::string_view stored) {
  volatile uint64_t sink = e.position() + e.version() + e.policy_version() + e.imported();
  sink = sink + ledger::ToMicros(e.recorded_at()) + ledger::ToMicros(e.occurred_at());
  ledger::Actor actor = e.actor();
  if (actor.id != e.actor_id() || actor.role != e.actor_role() ||
      actor.department != e.actor_department())
    Fail("actor() differs from its parts");
  (void)e.prev_hash();
  if (e.stored_bytes() != stored) Fail("stored_bytes() is not the input");
  if (e.canonical_bytes() != stored.substr(0, stored.size() - ledger::kHashBytes))
    Fail("canonical_bytes() is not the input less its hash");
  KJ_IF_MAYBE (ex, kj::runCatchingExceptions([&]() {
                 auto env = e.envelope();
                 sink = sink + env.getCorrelationId().size() + env.getCausationId().size() +
                        env.getIdempotencyKey().size() + env.getPrevHash().size();
               })) {
    (void)ex;
    Fail("a decoded envelope's field throws");
  }
  (void)sink;
}

// A decoded event whose buffer DecodeInto may reuse: a small real envelope.
RecordedEvent Holder() {
  capnp::MallocMessageBuilder m;
  auto env = m.initRoot<ledger::schema::Envelope>();
  env.setPosition(1);
  env.setStreamId("s");
  env.setType("T");
  kj::Array<capnp::word> words = capnp::canonicalize(env.asReader());
  auto bytes = words.asBytes();
  std::string stored(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
  stored.append(ledger::kHashBytes, '\x11');
  ledger::Result<RecordedEvent> e = RecordedEvent::Decode(stored);
  if (!e.ok()) Fail("the holder does not decode");
  return *e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view stored(reinterpret_cast<const char*>(data), size);
  ledger::Result<RecordedEvent> structure =
      RecordedEvent::Decode(stored, RecordedEvent::Check::kStructure);
  ledger::Result<RecordedEvent> canonical =
      RecordedEvent::Decode(stored, RecordedEvent::Check::kCanonical);
  for (const auto* r : {&structure, &canonical})
    if (!r->ok() && r->status().code() != ledger::Code::kDataLoss) Fail("not DataLoss");
  if (canonical.ok() && !structure.ok()) Fail("canonical but not structurally sound");
  if (structure.ok()) ReadAll(*structure, stored);
  if (canonical.ok()) ReadAll(*canonical, stored);

  // Decode as a scan does, into a decoded event's buffer (then into its own, reused).
  RecordedEvent holder = Holder();
  for (int round = 0; round < 2; ++round) {
    ledger::Status st = RecordedEvent::DecodeInto(stored, holder);
    if (st.ok() != structure.ok()) Fail("DecodeInto and Decode disagree");
    if (st.ok() && !(FieldsOf(holder) == FieldsOf(*structure))) Fail("DecodeInto reads otherwise");
    if (!st.ok() && holder.valid()) Fail("a failed DecodeInto left an event");
    if (st.ok()) ReadAll(holder, stored);
    if (!st.ok()) holder = Holder();
  }

  // The same answer as Cap'n Proto's checked reader, when the size is words and a hash.
  if (size < ledger::kHashBytes + sizeof(capnp::word) ||
      (size - ledger::kHashBytes) % sizeof(capnp::word) != 0) {
    if (structure.ok()) Fail("decoded bytes that are not words and a hash");
    return 0;
  }
  bool capnp_canonical = false;
  std::optional<Fields> expected =
      ReadWithCapnp(stored.substr(0, size - ledger::kHashBytes), &capnp_canonical);
  if (expected.has_value() != structure.ok()) Fail("Decode and Cap'n Proto disagree on reading");
  if (expected && !(*expected == FieldsOf(*structure))) Fail("Decode reads other texts");
  if (canonical.ok() != (expected.has_value() && capnp_canonical))
    Fail("Decode and Cap'n Proto disagree on canonical form");
  return 0;
}
