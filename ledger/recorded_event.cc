#include "ledger/recorded_event.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>
#include <optional>

#include "ledger/record_format.h"

namespace ledger {

struct RecordedEvent::Body {
  explicit Body(size_t words) : words(kj::heapArray<capnp::word>(words)) {}

  kj::Array<capnp::word> words;  // the canonical bytes, word-aligned
  kj::ArrayPtr<const capnp::word> segment;
  std::optional<capnp::SegmentArrayMessageReader> reader;
  schema::Envelope::Reader root;
  Hash hash{};
};

Result<RecordedEvent> RecordedEvent::Decode(std::string_view stored) {
  if (stored.size() < kHashBytes + sizeof(capnp::word) ||
      (stored.size() - kHashBytes) % sizeof(capnp::word) != 0) {
    return Status::DataLoss("stored event of " + std::to_string(stored.size()) +
                            " bytes is not canonical words followed by a 32-byte hash");
  }
  size_t body_bytes = stored.size() - kHashBytes;
  auto body = std::make_shared<Body>(body_bytes / sizeof(capnp::word));
  std::memcpy(body->words.begin(), stored.data(), body_bytes);
  std::memcpy(body->hash.data(), stored.data() + body_bytes, kHashBytes);
  body->segment = body->words.asPtr();

  bool canonical = false;
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&]() {
    body->reader.emplace(kj::arrayPtr(&body->segment, 1));
    canonical = body->reader->isCanonical();  // walks every pointer: bounds and shape
    body->root = body->reader->getRoot<schema::Envelope>();
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

std::string_view RecordedEvent::stream() const {
  capnp::Text::Reader t = body_->root.getStreamId();
  return {t.begin(), t.size()};
}

std::string_view RecordedEvent::type() const {
  capnp::Text::Reader t = body_->root.getType();
  return {t.begin(), t.size()};
}

Actor RecordedEvent::actor() const {
  auto a = body_->root.getActor();
  return Actor{a.getId().cStr(), a.getRole().cStr(), a.getDepartment().cStr()};
}

std::string_view RecordedEvent::canonical_bytes() const {
  auto bytes = body_->words.asBytes();
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
