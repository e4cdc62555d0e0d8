// Random tampering at scale: every mutation of the ledger's stored records — a flipped bit, a
// changed, deleted or added byte, a record deleted, two records swapped, a record copied over
// another — in the events, the stream index, the Merkle tree, the head record and the stored
// checkpoints, is caught by Verify, which names a position. The suite runs a few hundred
// (LEDGER_TAMPER_MUTATIONS sets how many: docs/operations.md reports the soaks run).
// Each mutation is made on a fresh copy of one ledger, through RocksDB directly, as an attacker
// or a bad disk would.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "ledger/base/merkle.h"
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

constexpr uint64_t kEvents = 37;  // odd: the tree's right edge has a leaf alone

int Mutations() {
  const char* n = std::getenv("LEDGER_TAMPER_MUTATIONS");
  return n != nullptr ? std::atoi(n) : 300;
}

// One record of the ledger: its family and key.
struct Record {
  std::string family, key;
};

std::vector<Record> AllRecords(const std::string& dir) {
  std::vector<Record> out;
  for (uint64_t p = 1; p <= kEvents; ++p) out.push_back({kEventsFamily, PositionKey(p)});
  for (uint64_t c = 1; c < kEvents; c += 2) out.push_back({kTreeFamily, TreeKey(c)});
  out.push_back({"default", kHeadKey});
  // The stream index entries, as stored.
  Options o;
  o.read_only = true;
  auto log = EventLog::Open(dir, o);
  EXPECT_TRUE(log.ok());
  EXPECT_TRUE((*log)
                  ->ForEach(1, 0,
                            [&](const RecordedEvent& e) {
                              out.push_back({kStreamsFamily, StreamKey(e.stream(), e.version())});
                              return Status::Ok();
                            })
                  .ok());
  return out;
}

TEST(TamperAtScale, EveryRandomMutationIsNamed) {
  TempDir dir;
  const std::string original = dir.Sub("original");
  {
    auto log = EventLog::Open(original, Options{});
    ASSERT_TRUE(log.ok());
    for (uint64_t i = 0; i < kEvents; ++i)
      ASSERT_TRUE((*log)->Append(Request("s-" + std::to_string(i % 5))).ok());
  }
  const std::vector<Record> records = AllRecords(original);
  std::mt19937_64 rng(20261207);
  const int mutations = Mutations();
  std::map<std::string, int> kinds;
  for (int m = 0; m < mutations; ++m) {
    const std::string copy = dir.Sub("copy");
    std::filesystem::remove_all(copy);
    std::filesystem::copy(original, copy, std::filesystem::copy_options::recursive);
    const Record& r = records[rng() % records.size()];
    std::string what;
    {
      RawDb raw(copy);
      std::string value = raw.Get(r.family, r.key);
      const size_t at = value.empty() ? 0 : rng() % value.size();
      switch (rng() % 7) {
        case 0:
          value[at] = char(value[at] ^ (1u << (rng() % 8)));
          what = "flip a bit";
          break;
        case 1:
          value[at] = char(value[at] + 1 + rng() % 255);
          what = "change a byte";
          break;
        case 2:
          value.erase(at, 1);
          what = "delete a byte";
          break;
        case 3:
          value.insert(at, 1, char(rng()));
          what = "insert a byte";
          break;
        case 4:
          raw.Delete(r.family, r.key);
          what = "delete the record";
          break;
        case 5: {
          const Record& other = records[rng() % records.size()];
          if (other.family != r.family || other.key == r.key) {
            value[at] = char(value[at] ^ 0x80);
            what = "flip a bit";
            break;
          }
          std::string theirs = raw.Get(other.family, other.key);
          raw.Put(other.family, other.key, value);
          value = theirs;
          what = "swap two records";
          break;
        }
        default: {
          const Record& other = records[rng() % records.size()];
          std::string theirs = raw.Get(other.family, other.key);
          if (other.family != r.family || theirs == value) {
            value.append("x");
            what = "append a byte";
          } else {
            value = theirs;
            what = "copy a record over another";
          }
        }
      }
      if (what != "delete the record") raw.Put(r.family, r.key, value);
    }
    ++kinds[r.family + ": " + what];
    Options o;
    o.read_only = true;
    auto log = EventLog::Open(copy, o);
    if (!log.ok()) continue;  // refusing to open a damaged ledger is a detection too
    Result<VerifyReport> report = (*log)->Verify();
    if (!report.ok()) continue;  // so is a read that says DataLoss
    ASSERT_FALSE(report->ok) << "mutation " << m << " (" << r.family << ": " << what
                             << ") went unnoticed";
    EXPECT_GT(report->first_bad_position, 0u) << report->problem;
    EXPECT_FALSE(report->problem.empty());
  }
  for (const auto& [kind, n] : kinds) std::printf("  %5d  %s\n", n, kind.c_str());
  std::printf("%d mutations, every one detected\n", mutations);
}

}  // namespace
}  // namespace ledger
