// Authorization: the one model of who may do and see what through the API — a table of role x
// resource x scope, and Authorize(), the one function every route, report, stream, export and
// encoding asks. docs/api.md ("Who may do and see what") prints the same table; a test holds the
// two together, and a table-driven test over the real server holds the routes to it.
//
// A rule of the table answers, for one role and one resource:
//   * allowed        function level: may the role call it at all (else 403);
//   * complaints     object level: which complaints it may read or act on (ComplaintScope);
//   * rows           for reports: which rows it sees (RowScope);
// and, per role, the property level:
//   * personal_data  whether complainants' personal data is shown (else "[redacted]", and
//                    Cap'n Proto payloads are left out: stored bytes cannot be redacted).
// Every check is made on the caller's actor (id, role, department) from its token — never on
// anything a request body says.
//
// Thread-safety: values and free functions over a constant table.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/services/principal.h"
#include "api/services/roles.h"
#include "ledger/base/status.h"

namespace api {

// What a route exposes.
enum class Resource : uint8_t {
  kComplaint = 0,   // one complaint: its state, events and timeline (GET /v1/complaints/{id}...)
  kComplaintList,   // GET /v1/complaints
  kReceive,         // POST /v1/complaints: a new complaint
  kAction,          // POST /v1/complaints/{id}/actions: an action on an existing complaint
  kRating,          // POST /v1/ratings: a department's monthly platform rating
  kResponsibility,  // GET /v1/responsibility
  kFines,           // GET /v1/fines
  kRewards,         // GET /v1/rewards
  kMetrics,         // GET /v1/metrics
  kFindings,        // GET /v1/findings
  kAlerts,          // GET /v1/alerts and /v1/alerts/stream: deadline alerts
  kLog,             // GET /v1/events and /v1/events/stream: the raw global log
  kVerify,          // GET /v1/ledger/verify
  kPolicies,        // GET /v1/policies
  kPublishPolicy,   // POST /v1/policies
  kCatalogue,       // GET /v1/catalogue: the actions, their fields and the vocabularies
  kMe,              // GET /v1/me: who the caller is and what it may do
  kPrivacy,         // GET /v1/privacy/...: data subjects, the record of reads (docs/privacy.md)
  kPrivacyAction,   // POST /v1/privacy/actions: legal holds and erasure
};
inline constexpr int kResourceCount = 19;

// Which complaints a role may read or act on (object level).
enum class ComplaintScope : uint8_t {
  kNone = 0,              // none
  kReceivedByDepartment,  // complaints received by the caller's department
  kHandlerOrDepartment,   // assigned to the caller, or to or with (cooperating) their department
  kDepartment,            // received by, assigned to or cooperated on by their department
  kAll,                   // every complaint
};

// Which rows of a report a role sees.
enum class RowScope : uint8_t {
  kAll = 0,        // every row
  kInScope,        // rows about complaints in the role's ComplaintScope
  kOwnDepartment,  // rows of the caller's own department (lines charged to it, its records)
};

// What one role may do with one resource.
struct Grant {
  bool allowed = false;
  ComplaintScope complaints = ComplaintScope::kNone;
  RowScope rows = RowScope::kAll;
};

// One row of the table.
struct AccessRule {
  Role role;
  Resource resource;
  Grant grant;
};

// The table, every (role, resource) pair that is allowed; anything not listed is denied.
std::span<const AccessRule> AccessTable();

// Whether a role is shown complainants' personal data (name, phone, unit): every role but
// `reader` and `admin`.
bool RoleSeesPersonalData(Role role);

// "complaint", "fines", ...: the resource's name in docs, errors and tests.
std::string_view ResourceName(Resource resource);
std::string_view ComplaintScopeName(ComplaintScope scope);
std::string_view RowScopeName(RowScope rows);
// Every resource, in declaration order.
std::span<const Resource> AllResources();

// Whether a resource changes something (receive, action, rating, publish_policy); the others
// read.
bool IsWriteResource(Resource resource);

// The roles the table allows `resource` (the router's function-level check).
RoleSet RolesFor(Resource resource);

// Who holds a complaint, as its current state says. Views: the strings must outlive the call.
struct ComplaintHolders {
  std::string_view id;                      // the complaint id, for the error message
  std::string_view receiving_department;    // where it was received
  std::string_view responsible_department;  // the department it is assigned to ("" before)
  std::vector<std::string_view> cooperating_departments;
  std::string_view handler;  // the assigned handler's person id ("" before)
};

// The decision for one caller on one resource. A default Access (no caller: a public route)
// allows nothing and sees no personal data.
class Access {
 public:
  Access() = default;
  Access(const Principal& who, Resource resource, Grant grant);

  bool allowed() const { return grant_.allowed; }
  Resource resource() const { return resource_; }
  const Grant& grant() const { return grant_; }
  // Whether complainants' personal data may appear in what this caller is sent.
  bool personal_data() const { return personal_data_; }

  // Object level: whether the caller may read (and, for kAction, act on) the complaint.
  bool MayReadComplaint(const ComplaintHolders& complaint) const;
  // OK, or PermissionDenied naming the actor and the complaint.
  ledger::Status CheckComplaint(const ComplaintHolders& complaint) const;

  // Row level. The department every row must name for kOwnDepartment ("" otherwise).
  std::string RowDepartment() const;
  // True when the rows are limited to complaints the caller may read (kInScope).
  bool RowsInScope() const { return grant_.rows == RowScope::kInScope; }
  // Whether a row of `department` (a rewards row) is shown.
  bool SeesDepartmentRow(std::string_view department) const;

 private:
  std::string actor_id_, department_, role_name_;
  Resource resource_ = Resource::kComplaint;
  Grant grant_;
  bool personal_data_ = false;
};

// The one decision: what `who` may do with `resource`, from the table.
Access Authorize(const Principal& who, Resource resource);

// Whether a principal sees personal data; null (a public route) never does.
bool SeesPersonalData(const Principal* who);
inline bool SeesPersonalData(const Principal& who) { return SeesPersonalData(&who); }

// The roles whose tokens must name a department: their scope is defined by it.
bool RoleNeedsDepartment(Role role);

}  // namespace api
