// FineIndex: the fine lines of a kept projection's complaints, evaluated once and kept until they
// can change, so that a month's tally and a page of its lines cost a pass over that month's lines
// instead of evaluating the clocks of every complaint behind them (FinesPage, the reference).
//
// A complaint's lines (domain::FineLines) change only when
//   (a) an event changes the complaint: the owner says which (Touch, with the runner's batches);
//   (b) time passes a point where a clock falls due, an overdue period starts, or a fact recorded
//       with a time slightly in the future (the policy's future_skew) comes into view.
// So the index keeps, per complaint, its lines in a compact form (instant, amount, names interned)
// bucketed by day, and the instant until which they hold; a query first re-evaluates the
// complaints touched since the last one and those whose instant has passed (a queue by instant),
// then reads the days of the month. A month is indexed the first time it is asked for (every
// complaint that may accrue in it, MayAccrueIn); afterwards only changes cost anything. The page's
// lines are rebuilt in full (FineLines of their complaints) so they are exactly the reference's.
//
// The index follows one projection: the owner calls Touch() for every batch it applies and Clear()
// whenever it replaces the projection's contents. It starts over by itself (never answering from
// what may be stale) on a query of another projection object, or of one at another position than
// the last Touch() named; on a Touch() whose batch does not start where the last one ended; and on
// a query whose evaluation time is more than kLateness earlier than a previous query's (a clock
// stepped back: what it keeps holds from that time on only).
//
// Thread-safety: every method may be called from any thread (an internal mutex); the projection
// must not change during a Query() (the runner holds its shared lock).
#pragma once

#include <cstdint>
#include <mutex>
#include <queue>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "projections/queries.h"

namespace projections {

class FineIndex {
 public:
  // The complaints that the events after position `from` up to `projection.position()` touched
  // (each id at least once), as the owner has just applied them to `projection`.
  void Touch(const LedgerProjection& projection, uint64_t from,
             const std::vector<std::string>& ids);

  // Forgets everything: the projection was replaced.
  void Clear();

  // Equals FinesPage(scope, query), except that a query up to kLateness earlier than a previous
  // one is answered as of that one's time (`evaluated_at` says which).
  ledger::Result<FinePage> Query(const Scope& scope, const FineQuery& query);
  static constexpr int64_t kLateness = 1000000;  // microseconds

  // Indexes `months` at scope.now ahead of their first query (what that query would do), unless
  // a query at a later time came first.
  void Warm(const Scope& scope, const std::vector<Period>& months);

  struct Stats {
    size_t complaints = 0;     // complaints whose lines are kept
    size_t lines = 0;          // lines kept
    uint64_t evaluations = 0;  // complaints evaluated so far (touched, due, indexing a month)
    uint64_t restarts = 0;     // times it dropped what it kept, unasked (see above)
  };
  Stats stats() const;

 private:
  static constexpr int64_t kNever = INT64_MAX;

  // One line, compact: what a tally, a filter and the page order need.
  struct Line {
    int64_t accrued = 0;                   // microseconds
    domain::Money amount = 0;              // as FineLines gives it (-1: no fixed amount)
    uint32_t slot = 0;                     // its complaint
    uint32_t ordinal = 0;                  // its index in its complaint's FineLines
    uint32_t suffix = 0;                   // its id after "<complaint>:" (interned)
    uint32_t people = 0, departments = 0;  // one name (interned), or an offset into lists_
    uint16_t people_n = 0, departments_n = 0;
    bool waived = false;
  };
  struct Slot {
    const TrackedComplaint* tracked = nullptr;
    int64_t until = kNever;  // the lines hold while the evaluation time is before this
    bool dirty = false;      // touched since it was evaluated
    std::vector<std::pair<int64_t, uint32_t>> where;  // per line (by ordinal): day, index in it
  };

  void Reset();
  void StartOver();                 // Reset(), counted when something was kept
  void Follow(const Scope& scope);  // starts over unless it follows scope's projection as it is
  uint32_t SlotOf(const TrackedComplaint& tracked);
  void Evaluate(const Scope& scope, uint32_t slot);
  void Remove(Slot& slot);
  ledger::Result<FinePage> Answer(const Scope& scope, const FineQuery& query);
  // The steps of Answer. A period is [start, end) in microseconds.
  using Micros = std::pair<int64_t, int64_t>;
  void CatchUp(const Scope& scope);
  void IndexMonth(const Scope& scope, const Period& month, const Micros& period);
  std::vector<const Line*> MonthLines(const FineQuery& query, const Micros& period) const;
  void TallyLines(const std::vector<const Line*>& kept, FinesReport& report) const;
  ledger::Result<bool> KeepPage(const FineQuery& query, std::vector<const Line*>& kept) const;
  ledger::Status FillLines(const Scope& scope, const std::vector<const Line*>& page,
                           FinesReport& report) const;
  uint32_t Intern(std::unordered_map<std::string, uint32_t>& ids, std::vector<std::string>& names,
                  const std::string& name);
  void Names(const std::vector<std::string>& names, uint32_t& at, uint16_t& n);
  bool Names(const Line& l, uint16_t Line::*n, uint32_t Line::*at, uint32_t wanted) const;
  bool Before(const Line& a, const Line& b) const;
  std::string IdOf(const Line& l) const;

  mutable std::mutex mu_;
  std::vector<Slot> slots_;
  std::unordered_map<const TrackedComplaint*, uint32_t> slot_of_;
  std::unordered_map<int64_t, std::vector<Line>> days_;  // by UTC day of `accrued`
  using Due = std::pair<int64_t, uint32_t>;              // (until, slot)
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
  std::vector<uint32_t> dirty_;                    // slots touched since the last query
  std::set<std::pair<int64_t, int64_t>> indexed_;  // periods [start, end) fully indexed
  std::vector<std::string> names_, suffixes_;
  std::unordered_map<std::string, uint32_t> name_ids_, suffix_ids_;
  std::vector<uint32_t> lists_;  // name lists of lines naming other than one person/department
  size_t lines_ = 0;
  int64_t now_ = INT64_MIN;                       // the latest evaluation time
  const LedgerProjection* projection_ = nullptr;  // the projection it follows
  uint64_t position_ = 0;                         // the projection's position the index has seen
  const domain::Policy* fallback_ = nullptr;
  uint64_t evaluations_ = 0, restarts_ = 0;
};

}  // namespace projections
