// Keystore: the data keys that encrypt complainants' personal data, one per data subject, in a
// RocksDB directory of its own (docs/privacy.md). Not a column family of the ledger: a backup of
// the ledger must not carry the keys, so that erasing a key erases the data in every ledger backup
// too. Each data key is stored wrapped (AES-256-GCM) by a key-encryption key (KEK) read from a
// file outside the data directory; rotating the KEK re-wraps every key, after which a copy of the
// keystore taken before cannot be opened once the old KEK file is destroyed.
//
// Subjects are found by a blind index: HMAC-SHA-256 under a random index key (kept wrapped in the
// keystore) of the value that tells complainants apart (the digits of a phone). The
// index holds no personal data in the clear, and erasing a subject deletes its entries.
//
// Erase() deletes a subject's keys and index entries, then flushes and compacts the whole
// keystore to its bottom level: RocksDB keeps deleted values in table files and its write-ahead
// log until then. A marker written with the deletes (and with a KEK rotation's re-wrapped keys)
// makes the next open finish a compaction a crash cut short. The erasure's event must be durable
// in the ledger before Erase() is called; Reconcile() erases again what the ledger records as
// erased (after a restore of an older keystore copy the keys are back until it runs; the ledger's
// erasure events and the call on open are not built yet: docs/privacy.md).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/aead.h"
#include "ledger/base/hash.h"
#include "ledger/base/status.h"

namespace rocksdb {
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace ledger::keystore {

// "1a2b3c4d": hex of the first 4 bytes of SHA-256(kek); names a KEK without revealing it.
std::string KekId(const aead::SecretKey& kek);

// The text of a KEK file: "ledger-kek-v1:" base64(32 bytes) "\n".
std::string KekFileText(const aead::SecretKey& kek);

// Reads a KEK file: owner-only (mode 0600 or 0400), outside `forbidden_dir` (the ledger's
// directory; empty: anywhere), in the format KekFileText() writes.
Result<aead::SecretKey> ReadKekFile(const std::string& path, const std::string& forbidden_dir);

// SHA-256("dek/v1" 0 subject 0 key): the commitment to a data key the ledger records, so that a
// reviewer can see which keys a keystore still holds without seeing a key.
Hash KeyCommitment(std::string_view subject, const aead::SecretKey& key);

// A subject's data key.
struct SubjectKey {
  std::string subject;
  uint32_t version = 0;
  aead::SecretKey key;
  Hash commitment{};
  bool created = false;  // SubjectFor() made it just now
};

// What the keystore holds of one key, without the key (ledgerctl keystore audit).
struct KeyInfo {
  std::string subject;
  uint32_t version = 0;
  std::string kek_id;
  int64_t created_at = 0;
  Hash commitment{};
};

class Keystore {
 public:
  // Opens (or creates, with mode 0700) the keystore in `dir`. A keystore remembers the id of the
  // KEK that wraps its keys: FailedPrecondition when `kek` is another one.
  static Result<std::unique_ptr<Keystore>> Open(const std::string& dir, const aead::SecretKey& kek);
  ~Keystore();
  Keystore(const Keystore&) = delete;
  Keystore& operator=(const Keystore&) = delete;

  const std::string& dir() const { return dir_; }
  // The keystore's own random id, made with it: a ledger names the keystore it seals with.
  const std::string& id() const { return id_; }
  std::string kek_id() const;

  // The subject that `lookup` (ComplainantLookup()) names, creating it with its first key when
  // none does. A new subject's key is synced to disk before this returns: it exists before any
  // event that uses it. Empty `lookup`: always a new subject.
  Result<SubjectKey> SubjectFor(std::string_view lookup, int64_t now_us);

  // Makes `lookup` name `subject` too (a corrected phone), synced, unless it names a subject
  // already (it is left to that one). Empty `lookup`: nothing to do.
  Status AddLookup(std::string_view subject, std::string_view lookup);

  // The subject that `lookup` names, if any.
  Result<std::optional<std::string>> FindSubject(std::string_view lookup);

  // A subject's key; NotFound once it was erased (or never existed here).
  Result<aead::SecretKey> Key(std::string_view subject, uint32_t version);

  // Deletes every key and index entry of `subject`, syncs, flushes and compacts the keystore so
  // that no file of it still holds them. Idempotent: erasing an erased subject is OK.
  Status Erase(std::string_view subject);

  // Erases every subject of `erased` still held (after a restore of an older keystore), in one
  // write and one compaction. Returns how many were held.
  Result<size_t> Reconcile(const std::vector<std::string>& erased);

  // Re-wraps every key (and the index key) with `new_kek` in one synced write, then compacts so
  // that the keys wrapped by the old KEK are gone from this directory. Returns how many keys.
  Result<size_t> RotateKek(const aead::SecretKey& new_kek);

  // Every key held, in subject order.
  Result<std::vector<KeyInfo>> List();

  // A consistent copy of the keystore in `dir` (which must not exist): a RocksDB checkpoint.
  Status CopyTo(const std::string& dir);

 private:
  Keystore() = default;
  Status OpenDb();  // opens db_ on dir_
  Status Init();
  Result<std::string> IndexEntry(std::string_view lookup) const;
  Result<SubjectKey> CreateKey(std::string subject, uint32_t version, int64_t now_us,
                               const std::string& index_entry);
  Status Compact();  // with mu_ held alone
  // Adds the deletes of `subject`'s keys and index entries; returns how many keys and entries.
  Result<size_t> AddDeletes(std::string_view subject, rocksdb::WriteBatch& batch);

  std::string dir_;
  std::unique_ptr<rocksdb::DB> db_;
  // Readers share it; a writer (a new key, an erasure, a rotation) holds it alone, also while
  // it reopens the database.
  mutable std::shared_mutex mu_;
  aead::SecretKey kek_;
  std::string kek_id_;
  std::string id_;
  aead::SecretKey index_key_;
};

// The value that tells complainants apart: "phone:" and the digits of `phone`; empty when it has
// none. Never the name: two people of one name would share a subject and a key, and erasing one
// would erase the other (a complainant without a phone is a new subject every time).
std::string ComplainantLookup(std::string_view phone, std::string_view name);

}  // namespace ledger::keystore
