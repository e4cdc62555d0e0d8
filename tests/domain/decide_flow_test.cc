// Every stage rule and bad-input rule of every action (decide_*.cc): a table of "given this
// complaint, this action by this actor is refused with this code, naming exactly these (field,
// rule) pairs". Refusals are values; the decision holds no events, so nothing can be appended
// (domain_property_test.cc checks that through the real write path). Positive rows next to the
// refusals show that the rule, not something else, refused.
//
// This file: handling and closing (decide_handling.cc), a closed complaint, the whole path.
// decide_flow_intake_test.cc and decide_flow_records_test.cc hold the other actions.
#include <set>
#include <string>
#include <vector>

#include "refusal_table.h"

namespace ledger::domain {
namespace {

using namespace testing_util;

// --- Handling ------------------------------------------------------------------------------

TEST(Flow, RespondPlanReviewResolveConfirm) {
  const Given sent_back =
      And(At(Step::kPlanned),
          Doing(R"({"type":"review_plan","approved":false,"comment":"too vague"})", DeptHead()));
  const std::string resolve =
      R"({"type":"resolve","resolution":"r","root_cause":"other","corrective_action":"c"})";
  ExpectRefusals({
      {"respond without a summary",
       At(Step::kReceived),
       R"({"type":"respond","channel":"phone"})",
       CsAgent(),
       kBad,
       {{"summary", "required"}}},
      {"a plan while the previous one waits for review",
       At(Step::kPlanned),
       R"({"type":"propose_plan","plan_type":"repair","description":"again"})",
       Handler(),
       kRefused,
       {{"type", "plan_pending"}}},
      {"a plan after resolution",
       At(Step::kResolved),
       R"({"type":"propose_plan","plan_type":"repair","description":"again"})",
       Handler(),
       kRefused,
       {{"type", "already_resolved"}}},
      {"bad plan fields",
       At(Step::kAssigned),
       R"({"type":"propose_plan","plan_type":"magic","description":"x",
           "planned_start":"2026-03-05T10:00:00+08:00","planned_finish":"2026-03-04T10:00:00+08:00",
           "estimated_cost":"-5.00"})",
       Handler(),
       kBad,
       {{"plan_type", "unknown_code"},
        {"planned_finish", "before_start"},
        {"estimated_cost", "money"}}},
      {"a planned start that is not a time",
       At(Step::kAssigned),
       R"({"type":"propose_plan","plan_type":"repair","description":"x","planned_start":"tomorrow"})",
       Handler(),
       kBad,
       {{"planned_start", "rfc3339"}}},
      {"review without a plan",
       At(Step::kAssigned),
       R"({"type":"review_plan","approved":true})",
       DeptHead(),
       kRefused,
       {{"type", "no_plan_to_review"}}},
      {"review a plan already reviewed",
       At(Step::kApproved),
       R"({"type":"review_plan","approved":true})",
       DeptHead(),
       kRefused,
       {{"type", "no_plan_to_review"}}},
      {"send a plan back without a comment",
       At(Step::kPlanned),
       R"({"type":"review_plan","approved":false})",
       DeptHead(),
       kBad,
       {{"comment", "required"}}},
      {"a major complaint's plan reviewed by a department head",
       At(Step::kPlanned, "property_service", R"(,"headcount":4)"),
       R"({"type":"review_plan","approved":true})", DeptHead(), kDenied, kPermission},
      {"resolve without an approved plan",
       At(Step::kPlanned),
       resolve,
       Handler(),
       kRefused,
       {{"type", "no_approved_plan"}}},
      {"resolve after the plan was sent back",
       sent_back,
       resolve,
       Handler(),
       kRefused,
       {{"type", "no_approved_plan"}}},
      {"resolve twice",
       At(Step::kResolved),
       resolve,
       Handler(),
       kRefused,
       {{"type", "already_resolved"}}},
      {"an unknown root cause",
       At(Step::kApproved),
       R"({"type":"resolve","resolution":"r","root_cause":"gremlins","corrective_action":"c"})",
       Handler(),
       kBad,
       {{"root_cause", "unknown_code"}}},
      {"confirm before resolution",
       At(Step::kApproved),
       R"({"type":"confirm","method":"written"})",
       CsAgent(),
       kRefused,
       {{"type", "not_resolved"}}},
      {"the same confirmation twice",
       At(Step::kConfirmed),
       R"({"type":"confirm","method":"written"})",
       CsAgent(),
       kRefused,
       {{"method", "already_confirmed"}}},
      {"an unknown confirmation method",
       At(Step::kResolved),
       R"({"type":"confirm","method":"telepathy"})",
       CsAgent(),
       kBad,
       {{"method", "unknown_code"}}},
  });
  Complaint k;
  sent_back(k);
  EXPECT_TRUE(
      k.Try(R"({"type":"propose_plan","plan_type":"replace","description":"new"})", Handler())
          .ok());
}

TEST(Flow, CloseNeedsItsBasisAndTheConfirmationItRequires) {
  const std::string confirmed = R"({"type":"close","basis":"customer_confirmed"})";
  const Given invalid = And(
      At(Step::kReceived),
      Doing(R"({"type":"assess_validity","valid":false,"reason":"misunderstanding"})", CsAgent()));
  const Given written = Doing(R"({"type":"confirm","method":"written"})", CsAgent());
  const Given property_company =
      Doing(R"({"type":"confirm","method":"property_company"})", CsAgent());
  ExpectRefusals({
      {"customer_confirmed without a confirmation",
       At(Step::kResolved),
       confirmed,
       CsAgent(),
       kRefused,
       {{"basis", "confirmation_required"}}},
      {"customer_confirmed before resolution",
       At(Step::kApproved),
       confirmed,
       CsAgent(),
       kRefused,
       {{"basis", "not_resolved"}, {"basis", "confirmation_required"}}},
      {"maintenance (engineering) without the property company",
       And(At(Step::kResolved, "maintenance"), written),
       confirmed,
       CsAgent(),
       kRefused,
       {{"basis", "property_company_confirmation_required"}}},
      {"delayed_delivery (engineering) without the property company",
       And(At(Step::kResolved, "delayed_delivery"), written),
       confirmed,
       CsAgent(),
       kRefused,
       {{"basis", "property_company_confirmation_required"}}},
      {"engineering with only the property company",
       And(At(Step::kResolved, "maintenance"), property_company),
       confirmed,
       CsAgent(),
       kRefused,
       {{"basis", "confirmation_required"}}},
      {"an invalid complaint closed as confirmed",
       invalid,
       confirmed,
       CsAgent(),
       kRefused,
       {{"basis", "invalid_complaint"}}},
      {"invalid_explained before the explanation",
       invalid,
       R"({"type":"close","basis":"invalid_explained"})",
       CsAgent(),
       kRefused,
       {{"basis", "not_explained"}}},
      {"invalid_explained for a valid complaint",
       At(Step::kResponded),
       R"({"type":"close","basis":"invalid_explained"})",
       CsAgent(),
       kRefused,
       {{"basis", "not_invalid"}}},
      {"invalid_explained for a valid complaint not responded to",
       At(Step::kAssigned),
       R"({"type":"close","basis":"invalid_explained"})",
       CsAgent(),
       kRefused,
       {{"basis", "not_invalid"}, {"basis", "not_explained"}}},
      {"closing before validity is assessed",
       At(Step::kReceived),
       confirmed,
       CsAgent(),
       kRefused,
       {{"type", "not_assessed"}}},
      {"plan_issued_no_agreement without an approved plan",
       At(Step::kPlanned),
       R"({"type":"close","basis":"plan_issued_no_agreement"})",
       CsAgent(),
       kRefused,
       {{"basis", "no_plan_issued"}}},
      {"litigation_concluded without litigation",
       At(Step::kApproved),
       R"({"type":"close","basis":"litigation_concluded"})",
       CsAgent(),
       kRefused,
       {{"basis", "no_litigation"}}},
      {"an unknown basis",
       At(Step::kConfirmed),
       R"({"type":"close","basis":"tired"})",
       CsAgent(),
       kBad,
       {{"basis", "unknown_code"}}},
      {"no basis",
       At(Step::kConfirmed),
       R"({"type":"close"})",
       CsAgent(),
       kBad,
       {{"basis", "required"}}},
  });
}

struct CloseCase {
  const char* name;
  Given given;
  std::string basis;
};

TEST(Flow, EachBasisClosesOnceItsConditionsHold) {
  const std::vector<CloseCase> rows = {
      {"customer_confirmed by recorded call (property class)",
       And(At(Step::kResolved), Doing(R"({"type":"confirm","method":"recorded_call"})", CsAgent())),
       "customer_confirmed"},
      {"customer_confirmed, engineering with both confirmations",
       At(Step::kConfirmed, "maintenance"), "customer_confirmed"},
      {"plan_issued_no_agreement with an approved plan", At(Step::kApproved),
       "plan_issued_no_agreement"},
      {"litigation_concluded with litigation",
       And(At(Step::kAssigned), Doing(R"({"type":"add_flag","flag":"litigation"})", CsAgent())),
       "litigation_concluded"},
      {"invalid_explained after the explanation",
       And(At(Step::kReceived),
           And(Doing(R"({"type":"assess_validity","valid":false,"reason":"beyond_service_scope"})",
                     CsAgent()),
               Doing(R"({"type":"respond","channel":"phone","summary":"explained"})", CsAgent()))),
       "invalid_explained"},
  };
  for (const CloseCase& row : rows) {
    Complaint k;
    row.given(k);
    Decision d = k.Do(R"({"type":"close","basis":")" + row.basis + "\"}", CsAgent());
    EXPECT_EQ(TypesOf(d), std::vector<std::string>{"ComplaintClosed"}) << row.name;
    EXPECT_TRUE(k.state().closed()) << row.name;
    EXPECT_EQ(k.state().cycles.back().basis, row.basis) << row.name;
  }
}

TEST(Flow, ReopenPauseResumeAndFlags) {
  const Given paused =
      And(At(Step::kAssigned),
          Doing(R"({"type":"pause_clock","reason":"awaiting_customer"})", CsAgent()));
  ExpectRefusals({
      {"reopen an open complaint",
       At(Step::kAssigned),
       R"({"type":"reopen","reason":"again"})",
       CsAgent(),
       kRefused,
       {{"type", "not_closed"}}},
      {"reopen without a reason",
       At(Step::kClosed),
       R"({"type":"reopen"})",
       CsAgent(),
       kBad,
       {{"reason", "required"}}},
      {"pause a paused clock",
       paused,
       R"({"type":"pause_clock","reason":"litigation"})",
       CsAgent(),
       kRefused,
       {{"type", "already_paused"}}},
      {"resume a running clock",
       At(Step::kAssigned),
       R"({"type":"resume_clock","reason":"litigation"})",
       CsAgent(),
       kRefused,
       {{"type", "not_paused"}}},
      {"resume another pause",
       paused,
       R"({"type":"resume_clock","reason":"litigation"})",
       CsAgent(),
       kRefused,
       {{"reason", "different_pause"}}},
      {"an unknown pause reason",
       At(Step::kAssigned),
       R"({"type":"pause_clock","reason":"holiday"})",
       CsAgent(),
       kBad,
       {{"reason", "unknown_code"}}},
      {"a flag already set",
       At(Step::kReceived, "property_service", R"(,"flags":["government"])"),
       R"({"type":"add_flag","flag":"government"})",
       CsAgent(),
       kRefused,
       {{"flag", "already_set"}}},
      {"an unknown flag",
       At(Step::kReceived),
       R"({"type":"add_flag","flag":"aliens"})",
       CsAgent(),
       kBad,
       {{"flag", "unknown_code"}}},
      {"the reputation flag by a handler", At(Step::kAssigned),
       R"({"type":"add_flag","flag":"reputation"})", Handler(), kDenied, kPermission},
  });
}

// --- A closed complaint ----------------------------------------------------------------------

// The actions a closed complaint still accepts (decide.cc; docs/events.md says why).
const std::set<std::string> kAllowedWhenClosed = {
    "reopen",  "record_callback", "record_fine", "waive_fine",
    "correct", "attach_evidence", "link",        "add_flag"};

TEST(Flow, AClosedComplaintRefusesEveryActionButTheAllowedOnes) {
  Complaint k;
  Reach(k, Step::kClosed);
  const Policy& p = k.policy();
  int refused = 0;
  for (const std::string type : {"transmit",
                                 "assess_validity",
                                 "classify",
                                 "set_level",
                                 "assign",
                                 "respond",
                                 "propose_plan",
                                 "review_plan",
                                 "record_progress",
                                 "resolve",
                                 "confirm",
                                 "close",
                                 "reopen",
                                 "pause_clock",
                                 "resume_clock",
                                 "add_flag",
                                 "link",
                                 "request_extension",
                                 "decide_extension",
                                 "record_staff_decision",
                                 "record_callback",
                                 "record_fine",
                                 "waive_fine",
                                 "correct",
                                 "attach_evidence"}) {
    // Someone the policy allows to do it, so that only the stage can refuse.
    Actor actor = p.RoleMay("cs_head", type)     ? CsHead()
                  : p.RoleMay("handler", type)   ? Handler()
                  : p.RoleMay("dept_head", type) ? DeptHead()
                                                 : DeputyGm();
    auto r = k.Try(R"({"type":")" + std::string(type) + "\"}", actor);
    ASSERT_FALSE(r.ok()) << type;  // no fields: refused one way or another
    bool closed = r.status().code() == kRefused && PairsOf(r.status()) == Pairs{{"type", "closed"}};
    EXPECT_EQ(closed, kAllowedWhenClosed.count(type) == 0) << type << ": " << r.status().ToString();
    refused += closed;
  }
  EXPECT_EQ(refused, 25 - int(kAllowedWhenClosed.size()));
}

// --- The whole flow ----------------------------------------------------------------------------

TEST(Flow, TheUsualPathProducesOneEventPerActionInStageOrder) {
  Complaint k;
  k.Do(ReceiveJson("property"), Intake());
  EXPECT_EQ(k.state().stage(), Stage::kReceived);
  k.Do(R"({"type":"transmit","to_department":"customer_service","to_person":"u-cs-1"})", Intake());
  EXPECT_EQ(k.state().stage(), Stage::kTransmitted);
  const std::vector<std::pair<std::string, Actor>> steps = {
      {R"({"type":"assess_validity","valid":true})", CsAgent()},
      {R"({"type":"classify","category":"maintenance"})", CsAgent()},
      {R"({"type":"assign","department":"property","cooperating":["project_engineering"],"handler":"u-handler-1"})",
       CsAgent()},
      {R"({"type":"respond","channel":"phone","summary":"we will come"})", Handler()},
      {R"({"type":"propose_plan","plan_type":"repair","description":"replace the pipe",
           "planned_start":"2026-03-03T09:00:00+08:00","planned_finish":"2026-03-04T18:00:00+08:00",
           "estimated_cost":"350.00"})",
       Handler()},
      {R"({"type":"review_plan","approved":true})", DeptHead()},
      {R"({"type":"record_progress","summary":"pipe ordered"})", Handler()},
      {R"({"type":"resolve","resolution":"pipe replaced","root_cause":"product_quality",
           "corrective_action":"check the batch"})",
       Handler()},
      {R"({"type":"confirm","method":"recorded_call"})", CsAgent()},
      {R"({"type":"confirm","method":"property_company"})", CsAgent()},
      {R"({"type":"close","basis":"customer_confirmed"})", CsAgent()},
      {R"({"type":"record_callback","acknowledged":true,"contacted":true,"timeliness":9,"plan":9,
           "attitude":10})",
       CsAgent()},
  };
  const std::vector<Stage> stages = {
      Stage::kAssessed,     Stage::kClassified,   Stage::kAssigned,     Stage::kAssigned,
      Stage::kPlanProposed, Stage::kPlanApproved, Stage::kPlanApproved, Stage::kResolved,
      Stage::kConfirmed,    Stage::kConfirmed,    Stage::kClosed,       Stage::kClosed};
  for (size_t i = 0; i < steps.size(); ++i) {
    k.Advance(std::chrono::minutes(5));
    Decision d = k.Do(steps[i].first, steps[i].second);
    EXPECT_EQ(d.events.size(), 1u) << steps[i].first;
    EXPECT_EQ(k.state().stage(), stages[i]) << steps[i].first;
  }
  EXPECT_EQ(k.state().version, 14u);
  EXPECT_TRUE(k.state().callback.has_value());
  EXPECT_EQ(k.state().plans[0].estimated_cost, 35000);
}

}  // namespace
}  // namespace ledger::domain
