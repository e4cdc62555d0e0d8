// The records after the handling — callback surveys, corrections, recorded fines and waivers —
// as actions (docs/actions.md), by the roles the policy gives them.
#include <algorithm>

#include "ledger/domain/fines.h"
#include "ledger/domain/rules.h"
#include "tools/demo/sim.h"

namespace demo {
namespace {

namespace json = boost::json;
using ledger::Time;
using ledger::domain::ClockKind;

json::array Strings(const std::vector<std::string>& items) {
  json::array a;
  for (const std::string& s : items) a.emplace_back(s);
  return a;
}

std::vector<ledger::domain::ClockResult> ClocksAt(const Sim& sim, const World& w, Time at) {
  return ledger::domain::EvaluateClocks(ledger::domain::ClockFactsOf(sim.state, *w.policy),
                                        *w.policy, at);
}

}  // namespace

bool FillCallback(const Sim& sim, const World& w, Planned& out) {
  Rng& rng = *w.rng;
  json::object& f = out.action.fields;
  out.actor = sim.cs_agent;
  const bool unhappy = rng.Chance(0.1) || sim.plan.closure_overdue_days > 7;
  f["acknowledged"] = rng.Chance(0.95);
  f["contacted"] = rng.Chance(0.9);
  int64_t lo = unhappy ? 2 : 7;
  int64_t scores[3] = {rng.Int(lo, 10), rng.Int(lo, 10), rng.Int(lo, 10)};
  f["timeliness"] = scores[0];
  f["plan"] = scores[1];
  f["attitude"] = scores[2];
  if (*std::min_element(scores, scores + 3) < w.policy->survey.reason_below)
    f["reasons"] = DrawLowScoreReason(rng);
  return true;
}

bool FillCorrection(const Sim& sim, const World& w, Time at, const std::string& what,
                    Planned& out) {
  Rng& rng = *w.rng;
  json::object& f = out.action.fields;
  const ledger::domain::ComplaintState& s = sim.state;
  out.actor = sim.cs_agent;
  if (what == "response_time") {
    if (!s.first_response) return false;
    // The call log shows the first call a little before the response deadline.
    const ledger::domain::Stamp& r = *s.first_response;
    Time t = r.at - std::chrono::minutes(rng.Int(15, 40));
    if (std::optional<Time> due = DueOf(sim, *w.policy, ClockKind::kResponse, at))
      t = std::min(t, *due - std::chrono::minutes(rng.Int(1, 15)));
    t = std::max(t, s.intake.at + std::chrono::minutes(1));
    f["event"] = int64_t(r.position);
    f["field"] = "occurred_at";
    f["value"] = Rfc3339(*w.policy, t);
    f["reason"] = "The call log shows the first call was made earlier";
    return true;
  }
  if (!s.callback) return false;
  f["event"] = int64_t(s.callback->at.position);
  f["field"] = "attitude";
  f["value"] = std::to_string((s.callback->attitude + 3) % 11);
  f["reason"] = "The customer called back to revise the attitude score";
  return true;
}

bool FillRecordedFine(const Sim& sim, const World& w, Time at, const std::string& rule,
                      Planned& out) {
  Rng& rng = *w.rng;
  const Plan& p = sim.plan;
  const Staff& staff = *w.staff;
  const auto* assignment = sim.state.assignment();
  const std::string dept = assignment ? assignment->department.str() : p.department;
  const std::string head = staff.DeptHead(dept).id;
  std::vector<std::string> people, departments = {dept};
  std::string amount, reason;
  if (rule == "closure_overdue_15") {
    if (!ledger::domain::OverdueBeyondTiers(sim.state, *w.policy, ClocksAt(sim, w, at), at))
      return false;
    out.actor = staff.CsHead();
    amount = Yuan(rng.Int(5, 15) * 100);
    people = {p.handler, head};
    reason = "Closed more than 15 days after the deadline";
  } else if (rule == "deflection") {
    out.actor = staff.CsHead();
    amount = "300.00";
    departments = {p.receiving_department};
    people = {staff.DeptHead(p.receiving_department).id};
    reason = "The front desk sent the customer to another department first";
  } else if (rule == "misconduct") {
    out.actor = staff.DeputyGm();
    amount = "500.00";
    people = {head};
    reason = "Repeated delays and a false progress report";
  } else if (rule == "concealment") {
    out.actor = staff.Gm();
    amount = "500.00";
    departments = {p.receiving_department};
    people = {p.receiver.id, staff.DeptHead(p.receiving_department).id};
    reason = "A major complaint was held back from customer service";
  } else {  // media_investigation
    out.actor = staff.DeputyGm();
    amount = Yuan(rng.Int(5, 20) * 100);
    people = {head};
    reason = "Investigation by the deputy general manager after the media report";
  }
  json::object& f = out.action.fields;
  f["rule"] = rule;
  f["amount"] = amount;
  f["people"] = Strings(people);
  f["departments"] = Strings(departments);
  f["reason"] = reason;
  return true;
}

bool FillWaiver(const Sim& sim, const World& w, Time at, Planned& out) {
  std::vector<ledger::domain::FineLine> lines =
      ledger::domain::FineLines(sim.state, *w.policy, ClocksAt(sim, w, at), at);
  std::vector<const ledger::domain::FineLine*> open;
  for (const auto& l : lines)
    if (!l.waived) open.push_back(&l);
  if (open.empty()) return false;
  Rng& rng = *w.rng;
  const ledger::domain::FineLine* line = open[size_t(rng.Int(0, int64_t(open.size()) - 1))];
  out.actor = rng.Chance(0.6) ? w.staff->DeputyGm() : w.staff->Gm();
  out.action.fields["fine"] = line->id;
  out.action.fields["reason"] =
      "Delay caused by the customer's schedule; confirmed by the department head";
  return true;
}

}  // namespace demo
