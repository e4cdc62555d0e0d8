// A disk that fills up (ledger/log/storage.h): the free-space reserve refuses appends before
// RocksDB meets a full disk and accepts them again only above the resume threshold; the refusals
// are Unavailable and name no file; reads go on; appends resume by themselves. The disk here is a
// fake; tests/cli/disk_full_test.cc fills a real one under a real server. Also: what the log
// makes of RocksDB's messages (no paths), and the modes of what it creates.
#include "ledger/log/storage.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "ledger/log/event_log.h"
#include "ledger/log/rocks_status.h"
#include "testing/fake_disk_space.h"
#include "testing/log_util.h"
#include "testing/temp_dir.h"

namespace ledger {
namespace {

using testing_util::FakeDiskSpace;
using testing_util::kMiB;

Options Reserve(FakeDiskSpace* disk, uint64_t min_free, uint64_t resume_free) {
  Options o;
  o.disk_space = disk;
  o.min_free_bytes = min_free;
  o.resume_free_bytes = resume_free;
  return o;
}

TEST(StorageGuard, RefusesBelowTheReserveAndResumesOnlyAboveTheResumeThreshold) {
  FakeDiskSpace disk(150 * kMiB);
  StorageGuard guard(Reserve(&disk, 100 * kMiB, 200 * kMiB), &disk, "/srv/ledger");
  EXPECT_EQ(guard.Check(), StorageStep::kWrite);
  disk.Set(99 * kMiB);
  EXPECT_EQ(guard.Check(), StorageStep::kRefuse);
  EXPECT_EQ(guard.Refusal().code(), Code::kUnavailable);
  EXPECT_FALSE(guard.Health().writable);
  EXPECT_EQ(guard.Health().available_bytes, 99 * kMiB);
  disk.Set(150 * kMiB);  // above the reserve, below the resume threshold: still refused
  EXPECT_EQ(guard.Check(), StorageStep::kRefuse);
  disk.Set(200 * kMiB);
  EXPECT_EQ(guard.Check(), StorageStep::kWrite);
  EXPECT_TRUE(guard.Health().writable);
  EXPECT_TRUE(guard.Refusal().ok());
  EXPECT_EQ(guard.Health().resumed, 1u);
}

TEST(StorageGuard, AFreeSpaceItCannotReadRefusesNothing) {
  FakeDiskSpace disk(0);
  disk.SetFailing(true);
  StorageGuard guard(Reserve(&disk, 100 * kMiB, 200 * kMiB), &disk, "/srv/ledger");
  EXPECT_EQ(guard.Check(), StorageStep::kWrite);
}

TEST(StorageGuard, AfterRocksDBMetAFullDiskAsksForAResumeOnlyOnceThereIsRoom) {
  FakeDiskSpace disk(0);
  StorageGuard guard(Reserve(&disk, 0, 4 * kMiB), &disk, "/srv/ledger");
  guard.Failed(StorageFailure::kNoSpace, "a write failed for lack of space");
  EXPECT_TRUE(guard.DatabaseFailed());
  EXPECT_EQ(guard.Check(), StorageStep::kRefuse);
  disk.Set(4 * kMiB);
  EXPECT_EQ(guard.Check(), StorageStep::kResume);
  EXPECT_EQ(guard.Check(), StorageStep::kResume);  // until the caller says how it went
  guard.Recovered();
  EXPECT_EQ(guard.Check(), StorageStep::kWrite);
  EXPECT_FALSE(guard.DatabaseFailed());
}

TEST(StorageGuard, AfterAReadOnlyOpenAsksForAReopenOnceThereIsRoom) {
  FakeDiskSpace disk(0);
  StorageGuard guard(Reserve(&disk, 0, 4 * kMiB), &disk, "/srv/ledger");
  guard.Failed(StorageFailure::kOpenedReadOnly, "");
  EXPECT_EQ(guard.Check(), StorageStep::kRefuse);
  disk.Set(8 * kMiB);
  EXPECT_EQ(guard.Check(), StorageStep::kReopen);
}

TEST(StorageGuard, AnyOtherFailureRefusesWhateverTheSpace) {
  FakeDiskSpace disk(uint64_t{1} << 40);
  StorageGuard guard(Reserve(&disk, 0, 0), &disk, "/srv/ledger");
  guard.Failed(StorageFailure::kBroken, "a write failed (an I/O error)");
  guard.Recovered();  // nothing to recover from
  guard.Failed(StorageFailure::kNoSpace, "a write failed for lack of space");  // does not soften it
  EXPECT_EQ(guard.Check(), StorageStep::kRefuse);
  EXPECT_NE(guard.Refusal().message().find("an I/O error"), std::string::npos);
}

TEST(StorageGuard, RefusalsNameNoPath) {
  FakeDiskSpace disk(1 * kMiB);
  StorageGuard guard(Reserve(&disk, 100 * kMiB, 200 * kMiB), &disk, "/srv/ledger");
  EXPECT_EQ(guard.Check(), StorageStep::kRefuse);
  EXPECT_EQ(guard.Refusal().message().find('/'), std::string::npos) << guard.Refusal().message();
  EXPECT_EQ(guard.Health().reason.find('/'), std::string::npos) << guard.Health().reason;
}

TEST(EventLogStorage, RefusesAppendsWhileTheDiskIsNearlyFullAndReadsGoOn) {
  testing_util::TempDir dir;
  FakeDiskSpace disk(uint64_t{1} << 30);
  auto log = EventLog::Open(dir.path(), Reserve(&disk, 100 * kMiB, 200 * kMiB));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_TRUE((*log)->Append(testing_util::Request("s-1")).ok());

  disk.Set(50 * kMiB);
  auto refused = (*log)->Append(testing_util::Request("s-1"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kUnavailable);
  EXPECT_EQ(refused.status().message().find('/'), std::string::npos) << refused.status().message();
  EXPECT_FALSE((*log)->storage().writable);
  EXPECT_EQ((*log)->GetStats().refused, 1u);
  EXPECT_EQ((*log)->GetHead().position, 1u);
  EXPECT_TRUE((*log)->ReadAt(1).ok());
  EXPECT_TRUE((*log)->ReadStreamForward("s-1", 1, 10).ok());

  disk.Set(150 * kMiB);  // the hysteresis: not yet
  EXPECT_FALSE((*log)->Append(testing_util::Request("s-1")).ok());
  disk.Set(200 * kMiB);
  auto resumed = (*log)->Append(testing_util::Request("s-1"));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->first_position, 2u);  // refused appends took no position
  EXPECT_EQ(resumed->last_version, 2u);
  auto report = (*log)->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
}

TEST(EventLogStorage, ResumesByItselfWithoutAnAppend) {
  testing_util::TempDir dir;
  FakeDiskSpace disk(50 * kMiB);
  Options o = Reserve(&disk, 100 * kMiB, 200 * kMiB);
  o.storage_check_interval = std::chrono::milliseconds(5);
  auto log = EventLog::Open(dir.path(), o);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  // Open looked at the disk: nearly full from the start.
  EXPECT_FALSE((*log)->storage().writable);
  EXPECT_NE((*log)->storage().reason.find("nearly full"), std::string::npos);
  disk.Set(300 * kMiB);
  // Polled, with a bound: the commit thread looks again on its own while nothing is appended.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!(*log)->storage().writable && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_TRUE((*log)->storage().writable);
  EXPECT_EQ((*log)->storage().resumed, 1u);
  EXPECT_EQ((*log)->storage().available_bytes, 300 * kMiB);
}

TEST(EventLogStorage, AReadOnlyLogDoesNotLookAtTheDisk) {
  testing_util::TempDir dir;
  { ASSERT_TRUE(EventLog::Open(dir.path(), Options{}).ok()); }
  FakeDiskSpace disk(0);
  Options o = Reserve(&disk, 100 * kMiB, 200 * kMiB);
  o.read_only = true;
  auto log = EventLog::Open(dir.path(), o);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_TRUE((*log)->storage().writable);  // nothing to refuse: it takes no appends anyway
}

TEST(RocksStatus, AnswersNameFilesButNoDirectories) {
  const rocksdb::Status full = rocksdb::Status::IOError(
      "While appending to file: /srv/ledger-data/000004.log", "No space left on device");
  const Status s = FromRocks(full, "writing to the log");
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_EQ(s.message().find("/srv"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("000004.log"), std::string::npos) << s.message();
  EXPECT_EQ(WithoutPaths("lock file: '/a/b/LOCK': busy (see /var/log/x.log)"),
            "lock file: 'LOCK': busy (see x.log)");
  EXPECT_EQ(WithoutPaths("no slash here"), "no slash here");
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

// A library may run under any umask: the log itself makes its directory private (which keeps
// everyone else out of what is in it) and takes the group and other permissions from the files
// it finds there. (ledgerctl also sets umask 077, so that what RocksDB creates later is 0600
// too: tests/cli/cli_test.cc.)
TEST(EventLogFiles, OpeningForWritingMakesTheDirectoryPrivate) {
  testing_util::TempDir dir;
  const std::string ledger = dir.Sub("ledger");
  const mode_t old = ::umask(022);
  { ASSERT_TRUE(EventLog::Open(ledger, Options{}).ok()); }
  ASSERT_EQ(::chmod(ledger.c_str(), 0755), 0);
  const std::string stray = ledger + "/tokens.json";
  { std::ofstream(stray) << "{}"; }
  ASSERT_EQ(::chmod(stray.c_str(), 0644), 0);
  { ASSERT_TRUE(EventLog::Open(ledger, Options{}).ok()); }
  ::umask(old);
  EXPECT_EQ(ModeOf(ledger), 0700u);
  EXPECT_EQ(ModeOf(stray), 0600u);
  EXPECT_EQ(ModeOf(ledger + "/CURRENT") & 077, 0u);
}

}  // namespace
}  // namespace ledger
