#include "ledger/log/record_format.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>

#include "ledger/log/envelope.capnp.h"

namespace ledger {
namespace {

std::string Canonical(capnp::MessageBuilder& message, auto root) {
  (void)message;
  kj::Array<capnp::word> words = capnp::canonicalize(root.asReader());
  return std::string(reinterpret_cast<const char*>(words.begin()), words.asBytes().size());
}

// Runs `read` over a canonical single-segment message; DataLoss on any decode failure.
template <typename T, typename F>
Status ReadCanonical(std::string_view bytes, std::string_view what, F&& read) {
  // The size before the copy: the copy below fills whole words.
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0)
    return Status::DataLoss(std::string(what) + ": bad size " + std::to_string(bytes.size()));
  // Copied: a RocksDB value need not be word-aligned, and Cap'n Proto reads words in place.
  kj::Array<capnp::word> words = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), bytes.data(), bytes.size());
  kj::ArrayPtr<const capnp::word> segments[1] = {words.asPtr()};
  Status status;
  KJ_IF_MAYBE (e, kj::runCatchingExceptions([&]() {
                 capnp::SegmentArrayMessageReader reader(kj::arrayPtr(segments, 1));
                 read(reader.getRoot<T>());
               })) {
    status = Status::DataLoss(std::string(what) + ": " + e->getDescription().cStr());
  }
  return status;
}

}  // namespace

// Big-endian, so that RocksDB's bytewise order of keys is the numeric order: positions iterate
// in order, and a stream's versions too.
void PutBigEndian64(std::string* out, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = char(v & 0xff);
    v >>= 8;
  }
  out->append(buf, 8);
}

// Reads 8 bytes unchecked: callers check the size first.
uint64_t GetBigEndian64(std::string_view bytes) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | uint8_t(bytes[i]);
  return v;
}

std::string PositionKey(uint64_t position) {
  std::string key;
  PutBigEndian64(&key, position);
  return key;
}

std::string TreeKey(uint64_t completing_leaf) {
  std::string key;
  PutBigEndian64(&key, completing_leaf);
  return key;
}

std::string PackTreeNodes(const std::vector<merkle::Node>& completed) {
  std::string value;
  if (completed.size() > 1) value.reserve((completed.size() - 1) * kHashBytes);
  for (size_t i = 1; i < completed.size(); ++i) value.append(AsBytes(completed[i].hash));
  return value;
}

Result<uint64_t> DecodePositionKey(std::string_view key) {
  if (key.size() != 8)
    return Status::DataLoss("events key of " + std::to_string(key.size()) + " bytes, expected 8");
  return GetBigEndian64(key);
}

std::string StreamPrefix(std::string_view stream) {
  std::string key(stream);
  key.push_back('\0');
  return key;
}

std::string StreamKey(std::string_view stream, uint64_t version) {
  std::string key = StreamPrefix(stream);
  PutBigEndian64(&key, version);
  return key;
}

std::string EncodeHead(const Head& head, uint32_t format) {
  capnp::MallocMessageBuilder message(16);
  auto root = message.initRoot<schema::Head>();
  root.setPosition(head.position);
  root.setHash(capnp::Data::Reader(head.hash.data(), head.hash.size()));
  root.setRecordedAt(ToMicros(head.recorded_at));
  root.setFormatVersion(format);
  return Canonical(message, root);
}

Result<Head> DecodeHead(std::string_view bytes) {
  Head head;
  bool hash_ok = false;
  Status s = ReadCanonical<schema::Head>(bytes, "head record", [&](schema::Head::Reader r) {
    head.position = r.getPosition();
    head.recorded_at = FromMicros(r.getRecordedAt());
    head.format_version = r.getFormatVersion();
    capnp::Data::Reader h = r.getHash();
    if (h.size() == kHashBytes) {
      std::memcpy(head.hash.data(), h.begin(), kHashBytes);
      hash_ok = true;
    }
  });
  if (!s.ok()) return s;
  if (!hash_ok) return Status::DataLoss("head record: hash is not 32 bytes");
  return head;
}

std::string EncodeOutcome(const AppendResult& result) {
  capnp::MallocMessageBuilder message(32);
  auto root = message.initRoot<schema::AppendOutcome>();
  root.setStreamId(result.stream);
  root.setFirstVersion(result.first_version);
  root.setLastVersion(result.last_version);
  root.setFirstPosition(result.first_position);
  root.setLastPosition(result.last_position);
  root.setRecordedAt(ToMicros(result.recorded_at));
  if (result.request_digest != kZeroHash)
    root.setRequestDigest(
        capnp::Data::Reader(result.request_digest.data(), result.request_digest.size()));
  return Canonical(message, root);
}

Result<AppendResult> DecodeOutcome(std::string_view bytes) {
  AppendResult result;
  Status s = ReadCanonical<schema::AppendOutcome>(
      bytes, "idempotency record", [&](schema::AppendOutcome::Reader r) {
        result.stream = r.getStreamId().cStr();
        result.first_version = r.getFirstVersion();
        result.last_version = r.getLastVersion();
        result.first_position = r.getFirstPosition();
        result.last_position = r.getLastPosition();
        result.recorded_at = FromMicros(r.getRecordedAt());
        if (r.hasRequestDigest() && r.getRequestDigest().size() == result.request_digest.size())
          std::copy(r.getRequestDigest().begin(), r.getRequestDigest().end(),
                    result.request_digest.begin());
      });
  if (!s.ok()) return s;
  return result;
}

}  // namespace ledger
