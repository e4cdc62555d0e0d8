#include "ledger/domain/corrections.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "ledger/domain/money.h"
#include "ledger/domain/types.h"

namespace ledger::domain {
namespace {

using W = schema::DomainEvent::Which;

struct Entry {
  W type;
  std::string_view field;
  FieldKind kind;
};

constexpr std::array<Entry, 27> kFields = {{
    {W::RECEIVED, "channel", FieldKind::kChannel},
    {W::RECEIVED, "project", FieldKind::kText},
    {W::RECEIVED, "subject", FieldKind::kText},
    {W::RECEIVED, "description", FieldKind::kText},
    {W::RECEIVED, "demands", FieldKind::kText},
    {W::RECEIVED, "headcount", FieldKind::kCount},
    {W::RECEIVED, "claimed_compensation", FieldKind::kMoney},
    {W::RECEIVED, "receiving_department", FieldKind::kText},
    {W::RECEIVED, "receiving_staff", FieldKind::kText},
    {W::RECEIVED, "complainant.name", FieldKind::kText},
    {W::RECEIVED, "complainant.phone", FieldKind::kText},
    {W::RECEIVED, "complainant.unit", FieldKind::kText},
    {W::RECEIVED, "complainant.is_owner", FieldKind::kBool},
    {W::RECEIVED, "target.kind", FieldKind::kTargetKind},
    {W::RECEIVED, "target.id", FieldKind::kText},
    {W::RECEIVED, "target.department", FieldKind::kText},
    {W::CALLBACK_RECORDED, "acknowledged", FieldKind::kBool},
    {W::CALLBACK_RECORDED, "contacted", FieldKind::kBool},
    {W::CALLBACK_RECORDED, "timeliness", FieldKind::kScore},
    {W::CALLBACK_RECORDED, "plan", FieldKind::kScore},
    {W::CALLBACK_RECORDED, "attitude", FieldKind::kScore},
    {W::CALLBACK_RECORDED, "reasons", FieldKind::kText},
    {W::PLAN_PROPOSED, "description", FieldKind::kText},
    {W::PLAN_PROPOSED, "estimated_cost", FieldKind::kMoney},
    {W::RESOLVED, "resolution", FieldKind::kText},
    {W::RESOLVED, "root_cause", FieldKind::kRootCause},
    {W::RESOLVED, "corrective_action", FieldKind::kText},
}};

std::optional<int64_t> ParseInt(std::string_view v) {
  int64_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return out;
}

Status BadValue(std::string message) {
  return Status::WithErrors(Code::kInvalidArgument, "bad correction value",
                            {{"value", "correction_value", std::move(message)}});
}

// Calls fn on every stamp of the state: corrections of occurred_at find theirs by position.
// A template so that it serves both const and mutable states.
template <typename State, typename Fn>
void ForEachStamp(State& s, Fn&& fn) {
  auto opt = [&](auto& o) {
    if (o) fn(*o);
  };
  fn(s.intake);
  opt(s.transmitted);
  opt(s.assessed);
  opt(s.classified);
  opt(s.first_response);
  opt(s.staff_decision);
  for (auto& l : s.levels) fn(l.change.when);
  for (auto& a : s.assignments) fn(a.at);
  for (auto& p : s.plans) {
    fn(p.proposed);
    opt(p.reviewed);
  }
  for (auto& c : s.cycles) {
    fn(c.clock.start);
    opt(c.clock.closed);
    opt(c.resolved);
    for (auto& [method, at] : c.confirmations) fn(at);
  }
  for (auto& p : s.pauses) {
    fn(p.start);
    opt(p.end);
  }
  for (auto& f : s.flags) fn(f.at);
  for (auto& l : s.links) fn(l.at);
  for (auto& x : s.extensions) {
    fn(x.fact.requested);
    opt(x.fact.decided);
  }
  if (s.callback) fn(s.callback->at);
  for (auto& f : s.fines) fn(f.at);
  for (auto& w : s.waivers) fn(w.at);
  for (auto& e : s.evidence) fn(e.at);
}

void ApplyToIntake(ComplaintState& s, std::string_view field, std::string_view value) {
  std::string v(value);
  if (field == "channel")
    s.channel = v;
  else if (field == "project")
    s.project = v;
  else if (field == "subject")
    s.subject = v;
  else if (field == "description")
    s.description = v;
  else if (field == "demands")
    s.demands = v;
  else if (field == "headcount")
    s.headcount = ParseInt(value).value_or(s.headcount);
  else if (field == "claimed_compensation") {
    auto m = ParseMoney(value, "value");
    s.claimed_compensation = m.ok() ? *m : s.claimed_compensation;
  } else if (field == "receiving_department")
    s.receiving_department = v;
  else if (field == "receiving_staff")
    s.receiving_staff = v;
  else if (field == "complainant.name")
    s.complainant.name = v;
  else if (field == "complainant.phone")
    s.complainant.phone = v;
  else if (field == "complainant.unit")
    s.complainant.unit = v;
  else if (field == "complainant.is_owner")
    s.complainant.is_owner = value == "true";
  else if (field.substr(0, 7) == "target.") {
    if (!s.target) s.target = TargetInfo{};
    if (field == "target.kind") s.target->kind = v;
    if (field == "target.id") s.target->id = v;
    if (field == "target.department") s.target->department = v;
  }
}

}  // namespace

std::optional<FieldKind> CorrectableField(W type, std::string_view field) {
  if (field == "occurred_at") return FieldKind::kTime;
  for (const Entry& e : kFields)
    if (e.type == type && e.field == field) return e.kind;
  return std::nullopt;
}

std::string CorrectableFieldsOf(W type) {
  std::string out = "occurred_at";
  for (const Entry& e : kFields)
    if (e.type == type) out += ", " + std::string(e.field);
  return out;
}

Status CheckCorrectionValue(FieldKind kind, std::string_view value) {
  switch (kind) {
    case FieldKind::kTime:
      if (!ParseRfc3339(value).ok()) return BadValue("value must be an RFC 3339 time with offset");
      return Status::Ok();
    case FieldKind::kText:
      if (value.size() > 4000) return BadValue("value is longer than 4000 bytes");
      return Status::Ok();
    case FieldKind::kMoney:
      return ParseMoney(value, "value").status();
    case FieldKind::kCount: {
      auto n = ParseInt(value);
      if (!n || *n < 1 || *n > 100000) return BadValue("value must be a whole number >= 1");
      return Status::Ok();
    }
    case FieldKind::kScore: {
      auto n = ParseInt(value);
      if (!n || *n < 0 || *n > 10) return BadValue("value must be a score from 0 to 10");
      return Status::Ok();
    }
    case FieldKind::kBool:
      if (value != "true" && value != "false") return BadValue("value must be true or false");
      return Status::Ok();
    case FieldKind::kChannel:
      if (!IsChannel(value))
        return BadValue("value must be a channel: " + std::string(ChannelList()));
      return Status::Ok();
    case FieldKind::kTargetKind:
      if (!IsTargetKind(value)) return BadValue("value must be person, department or unit");
      return Status::Ok();
    case FieldKind::kRootCause:
      if (!IsRootCause(value))
        return BadValue("value must be a root cause: " + std::string(RootCauseList()));
      return Status::Ok();
  }
  return Status::Ok();
}

std::string CurrentValue(const ComplaintState& s, uint64_t position, std::string_view field) {
  if (field == "occurred_at") {
    std::optional<Time> found;
    ForEachStamp(s, [&](const Stamp& st) {
      if (st.position == position && !found) found = st.at;
    });
    return found ? FormatRfc3339(*found) : "";
  }
  if (position == s.intake.position) {
    if (field == "headcount") return std::to_string(s.headcount);
    if (field == "claimed_compensation")
      return s.claimed_compensation < 0 ? "" : FormatMoney(s.claimed_compensation);
    if (field == "channel") return s.channel;
    if (field == "project") return s.project;
    if (field == "subject") return s.subject;
    if (field == "receiving_department") return s.receiving_department;
    if (field == "receiving_staff") return s.receiving_staff;
    if (field == "complainant.is_owner") return s.complainant.is_owner ? "true" : "false";
    if (field == "target.kind") return s.target ? s.target->kind : "";
    if (field == "target.id") return s.target ? s.target->id : "";
  }
  if (s.callback && s.callback->at.position == position) {
    if (field == "timeliness") return std::to_string(s.callback->timeliness);
    if (field == "plan") return std::to_string(s.callback->plan);
    if (field == "attitude") return std::to_string(s.callback->attitude);
  }
  return "";
}

std::optional<Time> EarliestAfterIntake(const ComplaintState& s) {
  // An escalation decided with the intake (same time, by the ledger) belongs to it: it applies
  // from the clocks' start wherever the intake moves, so it does not hold the intake back.
  std::vector<uint64_t> with_intake;
  for (const LevelRecord& l : s.levels)
    if (!l.manual && l.change.when.at == s.intake.at) with_intake.push_back(l.change.when.position);
  std::optional<Time> earliest;
  ForEachStamp(s, [&](const Stamp& st) {
    if (st.position == s.intake.position ||
        std::find(with_intake.begin(), with_intake.end(), st.position) != with_intake.end())
      return;
    if (!earliest || st.at < *earliest) earliest = st.at;
  });
  return earliest;
}

void ApplyCorrection(ComplaintState& s, uint64_t position, std::string_view field,
                     std::string_view value) {
  if (field == "occurred_at") {
    Result<Time> t = ParseRfc3339(value);
    if (!t.ok()) return;
    ForEachStamp(s, [&](Stamp& st) {
      if (st.position == position) st.at = *t;
    });
    // Keep the orders the clock engine relies on.
    std::stable_sort(s.levels.begin(), s.levels.end(),
                     [](const LevelRecord& a, const LevelRecord& b) {
                       return a.change.when.at < b.change.when.at;
                     });
    std::stable_sort(s.pauses.begin(), s.pauses.end(), [](const PauseFact& a, const PauseFact& b) {
      return a.start.at < b.start.at;
    });
    return;
  }
  if (position == s.intake.position) return ApplyToIntake(s, field, value);
  if (s.callback && s.callback->at.position == position) {
    CallbackRecord& c = *s.callback;
    if (field == "acknowledged")
      c.acknowledged = value == "true";
    else if (field == "contacted")
      c.contacted = value == "true";
    else if (field == "timeliness")
      c.timeliness = ParseInt(value).value_or(c.timeliness);
    else if (field == "plan")
      c.plan = ParseInt(value).value_or(c.plan);
    else if (field == "attitude")
      c.attitude = ParseInt(value).value_or(c.attitude);
    else if (field == "reasons")
      c.reasons = std::string(value);
    return;
  }
  for (PlanRecord& p : s.plans) {
    if (p.proposed.position != position) continue;
    if (field == "description") p.description = std::string(value);
    if (field == "estimated_cost") {
      auto m = ParseMoney(value, "value");
      if (m.ok()) p.estimated_cost = *m;
    }
    return;
  }
  for (CycleRecord& c : s.cycles) {
    if (!c.resolved || c.resolved->position != position) continue;
    if (field == "resolution") c.resolution = std::string(value);
    if (field == "root_cause") c.root_cause = std::string(value);
    if (field == "corrective_action") c.corrective_action = std::string(value);
    return;
  }
}

}  // namespace ledger::domain
