#include "projections/ledger_projection.h"

#include <algorithm>
#include <sstream>

#include "ledger/capnp_util.h"
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
  index_.clear();
  index_.reserve(complaints_.size());
  for (auto& [id, t] : complaints_) index_.emplace(id, &t);
}

ledger::Status LedgerProjection::Apply(const ledger::RecordedEvent& event,
                                       const PolicyLookup& policies,
                                       const domain::Policy& fallback, bool visible) {
  if (event.position() != position_ + 1)
    return ledger::Status::Internal("projection at position " + std::to_string(position_) +
                                    " cannot apply position " + std::to_string(event.position()));
  position_ = event.position();
  last_hash_ = event.hash();
  std::string_view stream = event.stream();
  if (!visible || !event.has_payload() || (!IsComplaintStream(stream) && stream != "ratings"))
    return ledger::Status::Ok();
  LEDGER_ASSIGN_OR_RETURN(domain::EventView view, domain::ViewOf(event));
  if (view.event.which() == W::DEPARTMENT_RATED) {
    auto r = view.event.getDepartmentRated();
    ratings_[{r.getDepartment().cStr(), r.getMonth().cStr()}] =
        Rating{int64_t(r.getScoreHundredths()), event.position()};
    return ledger::Status::Ok();
  }
  auto found = index_.find(stream);
  if (found == index_.end()) {
    auto it = complaints_.try_emplace(std::string(stream)).first;
    it->second.state.id = it->first;
    found = index_.emplace(it->first, &it->second).first;
  }
  TrackedComplaint& t = *found->second;
  if (!t.state.exists() && view.event.which() != W::RECEIVED)
    return ledger::Status::DataLoss("stream '" + std::string(stream) +
                                    "' does not start with ComplaintReceived");
  LEDGER_RETURN_IF_ERROR(ledger::GuardDecode("complaint event", [&] {
    Track(t, view, policies, fallback);
    return ledger::Status::Ok();
  }).Annotate("position " + std::to_string(event.position())));
  if (track_touched_) touched_.emplace_back(stream);
  return ledger::Status::Ok();
}

const TrackedComplaint* LedgerProjection::Find(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : it->second;
}

std::string LedgerProjection::Digest() const {
  std::ostringstream out;
  {
    cereal::BinaryOutputArchive archive(out);
    archive(kSnapshotFormat, position_, last_hash_, complaints_, ratings_);
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
