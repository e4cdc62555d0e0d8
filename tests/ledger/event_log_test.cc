// Behaviour of EventLog: appends, versions, idempotency, bad input, reads, subscriptions.
#include "ledger/log/event_log.h"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "ledger/base/clock.h"
#include "testing/log_util.h"
#include "testing/temp_dir.h"

namespace ledger {
namespace {

using testing_util::Event;
using testing_util::Request;
using testing_util::TempDir;

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen(Options o = {}) {
    log_.reset();
    o.clock = &clock_;
    auto opened = EventLog::Open(dir_.path(), o);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    log_ = std::move(opened).value();
  }

  AppendResult MustAppend(AppendRequest r) {
    auto result = log_->Append(std::move(r));
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : AppendResult{};
  }

  TempDir dir_;
  ManualClock clock_{FromMicros(1'767'225'600'000'000)};  // 2026-01-01T00:00:00Z
  std::unique_ptr<EventLog> log_;
};

TEST_F(EventLogTest, AppendAssignsVersionsAndPositionsFromOne) {
  AppendResult a = MustAppend(Request("s-1", 3));
  EXPECT_EQ(a.first_version, 1u);
  EXPECT_EQ(a.last_version, 3u);
  EXPECT_EQ(a.first_position, 1u);
  EXPECT_EQ(a.last_position, 3u);
  AppendResult b = MustAppend(Request("s-2", 2));
  EXPECT_EQ(b.first_version, 1u);
  EXPECT_EQ(b.first_position, 4u);
  EXPECT_EQ(b.last_position, 5u);
  EXPECT_EQ(log_->GetHead().position, 5u);
}

TEST_F(EventLogTest, ReadsBackEveryEnvelopeField) {
  AppendRequest r = Request("s-1", 1);
  r.correlation_id = "req-7";
  r.idempotency_key = "k-7";
  r.events[0].policy_version = 3;
  r.events[0].causation_id = "pos:1";
  r.events[0].imported = true;
  r.events[0].occurred_at = clock_.Now() - std::chrono::hours(2);
  MustAppend(r);
  auto e = log_->ReadAt(1);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->stream(), "s-1");
  EXPECT_EQ(e->version(), 1u);
  EXPECT_EQ(e->type(), "ThingHappened");
  EXPECT_EQ(e->actor().id, "u-1");
  EXPECT_EQ(e->actor().role, "tester");
  EXPECT_EQ(e->actor().department, "qa");
  EXPECT_EQ(e->policy_version(), 3u);
  EXPECT_TRUE(e->imported());
  EXPECT_EQ(e->recorded_at(), clock_.Now());
  EXPECT_EQ(e->occurred_at(), clock_.Now() - std::chrono::hours(2));
  EXPECT_EQ(std::string(e->envelope().getCorrelationId().cStr()), "req-7");
  EXPECT_EQ(std::string(e->envelope().getCausationId().cStr()), "pos:1");
  EXPECT_EQ(std::string(e->envelope().getIdempotencyKey().cStr()), "k-7");
  EXPECT_EQ(std::string(e->payload<schema::Actor>().getId().cStr()), "0");
  EXPECT_EQ(e->prev_hash(), kZeroHash);
  EXPECT_EQ(Sha256(AsBytes(kZeroHash), e->canonical_bytes()), e->hash());
}

TEST_F(EventLogTest, OccurredAtDefaultsToRecordedAt) {
  MustAppend(Request("s-1"));
  auto e = log_->ReadAt(1);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->occurred_at(), e->recorded_at());
}

TEST_F(EventLogTest, RejectsWrongExpectedVersionNamingStreamAndVersions) {
  MustAppend(Request("s-1", 2));
  auto r = log_->Append(Request("s-1", 1, ExpectedVersion::Exactly(1)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kAborted);
  EXPECT_NE(r.status().message().find("'s-1'"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("expected 1"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("actual version 2"), std::string::npos);
  EXPECT_EQ(log_->GetHead().position, 2u);  // nothing appended
}

TEST_F(EventLogTest, NoStreamAndExactExpectations) {
  EXPECT_TRUE(log_->Append(Request("s-1", 1, ExpectedVersion::NoStream())).ok());
  auto again = log_->Append(Request("s-1", 1, ExpectedVersion::NoStream()));
  EXPECT_EQ(again.status().code(), Code::kAborted);
  EXPECT_TRUE(log_->Append(Request("s-1", 1, ExpectedVersion::Exactly(1))).ok());
  EXPECT_TRUE(log_->Append(Request("s-1", 1, ExpectedVersion::Any())).ok());
  EXPECT_EQ(*log_->StreamVersion("s-1"), 3u);
}

TEST_F(EventLogTest, ExpectedVersionParsesKnownFormsOnly) {
  EXPECT_EQ(ExpectedVersion::Parse("any")->kind, ExpectedVersion::Kind::kAny);
  EXPECT_EQ(ExpectedVersion::Parse("no_stream")->kind, ExpectedVersion::Kind::kNoStream);
  EXPECT_EQ(ExpectedVersion::Parse("0")->kind, ExpectedVersion::Kind::kNoStream);
  EXPECT_EQ(ExpectedVersion::Parse("17")->version, 17u);
  for (const char* bad : {"", "-1", "1.5", "latest", "12x", "99999999999999999999999"}) {
    auto p = ExpectedVersion::Parse(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(p.status().errors().at(0).field, "expected_version");
  }
}

TEST_F(EventLogTest, IdempotentRetryReturnsFirstResultAndAppendsNothing) {
  AppendResult first = MustAppend(Request("s-1", 2, ExpectedVersion::Any(), "key-1"));
  // A retry, even with different content, returns the first result.
  auto retry = log_->Append(Request("s-1", 5, ExpectedVersion::NoStream(), "key-1"));
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_TRUE(retry->deduplicated);
  EXPECT_FALSE(first.deduplicated);
  EXPECT_EQ(retry->first_position, first.first_position);
  EXPECT_EQ(retry->last_position, first.last_position);
  EXPECT_EQ(retry->stream, "s-1");
  EXPECT_EQ(log_->GetHead().position, 2u);
  // And after a reopen.
  Reopen();
  auto again = log_->Append(Request("s-1", 1, ExpectedVersion::Any(), "key-1"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->deduplicated);
  EXPECT_EQ(log_->GetHead().position, 2u);
  auto looked = log_->LookupIdempotencyKey("key-1");
  ASSERT_TRUE(looked.ok() && looked->has_value());
  EXPECT_EQ((*looked)->last_position, 2u);
  EXPECT_FALSE(log_->LookupIdempotencyKey("key-2")->has_value());
}

// Each bad input is refused with InvalidArgument naming the field and rule; nothing is written.
struct BadCase {
  const char* name;
  std::function<void(AppendRequest&)> spoil;
  const char* field;
  const char* rule;
};

TEST_F(EventLogTest, BadInputIsRefusedWithFieldAndRuleAndWritesNothing) {
  std::vector<BadCase> cases = {
      {"empty stream", [](AppendRequest& r) { r.stream = ""; }, "stream", "required"},
      {"long stream", [](AppendRequest& r) { r.stream = std::string(129, 'a'); }, "stream",
       "max_length"},
      {"bad utf8", [](AppendRequest& r) { r.stream = "s-\xC3\x28"; }, "stream", "utf8"},
      {"overlong utf8", [](AppendRequest& r) { r.stream = "\xC0\xAF"; }, "stream", "utf8"},
      {"surrogate", [](AppendRequest& r) { r.stream = "\xED\xA0\x80"; }, "stream", "utf8"},
      {"nul in stream", [](AppendRequest& r) { r.stream = std::string("a\0b", 3); }, "stream",
       "no_control_characters"},
      {"no events", [](AppendRequest& r) { r.events.clear(); }, "events", "required"},
      {"too many events", [](AppendRequest& r) { r.events.resize(1001, Event()); }, "events",
       "max_batch_events"},
      {"payload too big",
       [](AppendRequest& r) { r.events[0].payload = std::string(64 * 1024 + 8, 0); },
       "events[0].payload", "max_event_bytes"},
      {"payload not capnp", [](AppendRequest& r) { r.events[0].payload = "not a message!!!"; },
       "events[0].payload", "capnp_message"},
      {"no type", [](AppendRequest& r) { r.events[0].type = ""; }, "events[0].type", "required"},
      {"no actor", [](AppendRequest& r) { r.events[0].actor.id = ""; }, "events[0].actor.id",
       "required"},
      {"unknown expected form",
       [](AppendRequest& r) { r.expected.kind = static_cast<ExpectedVersion::Kind>(9); },
       "expected_version", "form"},
      {"long key", [](AppendRequest& r) { r.idempotency_key = std::string(201, 'k'); },
       "idempotency_key", "max_length"},
  };
  for (const BadCase& c : cases) {
    AppendRequest r = Request("s-1");
    c.spoil(r);
    auto result = log_->Append(r);
    ASSERT_FALSE(result.ok()) << c.name;
    EXPECT_EQ(result.status().code(), Code::kInvalidArgument) << c.name;
    bool named = false;
    for (const FieldError& e : result.status().errors())
      named |= e.field == c.field && e.rule == c.rule;
    EXPECT_TRUE(named) << c.name << ": " << result.status().ToString();
  }
  EXPECT_EQ(log_->GetHead().position, 0u);
  EXPECT_EQ(*log_->StreamVersion("s-1"), 0u);
}

TEST_F(EventLogTest, ReportsEveryProblemAtOnce) {
  AppendRequest r = Request("", 2);
  r.events[0].type = "";
  r.events[1].payload = "xx";
  auto result = log_->Append(r);
  ASSERT_FALSE(result.ok());
  EXPECT_GE(result.status().errors().size(), 3u) << result.status().ToString();
}

TEST_F(EventLogTest, PayloadLimitIsConfigurable) {
  Options o;
  o.max_event_bytes = 64;
  Reopen(o);
  AppendRequest r = Request("s-1");
  r.events[0].payload = testing_util::Payload(std::string(100, 'x'));
  auto result = log_->Append(r);
  EXPECT_EQ(result.status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(log_->Append(Request("s-1")).ok());
}

TEST_F(EventLogTest, EventsSurviveReopen) {
  MustAppend(Request("s-1", 3));
  Head before = log_->GetHead();
  Reopen();
  EXPECT_EQ(log_->GetHead().position, before.position);
  EXPECT_EQ(log_->GetHead().hash, before.hash);
  auto r = log_->Append(Request("s-1", 1, ExpectedVersion::Exactly(3)));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->first_position, 4u);
  auto e = log_->ReadAt(4);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->prev_hash(), before.hash);
}

TEST_F(EventLogTest, ReadsStreamsForwardAndBackward) {
  for (int i = 0; i < 5; ++i) {
    MustAppend(Request("a"));
    MustAppend(Request("b"));
  }
  auto fwd = log_->ReadStreamForward("a", 2, 3);
  ASSERT_TRUE(fwd.ok());
  ASSERT_EQ(fwd->size(), 3u);
  EXPECT_EQ((*fwd)[0].version(), 2u);
  EXPECT_EQ((*fwd)[2].version(), 4u);
  EXPECT_EQ((*fwd)[0].position(), 3u);
  auto back = log_->ReadStreamBackward("b", 0, 2);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].version(), 5u);
  EXPECT_EQ((*back)[1].version(), 4u);
  auto from3 = log_->ReadStreamBackward("b", 3, 10);
  ASSERT_EQ(from3->size(), 3u);
  EXPECT_EQ((*from3)[0].version(), 3u);
  EXPECT_TRUE(log_->ReadStreamForward("nope", 1, 10)->empty());
  // A stream whose id is a prefix of another's is not mixed with it.
  MustAppend(Request("a-longer"));
  EXPECT_EQ(log_->ReadStreamForward("a", 1, 100)->size(), 5u);
}

TEST_F(EventLogTest, ReadsTheGlobalLogInOrder) {
  for (int i = 0; i < 10; ++i) MustAppend(Request("s-" + std::to_string(i % 3)));
  auto all = log_->ReadAll(4, 5);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u);
  for (size_t i = 0; i < all->size(); ++i) EXPECT_EQ((*all)[i].position(), 4 + i);
  EXPECT_TRUE(log_->ReadAll(11, 5)->empty());
  EXPECT_EQ(log_->ReadAt(11).status().code(), Code::kNotFound);
  uint64_t seen = 0;
  ASSERT_TRUE(log_->ForEach(1, 0,
                            [&](const RecordedEvent& e) {
                              EXPECT_EQ(e.position(), ++seen);
                              return Status::Ok();
                            })
                  .ok());
  EXPECT_EQ(seen, 10u);
}

// A rebuild scans in batches and reuses the decoded bytes of each slot of the batch: every batch
// size hands over every event once, in order, byte for byte; events the caller keeps are never
// overwritten. Sizes vary (and grow) so that a reused slot must also grow.
TEST_F(EventLogTest, BatchedScansHandOverEveryEventOnceAndKeptEventsStayIntact) {
  constexpr int kEvents = 23;
  for (int i = 0; i < kEvents; ++i) {
    AppendRequest r = Request("s-" + std::to_string(i % 4));
    const size_t size = size_t(1 + (i * 37) % 300);
    r.events[0].payload = testing_util::Payload(std::string(size, char('a' + i % 26)));
    MustAppend(std::move(r));
  }
  std::vector<std::string> stored;
  for (int p = 1; p <= kEvents; ++p) stored.push_back(log_->ReadAt(uint64_t(p))->stored_bytes());

  for (size_t batch : {size_t{1}, size_t{3}, size_t{4}, size_t{23}, size_t{100}}) {
    SCOPED_TRACE("batch " + std::to_string(batch));
    std::vector<RecordedEvent> kept;  // every third event, kept past its batch
    uint64_t next = 5, calls = 0;
    ASSERT_TRUE(log_->ForEachBatch(5, 20, batch,
                                   [&](std::span<const RecordedEvent> events) {
                                     EXPECT_LE(events.size(), batch);
                                     ++calls;
                                     for (const RecordedEvent& e : events) {
                                       EXPECT_EQ(e.position(), next);
                                       EXPECT_EQ(e.stored_bytes(), stored[next - 1]);
                                       if (next % 3 == 0) kept.push_back(e);
                                       ++next;
                                     }
                                     return Status::Ok();
                                   })
                    .ok());
    EXPECT_EQ(next, 21u);
    EXPECT_EQ(calls, (16 + batch - 1) / batch);
    ASSERT_EQ(kept.size(), 5u);  // 6, 9, 12, 15, 18
    for (const RecordedEvent& e : kept) EXPECT_EQ(e.stored_bytes(), stored[e.position() - 1]);
  }
  // A failing callback stops the scan and its status comes back.
  int calls = 0;
  Status stopped = log_->ForEachBatch(1, 0, 4, [&](std::span<const RecordedEvent>) {
    return ++calls == 2 ? Status::Internal("stop here") : Status::Ok();
  });
  EXPECT_EQ(stopped.code(), Code::kInternal);
  EXPECT_EQ(calls, 2);
}

TEST_F(EventLogTest, StreamExistenceVersionAndListing) {
  MustAppend(Request("CMP-2026-000001"));
  MustAppend(Request("CMP-2026-000002", 2));
  MustAppend(Request("CMP-2025-000009"));
  MustAppend(Request("OTHER"));
  EXPECT_TRUE(*log_->StreamExists("CMP-2026-000002"));
  EXPECT_FALSE(*log_->StreamExists("CMP-2026-000003"));
  EXPECT_EQ(*log_->StreamVersion("CMP-2026-000002"), 2u);
  EXPECT_EQ(*log_->LastStreamWithPrefix("CMP-2026-"), "CMP-2026-000002");
  EXPECT_EQ(*log_->LastStreamWithPrefix("CMP-2027-"), "");
  auto list = log_->ListStreams("CMP-", "", 10);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(*list,
            (std::vector<std::string>{"CMP-2025-000009", "CMP-2026-000001", "CMP-2026-000002"}));
  auto page2 = log_->ListStreams("CMP-", "CMP-2025-000009", 1);
  EXPECT_EQ(*page2, (std::vector<std::string>{"CMP-2026-000001"}));
}

// The stream index has a bloom filter of streams that lets a stream read skip files; reads and
// listings must be the same whatever files the entries are in. Several flushes (bulk mode's Close)
// spread the streams, among them ids that are prefixes of each other, over several files.
TEST_F(EventLogTest, StreamReadsAndListingsAreExactAcrossFilesWithStreamFilters) {
  const std::vector<std::string> ids{"CMP-1",
                                     "CMP-10",
                                     "CMP-100",
                                     "CMP-2",
                                     "CMP-20",
                                     "X",
                                     "Xy",
                                     "CMP-2026-000001",
                                     "CMP-2026-000010",
                                     "CMP-2026-000100",
                                     "CMP-2026-000101",
                                     "CMP-2027-000001"};
  std::map<std::string, uint64_t> versions;
  for (int round = 0; round < 4; ++round) {
    Options o;
    o.durability = Durability::kBulk;
    Reopen(o);
    for (size_t i = 0; i < ids.size(); ++i) {
      if ((i + round) % 3 == 0) continue;  // not every stream in every file
      MustAppend(Request(ids[i], 1 + int(i % 2)));
      versions[ids[i]] += 1 + i % 2;
    }
    ASSERT_TRUE(log_->Close().ok());
  }
  Reopen();
  for (const auto& [id, version] : versions) {
    auto forward = log_->ReadStreamForward(id, 1, 1000);
    ASSERT_TRUE(forward.ok()) << id;
    ASSERT_EQ(forward->size(), version) << id;
    for (size_t v = 0; v < forward->size(); ++v) {
      EXPECT_EQ((*forward)[v].stream(), id);
      EXPECT_EQ((*forward)[v].version(), v + 1);
    }
    auto back = log_->ReadStreamBackward(id, 0, 2);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->front().version(), version) << id;
    EXPECT_EQ(*log_->StreamVersion(id), version) << id;
    auto middle = log_->ReadStreamForward(id, version, 10);
    ASSERT_EQ(middle->size(), 1u) << id;
  }
  EXPECT_TRUE(log_->ReadStreamForward("CMP-3", 1, 10)->empty());
  EXPECT_TRUE(log_->ReadStreamForward("CMP-", 1, 10)->empty());
  EXPECT_EQ(*log_->StreamVersion("CMP-1000"), 0u);
  EXPECT_EQ(*log_->LastStreamWithPrefix("CMP-1"), "CMP-100");
  EXPECT_EQ(*log_->LastStreamWithPrefix("CMP-2026-"), "CMP-2026-000101");
  EXPECT_EQ(*log_->LastStreamWithPrefix("CMP-"), "CMP-2027-000001");
  std::vector<std::string> all;
  for (const auto& [id, version] : versions) all.push_back(id);
  ASSERT_EQ(all.size(), ids.size());
  EXPECT_EQ(*log_->ListStreams("", "", 100), all);
  EXPECT_EQ(*log_->ListStreams("CMP-1", "", 100),
            (std::vector<std::string>{"CMP-1", "CMP-10", "CMP-100"}));
  EXPECT_EQ(*log_->ListStreams("CMP-", "CMP-10", 2),
            (std::vector<std::string>{"CMP-100", "CMP-2"}));
  // Pages after a long id: the seek key (id || 0x01) is as long as an entry's key.
  std::vector<std::string> paged;
  std::string after;
  for (;;) {
    auto page = log_->ListStreams("CMP-2026-", after, 1);
    ASSERT_TRUE(page.ok());
    if (page->empty()) break;
    paged.push_back(page->front());
    after = page->front();
  }
  EXPECT_EQ(paged, (std::vector<std::string>{"CMP-2026-000001", "CMP-2026-000010",
                                             "CMP-2026-000100", "CMP-2026-000101"}));
  EXPECT_TRUE(log_->Verify()->ok);
}

TEST_F(EventLogTest, RecordedAtNeverDecreasesAndIsSearchable) {
  Time t0 = clock_.Now();
  MustAppend(Request("s"));  // 1 at t0
  clock_.Advance(std::chrono::minutes(10));
  MustAppend(Request("s"));                // 2 at t0+10m
  clock_.Set(t0 - std::chrono::hours(1));  // the system clock steps back
  MustAppend(Request("s"));                // 3 stays at t0+10m
  clock_.Set(t0 + std::chrono::hours(1));
  MustAppend(Request("s"));  // 4 at t0+1h
  EXPECT_EQ(log_->ReadAt(3)->recorded_at(), t0 + std::chrono::minutes(10));
  EXPECT_EQ(*log_->FirstPositionRecordedAtOrAfter(t0), 1u);
  EXPECT_EQ(*log_->FirstPositionRecordedAtOrAfter(t0 + std::chrono::minutes(1)), 2u);
  EXPECT_EQ(*log_->FirstPositionRecordedAtOrAfter(t0 + std::chrono::minutes(30)), 4u);
  EXPECT_EQ(*log_->FirstPositionRecordedAtOrAfter(t0 + std::chrono::hours(2)), 5u);
}

TEST_F(EventLogTest, SubscriptionCatchesUpThenFollowsLive) {
  for (int i = 0; i < 5; ++i) MustAppend(Request("s"));
  auto sub = log_->Subscribe(3);
  std::vector<RecordedEvent> got;
  ASSERT_TRUE(sub->Next(100, std::chrono::milliseconds(0), &got).ok());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got.front().position(), 3u);
  got.clear();
  ASSERT_TRUE(sub->Next(100, std::chrono::milliseconds(0), &got).ok());
  EXPECT_TRUE(got.empty());  // caught up: nothing new, no wait
  std::thread writer([&] { MustAppend(Request("s", 2)); });
  while (got.size() < 2) ASSERT_TRUE(sub->Next(100, std::chrono::seconds(10), &got).ok());
  writer.join();
  EXPECT_EQ(got[0].position(), 6u);
  EXPECT_EQ(got[1].position(), 7u);
}

TEST_F(EventLogTest, SlowSubscriberFallsBackToCatchingUp) {
  Options o;
  o.live_buffer_events = 4;
  Reopen(o);
  auto sub = log_->Subscribe(1);
  for (int i = 0; i < 50; ++i) MustAppend(Request("s-" + std::to_string(i % 7)));
  std::vector<RecordedEvent> got;
  while (got.size() < 50) {
    size_t before = got.size();
    ASSERT_TRUE(sub->Next(3, std::chrono::milliseconds(0), &got).ok());
    ASSERT_GT(got.size(), before);
  }
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].position(), i + 1);
}

TEST_F(EventLogTest, CancelWakesAWaitingSubscriber) {
  auto sub = log_->Subscribe(1);
  std::thread canceller([&] { sub->Cancel(); });
  std::vector<RecordedEvent> got;
  EXPECT_TRUE(sub->Next(10, std::chrono::hours(1), &got).ok());
  canceller.join();
  EXPECT_TRUE(got.empty());
}

TEST_F(EventLogTest, CommitListenersHearEachCommit) {
  std::atomic<uint64_t> heard{0};
  uint64_t id = log_->AddCommitListener([&](uint64_t head) { heard = head; });
  MustAppend(Request("s", 3));
  EXPECT_EQ(heard.load(), 3u);
  log_->RemoveCommitListener(id);
  MustAppend(Request("s"));
  EXPECT_EQ(heard.load(), 3u);
}

TEST_F(EventLogTest, MissingLedgerIsNotFoundWhenNotCreating) {
  Options o;
  o.create_if_missing = false;
  auto opened = EventLog::Open(dir_.Sub("nothing-here"), o);
  EXPECT_EQ(opened.status().code(), Code::kNotFound);
}

TEST_F(EventLogTest, SecondOpenOfTheSameLedgerIsUnavailable) {
  auto second = EventLog::Open(dir_.path(), Options{});
  EXPECT_EQ(second.status().code(), Code::kUnavailable) << second.status().ToString();
}

TEST_F(EventLogTest, ReadOnlyOpenRefusesAppends) {
  MustAppend(Request("s"));
  log_.reset();
  Options o;
  o.read_only = true;
  auto ro = EventLog::Open(dir_.path(), o);
  ASSERT_TRUE(ro.ok()) << ro.status().ToString();
  EXPECT_EQ((*ro)->GetHead().position, 1u);
  EXPECT_EQ((*ro)->Append(Request("s")).status().code(), Code::kFailedPrecondition);
}

TEST_F(EventLogTest, BulkModeKeepsEverythingAfterClose) {
  Options o;
  o.durability = Durability::kBulk;
  Reopen(o);
  for (int i = 0; i < 100; ++i) MustAppend(Request("s-" + std::to_string(i)));
  ASSERT_TRUE(log_->Close().ok());
  Reopen();
  EXPECT_EQ(log_->GetHead().position, 100u);
  EXPECT_TRUE(log_->Verify()->ok);
}

TEST_F(EventLogTest, AppendsAfterCloseAreUnavailable) {
  ASSERT_TRUE(log_->Close().ok());
  EXPECT_EQ(log_->Append(Request("s")).status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace ledger
