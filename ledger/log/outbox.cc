#include "ledger/log/outbox.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <memory>

#include "ledger/log/record_format.h"
#include "ledger/log/rocks_status.h"
#include "ledger/log/validation.h"

namespace ledger {
namespace {

// Keys of the outbox family, by their first byte:
//   'e' BE64(seq)                  BE64(appended_at) BE16(n) key BE16(m) stream body
//   'k' key                        BE64(seq) BE64(appended_at)
//   'x' BE64(appended_at) BE64(seq) key        (keys by age, for Trim)
//   'c' consumer                   BE64(seq)
//   'm'                            BE64(last seq) BE64(its appended_at)
constexpr char kEntry = 'e', kKey = 'k', kKeyAge = 'x', kCursor = 'c';
constexpr char kLastKey[] = "m";
constexpr size_t kTrimBatch = 1000;

using Family = rocksdb::ColumnFamilyHandle;

std::string Prefixed(char prefix, std::string_view rest) {
  std::string k(1, prefix);
  k += rest;
  return k;
}

std::string EntryKey(uint64_t seq) {
  std::string k(1, kEntry);
  PutBigEndian64(&k, seq);
  return k;
}

void PutBigEndian16(std::string* out, size_t v) {
  out->push_back(static_cast<char>((v >> 8) & 0xFF));
  out->push_back(static_cast<char>(v & 0xFF));
}

size_t GetBigEndian16(std::string_view b) {
  return (size_t{static_cast<unsigned char>(b[0])} << 8) | static_cast<unsigned char>(b[1]);
}

std::string EncodeEntry(const OutboxEntry& e) {
  std::string v;
  PutBigEndian64(&v, static_cast<uint64_t>(ToMicros(e.appended_at)));
  PutBigEndian16(&v, e.key.size());
  v += e.key;
  PutBigEndian16(&v, e.stream.size());
  v += e.stream;
  v += e.body;
  return v;
}

Result<OutboxEntry> DecodeEntry(std::string_view key, std::string_view v) {
  const Status damaged = Status::DataLoss("an outbox entry is damaged");
  if (key.size() != 9 || v.size() < 10) return damaged;
  OutboxEntry e;
  e.seq = GetBigEndian64(key.substr(1));
  e.appended_at = FromMicros(static_cast<int64_t>(GetBigEndian64(v)));
  size_t at = 8;
  const size_t key_size = GetBigEndian16(v.substr(at));
  at += 2;
  if (v.size() < at + key_size + 2) return damaged;
  e.key = std::string(v.substr(at, key_size));
  at += key_size;
  const size_t stream_size = GetBigEndian16(v.substr(at));
  at += 2;
  if (v.size() < at + stream_size) return damaged;
  e.stream = std::string(v.substr(at, stream_size));
  e.body = std::string(v.substr(at + stream_size));
  return e;
}

Result<uint64_t> DecodeSeq(std::string_view v, std::string_view what) {
  if (v.size() < 8) return Status::DataLoss("an outbox " + std::string(what) + " is damaged");
  return GetBigEndian64(v);
}

Status CheckText(std::string_view field, std::string_view text, size_t max_bytes) {
  if (text.empty() || text.size() > max_bytes || !IsValidUtf8(text))
    return Status::WithErrors(
        Code::kInvalidArgument,
        std::string(field) + " must be 1.." + std::to_string(max_bytes) + " bytes of UTF-8",
        {{std::string(field), "format", "1.." + std::to_string(max_bytes) + " bytes of UTF-8"}});
  return Status::Ok();
}

// Reads `key` into *value; false when it is absent.
Result<bool> Read(rocksdb::DB& db, Family* family, const std::string& key, std::string* value,
                  std::string_view what) {
  rocksdb::Status s = db.Get(rocksdb::ReadOptions(), family, key, value);
  if (s.IsNotFound()) return false;
  LEDGER_RETURN_IF_ERROR(FromRocks(s, what));
  return true;
}

Status NoOutbox() {
  return Status::FailedPrecondition(
      "this ledger has no outbox yet (made before it, opened read-only); opening it for writing "
      "adds one");
}

}  // namespace

Outbox::Outbox(EventLog* log, OutboxOptions options) : log_(log), options_(options) {}

Status Outbox::Writable() {
  if (StorageHealth health = log_->storage(); !health.writable)
    return Status::Unavailable("the outbox: the ledger refuses writes: " + health.reason);
  return Status::Ok();
}

Status Outbox::LoadLast() {
  if (loaded_) return Status::Ok();
  return log_->WithOutbox([&](rocksdb::DB& db, Family* family) -> Status {
    if (family == nullptr) return Status::Ok();
    std::string v;
    LEDGER_ASSIGN_OR_RETURN(bool found, Read(db, family, kLastKey, &v, "reading the outbox"));
    if (found && v.size() < 16) return Status::DataLoss("the outbox's last record is damaged");
    if (found) {
      last_seq_ = GetBigEndian64(v);
      last_appended_at_ = FromMicros(static_cast<int64_t>(GetBigEndian64(v.substr(8))));
    }
    loaded_ = true;
    return Status::Ok();
  });
}

Result<uint64_t> Outbox::Append(std::string_view key, std::string_view stream,
                                std::string_view body) {
  LEDGER_RETURN_IF_ERROR(CheckText("key", key, kMaxOutboxKeyBytes));
  LEDGER_RETURN_IF_ERROR(CheckText("stream", stream, kMaxOutboxStreamBytes));
  LEDGER_RETURN_IF_ERROR(CheckText("body", body, kMaxOutboxBodyBytes));
  uint64_t seq = 0;
  bool appended = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    LEDGER_RETURN_IF_ERROR(LoadLast());
    LEDGER_RETURN_IF_ERROR(log_->WithOutbox([&](rocksdb::DB& db, Family* family) -> Status {
      if (family == nullptr) return NoOutbox();
      std::string v;
      const std::string key_record = Prefixed(kKey, key);
      // The key before anything is written: a producer that regenerates its notifications
      // after a restart gets the first seq back instead of a second entry.
      LEDGER_ASSIGN_OR_RETURN(bool seen, Read(db, family, key_record, &v, "reading the outbox"));
      if (seen) {
        LEDGER_ASSIGN_OR_RETURN(seq, DecodeSeq(v, "key"));
        return Status::Ok();
      }
      LEDGER_RETURN_IF_ERROR(Writable());
      // Never before the last entry, even if the clock steps back: Trim drops a prefix of the
      // entries, which holds only while appended_at does not decrease with seq.
      OutboxEntry e{last_seq_ + 1, std::string(key), std::string(stream), std::string(body),
                    std::max(options_.clock->Now(), last_appended_at_)};
      const uint64_t at = static_cast<uint64_t>(ToMicros(e.appended_at));
      std::string seq_at, age_key(1, kKeyAge);
      PutBigEndian64(&seq_at, e.seq);
      PutBigEndian64(&seq_at, at);
      PutBigEndian64(&age_key, at);
      PutBigEndian64(&age_key, e.seq);
      age_key += key;
      // One batch: after a crash the entry, its key and the last record are all there or all
      // gone, so LoadLast() continues the sequence from what is stored.
      rocksdb::WriteBatch batch;
      batch.Put(family, EntryKey(e.seq), EncodeEntry(e));
      batch.Put(family, key_record, seq_at);
      batch.Put(family, age_key, "");
      batch.Put(family, kLastKey, seq_at);
      // Not synced (outbox.h, "Durability"): safe only because deliverers call Sync() before
      // anything read here leaves the process.
      LEDGER_RETURN_IF_ERROR(
          FromRocks(db.Write(rocksdb::WriteOptions(), &batch), "appending to the outbox"));
      // Only once written: a failed write leaves the sequence where it was.
      last_seq_ = seq = e.seq;
      last_appended_at_ = e.appended_at;
      appended = true;
      return Status::Ok();
    }));
  }
  // After mu_ is released, so that a listener may call back into the outbox.
  if (appended) {
    std::lock_guard<std::mutex> lock(listeners_mu_);
    for (auto& [id, fn] : listeners_) fn(seq);
  }
  return seq;
}

Result<std::vector<OutboxEntry>> Outbox::ReadFrom(uint64_t from, size_t max) {
  std::vector<OutboxEntry> out;
  LEDGER_RETURN_IF_ERROR(log_->WithOutbox([&](rocksdb::DB& db, Family* family) -> Status {
    if (family == nullptr || max == 0) return Status::Ok();
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), family));
    for (it->Seek(EntryKey(from)); it->Valid() && out.size() < max; it->Next()) {
      std::string_view k = it->key().ToStringView();
      if (k.empty() || k[0] != kEntry) break;
      LEDGER_ASSIGN_OR_RETURN(OutboxEntry e, DecodeEntry(k, it->value().ToStringView()));
      out.push_back(std::move(e));
    }
    return FromRocks(it->status(), "reading the outbox");
  }));
  return out;
}

Result<uint64_t> Outbox::LastSeq() {
  std::lock_guard<std::mutex> lock(mu_);
  LEDGER_RETURN_IF_ERROR(LoadLast());
  return last_seq_;
}

Result<uint64_t> Outbox::Cursor(std::string_view consumer) {
  LEDGER_RETURN_IF_ERROR(CheckText("consumer", consumer, kMaxOutboxCursorBytes));
  uint64_t seq = 0;
  LEDGER_RETURN_IF_ERROR(log_->WithOutbox([&](rocksdb::DB& db, Family* family) -> Status {
    if (family == nullptr) return Status::Ok();
    std::string v;
    LEDGER_ASSIGN_OR_RETURN(
        bool found, Read(db, family, Prefixed(kCursor, consumer), &v, "reading an outbox cursor"));
    if (!found) return Status::Ok();
    LEDGER_ASSIGN_OR_RETURN(seq, DecodeSeq(v, "cursor"));
    return Status::Ok();
  }));
  return seq;
}

Status Outbox::SetCursor(std::string_view consumer, uint64_t seq) {
  LEDGER_RETURN_IF_ERROR(CheckText("consumer", consumer, kMaxOutboxCursorBytes));
  LEDGER_ASSIGN_OR_RETURN(uint64_t last, LastSeq());
  // A cursor past the last entry would silently skip the entries appended next.
  if (seq > last)
    return Status::InvalidArgument("cursor " + std::to_string(seq) + " is past the outbox's last " +
                                   std::to_string(last));
  LEDGER_RETURN_IF_ERROR(Writable());
  return log_->WithOutbox([&](rocksdb::DB& db, Family* family) -> Status {
    if (family == nullptr) return NoOutbox();
    std::string v;
    PutBigEndian64(&v, seq);
    return FromRocks(db.Put(rocksdb::WriteOptions(), family, Prefixed(kCursor, consumer), v),
                     "writing an outbox cursor");
  });
}

Status Outbox::DeleteCursor(std::string_view consumer) {
  LEDGER_RETURN_IF_ERROR(CheckText("consumer", consumer, kMaxOutboxCursorBytes));
  LEDGER_RETURN_IF_ERROR(Writable());
  return log_->WithOutbox([&](rocksdb::DB& db, Family* family) -> Status {
    if (family == nullptr) return NoOutbox();
    return FromRocks(db.Delete(rocksdb::WriteOptions(), family, Prefixed(kCursor, consumer)),
                     "deleting an outbox cursor");
  });
}

Result<std::map<std::string, uint64_t>> Outbox::Cursors() {
  std::map<std::string, uint64_t> out;
  LEDGER_RETURN_IF_ERROR(log_->WithOutbox([&](rocksdb::DB& db, Family* family) -> Status {
    if (family == nullptr) return Status::Ok();
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), family));
    for (it->Seek(std::string(1, kCursor)); it->Valid(); it->Next()) {
      std::string_view k = it->key().ToStringView();
      if (k.empty() || k[0] != kCursor) break;
      LEDGER_ASSIGN_OR_RETURN(out[std::string(k.substr(1))],
                              DecodeSeq(it->value().ToStringView(), "cursor"));
    }
    return FromRocks(it->status(), "reading the outbox cursors");
  }));
  return out;
}

Status Outbox::Sync() {
  return log_->WithOutbox([&](rocksdb::DB& db, Family* family) -> Status {
    if (family == nullptr || log_->options().read_only) return Status::Ok();
    // SyncWAL, not a flush: the unsynced writes are in the write-ahead log already; syncing it
    // is all they need, where a flush would write table files.
    rocksdb::Status s = db.SyncWAL();
    if (s.IsNotSupported()) return Status::Ok();  // open read-only on a full disk: no writes
    return FromRocks(s, "syncing the outbox");
  });
}

Result<OutboxTrim> Outbox::Trim(uint64_t finished_through) {
  LEDGER_RETURN_IF_ERROR(Writable());
  const Time now = options_.clock->Now();
  const int64_t entry_cutoff = ToMicros(now - options_.retention);
  const int64_t key_cutoff = ToMicros(now - options_.key_retention);
  OutboxTrim trimmed;
  LEDGER_RETURN_IF_ERROR(log_->WithOutbox([&](rocksdb::DB& db, Family* family) -> Status {
    if (family == nullptr) return NoOutbox();
    rocksdb::WriteBatch batch;
    auto flush = [&]() -> Status {
      if (batch.Count() == 0) return Status::Ok();
      Status s = FromRocks(db.Write(rocksdb::WriteOptions(), &batch), "trimming the outbox");
      batch.Clear();
      return s;
    };
    // Entries: appended_at never decreases with seq, so the droppable ones are a prefix.
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), family));
    for (it->Seek(std::string(1, kEntry)); it->Valid(); it->Next()) {
      std::string_view k = it->key().ToStringView();
      std::string_view v = it->value().ToStringView();
      if (k.size() != 9 || k[0] != kEntry || v.size() < 8) break;
      // Only what every consumer has received, and only once it is past the retention.
      if (GetBigEndian64(k.substr(1)) > finished_through ||
          static_cast<int64_t>(GetBigEndian64(v)) > entry_cutoff)
        break;
      batch.Delete(family, k);
      ++trimmed.entries;
      if (batch.Count() >= kTrimBatch) LEDGER_RETURN_IF_ERROR(flush());
    }
    LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "trimming the outbox"));
    // Keys, oldest first.
    it.reset(db.NewIterator(rocksdb::ReadOptions(), family));
    for (it->Seek(std::string(1, kKeyAge)); it->Valid(); it->Next()) {
      std::string_view k = it->key().ToStringView();
      if (k.size() < 17 || k[0] != kKeyAge) break;
      if (static_cast<int64_t>(GetBigEndian64(k.substr(1))) > key_cutoff) break;
      batch.Delete(family, k);
      batch.Delete(family, Prefixed(kKey, k.substr(17)));
      ++trimmed.keys;
      if (batch.Count() >= kTrimBatch) LEDGER_RETURN_IF_ERROR(flush());
    }
    LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "trimming the outbox"));
    return flush();
  }));
  return trimmed;
}

uint64_t Outbox::AddAppendListener(std::function<void(uint64_t)> fn) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  listeners_[next_listener_] = std::move(fn);
  return next_listener_++;
}

void Outbox::RemoveAppendListener(uint64_t id) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  listeners_.erase(id);
}

}  // namespace ledger
