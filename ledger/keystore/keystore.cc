#include "ledger/keystore/keystore.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <openssl/evp.h>
#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <shared_mutex>

#include "ledger/base/capnp_util.h"
#include "ledger/base/files.h"
#include "ledger/base/signed_note.h"
#include "ledger/keystore/keystore.capnp.h"
#include "ledger/log/rocks_status.h"

namespace ledger::keystore {
namespace {

constexpr std::string_view kKekFilePrefix = "ledger-kek-v1:";
constexpr std::string_view kKekIdKey = "m/kek";           // the id of the KEK that wraps the keys
constexpr std::string_view kIndexKeyKey = "m/index-key";  // the blind index's key, wrapped
constexpr std::string_view kFormatKey = "m/format";
constexpr std::string_view kIdKey = "m/id";  // the keystore's random id (a ledger names it)
// Written with deletes or re-wrapped keys, removed once a compaction has rewritten every file:
// found at open (a crash in between), the compaction runs then.
constexpr std::string_view kCompactPendingKey = "m/compact-pending";
constexpr std::string_view kKeyPrefix = "k/";      // k/<subject>/<version BE32> -> WrappedKey
constexpr std::string_view kIndexPrefix = "i/";    // i/<HMAC(lookup)> -> subject
constexpr std::string_view kReversePrefix = "r/";  // r/<subject>/<HMAC> -> "" (for erasure)

std::string KeyRecordKey(std::string_view subject, uint32_t version) {
  std::string k = std::string(kKeyPrefix) + std::string(subject) + "/";
  for (int shift = 24; shift >= 0; shift -= 8) k += static_cast<char>((version >> shift) & 0xff);
  return k;
}

std::string WrapAad(std::string_view subject, uint32_t version) {
  return "ledger-dek/v1" + std::string(1, '\0') + std::string(subject) + std::string(1, '\0') +
         std::to_string(version);
}

constexpr std::string_view kIndexKeyAad = "ledger-index-key/v1";

std::string Encode(const std::string& subject, uint32_t version, const std::string& kek_id,
                   std::string_view wrapped, int64_t created_at, const Hash& commitment) {
  capnp::MallocMessageBuilder message;
  auto w = message.initRoot<schema::WrappedKey>();
  w.setSubject(subject);
  w.setKeyVersion(version);
  w.setKekId(kek_id);
  w.setWrapped(
      capnp::Data::Reader(reinterpret_cast<const capnp::byte*>(wrapped.data()), wrapped.size()));
  w.setCreatedAt(created_at);
  w.setCommitment(capnp::Data::Reader(commitment.data(), commitment.size()));
  return ToFlatBytes(message);
}

// A WrappedKey record read back (its bytes are copied out of the message).
struct Record {
  std::string subject;
  uint32_t version = 0;
  std::string kek_id;
  std::string wrapped;
  int64_t created_at = 0;
  Hash commitment{};
};

Result<Record> Decode(std::string_view bytes) {
  kj::Array<capnp::word> words = AlignedCopy(bytes);
  Record r;
  LEDGER_RETURN_IF_ERROR(GuardDecode("a keystore record", [&] {
    capnp::FlatArrayMessageReader message(words);
    auto w = message.getRoot<schema::WrappedKey>();
    r.subject = TextCopy(w.getSubject());
    r.version = w.getKeyVersion();
    r.kek_id = TextCopy(w.getKekId());
    auto wrapped = w.getWrapped();
    r.wrapped.assign(reinterpret_cast<const char*>(wrapped.begin()), wrapped.size());
    r.created_at = w.getCreatedAt();
    auto c = w.getCommitment();
    if (c.size() != r.commitment.size())
      return Status::DataLoss("a key's commitment is not 32 bytes");
    std::memcpy(r.commitment.data(), c.begin(), c.size());
    return Status::Ok();
  }));
  return r;
}

// A random version-4 UUID.
Result<std::string> NewSubjectId() {
  LEDGER_ASSIGN_OR_RETURN(std::string b, aead::RandomBytes(16));
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  std::string hex = ToHex(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

rocksdb::WriteOptions Synced() {
  rocksdb::WriteOptions w;
  w.sync = true;
  return w;
}

}  // namespace

std::string KekId(const aead::SecretKey& kek) {
  return ToHex(AsBytes(Sha256(kek.bytes())).substr(0, 4));
}

std::string KekFileText(const aead::SecretKey& kek) {
  return std::string(kKekFilePrefix) + note::Base64(kek.bytes()) + "\n";
}

Result<aead::SecretKey> ReadKekFile(const std::string& path, const std::string& forbidden_dir) {
  LEDGER_ASSIGN_OR_RETURN(std::string text,
                          ReadSecretFile(path, forbidden_dir, "the key-encryption key file"));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.rfind(kKekFilePrefix, 0) != 0)
    return Status::InvalidArgument("the key-encryption key file '" + path +
                                   "' does not start with \"ledger-kek-v1:\" (make one with "
                                   "`ledgerctl keystore new-kek`)");
  Result<std::string> bytes =
      note::FromBase64(std::string_view(text).substr(kKekFilePrefix.size()));
  OPENSSL_cleanse(text.data(), text.size());
  if (!bytes.ok() || bytes->size() != aead::kKeyBytes)
    return Status::InvalidArgument("the key-encryption key file '" + path +
                                   "' does not hold 32 bytes in base64");
  return aead::SecretKey::Take(*bytes);
}

Hash KeyCommitment(std::string_view subject, const aead::SecretKey& key) {
  std::string text = "dek/v1" + std::string(1, '\0') + std::string(subject) + std::string(1, '\0');
  return Sha256(text, key.bytes());
}

std::string ComplainantLookup(std::string_view phone, std::string_view /*name*/) {
  std::string digits;
  for (char c : phone)
    if (c >= '0' && c <= '9') digits += c;
  return digits.empty() ? "" : "phone:" + digits;
}

Result<std::unique_ptr<Keystore>> Keystore::Open(const std::string& dir,
                                                 const aead::SecretKey& kek) {
  LEDGER_RETURN_IF_ERROR(CreatePrivateDirectory(dir));
  std::unique_ptr<Keystore> ks(new Keystore());
  ks->dir_ = dir;
  ks->kek_ = kek;
  ks->kek_id_ = KekId(kek);
  LEDGER_RETURN_IF_ERROR(ks->OpenDb());
  LEDGER_RETURN_IF_ERROR(ks->Init());
  LEDGER_RETURN_IF_ERROR(MakePrivate(dir));
  return ks;
}

Status Keystore::OpenDb() {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.paranoid_checks = true;
  options.keep_log_file_num = 2;
  // The manifest records every table file's first and last key, so a deleted subject's id would
  // stay in it until it is rewritten: a tiny limit rewrites it (the live files only) on every
  // change. The keystore changes rarely, so that costs nothing.
  options.max_manifest_file_size = 1;
  // Wrapped keys do not compress, and uncompressed files are what a byte scan can check.
  options.compression = rocksdb::kNoCompression;
  options.bottommost_compression = rocksdb::kNoCompression;
  rocksdb::DB* db = nullptr;
  LEDGER_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(options, dir_, &db), "opening the keystore"));
  db_.reset(db);
  return Status::Ok();
}

Keystore::~Keystore() {
  if (db_) (void)db_->Close();
}

Status Keystore::Init() {
  std::string held;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), kKekIdKey, &held);
  if (s.IsNotFound()) {
    // A new keystore: its index key, wrapped, and the KEK's id, in one synced write.
    LEDGER_ASSIGN_OR_RETURN(index_key_, aead::SecretKey::Random());
    LEDGER_ASSIGN_OR_RETURN(std::string wrapped,
                            aead::Seal(kek_, index_key_.bytes(), kIndexKeyAad));
    LEDGER_ASSIGN_OR_RETURN(id_, NewSubjectId());
    rocksdb::WriteBatch batch;
    batch.Put(kFormatKey, "1");
    batch.Put(kIdKey, id_);
    batch.Put(kKekIdKey, kek_id_);
    batch.Put(kIndexKeyKey, wrapped);
    return FromRocks(db_->Write(Synced(), &batch), "creating the keystore");
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading the keystore's KEK id"));
  if (held != kek_id_)
    return Status::FailedPrecondition("the keystore '" + dir_ + "' is wrapped by KEK " + held +
                                      "; the key-encryption key given is " + kek_id_);
  std::string wrapped;
  LEDGER_RETURN_IF_ERROR(
      FromRocks(db_->Get(rocksdb::ReadOptions(), kIndexKeyKey, &wrapped), "reading the index key"));
  Result<std::string> index = aead::Open(kek_, wrapped, kIndexKeyAad);
  if (!index.ok())
    return Status::DataLoss("the keystore's index key does not open with KEK " + kek_id_ + ": " +
                            index.status().message());
  LEDGER_ASSIGN_OR_RETURN(index_key_, aead::SecretKey::Take(*index));
  LEDGER_RETURN_IF_ERROR(
      FromRocks(db_->Get(rocksdb::ReadOptions(), kIdKey, &id_), "reading the keystore's id"));
  std::string pending;
  s = db_->Get(rocksdb::ReadOptions(), kCompactPendingKey, &pending);
  if (s.ok()) return Compact();  // an erasure or a rotation was cut short before its compaction
  if (!s.IsNotFound()) return FromRocks(s, "reading the keystore");
  return Status::Ok();
}

std::string Keystore::kek_id() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return kek_id_;
}

Result<std::string> Keystore::IndexEntry(std::string_view lookup) const {
  unsigned char mac[32];
  size_t len = 0;
  const std::string_view key = index_key_.bytes();
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(lookup.data()), lookup.size(), mac,
                sizeof mac, &len) == nullptr ||
      len != sizeof mac)
    return Status::Internal("HMAC-SHA-256 failed");
  return std::string(kIndexPrefix) + std::string(reinterpret_cast<char*>(mac), len);
}

Result<std::optional<std::string>> Keystore::FindSubject(std::string_view lookup) {
  if (lookup.empty()) return std::optional<std::string>();
  std::shared_lock<std::shared_mutex> lock(mu_);
  if (!db_) return Status::Unavailable("the keystore is closed after a failed reopen");
  LEDGER_ASSIGN_OR_RETURN(std::string entry, IndexEntry(lookup));
  std::string subject;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), entry, &subject);
  if (s.IsNotFound()) return std::optional<std::string>();
  LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading the keystore's index"));
  return std::optional<std::string>(std::move(subject));
}

Result<SubjectKey> Keystore::CreateKey(std::string subject, uint32_t version, int64_t now_us,
                                       const std::string& index_entry) {
  SubjectKey out;
  out.subject = std::move(subject);
  out.version = version;
  out.created = true;
  LEDGER_ASSIGN_OR_RETURN(out.key, aead::SecretKey::Random());
  out.commitment = KeyCommitment(out.subject, out.key);
  LEDGER_ASSIGN_OR_RETURN(std::string wrapped,
                          aead::Seal(kek_, out.key.bytes(), WrapAad(out.subject, version)));
  rocksdb::WriteBatch batch;
  batch.Put(KeyRecordKey(out.subject, version),
            Encode(out.subject, version, kek_id_, wrapped, now_us, out.commitment));
  if (!index_entry.empty()) {
    batch.Put(index_entry, out.subject);
    batch.Put(std::string(kReversePrefix) + out.subject + "/" + index_entry, "");
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(db_->Write(Synced(), &batch), "writing a data key"));
  return out;
}

Status Keystore::AddLookup(std::string_view subject, std::string_view lookup) {
  if (lookup.empty()) return Status::Ok();
  std::unique_lock<std::shared_mutex> lock(mu_);
  if (!db_) return Status::Unavailable("the keystore is closed after a failed reopen");
  LEDGER_ASSIGN_OR_RETURN(std::string entry, IndexEntry(lookup));
  std::string owner;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), entry, &owner);
  if (s.ok()) return Status::Ok();
  if (!s.IsNotFound()) return FromRocks(s, "reading the keystore's index");
  rocksdb::WriteBatch batch;
  batch.Put(entry, subject);
  batch.Put(std::string(kReversePrefix) + std::string(subject) + "/" + entry, "");
  return FromRocks(db_->Write(Synced(), &batch), "indexing a subject");
}

Result<SubjectKey> Keystore::SubjectFor(std::string_view lookup, int64_t now_us) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  if (!db_) return Status::Unavailable("the keystore is closed after a failed reopen");
  std::string entry;
  if (!lookup.empty()) {
    LEDGER_ASSIGN_OR_RETURN(entry, IndexEntry(lookup));
    std::string subject;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), entry, &subject);
    if (s.ok()) {
      // The subject's newest key.
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
      const std::string prefix = std::string(kKeyPrefix) + subject + "/";
      std::optional<Record> newest;
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
        LEDGER_ASSIGN_OR_RETURN(Record r, Decode(it->value().ToStringView()));
        newest = std::move(r);
      }
      LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading a subject's keys"));
      if (!newest)
        return Status::DataLoss("the keystore's index names subject " + subject +
                                ", which has no key");
      Result<std::string> key =
          aead::Open(kek_, newest->wrapped, WrapAad(subject, newest->version));
      if (!key.ok()) return Status::DataLoss("the data key of " + subject + " does not open");
      SubjectKey out;
      out.subject = subject;
      out.version = newest->version;
      LEDGER_ASSIGN_OR_RETURN(out.key, aead::SecretKey::Take(*key));
      out.commitment = newest->commitment;
      return out;
    }
    if (!s.IsNotFound()) return FromRocks(s, "reading the keystore's index");
  }
  LEDGER_ASSIGN_OR_RETURN(std::string subject, NewSubjectId());
  return CreateKey(std::move(subject), 1, now_us, entry);
}

Result<aead::SecretKey> Keystore::Key(std::string_view subject, uint32_t version) {
  std::shared_lock<std::shared_mutex> lock(mu_);
  if (!db_) return Status::Unavailable("the keystore is closed after a failed reopen");
  std::string bytes;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), KeyRecordKey(subject, version), &bytes);
  if (s.IsNotFound())
    return Status::NotFound("no key " + std::to_string(version) + " of subject " +
                            std::string(subject) + " (erased, or never held here)");
  LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading a data key"));
  LEDGER_ASSIGN_OR_RETURN(Record r, Decode(bytes));
  if (r.kek_id != kek_id_)
    return Status::DataLoss("the data key of " + std::string(subject) + " is wrapped by KEK " +
                            r.kek_id + ", not " + kek_id_);
  Result<std::string> key = aead::Open(kek_, r.wrapped, WrapAad(subject, version));
  if (!key.ok())
    return Status::DataLoss("the data key of " + std::string(subject) + " does not open with KEK " +
                            kek_id_);
  return aead::SecretKey::Take(*key);
}

Result<size_t> Keystore::AddDeletes(std::string_view subject, rocksdb::WriteBatch& batch) {
  size_t deletes = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  const std::string keys = std::string(kKeyPrefix) + std::string(subject) + "/";
  for (it->Seek(keys); it->Valid() && it->key().starts_with(keys); it->Next()) {
    batch.Delete(it->key());
    ++deletes;
  }
  // A reverse entry names, after its prefix, the index entry to delete with it.
  const std::string reverse = std::string(kReversePrefix) + std::string(subject) + "/";
  for (it->Seek(reverse); it->Valid() && it->key().starts_with(reverse); it->Next()) {
    batch.Delete(it->key());
    batch.Delete(it->key().ToStringView().substr(reverse.size()));
    ++deletes;
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading a subject's keys"));
  return deletes;
}

Status Keystore::Erase(std::string_view subject) {
  return Reconcile({std::string(subject)}).status();
}

Status Keystore::Compact() {
  if (!db_) return Status::Unavailable("the keystore is closed after a failed reopen");
  // The deleted values stay in the memtable's table file and the write-ahead log until a flush,
  // and in older table files until a compaction rewrites the bottom level.
  LEDGER_RETURN_IF_ERROR(FromRocks(db_->Flush(rocksdb::FlushOptions()), "flushing the keystore"));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  compact.exclusive_manual_compaction = true;
  LEDGER_RETURN_IF_ERROR(
      FromRocks(db_->CompactRange(compact, nullptr, nullptr), "compacting the keystore"));
  // The manifest still lists the table file the flush made, whose first and last keys are the
  // deleted ones; reopening writes a new manifest of the live files only (and drops the
  // write-ahead logs).
  LEDGER_RETURN_IF_ERROR(FromRocks(db_->Close(), "closing the keystore"));
  db_.reset();
  LEDGER_RETURN_IF_ERROR(OpenDb());
  // Every file is rewritten: the marker may go (a crash before this only repeats the work).
  return FromRocks(db_->Delete(Synced(), kCompactPendingKey), "finishing a compaction");
}

Result<size_t> Keystore::Reconcile(const std::vector<std::string>& erased) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  if (!db_) return Status::Unavailable("the keystore is closed after a failed reopen");
  rocksdb::WriteBatch batch;
  size_t held = 0;
  for (const std::string& subject : erased) {
    LEDGER_ASSIGN_OR_RETURN(size_t deletes, AddDeletes(subject, batch));
    if (deletes > 0) ++held;
  }
  if (held == 0) return held;
  batch.Put(kCompactPendingKey, "");
  LEDGER_RETURN_IF_ERROR(FromRocks(db_->Write(Synced(), &batch), "erasing subjects' keys"));
  LEDGER_RETURN_IF_ERROR(Compact());
  return held;
}

Result<size_t> Keystore::RotateKek(const aead::SecretKey& new_kek) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  if (!db_) return Status::Unavailable("the keystore is closed after a failed reopen");
  const std::string new_id = KekId(new_kek);
  rocksdb::WriteBatch batch;
  size_t keys = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(kKeyPrefix); it->Valid() && it->key().starts_with(kKeyPrefix); it->Next()) {
    LEDGER_ASSIGN_OR_RETURN(Record r, Decode(it->value().ToStringView()));
    const std::string aad = WrapAad(r.subject, r.version);
    Result<std::string> key = aead::Open(kek_, r.wrapped, aad);
    if (!key.ok())
      return Status::DataLoss("the data key of " + r.subject + " does not open with KEK " +
                              kek_id_ + "; nothing was re-wrapped");
    LEDGER_ASSIGN_OR_RETURN(std::string wrapped, aead::Seal(new_kek, *key, aad));
    OPENSSL_cleanse(key->data(), key->size());
    batch.Put(it->key(), Encode(r.subject, r.version, new_id, wrapped, r.created_at, r.commitment));
    ++keys;
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading the keys"));
  it.reset();
  LEDGER_ASSIGN_OR_RETURN(std::string index, aead::Seal(new_kek, index_key_.bytes(), kIndexKeyAad));
  batch.Put(kIndexKeyKey, index);
  batch.Put(kKekIdKey, new_id);
  batch.Put(kCompactPendingKey, "");
  LEDGER_RETURN_IF_ERROR(FromRocks(db_->Write(Synced(), &batch), "re-wrapping the keys"));
  kek_ = new_kek;
  kek_id_ = new_id;
  LEDGER_RETURN_IF_ERROR(Compact());
  return keys;
}

Result<std::vector<KeyInfo>> Keystore::List() {
  std::shared_lock<std::shared_mutex> lock(mu_);
  if (!db_) return Status::Unavailable("the keystore is closed after a failed reopen");
  std::vector<KeyInfo> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(kKeyPrefix); it->Valid() && it->key().starts_with(kKeyPrefix); it->Next()) {
    LEDGER_ASSIGN_OR_RETURN(Record r, Decode(it->value().ToStringView()));
    out.push_back({r.subject, r.version, r.kek_id, r.created_at, r.commitment});
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading the keys"));
  return out;
}

Status Keystore::CopyTo(const std::string& dir) {
  std::shared_lock<std::shared_mutex> lock(mu_);
  if (!db_) return Status::Unavailable("the keystore is closed after a failed reopen");
  if (std::filesystem::exists(dir))
    return Status::AlreadyExists("'" + dir + "' exists; a keystore copy goes to a new directory");
  rocksdb::Checkpoint* cp = nullptr;
  LEDGER_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &cp), "copying"));
  std::unique_ptr<rocksdb::Checkpoint> owned(cp);
  LEDGER_RETURN_IF_ERROR(FromRocks(owned->CreateCheckpoint(dir), "copying the keystore"));
  return MakePrivate(dir);
}

}  // namespace ledger::keystore
