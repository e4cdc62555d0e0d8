// LedgerProjection: the fold of the whole log that the persisted projections are made of — every
// complaint (tracked: state and event findings) and the departments' platform ratings — with the
// position it reached.
//
// Pure: Apply() folds one event with the policies it is given; queries (reports.h) are computed
// from it at an evaluation time. Copyable; serializable with cereal (serialize.h) for snapshots.
//
// Thread-safety: not thread-safe; the runner guards it.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/log/recorded_event.h"
#include "projections/reports.h"
#include "projections/tracked.h"

namespace projections {

class LedgerProjection {
 public:
  LedgerProjection() = default;
  LedgerProjection(const LedgerProjection& o);
  LedgerProjection& operator=(const LedgerProjection& o);
  LedgerProjection(LedgerProjection&&) noexcept = default;  // map nodes keep their addresses
  LedgerProjection& operator=(LedgerProjection&&) noexcept = default;

  // Folds the event at position() + 1. Events of other kinds than complaints and ratings are
  // skipped; a position out of order is Internal, a damaged payload DataLoss.
  // With `visible` false the event only advances the position (as-of / known-at folds).
  ledger::Status Apply(const ledger::RecordedEvent& event, const PolicyLookup& policies,
                       const domain::Policy& fallback, bool visible = true);

  // A rebuild from the stream index (EventLog::ForEachByStream): the events of whole streams,
  // each stream's in version order, the streams in any order. A complaint's fold reads its own
  // events and the policies only, and the ratings are one stream, so once every event up to the
  // log's head is in, this is the log-order fold; FinishByStream() then sets the head's position
  // and hash, as the log-order fold would have. Starts from an empty projection (position 0,
  // which it keeps until FinishByStream()); the scan checks the positions.
  ledger::Status ApplyByStream(std::span<const ledger::RecordedEvent> events,
                               const PolicyLookup& policies, const domain::Policy& fallback);
  void FinishByStream(uint64_t position, const ledger::Hash& last_hash);

  uint64_t position() const { return position_; }
  ledger::Hash last_hash() const { return last_hash_; }

  const std::map<std::string, TrackedComplaint>& complaints() const { return complaints_; }
  const TrackedComplaint* Find(const std::string& id) const;
  const Ratings& ratings() const { return ratings_; }

  // SHA-256 (hex) over the canonical serialization of the whole state: equal digests, equal states.
  std::string Digest() const;

  // Replaces the whole state (loading persisted rows).
  void Reset(uint64_t position, ledger::Hash last_hash,
             std::map<std::string, TrackedComplaint> complaints, Ratings ratings) {
    position_ = position;
    last_hash_ = last_hash;
    complaints_ = std::move(complaints);
    ratings_ = std::move(ratings);
    touched_.clear();
    Reindex();
  }

  // Whether Apply() remembers the complaints it touched, for TakeTouched(). Off by default: a fold
  // that only wants its result (a rebuild, an as-of or what-if fold) need not pay for it.
  void set_track_touched(bool on) {
    track_touched_ = on;
    if (!on) touched_.clear();
  }

  // The complaints touched since the last call (for persisting their rows), sorted, each once,
  // then forgotten. The runner takes them after every batch of events.
  std::vector<std::string> TakeTouched();

  bool operator==(const LedgerProjection& o) const {
    return position_ == o.position_ && last_hash_ == o.last_hash_ && complaints_ == o.complaints_ &&
           ratings_ == o.ratings_;
  }

  template <class A>
  void serialize(A& a) {
    a(position_, last_hash_, complaints_, ratings_);
    if constexpr (A::is_loading::value) Reindex();
  }

 private:
  // Folds `event` into its complaint (or the ratings), without the position: `*complaint` is the
  // event's complaint if the caller knows it (else null: found by id, or made), and is set to
  // it.
  ledger::Status Fold(const ledger::RecordedEvent& event, const PolicyLookup& policies,
                      const domain::Policy& fallback, TrackedComplaint** complaint);
  void Reindex();

  uint64_t position_ = 0;
  ledger::Hash last_hash_ = ledger::kZeroHash;
  std::map<std::string, TrackedComplaint> complaints_;  // by id: deterministic order

  // complaints_ by id again, hashed: a fold looks a complaint up for every event, and a tree of a
  // million string keys costs a cache miss per level. Open addressing over one flat array of
  // (hash, node): a lookup reads one slot and then the complaint's own map node (whose key it
  // compares), which the fold reads next anyway; std::unordered_map read a bucket, a list node
  // and then the key, and took a quarter of a rebuild of a million complaints.
  class Index {
   public:
    TrackedComplaint* Find(std::string_view id) const;
    void Insert(const std::string& id, TrackedComplaint* t);  // id: the key in complaints_
    void Clear(size_t expected);

   private:
    struct Slot {
      uint64_t hash = 0;
      const std::string* id = nullptr;  // null: free
      TrackedComplaint* complaint = nullptr;
    };
    void Grow();
    std::vector<Slot> slots_;
    size_t size_ = 0;
  };
  Index index_;
  Ratings ratings_;
  bool track_touched_ = false;
  std::vector<std::string> touched_;  // one entry per event applied since TakeTouched()
  std::string run_stream_;            // ApplyByStream: the stream of the last event folded,
  TrackedComplaint* run_complaint_ = nullptr;  // and its complaint
};

}  // namespace projections
