#include "projections/fine_index.h"

#include <algorithm>
#include <map>

namespace projections {
namespace {

using std::chrono::microseconds;
constexpr int64_t kDay = int64_t(86400) * 1000000;
// How far ahead an overdue clock is looked at; past it, the complaint is simply evaluated again.
constexpr auto kHorizon = std::chrono::hours(24 * 60);

int64_t DayOf(int64_t micros) { return micros / kDay - (micros % kDay < 0 ? 1 : 0); }

// When the lines FineLines gives at `now` can next differ with no event in between (the
// function's only other input is the evaluation time):
//  - a clock falls due (a pending clock is missed after its deadline);
//  - an overdue period starts (a missed, unmet closure clock accrues a line a period, up to the
//    last tier; a period starting at t accrues from just after t);
//  - facts dated ahead of `now` come into view: an event may have occurred up to future_skew after
//    it was recorded, so until `now` is that far past the last recording, nothing is kept.
Time Until(const domain::ComplaintState& s, const domain::Policy& own,
           const domain::Policy& fallback, const std::vector<domain::ClockResult>& clocks,
           Time now) {
  const Time soonest = now + microseconds(1);
  if (now <= s.last_recorded_at + std::max(own.future_skew, fallback.future_skew)) return soonest;
  Time until = Time::max();
  auto at = [&](Time t) { until = std::min(until, std::max(t, soonest)); };
  for (const domain::ClockResult& c : clocks) {
    if (!c.due) continue;
    if (*c.due >= now) at(*c.due);
    if (c.kind != domain::ClockKind::kClosure || c.state != domain::ClockState::kMissed || c.met)
      continue;
    const std::vector<Time> starts = domain::OverduePeriodStarts(*c.due, now + kHorizon, s.pauses);
    const size_t tiers = size_t(std::max<int64_t>(own.fines.last_tier_day(), 0));
    bool found = false;
    for (size_t i = 0; i < starts.size() && i < tiers && !found; ++i)
      if (starts[i] >= now) at(starts[i] + microseconds(1)), found = true;
    if (!found && starts.size() < tiers) at(now + kHorizon);
  }
  return until;
}

// Compares `c1:s1` with `c2:s2` (line ids: complaint id, colon, suffix) without building them.
int CompareIds(std::string_view c1, std::string_view s1, std::string_view c2, std::string_view s2) {
  if (c1 == c2) return s1.compare(s2);
  const size_t n = std::min(c1.size(), c2.size());
  if (int r = c1.substr(0, n).compare(c2.substr(0, n)); r != 0) return r;
  // One id is a prefix of the other (never so for the ledger's own ids): compare them whole.
  return (std::string(c1) + ":" + std::string(s1)).compare(std::string(c2) + ":" + std::string(s2));
}

}  // namespace

void FineIndex::Reset() {
  slots_.clear();
  slot_of_.clear();
  days_.clear();
  due_ = {};
  dirty_.clear();
  indexed_.clear();
  names_.clear();
  suffixes_.clear();
  name_ids_.clear();
  suffix_ids_.clear();
  lists_.clear();
  lines_ = 0;
  now_ = INT64_MIN;
}

void FineIndex::StartOver() {
  if (!slots_.empty()) ++restarts_;
  Reset();
}

void FineIndex::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  Reset();
  position_ = 0;
  fallback_ = nullptr;
  projection_ = nullptr;
}

void FineIndex::Touch(const LedgerProjection& projection, uint64_t from,
                      const std::vector<std::string>& ids) {
  std::lock_guard<std::mutex> lock(mu_);
  if (from != position_ || projection_ != &projection) StartOver();  // what it kept may be stale
  projection_ = &projection;
  position_ = projection.position();
  if (indexed_.empty()) return;  // nothing kept: the first query indexes what it needs
  for (const std::string& id : ids) {
    const TrackedComplaint* t = projection.Find(id);
    if (t == nullptr) continue;
    Slot& slot = slots_[SlotOf(*t)];
    if (slot.dirty) continue;
    slot.dirty = true;
    dirty_.push_back(uint32_t(&slot - slots_.data()));
  }
}

FineIndex::Stats FineIndex::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {slots_.size(), lines_, evaluations_, restarts_};
}

uint32_t FineIndex::SlotOf(const TrackedComplaint& tracked) {
  auto [it, fresh] = slot_of_.try_emplace(&tracked, uint32_t(slots_.size()));
  if (fresh) slots_.push_back(Slot{&tracked, kNever, false, {}});
  return it->second;
}

uint32_t FineIndex::Intern(std::unordered_map<std::string, uint32_t>& ids,
                           std::vector<std::string>& names, const std::string& name) {
  auto [it, fresh] = ids.try_emplace(name, uint32_t(names.size()));
  if (fresh) names.push_back(name);
  return it->second;
}

void FineIndex::Names(const std::vector<std::string>& names, uint32_t& at, uint16_t& n) {
  n = uint16_t(std::min<size_t>(names.size(), UINT16_MAX));
  if (n == 1) {
    at = Intern(name_ids_, names_, names[0]);
    return;
  }
  at = uint32_t(lists_.size());
  for (size_t i = 0; i < n; ++i) lists_.push_back(Intern(name_ids_, names_, names[i]));
}

bool FineIndex::Names(const Line& l, uint16_t Line::*n, uint32_t Line::*at, uint32_t wanted) const {
  if (l.*n == 1) return l.*at == wanted;
  for (uint32_t i = 0; i < l.*n; ++i)
    if (lists_[l.*at + i] == wanted) return true;
  return false;
}

void FineIndex::Remove(Slot& slot) {
  for (size_t k = 0; k < slot.where.size(); ++k) {
    const auto [day, index] = slot.where[k];
    std::vector<Line>& lines = days_[day];
    if (index + 1 != lines.size()) {
      lines[index] = lines.back();
      const Line& moved = lines[index];
      slots_[moved.slot].where[moved.ordinal].second = index;
    }
    lines.pop_back();
  }
  lines_ -= slot.where.size();
  slot.where.clear();
}

void FineIndex::Evaluate(const Scope& scope, uint32_t index) {
  Slot& slot = slots_[index];
  Remove(slot);
  slot.dirty = false;
  slot.until = kNever;
  ++evaluations_;
  const domain::ComplaintState& s = slot.tracked->state;
  if (!s.exists()) return;
  const domain::Policy& own = OwnPolicy(s, scope.policies, scope.fallback);
  const std::vector<domain::ClockResult> clocks =
      ClocksOf(s, scope.policies, scope.fallback, scope.now);
  const std::vector<domain::FineLine> lines = domain::FineLines(s, own, clocks, scope.now);
  slot.where.reserve(lines.size());
  for (size_t k = 0; k < lines.size(); ++k) {
    const domain::FineLine& f = lines[k];
    Line l;
    l.accrued = ledger::ToMicros(f.accrued);
    l.amount = f.amount;
    l.slot = index;
    l.ordinal = uint32_t(k);
    l.suffix = Intern(suffix_ids_, suffixes_, f.id.substr(std::min(f.id.size(), s.id.size() + 1)));
    Names(f.people, l.people, l.people_n);
    Names(f.departments, l.departments, l.departments_n);
    l.waived = f.waived;
    const int64_t d = DayOf(l.accrued);
    std::vector<Line>& day = days_[d];
    slot.where.emplace_back(d, uint32_t(day.size()));
    day.push_back(l);
  }
  lines_ += lines.size();
  const Time until = Until(s, own, scope.fallback, clocks, scope.now);
  if (until != Time::max()) {
    slot.until = ledger::ToMicros(until);
    due_.emplace(slot.until, index);
  }
}

std::string FineIndex::IdOf(const Line& l) const {
  return slots_[l.slot].tracked->state.id + ":" + suffixes_[l.suffix];
}

bool FineIndex::Before(const Line& a, const Line& b) const {
  if (a.accrued != b.accrued) return a.accrued < b.accrued;
  return CompareIds(slots_[a.slot].tracked->state.id, suffixes_[a.suffix],
                    slots_[b.slot].tracked->state.id, suffixes_[b.suffix]) < 0;
}

void FineIndex::Follow(const Scope& scope) {
  if (fallback_ != &scope.fallback || projection_ != &scope.projection ||
      scope.projection.position() != position_) {
    // Another policy in force, another projection, or one that moved without Touch(): start over.
    StartOver();
    fallback_ = &scope.fallback;
    projection_ = &scope.projection;
    position_ = scope.projection.position();
  }
}

ledger::Result<FinePage> FineIndex::Query(const Scope& scope, const FineQuery& q) {
  std::lock_guard<std::mutex> lock(mu_);
  Follow(scope);
  // What it keeps holds from now_ on, not before. Requests that read the clock a moment apart can
  // reach the index in the other order: up to kLateness late, the answer is as of now_ (and says
  // so); a clock that stepped back further makes it start over.
  Scope at = scope;
  const int64_t now = ledger::ToMicros(scope.now);
  if (now < now_ && now_ - now <= kLateness)
    at.now = ledger::FromMicros(now_);
  else if (now < now_)
    StartOver();
  now_ = ledger::ToMicros(at.now);
  ledger::Result<FinePage> page = Answer(at, q);
  if (!page.ok() && page.status().code() == ledger::Code::kInternal) {
    StartOver();  // should not happen: never answer from an index that disagrees with a complaint
    return FinesPage(scope, q);
  }
  if (page.ok()) page->evaluated_at = at.now;
  return page;
}

void FineIndex::Warm(const Scope& scope, const std::vector<Period>& months) {
  std::lock_guard<std::mutex> lock(mu_);
  Follow(scope);
  const int64_t now = ledger::ToMicros(scope.now);
  if (now < now_) return;  // a query at a later time came first: it knows better
  now_ = now;
  for (const Period& month : months)
    if (!Answer(scope, {month, "", "", "", 0}).ok()) StartOver();
}

ledger::Result<FinePage> FineIndex::Answer(const Scope& scope, const FineQuery& q) {
  CatchUp(scope);
  const Micros period{ledger::ToMicros(q.month.start), ledger::ToMicros(q.month.end)};
  IndexMonth(scope, q.month, period);
  std::vector<const Line*> kept = MonthLines(q, period);
  FinePage page;
  FinesReport& r = page.report;
  r.month = q.month.key;
  page.line_count = kept.size();
  TallyLines(kept, r);
  LEDGER_ASSIGN_OR_RETURN(const bool more, KeepPage(q, kept));
  LEDGER_RETURN_IF_ERROR(FillLines(scope, kept, r));
  if (more && !r.lines.empty()) page.next_cursor = LineCursorOf(r.lines.back());
  return page;
}

// 1. Bring the kept lines up to `now`: complaints touched since, then those that fell due.
void FineIndex::CatchUp(const Scope& scope) {
  const int64_t now = now_;
  for (uint32_t slot : dirty_)
    if (slots_[slot].dirty) Evaluate(scope, slot);
  dirty_.clear();
  while (!due_.empty() && due_.top().first <= now) {
    const auto [until, slot] = due_.top();
    due_.pop();
    // A stale entry (the complaint was evaluated again since, with another `until`) is skipped.
    if (slots_[slot].until == until) Evaluate(scope, slot);
  }
  if (due_.size() > 2 * slots_.size() + 4096) {  // drop the entries of re-evaluated complaints
    due_ = {};
    for (uint32_t i = 0; i < slots_.size(); ++i)
      if (slots_[i].until != kNever) due_.emplace(slots_[i].until, i);
  }
}

// 2. The first query of a month indexes every complaint that may accrue in it.
void FineIndex::IndexMonth(const Scope& scope, const Period& month, const Micros& period) {
  if (indexed_.contains(period)) return;
  for (const auto& [id, t] : scope.projection.complaints())
    if (t.state.exists() && !slot_of_.contains(&t) && MayAccrueIn(t.state, month.start, month.end))
      Evaluate(scope, SlotOf(t));
  indexed_.insert(period);
}

// 3. The month's lines after the filters (unordered).
std::vector<const FineIndex::Line*> FineIndex::MonthLines(const FineQuery& q,
                                                          const Micros& period) const {
  constexpr uint32_t kNone = UINT32_MAX;
  auto wanted = [&](const std::string& name) {
    if (name.empty()) return kNone;
    auto it = name_ids_.find(name);
    return it == name_ids_.end() ? kNone - 1 : it->second;  // kNone - 1: a name on no line
  };
  const uint32_t person = wanted(q.person), department = wanted(q.department);
  std::vector<const Line*> kept;
  // period.second - 1 only when the period is not empty: the last day it touches.
  for (int64_t d = DayOf(period.first);
       period.second > period.first && d <= DayOf(period.second - 1); ++d) {
    auto it = days_.find(d);
    if (it == days_.end()) continue;
    for (const Line& l : it->second) {
      if (l.accrued < period.first || l.accrued >= period.second) continue;
      if (person != kNone && !Names(l, &Line::people_n, &Line::people, person)) continue;
      if (department != kNone && !Names(l, &Line::departments_n, &Line::departments, department))
        continue;
      kept.push_back(&l);
    }
  }
  return kept;
}

// 3. And their tallies: in total, by person and by department.
void FineIndex::TallyLines(const std::vector<const Line*>& kept, FinesReport& r) const {
  std::vector<Tally> by_person(names_.size()), by_department(names_.size());
  for (const Line* l : kept) {
    const domain::Money amount = std::max<domain::Money>(l->amount, 0);  // -1: no fixed amount
    auto add = [&](Tally& t) {
      (l->waived ? t.waived : t.total) += amount;
      ++t.lines;
    };
    for (uint32_t i = 0; i < l->people_n; ++i)
      add(by_person[l->people_n == 1 ? l->people : lists_[l->people + i]]);
    for (uint32_t i = 0; i < l->departments_n; ++i)
      add(by_department[l->departments_n == 1 ? l->departments : lists_[l->departments + i]]);
    (l->waived ? r.waived : r.total) += amount;
  }
  for (size_t i = 0; i < names_.size(); ++i) {
    if (by_person[i].lines > 0) r.by_person.emplace(names_[i], by_person[i]);
    if (by_department[i].lines > 0) r.by_department.emplace(names_[i], by_department[i]);
  }
}

// 4. The page: the first `limit` lines after the cursor, in the order (instant, id). Leaves them
// in `kept`; true when more lines follow.
ledger::Result<bool> FineIndex::KeepPage(const FineQuery& q, std::vector<const Line*>& kept) const {
  if (!q.cursor.empty()) {
    LEDGER_ASSIGN_OR_RETURN(LineCursor after, ParseLineCursor(q.cursor));
    const int64_t at = ledger::ToMicros(after.accrued);
    std::erase_if(kept, [&](const Line* l) {
      return l->accrued < at || (l->accrued == at && IdOf(*l) <= after.id);
    });
  }
  auto before = [this](const Line* a, const Line* b) { return Before(*a, *b); };
  const bool more = kept.size() > q.limit;
  if (more) {
    std::nth_element(kept.begin(), kept.begin() + std::ptrdiff_t(q.limit), kept.end(), before);
    kept.resize(q.limit);
  }
  std::sort(kept.begin(), kept.end(), before);
  return more;
}

// 5. The page's lines in full, from their complaints' FineLines at `now` (as they were kept).
ledger::Status FineIndex::FillLines(const Scope& scope, const std::vector<const Line*>& kept,
                                    FinesReport& r) const {
  std::map<uint32_t, std::vector<size_t>> by_slot;  // slot -> indexes in the page
  for (size_t i = 0; i < kept.size(); ++i) by_slot[kept[i]->slot].push_back(i);
  r.lines.resize(kept.size());
  for (const auto& [slot, at] : by_slot) {
    const domain::ComplaintState& s = slots_[slot].tracked->state;
    const domain::Policy& own = OwnPolicy(s, scope.policies, scope.fallback);
    std::vector<domain::FineLine> lines = domain::FineLines(
        s, own, ClocksOf(s, scope.policies, scope.fallback, scope.now), scope.now);
    for (size_t i : at) {
      const Line& l = *kept[i];
      // Checked, not assumed: an index that disagrees with the complaint must not answer
      // (Query starts over on Internal).
      if (l.ordinal >= lines.size() || lines[l.ordinal].id != IdOf(l))
        return ledger::Status::Internal("the fine index disagrees with complaint " + s.id);
      r.lines[i] = std::move(lines[l.ordinal]);
    }
  }
  return ledger::Status::Ok();
}

}  // namespace projections
