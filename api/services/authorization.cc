#include "api/services/authorization.h"

#include <algorithm>
#include <array>

namespace api {
namespace {

using CS = ComplaintScope;
using RS = RowScope;
using R = Resource;

constexpr Grant Allow(CS complaints = CS::kNone, RS rows = RS::kAll) {
  return Grant{true, complaints, rows};
}

// THE table. docs/api.md ("Who may do and see what") shows it; change both together.
constexpr AccessRule kTable[] = {
    // intake: customer-facing staff; what their department received.
    {Role::kIntake, R::kComplaint, Allow(CS::kReceivedByDepartment)},
    {Role::kIntake, R::kComplaintList, Allow(CS::kReceivedByDepartment, RS::kInScope)},
    {Role::kIntake, R::kReceive, Allow(CS::kReceivedByDepartment)},
    {Role::kIntake, R::kAction, Allow(CS::kReceivedByDepartment)},
    {Role::kIntake, R::kAlerts, Allow(CS::kReceivedByDepartment, RS::kInScope)},
    {Role::kIntake, R::kPolicies, Allow()},
    {Role::kIntake, R::kCatalogue, Allow()},
    {Role::kIntake, R::kMe, Allow()},
    // cs_agent: customer service triages and follows every complaint.
    {Role::kCsAgent, R::kComplaint, Allow(CS::kAll)},
    {Role::kCsAgent, R::kComplaintList, Allow(CS::kAll)},
    {Role::kCsAgent, R::kReceive, Allow(CS::kAll)},
    {Role::kCsAgent, R::kAction, Allow(CS::kAll)},
    {Role::kCsAgent, R::kRating, Allow()},
    {Role::kCsAgent, R::kResponsibility, Allow(CS::kAll)},
    {Role::kCsAgent, R::kFines, Allow(CS::kAll)},
    {Role::kCsAgent, R::kRewards, Allow(CS::kAll)},
    {Role::kCsAgent, R::kMetrics, Allow(CS::kAll)},
    {Role::kCsAgent, R::kFindings, Allow(CS::kAll)},
    {Role::kCsAgent, R::kAlerts, Allow(CS::kAll)},
    {Role::kCsAgent, R::kPolicies, Allow()},
    {Role::kCsAgent, R::kCatalogue, Allow()},
    {Role::kCsAgent, R::kMe, Allow()},
    // cs_head: as cs_agent, and the raw log.
    {Role::kCsHead, R::kComplaint, Allow(CS::kAll)},
    {Role::kCsHead, R::kComplaintList, Allow(CS::kAll)},
    {Role::kCsHead, R::kReceive, Allow(CS::kAll)},
    {Role::kCsHead, R::kAction, Allow(CS::kAll)},
    {Role::kCsHead, R::kRating, Allow()},
    {Role::kCsHead, R::kResponsibility, Allow(CS::kAll)},
    {Role::kCsHead, R::kFines, Allow(CS::kAll)},
    {Role::kCsHead, R::kRewards, Allow(CS::kAll)},
    {Role::kCsHead, R::kMetrics, Allow(CS::kAll)},
    {Role::kCsHead, R::kFindings, Allow(CS::kAll)},
    {Role::kCsHead, R::kAlerts, Allow(CS::kAll)},
    {Role::kCsHead, R::kLog, Allow(CS::kAll)},
    {Role::kCsHead, R::kPolicies, Allow()},
    {Role::kCsHead, R::kCatalogue, Allow()},
    {Role::kCsHead, R::kMe, Allow()},
    // handler: what is assigned to them or to their department.
    {Role::kHandler, R::kComplaint, Allow(CS::kHandlerOrDepartment)},
    {Role::kHandler, R::kComplaintList, Allow(CS::kHandlerOrDepartment, RS::kInScope)},
    {Role::kHandler, R::kAction, Allow(CS::kHandlerOrDepartment)},
    {Role::kHandler, R::kAlerts, Allow(CS::kHandlerOrDepartment, RS::kInScope)},
    {Role::kHandler, R::kPolicies, Allow()},
    {Role::kHandler, R::kCatalogue, Allow()},
    {Role::kHandler, R::kMe, Allow()},
    // dept_head: their department's complaints, and their department's rows of the reports.
    {Role::kDeptHead, R::kComplaint, Allow(CS::kDepartment)},
    {Role::kDeptHead, R::kComplaintList, Allow(CS::kDepartment, RS::kInScope)},
    {Role::kDeptHead, R::kAction, Allow(CS::kDepartment)},
    {Role::kDeptHead, R::kResponsibility, Allow(CS::kDepartment, RS::kOwnDepartment)},
    {Role::kDeptHead, R::kFines, Allow(CS::kDepartment, RS::kOwnDepartment)},
    {Role::kDeptHead, R::kRewards, Allow(CS::kDepartment, RS::kOwnDepartment)},
    {Role::kDeptHead, R::kMetrics, Allow(CS::kDepartment, RS::kInScope)},
    {Role::kDeptHead, R::kFindings, Allow(CS::kDepartment, RS::kInScope)},
    {Role::kDeptHead, R::kAlerts, Allow(CS::kDepartment, RS::kInScope)},
    {Role::kDeptHead, R::kPolicies, Allow()},
    {Role::kDeptHead, R::kCatalogue, Allow()},
    {Role::kDeptHead, R::kMe, Allow()},
    // deputy_gm, gm: the leadership sees and acts on everything.
    {Role::kDeputyGm, R::kComplaint, Allow(CS::kAll)},
    {Role::kDeputyGm, R::kComplaintList, Allow(CS::kAll)},
    {Role::kDeputyGm, R::kAction, Allow(CS::kAll)},
    {Role::kDeputyGm, R::kResponsibility, Allow(CS::kAll)},
    {Role::kDeputyGm, R::kFines, Allow(CS::kAll)},
    {Role::kDeputyGm, R::kRewards, Allow(CS::kAll)},
    {Role::kDeputyGm, R::kMetrics, Allow(CS::kAll)},
    {Role::kDeputyGm, R::kFindings, Allow(CS::kAll)},
    {Role::kDeputyGm, R::kAlerts, Allow(CS::kAll)},
    {Role::kDeputyGm, R::kLog, Allow(CS::kAll)},
    {Role::kDeputyGm, R::kPolicies, Allow()},
    {Role::kDeputyGm, R::kCatalogue, Allow()},
    {Role::kDeputyGm, R::kMe, Allow()},
    {Role::kGm, R::kComplaint, Allow(CS::kAll)},
    {Role::kGm, R::kComplaintList, Allow(CS::kAll)},
    {Role::kGm, R::kAction, Allow(CS::kAll)},
    {Role::kGm, R::kResponsibility, Allow(CS::kAll)},
    {Role::kGm, R::kFines, Allow(CS::kAll)},
    {Role::kGm, R::kRewards, Allow(CS::kAll)},
    {Role::kGm, R::kMetrics, Allow(CS::kAll)},
    {Role::kGm, R::kFindings, Allow(CS::kAll)},
    {Role::kGm, R::kAlerts, Allow(CS::kAll)},
    {Role::kGm, R::kLog, Allow(CS::kAll)},
    {Role::kGm, R::kPolicies, Allow()},
    {Role::kGm, R::kCatalogue, Allow()},
    {Role::kGm, R::kMe, Allow()},
    // auditor: reads everything, personal data included, and verifies; writes nothing.
    {Role::kAuditor, R::kComplaint, Allow(CS::kAll)},
    {Role::kAuditor, R::kComplaintList, Allow(CS::kAll)},
    {Role::kAuditor, R::kResponsibility, Allow(CS::kAll)},
    {Role::kAuditor, R::kFines, Allow(CS::kAll)},
    {Role::kAuditor, R::kRewards, Allow(CS::kAll)},
    {Role::kAuditor, R::kMetrics, Allow(CS::kAll)},
    {Role::kAuditor, R::kFindings, Allow(CS::kAll)},
    {Role::kAuditor, R::kAlerts, Allow(CS::kAll)},
    {Role::kAuditor, R::kLog, Allow(CS::kAll)},
    {Role::kAuditor, R::kVerify, Allow()},
    {Role::kAuditor, R::kPolicies, Allow()},
    {Role::kAuditor, R::kCatalogue, Allow()},
    {Role::kAuditor, R::kMe, Allow()},
    // reader: the projections, personal data redacted; not the raw log.
    {Role::kReader, R::kComplaint, Allow(CS::kAll)},
    {Role::kReader, R::kComplaintList, Allow(CS::kAll)},
    {Role::kReader, R::kResponsibility, Allow(CS::kAll)},
    {Role::kReader, R::kFines, Allow(CS::kAll)},
    {Role::kReader, R::kRewards, Allow(CS::kAll)},
    {Role::kReader, R::kMetrics, Allow(CS::kAll)},
    {Role::kReader, R::kFindings, Allow(CS::kAll)},
    {Role::kReader, R::kAlerts, Allow(CS::kAll)},
    {Role::kReader, R::kPolicies, Allow()},
    {Role::kReader, R::kCatalogue, Allow()},
    {Role::kReader, R::kMe, Allow()},
    // admin: tokens and policy versions, and the integrity check; no complaint, no report.
    {Role::kAdmin, R::kVerify, Allow()},
    {Role::kAdmin, R::kPolicies, Allow()},
    {Role::kAdmin, R::kCatalogue, Allow()},
    {Role::kAdmin, R::kMe, Allow()},
    {Role::kAdmin, R::kPublishPolicy, Allow()},
    // data_protection: the data subjects' requests; every complaint, to answer them.
    {Role::kDataProtection, R::kComplaint, Allow(CS::kAll)},
    {Role::kDataProtection, R::kComplaintList, Allow(CS::kAll)},
    // ... and the complaint actions the policy gives it (seal_personal_data: the migration).
    {Role::kDataProtection, R::kAction, Allow(CS::kAll)},
    {Role::kDataProtection, R::kVerify, Allow()},
    {Role::kDataProtection, R::kPolicies, Allow()},
    {Role::kDataProtection, R::kCatalogue, Allow()},
    {Role::kDataProtection, R::kMe, Allow()},
    {Role::kDataProtection, R::kPrivacy, Allow(CS::kAll)},
    {Role::kDataProtection, R::kPrivacyAction, Allow(CS::kAll)},
    // the auditor reviews the record of reads too
    {Role::kAuditor, R::kPrivacy, Allow(CS::kAll)},
};

constexpr std::array<Resource, kResourceCount> kResources = {
    R::kComplaint, R::kComplaintList,  R::kReceive,       R::kAction,
    R::kRating,    R::kResponsibility, R::kFines,         R::kRewards,
    R::kMetrics,   R::kFindings,       R::kAlerts,        R::kLog,
    R::kVerify,    R::kPolicies,       R::kPublishPolicy, R::kCatalogue,
    R::kMe,        R::kPrivacy,        R::kPrivacyAction};

constexpr std::array<std::string_view, kResourceCount> kResourceNames = {
    "complaint",     "complaint_list", "receive",        "action",    "rating", "responsibility",
    "fines",         "rewards",        "metrics",        "findings",  "alerts", "log",
    "verify",        "policies",       "publish_policy", "catalogue", "me",     "privacy",
    "privacy_action"};

bool Same(std::string_view a, std::string_view b) { return !a.empty() && a == b; }

bool Cooperates(std::string_view department, const ComplaintHolders& c) {
  return std::any_of(c.cooperating_departments.begin(), c.cooperating_departments.end(),
                     [&](std::string_view d) { return Same(department, d); });
}

bool InScope(ComplaintScope scope, std::string_view actor, std::string_view department,
             const ComplaintHolders& c) {
  switch (scope) {
    case CS::kNone:
      return false;
    case CS::kReceivedByDepartment:
      return Same(department, c.receiving_department);
    case CS::kHandlerOrDepartment:
      return Same(actor, c.handler) || Same(department, c.responsible_department) ||
             Cooperates(department, c);
    case CS::kDepartment:
      return Same(department, c.receiving_department) ||
             Same(department, c.responsible_department) || Cooperates(department, c);
    case CS::kAll:
      return true;
  }
  return false;
}

}  // namespace

std::span<const AccessRule> AccessTable() { return kTable; }

bool RoleSeesPersonalData(Role role) { return role != Role::kReader && role != Role::kAdmin; }

bool RoleNeedsDepartment(Role role) {
  switch (role) {
    case Role::kIntake:
    case Role::kCsAgent:
    case Role::kCsHead:
    case Role::kHandler:
    case Role::kDeptHead:
      return true;
    default:
      return false;
  }
}

std::string_view ResourceName(Resource resource) {
  return kResourceNames[static_cast<size_t>(resource)];
}

std::string_view ComplaintScopeName(ComplaintScope scope) {
  switch (scope) {
    case CS::kNone:
      return "none";
    case CS::kReceivedByDepartment:
      return "received by their department";
    case CS::kHandlerOrDepartment:
      return "assigned to them, or to or with their department";
    case CS::kDepartment:
      return "received by, assigned to or cooperated on by their department";
    case CS::kAll:
      return "all";
  }
  return "";
}

std::string_view RowScopeName(RowScope rows) {
  switch (rows) {
    case RS::kAll:
      return "all rows";
    case RS::kInScope:
      return "rows of complaints in scope";
    case RS::kOwnDepartment:
      return "rows of their department";
  }
  return "";
}

std::span<const Resource> AllResources() { return kResources; }

bool IsWriteResource(Resource resource) {
  return resource == R::kReceive || resource == R::kAction || resource == R::kRating ||
         resource == R::kPublishPolicy || resource == R::kPrivacyAction;
}

RoleSet RolesFor(Resource resource) {
  RoleSet roles;
  for (const AccessRule& r : kTable)
    if (r.resource == resource && r.grant.allowed) roles = roles | RoleSet{r.role};
  return roles;
}

Access::Access(const Principal& who, Resource resource, Grant grant)
    : actor_id_(who.actor.id),
      department_(who.actor.department),
      role_name_(RoleName(who.role)),
      resource_(resource),
      grant_(grant),
      personal_data_(grant.allowed && RoleSeesPersonalData(who.role)) {}

bool Access::MayReadComplaint(const ComplaintHolders& complaint) const {
  return grant_.allowed && InScope(grant_.complaints, actor_id_, department_, complaint);
}

ledger::Status Access::CheckComplaint(const ComplaintHolders& complaint) const {
  if (MayReadComplaint(complaint)) return ledger::Status::Ok();
  return ledger::Status::PermissionDenied(
      "actor '" + actor_id_ + "' (" + role_name_ + (department_.empty() ? "" : ", " + department_) +
      ") may not " + (resource_ == Resource::kAction ? "act on" : "read") + " complaint '" +
      std::string(complaint.id) + "'");
}

std::string Access::RowDepartment() const {
  // A department-scoped caller without a department sees no rows: "\x01" names none.
  if (grant_.rows != RS::kOwnDepartment) return "";
  return department_.empty() ? std::string("\x01") : department_;
}

bool Access::SeesDepartmentRow(std::string_view department) const {
  if (!grant_.allowed) return false;
  if (grant_.rows != RS::kOwnDepartment) return true;
  return Same(department_, department);
}

Access Authorize(const Principal& who, Resource resource) {
  for (const AccessRule& r : kTable)
    if (r.role == who.role && r.resource == resource) return Access(who, resource, r.grant);
  return Access(who, resource, Grant{});
}

bool SeesPersonalData(const Principal* who) {
  return who != nullptr && RoleSeesPersonalData(who->role);
}

}  // namespace api
