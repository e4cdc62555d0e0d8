// The usual lifecycle of a complaint as steps, for the flow and fines tests: Reach() drives a
// testing_util::Complaint (domain_harness.h) up to a step, each action by the role the default
// policy names, all at the complaint's current time. Positions follow the steps: receive 1,
// assess 2, classify 3, assign 4, respond 5, plan 6, review 7, resolve 8, confirm 9 (and 10 for an
// engineering complaint's property-company confirmation), close next — as long as no escalation
// is appended in between (an intake without escalating facts).
#pragma once

#include <string>

#include "domain_harness.h"

namespace testing_util {

enum class Step {
  kReceived,
  kValid,
  kClassified,
  kAssigned,
  kResponded,
  kPlanned,
  kApproved,
  kResolved,
  kConfirmed,
  kClosed,
};

// A receive action: received by `department` with the intake fields `extra` (",\"headcount\":4").
inline std::string ReceiveJson(const std::string& department = "customer_service",
                               const std::string& extra = "") {
  return R"({"type":"receive","channel":"hotline","complainant":{"name":"Li","phone":"13800000001"},
    "project":"p-lakeside","subject":"Leak","description":"Water leak","receiving_department":")" +
         department + "\"" + extra + "}";
}

// The department the policy makes first responsible for `category` ("property" when it names
// none, e.g. service_attitude, whose target department the tests set to property).
inline std::string FirstResponsible(const Complaint& k, const std::string& category) {
  const Category* c = k.policy().FindCategory(category);
  return c && !c->first_responsible.empty() ? c->first_responsible : "property";
}

inline bool IsEngineering(const Complaint& k, const std::string& category) {
  const Category* c = k.policy().FindCategory(category);
  return c && c->closure_class == ClosureClass::kEngineering;
}

// Drives `k` (not yet received) up to `step`: received by customer service, valid, classified as
// `category`, assigned to its first-responsible department, responded, plan proposed and
// approved, resolved, confirmed (written, plus the property company for engineering), closed
// with customer_confirmed.
inline void Reach(Complaint& k, Step step, const std::string& category = "property_service",
                  const std::string& extra = "") {
  const std::string dept = FirstResponsible(k, category);
  k.Do(ReceiveJson("customer_service", extra), CsAgent());
  if (step >= Step::kValid) k.Do(R"({"type":"assess_validity","valid":true})", CsAgent());
  if (step >= Step::kClassified)
    k.Do(R"({"type":"classify","category":")" + category + "\"}", CsAgent());
  if (step >= Step::kAssigned)
    k.Do(R"({"type":"assign","department":")" + dept + R"(","handler":"u-handler-1"})", CsAgent());
  if (step >= Step::kResponded)
    k.Do(R"({"type":"respond","channel":"phone","summary":"called back"})", Handler(dept));
  if (step >= Step::kPlanned)
    k.Do(R"({"type":"propose_plan","plan_type":"repair","description":"fix it"})", Handler(dept));
  if (step >= Step::kApproved) k.Do(R"({"type":"review_plan","approved":true})", DeptHead(dept));
  if (step >= Step::kResolved)
    k.Do(R"({"type":"resolve","resolution":"fixed","root_cause":"product_quality",
             "corrective_action":"inspect the pipes"})",
         Handler(dept));
  if (step >= Step::kConfirmed) {
    k.Do(R"({"type":"confirm","method":"written"})", CsAgent());
    if (IsEngineering(k, category))
      k.Do(R"({"type":"confirm","method":"property_company"})", CsAgent());
  }
  if (step >= Step::kClosed) k.Do(R"({"type":"close","basis":"customer_confirmed"})", CsAgent());
}

}  // namespace testing_util
