// EventLog: reads of the global log and of streams, and subscriptions.
#include <rocksdb/db.h>
#include <rocksdb/perf_level.h>

#include <algorithm>
#include <limits>

#include "ledger/log/event_log.h"
#include "ledger/log/record_format.h"
#include "ledger/log/rocks_status.h"

namespace ledger {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

// The stream id of a key of the streams family (stream || 0x00 || BE64 version).
std::string_view StreamOfKey(std::string_view key) {
  return key.size() >= 9 ? key.substr(0, key.size() - 9) : std::string_view();
}

// Iterators over the stream index that may leave one stream's keys (listing streams, versions,
// backward reads) go in total order: the family's prefix filter (rocks_options.h) would
// otherwise let a seek skip files of other streams.
rocksdb::ReadOptions StreamIndexScan() {
  rocksdb::ReadOptions o;
  o.total_order_seek = true;
  return o;
}

// A stream read forward: one stream's keys; the filter skips the files that hold none of them.
rocksdb::ReadOptions OneStream() {
  rocksdb::ReadOptions o;
  o.prefix_same_as_start = true;
  return o;
}

Status Mismatch(uint64_t key, uint64_t says) {
  return Status::DataLoss("the event stored at position " + std::to_string(key) +
                          " says it is position " + std::to_string(says));
}

}  // namespace

Head EventLog::GetHead() const {
  std::lock_guard<std::mutex> lock(live_mu_);
  return head_;
}

Result<RecordedEvent> EventLog::ReadAt(uint64_t position) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), events_, PositionKey(position), &value);
  if (s.IsNotFound()) return Status::NotFound("no event at position " + std::to_string(position));
  LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading position " + std::to_string(position)));
  Result<RecordedEvent> event = RecordedEvent::Decode(value);
  if (!event.ok()) return event.status().Annotate("position " + std::to_string(position));
  if (event->position() != position) return Mismatch(position, event->position());
  return event;
}

Result<std::vector<RecordedEvent>> EventLog::ReadFromLive(uint64_t from, size_t max) {
  std::vector<RecordedEvent> out;
  std::lock_guard<std::mutex> lock(live_mu_);
  if (live_.empty() || from < live_.front().position()) return out;
  for (size_t i = from - live_.front().position(); i < live_.size() && out.size() < max; ++i)
    out.push_back(live_[i]);
  return out;
}

Result<std::vector<RecordedEvent>> EventLog::ReadAll(uint64_t from, size_t max) {
  LEDGER_RETURN_IF_ERROR(Usable());
  if (from == 0) from = 1;
  std::vector<RecordedEvent> out;
  if (max == 0) return out;
  {
    std::lock_guard<std::mutex> lock(live_mu_);
    if (from > head_.position) return out;
  }
  LEDGER_ASSIGN_OR_RETURN(out, ReadFromLive(from, max));
  if (!out.empty()) return out;
  uint64_t to = max > std::numeric_limits<uint64_t>::max() - from ? 0 : from + max - 1;
  LEDGER_RETURN_IF_ERROR(ForEach(from, to, [&](const RecordedEvent& e) {
    out.push_back(e);
    return Status::Ok();
  }));
  return out;
}

Status EventLog::ForEach(uint64_t from, uint64_t to,
                         const std::function<Status(const RecordedEvent&)>& fn) {
  return ForEachBatch(from, to, 1,
                      [&](std::span<const RecordedEvent> events) { return fn(events.front()); });
}

Status EventLog::ForEachBatch(uint64_t from, uint64_t to, size_t batch,
                              const std::function<Status(std::span<const RecordedEvent>)>& fn) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  if (from == 0) from = 1;
  batch = std::max<size_t>(batch, 1);
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.readahead_size = 2 * 1024 * 1024;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, events_));
  std::vector<RecordedEvent> events(batch);  // their decoded bytes are reused
  size_t n = 0;
  uint64_t expect = from;
  for (it->Seek(PositionKey(from)); it->Valid(); it->Next()) {
    LEDGER_ASSIGN_OR_RETURN(uint64_t key, DecodePositionKey(it->key().ToStringView()));
    if (to != 0 && key > to) break;
    if (key != expect)
      return Status::DataLoss("the event at position " + std::to_string(expect) + " is missing");
    RecordedEvent& event = events[n];
    Status decoded = RecordedEvent::DecodeInto(it->value().ToStringView(), event);
    if (!decoded.ok()) return decoded.Annotate("position " + std::to_string(key));
    if (event.position() != key) return Mismatch(key, event.position());
    ++expect;
    if (++n == batch) {
      LEDGER_RETURN_IF_ERROR(fn(std::span<const RecordedEvent>(events.data(), n)));
      n = 0;
    }
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading the log"));
  return n == 0 ? Status::Ok() : fn(std::span<const RecordedEvent>(events.data(), n));
}

Status EventLog::ForEachByStream(size_t batch,
                                 const std::function<Status(std::span<const RecordedEvent>)>& fn,
                                 Head* head) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  // The head first: everything up to it is in the database, so in the iterator's snapshot, which
  // may also hold later events (skipped).
  *head = GetHead();
  const uint64_t last = head->position;
  batch = std::max<size_t>(batch, 1);
  rocksdb::ReadOptions ro = StreamIndexScan();
  ro.fill_cache = false;
  ro.readahead_size = 2 * 1024 * 1024;
  // RocksDB's per-thread perf counters off for the scan (nothing here reads them): counting costs
  // a thread-local lookup at every step of the iterator.
  const rocksdb::PerfLevel perf_level = rocksdb::GetPerfLevel();
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  struct RestorePerfLevel {
    rocksdb::PerfLevel level;
    ~RestorePerfLevel() { rocksdb::SetPerfLevel(level); }
  } restore{perf_level};
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, streams_));
  std::vector<uint64_t> seen((last + 64) / 64);  // a bit per position
  uint64_t count = 0;
  std::vector<RecordedEvent> events(batch);
  size_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = it->key().ToStringView(), value = it->value().ToStringView();
    std::string_view stream = StreamOfKey(key);
    if (key.size() < 9 || key[stream.size()] != '\0' || value.size() < 8)
      return Status::DataLoss("a stream index entry is damaged");
    if (value.size() == 8)
      return Status::FailedPrecondition(
          "the stream index holds entries without copies of their events (format 1)");
    const uint64_t position = GetBigEndian64(value.substr(0, 8));
    const uint64_t version = GetBigEndian64(key.substr(stream.size() + 1));
    if (position > last) continue;  // appended after the head was read
    auto where = [&] {
      return "the stream index's copy of '" + std::string(stream) + "' version " +
             std::to_string(version);
    };
    RecordedEvent& event = events[n];
    Status decoded = RecordedEvent::DecodeInto(value.substr(8), event);
    if (!decoded.ok()) return decoded.Annotate(where());
    if (event.position() != position || event.stream() != stream || event.version() != version)
      return Status::DataLoss(where() + " is another event");
    uint64_t& word = seen[position / 64];  // in bounds: position <= last (above)
    const uint64_t bit = uint64_t{1} << (position % 64);
    if (position == 0 || (word & bit) != 0)
      return Status::DataLoss(where() + " repeats position " + std::to_string(position));
    word |= bit;
    ++count;
    if (++n == batch) {
      LEDGER_RETURN_IF_ERROR(fn(std::span<const RecordedEvent>(events.data(), n)));
      n = 0;
    }
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading the stream index"));
  if (n != 0) LEDGER_RETURN_IF_ERROR(fn(std::span<const RecordedEvent>(events.data(), n)));
  if (count != last)
    return Status::DataLoss("the stream index holds " + std::to_string(count) + " of the " +
                            std::to_string(last) + " events of the log");
  return Status::Ok();
}

// Reads the stream index entries `it` walks (forward or backward, at most `max`) into events: from
// the copy of the record that each entry carries, or, for an entry of format 1 (the position
// alone), from the events family. Checks that each event is the one its key names.
Result<std::vector<RecordedEvent>> EventLog::ReadIndexed(rocksdb::Iterator& it,
                                                         std::string_view stream, size_t max,
                                                         bool forward) {
  const std::string prefix = StreamPrefix(stream);
  std::vector<RecordedEvent> out;
  std::vector<std::pair<size_t, uint64_t>> pointers;  // (index in out, position): format 1
  for (; it.Valid() && out.size() < max && StartsWith(it.key().ToStringView(), prefix);
       forward ? it.Next() : it.Prev()) {
    std::string_view key = it.key().ToStringView(), value = it.value().ToStringView();
    if (value.size() < 8 || key.size() != prefix.size() + 8)
      return Status::DataLoss("a stream index entry of '" + std::string(stream) + "' is damaged");
    const uint64_t position = GetBigEndian64(value.substr(0, 8));
    const uint64_t version = GetBigEndian64(key.substr(prefix.size()));
    if (value.size() == 8) {
      pointers.emplace_back(out.size(), position);
      out.emplace_back();  // filled below
      continue;
    }
    Result<RecordedEvent> e = RecordedEvent::Decode(value.substr(8));
    if (!e.ok())
      return e.status().Annotate("the stream index's copy of '" + std::string(stream) +
                                 "' version " + std::to_string(version));
    if (e->position() != position || e->stream() != stream || e->version() != version)
      return Status::DataLoss("the stream index's copy of '" + std::string(stream) + "' version " +
                              std::to_string(version) + " is another event");
    out.push_back(*std::move(e));
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it.status(), "reading a stream"));
  for (const auto& [index, position] : pointers) {
    LEDGER_ASSIGN_OR_RETURN(out[index], ReadAt(position));
    if (out[index].stream() != stream)
      return Status::DataLoss("the stream index of '" + std::string(stream) +
                              "' points at an event of another stream");
  }
  return out;
}

Result<std::vector<RecordedEvent>> EventLog::ReadStreamForward(std::string_view stream,
                                                               uint64_t from_version, size_t max) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(OneStream(), streams_));
  it->Seek(StreamKey(stream, std::max<uint64_t>(from_version, 1)));
  return ReadIndexed(*it, stream, max, /*forward=*/true);
}

Result<std::vector<RecordedEvent>> EventLog::ReadStreamBackward(std::string_view stream,
                                                                uint64_t from_version, size_t max) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  uint64_t start = from_version == 0 ? std::numeric_limits<uint64_t>::max() : from_version;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(StreamIndexScan(), streams_));
  it->SeekForPrev(StreamKey(stream, start));
  return ReadIndexed(*it, stream, max, /*forward=*/false);
}

Result<uint64_t> EventLog::StreamVersion(std::string_view stream) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  std::string prefix = StreamPrefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(StreamIndexScan(), streams_));
  it->SeekForPrev(StreamKey(stream, std::numeric_limits<uint64_t>::max()));
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading a stream's version"));
  if (!it->Valid() || !StartsWith(it->key().ToStringView(), prefix)) return uint64_t{0};
  std::string_view key = it->key().ToStringView();
  if (key.size() != prefix.size() + 8) return Status::DataLoss("a stream index key is damaged");
  return GetBigEndian64(key.substr(prefix.size()));
}

Result<bool> EventLog::StreamExists(std::string_view stream) {
  LEDGER_ASSIGN_OR_RETURN(uint64_t version, StreamVersion(stream));
  return version > 0;
}

Result<std::string> EventLog::LastStreamWithPrefix(std::string_view prefix) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(StreamIndexScan(), streams_));
  it->SeekForPrev(std::string(prefix) + "\xff");  // stream ids are UTF-8: never a 0xFF byte
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "listing streams"));
  if (!it->Valid() || !StartsWith(it->key().ToStringView(), prefix)) return std::string();
  return std::string(StreamOfKey(it->key().ToStringView()));
}

Result<std::vector<std::string>> EventLog::ListStreams(std::string_view prefix,
                                                       std::string_view after, size_t max) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  std::vector<std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(StreamIndexScan(), streams_));
  // A stream's keys are stream || 0x00 || version, so stream || 0x01 is past all of them.
  if (after.empty() || after < prefix)
    it->Seek(prefix);
  else
    it->Seek(std::string(after) + '\x01');
  while (it->Valid() && out.size() < max) {
    std::string_view stream = StreamOfKey(it->key().ToStringView());
    if (!StartsWith(stream, prefix)) break;
    out.emplace_back(stream);
    it->Seek(std::string(stream) + '\x01');
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "listing streams"));
  return out;
}

Result<uint64_t> EventLog::FirstPositionRecordedAtOrAfter(Time t) {
  uint64_t lo = 1, hi = GetHead().position + 1;  // the answer is in [lo, hi]
  while (lo < hi) {
    // Not (lo + hi) / 2, which could wrap. The search relies on recorded_at never decreasing
    // with position (CommitGroup).
    uint64_t mid = lo + (hi - lo) / 2;
    LEDGER_ASSIGN_OR_RETURN(RecordedEvent e, ReadAt(mid));
    if (e.recorded_at() < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

std::unique_ptr<Subscription> EventLog::Subscribe(uint64_t from_position) {
  return std::unique_ptr<Subscription>(new Subscription(this, from_position));
}

Status Subscription::Next(size_t max, std::chrono::milliseconds wait,
                          std::vector<RecordedEvent>* out) {
  {
    std::unique_lock<std::mutex> lock(log_->live_mu_);
    auto ready = [&] {
      return cancelled_.load() || log_->stopping_ || next_ <= log_->head_.position;
    };
    if (!ready()) log_->live_cv_.wait_for(lock, wait, ready);
    if (log_->stopping_) return Status::Unavailable("the ledger is closed");
    if (cancelled_.load() || next_ > log_->head_.position) return Status::Ok();
  }
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> events, log_->ReadAll(next_, max));
  for (RecordedEvent& e : events) {
    if (e.position() != next_)
      return Status::DataLoss("subscription expected position " + std::to_string(next_) +
                              " but read " + std::to_string(e.position()));
    ++next_;
    out->push_back(std::move(e));
  }
  return Status::Ok();
}

void Subscription::Cancel() {
  cancelled_.store(true);
  std::lock_guard<std::mutex> lock(log_->live_mu_);
  log_->live_cv_.notify_all();
}

}  // namespace ledger
