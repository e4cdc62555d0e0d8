// Derive: what one complaint contributes to every projection, evaluated at a time — its clocks,
// rule level, fine lines, responsibility records, findings and the facts metrics and rewards use.
//
// Pure: a function of the tracked complaint, the policies and `as_of`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/domain/fines.h"
#include "ledger/domain/rules.h"
#include "projections/tracked.h"

namespace projections {

// Who held a complaint, in which role, from when to when, and how it ended for them.
struct ResponsibilityRecord {
  std::string complaint;
  std::string role;    // receiver | customer_service | first_responsible | cooperating |
                       // handler | first_responsible_person | plan_approver | extension_approver
  std::string person;  // empty for a department-only role
  std::string department;
  Time from{};
  std::optional<Time> to;           // none: still held
  std::vector<std::string> met;     // clocks met while held (their names)
  std::vector<std::string> missed;  // clocks missed while held
  domain::Money fines = 0;          // fines charged to this person/department for the complaint
  std::vector<uint64_t> evidence;

  bool operator==(const ResponsibilityRecord&) const = default;
};

// The facts metrics and rewards aggregate.
struct ComplaintFacts {
  std::string id, project, department, handler;
  domain::Level level = domain::Level::kGeneral;
  bool valid = true;  // not assessed yet counts as valid (it is a complaint until shown not)
  Time received{};
  std::optional<Time> first_response;
  std::optional<Time> closed;  // the first closure
  bool closed_now = false;
  // Per clock kind (index ClockKind): met and missed counts (closure: every cycle).
  std::array<int, domain::kClockKindCount> met{}, missed{};
  struct Survey {
    Time at{};
    bool acknowledged = false, contacted = false;
    int64_t timeliness = 0, plan = 0, attitude = 0;
    bool operator==(const Survey&) const = default;
  };
  std::optional<Survey> survey;

  bool operator==(const ComplaintFacts&) const = default;
};

struct Derived {
  std::vector<domain::ClockResult> clocks;
  domain::RuleMatch rule;
  std::vector<domain::FineLine> fines;
  std::vector<ResponsibilityRecord> responsibility;
  std::vector<Finding> findings;  // state findings and the tracked event findings
  ComplaintFacts facts;
};

Derived Derive(const TrackedComplaint& tracked, const PolicyLookup& policies,
               const domain::Policy& fallback, Time as_of);

// The clocks alone (cheaper), with each closure cycle under its own policy version.
std::vector<domain::ClockResult> ClocksOf(const domain::ComplaintState& state,
                                          const PolicyLookup& policies,
                                          const domain::Policy& fallback, Time as_of);

}  // namespace projections
