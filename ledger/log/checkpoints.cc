// EventLog: the signed checkpoints it keeps (docs/event-format.md, "Checkpoints"). Signing is the
// caller's (ledger/log/checkpointer.h); the log checks each one against its own tree before it
// keeps it, so that it never keeps two inconsistent ones.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "ledger/log/event_log.h"
#include "ledger/log/record_format.h"
#include "ledger/log/rocks_status.h"

namespace ledger {

namespace {

std::string Encode(const StoredCheckpoint& c) {
  std::string v;
  PutBigEndian64(&v, c.size);
  v.append(AsBytes(c.root));
  PutBigEndian64(&v, uint64_t(ToMicros(c.signed_at)));
  v += c.note;
  return v;
}

Result<StoredCheckpoint> Decode(std::string_view v) {
  if (v.size() < 48) return Status::DataLoss("a stored checkpoint is damaged");
  StoredCheckpoint c;
  c.size = GetBigEndian64(v);
  std::copy(v.begin() + 8, v.begin() + 40, c.root.begin());
  c.signed_at = FromMicros(int64_t(GetBigEndian64(v.substr(40))));
  c.note = std::string(v.substr(48));
  return c;
}

std::string SeriesKey(uint64_t size) {
  std::string key = kCheckpointSeriesPrefix;
  PutBigEndian64(&key, size);
  return key;
}

}  // namespace

Status EventLog::StoreCheckpoint(uint64_t size, const Hash& root, Time signed_at, std::string note,
                                 bool in_series) {
  LEDGER_ASSIGN_OR_RETURN(Hash own, TreeRoot(size));
  if (own != root)
    return Status::FailedPrecondition("the checkpoint's root is not this log's root at size " +
                                      std::to_string(size) + ": not stored");
  LEDGER_ASSIGN_OR_RETURN(std::optional<StoredCheckpoint> latest, LatestCheckpoint());
  if (latest && latest->size > size)
    return Status::FailedPrecondition("a checkpoint of size " + std::to_string(latest->size) +
                                      " is already signed; checkpoints only grow");
  StoredCheckpoint c{size, root, signed_at, std::move(note)};
  const std::string value = Encode(c);
  rocksdb::WriteBatch batch;
  batch.Put(default_, kLatestCheckpointKey, value);
  if (in_series) batch.Put(default_, SeriesKey(size), value);
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  if (db_read_only_) return Status::FailedPrecondition("the ledger is open read-only");
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Write(wo, &batch), "storing a checkpoint");
}

Result<std::optional<StoredCheckpoint>> EventLog::LatestCheckpoint() {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), default_, kLatestCheckpointKey, &v);
  if (s.IsNotFound()) return std::optional<StoredCheckpoint>();
  LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading the latest checkpoint"));
  LEDGER_ASSIGN_OR_RETURN(StoredCheckpoint c, Decode(v));
  return std::optional<StoredCheckpoint>(std::move(c));
}

Result<std::optional<StoredCheckpoint>> EventLog::CheckpointOfSize(uint64_t size) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<StoredCheckpoint> latest, LatestCheckpoint());
  if (latest && latest->size == size) return latest;
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), default_, SeriesKey(size), &v);
  if (s.IsNotFound()) return std::optional<StoredCheckpoint>();
  LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading a checkpoint"));
  LEDGER_ASSIGN_OR_RETURN(StoredCheckpoint c, Decode(v));
  return std::optional<StoredCheckpoint>(std::move(c));
}

Result<std::vector<StoredCheckpoint>> EventLog::CheckpointSeries() {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  std::vector<StoredCheckpoint> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), default_));
  const std::string prefix = kCheckpointSeriesPrefix;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    LEDGER_ASSIGN_OR_RETURN(StoredCheckpoint c, Decode(it->value().ToStringView()));
    if (it->key().ToStringView() != SeriesKey(c.size))
      return Status::DataLoss("a checkpoint of size " + std::to_string(c.size) +
                              " is stored under another size's key");
    out.push_back(std::move(c));
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading the checkpoints"));
  return out;
}

}  // namespace ledger
