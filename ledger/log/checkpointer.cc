#include "ledger/log/checkpointer.h"

#include <cstdio>

namespace ledger {

Checkpointer::Checkpointer(EventLog* log, note::NoteSigner signer, Clock* clock,
                           std::chrono::milliseconds interval)
    : log_(log), signer_(std::move(signer)), clock_(clock), interval_(interval) {}

Checkpointer::~Checkpointer() { Stop(); }

Status Checkpointer::CosignWith(note::NoteSigner previous) {
  if (previous.name() != signer_.name())
    return Status::InvalidArgument("the previous key is named " + previous.name() +
                                   ", the log's origin is " + signer_.name());
  if (previous.key_id() == signer_.key_id())
    return Status::InvalidArgument("the previous key is the signing key itself");
  std::lock_guard<std::mutex> lock(sign_mu_);
  previous_ = std::move(previous);
  return Status::Ok();
}

void Checkpointer::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Checkpointer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::Loop() {
  std::string last_problem;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Result<StoredCheckpoint> signed_now = SignNow();
    // Said once, not every interval, until it changes.
    std::string problem = signed_now.ok() ? "" : signed_now.status().ToString();
    if (!problem.empty() && problem != last_problem)
      std::fprintf(stderr, "ledger: signing a checkpoint: %s\n", problem.c_str());
    last_problem = problem;
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

Result<StoredCheckpoint> Checkpointer::SignNow() {
  std::lock_guard<std::mutex> lock(sign_mu_);
  const uint64_t size = log_->GetHead().position;
  LEDGER_ASSIGN_OR_RETURN(std::optional<StoredCheckpoint> latest, log_->LatestCheckpoint());
  if (latest && latest->size == size) return *latest;
  LEDGER_ASSIGN_OR_RETURN(Hash root, log_->TreeRoot(size));
  // Never two inconsistent checkpoints: the new tree must extend the last signed one, proved
  // the way any reader would prove it, before a signature exists.
  if (latest && latest->size > 0) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<Hash> proof, log_->ConsistencyProof(latest->size, size));
    Status consistent = merkle::VerifyConsistency(latest->size, size, proof, latest->root, root);
    if (!consistent.ok())
      return Status::DataLoss("the log does not extend its last checkpoint (size " +
                              std::to_string(latest->size) + "): " + consistent.message() +
                              "; nothing signed");
  }
  const Time now = clock_->Now();
  std::vector<const note::NoteSigner*> signers{&signer_};
  if (previous_) signers.push_back(&*previous_);
  LEDGER_ASSIGN_OR_RETURN(
      std::string note,
      note::SignWithAll(note::CheckpointText({signer_.name(), size, root}), signers));
  // The first checkpoint of each hour joins the series.
  const auto hour = [](Time t) { return std::chrono::floor<std::chrono::hours>(t); };
  if (!series_read_) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<StoredCheckpoint> series, log_->CheckpointSeries());
    if (!series.empty()) series_hour_ = hour(series.back().signed_at);
    series_read_ = true;
  }
  // The first this checkpointer signs joins it too: after a key change (a rotation, co-signed)
  // that is the checkpoint a reader of the old key needs, kept forever.
  const bool in_series = !signed_any_ || !series_hour_ || *series_hour_ != hour(now);
  LEDGER_RETURN_IF_ERROR(log_->StoreCheckpoint(size, root, now, note, in_series));
  if (in_series) series_hour_ = hour(now);
  signed_any_ = true;
  return StoredCheckpoint{size, root, now, std::move(note)};
}

}  // namespace ledger
