#include "ledger/recorded_event.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <optional>

#include "ledger/capnp_util.h"
#include "ledger/record_format.h"

namespace ledger {

struct RecordedEvent::Body {
  explicit Body(size_t words) : words(kj::heapArray<capnp::word>(words)) {}
  explicit Body(kj::Array<capnp::word> canonical) : words(kj::mv(canonical)) {}

  kj::Array<capnp::word> words;  // word-aligned room; the event is its first segment.size() words
  kj::ArrayPtr<const capnp::word> segment;  // the canonical bytes
  std::optional<capnp::SegmentArrayMessageReader> reader;
  schema::Envelope::Reader root;
  Hash hash{};
  // The envelope's text fields, read once at decode (reading them is what checks their bounds).
  std::string_view stream, type, actor_id, actor_role, actor_department;
};

Result<std::shared_ptr<RecordedEvent::Body>> RecordedEvent::Load(std::string_view stored,
                                                                  std::shared_ptr<Body> reuse) {
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

Result<RecordedEvent> RecordedEvent::Read(std::shared_ptr<Body> body, Check check) {
  bool canonical = true;
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&]() {
    body->reader.emplace(kj::arrayPtr(&body->segment, 1));
    body->root = body->reader->getRoot<schema::Envelope>();
    if (check == Check::kCanonical) canonical = body->reader->isCanonical();  // bounds and shape
    // Reading every pointer field of the envelope checks it: an out-of-bounds pointer throws
    // here, at the decoder. The payload is left to its readers (GuardDecode).
    schema::Envelope::Reader env = body->root;
    body->stream = TextView(env.getStreamId());
    body->type = TextView(env.getType());
    auto actor = env.getActor();
    body->actor_id = TextView(actor.getId());
    body->actor_role = TextView(actor.getRole());
    body->actor_department = TextView(actor.getDepartment());
    if (check != Check::kTrusted) {
      (void)env.getCorrelationId();
      (void)env.getCausationId();
      (void)env.getIdempotencyKey();
      (void)env.getPrevHash();
      (void)env.getPayload().isNull();
    }
  })) {
    return Status::DataLoss(std::string("stored event does not decode: ") +
                            e->getDescription().cStr());
  }
  if (!canonical) return Status::DataLoss("stored event is not in canonical form");
  RecordedEvent event;
  event.body_ = std::move(body);
  return event;
}

schema::Envelope::Reader RecordedEvent::envelope() const { return body_->root; }

std::string_view RecordedEvent::stream() const { return body_->stream; }
std::string_view RecordedEvent::type() const { return body_->type; }
std::string_view RecordedEvent::actor_id() const { return body_->actor_id; }
std::string_view RecordedEvent::actor_role() const { return body_->actor_role; }
std::string_view RecordedEvent::actor_department() const { return body_->actor_department; }

Actor RecordedEvent::actor() const {
  return Actor{std::string(body_->actor_id), std::string(body_->actor_role),
               std::string(body_->actor_department)};
}

std::string_view RecordedEvent::canonical_bytes() const {
  auto bytes = body_->segment.asBytes();
  return {reinterpret_cast<const char*>(bytes.begin()), bytes.size()};
}

const Hash& RecordedEvent::hash() const { return body_->hash; }

Hash RecordedEvent::prev_hash() const {
  Hash h{};
  capnp::Data::Reader d = body_->root.getPrevHash();
  if (d.size() == h.size()) std::memcpy(h.data(), d.begin(), h.size());
  return h;
}

std::string RecordedEvent::stored_bytes() const {
  std::string out(canonical_bytes());
  out.append(AsBytes(body_->hash));
  return out;
}

}  // namespace ledger
