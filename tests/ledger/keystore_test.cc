// The keystore of personal data's keys (docs/privacy.md) and its AES-256-GCM: sealed values open
// only with their key and associated data; keys survive reopening, are found by the blind index,
// are erased from every file of the keystore, come back from an old copy until Reconcile(); a
// rotated KEK leaves an older copy unopenable.
#include "ledger/keystore/keystore.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "ledger/base/aead.h"
#include "ledger/base/files.h"
#include "testing/temp_dir.h"

namespace ledger {
namespace {

using keystore::Keystore;

aead::SecretKey NewKey() { return *aead::SecretKey::Random(); }

TEST(Aead, SealedValuesOpenOnlyWithTheirKeyAndAssociatedData) {
  aead::SecretKey key = NewKey();
  Result<std::string> sealed = aead::Seal(key, "Zhang San, 13800138000", "stream c-1 version 1");
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  EXPECT_EQ(sealed->size(), 22 + aead::kOverhead);
  EXPECT_EQ(sealed->find("Zhang"), std::string::npos);
  Result<std::string> opened = aead::Open(key, *sealed, "stream c-1 version 1");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, "Zhang San, 13800138000");
  // Another stream (a transplanted ciphertext), another key, a flipped bit anywhere: refused.
  EXPECT_EQ(aead::Open(key, *sealed, "stream c-2 version 1").status().code(), Code::kDataLoss);
  EXPECT_EQ(aead::Open(NewKey(), *sealed, "stream c-1 version 1").status().code(), Code::kDataLoss);
  for (size_t i = 0; i < sealed->size(); ++i) {
    std::string bad = *sealed;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_EQ(aead::Open(key, bad, "stream c-1 version 1").status().code(), Code::kDataLoss) << i;
  }
  EXPECT_EQ(aead::Open(key, sealed->substr(0, 27), "").status().code(), Code::kInvalidArgument);
  // Two seals of the same text differ (a random nonce each).
  EXPECT_NE(*aead::Seal(key, "x", ""), *aead::Seal(key, "x", ""));
  // The empty text seals too.
  EXPECT_EQ(*aead::Open(key, *aead::Seal(key, "", "a"), "a"), "");
}

// Every byte of every file under `dir`, concatenated.
std::string AllBytes(const std::string& dir) {
  std::string all;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    all += s.str();
  }
  return all;
}

// The files under `dir` that hold `needle`.
std::string FilesHolding(const std::string& dir, const std::string& needle) {
  std::string names;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    if (s.str().find(needle) != std::string::npos) names += e.path().filename().string() + " ";
  }
  return names;
}

std::string WriteKek(const testing_util::TempDir& dir, const std::string& name,
                     const aead::SecretKey& kek, mode_t mode = 0600) {
  std::string path = dir.Sub(name);
  Result<int> fd = OpenForWriting(path, mode);
  EXPECT_TRUE(fd.ok());
  EXPECT_TRUE(WriteAll(*fd, keystore::KekFileText(kek)).ok());
  ::close(*fd);
  return path;
}

TEST(Aead, TakingAKeyFromATemporaryWipesIt) {
  std::string bytes(32, '\x5a');
  auto key = ledger::aead::SecretKey::Take(bytes);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->bytes(), std::string(32, '\x5a'));
  EXPECT_TRUE(bytes.empty());
  std::string short_one(31, '\x5a');
  EXPECT_FALSE(ledger::aead::SecretKey::Take(short_one).ok());
  EXPECT_TRUE(short_one.empty());
}

TEST(Keystore, KekFilesMustBePrivateWellFormedAndOutsideTheLedger) {
  testing_util::TempDir dir;
  aead::SecretKey kek = NewKey();
  std::string good = WriteKek(dir, "kek", kek);
  Result<aead::SecretKey> read = keystore::ReadKekFile(good, dir.Sub("ledger"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(*read == kek);
  EXPECT_EQ(keystore::ReadKekFile(WriteKek(dir, "loose", kek, 0640), "").status().code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(keystore::ReadKekFile(good, dir.path()).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(keystore::ReadKekFile(dir.Sub("none"), "").status().code(), Code::kNotFound);
  Result<int> fd = OpenForWriting(dir.Sub("short"), 0600);
  ASSERT_TRUE(WriteAll(*fd, "ledger-kek-v1:AAAA\n").ok());
  ::close(*fd);
  EXPECT_EQ(keystore::ReadKekFile(dir.Sub("short"), "").status().code(), Code::kInvalidArgument);
}

TEST(Keystore, FindsTheSameSubjectByPhoneAndKeepsItsKeyAcrossReopening) {
  testing_util::TempDir dir;
  aead::SecretKey kek = NewKey();
  std::string subject;
  aead::SecretKey key;
  Hash commitment{};
  {
    auto ks = Keystore::Open(dir.Sub("keystore"), kek);
    ASSERT_TRUE(ks.ok()) << ks.status().ToString();
    auto first = (*ks)->SubjectFor(keystore::ComplainantLookup("138-0013-8000", "Zhang"), 1);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_TRUE(first->created);
    EXPECT_EQ(first->version, 1u);
    EXPECT_EQ(first->subject.size(), 36u);
    EXPECT_EQ(first->commitment, keystore::KeyCommitment(first->subject, first->key));
    subject = first->subject;
    key = first->key;
    commitment = first->commitment;
    // The same phone written differently is the same subject, with the same key.
    auto again = (*ks)->SubjectFor(keystore::ComplainantLookup("13800138000", "Z. San"), 2);
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->created);
    EXPECT_EQ(again->subject, subject);
    EXPECT_TRUE(again->key == key);
    // Another phone, and no lookup at all, are new subjects.
    auto other = (*ks)->SubjectFor(keystore::ComplainantLookup("13900000000", ""), 3);
    EXPECT_NE(other->subject, subject);
    auto anonymous = (*ks)->SubjectFor("", 4);
    EXPECT_NE(anonymous->subject, subject);
    EXPECT_NE(anonymous->subject, other->subject);
  }
  auto ks = Keystore::Open(dir.Sub("keystore"), kek);
  ASSERT_TRUE(ks.ok()) << ks.status().ToString();
  auto found = (*ks)->FindSubject(keystore::ComplainantLookup("138 0013 8000", ""));
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, subject);
  auto held = (*ks)->Key(subject, 1);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_TRUE(*held == key);
  EXPECT_EQ((*ks)->Key(subject, 2).status().code(), Code::kNotFound);
  auto listed = (*ks)->List();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 3u);
  std::set<std::string> subjects;
  for (const auto& k : *listed) subjects.insert(k.subject);
  EXPECT_EQ(subjects.count(subject), 1u);
  // Neither the phone nor the key is in any file of the keystore (the key is wrapped).
  std::string bytes = AllBytes(dir.Sub("keystore"));
  EXPECT_EQ(bytes.find("13800138000"), std::string::npos);
  EXPECT_EQ(bytes.find(key.bytes()), std::string::npos);
  // The commitment is (it is what the ledger records and the audit lists).
  EXPECT_NE(bytes.find(std::string(AsBytes(commitment))), std::string::npos);
}

TEST(Keystore, AWrappedKeyMovedToAnotherSubjectDoesNotOpen) {
  testing_util::TempDir dir;
  aead::SecretKey kek = NewKey();
  std::string a, b;
  {
    auto ks = Keystore::Open(dir.Sub("keystore"), kek);
    a = (*ks)->SubjectFor(keystore::ComplainantLookup("13800138000", ""), 1)->subject;
    b = (*ks)->SubjectFor(keystore::ComplainantLookup("13900139000", ""), 2)->subject;
  }
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.Sub("keystore"), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    const std::string key_a = "k/" + a + std::string("/\0\0\0\1", 5);
    const std::string key_b = "k/" + b + std::string("/\0\0\0\1", 5);
    std::string record;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), key_a, &record).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key_b, record).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  auto ks = Keystore::Open(dir.Sub("keystore"), kek);
  ASSERT_TRUE(ks.ok());
  EXPECT_TRUE((*ks)->Key(a, 1).ok());
  EXPECT_EQ((*ks)->Key(b, 1).status().code(), Code::kDataLoss);
}

TEST(Keystore, RefusesAnotherKek) {
  testing_util::TempDir dir;
  ASSERT_TRUE(Keystore::Open(dir.Sub("keystore"), NewKey()).ok());
  Result<std::unique_ptr<Keystore>> other = Keystore::Open(dir.Sub("keystore"), NewKey());
  EXPECT_EQ(other.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(other.status().message().find("wrapped by KEK"), std::string::npos);
}

TEST(Keystore, ErasureLeavesNoTraceInAnyFileAndAnOldCopyIsErasedAgainByReconcile) {
  testing_util::TempDir dir;
  aead::SecretKey kek = NewKey();
  auto ks = Keystore::Open(dir.Sub("keystore"), kek);
  ASSERT_TRUE(ks.ok());
  // Enough subjects that the keystore has table files, then the one to erase.
  for (int i = 0; i < 200; ++i)
    ASSERT_TRUE(
        (*ks)->SubjectFor(keystore::ComplainantLookup(std::to_string(1000 + i), ""), i).ok());
  auto erased = (*ks)->SubjectFor(keystore::ComplainantLookup("13800138000", ""), 300);
  ASSERT_TRUE(erased.ok());
  auto kept = (*ks)->SubjectFor(keystore::ComplainantLookup("13900139000", ""), 301);
  ASSERT_TRUE(kept.ok());
  // Push it into a table file: the erasure must reach older files, not only the memtable.
  ASSERT_TRUE((*ks)->CopyTo(dir.Sub("copy")).ok());
  auto before = (*ks)->List();
  ASSERT_TRUE(before.ok());
  std::string wrapped_bytes = AllBytes(dir.Sub("keystore"));
  ASSERT_NE(wrapped_bytes.find(erased->subject), std::string::npos);

  ASSERT_TRUE((*ks)->Erase(erased->subject).ok());
  EXPECT_EQ((*ks)->Key(erased->subject, 1).status().code(), Code::kNotFound);
  EXPECT_FALSE((*ks)->FindSubject(keystore::ComplainantLookup("13800138000", ""))->has_value());
  EXPECT_TRUE((*ks)->Key(kept->subject, 1).ok());
  EXPECT_EQ((*ks)->List()->size(), before->size() - 1);
  EXPECT_TRUE((*ks)->Erase(erased->subject).ok());  // again: nothing to do
  // No file of the keystore holds the subject id, its wrapped key or its commitment.
  std::string after = AllBytes(dir.Sub("keystore"));
  EXPECT_EQ(after.find(erased->subject), std::string::npos)
      << FilesHolding(dir.Sub("keystore"), erased->subject);
  EXPECT_EQ(after.find(std::string(AsBytes(erased->commitment))), std::string::npos);
  EXPECT_NE(after.find(kept->subject), std::string::npos);
  // The same phone is a new subject now.
  auto fresh = (*ks)->SubjectFor(keystore::ComplainantLookup("13800138000", ""), 400);
  EXPECT_TRUE(fresh->created);
  EXPECT_NE(fresh->subject, erased->subject);
  ks->reset();

  // The copy taken before the erasure still holds the key, until Reconcile().
  auto old = Keystore::Open(dir.Sub("copy"), kek);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_TRUE((*old)->Key(erased->subject, 1).ok());
  Result<size_t> again = (*old)->Reconcile({erased->subject, "not-a-subject"});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, 1u);
  EXPECT_EQ((*old)->Key(erased->subject, 1).status().code(), Code::kNotFound);
  EXPECT_EQ(*(*old)->Reconcile({erased->subject}), 0u);
  EXPECT_EQ(AllBytes(dir.Sub("copy")).find(erased->subject), std::string::npos);
}

TEST(Keystore, AfterKekRotationAnOlderCopyDoesNotOpenWithTheNewKek) {
  testing_util::TempDir dir;
  aead::SecretKey old_kek = NewKey(), new_kek = NewKey();
  auto ks = Keystore::Open(dir.Sub("keystore"), old_kek);
  ASSERT_TRUE(ks.ok());
  auto a = (*ks)->SubjectFor(keystore::ComplainantLookup("13800138000", ""), 1);
  auto b = (*ks)->SubjectFor(keystore::ComplainantLookup("13900139000", ""), 2);
  ASSERT_TRUE((*ks)->CopyTo(dir.Sub("old-copy")).ok());
  Result<size_t> rewrapped = (*ks)->RotateKek(new_kek);
  ASSERT_TRUE(rewrapped.ok()) << rewrapped.status().ToString();
  EXPECT_EQ(*rewrapped, 2u);
  EXPECT_EQ((*ks)->kek_id(), keystore::KekId(new_kek));
  EXPECT_TRUE((*ks)->Key(a->subject, 1).ok());
  Result<std::vector<keystore::KeyInfo>> listed = (*ks)->List();
  ASSERT_TRUE(listed.ok());
  for (const auto& k : *listed) EXPECT_EQ(k.kek_id, keystore::KekId(new_kek));
  ks->reset();
  // Reopened with the new KEK: the same keys, and the index still finds the subjects.
  auto reopened = Keystore::Open(dir.Sub("keystore"), new_kek);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_TRUE(*(*reopened)->Key(b->subject, 1) == b->key);
  EXPECT_EQ(**(*reopened)->FindSubject(keystore::ComplainantLookup("13800138000", "")), a->subject);
  reopened->reset();
  EXPECT_EQ(Keystore::Open(dir.Sub("keystore"), old_kek).status().code(),
            Code::kFailedPrecondition);
  // The copy from before the rotation is wrapped by the old KEK: the new one does not open it.
  EXPECT_EQ(Keystore::Open(dir.Sub("old-copy"), new_kek).status().code(),
            Code::kFailedPrecondition);
}

TEST(Keystore, ComplainantLookupUsesThePhonesDigitsNeverTheName) {
  EXPECT_EQ(keystore::ComplainantLookup("138-0013 8000", "Zhang"), "phone:13800138000");
  // Two people of one name must not share a key: without a phone, no lookup (a new subject).
  EXPECT_EQ(keystore::ComplainantLookup("", "Zhang San"), "");
  EXPECT_EQ(keystore::ComplainantLookup("n/a", "Zhang San"), "");
}

TEST(Keystore, AnInterruptedErasureIsFinishedAtTheNextOpen) {
  testing_util::TempDir dir;
  aead::SecretKey kek = NewKey();
  std::string subject;
  {
    auto ks = Keystore::Open(dir.Sub("keystore"), kek);
    subject = (*ks)->SubjectFor(keystore::ComplainantLookup("13800138000", ""), 1)->subject;
    ASSERT_TRUE((*ks)->CopyTo(dir.Sub("flushed")).ok());
  }
  // What a crash right after the erasure's write leaves: the deletes and the marker written,
  // the table files not yet compacted (the key is still in them).
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.Sub("flushed"), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::WriteBatch batch;
    batch.Delete("k/" + subject + std::string("/\0\0\0\1", 5));
    batch.Put("m/compact-pending", "");
    rocksdb::WriteOptions synced;
    synced.sync = true;
    ASSERT_TRUE(db->Write(synced, &batch).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  ASSERT_NE(AllBytes(dir.Sub("flushed")).find(subject), std::string::npos);
  auto reopened = Keystore::Open(dir.Sub("flushed"), kek);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->Key(subject, 1).status().code(), Code::kNotFound);
  // Its index entries were not deleted by this hand-made write; the key is gone from every file.
  std::string bytes = AllBytes(dir.Sub("flushed"));
  EXPECT_EQ(bytes.find("k/" + subject), std::string::npos)
      << FilesHolding(dir.Sub("flushed"), "k/" + subject);
}

}  // namespace
}  // namespace ledger
