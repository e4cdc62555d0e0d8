// EventLog::Verify: walks the whole log and checks the integrity chain (docs/event-format.md).
//
// The walk goes in steps, each on a log the steps before it found whole, so that the report
// names the first problem: the head record is read, the events are walked along the chain (each
// with its stream index entry), the head record is checked against where the chain ended, the
// stream index is counted, the Merkle tree is rebuilt from the events and compared with every
// stored node (and the nodes are counted), and last a head kept elsewhere is looked up.
#include <rocksdb/db.h>

#include "ledger/log/event_log.h"
#include "ledger/log/record_format.h"
#include "ledger/log/rocks_status.h"

namespace ledger {
namespace {

// Reads one consistent view of the database for the whole walk.
class SnapshotReader {
 public:
  explicit SnapshotReader(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {
    options_.snapshot = snapshot_;
  }
  ~SnapshotReader() { db_->ReleaseSnapshot(snapshot_); }
  rocksdb::ReadOptions options(bool scan) const {
    rocksdb::ReadOptions o = options_;
    if (scan) {
      o.fill_cache = false;
      o.readahead_size = 2 * 1024 * 1024;
    }
    return o;
  }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions options_;
};

// The running state of one walk, shared by its steps: where it reads, and what it found so far.
struct Walk {
  Walk(rocksdb::DB* d, const SnapshotReader& s, rocksdb::ColumnFamilyHandle* e,
       rocksdb::ColumnFamilyHandle* i, rocksdb::ColumnFamilyHandle* t)
      : db(d), snap(s), events(e), streams(i), tree_family(t) {}

  rocksdb::DB* db;
  const SnapshotReader& snap;
  rocksdb::ColumnFamilyHandle* events;
  rocksdb::ColumnFamilyHandle* streams;
  rocksdb::ColumnFamilyHandle* tree_family;  // null: a ledger without a tree (read-only)
  merkle::CompactRange tree;                 // rebuilt from the events as they are walked
  std::vector<merkle::Node> completed;       // scratch
  bool tree_whole = true;                    // every node so far matched

  std::optional<Head> stored_head;  // the head record, when it decodes
  std::string head_bytes;           // as stored
  uint64_t format = 0;              // the format record's version (0: none)
  Time last_recorded_at{};          // of the last event of the unbroken chain
  bool head_damaged = false;        // a head record is stored but does not decode
  uint64_t last = 0;                // the last position of the unbroken chain
  Hash prev = kZeroHash;            // the hash of `last`
  VerifyReport report;

  bool Bad(uint64_t position, std::string problem) {
    report.ok = false;
    report.first_bad_position = position;
    report.problem = std::move(problem);
    return false;
  }
};

std::string Pos(uint64_t p) { return std::to_string(p); }

// Reads the head record. Its absence or damage is only judged once the chain has been walked.
Status ReadStoredHead(Walk& w, rocksdb::ColumnFamilyHandle* family) {
  std::string& head_bytes = w.head_bytes;
  rocksdb::Status hs = w.db->Get(w.snap.options(false), family, kHeadKey, &head_bytes);
  if (hs.ok()) {
    Result<Head> h = DecodeHead(head_bytes);
    if (h.ok()) w.stored_head = *h;
  } else if (!hs.IsNotFound()) {
    return FromRocks(hs, "reading the head record");
  }
  std::string format;
  rocksdb::Status fs = w.db->Get(w.snap.options(false), family, kFormatKey, &format);
  if (fs.ok() && format.size() == 8) w.format = GetBigEndian64(format);
  w.head_damaged = hs.ok() && !w.stored_head;
  if (w.stored_head) w.report.head = *w.stored_head;
  return Status::Ok();
}

// Checks that the record stored under `key` is the event at position `expect`, chained to the
// one before. The decoded event, or nullopt once a problem is reported.
std::optional<RecordedEvent> CheckLink(Walk& w, uint64_t expect, std::string_view key,
                                       std::string_view value) {
  Result<uint64_t> position = DecodePositionKey(key);
  if (!position.ok())
    return w.Bad(expect, "a key of the events family is not a position"), std::nullopt;
  if (*position != expect) {
    w.Bad(expect, "the event at position " + Pos(expect) +
                      " is missing (the next stored event is at position " + Pos(*position) + ")");
    return std::nullopt;
  }
  // Canonical, as the chain defines it (docs/event-format.md): a checker outside re-derives the
  // hashed bytes from the content, so another encoding of the same content would not verify there.
  Result<RecordedEvent> e = RecordedEvent::Decode(value, RecordedEvent::Check::kCanonical);
  if (!e.ok()) return w.Bad(expect, "damaged: " + e.status().message()), std::nullopt;
  if (e->position() != expect) {
    w.Bad(expect, "the event stored at position " + Pos(expect) + " says it is position " +
                      Pos(e->position()) + " (moved or swapped)");
    return std::nullopt;
  }
  // prev_hash() reads a malformed field as the zero hash, which would pass for the first event:
  // the stored size is checked too.
  capnp::Data::Reader stored_prev = e->envelope().getPrevHash();
  if (stored_prev.size() != kHashBytes || e->prev_hash() != w.prev) {
    w.Bad(expect, "its previous-hash does not match the hash of position " + Pos(expect - 1));
    return std::nullopt;
  }
  if (Sha256(AsBytes(w.prev), e->canonical_bytes()) != e->hash()) {
    w.Bad(expect, "hash mismatch: the stored bytes of position " + Pos(expect) + " were changed");
    return std::nullopt;
  }
  return std::move(e).value();
}

// Checks that the stream index entry of `e` points at its position and, in format 2, holds
// `record`. False once a problem is reported; non-OK only when the index cannot be read.
Result<bool> CheckIndexEntry(Walk& w, const RecordedEvent& e, uint64_t expect,
                             std::string_view record) {
  std::string index_value;
  rocksdb::Status is =
      w.db->Get(w.snap.options(false), w.streams, StreamKey(e.stream(), e.version()), &index_value);
  if (!is.ok() && !is.IsNotFound()) return FromRocks(is, "reading the stream index");
  const std::string_view entry(index_value);
  if (is.IsNotFound() || entry.size() < 8 || entry.substr(0, 8) != PositionKey(expect)) {
    return w.Bad(expect, "the stream index entry of '" + std::string(e.stream()) + "' version " +
                             Pos(e.version()) + " does not point at position " + Pos(expect));
  }
  // Format 2: the entry carries a copy of the record, which stream reads return: it must be
  // the record, byte for byte (format 1 entries are the position alone).
  if (entry.size() > 8 && entry.substr(8) != record) {
    return w.Bad(expect, "the stream index's copy of '" + std::string(e.stream()) + "' version " +
                             Pos(e.version()) + " differs from the event at position " +
                             Pos(expect));
  }
  return true;
}

// Adds the event's leaf to the rebuilt tree and compares each node it completes with the stored
// one. False once a problem is reported; non-OK only when the tree cannot be read.
Result<bool> CheckTreeNodes(Walk& w, const RecordedEvent& e, uint64_t expect) {
  if (w.tree_family == nullptr) return true;
  w.completed.clear();
  const uint64_t leaf = w.tree.size();
  w.tree.Append(merkle::LeafHash(e.canonical_bytes()), &w.completed);
  if (w.completed.size() == 1) return true;  // a leaf alone: nothing stored for it
  std::string stored;
  rocksdb::Status s = w.db->Get(w.snap.options(false), w.tree_family, TreeKey(leaf), &stored);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading the Merkle tree");
  if (s.ok() && stored == PackTreeNodes(w.completed)) return true;
  // Name the lowest node that is missing or differs.
  for (size_t i = 1; i < w.completed.size(); ++i) {
    const merkle::Node& n = w.completed[i];
    const size_t at = NodeOffset(n.id.level);
    const bool present = s.ok() && stored.size() >= at + kHashBytes;
    if (present && std::string_view(stored).substr(at, kHashBytes) == AsBytes(n.hash)) continue;
    const uint64_t first = (n.id.index << n.id.level) + 1, last = (n.id.index + 1) << n.id.level;
    std::string node = "the Merkle tree's node at level " + Pos(n.id.level) + ", index " +
                       Pos(n.id.index) + " (positions " + Pos(first) + " to " + Pos(last) + ")";
    return w.Bad(expect, node + (present ? " differs from the events" : " is missing"));
  }
  return w.Bad(expect, "the Merkle tree's record of position " + Pos(expect) +
                           " holds more than the nodes it completed");
}

// Walks the events in position order from 1, each linked to the one before and indexed, and
// sets w.last to where the chain ends (the last event when none is reported).
Status WalkChain(Walk& w, const VerifyOptions& options) {
  const uint64_t total = w.stored_head ? w.stored_head->position : 0;
  uint64_t expect = 1;
  std::unique_ptr<rocksdb::Iterator> it(w.db->NewIterator(w.snap.options(true), w.events));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::optional<RecordedEvent> e =
        CheckLink(w, expect, it->key().ToStringView(), it->value().ToStringView());
    if (!e) return Status::Ok();
    LEDGER_ASSIGN_OR_RETURN(bool indexed,
                            CheckIndexEntry(w, *e, expect, it->value().ToStringView()));
    if (!indexed) return Status::Ok();
    LEDGER_ASSIGN_OR_RETURN(bool in_tree, CheckTreeNodes(w, *e, expect));
    if (!in_tree) return Status::Ok();
    w.prev = e->hash();
    w.last_recorded_at = e->recorded_at();
    ++w.report.checked;
    if (options.progress && expect % 65536 == 0) options.progress(expect, total);
    ++expect;
  }
  if (!it->status().ok()) {
    w.Bad(expect, "unreadable: " + it->status().ToString());
    return Status::Ok();
  }
  w.last = expect - 1;
  if (options.progress) options.progress(w.last, total);
  return Status::Ok();
}

// The head record is the log's own memory of where it ends: it catches a cut-off tail.
bool CheckHeadRecord(Walk& w) {
  const uint64_t last = w.last;
  if (w.head_damaged) return w.Bad(last + 1, "the head record is damaged");
  if (!w.stored_head && last > 0) return w.Bad(last + 1, "the head record is missing");
  if (w.stored_head && w.stored_head->position > last) {
    return w.Bad(last + 1, "truncated: the head record says the log ends at position " +
                               Pos(w.stored_head->position) + " but it ends at " + Pos(last));
  }
  if (w.stored_head && w.stored_head->position < last) {
    return w.Bad(w.stored_head->position + 1,
                 "events past the head record's position " + Pos(w.stored_head->position));
  }
  if (w.stored_head && w.stored_head->hash != w.prev)
    return w.Bad(last, "the head record's hash does not match the last event");
  // Every field of the head record: the last event's time, the ledger's format, and nothing
  // but the canonical encoding of those.
  if (w.stored_head && last > 0 && w.stored_head->recorded_at != w.last_recorded_at)
    return w.Bad(last, "the head record's time does not match the last event");
  if (w.stored_head && w.stored_head->format_version != w.format)
    return w.Bad(last + 1, "the head record states format " + Pos(w.stored_head->format_version) +
                               ", the ledger is format " + Pos(w.format));
  if (w.stored_head && EncodeHead(*w.stored_head, w.stored_head->format_version) != w.head_bytes)
    return w.Bad(last + 1, "the head record is not in canonical form");
  return true;
}

// Every node the events make was found (WalkChain); the count shows there are no others, and the
// root at the head is the report's.
Status CountTreeNodes(Walk& w) {
  if (w.tree_family == nullptr) return Status::Ok();
  uint64_t nodes = 0;
  std::unique_ptr<rocksdb::Iterator> it(w.db->NewIterator(w.snap.options(true), w.tree_family));
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++nodes;
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading the Merkle tree"));
  // Every other leaf (the odd indexes) completes at least one node: one record each.
  const uint64_t expected = w.last / 2;
  if (nodes != expected) {
    w.Bad(w.last + 1, "the Merkle tree has " + Pos(nodes) + " records for " + Pos(w.last) +
                          " events (" + Pos(expected) + " expected)");
    return Status::Ok();
  }
  w.report.tree_checked = true;
  w.report.tree_root = w.tree.Root();
  return Status::Ok();
}

// Every event has its index entry (WalkChain); the count shows there are no others.
Status CountIndexEntries(Walk& w) {
  uint64_t entries = 0;
  rocksdb::ReadOptions index_scan = w.snap.options(true);
  index_scan.total_order_seek = true;  // the family has a prefix filter (rocks_options.h)
  std::unique_ptr<rocksdb::Iterator> si(w.db->NewIterator(index_scan, w.streams));
  for (si->SeekToFirst(); si->Valid(); si->Next()) ++entries;
  LEDGER_RETURN_IF_ERROR(FromRocks(si->status(), "reading the stream index"));
  if (entries != w.last) {
    w.Bad(w.last + 1,
          "the stream index has " + Pos(entries) + " entries for " + Pos(w.last) + " events");
  }
  return Status::Ok();
}

// A head kept elsewhere catches a tail that was cut and re-chained.
Status CheckExpectedHead(Walk& w, const Head& x) {
  if (x.position > w.last) {
    w.Bad(w.last + 1, "the log ends at position " + Pos(w.last) +
                          ", before the expected head at position " + Pos(x.position));
    return Status::Ok();
  }
  if (x.position > 0) {
    std::string value;
    LEDGER_RETURN_IF_ERROR(
        FromRocks(w.db->Get(w.snap.options(false), w.events, PositionKey(x.position), &value),
                  "reading the expected head's event"));
    Result<RecordedEvent> e = RecordedEvent::Decode(value);
    if (!e.ok() || e->hash() != x.hash) {
      w.Bad(x.position,
            "the event at position " + Pos(x.position) + " does not have the expected head's hash");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<VerifyReport> EventLog::Verify(const VerifyOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  SnapshotReader snap(db_.get());
  // The tree is checked wherever there is one to check: not in a log kept without it, nor in a
  // ledger made before it that has only been opened read-only since (FailedPrecondition). A
  // damaged one (DataLoss) is checked, so that the report names what is wrong.
  const bool has_tree =
      options_.merkle_tree && tree_ != nullptr && tree_status_.code() != Code::kFailedPrecondition;
  Walk w(db_.get(), snap, events_, streams_, has_tree ? tree_ : nullptr);
  LEDGER_RETURN_IF_ERROR(ReadStoredHead(w, default_));
  LEDGER_RETURN_IF_ERROR(WalkChain(w, options));
  if (!w.report.ok || !CheckHeadRecord(w)) return w.report;
  LEDGER_RETURN_IF_ERROR(CountIndexEntries(w));
  if (!w.report.ok) return w.report;
  LEDGER_RETURN_IF_ERROR(CountTreeNodes(w));
  if (!w.report.ok || !options.expected_head) return w.report;
  LEDGER_RETURN_IF_ERROR(CheckExpectedHead(w, *options.expected_head));
  return w.report;
}

}  // namespace ledger
