// Staff: the people the demo's actions are performed by, consistent with the policy's
// organisation (docs/demo.md, "People").
//
// Heads, the customer-service head, the deputy general manager and the general manager are the
// person ids the policy names ("u-head-property", "u-head-customer-service", "u-deputy-gm",
// "u-gm"). The demo invents the rest per department, with hyphens for underscores:
//   intake staff     u-intake-<dept>-<n>    role intake     (receive, transmit)
//   handlers         u-handler-<dept>-<n>   role handler    (respond, plans, resolve, ...)
//   complained-of    u-staff-<dept>-<n>     (targets of service_attitude complaints; never act)
//   cs agents        u-cs-<n>               role cs_agent, department customer_service
//
// Thread-safety: immutable after construction.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ledger/domain/policy.h"
#include "ledger/log/append.h"

namespace demo {

class Rng;

class Staff {
 public:
  // `policy` must name the customer-service department, its head, the deputy GM and the GM.
  // `complaints` sizes the pool of staff who may be complained about, so that a person draws a
  // handful of complaints over the demo whatever its size.
  Staff(const ledger::domain::Policy& policy, int64_t complaints);

  ledger::Actor Intake(Rng& rng, const std::string& department) const;
  ledger::Actor CsAgent(Rng& rng) const;
  ledger::Actor CsAgentNamed(const std::string& id) const;
  ledger::Actor CsHead() const;
  ledger::Actor Handler(const std::string& id, const std::string& department) const;
  // A handler id of `department`, chosen at random.
  std::string PickHandler(Rng& rng, const std::string& department) const;
  ledger::Actor DeptHead(const std::string& department) const;
  ledger::Actor DeputyGm() const;
  ledger::Actor Gm() const;
  ledger::Actor Admin() const { return {"u-admin", "admin", ""}; }

  // A staff member of `department` to complain about: a tenth of them draw 40% of complaints.
  std::string PickComplainedOf(Rng& rng, const std::string& department) const;

  // The person who acts for `role` (dept_head, cs_head, deputy_gm, gm) on a complaint held by
  // `department`.
  ledger::Actor ForRole(const std::string& role, const std::string& department) const;

  const std::string& customer_service() const { return cs_; }
  // Every department but customer service.
  const std::vector<std::string>& departments() const { return departments_; }

 private:
  std::string cs_, cs_head_, deputy_gm_, gm_;
  std::map<std::string, std::string> heads_;
  std::vector<std::string> departments_;
  int64_t complained_of_ = 40;  // people per department who may be complained about
};

// "project_engineering" -> "project-engineering".
std::string PersonSlug(const std::string& department);

}  // namespace demo
