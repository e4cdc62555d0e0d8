#include "ledger/log/projection_store.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstring>

#include "ledger/log/record_format.h"
#include "ledger/log/rocks_status.h"

namespace ledger {
namespace {

// Keys: "<projection>\x00r<key>" for rows, "<projection>\x00v" for the checkpoint. Checkpoints
// written before they recorded a format are under "<projection>\x00c", in the old layout: they
// are read as format 0, which no projection expects, so the first start of a newer build rebuilds
// and its Clear removes the old key. A separate key rather than a second layout under the old one:
// an older build reading a newer store finds no checkpoint and rebuilds, instead of misreading it.
std::string RowKey(std::string_view projection, std::string_view key) {
  std::string k(projection);
  k += '\0';
  k += 'r';
  k += key;
  return k;
}

std::string CheckpointKey(std::string_view projection, char which = 'v') {
  std::string k(projection);
  k += '\0';
  k += which;
  return k;
}

constexpr char kUnformattedCheckpoint = 'c';

// position (8, big-endian) | log hash (32) | format (4, big-endian) | rules (32) | digest (hex).
std::string EncodeCheckpoint(const ProjectionCheckpoint& c) {
  std::string v;
  PutBigEndian64(&v, c.position);
  v.append(AsBytes(c.log_hash));
  for (int shift = 24; shift >= 0; shift -= 8) v += static_cast<char>((c.format >> shift) & 0xff);
  v.append(AsBytes(c.rules));
  v += c.digest;
  return v;
}

Result<ProjectionCheckpoint> DecodeCheckpoint(std::string_view v) {
  constexpr size_t kFixed = 8 + kHashBytes + 4 + kHashBytes;
  if (v.size() < kFixed) return Status::DataLoss("a projection checkpoint is damaged");
  ProjectionCheckpoint c;
  c.position = GetBigEndian64(v);
  std::memcpy(c.log_hash.data(), v.data() + 8, kHashBytes);
  for (size_t i = 0; i < 4; ++i)
    c.format = (c.format << 8) | static_cast<uint8_t>(v[8 + kHashBytes + i]);
  std::memcpy(c.rules.data(), v.data() + 8 + kHashBytes + 4, kHashBytes);
  c.digest = std::string(v.substr(kFixed));
  return c;
}

// The layout before checkpoints recorded a format: position | log hash | digest.
Result<ProjectionCheckpoint> DecodeUnformattedCheckpoint(std::string_view v) {
  if (v.size() < 8 + kHashBytes) return Status::DataLoss("a projection checkpoint is damaged");
  ProjectionCheckpoint c;
  c.position = GetBigEndian64(v);
  std::memcpy(c.log_hash.data(), v.data() + 8, kHashBytes);
  c.digest = std::string(v.substr(8 + kHashBytes));
  return c;
}

}  // namespace

Result<std::optional<ProjectionCheckpoint>> ProjectionStore::ReadCheckpoint(
    std::string_view projection) {
  std::optional<ProjectionCheckpoint> found;
  LEDGER_RETURN_IF_ERROR(
      log_->WithProjections([&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family) -> Status {
        std::string v;
        rocksdb::Status s = db.Get(rocksdb::ReadOptions(), family, CheckpointKey(projection), &v);
        if (s.ok()) {
          LEDGER_ASSIGN_OR_RETURN(found, DecodeCheckpoint(v));
          return Status::Ok();
        }
        if (!s.IsNotFound()) return FromRocks(s, "reading a projection checkpoint");
        s = db.Get(rocksdb::ReadOptions(), family,
                   CheckpointKey(projection, kUnformattedCheckpoint), &v);
        if (s.IsNotFound()) return Status::Ok();
        LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading a projection checkpoint"));
        LEDGER_ASSIGN_OR_RETURN(found, DecodeUnformattedCheckpoint(v));
        return Status::Ok();
      }));
  return found;
}

Result<std::optional<std::string>> ProjectionStore::Get(std::string_view projection,
                                                        std::string_view key) {
  std::optional<std::string> found;
  LEDGER_RETURN_IF_ERROR(
      log_->WithProjections([&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family) -> Status {
        std::string v;
        rocksdb::Status s = db.Get(rocksdb::ReadOptions(), family, RowKey(projection, key), &v);
        if (s.IsNotFound()) return Status::Ok();
        LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading a projection row"));
        found = std::move(v);
        return Status::Ok();
      }));
  return found;
}

Status ProjectionStore::Scan(std::string_view projection, std::string_view prefix,
                             const std::function<bool(std::string_view, std::string_view)>& fn) {
  const std::string start = RowKey(projection, prefix);
  const size_t strip = projection.size() + 2;
  return log_->WithProjections([&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family) -> Status {
    rocksdb::ReadOptions ro;
    ro.readahead_size = 2 * 1024 * 1024;
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(ro, family));
    for (it->Seek(start); it->Valid(); it->Next()) {
      std::string_view k = it->key().ToStringView();
      if (k.substr(0, start.size()) != start) break;
      if (!fn(k.substr(strip), it->value().ToStringView())) break;
    }
    return FromRocks(it->status(), "scanning a projection");
  });
}

Status ProjectionStore::Write(const Batch& fill, std::string_view what) {
  // While the log refuses appends for lack of space its database takes no other writes either:
  // the rows are derived, and written again with the next batch that can be (runner.h).
  if (StorageHealth health = log_->storage(); !health.writable)
    return Status::Unavailable(std::string(what) + ": the ledger refuses writes: " + health.reason);
  return log_->WithProjections([&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family) -> Status {
    rocksdb::WriteBatch batch;
    fill(batch, family);
    return FromRocks(db.Write(rocksdb::WriteOptions(), &batch), what);
  });
}

Status ProjectionStore::Commit(std::string_view projection, const Rows& rows,
                               const ProjectionCheckpoint& checkpoint) {
  return Write(
      [&](rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* family) {
        for (const auto& [key, value] : rows) {
          if (value.empty())
            batch.Delete(family, RowKey(projection, key));
          else
            batch.Put(family, RowKey(projection, key), value);
        }
        // In the rows' batch: a checkpoint never claims rows that a crash took back.
        batch.Put(family, CheckpointKey(projection), EncodeCheckpoint(checkpoint));
      },
      "writing a projection");
}

Status ProjectionStore::Clear(std::string_view projection) {
  std::string begin(projection), end(projection);
  begin += '\0';
  // [name\0, name\1) is exactly this projection's keys: one whose name merely starts with this
  // name ("name2...") sorts after the end.
  end += '\x01';
  return Write([&](rocksdb::WriteBatch& batch,
                   rocksdb::ColumnFamilyHandle* family) { batch.DeleteRange(family, begin, end); },
               "clearing a projection");
}

}  // namespace ledger
