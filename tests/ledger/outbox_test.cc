// The outbox (ledger/log/outbox.h): gapless numbering, idempotent keys, cursors, trimming, what
// survives a reopen, and a ledger made before the outbox existed.
#include "ledger/log/outbox.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "ledger/log/record_format.h"
#include "testing/log_util.h"
#include "testing/temp_dir.h"

namespace {

using ledger::Code;
using ledger::EventLog;
using ledger::Outbox;
using ledger::OutboxEntry;

constexpr int64_t kStart = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open(bool read_only = false) {
    outbox_.reset();
    log_.reset();
    ledger::Options o;
    o.clock = &clock_;
    o.read_only = read_only;
    o.min_free_bytes = 0;
    auto log = EventLog::Open(dir_.Sub("ledger"), o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
    outbox_ = std::make_unique<Outbox>(
        log_.get(),
        ledger::OutboxOptions{&clock_, std::chrono::hours(24 * 30), std::chrono::hours(24 * 400)});
  }

  void Close() {
    outbox_.reset();
    log_.reset();
  }

  uint64_t Append(const std::string& key, const std::string& stream = "CMP-2026-000001",
                  const std::string& body = R"({"alert":"half"})") {
    auto seq = outbox_->Append(key, stream, body);
    EXPECT_TRUE(seq.ok()) << seq.status().ToString();
    return seq.ok() ? *seq : 0;
  }

  std::vector<OutboxEntry> All() {
    auto entries = outbox_->ReadFrom(0, 1000);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    return entries.ok() ? *entries : std::vector<OutboxEntry>{};
  }

  testing_util::TempDir dir_;
  ledger::ManualClock clock_{ledger::FromMicros(kStart)};
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<Outbox> outbox_;
};

TEST_F(OutboxTest, NumbersEntriesFromOneWithoutGaps) {
  EXPECT_EQ(*outbox_->LastSeq(), 0u);
  EXPECT_TRUE(All().empty());
  for (uint64_t i = 1; i <= 5; ++i) {
    EXPECT_EQ(Append("k-" + std::to_string(i), "CMP-2026-00000" + std::to_string(i % 2),
                     "{\"n\":" + std::to_string(i) + "}"),
              i);
  }
  std::vector<OutboxEntry> all = All();
  ASSERT_EQ(all.size(), 5u);
  for (uint64_t i = 1; i <= 5; ++i) {
    EXPECT_EQ(all[i - 1].seq, i);
    EXPECT_EQ(all[i - 1].key, "k-" + std::to_string(i));
    EXPECT_EQ(all[i - 1].stream, "CMP-2026-00000" + std::to_string(i % 2));
    EXPECT_EQ(all[i - 1].body, "{\"n\":" + std::to_string(i) + "}");
    EXPECT_EQ(all[i - 1].appended_at, ledger::FromMicros(kStart));
  }
  auto page = outbox_->ReadFrom(3, 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].seq, 3u);
  EXPECT_EQ((*page)[1].seq, 4u);
  EXPECT_EQ(*outbox_->LastSeq(), 5u);
}

TEST_F(OutboxTest, ConcurrentAppendsGetEverySeqOnce) {
  std::vector<std::thread> threads;
  std::vector<std::vector<uint64_t>> got(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto seq = outbox_->Append("t" + std::to_string(t) + "-" + std::to_string(i), "s", "{}");
        if (seq.ok()) got[t].push_back(*seq);
      }
    });
  for (std::thread& t : threads) t.join();
  std::set<uint64_t> seqs;
  for (const auto& g : got) seqs.insert(g.begin(), g.end());
  ASSERT_EQ(seqs.size(), 200u);
  EXPECT_EQ(*seqs.begin(), 1u);
  EXPECT_EQ(*seqs.rbegin(), 200u);
  EXPECT_EQ(All().size(), 200u);
}

TEST_F(OutboxTest, AKeySeenBeforeAppendsNothingAndAnswersItsSeq) {
  EXPECT_EQ(Append("CMP-2026-000001/response/50"), 1u);
  EXPECT_EQ(Append("CMP-2026-000001/response/75"), 2u);
  int heard = 0;
  outbox_->AddAppendListener([&](uint64_t) { ++heard; });
  // Regenerated after a restart, with another body even: the first one stands.
  EXPECT_EQ(Append("CMP-2026-000001/response/50", "CMP-2026-000001", R"({"again":true})"), 1u);
  EXPECT_EQ(heard, 0);
  EXPECT_EQ(*outbox_->LastSeq(), 2u);
  std::vector<OutboxEntry> all = All();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].body, R"({"alert":"half"})");
  EXPECT_EQ(Append("CMP-2026-000001/response/100"), 3u);
  EXPECT_EQ(heard, 1);
}

TEST_F(OutboxTest, RefusesBadInput) {
  EXPECT_EQ(outbox_->Append("", "s", "{}").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(outbox_->Append("k", "", "{}").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(outbox_->Append("k", "s", "").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(outbox_->Append(std::string(201, 'k'), "s", "{}").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(outbox_->Append("k", "s", "\xff\xfe").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(*outbox_->LastSeq(), 0u);
}

TEST_F(OutboxTest, CursorsArePerConsumerAndNeverPastTheEnd) {
  Append("a");
  Append("b");
  EXPECT_EQ(*outbox_->Cursor("wh_1"), 0u);
  ASSERT_TRUE(outbox_->SetCursor("wh_1", 2).ok());
  ASSERT_TRUE(outbox_->SetCursor("wh_2", 1).ok());
  EXPECT_EQ(*outbox_->Cursor("wh_1"), 2u);
  EXPECT_EQ(*outbox_->Cursor("wh_2"), 1u);
  EXPECT_EQ(outbox_->SetCursor("wh_1", 3).code(), Code::kInvalidArgument);
  EXPECT_EQ((*outbox_->Cursors()), (std::map<std::string, uint64_t>{{"wh_1", 2}, {"wh_2", 1}}));
  ASSERT_TRUE(outbox_->DeleteCursor("wh_2").ok());
  EXPECT_EQ(*outbox_->Cursor("wh_2"), 0u);
}

TEST_F(OutboxTest, ReopeningTheLedgerKeepsEntriesKeysCursorsAndNumbering) {
  Append("a");
  Append("b");
  ASSERT_TRUE(outbox_->SetCursor("wh_1", 1).ok());
  Close();
  Open();
  EXPECT_EQ(*outbox_->LastSeq(), 2u);
  EXPECT_EQ(All().size(), 2u);
  EXPECT_EQ(*outbox_->Cursor("wh_1"), 1u);
  EXPECT_EQ(Append("a"), 1u);  // the key is remembered
  EXPECT_EQ(Append("c"), 3u);  // the numbering goes on
}

TEST_F(OutboxTest, TrimDropsOnlyFinishedOldEntriesAndNeverReusesASeq) {
  Append("a");
  Append("b");
  clock_.Advance(std::chrono::hours(24 * 20));
  Append("c");
  clock_.Advance(std::chrono::hours(24 * 11));  // a and b are 31 days old, c 11
  // Finished through 1 only: b is old but not finished by everyone.
  auto trimmed = outbox_->Trim(1);
  ASSERT_TRUE(trimmed.ok()) << trimmed.status().ToString();
  EXPECT_EQ(trimmed->entries, 1u);
  std::vector<OutboxEntry> all = All();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].seq, 2u);
  // Everything finished: b goes, c is too young.
  ASSERT_EQ(outbox_->Trim(3)->entries, 1u);
  ASSERT_EQ(All().size(), 1u);
  clock_.Advance(std::chrono::hours(24 * 30));
  ASSERT_EQ(outbox_->Trim(3)->entries, 1u);
  EXPECT_TRUE(All().empty());
  // The keys outlive their entries (key_retention), and the numbering goes on after a reopen.
  EXPECT_EQ(Append("a"), 1u);
  Close();
  Open();
  EXPECT_EQ(Append("d"), 4u);
  clock_.Advance(std::chrono::hours(24 * 400));
  auto late = outbox_->Trim(4);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->keys, 4u);
  EXPECT_EQ(Append("a"), 5u);  // forgotten: appended again
}

// A ledger made before the outbox: its database has no "outbox" family.
void DropOutboxFamily(const std::string& dir) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir, families, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == ledger::kOutboxFamily) {
      ASSERT_TRUE(db->DropColumnFamily(handles[i]).ok());
    }
  for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  ASSERT_TRUE(db->Close().ok());
  names.clear();
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  ASSERT_EQ(std::count(names.begin(), names.end(), ledger::kOutboxFamily), 0);
}

TEST_F(OutboxTest, ALedgerMadeBeforeTheOutboxOpensAndGetsOne) {
  ASSERT_TRUE(log_->Append(testing_util::Request("s-1")).ok());
  Close();
  ASSERT_NO_FATAL_FAILURE(DropOutboxFamily(dir_.Sub("ledger")));

  // Read-only (as `ledgerctl state` beside a server): it opens, with an empty outbox.
  ASSERT_NO_FATAL_FAILURE(Open(/*read_only=*/true));
  EXPECT_EQ(log_->GetHead().position, 1u);
  EXPECT_EQ(*outbox_->LastSeq(), 0u);
  EXPECT_TRUE(All().empty());
  EXPECT_EQ(*outbox_->Cursor("wh_1"), 0u);
  EXPECT_EQ(outbox_->Append("a", "s", "{}").status().code(), Code::kFailedPrecondition);
  Close();

  // For writing: the family is created and the outbox works.
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_EQ(log_->GetHead().position, 1u);
  EXPECT_EQ(Append("a"), 1u);
  Close();
  ASSERT_NO_FATAL_FAILURE(Open(/*read_only=*/true));
  EXPECT_EQ(All().size(), 1u);
}

}  // namespace
