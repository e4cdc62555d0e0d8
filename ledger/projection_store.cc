#include "ledger/projection_store.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstring>

#include "ledger/record_format.h"
#include "ledger/rocks_status.h"

namespace ledger {
namespace {

// Keys: "<projection>\x00r<key>" for rows, "<projection>\x00c" for the checkpoint.
std::string RowKey(std::string_view projection, std::string_view key) {
  std::string k(projection);
  k += '\0';
  k += 'r';
  k += key;
  return k;
}

std::string CheckpointKey(std::string_view projection) {
  std::string k(projection);
  k += '\0';
  k += 'c';
  return k;
}

std::string EncodeCheckpoint(const ProjectionCheckpoint& c) {
  std::string v;
  PutBigEndian64(&v, c.position);
  v.append(AsBytes(c.log_hash));
  v += c.digest;
  return v;
}

Result<ProjectionCheckpoint> DecodeCheckpoint(std::string_view v) {
  if (v.size() < 8 + kHashBytes) return Status::DataLoss("a projection checkpoint is damaged");
  ProjectionCheckpoint c;
  c.position = GetBigEndian64(v);
  std::memcpy(c.log_hash.data(), v.data() + 8, kHashBytes);
  c.digest = std::string(v.substr(8 + kHashBytes));
  return c;
}

}  // namespace

Result<std::optional<ProjectionCheckpoint>> ProjectionStore::ReadCheckpoint(std::string_view projection) {
  std::string v;
  rocksdb::Status s =
      log_->db()->Get(rocksdb::ReadOptions(), log_->projections_family(), CheckpointKey(projection), &v);
  if (s.IsNotFound()) return std::optional<ProjectionCheckpoint>();
  LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading a projection checkpoint"));
  LEDGER_ASSIGN_OR_RETURN(ProjectionCheckpoint c, DecodeCheckpoint(v));
  return std::optional<ProjectionCheckpoint>(std::move(c));
}

Result<std::optional<std::string>> ProjectionStore::Get(std::string_view projection,
                                                        std::string_view key) {
  std::string v;
  rocksdb::Status s =
      log_->db()->Get(rocksdb::ReadOptions(), log_->projections_family(), RowKey(projection, key), &v);
  if (s.IsNotFound()) return std::optional<std::string>();
  LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading a projection row"));
  return std::optional<std::string>(std::move(v));
}

Status ProjectionStore::Scan(std::string_view projection, std::string_view prefix,
                             const std::function<bool(std::string_view, std::string_view)>& fn) {
  const std::string start = RowKey(projection, prefix);
  const size_t strip = projection.size() + 2;
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2 * 1024 * 1024;
  std::unique_ptr<rocksdb::Iterator> it(log_->db()->NewIterator(ro, log_->projections_family()));
  for (it->Seek(start); it->Valid(); it->Next()) {
    std::string_view k = it->key().ToStringView();
    if (k.substr(0, start.size()) != start) break;
    if (!fn(k.substr(strip), it->value().ToStringView())) break;
  }
  return FromRocks(it->status(), "scanning a projection");
}

Status ProjectionStore::Commit(std::string_view projection, const Rows& rows,
                               const ProjectionCheckpoint& checkpoint) {
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : rows) {
    if (value.empty()) batch.Delete(log_->projections_family(), RowKey(projection, key));
    else batch.Put(log_->projections_family(), RowKey(projection, key), value);
  }
  batch.Put(log_->projections_family(), CheckpointKey(projection), EncodeCheckpoint(checkpoint));
  return FromRocks(log_->db()->Write(rocksdb::WriteOptions(), &batch), "writing a projection");
}

Status ProjectionStore::Clear(std::string_view projection) {
  std::string begin(projection), end(projection);
  begin += '\0';
  end += '\x01';
  rocksdb::WriteBatch batch;
  batch.DeleteRange(log_->projections_family(), begin, end);
  return FromRocks(log_->db()->Write(rocksdb::WriteOptions(), &batch), "clearing a projection");
}

}  // namespace ledger
