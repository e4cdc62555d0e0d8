#include "projections/ledger_projection.h"

#include <algorithm>
#include <sstream>

#include "ledger/base/capnp_util.h"
#include "ledger/domain/event_view.h"
#include "projections/serialize.h"

namespace projections {

using W = domain::schema::DomainEvent::Which;

namespace {
bool IsComplaintStream(std::string_view stream) { return stream.substr(0, 4) == "CMP-"; }
}  // namespace

LedgerProjection::LedgerProjection(const LedgerProjection& o)
    : position_(o.position_),
      last_hash_(o.last_hash_),
      complaints_(o.complaints_),
      ratings_(o.ratings_),
      track_touched_(o.track_touched_),
      touched_(o.touched_) {
  Reindex();
}

LedgerProjection& LedgerProjection::operator=(const LedgerProjection& o) {
  if (this != &o) *this = LedgerProjection(o);
  return *this;
}

void LedgerProjection::Reindex() {
  run_stream_.clear();
  run_complaint_ = nullptr;
  index_.Clear(complaints_.size());
  for (auto& [id, t] : complaints_) index_.Insert(id, &t);
}

namespace {
uint64_t HashId(std::string_view id) { return std::hash<std::string_view>()(id); }
}  // namespace

TrackedComplaint* LedgerProjection::Index::Find(std::string_view id) const {
  if (slots_.empty()) return nullptr;
  const uint64_t h = HashId(id);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.id == nullptr) return nullptr;
    if (s.hash == h && *s.id == id) return s.complaint;
  }
}

void LedgerProjection::Index::Insert(const std::string& id, TrackedComplaint* t) {
  if (2 * (size_ + 1) > slots_.size()) Grow();
  const uint64_t h = HashId(id);
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  while (slots_[i].id != nullptr) i = (i + 1) & mask;
  slots_[i] = {h, &id, t};
  ++size_;
}

void LedgerProjection::Index::Clear(size_t expected) {
  size_t n = 16;
  while (n < 2 * expected) n *= 2;
  slots_.assign(n, Slot{});
  size_ = 0;
}

void LedgerProjection::Index::Grow() {
  std::vector<Slot> old(std::max<size_t>(16, slots_.size() * 2));
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.id == nullptr) continue;
    size_t i = s.hash & mask;
    while (slots_[i].id != nullptr) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

ledger::Status LedgerProjection::Apply(const ledger::RecordedEvent& event,
                                       const PolicyLookup& policies, const domain::Policy& fallback,
                                       bool visible) {
  if (event.position() != position_ + 1)
    return ledger::Status::Internal("projection at position " + std::to_string(position_) +
                                    " cannot apply position " + std::to_string(event.position()));
  position_ = event.position();
  last_hash_ = event.hash();
  if (!visible) return ledger::Status::Ok();
  TrackedComplaint* complaint = nullptr;
  return Fold(event, policies, fallback, &complaint);
}

ledger::Status LedgerProjection::Fold(const ledger::RecordedEvent& event,
                                      const PolicyLookup& policies, const domain::Policy& fallback,
                                      TrackedComplaint** complaint) {
  std::string_view stream = event.stream();
  if (!event.has_payload() || (!IsComplaintStream(stream) && stream != "ratings"))
    return ledger::Status::Ok();
  LEDGER_ASSIGN_OR_RETURN(domain::EventView view, domain::ViewOf(event));
  if (view.event.which() == W::DEPARTMENT_RATED) {
    auto r = view.event.getDepartmentRated();
    ratings_[{r.getDepartment().cStr(), r.getMonth().cStr()}] =
        Rating{int64_t(r.getScoreHundredths()), event.position()};
    return ledger::Status::Ok();
  }
  TrackedComplaint* found = *complaint;
  if (found == nullptr) found = index_.Find(stream);
  if (found == nullptr) {
    // Complaint ids grow with time, so a new one usually goes last: the hint makes that O(1).
    auto it = complaints_.try_emplace(complaints_.end(), std::string(stream));
    it->second.state.id = it->first;
    found = &it->second;
    index_.Insert(it->first, found);
  }
  *complaint = found;
  TrackedComplaint& t = *found;
  if (!t.state.exists() && view.event.which() != W::RECEIVED)
    return ledger::Status::DataLoss("stream '" + std::string(stream) +
                                    "' does not start with ComplaintReceived");
  ledger::Status folded = ledger::GuardDecode("complaint event", [&] {
    Track(t, view, policies, fallback);
    return ledger::Status::Ok();
  });
  if (!folded.ok()) return folded.Annotate("position " + std::to_string(event.position()));
  if (track_touched_) touched_.emplace_back(stream);
  return ledger::Status::Ok();
}

ledger::Status LedgerProjection::ApplyByStream(std::span<const ledger::RecordedEvent> events,
                                               const PolicyLookup& policies,
                                               const domain::Policy& fallback) {
  if (position_ != 0)
    return ledger::Status::Internal("a fold by stream starts from an empty projection");
  for (const ledger::RecordedEvent& e : events) {
    // The events of a stream come together: the complaint of the last one, unless another began.
    TrackedComplaint* complaint = e.stream() == run_stream_ ? run_complaint_ : nullptr;
    LEDGER_RETURN_IF_ERROR(Fold(e, policies, fallback, &complaint));
    if (complaint != nullptr && complaint != run_complaint_) {
      run_stream_ = e.stream();
      run_complaint_ = complaint;
    }
  }
  return ledger::Status::Ok();
}

void LedgerProjection::FinishByStream(uint64_t position, const ledger::Hash& last_hash) {
  position_ = position;
  last_hash_ = last_hash;
  run_stream_.clear();
  run_complaint_ = nullptr;
}

const TrackedComplaint* LedgerProjection::Find(const std::string& id) const {
  return index_.Find(id);
}

std::string LedgerProjection::Digest() const {
  std::ostringstream out;
  {
    cereal::BinaryOutputArchive archive(out);
    archive(kProjectionFormat, position_, last_hash_, complaints_, ratings_);
  }
  return ledger::ToHex(ledger::Sha256(out.str()));
}

std::vector<std::string> LedgerProjection::TakeTouched() {
  std::vector<std::string> out;
  out.swap(touched_);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace projections
