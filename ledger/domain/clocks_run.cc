// RunClock walks one clock's history in time order. Its state: the deadline `due_` (not counting
// a pause still open), the level in force, whether the deadline was already missed when a level
// changed (then it is frozen), the paused time counted so far, and whether an extension moved it.
#include "ledger/domain/clocks_run.h"

#include <algorithm>

namespace ledger::domain::clocks_internal {
namespace {

class Walk {
 public:
  Walk(const ClockSpec& spec, Time as_of) : s_(spec), as_of_(as_of) {}
  ClockResult Run();

 private:
  enum class Type { kPauseStart, kPauseEnd, kDecision, kLevel };
  struct Event {
    Time at;
    uint64_t position;
    Type type;
    size_t index;
  };

  // Events after the clock was met do not change it; up to as_of otherwise.
  bool Counts(Time at) const { return s_.met ? at < s_.met->at : at <= as_of_; }
  Time Horizon() const { return s_.met ? s_.met->at : as_of_; }
  std::vector<Event> Events() const;
  Time CurrentDue(Time at) const { return open_ ? due_ + (at - open_since_) : due_; }
  std::string Fmt(Time t) const { return FormatRfc3339(t, s_.utc_offset); }
  void Note(std::string text) { out_.why.notes.push_back(std::move(text)); }
  void Position(uint64_t p) { out_.why.events.push_back(p); }

  void CountPauseUntil(Time at);
  void OnPauseStart(const Event& e);
  void OnPauseEnd(const Event& e);
  void OnDecision(const Event& e);
  void OnLevel(const Event& e);
  void NoteUndecided();
  void Finish();

  const ClockSpec& s_;
  Time as_of_;
  ClockResult out_;
  Time due_{};
  Level level_ = Level::kGeneral;
  bool frozen_ = false;         // missed before a level change: stays missed
  bool extended_ = false;       // an approved extension moved the deadline
  std::optional<size_t> open_;  // the pause currently counting
  Time open_from_{};            // where that pause's counted part began
  Time open_since_{};           // how far it has been added to due_
  Duration paused_{0};          // paused time counted so far
};

std::vector<Walk::Event> Walk::Events() const {
  std::vector<Event> events;
  for (size_t i = 0; i < s_.pauses.size(); ++i) {
    const PauseFact& p = s_.pauses[i];
    if (p.end && p.end->at <= s_.start) continue;  // entirely before the clock ran
    Time from = std::max(p.start.at, s_.start);
    if (Counts(from)) events.push_back({from, p.start.position, Type::kPauseStart, i});
    if (p.end && Counts(p.end->at))
      events.push_back({p.end->at, p.end->position, Type::kPauseEnd, i});
  }
  for (size_t i = 0; i < s_.extensions.size(); ++i) {
    const ExtensionFact& x = s_.extensions[i];
    if (x.decided && Counts(x.decided->at))
      events.push_back({x.decided->at, x.decided->position, Type::kDecision, i});
  }
  for (size_t i = 0; i < s_.changes.size(); ++i)
    if (Counts(s_.changes[i].when.at))
      events.push_back({s_.changes[i].when.at, s_.changes[i].when.position, Type::kLevel, i});
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.at != b.at ? a.at < b.at : a.position < b.position;
  });
  return events;
}

void Walk::CountPauseUntil(Time at) {
  due_ += at - open_since_;
  paused_ += at - open_since_;
  open_since_ = at;
}

void Walk::OnPauseStart(const Event& e) {
  if (frozen_ || open_) return;  // a missed clock no longer moves; overlapping pauses merge
  const PauseFact& p = s_.pauses[e.index];
  Position(p.start.position);
  if (e.at >= due_) {
    Note("pause from " + Fmt(e.at) + " (event " + std::to_string(p.start.position) +
         ") began at or after the deadline: not counted");
    return;
  }
  open_ = e.index;
  open_from_ = open_since_ = e.at;
}

void Walk::OnPauseEnd(const Event& e) {
  if (open_ != e.index) return;
  const PauseFact& p = s_.pauses[e.index];
  CountPauseUntil(e.at);
  out_.why.skipped.push_back(
      {open_from_, e.at, "paused: " + p.reason.str(), {p.start.position, p.end->position}, ""});
  Position(p.end->position);
  open_.reset();
}

void Walk::OnDecision(const Event& e) {
  const ExtensionFact& x = s_.extensions[e.index];
  ExtensionNote n{x.until, x.requested.position, x.decided->position, false, ""};
  Position(x.requested.position);
  Position(x.decided->position);
  if (!x.approved) {
    n.note = "refused";
  } else if (frozen_ || e.at > CurrentDue(e.at)) {
    n.note = "approved after the deadline was missed: not applied";
  } else {
    if (open_) CountPauseUntil(e.at);  // the pause goes on, pushing the new deadline
    if (x.until <= due_) {
      n.note = "approved, but not later than the current deadline " + Fmt(due_) + ": no change";
    } else {
      n.note = "moved the deadline from " + Fmt(due_) + " to " + Fmt(x.until);
      n.applied = true;
      due_ = x.until;
      extended_ = true;
    }
  }
  out_.why.extensions.push_back(std::move(n));
}

void Walk::OnLevel(const Event& e) {
  const LevelChange& c = s_.changes[e.index];
  Position(c.when.position);
  std::string change = "level changed from " + std::string(LevelName(level_)) + " to " +
                       std::string(LevelName(c.level)) + " at " + Fmt(e.at) + " (event " +
                       std::to_string(c.when.position) + ")";
  if (c.level == level_) return;
  if (frozen_) {
    Note(change + " after the deadline was missed: the miss stands");
    return;
  }
  if (CurrentDue(e.at) <= e.at) {  // already missed under the old level: it stays missed
    frozen_ = true;
    Note("missed under " + std::string(LevelName(level_)) + " (due " + Fmt(due_) + ") before the " +
         change + ": stays missed");
    return;
  }
  Time recomputed = s_.due_for(c.level) + paused_;
  if (extended_ && due_ > recomputed) {
    Note(change + ": recomputed from the start to " + Fmt(recomputed) +
         "; the approved extension's later deadline " + Fmt(due_) + " stands");
  } else {
    Note(change + ": recomputed from the start with " + s_.allowance_text(c.level) + ": due " +
         Fmt(recomputed) + " (was " + Fmt(due_) + ")");
    due_ = recomputed;
  }
  level_ = c.level;
}

void Walk::NoteUndecided() {
  for (const ExtensionFact& x : s_.extensions) {
    if (x.decided && Counts(x.decided->at)) continue;
    Position(x.requested.position);
    std::string note =
        x.decided ? "decided after the clock was met: no effect" : "requested, not decided yet";
    out_.why.extensions.push_back({x.until, x.requested.position, 0, false, std::move(note)});
  }
}

void Walk::Finish() {
  bool paused_now = false;
  if (open_) {
    const PauseFact& p = s_.pauses[*open_];
    CountPauseUntil(Horizon());
    std::vector<uint64_t> positions{p.start.position};
    if (p.end && p.end->at <= as_of_) positions.push_back(p.end->position);
    out_.why.skipped.push_back({open_from_, Horizon(), "paused: " + p.reason.str(), positions,
                                s_.met ? "" : "still paused"});
    paused_now = !s_.met;
  }
  out_.due = due_;
  if (s_.met) {
    Position(s_.met->position);
    out_.state = !frozen_ && s_.met->at <= due_ ? ClockState::kMet : ClockState::kMissed;
    if (out_.state == ClockState::kMissed) Note("met late, at " + Fmt(s_.met->at));
  } else if (frozen_) {
    out_.state = ClockState::kMissed;
  } else if (paused_now) {
    out_.state = ClockState::kPaused;
  } else {
    out_.state = due_ <= as_of_ ? ClockState::kMissed : ClockState::kPending;
  }
}

ClockResult Walk::Run() {
  out_.kind = s_.kind;
  out_.cycle = s_.cycle;
  out_.met = s_.met;
  out_.why.start = s_.start;
  out_.why.start_rule = s_.start_rule;
  out_.why.policy_version = s_.policy_version;
  out_.why.skipped = s_.skipped;
  out_.why.events = s_.events;
  out_.why.notes = s_.notes;
  level_ = s_.level;
  due_ = s_.due_for(level_);
  for (const Event& e : Events()) {
    switch (e.type) {
      case Type::kPauseStart:
        OnPauseStart(e);
        break;
      case Type::kPauseEnd:
        OnPauseEnd(e);
        break;
      case Type::kDecision:
        OnDecision(e);
        break;
      case Type::kLevel:
        OnLevel(e);
        break;
    }
  }
  NoteUndecided();
  Finish();
  out_.why.level = level_;
  out_.why.allowance = s_.allowance_text(level_);
  std::vector<uint64_t>& ev = out_.why.events;
  std::sort(ev.begin(), ev.end());
  ev.erase(std::unique(ev.begin(), ev.end()), ev.end());
  ev.erase(std::remove(ev.begin(), ev.end(), uint64_t{0}), ev.end());
  return out_;
}

}  // namespace

ClockResult RunClock(const ClockSpec& spec, Time as_of) { return Walk(spec, as_of).Run(); }

ClockResult IdleClock(ClockKind kind, ClockState state, std::string reason,
                      uint32_t policy_version) {
  ClockResult r;
  r.kind = kind;
  r.state = state;
  r.why.policy_version = policy_version;
  r.why.no_deadline = std::move(reason);
  return r;
}

}  // namespace ledger::domain::clocks_internal
