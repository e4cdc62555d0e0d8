// EventLog::Verify: walks the whole log and checks the integrity chain (docs/event-format.md).
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

struct Walk {
  VerifyReport report;
  bool Bad(uint64_t position, std::string problem) {
    report.ok = false;
    report.first_bad_position = position;
    report.problem = std::move(problem);
    return false;
  }
};

std::string Pos(uint64_t p) { return std::to_string(p); }

}  // namespace

Result<VerifyReport> EventLog::Verify(const VerifyOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  SnapshotReader snap(db_.get());
  Walk w;

  std::optional<Head> stored_head;
  std::string head_bytes;
  rocksdb::Status hs = db_->Get(snap.options(false), default_, kHeadKey, &head_bytes);
  if (hs.ok()) {
    Result<Head> h = DecodeHead(head_bytes);
    if (h.ok()) stored_head = *h;
  } else if (!hs.IsNotFound()) {
    return FromRocks(hs, "reading the head record");
  }
  bool head_damaged = hs.ok() && !stored_head;
  if (stored_head) w.report.head = *stored_head;
  const uint64_t total = stored_head ? stored_head->position : 0;

  uint64_t expect = 1;
  Hash prev = kZeroHash;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(snap.options(true), events_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Result<uint64_t> key = DecodePositionKey(it->key().ToStringView());
    if (!key.ok()) return w.Bad(expect, "a key of the events family is not a position"), w.report;
    if (*key != expect) {
      w.Bad(expect, "the event at position " + Pos(expect) +
                        " is missing (the next stored event is at position " + Pos(*key) + ")");
      return w.report;
    }
    Result<RecordedEvent> e =
        RecordedEvent::Decode(it->value().ToStringView(), RecordedEvent::Check::kCanonical);
    if (!e.ok()) return w.Bad(expect, "damaged: " + e.status().message()), w.report;
    if (e->position() != expect) {
      w.Bad(expect, "the event stored at position " + Pos(expect) + " says it is position " +
                        Pos(e->position()) + " (moved or swapped)");
      return w.report;
    }
    capnp::Data::Reader stored_prev = e->envelope().getPrevHash();
    if (stored_prev.size() != kHashBytes || e->prev_hash() != prev) {
      w.Bad(expect, "its previous-hash does not match the hash of position " + Pos(expect - 1));
      return w.report;
    }
    if (Sha256(AsBytes(prev), e->canonical_bytes()) != e->hash()) {
      w.Bad(expect, "hash mismatch: the stored bytes of position " + Pos(expect) + " were changed");
      return w.report;
    }
    std::string index_value;
    rocksdb::Status is =
        db_->Get(snap.options(false), streams_, StreamKey(e->stream(), e->version()), &index_value);
    if (!is.ok() && !is.IsNotFound()) return FromRocks(is, "reading the stream index");
    const std::string_view entry(index_value);
    if (is.IsNotFound() || entry.size() < 8 || entry.substr(0, 8) != PositionKey(expect)) {
      w.Bad(expect, "the stream index entry of '" + std::string(e->stream()) + "' version " +
                        Pos(e->version()) + " does not point at position " + Pos(expect));
      return w.report;
    }
    // Format 2: the entry carries a copy of the record, which stream reads return: it must be
    // the record, byte for byte (format 1 entries are the position alone).
    if (entry.size() > 8 && entry.substr(8) != it->value().ToStringView()) {
      w.Bad(expect, "the stream index's copy of '" + std::string(e->stream()) + "' version " +
                        Pos(e->version()) + " differs from the event at position " + Pos(expect));
      return w.report;
    }
    prev = e->hash();
    ++w.report.checked;
    if (options.progress && expect % 65536 == 0) options.progress(expect, total);
    ++expect;
  }
  if (!it->status().ok()) {
    w.Bad(expect, "unreadable: " + it->status().ToString());
    return w.report;
  }
  const uint64_t last = expect - 1;
  if (options.progress) options.progress(last, total);

  // The head record is the log's own memory of where it ends: it catches a cut-off tail.
  if (head_damaged) return w.Bad(last + 1, "the head record is damaged"), w.report;
  if (!stored_head && last > 0) return w.Bad(last + 1, "the head record is missing"), w.report;
  if (stored_head && stored_head->position > last) {
    w.Bad(last + 1, "truncated: the head record says the log ends at position " +
                        Pos(stored_head->position) + " but it ends at " + Pos(last));
    return w.report;
  }
  if (stored_head && stored_head->position < last) {
    w.Bad(stored_head->position + 1,
          "events past the head record's position " + Pos(stored_head->position));
    return w.report;
  }
  if (stored_head && stored_head->hash != prev)
    return w.Bad(last, "the head record's hash does not match the last event"), w.report;

  // Every event has its index entry; the count shows there are no others.
  uint64_t entries = 0;
  rocksdb::ReadOptions index_scan = snap.options(true);
  index_scan.total_order_seek = true;  // the family has a prefix filter (rocks_options.h)
  std::unique_ptr<rocksdb::Iterator> si(db_->NewIterator(index_scan, streams_));
  for (si->SeekToFirst(); si->Valid(); si->Next()) ++entries;
  LEDGER_RETURN_IF_ERROR(FromRocks(si->status(), "reading the stream index"));
  if (entries != last) {
    w.Bad(last + 1,
          "the stream index has " + Pos(entries) + " entries for " + Pos(last) + " events");
    return w.report;
  }

  // A head kept elsewhere catches a tail that was cut and re-chained.
  if (options.expected_head) {
    const Head& x = *options.expected_head;
    if (x.position > last) {
      w.Bad(last + 1, "the log ends at position " + Pos(last) +
                          ", before the expected head at position " + Pos(x.position));
      return w.report;
    }
    if (x.position > 0) {
      std::string value;
      LEDGER_RETURN_IF_ERROR(
          FromRocks(db_->Get(snap.options(false), events_, PositionKey(x.position), &value),
                    "reading the expected head's event"));
      Result<RecordedEvent> e = RecordedEvent::Decode(value);
      if (!e.ok() || e->hash() != x.hash) {
        w.Bad(x.position, "the event at position " + Pos(x.position) +
                              " does not have the expected head's hash");
        return w.report;
      }
    }
  }
  return w.report;
}

}  // namespace ledger
