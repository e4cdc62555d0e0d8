// Changing stored records underneath the ledger (through RocksDB directly, as an attacker or a bad
// disk would) is caught: Verify names the first bad position every time, reads say DataLoss.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "ledger/log/event_log.h"
#include "ledger/log/record_format.h"
#include "testing/log_util.h"
#include "testing/raw_db.h"
#include "testing/temp_dir.h"

namespace ledger {
namespace {

using testing_util::RawDb;
using testing_util::Request;
using testing_util::TempDir;

class TamperTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kEvents = 12;

  void SetUp() override {
    auto log = EventLog::Open(dir_.path(), Options{});
    ASSERT_TRUE(log.ok());
    for (uint64_t i = 0; i < kEvents; ++i)
      ASSERT_TRUE((*log)->Append(Request("s-" + std::to_string(i % 3))).ok());
    head_ = (*log)->GetHead();
  }

  VerifyReport VerifyNow(std::optional<Head> expected = std::nullopt) {
    Options o;
    o.read_only = true;
    auto log = EventLog::Open(dir_.path(), o);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    VerifyOptions vo;
    vo.expected_head = expected;
    auto report = (*log)->Verify(vo);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return *report;
  }

  TempDir dir_;
  Head head_;
};

TEST_F(TamperTest, UntouchedLedgerVerifies) {
  VerifyReport r = VerifyNow(head_);
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.checked, kEvents);
  EXPECT_EQ(r.head.position, kEvents);
  EXPECT_EQ(r.head.hash, head_.hash);
}

TEST_F(TamperTest, AFlippedBitAnywhereInAnEventIsNamed) {
  const uint64_t target = 5;
  std::string original;
  {
    RawDb raw(dir_.path());
    original = raw.Get(kEventsFamily, PositionKey(target));
  }
  // Every 5th byte, and every byte of the trailing hash.
  std::vector<size_t> offsets;
  for (size_t i = 0; i < original.size(); i += 5) offsets.push_back(i);
  for (size_t i = original.size() - kHashBytes; i < original.size(); ++i) offsets.push_back(i);
  for (size_t offset : offsets) {
    std::string spoiled = original;
    spoiled[offset] = char(spoiled[offset] ^ (1 << (offset % 8)));
    {
      RawDb raw(dir_.path());
      raw.Put(kEventsFamily, PositionKey(target), spoiled);
    }
    VerifyReport r = VerifyNow();
    EXPECT_FALSE(r.ok) << "byte " << offset;
    EXPECT_EQ(r.first_bad_position, target) << "byte " << offset << ": " << r.problem;
  }
  {
    RawDb raw(dir_.path());
    raw.Put(kEventsFamily, PositionKey(target), original);
  }
  EXPECT_TRUE(VerifyNow().ok);
}

TEST_F(TamperTest, ADeletedEventIsNamed) {
  {
    RawDb raw(dir_.path());
    raw.Delete(kEventsFamily, PositionKey(7));
  }
  VerifyReport r = VerifyNow();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 7u);
  EXPECT_NE(r.problem.find("missing"), std::string::npos) << r.problem;
}

TEST_F(TamperTest, TwoSwappedEventsAreNamed) {
  {
    RawDb raw(dir_.path());
    std::string a = raw.Get(kEventsFamily, PositionKey(3));
    std::string b = raw.Get(kEventsFamily, PositionKey(9));
    raw.Put(kEventsFamily, PositionKey(3), b);
    raw.Put(kEventsFamily, PositionKey(9), a);
  }
  VerifyReport r = VerifyNow();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 3u) << r.problem;
}

TEST_F(TamperTest, ATruncatedTailIsNamedByTheHeadRecord) {
  {
    RawDb raw(dir_.path());
    raw.Delete(kEventsFamily, PositionKey(12));
    raw.Delete(kEventsFamily, PositionKey(11));
  }
  VerifyReport r = VerifyNow();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 11u) << r.problem;
  EXPECT_NE(r.problem.find("truncated"), std::string::npos) << r.problem;
}

TEST_F(TamperTest, ATruncatedTailWithARewrittenHeadIsNamedByAnOutsideHead) {
  {
    RawDb raw(dir_.path());
    // A careful attacker also rewrites the head record to the new last event.
    auto ten = RecordedEvent::Decode(raw.Get(kEventsFamily, PositionKey(10)));
    ASSERT_TRUE(ten.ok());
    raw.Delete(kEventsFamily, PositionKey(12));
    raw.Delete(kEventsFamily, PositionKey(11));
    raw.Delete(kStreamsFamily, StreamKey("s-2", 4));
    raw.Delete(kStreamsFamily, StreamKey("s-1", 4));
    // And the Merkle tree's record of the nodes event 12 (leaf 11) completed: the pair 11-12 and
    // the four 9-12.
    raw.Delete(kTreeFamily, TreeKey(11));
    raw.Put("default", kHeadKey, EncodeHead(Head{10, ten->hash(), ten->recorded_at()}));
  }
  EXPECT_TRUE(VerifyNow().ok);  // consistent inside: only an outside copy of the head can tell
  VerifyReport r = VerifyNow(head_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 11u) << r.problem;
}

TEST_F(TamperTest, ARewrittenEventWithARecomputedHashBreaksTheNextLink) {
  {
    RawDb raw(dir_.path());
    // Replace event 4 by event 4 of a different ledger: its own hash is self-consistent, but the
    // chain from position 5 on no longer links.
    TempDir other;
    auto log = EventLog::Open(other.path(), Options{});
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 4; ++i) ASSERT_TRUE((*log)->Append(Request("x", 1)).ok());
    std::string foreign = (*log)->ReadAt(4)->stored_bytes();
    raw.Put(kEventsFamily, PositionKey(4), foreign);
  }
  VerifyReport r = VerifyNow();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 4u) << r.problem;
}

TEST_F(TamperTest, ADamagedStreamIndexIsNamed) {
  {
    RawDb raw(dir_.path());
    raw.Put(kStreamsFamily, StreamKey("s-0", 2), PositionKey(1));
  }
  VerifyReport r = VerifyNow();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 4u) << r.problem;  // s-0 version 2 is position 4
}

TEST_F(TamperTest, ADamagedRecordReadsAsDataLossNeverACrash) {
  {
    RawDb raw(dir_.path());
    raw.Put(kEventsFamily, PositionKey(6), std::string(40, '\x7f'));
    raw.Put(kEventsFamily, PositionKey(8), "short");
  }
  auto log = EventLog::Open(dir_.path(), Options{});
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)->ReadAt(6).status().code(), Code::kDataLoss);
  EXPECT_EQ((*log)->ReadAt(8).status().code(), Code::kDataLoss);
  EXPECT_EQ((*log)->ReadAll(1, 100).status().code(), Code::kDataLoss);
  EXPECT_TRUE((*log)->ReadAt(5).ok());
  // A stream read returns the copies its index entries carry (position 6 is s-2 version 2), so
  // a damaged events record does not show there; Verify names it.
  auto s2 = (*log)->ReadStreamForward("s-2", 1, 10);
  ASSERT_TRUE(s2.ok()) << s2.status().ToString();
  ASSERT_EQ(s2->size(), 4u);
  EXPECT_EQ((*s2)[1].position(), 6u);
  log->reset();
  VerifyReport r = VerifyNow();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 6u) << r.problem;
  // A damaged copy reads as DataLoss.
  {
    RawDb raw(dir_.path());
    raw.Put(kStreamsFamily, StreamKey("s-2", 2), PositionKey(6) + std::string(40, '\x7f'));
    raw.Put(kStreamsFamily, StreamKey("s-1", 1), PositionKey(2) + "short");
  }
  log = EventLog::Open(dir_.path(), Options{});
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)->ReadStreamForward("s-2", 1, 10).status().code(), Code::kDataLoss);
  EXPECT_EQ((*log)->ReadStreamBackward("s-1", 0, 10).status().code(), Code::kDataLoss);
  EXPECT_TRUE((*log)->ReadStreamForward("s-0", 1, 10).ok());
}

TEST_F(TamperTest, AChangedCopyInTheStreamIndexIsNamed) {
  // Position 5 is s-1 version 2. Its copy changed by one bit: reads may still decode it, but
  // Verify compares every copy with its event, byte for byte.
  std::string copy;
  {
    RawDb raw(dir_.path());
    copy = raw.Get(kStreamsFamily, StreamKey("s-1", 2));
    ASSERT_EQ(copy.substr(8), raw.Get(kEventsFamily, PositionKey(5)));
    std::string spoiled = copy;
    spoiled[spoiled.size() - 40] ^= 0x01;
    raw.Put(kStreamsFamily, StreamKey("s-1", 2), spoiled);
  }
  VerifyReport r = VerifyNow();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 5u) << r.problem;
  EXPECT_NE(r.problem.find("copy"), std::string::npos) << r.problem;
  // Another event's record under the entry: the stream read refuses it, Verify names it.
  {
    RawDb raw(dir_.path());
    raw.Put(kStreamsFamily, StreamKey("s-1", 2),
            PositionKey(5) + raw.Get(kEventsFamily, PositionKey(2)));
  }
  {
    auto log = EventLog::Open(dir_.path(), Options{});
    ASSERT_TRUE(log.ok());
    auto read = (*log)->ReadStreamForward("s-1", 1, 10);
    EXPECT_EQ(read.status().code(), Code::kDataLoss);
    EXPECT_NE(read.status().message().find("another event"), std::string::npos)
        << read.status().ToString();
  }
  r = VerifyNow();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 5u) << r.problem;
  {
    RawDb raw(dir_.path());
    raw.Put(kStreamsFamily, StreamKey("s-1", 2), copy);
  }
  EXPECT_TRUE(VerifyNow().ok);
}

// A scan by stream (what a rebuild folds) reads the stream index's copies: every position once,
// a stream's events together and in version order. A missing entry, a copy of another event and
// an entry without a copy (format 1) are refused, never folded as if the log were whole.
TEST_F(TamperTest, AScanByStreamHandsOverEveryEventOnceOrRefuses) {
  auto scan = [&](std::vector<std::pair<std::string, uint64_t>>* seen, Head* head) {
    Options o;
    o.read_only = true;
    auto log = EventLog::Open(dir_.path(), o);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return (*log)->ForEachByStream(
        5,
        [&](std::span<const RecordedEvent> events) {
          for (const RecordedEvent& e : events)
            seen->emplace_back(std::string(e.stream()), e.position());
          return Status::Ok();
        },
        head);
  };
  std::vector<std::pair<std::string, uint64_t>> seen;
  Head head;
  ASSERT_TRUE(scan(&seen, &head).ok());
  EXPECT_EQ(head.position, kEvents);
  EXPECT_EQ(head.hash, head_.hash);
  std::vector<std::pair<std::string, uint64_t>> expected;  // s-0: 1, 4, 7, 10; s-1: 2, 5, ...
  for (uint64_t s = 0; s < 3; ++s)
    for (uint64_t p = s + 1; p <= kEvents; p += 3)
      expected.emplace_back("s-" + std::to_string(s), p);
  EXPECT_EQ(seen, expected);

  std::string entry;
  {
    RawDb raw(dir_.path());
    entry = raw.Get(kStreamsFamily, StreamKey("s-2", 3));  // position 9
    raw.Delete(kStreamsFamily, StreamKey("s-2", 3));
  }
  seen.clear();
  Status missing = scan(&seen, &head);
  EXPECT_EQ(missing.code(), Code::kDataLoss) << missing.ToString();
  EXPECT_NE(missing.message().find("11 of the 12 events"), std::string::npos) << missing.ToString();
  {
    RawDb raw(dir_.path());  // the entry back, holding another event's copy
    raw.Put(kStreamsFamily, StreamKey("s-2", 3),
            PositionKey(9) + raw.Get(kEventsFamily, PositionKey(8)));
  }
  seen.clear();
  Status other = scan(&seen, &head);
  EXPECT_EQ(other.code(), Code::kDataLoss) << other.ToString();
  EXPECT_NE(other.message().find("another event"), std::string::npos) << other.ToString();
  {
    RawDb raw(dir_.path());  // format 1: the position alone
    raw.Put(kStreamsFamily, StreamKey("s-2", 3), PositionKey(9));
  }
  seen.clear();
  EXPECT_EQ(scan(&seen, &head).code(), Code::kFailedPrecondition);
  {
    RawDb raw(dir_.path());
    raw.Put(kStreamsFamily, StreamKey("s-2", 3), entry);
  }
  seen.clear();
  EXPECT_TRUE(scan(&seen, &head).ok());
  EXPECT_EQ(seen, expected);
}

// A ledger of format 1 (stream index entries hold the position alone) reads and verifies as it
// is; opened for writing, its format record becomes 2 and new entries carry copies.
TEST_F(TamperTest, AFormatOneLedgerReadsVerifiesAndTakesNewEvents) {
  std::vector<std::string> before;
  {
    auto log = EventLog::Open(dir_.path(), Options{});
    ASSERT_TRUE(log.ok());
    auto events = (*log)->ReadStreamForward("s-1", 1, 10);
    ASSERT_TRUE(events.ok());
    for (const RecordedEvent& e : *events) before.push_back(e.stored_bytes());
  }
  {
    RawDb raw(dir_.path());
    for (uint64_t p = 1; p <= kEvents; ++p) {
      auto e = RecordedEvent::Decode(raw.Get(kEventsFamily, PositionKey(p)));
      ASSERT_TRUE(e.ok());
      raw.Put(kStreamsFamily, StreamKey(e->stream(), e->version()), PositionKey(p));
    }
    std::string one;
    PutBigEndian64(&one, 1);
    raw.Put("default", kFormatKey, one);
    // The head a format-1 build wrote states its format.
    raw.Put("default", kHeadKey, EncodeHead(*DecodeHead(raw.Get("default", kHeadKey)), 1));
  }
  EXPECT_TRUE(VerifyNow(head_).ok);
  {
    Options o;
    o.read_only = true;
    auto log = EventLog::Open(dir_.path(), o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    std::vector<std::string> read;
    auto events = (*log)->ReadStreamForward("s-1", 1, 10);
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    for (const RecordedEvent& e : *events) read.push_back(e.stored_bytes());
    EXPECT_EQ(read, before);
  }
  {
    auto log = EventLog::Open(dir_.path(), Options{});
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    ASSERT_TRUE((*log)->Append(Request("s-1")).ok());
    auto all = (*log)->ReadStreamForward("s-1", 1, 10);  // four of format 1, one with a copy
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 5u);
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ((*all)[i].stored_bytes(), before[i]);
    EXPECT_EQ((*all)[4].position(), kEvents + 1);
    auto back = (*log)->ReadStreamBackward("s-1", 0, 2);
    ASSERT_TRUE(back.ok());
    ASSERT_EQ(back->size(), 2u);
    EXPECT_EQ((*back)[0].position(), kEvents + 1);
    EXPECT_EQ((*back)[1].stored_bytes(), before[3]);
  }
  RawDb raw(dir_.path());
  EXPECT_EQ(GetBigEndian64(raw.Get("default", kFormatKey)), uint64_t{kFormatVersion});
  EXPECT_EQ(raw.Get(kStreamsFamily, StreamKey("s-1", 5)).size() > 8, true);
}

TEST_F(TamperTest, AHeadMismatchAtOpenRefusesAppends) {
  {
    RawDb raw(dir_.path());
    raw.Delete(kEventsFamily, PositionKey(12));
  }
  auto log = EventLog::Open(dir_.path(), Options{});
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)->damage().code(), Code::kDataLoss);
  auto r = (*log)->Append(Request("s-0"));
  EXPECT_EQ(r.status().code(), Code::kDataLoss) << r.status().ToString();
}

}  // namespace
}  // namespace ledger
