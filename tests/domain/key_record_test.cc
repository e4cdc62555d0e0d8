// The log's record of its signing keys (ledger/domain/key_record.h): the first key recorded before
// it signs, a rotation recorded and co-signed, a rotation without the lost key, other keys refused;
// and VerifyStoredCheckpoints finding a stored checkpoint that is changed, of another tree, or
// signed by a key the log did not record as in force.
#include "ledger/domain/key_record.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>

#include "ledger/log/checkpointer.h"
#include "ledger/log/record_format.h"
#include "testing/log_util.h"
#include "testing/raw_db.h"
#include "testing/temp_dir.h"

namespace ledger::domain {
namespace {

using testing_util::Request;

const Actor kOperator{"cli:test", "admin", ""};

// A key's private text, so that a test can make as many signers of it as it needs.
std::string NewKeyText() { return *note::NoteSigner::GenerateKeyFile("keys.test/log"); }
note::NoteSigner Key(const std::string& text) {
  return std::move(note::NoteSigner::FromKeyText(text)).value();
}
std::string Vkey(const std::string& text) { return Key(text).VerifierKey(); }

class KeyRecord : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = EventLog::Open(dir_.Sub("ledger"), Options{});
    ASSERT_TRUE(log.ok());
    log_ = std::move(log).value();
    ASSERT_TRUE(log_->Append(Request("s-1", 5)).ok());
  }
  std::vector<RecordedKey> History() { return *SigningKeyHistory(*log_); }
  Status Adopt(const std::string& key, const std::string* previous, std::string* said = nullptr) {
    note::NoteSigner signer = Key(key);
    std::optional<note::NoteSigner> prev;
    if (previous) prev = Key(*previous);
    return AdoptSigningKey(*log_, signer, prev ? &*prev : nullptr, kOperator, 1, said);
  }
  // Signs the head with `key` (and `previous`, co-signing), as a server would.
  Result<StoredCheckpoint> Sign(const std::string& key, const std::string* previous = nullptr) {
    Checkpointer c(log_.get(), Key(key), &clock_);
    if (previous) LEDGER_RETURN_IF_ERROR(c.CosignWith(Key(*previous)));
    return c.SignNow();
  }
  Status Verify(uint64_t* checked = nullptr) {
    uint64_t n = 0, without_key = 0;
    Status s = VerifyStoredCheckpoints(*log_, &n, &without_key);
    if (checked) *checked = n;
    return s;
  }

  testing_util::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<EventLog> log_;
};

TEST_F(KeyRecord, TheFirstKeyIsRecordedThenOnlyItSigns) {
  const std::string first = NewKeyText();
  std::string said;
  // Nothing to rotate from on a ledger without a key.
  EXPECT_EQ(Adopt(first, &first, &said).code(), Code::kFailedPrecondition);
  ASSERT_TRUE(Adopt(first, nullptr, &said).ok());
  EXPECT_NE(said.find("first signing key"), std::string::npos) << said;
  ASSERT_EQ(History().size(), 1u);
  EXPECT_EQ(History()[0].key, Vkey(first));
  EXPECT_EQ(History()[0].previous_key, "");
  EXPECT_EQ(History()[0].position, 6u);
  said.clear();
  ASSERT_TRUE(Adopt(first, nullptr, &said).ok());  // the same key again: nothing recorded
  EXPECT_TRUE(said.empty());
  EXPECT_EQ(History().size(), 1u);
  // Another key, without the current one: refused, naming the recorded key.
  Status other = Adopt(NewKeyText(), nullptr);
  EXPECT_EQ(other.code(), Code::kFailedPrecondition);
  EXPECT_NE(other.message().find(Vkey(first)), std::string::npos) << other.message();
  EXPECT_EQ(History().size(), 1u);
}

TEST_F(KeyRecord, ARotationIsRecordedAndBothKeysSign) {
  const std::string old_key = NewKeyText(), new_key = NewKeyText(), stranger = NewKeyText();
  ASSERT_TRUE(Adopt(old_key, nullptr).ok());
  ASSERT_TRUE(Sign(old_key).ok());
  ASSERT_TRUE(log_->Append(Request("s-1", 3)).ok());
  ASSERT_TRUE(Adopt(new_key, &old_key).ok());
  ASSERT_EQ(History().size(), 2u);
  EXPECT_EQ(History()[1].key, Vkey(new_key));
  EXPECT_EQ(History()[1].previous_key, Vkey(old_key));
  EXPECT_TRUE(History()[1].cosigned);
  EXPECT_TRUE(Adopt(new_key, &old_key).ok());  // again with the same pair: fine
  EXPECT_EQ(Adopt(new_key, &stranger).code(), Code::kFailedPrecondition);
  // A co-signed checkpoint opens with either key alone.
  Result<StoredCheckpoint> c = Sign(new_key, &old_key);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  for (const std::string& key : {old_key, new_key}) {
    Result<note::NoteVerifier> v = note::NoteVerifier::FromVerifierKey(Vkey(key));
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(note::OpenNote(c->note, {*v}).ok());
  }
  uint64_t checked = 0;
  ASSERT_TRUE(Verify(&checked).ok()) << Verify().ToString();
  // The series: the first of the hour, and the first the co-signing checkpointer signed; and the
  // latest (that same one).
  EXPECT_EQ(checked, 3u);
}

TEST_F(KeyRecord, ALostKeyIsReplacedWithAReason) {
  const std::string lost = NewKeyText(), next = NewKeyText();
  EXPECT_EQ(RotateWithoutPrevious(*log_, Key(next), "lost", kOperator, 1, nullptr).code(),
            Code::kFailedPrecondition);  // nothing recorded yet
  ASSERT_TRUE(Adopt(lost, nullptr).ok());
  EXPECT_EQ(RotateWithoutPrevious(*log_, Key(next), "", kOperator, 1, nullptr).code(),
            Code::kInvalidArgument);
  ASSERT_TRUE(RotateWithoutPrevious(*log_, Key(next), "laptop stolen", kOperator, 1, nullptr).ok());
  ASSERT_EQ(History().size(), 2u);
  EXPECT_FALSE(History()[1].cosigned);
  EXPECT_EQ(History()[1].reason, "laptop stolen");
  EXPECT_TRUE(Adopt(next, nullptr).ok());
  ASSERT_TRUE(Sign(next).ok());
  EXPECT_TRUE(Verify().ok());
}

TEST_F(KeyRecord, AStoredCheckpointOfAnotherKeyIsFound) {
  const std::string key = NewKeyText(), other = NewKeyText();
  ASSERT_TRUE(Adopt(key, nullptr).ok());
  ASSERT_TRUE(Sign(key).ok());
  ASSERT_TRUE(Verify().ok());
  // A checkpoint signed by a key the log never recorded (stored as a thief with that key would).
  ASSERT_TRUE(log_->Append(Request("s-1", 1)).ok());
  Result<StoredCheckpoint> stolen = Sign(other);
  ASSERT_TRUE(stolen.ok());
  Status s = Verify();
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_NE(s.message().find("size " + std::to_string(stolen->size)), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("not signed by the key in force"), std::string::npos);
}

TEST_F(KeyRecord, ChangedCheckpointRecordsAreFound) {
  const std::string key = NewKeyText();
  ASSERT_TRUE(Adopt(key, nullptr).ok());
  ASSERT_TRUE(Sign(key).ok());
  const std::string path = dir_.Sub("ledger");
  ASSERT_TRUE(log_->Close().ok());
  log_.reset();
  std::string original;
  {
    testing_util::RawDb raw(path);
    original = raw.Get("default", kLatestCheckpointKey);
  }
  ASSERT_GT(original.size(), 60u);
  // A flipped bit in the signature, the note's root, the record's size field.
  const size_t note_at = 48;
  for (size_t at : {original.size() - 10, note_at + 20, size_t(7)}) {
    {
      testing_util::RawDb raw(path);
      std::string changed = original;
      changed[at] = char(changed[at] ^ 0x04);
      raw.Put("default", kLatestCheckpointKey, changed);
    }
    Options o;
    o.read_only = true;
    auto log = EventLog::Open(path, o);
    if (!log.ok()) continue;  // refused at open: found
    uint64_t n = 0, without = 0;
    Status s = VerifyStoredCheckpoints(**log, &n, &without);
    EXPECT_FALSE(s.ok()) << "byte " << at << " changed unnoticed";
  }
}

// Random mutations of the stored checkpoint records (a flipped bit, a changed, deleted or added
// byte, the latest record deleted, a record copied over another), each on a fresh copy: every
// one is refused at open or found by VerifyStoredCheckpoints. Not among them: deleting a record
// of the hourly series (the log cannot know how many hours it signed in), and the record's
// signing time, bytes 40-47 (the log's own note of when it signed, which only decides which
// checkpoint joins the series: no signature covers it). docs/event-format.md says so.
// LEDGER_TAMPER_MUTATIONS sets how many (default 300).
TEST_F(KeyRecord, RandomMutationsOfStoredCheckpointsAreFound) {
  const std::string key = NewKeyText();
  ASSERT_TRUE(Adopt(key, nullptr).ok());
  ASSERT_TRUE(Sign(key).ok());  // the series' first and the latest
  ASSERT_TRUE(log_->Append(Request("s-1", 4)).ok());
  ASSERT_TRUE(Sign(key).ok());  // the latest only (the same hour)
  const std::string path = dir_.Sub("ledger");
  ASSERT_TRUE(log_->Close().ok());
  log_.reset();
  std::vector<std::string> keys = {kLatestCheckpointKey};
  {
    testing_util::RawDb raw(path);
    std::string series_key = kCheckpointSeriesPrefix;
    PutBigEndian64(&series_key, 6);  // the series' checkpoint: size 6 (5 events and the key's)
    ASSERT_FALSE(raw.Get("default", series_key).empty());
    keys.push_back(series_key);
  }
  const char* env = std::getenv("LEDGER_TAMPER_MUTATIONS");
  const int mutations = env ? std::atoi(env) : 300;
  std::mt19937_64 rng(61);
  std::map<std::string, int> kinds;
  for (int m = 0; m < mutations; ++m) {
    const std::string copy = dir_.Sub("copy");
    std::filesystem::remove_all(copy);
    std::filesystem::copy(path, copy, std::filesystem::copy_options::recursive);
    const std::string& target = keys[rng() % keys.size()];
    std::string what;
    {
      testing_util::RawDb raw(copy);
      std::string value = raw.Get("default", target);
      size_t at = rng() % (value.size() - 8);
      if (at >= 40) at += 8;  // not the signing time
      switch (rng() % 6) {
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
          if (target == kLatestCheckpointKey) {
            raw.Delete("default", target);
            what = "delete the latest";
            break;
          }
          value[at] = char(value[at] ^ 0x10);
          what = "flip a bit";
          break;
        default:
          // The latest over the series' record (the other way round is a genuine, older
          // checkpoint as the latest: a rollback the log cannot tell from "not signed since").
          if (target != kLatestCheckpointKey) {
            value = raw.Get("default", kLatestCheckpointKey);
            what = "copy the latest over the series' record";
            break;
          }
          value[at] = char(value[at] ^ 0x01);
          what = "flip a bit";
      }
      if (what != "delete the latest") raw.Put("default", target, value);
    }
    ++kinds[what];
    Options o;
    o.read_only = true;
    auto log = EventLog::Open(copy, o);
    if (!log.ok()) continue;  // refused at open: found
    uint64_t n = 0, without = 0;
    Status s = VerifyStoredCheckpoints(**log, &n, &without);
    ASSERT_FALSE(s.ok()) << "mutation " << m << " (" << what << " in " << target
                         << ") went unnoticed";
    EXPECT_NE(s.message().find("checkpoint"), std::string::npos) << s.message();
  }
  for (const auto& [kind, n] : kinds) std::printf("  %5d  %s\n", n, kind.c_str());
  std::printf("%d mutations of stored checkpoints, every one found\n", mutations);
}

}  // namespace
}  // namespace ledger::domain
