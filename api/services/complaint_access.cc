#include "api/services/complaint_access.h"

namespace api {

ComplaintHolders HoldersOf(const ledger::domain::ComplaintState& s) {
  ComplaintHolders h;
  h.id = s.id;
  h.receiving_department = s.receiving_department;
  if (const ledger::domain::AssignmentRecord* a = s.assignment()) {
    h.responsible_department = a->department;
    for (const std::string& c : a->cooperating) h.cooperating_departments.push_back(c);
    h.handler = a->handler;
  }
  return h;
}

std::function<bool(const ledger::domain::ComplaintState&)> VisibleTo(const Access& access) {
  if (access.grant().complaints == ComplaintScope::kAll) return {};
  return [access](const ledger::domain::ComplaintState& s) {
    return access.MayReadComplaint(HoldersOf(s));
  };
}

}  // namespace api
