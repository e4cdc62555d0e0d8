// EventLog: the Merkle tree over the log (ledger/base/merkle.h; docs/event-format.md, "The Merkle
// tree"). Appends grow it in their own batch (event_log.cc); here are its loading at open, its
// one-time build for a ledger made before it, and the roots and proofs read from it.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdio>

#include "ledger/log/event_log.h"
#include "ledger/log/record_format.h"
#include "ledger/log/rocks_status.h"

namespace ledger {

namespace {

// The stored nodes, read through one database (which stays open while the caller holds its
// lock): a leaf from its event's bytes, a node above from the record of the leaf that completed it.
class StoredNodes final : public merkle::NodeReader {
 public:
  StoredNodes(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events,
              rocksdb::ColumnFamilyHandle* tree)
      : db_(db), events_(events), tree_(tree) {}
  Result<Hash> Get(merkle::NodeId id) override {
    std::string value;
    if (id.level == 0) {
      rocksdb::Status s = db_->Get(options_, events_, PositionKey(id.index + 1), &value);
      if (s.IsNotFound())
        return Status::NotFound("no event at position " + std::to_string(id.index + 1));
      LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading an event"));
      if (value.size() < kHashBytes) return Status::DataLoss("a stored event is damaged");
      return merkle::LeafHash(std::string_view(value).substr(0, value.size() - kHashBytes));
    }
    const std::string where = "the Merkle tree's node at level " + std::to_string(id.level) +
                              ", index " + std::to_string(id.index);
    rocksdb::Status s =
        db_->Get(options_, tree_, TreeKey(CompletingLeaf(id.level, id.index)), &value);
    if (s.IsNotFound()) return Status::NotFound(where + " is missing");
    LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading the Merkle tree"));
    if (value.size() < NodeOffset(id.level) + kHashBytes || value.size() % kHashBytes != 0)
      return Status::DataLoss(where + " is damaged");
    Hash h;
    std::copy_n(value.begin() + long(NodeOffset(id.level)), kHashBytes, h.begin());
    return h;
  }

 private:
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* events_;
  rocksdb::ColumnFamilyHandle* tree_;
  rocksdb::ReadOptions options_;
};

}  // namespace

Status EventLog::LoadTree() {
  if (!options_.merkle_tree) {
    tree_status_ = Status::FailedPrecondition("this log is kept without its Merkle tree");
    // Appends now leave the tree behind: it is built again when next opened with it.
    if (!db_read_only_ && tree_ != nullptr)
      return FromRocks(db_->Delete(rocksdb::WriteOptions(), default_, kTreeBuiltKey),
                       "marking the Merkle tree unbuilt");
    return Status::Ok();
  }
  std::string built;
  rocksdb::Status marker = db_->Get(rocksdb::ReadOptions(), default_, kTreeBuiltKey, &built);
  if (!marker.ok() && !marker.IsNotFound()) return FromRocks(marker, "reading the tree's marker");
  if (tree_ == nullptr || marker.IsNotFound()) {
    if (db_read_only_ || tree_ == nullptr) {
      tree_status_ = Status::FailedPrecondition(
          "this ledger was made before the Merkle tree and has none yet: opening it for "
          "writing once (ledgerctl serve) builds it");
      return Status::Ok();
    }
    if (!damage_.ok()) {
      tree_status_ = damage_;
      return Status::Ok();
    }
    return BuildTree();
  }
  if (!damage_.ok()) {
    tree_status_ = damage_;
    return Status::Ok();
  }
  // The tree holds every event: its right edge is the peaks at the head. A node missing there is
  // damage (Verify names it); the log still opens, without proofs, and appends are refused.
  StoredNodes nodes(db_.get(), events_, tree_);
  std::vector<Hash> peaks;
  for (merkle::NodeId id : merkle::CompactRange::PeakIds(committed_.position)) {
    Result<Hash> h = nodes.Get(id);
    if (!h.ok()) {
      tree_status_ = Status::DataLoss("the Merkle tree is damaged (" + h.status().message() +
                                      "); run `ledgerctl verify`");
      if (damage_.ok()) damage_ = tree_status_;
      return Status::Ok();
    }
    peaks.push_back(*h);
  }
  LEDGER_ASSIGN_OR_RETURN(committed_tree_,
                          merkle::CompactRange::FromPeaks(committed_.position, std::move(peaks)));
  return Status::Ok();
}

// A ledger made before the tree: every node from the events, in batches, synced at the end. The
// events are not touched (the tree is an index of them); a crash halfway leaves nodes that the
// next open finds incomplete and builds again.
Status EventLog::BuildTree() {
  if (committed_.position > 0)
    std::fprintf(stderr, "ledger: building the Merkle tree of %llu events (once)\n",
                 static_cast<unsigned long long>(committed_.position));
  merkle::CompactRange range;
  std::vector<merkle::Node> completed;
  rocksdb::WriteBatch batch;
  rocksdb::WriteOptions wo;
  LEDGER_RETURN_IF_ERROR(ForEach(1, committed_.position, [&](const RecordedEvent& e) -> Status {
    completed.clear();
    const uint64_t leaf = range.size();
    range.Append(merkle::LeafHash(e.canonical_bytes()), &completed);
    if (completed.size() > 1) batch.Put(tree_, TreeKey(leaf), PackTreeNodes(completed));
    if (batch.Count() < 65536) return Status::Ok();
    rocksdb::Status s = db_->Write(wo, &batch);
    batch.Clear();
    return FromRocks(s, "building the Merkle tree");
  }));
  if (range.size() != committed_.position)
    return Status::DataLoss("the log holds " + std::to_string(range.size()) +
                            " events, not the head's " + std::to_string(committed_.position));
  wo.sync = true;
  batch.Put(default_, kTreeBuiltKey, "1");  // with the last nodes: the tree is whole
  LEDGER_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &batch), "building the Merkle tree"));
  committed_tree_ = std::move(range);
  return Status::Ok();
}

Status EventLog::TreeUsable(uint64_t size) const {
  if (!tree_status_.ok()) return tree_status_;
  const uint64_t head = GetHead().position;
  if (size > head)
    return Status::WithErrors(
        Code::kInvalidArgument,
        "the log holds " + std::to_string(head) + " events, not " + std::to_string(size),
        {{"size", "beyond_head", "at most the head's position"}});
  return Status::Ok();
}

Result<Hash> EventLog::TreeRoot(uint64_t size) {
  LEDGER_RETURN_IF_ERROR(TreeUsable(size));
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  StoredNodes nodes(db_.get(), events_, tree_);
  return merkle::RootAt(nodes, size);
}

Result<std::vector<Hash>> EventLog::InclusionProof(uint64_t position, uint64_t size) {
  LEDGER_RETURN_IF_ERROR(TreeUsable(size));
  if (position == 0 || position > size)
    return Status::WithErrors(Code::kInvalidArgument,
                              "position " + std::to_string(position) + " is not in the first " +
                                  std::to_string(size) + " events",
                              {{"position", "out_of_range", "from 1 to the tree's size"}});
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  StoredNodes nodes(db_.get(), events_, tree_);
  return merkle::InclusionProof(nodes, position - 1, size);
}

Result<std::vector<Hash>> EventLog::TreeNodes(uint8_t level, uint64_t first, uint64_t count,
                                              uint64_t size) {
  LEDGER_RETURN_IF_ERROR(TreeUsable(size));
  const uint64_t whole = level >= 64 ? 0 : size >> level;  // perfect subtrees of that level
  if (count == 0 || count > 256 || first > whole || count > whole - first)
    return Status::WithErrors(Code::kInvalidArgument,
                              "the tree of " + std::to_string(size) + " events has " +
                                  std::to_string(whole) + " whole subtrees at level " +
                                  std::to_string(level) + ", not " + std::to_string(first) + ".." +
                                  std::to_string(first + count),
                              {{"tile", "beyond_tree", "within the checkpoint's tree"}});
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  StoredNodes nodes(db_.get(), events_, tree_);
  std::vector<Hash> out;
  out.reserve(count);
  for (uint64_t i = first; i < first + count; ++i) {
    LEDGER_ASSIGN_OR_RETURN(Hash h, nodes.Get({level, i}));
    out.push_back(h);
  }
  return out;
}

Result<std::vector<Hash>> EventLog::ConsistencyProof(uint64_t old_size, uint64_t size) {
  LEDGER_RETURN_IF_ERROR(TreeUsable(size));
  if (old_size == 0 || old_size > size)
    return Status::WithErrors(Code::kInvalidArgument,
                              "no consistency proof from " + std::to_string(old_size) + " to " +
                                  std::to_string(size) + " events",
                              {{"old_size", "out_of_range", "from 1 to the newer size"}});
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  StoredNodes nodes(db_.get(), events_, tree_);
  return merkle::ConsistencyProof(nodes, old_size, size);
}

}  // namespace ledger
