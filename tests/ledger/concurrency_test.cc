// EventLog under concurrent appenders: exactly one winner per expected version, a gap-free global
// order, and group commit sharing syncs.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "ledger/log/event_log.h"
#include "testing/log_util.h"
#include "testing/temp_dir.h"

namespace ledger {
namespace {

using testing_util::Request;
using testing_util::TempDir;

std::unique_ptr<EventLog> OpenLog(const std::string& dir) {
  auto log = EventLog::Open(dir, Options{});
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  return std::move(log).value();
}

void ExpectGapFreeChain(EventLog& log, uint64_t expected_events) {
  EXPECT_EQ(log.GetHead().position, expected_events);
  uint64_t next = 1;
  ASSERT_TRUE(log.ForEach(1, 0,
                          [&](const RecordedEvent& e) {
                            EXPECT_EQ(e.position(), next++);
                            return Status::Ok();
                          })
                  .ok());
  EXPECT_EQ(next - 1, expected_events);
  auto report = log.Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
}

TEST(EventLogConcurrency, ManyThreadsOnDifferentStreamsKeepAGapFreeOrder) {
  TempDir dir;
  auto log = OpenLog(dir.path());
  constexpr int kThreads = 16, kPerThread = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = log->Append(Request("s-" + std::to_string(t), 1 + i % 3));
        if (!r.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  uint64_t total = 0;
  for (int t = 0; t < kThreads; ++t) {
    uint64_t version = *log->StreamVersion("s-" + std::to_string(t));
    total += version;
    auto events = log->ReadStreamForward("s-" + std::to_string(t), 1, 1000);
    ASSERT_TRUE(events.ok());
    for (size_t i = 0; i < events->size(); ++i) EXPECT_EQ((*events)[i].version(), i + 1);
  }
  ExpectGapFreeChain(*log, total);
  LogStats stats = log->GetStats();
  EXPECT_EQ(stats.appends, uint64_t(kThreads * kPerThread));
}

TEST(EventLogConcurrency, ExactlyOneWinnerPerExpectedVersion) {
  TempDir dir;
  auto log = OpenLog(dir.path());
  ASSERT_TRUE(log->Append(Request("hot")).ok());
  constexpr int kThreads = 12, kRounds = 25;
  for (uint64_t round = 0; round < kRounds; ++round) {
    uint64_t version = *log->StreamVersion("hot");
    std::atomic<int> winners{0}, conflicts{0}, others{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        auto r = log->Append(Request("hot", 1, ExpectedVersion::Exactly(version)));
        if (r.ok())
          ++winners;
        else if (r.status().code() == Code::kAborted)
          ++conflicts;
        else
          ++others;
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(winners.load(), 1) << "round " << round;
    EXPECT_EQ(conflicts.load(), kThreads - 1);
    EXPECT_EQ(others.load(), 0);
    EXPECT_EQ(*log->StreamVersion("hot"), version + 1);
  }
  ExpectGapFreeChain(*log, 1 + kRounds);
}

TEST(EventLogConcurrency, ConcurrentRetriesWithOneKeyAppendOnce) {
  TempDir dir;
  auto log = OpenLog(dir.path());
  constexpr int kThreads = 10;
  std::vector<std::thread> threads;
  std::vector<AppendResult> results(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto r = log->Append(Request("s", 2, ExpectedVersion::Any(), "same-key"));
      ASSERT_TRUE(r.ok());
      results[t] = *r;
    });
  }
  for (auto& th : threads) th.join();
  int fresh = 0;
  for (const AppendResult& r : results) {
    fresh += r.deduplicated ? 0 : 1;
    EXPECT_EQ(r.first_position, 1u);
    EXPECT_EQ(r.last_position, 2u);
  }
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(log->GetHead().position, 2u);
}

TEST(EventLogConcurrency, LiveSubscriberSeesEveryEventOnceInOrder) {
  TempDir dir;
  auto log = OpenLog(dir.path());
  auto sub = log->Subscribe(1);
  constexpr int kThreads = 8, kPerThread = 30;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i)
        ASSERT_TRUE(log->Append(Request("w-" + std::to_string(t))).ok());
    });
  }
  std::vector<RecordedEvent> seen;
  while (seen.size() < size_t(kThreads * kPerThread))
    ASSERT_TRUE(sub->Next(7, std::chrono::seconds(30), &seen).ok());
  for (auto& th : writers) th.join();
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i].position(), i + 1);
}

// Group commit, made deterministic: the commit thread is held (inside a commit listener, which
// runs on it) while 50 appends queue up behind the first; released, it commits all 50 in one
// group — one WriteBatch, one sync — and answers each of them.
TEST(EventLogConcurrency, AppendsQueuedTogetherShareOneSync) {
  TempDir dir;
  auto log = OpenLog(dir.path());
  std::mutex mu;
  std::condition_variable cv;
  bool hold = true, held = false;
  log->AddCommitListener([&](uint64_t) {
    std::unique_lock<std::mutex> lock(mu);
    held = true;
    cv.notify_all();
    cv.wait(lock, [&] { return !hold; });
  });
  std::atomic<int> answered{0};
  auto done = [&](Result<AppendResult> r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    ++answered;
  };
  log->AppendAsync(Request("first"), done);
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return held; });  // the first commit is done; its thread is held
  }
  const LogStats before = log->GetStats();
  for (int i = 0; i < 50; ++i) log->AppendAsync(Request("s-" + std::to_string(i)), done);
  {
    std::lock_guard<std::mutex> lock(mu);
    hold = false;
  }
  cv.notify_all();
  ASSERT_TRUE(log->Sync().ok());
  while (answered.load() < 51) std::this_thread::yield();
  const LogStats after = log->GetStats();
  EXPECT_EQ(after.appends - before.appends, 50u);
  EXPECT_EQ(after.commits - before.commits, 1u) << "50 appends queued together: one group commit";
  ExpectGapFreeChain(*log, 51);
}

}  // namespace
}  // namespace ledger
