#include "projections/runner.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ledger/base/files.h"
#include "projections/serialize.h"

namespace projections {

using ledger::Hash;
using ledger::Result;
using ledger::Status;

namespace {

constexpr char kSnapshotMagic[8] = {'L', 'G', 'R', 'P', 'S', 'N', 'A', 'P'};
// Events a rebuild's scan hands over at a time (their decoded bytes are reused batch to batch).
constexpr size_t kRebuildBatch = 256;

template <typename T>
std::string Serialize(const T& value) {
  std::ostringstream out;
  {
    cereal::BinaryOutputArchive archive(out);
    archive(value);
  }
  return out.str();
}

template <typename T>
Status Deserialize(std::string_view bytes, T* value) {
  try {
    std::istringstream in{std::string(bytes)};
    cereal::BinaryInputArchive archive(in);
    archive(*value);
  } catch (const std::exception& e) {  // the decoder's edge: a damaged row
    return Status::DataLoss(std::string("a projection row does not decode: ") + e.what());
  }
  return Status::Ok();
}

Hash RowHash(const std::string& key, const std::string& value) {
  return ledger::Sha256(key, value);
}

void XorInto(Hash& into, const Hash& h) {
  for (size_t i = 0; i < into.size(); ++i) into[i] ^= h[i];
}

// Calls `progress` (if any) every 65,536 events folded, and at the last.
class ProgressReport {
 public:
  ProgressReport(const Progress& progress, uint64_t total) : progress_(progress), total_(total) {}
  void Add(size_t events) {
    done_ += events;
    if (progress_ && (done_ - reported_ >= 65536 || done_ >= total_)) {
      progress_(done_, std::max(done_, total_));
      reported_ = done_;
    }
  }

 private:
  const Progress& progress_;
  const uint64_t total_;
  uint64_t done_ = 0, reported_ = 0;
};

}  // namespace

std::string ComplaintRowKey(const std::string& id) { return "t/" + id; }
std::string RatingRowKey(const std::string& department, const std::string& month) {
  return "r/" + department + "/" + month;
}

Result<LedgerProjection> FoldLogInOrder(ledger::EventLog& log, const PolicyLookup& policies,
                                        const ledger::domain::Policy& fallback, uint64_t upto,
                                        const Progress& progress) {
  LedgerProjection p;
  if (upto == 0) return p;
  ProgressReport report(progress, upto);
  const PolicyLookup lookup = Remembering(policies);
  LEDGER_RETURN_IF_ERROR(
      log.ForEachBatch(1, upto, kRebuildBatch, [&](std::span<const ledger::RecordedEvent> events) {
        for (const ledger::RecordedEvent& e : events)
          LEDGER_RETURN_IF_ERROR(p.Apply(e, lookup, fallback));
        report.Add(events.size());
        return Status::Ok();
      }));
  return p;
}

Result<LedgerProjection> FoldLog(ledger::EventLog& log, const PolicyLookup& policies,
                                 const ledger::domain::Policy& fallback, const Progress& progress) {
  LedgerProjection p;
  ledger::Head head;
  ProgressReport report(progress, log.GetHead().position);
  const PolicyLookup lookup = Remembering(policies);
  auto fold = [&](std::span<const ledger::RecordedEvent> events) {
    LEDGER_RETURN_IF_ERROR(p.ApplyByStream(events, lookup, fallback));
    report.Add(events.size());
    return Status::Ok();
  };
  Status s = log.ForEachByStream(kRebuildBatch, fold, &head);
  if (s.code() == ledger::Code::kFailedPrecondition)  // an index without copies: the log's order
    return FoldLogInOrder(log, policies, fallback, head.position, progress);
  LEDGER_RETURN_IF_ERROR(s);
  p.FinishByStream(head.position, head.hash);
  return p;
}

ProjectionRunner::ProjectionRunner(ledger::EventLog* log, ledger::domain::PolicyStore* policies,
                                   ledger::ProjectionStore* store, RunnerOptions options)
    : log_(log), policies_(policies), store_(store), options_(std::move(options)) {
  projection_.set_track_touched(true);  // ApplyBatch persists the rows it touched
}

ProjectionRunner::~ProjectionRunner() { Stop(); }

ledger::Result<FinePage> ProjectionRunner::Fines(Time now, const FineQuery& query) {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return fines_.Query(Scope{projection_, policies(), fallback(), now}, query);
}

void ProjectionRunner::WarmFines(Time now, const std::vector<Period>& months) {
  std::shared_lock<std::shared_mutex> lock(mu_);
  fines_.Warm(Scope{projection_, policies(), fallback(), now}, months);
}

PolicyLookup ProjectionRunner::policies() const {
  ledger::domain::PolicyStore* store = policies_;
  return [store](uint32_t v) { return store->ForVersion(v); };
}

const ledger::domain::Policy& ProjectionRunner::fallback() const {
  static const std::shared_ptr<const ledger::domain::Policy> kDefault =
      ledger::domain::DefaultPolicy();
  std::shared_ptr<const ledger::domain::Policy> current = policies_->current();
  // Published policies are never removed, so the pointer stays valid while the store lives.
  return current ? *policies_->ForVersion(policies_->current_version()) : *kDefault;
}

std::string ProjectionRunner::digest() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return ledger::ToHex(rows_digest_);
}

Status ProjectionRunner::Matches(uint64_t position, const Hash& hash, std::string* why) {
  if (position == 0) return Status::Ok();
  if (position > log_->GetHead().position) {
    *why = "the stored projection is ahead of the log (position " + std::to_string(position) + ")";
    return Status::FailedPrecondition(*why);
  }
  LEDGER_ASSIGN_OR_RETURN(ledger::RecordedEvent e, log_->ReadAt(position));
  if (e.hash() != hash) {
    *why = "the stored projection was made from another log (hash at position " +
           std::to_string(position) + " differs)";
    return Status::FailedPrecondition(*why);
  }
  return Status::Ok();
}

// Whether a stored form was written as this build writes: in its format, under its rules.
Status ProjectionRunner::SameFormat(uint32_t format, std::string* why) const {
  if (format == options_.format) return Status::Ok();
  *why = format == 0 ? "projection stored without a format (written before projections recorded "
                       "theirs), format " +
                           std::to_string(options_.format) + " expected"
                     : "projection format " + std::to_string(format) + " stored, " +
                           std::to_string(options_.format) + " expected";
  return Status::FailedPrecondition(*why);
}

Status ProjectionRunner::SameRules(const Hash& rules, std::string* why) const {
  if (rules == options_.rules) return Status::Ok();
  // A digest names no version; its first 16 hex characters tell two apart in a log line.
  *why = "projection rules " + ledger::ToHex(rules).substr(0, 16) + " stored, " +
         ledger::ToHex(options_.rules).substr(0, 16) + " expected";
  return Status::FailedPrecondition(*why);
}

// The checkpoint of the projection as it is now. Called with mu_ held.
ledger::ProjectionCheckpoint ProjectionRunner::CheckpointHere() const {
  return {projection_.position(), projection_.last_hash(), ledger::ToHex(rows_digest_),
          options_.format, options_.rules};
}

Status ProjectionRunner::Open(std::string* how, const Progress& progress) {
  std::string snapshot_why, rows_why;
  Status snapshot = Status::NotFound("no snapshot");
  if (!options_.snapshot_path.empty()) snapshot = LoadSnapshot(&snapshot_why);
  if (snapshot.ok()) {
    *how = "loaded the snapshot at position " + std::to_string(position_.load());
    return CatchUp();
  }
  Status rows = LoadRows(&rows_why);
  if (rows.ok()) {
    *how = "loaded the stored rows at position " + std::to_string(position_.load());
    return CatchUp();
  }
  // Why it is rebuilt: what refused a stored form (the rows' reason first: they are what a
  // restart reloads), else that none is stored. Said before a rebuild that may take minutes, when
  // something stored was refused; a first start, with nothing stored, says nothing.
  auto reason = [](const Status& s, const std::string& why) {
    return why.empty() ? s.message() : why;
  };
  const bool rows_refused = rows.code() != ledger::Code::kNotFound;
  const bool snapshot_refused = snapshot.code() != ledger::Code::kNotFound;
  const std::string why =
      rows_refused || !snapshot_refused ? reason(rows, rows_why) : reason(snapshot, snapshot_why);
  if (rows_refused || snapshot_refused) Warn(why + ": rebuilding from the log");
  LEDGER_RETURN_IF_ERROR(Refold(progress));
  {
    // Served from memory even if it cannot be stored now (a full disk).
    std::shared_lock<std::shared_mutex> lock(mu_);
    (void)Store({}, false);
  }
  *how = "rebuilt from the log (" + why + ")";
  return CatchUp();
}

void ProjectionRunner::Warn(const std::string& line) const {
  if (options_.warn)
    options_.warn(line);
  else
    std::fprintf(stderr, "projections: %s\n", line.c_str());
}

Status ProjectionRunner::Rebuild(const Progress& progress) {
  LEDGER_RETURN_IF_ERROR(Refold(progress));
  std::shared_lock<std::shared_mutex> lock(mu_);
  return Store({}, false);
}

Status ProjectionRunner::Refold(const Progress& progress) {
  LEDGER_ASSIGN_OR_RETURN(LedgerProjection fresh, FoldLog(*log_, policies(), fallback(), progress));
  std::unique_lock<std::shared_mutex> lock(mu_);
  projection_ = std::move(fresh);
  projection_.set_track_touched(true);
  fines_.Clear();
  position_ = projection_.position();
  row_hashes_.clear();
  rows_digest_ = ledger::kZeroHash;
  unstored_all_ = true;
  return Status::Ok();
}

// Called with mu_ held (shared or not): only the controlling thread writes the projection.
Status ProjectionRunner::Store(const std::vector<std::string>& touched, bool ratings) {
  Status s;
  if (unstored_all_) {
    s = store_->Clear(kName);
    if (s.ok()) s = PersistAll();
  } else if (unstored_.empty() && !unstored_ratings_) {
    s = Persist(touched, ratings);
    if (!s.ok()) {
      unstored_.insert(touched.begin(), touched.end());
      unstored_ratings_ = ratings;
    }
  } else {
    unstored_.insert(touched.begin(), touched.end());
    unstored_ratings_ |= ratings;
    s = Persist(std::vector<std::string>(unstored_.begin(), unstored_.end()), unstored_ratings_);
  }
  if (s.ok()) {
    unstored_all_ = unstored_ratings_ = false;
    unstored_.clear();
  }
  if (s.ok() == store_failing_) {
    store_failing_ = !s.ok();
    if (store_failing_)
      std::fprintf(stderr, "projections: not stored, kept in memory until a write succeeds: %s\n",
                   s.ToString().c_str());
    else
      std::fprintf(stderr, "projections: stored again\n");
  }
  return s;
}

Status ProjectionRunner::PersistAll() {
  ledger::ProjectionStore::Rows rows;
  row_hashes_.clear();  // a failed attempt may have begun them
  rows_digest_ = ledger::kZeroHash;
  // Position 0: not a usable projection yet.
  const ledger::ProjectionCheckpoint incomplete{0, ledger::kZeroHash, "", options_.format,
                                                options_.rules};
  auto flush = [&]() -> Status {
    Status s = store_->Commit(kName, rows, incomplete);
    rows.clear();
    return s;
  };
  for (const auto& [id, tracked] : projection_.complaints()) {
    std::string key = ComplaintRowKey(id), value = Serialize(tracked);
    Hash h = RowHash(key, value);
    row_hashes_[key] = h;
    XorInto(rows_digest_, h);
    rows.emplace_back(std::move(key), std::move(value));
    if (rows.size() >= 8192) LEDGER_RETURN_IF_ERROR(flush());
  }
  for (const auto& [dm, rating] : projection_.ratings()) {
    std::string key = RatingRowKey(dm.first, dm.second), value = Serialize(rating);
    Hash h = RowHash(key, value);
    row_hashes_[key] = h;
    XorInto(rows_digest_, h);
    rows.emplace_back(std::move(key), std::move(value));
  }
  return store_->Commit(kName, rows, CheckpointHere());
}

Status ProjectionRunner::Persist(const std::vector<std::string>& touched, bool ratings) {
  ledger::ProjectionStore::Rows rows;
  auto put = [&](std::string key, std::string value) {
    Hash h = RowHash(key, value);
    auto [it, inserted] = row_hashes_.try_emplace(key, h);
    if (!inserted) {
      XorInto(rows_digest_, it->second);
      it->second = h;
    }
    XorInto(rows_digest_, h);
    rows.emplace_back(std::move(key), std::move(value));
  };
  for (const std::string& id : touched) {
    if (const TrackedComplaint* t = projection_.Find(id)) put(ComplaintRowKey(id), Serialize(*t));
  }
  if (ratings)
    for (const auto& [dm, rating] : projection_.ratings())
      put(RatingRowKey(dm.first, dm.second), Serialize(rating));
  return store_->Commit(kName, rows, CheckpointHere());
}

Status ProjectionRunner::ApplyBatch(const std::vector<ledger::RecordedEvent>& events) {
  if (events.empty()) return Status::Ok();
  std::unique_lock<std::shared_mutex> lock(mu_);
  const PolicyLookup lookup = Remembering(policies());
  const ledger::domain::Policy& fb = fallback();
  bool ratings = false;
  const uint64_t from = projection_.position();
  for (const ledger::RecordedEvent& e : events) {
    if (e.position() <= projection_.position()) continue;  // already applied
    LEDGER_RETURN_IF_ERROR(projection_.Apply(e, lookup, fb));
    ratings |= e.stream() == "ratings";
  }
  position_ = projection_.position();
  since_snapshot_ += events.size();
  std::vector<std::string> touched = projection_.TakeTouched();
  fines_.Touch(projection_, from, touched);
  (void)Store(touched, ratings);  // a failed write waits for the next batch (see runner.h)
  lock.unlock();                  // listeners read the projection (Read takes the shared lock)
  std::vector<BatchListener> listeners;
  {
    std::lock_guard<std::mutex> guard(listeners_mu_);
    listeners = listeners_;
  }
  for (const BatchListener& fn : listeners) fn(touched);
  return Status::Ok();
}

void ProjectionRunner::AddBatchListener(BatchListener fn) {
  std::lock_guard<std::mutex> guard(listeners_mu_);
  listeners_.push_back(std::move(fn));
}

Status ProjectionRunner::CatchUp() {
  for (;;) {
    const uint64_t next = position_.load() + 1;
    LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events,
                            log_->ReadAll(next, options_.batch_events));
    if (events.empty()) return Status::Ok();
    LEDGER_RETURN_IF_ERROR(ApplyBatch(events));
  }
}

void ProjectionRunner::Follow() {
  if (follower_.joinable()) return;
  stop_ = false;
  subscription_ = log_->Subscribe(position_.load() + 1);
  follower_ = std::thread([this] { FollowLoop(); });
}

void ProjectionRunner::FollowLoop() {
  while (!stop_.load()) {
    std::vector<ledger::RecordedEvent> events;
    Status s = subscription_->Next(options_.batch_events, std::chrono::milliseconds(500), &events);
    if (!s.ok()) {
      std::fprintf(stderr, "projections: following the log stopped: %s\n", s.ToString().c_str());
      return;
    }
    s = ApplyBatch(events);
    if (!s.ok()) {
      std::fprintf(stderr, "projections: applying failed: %s\n", s.ToString().c_str());
      return;
    }
    if (!options_.snapshot_path.empty() && since_snapshot_ >= options_.snapshot_every)
      (void)WriteSnapshot();
  }
}

void ProjectionRunner::Stop() {
  stop_ = true;
  if (subscription_) subscription_->Cancel();
  if (follower_.joinable()) {
    follower_.join();
    if (!options_.snapshot_path.empty()) (void)WriteSnapshot();
  }
  subscription_.reset();
}

Status ProjectionRunner::WriteSnapshot() {
  // The snapshot is as large as the projections: while the log refuses appends for lack of
  // space it would eat what is left for RocksDB. A restart then loads the rows or rebuilds.
  if (ledger::StorageHealth health = log_->storage(); !health.writable)
    return Status::Unavailable("the projection snapshot is not written: " + health.reason);
  std::string payload;
  uint64_t position;
  Hash last_hash;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    std::ostringstream out;
    {
      cereal::BinaryOutputArchive archive(out);
      archive(projection_, row_hashes_, rows_digest_);
    }
    payload = out.str();
    position = projection_.position();
    last_hash = projection_.last_hash();
  }
  Hash sum = ledger::Sha256(payload);
  // magic | format | position | last event's hash | SHA-256 of the payload | its size | rules.
  // The format stays where format 1 had it, so that any older snapshot is told by its format.
  std::string header(kSnapshotMagic, sizeof kSnapshotMagic);
  uint32_t format = options_.format;
  uint64_t size = payload.size();
  header.append(reinterpret_cast<const char*>(&format), sizeof format);
  header.append(reinterpret_cast<const char*>(&position), sizeof position);
  header.append(ledger::AsBytes(last_hash));
  header.append(ledger::AsBytes(sum));
  header.append(reinterpret_cast<const char*>(&size), sizeof size);
  header.append(ledger::AsBytes(options_.rules));
  const std::string tmp = options_.snapshot_path + ".tmp";
  {
    // Private (0600) whatever the umask: the projections hold personal data.
    LEDGER_ASSIGN_OR_RETURN(int fd, ledger::OpenForWriting(tmp, 0600));
    Status written = ledger::WriteAll(fd, header);
    if (written.ok()) written = ledger::WriteAll(fd, payload);
    if (::close(fd) != 0 && written.ok()) written = Status::Unavailable("cannot close " + tmp);
    if (!written.ok()) {
      ::unlink(tmp.c_str());  // a partial file would only hold space a full disk needs
      return written.Annotate("cannot write the projection snapshot");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, options_.snapshot_path, ec);
  if (ec) return Status::Unavailable("cannot install the projection snapshot: " + ec.message());
  since_snapshot_ = 0;
  return Status::Ok();
}

Status ProjectionRunner::LoadSnapshot(std::string* why) {
  std::ifstream f(options_.snapshot_path, std::ios::binary);
  if (!f) {
    *why = "no snapshot";
    return Status::NotFound(*why);
  }
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  constexpr size_t kHeader = 8 + 4 + 8 + 32 + 32 + 8 + 32;
  uint32_t format = 0;
  if (data.size() < 12 || std::memcmp(data.data(), kSnapshotMagic, 8) != 0) {
    *why = "the snapshot is damaged";
    return Status::DataLoss(*why);
  }
  std::memcpy(&format, data.data() + 8, 4);
  // The format before the rest of the header: the header's layout is the format's.
  LEDGER_RETURN_IF_ERROR(SameFormat(format, why));
  uint64_t position = 0, size = 0;
  Hash last_hash{}, sum{}, rules{};
  if (data.size() >= kHeader) {
    std::memcpy(&position, data.data() + 12, 8);
    std::memcpy(last_hash.data(), data.data() + 20, 32);
    std::memcpy(sum.data(), data.data() + 52, 32);
    std::memcpy(&size, data.data() + 84, 8);
    std::memcpy(rules.data(), data.data() + 92, 32);
  }
  std::string_view payload = std::string_view(data).substr(std::min(data.size(), kHeader));
  if (data.size() < kHeader || payload.size() != size || ledger::Sha256(payload) != sum) {
    *why = "the snapshot is damaged";
    return Status::DataLoss(*why);
  }
  LEDGER_RETURN_IF_ERROR(SameRules(rules, why));
  LEDGER_RETURN_IF_ERROR(Matches(position, last_hash, why));
  LedgerProjection loaded;
  std::unordered_map<std::string, Hash> hashes;
  Hash digest{};
  try {
    std::istringstream in{std::string(payload)};
    cereal::BinaryInputArchive archive(in);
    archive(loaded, hashes, digest);
  } catch (const std::exception& e) {
    *why = std::string("the snapshot does not decode: ") + e.what();
    return Status::DataLoss(*why);
  }
  std::unique_lock<std::shared_mutex> lock(mu_);
  projection_ = std::move(loaded);
  projection_.set_track_touched(true);
  fines_.Clear();
  row_hashes_ = std::move(hashes);
  rows_digest_ = digest;
  position_ = projection_.position();
  return Status::Ok();
}

Status ProjectionRunner::LoadRows(std::string* why) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<ledger::ProjectionCheckpoint> checkpoint,
                          store_->ReadCheckpoint(kName));
  if (!checkpoint || checkpoint->position == 0) {
    *why = checkpoint ? "the stored projection is incomplete" : "no stored projection";
    return Status::NotFound(*why);
  }
  LEDGER_RETURN_IF_ERROR(SameFormat(checkpoint->format, why));
  LEDGER_RETURN_IF_ERROR(SameRules(checkpoint->rules, why));
  LEDGER_RETURN_IF_ERROR(Matches(checkpoint->position, checkpoint->log_hash, why));
  std::map<std::string, TrackedComplaint> complaints;
  Ratings ratings;
  std::unordered_map<std::string, Hash> hashes;
  Hash digest{};
  Status decode;
  LEDGER_RETURN_IF_ERROR(store_->Scan(kName, "", [&](std::string_view key, std::string_view value) {
    Hash h = RowHash(std::string(key), std::string(value));
    hashes[std::string(key)] = h;
    XorInto(digest, h);
    if (key.substr(0, 2) == "t/") {
      TrackedComplaint t;
      decode = Deserialize(value, &t);
      complaints.emplace(std::string(key.substr(2)), std::move(t));
    } else if (key.substr(0, 2) == "r/") {
      std::string_view rest = key.substr(2);
      size_t slash = rest.rfind('/');
      Rating r;
      decode = Deserialize(value, &r);
      ratings[{std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1))}] = r;
    }
    return decode.ok();
  }));
  if (!decode.ok()) {
    *why = decode.message();
    return decode;
  }
  if (ledger::ToHex(digest) != checkpoint->digest) {
    *why = "the stored rows do not match their checkpoint's digest";
    return Status::DataLoss(*why);
  }
  std::unique_lock<std::shared_mutex> lock(mu_);
  projection_.Reset(checkpoint->position, checkpoint->log_hash, std::move(complaints),
                    std::move(ratings));
  fines_.Clear();
  row_hashes_ = std::move(hashes);
  rows_digest_ = digest;
  position_ = checkpoint->position;
  return Status::Ok();
}

Result<CheckReport> ProjectionRunner::Check(const Progress& progress) {
  CheckReport report;
  const uint64_t upto = position_.load();
  LEDGER_ASSIGN_OR_RETURN(LedgerProjection fresh,
                          FoldLogInOrder(*log_, policies(), fallback(), upto, progress));
  Hash rebuilt{};
  for (const auto& [id, t] : fresh.complaints()) {
    std::string key = ComplaintRowKey(id);
    XorInto(rebuilt, RowHash(key, Serialize(t)));
  }
  for (const auto& [dm, r] : fresh.ratings()) {
    std::string key = RatingRowKey(dm.first, dm.second);
    XorInto(rebuilt, RowHash(key, Serialize(r)));
  }
  std::shared_lock<std::shared_mutex> lock(mu_);
  report.position = projection_.position();
  report.current_digest = ledger::ToHex(rows_digest_);
  report.rebuilt_digest = ledger::ToHex(rebuilt);
  const bool same_state = fresh == projection_;
  report.ok = same_state && report.current_digest == report.rebuilt_digest;
  if (!report.ok)
    report.detail = same_state ? "the stored rows differ from a fresh rebuild"
                               : "the projection differs from a fresh fold of the log";
  return report;
}

Result<LedgerProjection> ProjectionRunner::FoldAt(const ledger::domain::FoldOptions& options,
                                                  const ledger::domain::Policy* what_if) {
  uint64_t cut = log_->GetHead().position;
  if (options.known_at) {
    LEDGER_ASSIGN_OR_RETURN(uint64_t first_after, log_->FirstPositionRecordedAtOrAfter(
                                                      *options.known_at + ledger::Duration(1)));
    cut = first_after - 1;
  }
  LedgerProjection p;
  PolicyLookup lookup =
      what_if ? PolicyLookup([what_if](uint32_t) { return what_if; }) : policies();
  const ledger::domain::Policy& fb = what_if ? *what_if : fallback();
  if (cut == 0) return p;
  LEDGER_RETURN_IF_ERROR(log_->ForEach(1, cut, [&](const ledger::RecordedEvent& e) {
    bool visible = !options.as_of || e.occurred_at() <= *options.as_of;
    return p.Apply(e, lookup, fb, visible);
  }));
  return p;
}

}  // namespace projections
