// Role permissions (docs/rules.md#roles): every action x every role, allowed or refused.
// The expected matrix is written out here, independently of the policy file, so that a change to
// either is caught.
#include <map>
#include <set>

#include "domain_harness.h"
#include "ledger/domain/catalogue.h"

namespace ledger::domain {
namespace {

using testing_util::Complaint;

// Every action type: the catalogue's (the expected matrix below is written out by hand).
std::vector<std::string> AllActionTypes() {
  std::vector<std::string> out;
  for (const ledger::domain::ActionSpec& a : ledger::domain::Actions()) out.emplace_back(a.type);
  return out;
}
const std::vector<std::string> kActions = AllActionTypes();

std::map<std::string, std::set<std::string>> ExpectedMatrix() {
  std::set<std::string> cs = {
      "receive",         "transmit",        "assess_validity", "classify",       "set_level",
      "assign",          "respond",         "record_progress", "confirm",        "close",
      "reopen",          "pause_clock",     "resume_clock",    "add_flag",       "link",
      "record_callback", "rate_department", "correct",         "attach_evidence"};
  std::set<std::string> cs_head = cs;
  cs_head.insert({"review_plan", "record_fine"});
  std::set<std::string> handler = {"respond",        "propose_plan",      "record_progress",
                                   "resolve",        "confirm",           "pause_clock",
                                   "resume_clock",   "request_extension", "record_staff_decision",
                                   "attach_evidence"};
  std::set<std::string> dept_head = handler;
  dept_head.insert({"review_plan", "decide_extension"});
  std::set<std::string> leaders = {"review_plan", "decide_extension", "record_fine", "waive_fine"};
  return {{"intake", {"receive", "transmit", "attach_evidence"}},
          {"cs_agent", cs},
          {"cs_head", cs_head},
          {"handler", handler},
          {"dept_head", dept_head},
          {"deputy_gm", leaders},
          {"gm", leaders},
          {"auditor", {}},
          {"reader", {}},
          {"admin", {}},
          {"data_protection",
           {"place_legal_hold", "lift_legal_hold", "request_erasure", "seal_personal_data"}},
          {"system", {}}};
}

TEST(Roles, EveryActionTimesEveryRoleIsAllowedOrRefusedAsThePolicySays) {
  Complaint k;
  k.ReceiveAndAssign();
  int checked = 0;
  for (const auto& [role, allowed] : ExpectedMatrix()) {
    Actor actor{"u-" + role, role, role == "handler" || role == "dept_head" ? "property" : ""};
    for (const std::string& action : kActions) {
      // An otherwise empty action: an allowed role gets past the role check (and then fails on
      // input, 400, or a rule, 422); a refused role is stopped at once with 403.
      auto r = action == "receive" ? Complaint().Try(R"({"type":"receive"})", actor)
                                   : k.Try(R"({"type":")" + action + "\"}", actor);
      ASSERT_FALSE(r.ok()) << role << " " << action;
      bool denied = r.status().code() == Code::kPermissionDenied;
      EXPECT_EQ(denied, allowed.count(action) == 0)
          << role << " may " << (allowed.count(action) ? "" : "not ") << action << ": "
          << r.status().ToString();
      ++checked;
    }
  }
  EXPECT_EQ(checked, 12 * 31);
}

TEST(Roles, TheDefaultPolicyGrantsExactlyTheExpectedMatrix) {
  const Policy& p = *DefaultPolicy();
  for (const auto& [role, allowed] : ExpectedMatrix()) {
    for (const std::string& action : kActions)
      EXPECT_EQ(p.RoleMay(role, action), allowed.count(action) > 0) << role << " " << action;
  }
}

TEST(Roles, AHandlerOfAnotherDepartmentIsRefused) {
  Complaint k;
  k.ReceiveAndAssign();
  auto r = k.Try(R"({"type":"record_progress","summary":"x"})", testing_util::Handler("marketing"));
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied) << r.status().ToString();
  EXPECT_TRUE(k.Try(R"({"type":"record_progress","summary":"x"})", testing_util::Handler()).ok());
  // Responding to the customer is no exception.
  auto respond = k.Try(R"({"type":"respond","channel":"phone","summary":"x"})",
                       testing_util::Handler("marketing"));
  EXPECT_EQ(respond.status().code(), Code::kPermissionDenied) << respond.status().ToString();
}

TEST(Roles, BeforeAssignmentOnlyCustomerServiceResponds) {
  Complaint k;
  k.Do(R"({"type":"receive","channel":"hotline","complainant":{"name":"Li"},"project":"p-lakeside",
          "subject":"s","description":"d","receiving_department":"customer_service"})",
       testing_util::CsAgent());
  auto handler =
      k.Try(R"({"type":"respond","channel":"phone","summary":"x"})", testing_util::Handler());
  EXPECT_EQ(handler.status().code(), Code::kFailedPrecondition);
  EXPECT_TRUE(testing_util::Names(handler.status(), "type", "not_assigned"));
  EXPECT_TRUE(
      k.Try(R"({"type":"respond","channel":"phone","summary":"x"})", testing_util::CsAgent()).ok());
}

TEST(Roles, OnlyCustomerServiceSetsTheReputationFlag) {
  Complaint k;
  k.ReceiveAndAssign();
  auto r = k.Try(R"({"type":"add_flag","flag":"reputation"})", testing_util::Handler());
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied);
  EXPECT_TRUE(k.Try(R"({"type":"add_flag","flag":"reputation"})", testing_util::CsAgent()).ok());
}

// Plans are approved, and extensions decided, by the role the level names (docs/rules.md#roles).
struct ApprovalCase {
  const char* level_flags;  // intake fields that give the level
  Level level;
  std::set<std::string> plan_roles, extension_roles;
};

TEST(Roles, PlansAndExtensionsAreApprovedByTheRoleForTheLevel) {
  std::vector<ApprovalCase> cases = {
      {"", Level::kGeneral, {"dept_head"}, {"dept_head"}},
      {R"(,"flags":["government"])", Level::kImportant, {"dept_head"}, {"dept_head"}},
      {R"(,"headcount":4)", Level::kMajor, {"cs_head"}, {"deputy_gm"}},
      {R"(,"headcount":10)", Level::kCrisis, {"deputy_gm"}, {"gm"}},
  };
  std::vector<Actor> approvers = {testing_util::DeptHead(), testing_util::CsHead(),
                                  testing_util::DeputyGm(), testing_util::Gm()};
  for (const ApprovalCase& c : cases) {
    Complaint k;
    k.ReceiveAndAssign(c.level_flags);
    ASSERT_EQ(k.state().level(), c.level);
    k.Do(R"({"type":"propose_plan","plan_type":"repair","description":"fix it"})",
         testing_util::Handler());
    k.Do(
        R"({"type":"request_extension","clock":"closure","until":"2026-05-30T10:00:00+08:00","reason":"parts"})",
        testing_util::Handler());
    const uint64_t request = k.last_position();
    for (const Actor& a : approvers) {
      auto plan = k.Try(R"({"type":"review_plan","approved":true})", a);
      EXPECT_EQ(plan.ok(), c.plan_roles.count(a.role) > 0)
          << LevelName(c.level) << " plan by " << a.role << ": " << plan.status().ToString();
      if (!plan.ok()) {
        EXPECT_EQ(plan.status().code(), Code::kPermissionDenied);
      }
      auto ext = k.Try(R"({"type":"decide_extension","request":)" + std::to_string(request) +
                           R"(,"approved":true})",
                       a);
      EXPECT_EQ(ext.ok(), c.extension_roles.count(a.role) > 0)
          << LevelName(c.level) << " extension by " << a.role << ": " << ext.status().ToString();
    }
  }
}

}  // namespace
}  // namespace ledger::domain
