#include "ledger/log/recorded_event.h"

#include <capnp/message.h>
#include <capnp/schema.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <optional>

#include "ledger/base/capnp_util.h"
#include "ledger/log/record_format.h"

namespace ledger {

struct RecordedEvent::Body {
  explicit Body(size_t words) : words(kj::heapArray<capnp::word>(words)) {}
  explicit Body(kj::Array<capnp::word> canonical) : words(kj::mv(canonical)) {}

  kj::Array<capnp::word> words;  // word-aligned room; the event is its first segment.size() words
  kj::ArrayPtr<const capnp::word> segment;  // the canonical bytes
  std::optional<capnp::SegmentArrayMessageReader> reader;
  Hash hash{};
  // The envelope's root and text fields, read once at decode (reading a text is what checks its
  // bounds).
  Decoded decoded;
};

Result<std::shared_ptr<RecordedEvent::Body>> RecordedEvent::Load(std::string_view stored,
                                                                 std::shared_ptr<Body> reuse) {
  // Before any arithmetic on the size: body_bytes below would wrap on a value shorter than the
  // hash, and the copies trust it.
  if (stored.size() < kHashBytes + sizeof(capnp::word) ||
      (stored.size() - kHashBytes) % sizeof(capnp::word) != 0) {
    return Status::DataLoss("stored event of " + std::to_string(stored.size()) +
                            " bytes is not canonical words followed by a 32-byte hash");
  }
  const size_t body_bytes = stored.size() - kHashBytes;
  const size_t words = body_bytes / sizeof(capnp::word);
  std::shared_ptr<Body> body;
  if (reuse != nullptr && reuse->words.size() >= words) {
    body = std::move(reuse);
    body->reader.reset();
  } else {
    // In a scan (`reuse` given) leave room for the next, larger events.
    const size_t room =
        reuse != nullptr ? std::max(words + words / 2, reuse->words.size() * 2) : words;
    body = std::make_shared<Body>(room);
  }
  std::memcpy(body->words.begin(), stored.data(), body_bytes);
  std::memcpy(body->hash.data(), stored.data() + body_bytes, kHashBytes);
  body->segment = body->words.slice(0, words);
  return body;
}

Result<RecordedEvent> RecordedEvent::Decode(std::string_view stored, Check check) {
  LEDGER_ASSIGN_OR_RETURN(std::shared_ptr<Body> body, Load(stored, nullptr));
  return Read(std::move(body), check);
}

Status RecordedEvent::DecodeInto(std::string_view stored, RecordedEvent& event, Check check) {
  std::shared_ptr<Body> reuse;
  // The only holder: nobody else reads these bytes (a copy handed elsewhere and dropped since has
  // released them; the fence orders our writes after its reads).
  if (event.body_ != nullptr && event.body_.use_count() == 1) {
    std::atomic_thread_fence(std::memory_order_acquire);
    reuse = std::const_pointer_cast<Body>(std::move(event.body_));
  }
  event.body_.reset();
  event.decoded_ = nullptr;
  LEDGER_ASSIGN_OR_RETURN(std::shared_ptr<Body> body, Load(stored, std::move(reuse)));
  LEDGER_ASSIGN_OR_RETURN(event, Read(std::move(body), check));
  return Status::Ok();
}

Result<RecordedEvent> RecordedEvent::FromCanonical(kj::Array<capnp::word> canonical,
                                                   const Hash& hash) {
  auto body = std::make_shared<Body>(kj::mv(canonical));
  body->hash = hash;
  body->segment = body->words.asPtr();
  return Read(std::move(body), Check::kTrusted);
}

namespace {

// The envelope's pointer fields read straight from their pointer words, as the Cap'n Proto
// encoding spec lays them out, checking what Cap'n Proto's reader checks. Its reader costs about
// 130 instructions a field, and decoding reads nine: about a sixth of a rebuild's instructions
// (docs/performance.md, "The rebuild, third pass"). Only the shapes a canonical envelope has are
// read here: a null pointer, a struct or a list of bytes wholly inside the segment, a text ending
// in NUL. Anything else (a far pointer, another kind of list, a pointer out of bounds) yields
// nothing, and the caller reads the envelope with Cap'n Proto's reader, which reads or rejects it.
static_assert(std::endian::native == std::endian::little, "pointer words are read in place");

class EnvelopeWords {
 public:
  explicit EnvelopeWords(kj::ArrayPtr<const capnp::word> segment)
      : words_(segment.begin()), size_(segment.size()) {}

  // A struct's pointer section: its first word and its pointer count.
  struct Pointers {
    size_t first = 0;
    uint32_t count = 0;
  };

  // The struct the pointer at word `at` points to; a null pointer is the empty struct (every
  // field its default).
  std::optional<Pointers> StructAt(size_t at) const {
    const uint64_t w = Word(at);
    if (w == 0) return Pointers{};
    if ((w & 3) != 0) return std::nullopt;  // not a struct pointer
    const uint64_t data = (w >> 32) & 0xffff, pointers = w >> 48;
    const std::optional<size_t> start = Target(at, w, data + pointers);
    if (!start) return std::nullopt;
    return Pointers{*start + data, static_cast<uint32_t>(pointers)};
  }
  std::optional<Pointers> Root() const {
    if (size_ == 0) return std::nullopt;
    return StructAt(0);
  }
  // The struct of pointer `slot` of a struct (a field past its pointer section is null).
  std::optional<Pointers> StructIn(Pointers s, uint32_t slot) const {
    if (slot >= s.count) return Pointers{};
    return StructAt(s.first + slot);
  }

  // Whether pointer `slot` of a struct is set, when it is null or points to a struct or list in
  // this segment (Cap'n Proto's null test follows a far pointer and checks another kind).
  std::optional<bool> IsSet(Pointers s, uint32_t slot) const {
    if (slot >= s.count) return false;
    const uint64_t w = Word(s.first + slot);
    if (w == 0) return false;
    if ((w & 3) > 1) return std::nullopt;
    return true;
  }

  // The bytes of pointer `slot` of a struct (a field past its pointer section is null): a text
  // without its NUL, or data.
  std::optional<std::string_view> Bytes(Pointers s, uint32_t slot, bool text) const {
    if (slot >= s.count) return std::string_view{};
    const size_t at = s.first + slot;
    const uint64_t w = Word(at);
    if (w == 0) return std::string_view{};
    if ((w & 3) != 1 || ((w >> 32) & 7) != 2) return std::nullopt;  // not a list of bytes
    uint64_t count = w >> 35;
    const std::optional<size_t> start = Target(at, w, (count + 7) / 8);
    if (!start) return std::nullopt;
    const char* bytes = reinterpret_cast<const char*>(words_ + *start);
    if (text) {
      if (count == 0 || bytes[count - 1] != '\0') return std::nullopt;
      --count;
    }
    return std::string_view(bytes, count);
  }

 private:
  uint64_t Word(size_t at) const {
    uint64_t w;
    std::memcpy(&w, words_ + at, sizeof w);
    return w;
  }
  // The first word of the object the pointer `w` at word `at` points to, when `words` words from
  // there are inside the segment. The offset is a signed 30-bit count of words from the end of
  // the pointer.
  std::optional<size_t> Target(size_t at, uint64_t w, uint64_t words) const {
    const int64_t offset = static_cast<int32_t>(static_cast<uint32_t>(w)) >> 2;
    const int64_t start = static_cast<int64_t>(at) + 1 + offset;
    if (start < 0 || static_cast<uint64_t>(start) > size_ || words > size_ - start)
      return std::nullopt;
    return static_cast<size_t>(start);
  }

  const capnp::word* words_;
  size_t size_;
};

// Where each pointer field lives in its struct, from the compiled schema.
struct EnvelopeSlots {
  uint32_t stream, actor, type, payload, correlation, causation, idempotency, prev_hash;
  uint32_t actor_id, actor_role, actor_department;
};

const EnvelopeSlots& Slots() {
  static const EnvelopeSlots slots = [] {
    const capnp::StructSchema env = capnp::Schema::from<schema::Envelope>();
    const capnp::StructSchema actor = capnp::Schema::from<schema::Actor>();
    auto slot = [](const capnp::StructSchema& s, const char* name) {
      return s.getFieldByName(name).getProto().getSlot().getOffset();
    };
    return EnvelopeSlots{
        slot(env, "streamId"),       slot(env, "actor"),         slot(env, "type"),
        slot(env, "payload"),        slot(env, "correlationId"), slot(env, "causationId"),
        slot(env, "idempotencyKey"), slot(env, "prevHash"),      slot(actor, "id"),
        slot(actor, "role"),         slot(actor, "department")};
  }();
  return slots;
}

}  // namespace

// The envelope's texts into `body`, read from the pointer words; false (and `body` partly set)
// when they are not all of the plain shape, for the caller to read them with Cap'n Proto.
bool RecordedEvent::ReadPlain(Body& body, Check check) {
  const EnvelopeSlots& slot = Slots();
  const EnvelopeWords words(body.segment);
  const std::optional<EnvelopeWords::Pointers> env = words.Root();
  if (!env) return false;
  const std::optional<EnvelopeWords::Pointers> actor = words.StructIn(*env, slot.actor);
  if (!actor) return false;
  auto text = [&](EnvelopeWords::Pointers s, uint32_t at, std::string_view* out) {
    std::optional<std::string_view> t = words.Bytes(s, at, true);
    if (t) *out = *t;
    return t.has_value();
  };
  Decoded& d = body.decoded;
  if (!text(*env, slot.stream, &d.stream) || !text(*env, slot.type, &d.type) ||
      !text(*actor, slot.actor_id, &d.actor_id) || !text(*actor, slot.actor_role, &d.actor_role) ||
      !text(*actor, slot.actor_department, &d.actor_department))
    return false;
  const std::optional<bool> payload = words.IsSet(*env, slot.payload);
  if (!payload) return false;
  d.has_payload = *payload;
  if (check == Check::kTrusted) return true;
  return words.Bytes(*env, slot.correlation, true) && words.Bytes(*env, slot.causation, true) &&
         words.Bytes(*env, slot.idempotency, true) && words.Bytes(*env, slot.prev_hash, false);
}

Result<RecordedEvent> RecordedEvent::Read(std::shared_ptr<Body> body, Check check) {
  bool canonical = true;
  KJ_IF_MAYBE (e, kj::runCatchingExceptions([&]() {
                 body->reader.emplace(kj::arrayPtr(&body->segment, 1));
                 Decoded& d = body->decoded;
                 d.root = body->reader->getRoot<schema::Envelope>();
                 if (check == Check::kCanonical)
                   canonical = body->reader->isCanonical();  // bounds and shape
                 if (ReadPlain(*body, check)) return;
                 // Reading every pointer field of the envelope checks it: an out-of-bounds pointer
                 // throws here, at the decoder. The payload is left to its readers (GuardDecode).
                 schema::Envelope::Reader env = d.root;
                 d.stream = TextView(env.getStreamId());
                 d.type = TextView(env.getType());
                 auto actor = env.getActor();
                 d.actor_id = TextView(actor.getId());
                 d.actor_role = TextView(actor.getRole());
                 d.actor_department = TextView(actor.getDepartment());
                 d.has_payload = !env.getPayload().isNull();
                 if (check != Check::kTrusted) {
                   (void)env.getCorrelationId();
                   (void)env.getCausationId();
                   (void)env.getIdempotencyKey();
                   (void)env.getPrevHash();
                 }
               })) {
    return Status::DataLoss(std::string("stored event does not decode: ") +
                            e->getDescription().cStr());
  }
  if (!canonical) return Status::DataLoss("stored event is not in canonical form");
  RecordedEvent event;
  event.decoded_ = &body->decoded;
  event.body_ = std::move(body);
  return event;
}

Actor RecordedEvent::actor() const {
  return Actor{std::string(decoded_->actor_id), std::string(decoded_->actor_role),
               std::string(decoded_->actor_department)};
}

std::string_view RecordedEvent::canonical_bytes() const {
  auto bytes = body_->segment.asBytes();
  return {reinterpret_cast<const char*>(bytes.begin()), bytes.size()};
}

const Hash& RecordedEvent::hash() const { return body_->hash; }

Hash RecordedEvent::prev_hash() const {
  Hash h{};
  capnp::Data::Reader d = decoded_->root.getPrevHash();
  if (d.size() == h.size()) std::memcpy(h.data(), d.begin(), h.size());
  return h;
}

std::string RecordedEvent::stored_bytes() const {
  std::string out(canonical_bytes());
  out.append(AsBytes(body_->hash));
  return out;
}

}  // namespace ledger
