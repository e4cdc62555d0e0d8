#include "ledger/domain/fines.h"

#include <algorithm>

namespace ledger::domain {
namespace {

// The assignment in force at `t` (the latest made by then), or null.
const AssignmentRecord* AssignmentAt(const ComplaintState& s, Time t) {
  const AssignmentRecord* found = nullptr;
  for (const AssignmentRecord& a : s.assignments)
    if (a.at.at <= t) found = &a;
  return found;
}

// The customer-service staff member who held the complaint before assignment.
std::string CsHolder(const ComplaintState& s, const Policy& p) {
  if (s.receiving_department == p.organisation.customer_service) return s.receiving_staff;
  if (!s.transmitted_to_person.empty()) return s.transmitted_to_person;
  return p.organisation.cs_head;
}

std::string Day(Time t, const Policy& p) { return FormatDate(CivilDate(t, p.calendar.utc_offset)); }

std::vector<uint64_t> Evidence(const ClockResult& clock) {
  std::vector<uint64_t> ev = clock.why.events;
  if (clock.met && clock.met->position != 0) ev.push_back(clock.met->position);
  std::sort(ev.begin(), ev.end());
  ev.erase(std::unique(ev.begin(), ev.end()), ev.end());
  ev.erase(std::remove(ev.begin(), ev.end(), uint64_t{0}), ev.end());
  return ev;
}

struct Builder {
  const ComplaintState& s;
  const Policy& p;
  std::vector<FineLine> lines;

  FineLine& Add(std::string id_suffix, std::string rule, Money amount, Time accrued) {
    FineLine l;
    l.id = s.id + ":" + id_suffix;
    l.complaint = s.id;
    l.rule = std::move(rule);
    l.amount = amount;
    l.accrued = accrued;
    l.day = Day(accrued, p);
    lines.push_back(std::move(l));
    return lines.back();
  }

  // The handler and department charged for a clock that ran out at `due`: whoever held the
  // complaint then; before any assignment, customer service.
  void ChargeHandler(FineLine& l, Time due) {
    if (const AssignmentRecord* a = AssignmentAt(s, due)) {
      l.people = {a->handler};
      l.departments = {a->department};
      return;
    }
    l.people = {CsHolder(s, p)};
    l.departments = {p.organisation.customer_service};
    l.reason += "; no handler was assigned by the deadline: charged to customer service";
  }

  void Single(const ClockResult& c) {
    const Fines& f = p.fines;
    const Time due = *c.due;
    std::string when = " (due " + FormatRfc3339(due, p.calendar.utc_offset) + ")";
    switch (c.kind) {
      case ClockKind::kTransmission: {
        FineLine& l = Add("transmission_late", "transmission_late", f.transmission_late, due);
        l.reason = "not transmitted to customer service in time" + when;
        l.people = {s.receiving_staff};
        l.departments = {s.receiving_department};
        l.evidence = Evidence(c);
        return;
      }
      case ClockKind::kAssignment: {
        FineLine& l =
            Add("cs_transmission_late", "cs_transmission_late", f.cs_transmission_late, due);
        l.reason = "customer service did not assign responsibility in time" + when;
        l.people = {CsHolder(s, p)};
        l.departments = {p.organisation.customer_service};
        l.evidence = Evidence(c);
        return;
      }
      case ClockKind::kResponse: {
        FineLine& l = Add("response_late", "response_late", f.response_late, due);
        l.reason = "no first response by the deadline" + when;
        ChargeHandler(l, due);
        l.evidence = Evidence(c);
        return;
      }
      case ClockKind::kPlan: {
        FineLine& l = Add("no_plan", "no_plan", f.no_plan, due);
        l.reason = "no handling plan proposed by the deadline" + when;
        const AssignmentRecord* a = AssignmentAt(s, due);
        std::string dept = a ? a->department.str() : s.responsible_department(p);
        if (dept.empty()) dept = p.organisation.customer_service;
        const Department* d = p.organisation.FindDepartment(dept);
        l.people = {d ? d->head : std::string()};
        l.departments = {dept};
        l.evidence = Evidence(c);
        return;
      }
      default:
        return;
    }
  }

  void Overdue(const ClockResult& c, Time as_of) {
    Time end = c.met ? c.met->at : as_of;
    std::vector<Time> periods = OverduePeriodStarts(*c.due, end, s.pauses);
    const int64_t last = p.fines.last_tier_day();
    for (size_t i = 0; i < periods.size() && int64_t(i) < last; ++i) {
      if (periods[i] > as_of) break;
      int64_t day = int64_t(i) + 1;
      FineLine& l = Add("closure_overdue:c" + std::to_string(c.cycle) + ":d" + std::to_string(day),
                        "closure_overdue", OverdueDayAmount(p.fines, day), periods[i]);
      l.reason = "closure overdue day " + std::to_string(day) + " (due " +
                 FormatRfc3339(*c.due, p.calendar.utc_offset) + ")";
      ChargeHandler(l, *c.due);
      l.evidence = Evidence(c);
    }
  }
};

}  // namespace

std::vector<FineLine> FineLines(const ComplaintState& s, const Policy& p,
                                const std::vector<ClockResult>& clocks, Time as_of) {
  Builder b{s, p, {}};
  for (const ClockResult& c : clocks) {
    if (c.state != ClockState::kMissed || !c.due || *c.due > as_of) continue;
    if (c.kind == ClockKind::kClosure)
      b.Overdue(c, as_of);
    else
      b.Single(c);
  }
  for (const RecordedFine& f : s.fines) {
    FineLine& l = b.Add("recorded:" + std::to_string(f.at.position), f.rule, f.amount, f.at.at);
    l.derived = false;
    l.people = ToStrings(f.people);
    l.departments = ToStrings(f.departments);
    l.reason = f.reason;
    l.evidence = {f.at.position};
  }
  for (const WaiverRecord& w : s.waivers) {
    for (FineLine& l : b.lines) {
      if (l.id != w.line_id || l.waived) continue;
      l.waived = true;
      l.waiver_reason = w.reason;
      l.waived_by = w.by;
      l.waiver_position = w.at.position;
    }
  }
  return std::move(b.lines);
}

bool OverdueBeyondTiers(const ComplaintState& s, const Policy& p,
                        const std::vector<ClockResult>& clocks, Time as_of) {
  for (const ClockResult& c : clocks) {
    if (c.kind != ClockKind::kClosure || c.state != ClockState::kMissed || !c.due) continue;
    Time end = c.met ? c.met->at : as_of;
    if (int64_t(OverduePeriodStarts(*c.due, end, s.pauses).size()) > p.fines.last_tier_day())
      return true;
  }
  return false;
}

}  // namespace ledger::domain
