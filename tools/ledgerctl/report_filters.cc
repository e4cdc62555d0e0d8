#include "tools/ledgerctl/report_filters.h"

#include <set>

#include "projections/queries.h"

namespace tools {

using ledger::Result;
using ledger::Status;

namespace {

// Every published policy version, oldest first; the built-in default when none is published.
std::vector<const ledger::domain::Policy*> Policies(const Session& session) {
  std::vector<const ledger::domain::Policy*> out;
  const uint32_t current = session.policies().current_version();
  for (uint32_t v = 1; v <= current; ++v)
    if (const ledger::domain::Policy* p = session.policies().ForVersion(v)) out.push_back(p);
  if (out.empty()) out.push_back(&session.current());
  return out;
}

std::string Listed(const std::set<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

Status Unknown(const std::string& option, const std::string& what, const std::string& value,
               const std::set<std::string>& known) {
  return Status::InvalidArgument(option + ": no " + what + " '" + value +
                                 "' in the ledger's policy (known: " + Listed(known) + ")");
}

// People the policies or the log name: the organisation's heads and managers, every actor.
Result<bool> NamedInLedger(Session& session, const std::string& person) {
  for (const ledger::domain::Policy* p : Policies(session)) {
    const ledger::domain::Organisation& org = p->organisation;
    if (org.cs_head == person || org.deputy_gm == person || org.gm == person) return true;
    for (const ledger::domain::Department& d : org.departments)
      if (d.head == person) return true;
    for (const ledger::domain::Project& pr : org.projects)
      if (pr.general_manager == person) return true;
  }
  bool found = false;
  const uint64_t head = session.log().GetHead().position;
  if (head == 0) return false;
  LEDGER_RETURN_IF_ERROR(session.log().ForEach(1, head, [&](const ledger::RecordedEvent& ev) {
    found = found || ev.actor_id() == person;
    return Status::Ok();
  }));
  return found;
}

}  // namespace

Status CheckReportFilters(Session& session, const projections::LedgerProjection& p, const Eval& e,
                          const ReportQuery& q) {
  std::set<std::string> departments, projects;
  for (const ledger::domain::Policy* policy : Policies(session)) {
    for (const ledger::domain::Department& d : policy->organisation.departments)
      departments.insert(d.id);
    for (const ledger::domain::Project& pr : policy->organisation.projects) projects.insert(pr.id);
  }
  if (!q.department.empty() && !departments.count(q.department))
    return Unknown("--department", "department", q.department, departments);
  if (!q.project.empty() && !projects.count(q.project))
    return Unknown("--project", "project", q.project, projects);
  if (q.person.empty()) return Status::Ok();
  LEDGER_ASSIGN_OR_RETURN(bool named, NamedInLedger(session, q.person));
  if (named) return Status::Ok();
  projections::Scope scope{p, LookupFor(e, session), FallbackFor(e, session), e.at};
  if (!projections::ResponsibilityQuery(scope, "", q.person, std::nullopt).empty())
    return Status::Ok();
  return Status::InvalidArgument("--person: no person '" + q.person +
                                 "' in this ledger (not in its policy, never an actor, never "
                                 "responsible for a complaint)");
}

Result<std::optional<ledger::Time>> DayOrTime(const std::string& value, const std::string& option,
                                              std::chrono::minutes utc_offset, bool end_of_day) {
  if (value.size() == 10) {
    if (Result<std::chrono::year_month_day> day = ledger::ParseDate(value); day.ok()) {
      std::chrono::sys_days start = std::chrono::sys_days(*day);
      if (end_of_day) start += std::chrono::days(1);
      return std::optional<ledger::Time>(
          ledger::FromCivil(std::chrono::year_month_day(start), ledger::Duration(0), utc_offset));
    }
  }
  Result<std::optional<ledger::Time>> t = OptionTime(value, option);
  if (!t.ok())
    return Status::InvalidArgument(option + " must be a date YYYY-MM-DD or an RFC 3339 time " +
                                   "with an offset, e.g. 2026-03-01T09:00:00+08:00, not '" + value +
                                   "'");
  return t;
}

}  // namespace tools
