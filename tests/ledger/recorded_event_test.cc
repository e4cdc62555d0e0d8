// Decoding a stored event reads the envelope's texts straight from their pointer words
// (recorded_event.cc). Whatever the bytes, that decoder must agree with Cap'n Proto's own checked
// reader: the same texts when Cap'n Proto reads them, DataLoss when Cap'n Proto rejects them.
// Checked over every single-byte change of real envelopes, and over shapes the plain reader
// leaves to Cap'n Proto.
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ledger/log/event_log.h"
#include "ledger/log/record_format.h"
#include "testing/log_util.h"
#include "testing/temp_dir.h"

namespace ledger {
namespace {

using testing_util::TempDir;

// What Cap'n Proto's checked reader makes of an envelope: the fields the decoder reads, or
// nullopt when reading any of them throws.
struct Fields {
  std::string stream, type, actor_id, actor_role, actor_department;
  bool has_payload = false;
  bool operator==(const Fields&) const = default;
};

std::optional<Fields> ReadWithCapnp(std::string_view canonical) {
  kj::Array<capnp::word> words = AlignedCopy(canonical);
  std::optional<Fields> out;
  KJ_IF_MAYBE (e, kj::runCatchingExceptions([&]() {
                 kj::ArrayPtr<const capnp::word> segment = words.asPtr();
                 capnp::SegmentArrayMessageReader reader(kj::arrayPtr(&segment, 1));
                 schema::Envelope::Reader env = reader.getRoot<schema::Envelope>();
                 Fields f;
                 f.stream = TextCopy(env.getStreamId());
                 f.type = TextCopy(env.getType());
                 f.actor_id = TextCopy(env.getActor().getId());
                 f.actor_role = TextCopy(env.getActor().getRole());
                 f.actor_department = TextCopy(env.getActor().getDepartment());
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
  return out;
}

// What RecordedEvent::Decode makes of the same bytes (followed by a hash).
std::optional<Fields> ReadWithDecode(std::string_view canonical, Status* status) {
  std::string stored(canonical);
  stored.append(kHashBytes, '\x5a');
  Result<RecordedEvent> e = RecordedEvent::Decode(stored);
  *status = e.status();
  if (!e.ok()) return std::nullopt;
  return Fields{std::string(e->stream()),           std::string(e->type()),
                std::string(e->actor_id()),         std::string(e->actor_role()),
                std::string(e->actor_department()), e->has_payload()};
}

// Real envelopes as the log writes them: with and without the optional texts and a payload.
std::vector<std::string> Envelopes() {
  TempDir dir;
  auto log = EventLog::Open(dir.path(), Options{});
  EXPECT_TRUE(log.ok());
  AppendRequest full = testing_util::Request("CMP-2026-000001", 2, ExpectedVersion::Any(), "key-1");
  full.correlation_id = "corr-7";
  full.events[1].causation_id = "req-9";
  EXPECT_TRUE((*log)->Append(full).ok());
  AppendRequest bare = testing_util::Request("s");
  bare.events[0].payload.clear();
  bare.events[0].actor = {"system", "system", ""};
  EXPECT_TRUE((*log)->Append(bare).ok());
  std::vector<std::string> out;
  for (uint64_t p = 1; p <= 3; ++p)
    out.push_back(std::string((*log)->ReadAt(p)->canonical_bytes()));
  return out;
}

TEST(RecordedEventDecode, ReadsWhatCapnpReads) {
  for (const std::string& canonical : Envelopes()) {
    Status status;
    std::optional<Fields> decoded = ReadWithDecode(canonical, &status);
    ASSERT_TRUE(decoded.has_value()) << status.ToString();
    std::optional<Fields> expected = ReadWithCapnp(canonical);
    ASSERT_TRUE(expected.has_value());
    EXPECT_EQ(*decoded, *expected);
  }
  std::vector<std::string> all = Envelopes();
  Status status;
  std::optional<Fields> first = ReadWithDecode(all[0], &status);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->stream, "CMP-2026-000001");
  EXPECT_EQ(first->type, "ThingHappened");
  EXPECT_EQ(first->actor_id, "u-1");
  EXPECT_EQ(first->actor_role, "tester");
  EXPECT_EQ(first->actor_department, "qa");
  EXPECT_TRUE(first->has_payload);
  std::optional<Fields> bare = ReadWithDecode(all[2], &status);
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->actor_department, "");
  EXPECT_FALSE(bare->has_payload);
}

// Every byte of every envelope, changed in several ways: the decoder reads exactly what Cap'n
// Proto reads, and refuses (DataLoss, never a crash) exactly what it refuses.
TEST(RecordedEventDecode, AgreesWithCapnpOnEveryChangedByte) {
  const uint8_t kMasks[] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff, 0x7f};
  size_t refused = 0, read = 0;
  for (const std::string& canonical : Envelopes()) {
    for (size_t i = 0; i < canonical.size(); ++i) {
      for (uint8_t mask : kMasks) {
        std::string changed = canonical;
        changed[i] = static_cast<char>(changed[i] ^ mask);
        std::optional<Fields> expected = ReadWithCapnp(changed);
        Status status;
        std::optional<Fields> decoded = ReadWithDecode(changed, &status);
        ASSERT_EQ(decoded.has_value(), expected.has_value())
            << "byte " << i << " ^ " << int(mask) << ": " << status.ToString();
        if (expected) {
          EXPECT_EQ(*decoded, *expected) << "byte " << i << " ^ " << int(mask);
          ++read;
        } else {
          EXPECT_EQ(status.code(), Code::kDataLoss) << status.ToString();
          ++refused;
        }
      }
    }
  }
  // Both outcomes occur: the changes reach the pointers, not only the texts' bytes.
  EXPECT_GT(refused, 100u);
  EXPECT_GT(read, 100u);
  std::printf("changed bytes: %zu read, %zu refused\n", read, refused);
}

// Random words in place of the envelope's pointer section: pointers of every kind (far, other
// lists, capabilities, out of bounds), which the plain reader must leave to Cap'n Proto.
TEST(RecordedEventDecode, AgreesWithCapnpOnRandomPointers) {
  std::mt19937_64 rng(20261201);
  const std::vector<std::string> envelopes = Envelopes();
  size_t refused = 0, read = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string changed = envelopes[round % envelopes.size()];
    const size_t words = changed.size() / sizeof(capnp::word);
    // A word of the root's data or pointer section (words 1 to 13), or of the actor or a text.
    const size_t at = 1 + rng() % std::min<size_t>(words - 1, 20);
    uint64_t w = rng();
    switch (rng() % 4) {
      case 0:
        w &= 0xffffffff000000ffull;
        break;  // small offsets
      case 1:
        w = (w & ~uint64_t{3}) | 1;
        break;  // a list pointer
      case 2:
        w = (w & 0x000000ff000000ffull) | (uint64_t{2} << 32) | 1;
        break;  // short bytes
      default:
        break;
    }
    std::memcpy(changed.data() + at * sizeof(capnp::word), &w, sizeof w);
    std::optional<Fields> expected = ReadWithCapnp(changed);
    Status status;
    std::optional<Fields> decoded = ReadWithDecode(changed, &status);
    ASSERT_EQ(decoded.has_value(), expected.has_value())
        << "word " << at << " = " << std::hex << w << ": " << status.ToString();
    if (expected) {
      EXPECT_EQ(*decoded, *expected) << "word " << at << " = " << std::hex << w;
      ++read;
    } else {
      ++refused;
    }
  }
  EXPECT_GT(refused, 1000u);
  EXPECT_GT(read, 1000u);
  std::printf("random pointers: %zu read, %zu refused\n", read, refused);
}

}  // namespace
}  // namespace ledger
