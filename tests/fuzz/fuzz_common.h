// What the fuzz targets (tests/fuzz/*_fuzz.cc) and the corpus generator share: a fixed time, an
// actor the policy allows for an action, and complaints driven through a fixed lifecycle with the
// product's own Decide and Evolve, so that an action under test meets a complaint at each stage.
// Uses the product's public headers only. docs/fuzzing.md describes the targets.
//
// Thread-safety: the states are built once (a function-local static) and only read after that.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/domain/action.h"
#include "ledger/domain/decide.h"
#include "ledger/domain/evolve.h"
#include "ledger/domain/policy.h"

namespace fuzz {

using ledger::Actor;
using ledger::Time;
namespace domain = ledger::domain;

// Every decision is made at this instant: Monday 2026-03-02, 10:00 at +08:00 (a working day).
inline Time Now() { return *ledger::ParseRfc3339("2026-03-02T10:00:00+08:00"); }

// The department the lifecycle assigns the complaint to.
inline constexpr char kDepartment[] = "property";

// An actor whose role may perform `type` under `policy`: a customer-service agent first, then the
// department's roles (of kDepartment, which holds the complaint once assigned; its head approves
// a general complaint's plan), then anyone the policy allows. Role "" when nobody may.
inline Actor ActorFor(const domain::Policy& policy, std::string_view type) {
  for (const char* role :
       {"cs_agent", "handler", "dept_head", "cs_head", "intake", "deputy_gm", "gm"}) {
    if (!policy.RoleMay(role, type)) continue;
    std::string r = role;
    bool cs = r == "cs_agent" || r == "cs_head";
    return {"u-fuzz-" + r, r, cs ? "customer_service" : kDepartment};
  }
  for (const auto& [role, actions] : policy.permissions)
    if (actions.count(std::string(type)) > 0) return {"u-fuzz-" + role, role, kDepartment};
  return {"u-fuzz", "", ""};
}

// ActorFor, except that a receive is filed by whoever received it (the domain refuses anyone
// else): the receiving staff member of the receiving department the action names.
inline Actor ActorFor(const domain::Policy& policy, const domain::Action& action) {
  Actor actor = ActorFor(policy, action.type);
  if (action.type != "receive") return actor;
  auto text = [&](std::string_view key) -> std::string {
    auto it = action.fields.find(key);
    return it != action.fields.end() && it->value().is_string()
               ? std::string(it->value().get_string())
               : std::string();
  };
  std::string department = text("receiving_department");
  if (!department.empty() && department != actor.department)
    actor = {"u-fuzz-intake", "intake", department};
  if (std::string staff = text("receiving_staff"); !staff.empty()) actor.id = staff;
  return actor;
}

// What the service would know about other complaints, fixed: a linked complaint exists, and a
// corrected event is the complaint's intake.
inline domain::CrossFacts Cross(const domain::ComplaintState& state) {
  domain::CrossFacts cross;
  cross.target_complaints = 1;
  cross.other = domain::OtherComplaint{
      "CMP-2026-000002", Now() - std::chrono::hours(48), std::nullopt, domain::Level::kGeneral, 1,
      "li-138"};
  cross.same_issue_complainants = 2;
  cross.referenced =
      domain::CrossFacts::Referenced{1, state.id, domain::schema::DomainEvent::RECEIVED};
  return cross;
}

inline domain::DecideInput Input(const domain::ComplaintState& state, const domain::Policy& policy,
                                 Actor actor, bool imported) {
  domain::DecideInput in;
  in.state = &state;
  in.policy = &policy;
  in.policy_version = 1;
  in.complaint_policy = &policy;
  in.actor = std::move(actor);
  in.now = Now();
  in.cross = Cross(state);
  in.imported = imported;
  return in;
}

// Applies a decision's events to `state` as an append would: the next versions and positions.
// A department rating goes to the ratings stream, not the complaint's.
inline void Apply(domain::ComplaintState& state, const domain::Decision& decision) {
  for (const domain::PendingEvent& p : decision.events) {
    if (p.event().which() == domain::schema::DomainEvent::DEPARTMENT_RATED) continue;
    domain::EventView v = p.View(state.version + 1, 1, Now());
    v.position = state.last_position + 1;
    domain::Evolve(state, v);
  }
}

// The lifecycle: the actions that take a complaint from intake to closure, in order.
inline const std::vector<std::string>& Lifecycle() {
  static const std::vector<std::string> kSteps = {
      R"({"type":"receive","channel":"hotline","complainant":{"name":"Li","phone":"13800000001"},)"
      R"("project":"p-lakeside","subject":"Leak","description":"Water leak",)"
      R"("receiving_department":"customer_service","occurred_at":"2026-03-02T09:00:00+08:00"})",
      R"({"type":"assess_validity","valid":true})",
      R"({"type":"classify","category":"property_service"})",
      R"({"type":"assign","department":"property","handler":"u-fuzz-handler"})",
      R"({"type":"respond","channel":"phone","summary":"called back"})",
      R"({"type":"propose_plan","plan_type":"repair","description":"fix it"})",
      R"({"type":"review_plan","approved":true})",
      R"({"type":"resolve","resolution":"fixed","root_cause":"product_quality",)"
      R"("corrective_action":"inspect the pipes"})",
      R"({"type":"confirm","method":"written"})",
      R"({"type":"close","basis":"customer_confirmed"})",
  };
  return kSteps;
}

// Decides `text` against `state` under `policy` as ActorFor's actor and applies it. Not OK when
// it does not parse or is refused.
inline ledger::Status Step(domain::ComplaintState& state, const domain::Policy& policy,
                           std::string_view text) {
  ledger::Result<domain::Action> action = domain::ParseActionText(text);
  if (!action.ok()) return action.status();
  ledger::Result<domain::Decision> d =
      domain::Decide(*action, Input(state, policy, ActorFor(policy, *action), false));
  if (!d.ok()) return d.status();
  Apply(state, *d);
  return ledger::Status::Ok();
}

// The stages an action under test meets: no complaint, just received, assigned, a plan waiting
// for review, resolved, closed (after Lifecycle() steps 0, 1, 4, 6, 8 and 10).
inline const std::vector<domain::ComplaintState>& Stages() {
  static const std::vector<domain::ComplaintState> kStages = [] {
    std::vector<domain::ComplaintState> out;
    std::shared_ptr<const domain::Policy> policy = domain::DefaultPolicy();
    domain::ComplaintState state;
    state.id = "CMP-2026-000001";
    out.push_back(state);
    const std::array<size_t, 5> stops = {1, 4, 6, 8, 10};
    size_t done = 0;
    for (size_t stop : stops) {
      for (; done < stop; ++done) {
        ledger::Status st = Step(state, *policy, Lifecycle()[done]);
        if (!st.ok()) {  // the lifecycle must be valid, or the targets test less than they say
          std::fprintf(stderr, "fuzz: lifecycle step %zu refused: %s\n", done,
                       st.ToString().c_str());
          std::abort();
        }
      }
      out.push_back(state);
    }
    return out;
  }();
  return kStages;
}

}  // namespace fuzz
