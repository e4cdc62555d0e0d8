// Decide, intake and triage (decide_intake.cc and the checks every action shares): every stage
// rule and bad-input rule of receive, transmit, assess_validity, classify, set_level and assign,
// as refusal tables (refusal_table.h), with the accepted cases next to them.
#include <set>
#include <string>
#include <vector>

#include "refusal_table.h"

namespace ledger::domain {
namespace {

using namespace testing_util;

// --- Intake --------------------------------------------------------------------------------

TEST(Flow, ReceiveRefusesBadInput) {
  ExpectRefusals({
      {"every bad field at once",
       Nothing(),
       R"({"type":"receive","channel":"pigeon","complainant":{"phone":"1"},"project":"p-lakeside",
           "description":"d","receiving_department":"customer_service","headcount":0,
           "claimed_compensation":"12.345","flags":["bogus"],"colour":"red"})",
       CsAgent(),
       kBad,
       {{"channel", "unknown_code"},
        {"complainant.name", "required"},
        {"subject", "required"},
        {"headcount", "range"},
        {"claimed_compensation", "money"},
        {"flags[0]", "unknown_code"},
        {"colour", "unknown_field"}}},
      {"negative money",
       Nothing(),
       ReceiveJson("customer_service", R"(,"claimed_compensation":"-1.00")"),
       CsAgent(),
       kBad,
       {{"claimed_compensation", "money"}}},
      {"money with three decimals",
       Nothing(),
       ReceiveJson("customer_service", R"(,"claimed_compensation":"1300.001")"),
       CsAgent(),
       kBad,
       {{"claimed_compensation", "money"}}},
      {"money with one decimal",
       Nothing(),
       ReceiveJson("customer_service", R"(,"claimed_compensation":"1300.0")"),
       CsAgent(),
       kBad,
       {{"claimed_compensation", "money"}}},
      {"money as a number",
       Nothing(),
       ReceiveJson("customer_service", R"(,"claimed_compensation":1300)"),
       CsAgent(),
       kBad,
       {{"claimed_compensation", "money"}}},
      {"headcount 0",
       Nothing(),
       ReceiveJson("customer_service", R"(,"headcount":0)"),
       CsAgent(),
       kBad,
       {{"headcount", "range"}}},
      {"headcount negative",
       Nothing(),
       ReceiveJson("customer_service", R"(,"headcount":-3)"),
       CsAgent(),
       kBad,
       {{"headcount", "range"}}},
      {"headcount as text",
       Nothing(),
       ReceiveJson("customer_service", R"(,"headcount":"2")"),
       CsAgent(),
       kBad,
       {{"headcount", "type"}}},
      {"an unknown field",
       Nothing(),
       ReceiveJson("customer_service", R"(,"priority":"high")"),
       CsAgent(),
       kBad,
       {{"priority", "unknown_field"}}},
      {"an unknown field of the complainant",
       Nothing(),
       R"({"type":"receive","channel":"hotline","complainant":{"name":"Li","age":40},"project":"p-lakeside",
           "subject":"s","description":"d","receiving_department":"customer_service"})",
       CsAgent(),
       kBad,
       {{"complainant.age", "unknown_field"}}},
      {"an unknown target kind",
       Nothing(),
       ReceiveJson("customer_service", R"(,"target":{"kind":"animal","id":"x"})"),
       CsAgent(),
       kBad,
       {{"target.kind", "unknown_code"}}},
      {"a repeated flag",
       Nothing(),
       ReceiveJson("customer_service", R"(,"flags":["media","media"])"),
       CsAgent(),
       kBad,
       {{"flags[1]", "duplicate"}}},
      {"occurred_at beyond the 5-minute skew",
       Nothing(),
       ReceiveJson("customer_service", R"(,"occurred_at":"2026-03-02T10:05:01+08:00")"),
       CsAgent(),
       kBad,
       {{"occurred_at", "future"}}},
      {"occurred_at not RFC 3339",
       Nothing(),
       ReceiveJson("customer_service", R"(,"occurred_at":"2026-03-02 10:00")"),
       CsAgent(),
       kBad,
       {{"occurred_at", "rfc3339"}}},
      {"an unknown project",
       Nothing(),
       R"({"type":"receive","channel":"hotline","complainant":{"name":"Li"},"project":"p-moon",
           "subject":"s","description":"d","receiving_department":"customer_service"})",
       CsAgent(),
       kRefused,
       {{"project", "unknown_project"}}},
      {"unknown departments",
       Nothing(),
       ReceiveJson("sales_office",
                   R"(,"target":{"kind":"person","id":"u-9","department":"kitchen"})"),
       CsAgent(),
       kRefused,
       {{"receiving_department", "unknown_department"},
        {"target.department", "unknown_department"}}},
      {"the reputation flag by intake staff", Nothing(),
       ReceiveJson("property", R"(,"flags":["reputation"])"), Intake(), kDenied, kPermission},
  });
}

TEST(Flow, ReceiveAcceptsTheEdges) {
  Complaint k;
  Decision d = k.Do(ReceiveJson("customer_service", R"(,"occurred_at":"2026-03-02T10:05:00+08:00",
                                                      "headcount":1,"claimed_compensation":"0.00")"),
                    CsAgent());
  EXPECT_EQ(TypesOf(d), std::vector<std::string>{"ComplaintReceived"});
  EXPECT_EQ(k.state().intake.at, Local("2026-03-02T10:05:00"));
  EXPECT_EQ(k.state().claimed_compensation, 0);
}

TEST(Flow, EveryActionChecksTheComplaintAndItsTimes) {
  ExpectRefusals({
      {"a complaint that does not exist",
       Nothing(),
       R"({"type":"respond","channel":"phone","summary":"x"})",
       CsAgent(),
       Code::kNotFound,
       {}},
      {"occurred_at before the intake",
       At(Step::kReceived),
       R"({"type":"respond","channel":"phone","summary":"x","occurred_at":"2026-03-02T09:59:59+08:00"})",
       CsAgent(),
       kBad,
       {{"occurred_at", "before_intake"}}},
      {"occurred_at in the future",
       At(Step::kReceived),
       R"({"type":"respond","channel":"phone","summary":"x","occurred_at":"2026-03-02T10:06:00+08:00"})",
       CsAgent(),
       kBad,
       {{"occurred_at", "future"}}},
      {"a handler before responsibility is assigned",
       At(Step::kClassified),
       R"({"type":"propose_plan","plan_type":"repair","description":"fix"})",
       Handler(),
       kRefused,
       {{"type", "not_assigned"}}},
      {"a handler of another department", At(Step::kAssigned),
       R"({"type":"record_progress","summary":"x"})", Handler("marketing"), kDenied, kPermission},
      {"a department head of another department", At(Step::kPlanned),
       R"({"type":"review_plan","approved":true})", DeptHead("marketing"), kDenied, kPermission},
      {"a role without the action", At(Step::kAssigned),
       R"({"type":"close","basis":"invalid_explained"})", Handler(), kDenied, kPermission},
  });
  // The edges: exactly the intake time and exactly 5 minutes ahead are accepted.
  Complaint k;
  Reach(k, Step::kReceived);
  EXPECT_TRUE(k.Try(R"({"type":"respond","channel":"phone","summary":"x",
                        "occurred_at":"2026-03-02T10:00:00+08:00"})",
                    CsAgent())
                  .ok());
  EXPECT_TRUE(k.Try(R"({"type":"respond","channel":"phone","summary":"x",
                        "occurred_at":"2026-03-02T10:05:00+08:00"})",
                    CsAgent())
                  .ok());
}

TEST(Flow, AnUnknownActionTypeIsBadInput) {
  auto a = ParseActionText(R"({"type":"escalate","level":"crisis"})");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), kBad);
  EXPECT_EQ(PairsOf(a.status()), (Pairs{{"type", "unknown_action"}}));
}

TEST(Flow, TransmitAndAssessValidity) {
  const Given by_property = Doing(ReceiveJson("property"), Intake());
  const Given transmitted = And(
      by_property, Doing(R"({"type":"transmit","to_department":"customer_service"})", Intake()));
  ExpectRefusals({
      {"transmit when customer service received it",
       At(Step::kReceived),
       R"({"type":"transmit","to_department":"customer_service"})",
       CsAgent(),
       kRefused,
       {{"to_department", "not_needed"}}},
      {"transmit to an unknown department",
       by_property,
       R"({"type":"transmit","to_department":"nowhere"})",
       Intake(),
       kRefused,
       {{"to_department", "unknown_department"}}},
      {"transmit twice",
       transmitted,
       R"({"type":"transmit","to_department":"customer_service"})",
       Intake(),
       kRefused,
       {{"type", "already_transmitted"}}},
      {"transmit without a department",
       by_property,
       R"({"type":"transmit"})",
       Intake(),
       kBad,
       {{"to_department", "required"}}},
      {"assess before the receiving department transmitted",
       by_property,
       R"({"type":"assess_validity","valid":true})",
       CsAgent(),
       kRefused,
       {{"type", "not_transmitted"}}},
      {"invalid without a reason",
       At(Step::kReceived),
       R"({"type":"assess_validity","valid":false})",
       CsAgent(),
       kBad,
       {{"reason", "required"}}},
      {"valid with a reason",
       At(Step::kReceived),
       R"({"type":"assess_validity","valid":true,"reason":"suggestion"})",
       CsAgent(),
       kBad,
       {{"reason", "not_allowed"}}},
      {"an unknown reason",
       At(Step::kReceived),
       R"({"type":"assess_validity","valid":false,"reason":"rude"})",
       CsAgent(),
       kBad,
       {{"reason", "unknown_code"}}},
      {"valid not a boolean",
       At(Step::kReceived),
       R"({"type":"assess_validity","valid":"yes"})",
       CsAgent(),
       kBad,
       {{"valid", "type"}}},
      {"assess after assignment",
       At(Step::kAssigned),
       R"({"type":"assess_validity","valid":false,
       "reason":"suggestion"})",
       CsAgent(),
       kRefused,
       {{"type", "already_assigned"}}},
  });
  Complaint k;
  transmitted(k);
  EXPECT_TRUE(k.Try(R"({"type":"assess_validity","valid":true})", CsAgent()).ok());
}

// A transmission to a department other than customer service does not bring the complaint to
// customer service: validity is not assessed yet, and the transmission to customer service that
// must follow is not refused as a second one (the transmission clock is met by that one only).
TEST(Flow, ATransmissionElsewhereIsNotATransmissionToCustomerService) {
  Complaint k;
  k.Do(ReceiveJson("property"), Intake());
  k.Do(R"({"type":"transmit","to_department":"marketing"})", Intake());
  auto assess = k.Try(R"({"type":"assess_validity","valid":true})", CsAgent());
  ASSERT_FALSE(assess.ok());
  EXPECT_EQ(PairsOf(assess.status()), (Pairs{{"type", "not_transmitted"}}));
  k.Advance(std::chrono::minutes(10));
  k.Do(R"({"type":"transmit","to_department":"customer_service","to_person":"u-cs-1"})", Intake());
  EXPECT_EQ(k.state().transmitted_to_department, "customer_service");
  EXPECT_EQ(k.state().transmitted->at, k.now());
  k.Do(R"({"type":"assess_validity","valid":true})", CsAgent());
  auto again = k.Try(R"({"type":"transmit","to_department":"customer_service"})", Intake());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(PairsOf(again.status()), (Pairs{{"type", "already_transmitted"}}));
}

TEST(Flow, ClassifySetLevelAndAssign) {
  const Given invalid =
      And(At(Step::kReceived),
          Doing(R"({"type":"assess_validity","valid":false,"reason":"suggestion"})", CsAgent()));
  const std::string assign = R"({"type":"assign","department":"property","handler":"u-handler-1"})";
  ExpectRefusals({
      {"classify before validity",
       At(Step::kReceived),
       R"({"type":"classify","category":"maintenance"})",
       CsAgent(),
       kRefused,
       {{"type", "not_valid"}}},
      {"classify an invalid complaint",
       invalid,
       R"({"type":"classify","category":"maintenance"})",
       CsAgent(),
       kRefused,
       {{"type", "not_valid"}}},
      {"an unknown category",
       At(Step::kValid),
       R"({"type":"classify","category":"weather"})",
       CsAgent(),
       kRefused,
       {{"category", "unknown_category"}}},
      {"an unknown level",
       At(Step::kReceived),
       R"({"type":"set_level","level":"urgent","reason":"x"})",
       CsAgent(),
       kBad,
       {{"level", "unknown_code"}}},
      {"the level in force",
       At(Step::kReceived),
       R"({"type":"set_level","level":"general","reason":"x"})",
       CsAgent(),
       kRefused,
       {{"level", "unchanged"}}},
      {"a level without a reason",
       At(Step::kReceived),
       R"({"type":"set_level","level":"major"})",
       CsAgent(),
       kBad,
       {{"reason", "required"}}},
      {"assign before classification",
       At(Step::kValid),
       assign,
       CsAgent(),
       kRefused,
       {{"type", "not_classified"}}},
      {"assign before validity",
       At(Step::kReceived),
       assign,
       CsAgent(),
       kRefused,
       {{"type", "not_valid"}, {"type", "not_classified"}}},
      {"assign an invalid complaint",
       invalid,
       assign,
       CsAgent(),
       kRefused,
       {{"type", "not_valid"}, {"type", "not_classified"}}},
      {"override the category's first-responsible without a reason",
       At(Step::kClassified, "maintenance"),
       R"({"type":"assign","department":"marketing","handler":"u-handler-1"})",
       CsAgent(),
       kRefused,
       {{"reason", "required_when_overriding"}}},
      {"service_attitude assigned away from the staff member's department without a reason",
       At(Step::kClassified, "service_attitude",
          R"(,"target":{"kind":"person","id":"u-9","department":"property"})"),
       R"({"type":"assign","department":"marketing","handler":"u-handler-1"})",
       CsAgent(),
       kRefused,
       {{"reason", "required_when_overriding"}}},
      {"reassign without a reason",
       At(Step::kAssigned),
       assign,
       CsAgent(),
       kRefused,
       {{"reason", "required_when_reassigning"}}},
      {"an unknown department",
       At(Step::kClassified),
       R"({"type":"assign","department":"nowhere","handler":"u-handler-1","reason":"x"})",
       CsAgent(),
       kRefused,
       {{"department", "unknown_department"}}},
      {"bad cooperating departments",
       At(Step::kClassified),
       R"({"type":"assign","department":"property","cooperating":["property","nowhere"],
           "handler":"u-handler-1"})",
       CsAgent(),
       kRefused,
       {{"cooperating[0]", "duplicate"}, {"cooperating[1]", "unknown_department"}}},
      {"assign without a handler",
       At(Step::kClassified),
       R"({"type":"assign","department":"property"})",
       CsAgent(),
       kBad,
       {{"handler", "required"}}},
  });
  Complaint k;
  Reach(k, Step::kClassified, "maintenance");
  EXPECT_TRUE(
      k.Try(
           R"({"type":"assign","department":"marketing","handler":"u-h","reason":"sales promise"})",
           CsAgent())
          .ok());
  EXPECT_TRUE(
      k.Try(R"({"type":"set_level","level":"major","reason":"VIP owner"})", CsAgent()).ok());
  // service_attitude goes to the complained-of staff member's department; "other" is case by case.
  Complaint staff;
  Reach(staff, Step::kClassified, "service_attitude",
        R"(,"target":{"kind":"person","id":"u-9","department":"property"})");
  EXPECT_TRUE(staff.Try(assign, CsAgent()).ok());
  Complaint other;
  Reach(other, Step::kClassified, "other");
  EXPECT_TRUE(
      other.Try(R"({"type":"assign","department":"legal","handler":"u-h"})", CsAgent()).ok());
}

}  // namespace
}  // namespace ledger::domain
