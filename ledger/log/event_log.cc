// EventLog: the append queue and the group commit. Opening the database and what happens when
// the disk fills are in event_log_open.cc, reads in event_log_read.cc, verification in verify.cc.
#include "ledger/log/event_log.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstring>
#include <optional>

#include "ledger/base/clock.h"
#include "ledger/log/record_format.h"
#include "ledger/log/rocks_status.h"
#include "ledger/log/validation.h"

namespace ledger {

struct EventLog::Pending {
  AppendRequest request;
  AppendCallback done;
};

// What one group commit has built so far.
struct EventLog::GroupState {
  rocksdb::WriteBatch batch;
  uint64_t position = 0;                // the last position assigned
  Hash prev{};                          // the hash of that position
  merkle::CompactRange tree;            // the Merkle tree's right edge after that position
  std::vector<merkle::Node> completed;  // scratch: the nodes one leaf completed
  Time now{};
  std::unordered_map<std::string, uint64_t> versions;  // stream -> version after this group
  std::unordered_map<std::string, AppendResult> keys;  // idempotency keys used in this group
  std::vector<RecordedEvent> events;                   // to publish once durable
};

namespace {

bool Aligned(const void* p) { return reinterpret_cast<uintptr_t>(p) % sizeof(capnp::word) == 0; }

Status IdempotencyKeyReused(const std::string& key) {
  std::string shown = key.size() > 64 ? key.substr(0, 64) + "..." : key;
  std::string message = "idempotency key '" + shown +
                        "' was already used for a different request; use a new key for a new "
                        "request";
  return Status::WithErrors(Code::kFailedPrecondition, message,
                            {{"idempotency_key", "reused", message}});
}

// Sets env's payload to the message `payload` (flat-array form). ValidateAppend() has checked it
// is whole words and a message, so the copy below stays within both buffers.
void SetPayload(schema::Envelope::Builder env, const std::string& payload) {
  const size_t payload_words = payload.size() / sizeof(capnp::word);
  kj::Array<capnp::word> copy;
  kj::ArrayPtr<const capnp::word> words;
  // Cap'n Proto reads words in place only from word-aligned memory; a string's bytes need not be.
  if (Aligned(payload.data())) {
    words = kj::ArrayPtr<const capnp::word>(reinterpret_cast<const capnp::word*>(payload.data()),
                                            payload_words);
  } else {
    copy = kj::heapArray<capnp::word>(payload_words);
    std::memcpy(copy.begin(), payload.data(), payload.size());
    words = copy.asPtr();
  }
  capnp::FlatArrayMessageReader reader(words);
  env.getPayload().set(reader.getRoot<capnp::AnyPointer>());
}

// The envelope of the event at `position`, chained to `prev`, in canonical form: the bytes the
// hash covers. Throws kj::Exception when Cap'n Proto refuses the input.
kj::Array<capnp::word> CanonicalEnvelope(const AppendRequest& request, const NewEvent& event,
                                         uint64_t version, uint64_t position, Time now,
                                         const Hash& prev) {
  // Room for the payload and the envelope's own fields in the first segment.
  capnp::MallocMessageBuilder message(event.payload.size() / sizeof(capnp::word) + 64);
  auto env = message.initRoot<schema::Envelope>();
  env.setPosition(position);
  env.setStreamId(capnp::Text::Reader(request.stream.data(), request.stream.size()));
  env.setStreamVersion(version);
  env.setRecordedAt(ToMicros(now));
  env.setOccurredAt(ToMicros(event.occurred_at == Time{} ? now : event.occurred_at));
  auto actor = env.initActor();
  actor.setId(capnp::Text::Reader(event.actor.id.data(), event.actor.id.size()));
  actor.setRole(capnp::Text::Reader(event.actor.role.data(), event.actor.role.size()));
  actor.setDepartment(
      capnp::Text::Reader(event.actor.department.data(), event.actor.department.size()));
  env.setType(capnp::Text::Reader(event.type.data(), event.type.size()));
  if (!event.payload.empty()) SetPayload(env, event.payload);
  env.setPolicyVersion(event.policy_version);
  env.setCorrelationId(
      capnp::Text::Reader(request.correlation_id.data(), request.correlation_id.size()));
  env.setCausationId(capnp::Text::Reader(event.causation_id.data(), event.causation_id.size()));
  env.setIdempotencyKey(
      capnp::Text::Reader(request.idempotency_key.data(), request.idempotency_key.size()));
  env.setImported(event.imported);
  env.setPrevHash(capnp::Data::Reader(prev.data(), prev.size()));
  return capnp::canonicalize(env.asReader());
}

}  // namespace

EventLog::EventLog(std::string dir, const Options& options)
    : dir_(std::move(dir)), options_(options), clock_(options.clock) {
  if (clock_ == nullptr) {
    own_clock_ = std::make_unique<SystemClock>();
    clock_ = own_clock_.get();
  }
  if (options_.max_group_events < options_.max_batch_events)
    options_.max_group_events = options_.max_batch_events;
  if (options_.storage_check_interval <= std::chrono::milliseconds(0))
    options_.storage_check_interval = std::chrono::milliseconds(1000);
  DiskSpace* space = options_.disk_space;
  if (space == nullptr) {
    own_disk_space_ = std::make_unique<StatvfsDiskSpace>();
    space = own_disk_space_.get();
  }
  storage_ = std::make_unique<StorageGuard>(options_, space, dir_);
}

Result<std::unique_ptr<EventLog>> EventLog::Open(const std::string& dir, const Options& options) {
  std::unique_ptr<EventLog> log(new EventLog(dir, options));
  LEDGER_RETURN_IF_ERROR(log->OpenDatabase());
  LEDGER_RETURN_IF_ERROR(log->LoadHead());
  LEDGER_RETURN_IF_ERROR(log->LoadTree());
  // Whether the disk has room, from the start (for /healthz and the projections' first writes).
  if (!options.read_only) (void)log->CheckStorage();
  // In bulk mode the commit thread starts with the first AppendAsync(): until then Append()
  // commits in the caller's thread (see Append).
  if (!options.read_only && options.durability == Durability::kSync)
    log->committer_ = std::thread([p = log.get()] { p->CommitLoop(); });
  return log;
}

Status EventLog::LoadHead() {
  Head head;
  std::string bytes;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), default_, kHeadKey, &bytes);
  if (s.ok()) {
    Result<Head> decoded = DecodeHead(bytes);
    if (!decoded.ok()) {
      damage_ = decoded.status();
    } else {
      head = *decoded;
    }
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "reading the head record");
  }

  // Recovery at open: the head record is written in the batch of the events it names, so it
  // disagrees with the last event only if the ledger was damaged or changed outside the log.
  // Appending onto such a log would chain new events to a history nobody can verify: they are
  // refused.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_));
  it->SeekToLast();
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading the last event"));
  if (!it->Valid()) {
    if (head.position != 0 && damage_.ok())
      damage_ = Status::DataLoss("the head record says the log ends at position " +
                                 std::to_string(head.position) + " but the log is empty");
  } else if (damage_.ok()) {
    Result<RecordedEvent> last = RecordedEvent::Decode(it->value().ToStringView());
    Result<uint64_t> key = DecodePositionKey(it->key().ToStringView());
    if (!last.ok() || !key.ok()) {
      damage_ = Status::DataLoss("the last event of the log is damaged");
    } else if (*key != head.position || last->hash() != head.hash) {
      damage_ =
          Status::DataLoss("the log ends at position " + std::to_string(*key) +
                           " but the head record says position " + std::to_string(head.position));
    }
  }
  if (!damage_.ok())
    damage_ =
        damage_.Annotate("the ledger is damaged; appends are refused (run `ledgerctl verify`)");
  committed_ = head;
  std::lock_guard<std::mutex> lock(live_mu_);
  head_ = head;
  return Status::Ok();
}

EventLog::~EventLog() { (void)Close(); }

Status EventLog::Close() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (closed_) return Status::Ok();
    closing_ = true;
  }
  queue_cv_.notify_all();
  if (committer_.joinable()) committer_.join();
  {
    std::lock_guard<std::mutex> lock(live_mu_);
    stopping_ = true;
  }
  live_cv_.notify_all();
  Status status;
  std::unique_lock<std::shared_mutex> db_lock(db_mu_);  // reads in flight finish first
  if (db_ != nullptr) {
    // After RocksDB failed a write the database is not written again (what was acknowledged is
    // in the synced write-ahead log, which the next open replays), nor closed with an error.
    const bool write = !db_read_only_ && !storage_->DatabaseFailed();
    if (write && options_.durability == Durability::kBulk)
      status = FromRocks(db_->SyncWAL(), "syncing the log");
    if (write && status.ok()) {
      // Memtables to table files now, so the next open does not replay the write-ahead log
      // (a read-only open would replay it every time).
      rocksdb::FlushOptions flush;
      status = FromRocks(db_->Flush(flush, handles_), "flushing the log");
    }
    Status closed = CloseRocks();
    if (status.ok() && !storage_->DatabaseFailed()) status = closed;
  }
  std::lock_guard<std::mutex> lock(queue_mu_);
  closed_ = true;
  return status;
}

Status EventLog::Usable() const {
  ReadLock lock(db_mu_);
  if (db_ == nullptr) return Status::Unavailable("the ledger is closed");
  return Status::Ok();
}

Result<EventLog::ReadLock> EventLog::Readable() const {
  ReadLock lock(db_mu_);
  if (db_ == nullptr) return Status::Unavailable("the ledger is closed");
  return lock;
}

Status EventLog::damage() const { return damage_; }

Status EventLog::Sync() {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  if (!Bulk(options_)) return Status::Ok();
  // Bulk appends are only in the memtables: write them to table files (synced), all column
  // families at once.
  return FromRocks(db_->Flush(rocksdb::FlushOptions(), handles_), "syncing the log");
}

Result<AppendResult> EventLog::Append(AppendRequest request) {
  // Bulk mode: nobody waits for a sync, so there is nothing for a group to share, and handing the
  // append to the commit thread would only cost two thread switches. Until an AppendAsync() has
  // started the commit thread, the caller commits its append itself, holding queue_mu_ (which
  // orders it with every other append and with Close()). Commit listeners then run on the
  // appending thread.
  if (Bulk(options_)) {
    std::unique_lock<std::mutex> lock(queue_mu_);
    if (!closing_ && !committer_.joinable()) {
      Status valid = ValidateAppend(request, options_);
      if (!valid.ok()) return valid;
      std::optional<Result<AppendResult>> result;
      std::vector<Pending> group;
      group.push_back(Pending{std::move(request),
                              [&result](Result<AppendResult> r) { result.emplace(std::move(r)); }});
      CommitGroup(group);
      return std::move(*result);
    }
  }
  // The caller sleeps on an atomic in its own stack frame: one futex wake per append, no
  // allocation (a std::promise costs a shared state, a mutex and a condition variable).
  // `done` goes 0 -> 1 (result ready, wake the caller) -> 2 (the commit thread no longer touches
  // this frame); the caller returns only at 2, so the frame outlives the notify.
  std::optional<Result<AppendResult>> result;
  std::atomic<int> done{0};
  AppendAsync(std::move(request), [&](Result<AppendResult> r) {
    result.emplace(std::move(r));
    done.store(1, std::memory_order_release);
    done.notify_one();
    done.store(2, std::memory_order_release);
  });
  done.wait(0, std::memory_order_acquire);
  while (done.load(std::memory_order_acquire) != 2) std::this_thread::yield();
  return std::move(*result);
}

void EventLog::AppendAsync(AppendRequest request, AppendCallback done) {
  if (options_.read_only) {
    done(Status::FailedPrecondition("the ledger was opened read-only"));
    return;
  }
  Status valid = ValidateAppend(request, options_);
  if (!valid.ok()) {
    done(std::move(valid));
    return;
  }
  {
    std::unique_lock<std::mutex> lock(queue_mu_);
    if (closing_) {
      lock.unlock();
      done(Status::Unavailable("the ledger is closed"));
      return;
    }
    if (!committer_.joinable()) committer_ = std::thread([this] { CommitLoop(); });  // bulk mode
    queue_.push_back(Pending{std::move(request), std::move(done)});
  }
  queue_cv_.notify_one();
}

void EventLog::CommitLoop() {
  std::vector<Pending> group;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      const bool woken = queue_cv_.wait_for(lock, options_.storage_check_interval,
                                            [this] { return closing_ || !queue_.empty(); });
      if (!woken) {
        // Nothing to append: look at the disk anyway, so that /healthz tells of a disk filling
        // up before an append meets it, and appends resume by themselves once space is freed.
        lock.unlock();
        (void)CheckStorage();
        continue;
      }
      if (queue_.empty()) return;  // closing, and everything queued is done
      size_t events = 0;
      while (!queue_.empty() && (group.empty() || events + queue_.front().request.events.size() <=
                                                      options_.max_group_events)) {
        events += queue_.front().request.events.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitGroup(group);
    group.clear();
  }
}

void EventLog::CommitGroup(std::vector<Pending>& group) {
  // Bulk mode commits an append at a time with no sync to hide a look at the disk behind (a few
  // microseconds of statvfs each would add a tenth to a generation): it looks every 64th group.
  const bool look = !Bulk(options_) || bulk_groups_++ % 64 == 0;
  Status refuse = !damage_.ok() ? damage_ : CheckStorage(look);
  if (!refuse.ok()) {
    if (damage_.ok()) {
      std::lock_guard<std::mutex> lock(stats_mu_);
      stats_.refused += group.size();
    }
    for (Pending& p : group) p.done(refuse);
    return;
  }
  GroupState g;
  g.position = committed_.position;
  g.prev = committed_.hash;
  g.tree = committed_tree_;
  // Never before the last commit, even if the clock steps back: recorded_at must not decrease
  // with position (FirstPositionRecordedAtOrAfter searches by it).
  g.now = std::max(clock_->Now(), committed_.recorded_at);

  std::vector<Result<AppendResult>> results;
  results.reserve(group.size());
  for (Pending& p : group) results.push_back(Prepare(p.request, g));

  // Nothing to write when every append was refused or deduplicated: no commit, no sync.
  if (g.position != committed_.position) WriteGroup(g, results);
  for (size_t i = 0; i < group.size(); ++i) group[i].done(std::move(results[i]));
}

// Writes the group's batch with its head record, and on success makes it the committed head and
// publishes its events; on failure turns every result that would have been a success into the
// failure.
void EventLog::WriteGroup(GroupState& g, std::vector<Result<AppendResult>>& results) {
  // The head record goes in the same batch as the events it names: one atomic write, so that
  // after any crash it agrees with the last event stored (LoadHead checks it at open).
  Head head{g.position, g.prev, g.now};
  g.batch.Put(default_, kHeadKey, EncodeHead(head));
  rocksdb::WriteOptions wo;
  // The sync is what makes an acknowledged append survive a machine crash (event_log.h,
  // "Durability"); one sync covers the whole group.
  wo.sync = options_.durability == Durability::kSync;
  wo.disableWAL = Bulk(options_);
  rocksdb::Status written = db_->Write(wo, &g.batch);
  if (!written.ok()) {
    // Nothing of the group is acknowledged. RocksDB now refuses writes itself; the log stops
    // sending them until CheckStorage() has resumed it (storage.h).
    const Status failed = WriteFailed(written);
    size_t refused = 0;
    for (Result<AppendResult>& r : results) {
      if (!r.ok()) continue;
      r = failed;
      ++refused;
    }
    std::lock_guard<std::mutex> lock(stats_mu_);
    stats_.refused += refused;
  } else {
    // Only after a successful write: the next group chains onto what is on disk, never onto
    // a group that was refused.
    RecordStats(results);
    committed_ = head;
    committed_tree_ = std::move(g.tree);
    // Bounded by clearing it all: a miss costs one point read (CurrentVersion).
    if (version_cache_.size() + g.versions.size() > (1u << 17)) version_cache_.clear();
    for (auto& [stream, version] : g.versions) version_cache_[stream] = version;
    // Subscribers and listeners hear of events only once they are durable.
    Publish(std::move(g.events), head);
  }
}

void EventLog::RecordStats(const std::vector<Result<AppendResult>>& results) {
  std::lock_guard<std::mutex> lock(stats_mu_);
  uint64_t appends = 0;
  for (const Result<AppendResult>& r : results) {
    if (r.ok() && r->deduplicated) {
      ++stats_.deduplicated;
    } else if (r.ok()) {
      ++appends;
      stats_.events += r->last_position - r->first_position + 1;
    } else if (r.status().code() == Code::kAborted) {
      ++stats_.conflicts;
    }
  }
  ++stats_.commits;
  stats_.appends += appends;
  size_t bucket = 0;
  while (bucket + 1 < stats_.group_appends.size() && (uint64_t{1} << (bucket + 1)) <= appends)
    ++bucket;
  ++stats_.group_appends[bucket];
}

LogStats EventLog::GetStats() const {
  std::lock_guard<std::mutex> lock(stats_mu_);
  return stats_;
}

Result<AppendResult> EventLog::Prepare(const AppendRequest& request, GroupState& g) {
  if (!request.idempotency_key.empty()) {
    LEDGER_ASSIGN_OR_RETURN(std::optional<AppendResult> seen, SeenKey(request.idempotency_key, g));
    if (seen) {
      // A key names one request: the same key with another request is refused, never answered
      // with the first request's result (nor silently dropped).
      if (request.request_digest != kZeroHash && seen->request_digest != kZeroHash &&
          request.request_digest != seen->request_digest)
        return IdempotencyKeyReused(request.idempotency_key);
      seen->deduplicated = true;
      return *seen;
    }
  }
  LEDGER_ASSIGN_OR_RETURN(uint64_t current, CurrentVersion(request.stream, g));
  if (!request.expected.Matches(current)) {
    return Status::Aborted("version conflict on stream '" + request.stream + "': expected " +
                           request.expected.ToString() + ", actual version " +
                           std::to_string(current));
  }
  // All or nothing: on a failure half-way (a bug, not bad input) the batch rolls back.
  const uint64_t position_before = g.position;
  const Hash prev_before = g.prev;
  // AddEvent fails only before it touches the tree: a single event's failure leaves it as it
  // was, and only a request of several events needs the tree's right edge kept to roll back.
  std::optional<merkle::CompactRange> tree_before;
  if (request.events.size() > 1) tree_before = g.tree;
  const size_t events_before = g.events.size();
  g.batch.SetSavePoint();
  for (size_t i = 0; i < request.events.size(); ++i) {
    Status s = AddEvent(request, request.events[i], current + 1 + i, g);
    if (!s.ok()) {
      (void)g.batch.RollbackToSavePoint();
      g.position = position_before;
      g.prev = prev_before;
      if (tree_before) g.tree = std::move(*tree_before);
      g.events.resize(events_before);
      return s;
    }
  }
  (void)g.batch.PopSavePoint();
  AppendResult result;
  result.stream = request.stream;
  result.first_version = current + 1;
  result.last_version = current + request.events.size();
  result.first_position = position_before + 1;
  result.last_position = g.position;
  result.recorded_at = g.now;
  result.request_digest = request.request_digest;
  // The key is written in the same batch as the events: after a crash a retry with it finds
  // them if, and only if, they were written.
  if (!request.idempotency_key.empty()) {
    g.batch.Put(idempotency_, request.idempotency_key, EncodeOutcome(result));
    g.keys[request.idempotency_key] = result;
  }
  g.versions[request.stream] = result.last_version;
  return result;
}

Status EventLog::AddEvent(const AppendRequest& request, const NewEvent& event, uint64_t version,
                          GroupState& g) {
  const uint64_t position = g.position + 1;
  kj::Array<capnp::word> canonical;
  KJ_IF_MAYBE (e, kj::runCatchingExceptions([&]() {
                 canonical = CanonicalEnvelope(request, event, version, position, g.now, g.prev);
               })) {
    return Status::Internal(std::string("building an envelope: ") + e->getDescription().cStr());
  }
  auto bytes = canonical.asBytes();
  const Hash hash =
      Sha256(AsBytes(g.prev), {reinterpret_cast<const char*>(bytes.begin()), bytes.size()});
  // canonicalize() made these bytes: they need no check (nor copy) to go to subscribers.
  LEDGER_ASSIGN_OR_RETURN(RecordedEvent recorded,
                          RecordedEvent::FromCanonical(kj::mv(canonical), hash));
  // Stored: the canonical bytes followed by the hash (docs/event-format.md), put in two parts.
  const std::string key = PositionKey(position);
  const std::string_view body = recorded.canonical_bytes();
  const rocksdb::Slice key_part(key);
  const rocksdb::Slice value_parts[2] = {rocksdb::Slice(body.data(), body.size()),
                                         rocksdb::Slice(AsBytes(hash).data(), hash.size())};
  g.batch.Put(events_, rocksdb::SliceParts(&key_part, 1), rocksdb::SliceParts(value_parts, 2));
  // The stream index entry carries a copy of the record after its position, so that reading a
  // stream is one range read rather than a point read per event (docs/event-format.md).
  const std::string stream_key = StreamKey(request.stream, version);
  const rocksdb::Slice stream_key_part(stream_key);
  const rocksdb::Slice entry_parts[3] = {key_part, value_parts[0], value_parts[1]};
  g.batch.Put(streams_, rocksdb::SliceParts(&stream_key_part, 1),
              rocksdb::SliceParts(entry_parts, 3));
  // The Merkle tree grows in the same batch: its leaf is the bytes the chain hashes, and every
  // subtree this leaf completes is stored, so that the tree never lags the log (a proof is
  // possible at every size up to the head, after any crash).
  if (options_.merkle_tree) {
    g.completed.clear();
    const uint64_t leaf = g.tree.size();
    g.tree.Append(merkle::LeafHash(body), &g.completed);
    // One record for every node this leaf completed above the leaves (none for half of them).
    if (g.completed.size() > 1) g.batch.Put(tree_, TreeKey(leaf), PackTreeNodes(g.completed));
  }
  // The group moves on only now that both puts are in the batch: Prepare() rolls back to the
  // state before the request on a failure above.
  g.events.push_back(std::move(recorded));
  g.position = position;
  g.prev = hash;
  return Status::Ok();
}

Result<uint64_t> EventLog::CurrentVersion(const std::string& stream, const GroupState& g) {
  if (auto it = g.versions.find(stream); it != g.versions.end()) return it->second;
  if (auto it = version_cache_.find(stream); it != version_cache_.end()) return it->second;
  // A stream this process has not written to is usually a new one (a receive). Every stream
  // that exists has an index entry for version 1: one point lookup tells a new stream without
  // building an iterator.
  std::string first;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), streams_, StreamKey(stream, 1), &first);
  if (s.IsNotFound()) return uint64_t{0};
  LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading a stream's version"));
  LEDGER_ASSIGN_OR_RETURN(uint64_t version, StreamVersion(stream));
  return version;
}

Result<std::optional<AppendResult>> EventLog::SeenKey(const std::string& key, const GroupState& g) {
  if (auto it = g.keys.find(key); it != g.keys.end())
    return std::optional<AppendResult>(it->second);
  return LookupIdempotencyKey(key);
}

Result<std::optional<AppendResult>> EventLog::LookupIdempotencyKey(std::string_view key) {
  LEDGER_ASSIGN_OR_RETURN(ReadLock lock, Readable());
  std::string bytes;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), idempotency_, key, &bytes);
  if (s.IsNotFound()) return std::optional<AppendResult>();
  LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading an idempotency key"));
  LEDGER_ASSIGN_OR_RETURN(AppendResult result, DecodeOutcome(bytes));
  return std::optional<AppendResult>(std::move(result));
}

void EventLog::Publish(std::vector<RecordedEvent> events, const Head& head) {
  {
    std::lock_guard<std::mutex> lock(live_mu_);
    for (RecordedEvent& e : events) live_.push_back(std::move(e));
    while (live_.size() > options_.live_buffer_events) live_.pop_front();
    head_ = head;
  }
  live_cv_.notify_all();
  std::lock_guard<std::mutex> lock(listeners_mu_);
  for (auto& [id, fn] : listeners_) fn(head.position);
}

uint64_t EventLog::AddCommitListener(std::function<void(uint64_t)> fn) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  uint64_t id = next_listener_id_++;
  listeners_.emplace(id, std::move(fn));
  return id;
}

void EventLog::RemoveCommitListener(uint64_t id) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  listeners_.erase(id);
}

}  // namespace ledger
