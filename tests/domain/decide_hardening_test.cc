// The domain's part of the hardening rules: blame is the caller's (a receive files as who
// received it), separation of duties (who proposes, requests or is charged does not approve,
// decide or waive — unless the policy names the role exempt), business times within the policy's
// calendar, no control characters in text, and a bound on one complaint's events.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "refusal_table.h"

namespace testing_util {
namespace {

const Pairs kSeparation = {{"actor.id", "separation_of_duties"}};

TEST(Hardening, AReceiveFilesAsTheCaller) {
  ExpectRefusals({
      {"a colleague as receiving staff (who would be fined transmission_late)",
       Nothing(),
       ReceiveJson("property", R"(,"receiving_staff":"u-intake-2")"),
       Intake(),
       kDenied,
       {{"receiving_staff", "self_only"}}},
      {"another department as receiver",
       Nothing(),
       ReceiveJson("marketing"),
       Intake(),
       kDenied,
       {{"receiving_department", "own_department"}}},
      {"customer service filing for property",
       Nothing(),
       ReceiveJson("property"),
       CsAgent(),
       kDenied,
       {{"receiving_department", "own_department"}}},
  });
  Complaint k;
  k.Do(ReceiveJson("property", R"(,"receiving_staff":"u-intake-1")"), Intake());
  EXPECT_EQ(k.state().receiving_staff, "u-intake-1");
  EXPECT_EQ(k.state().receiving_department, "property");
  Complaint defaulted;
  defaulted.Do(ReceiveJson("property"), Intake());
  EXPECT_EQ(defaulted.state().receiving_staff, "u-intake-1");  // the caller, when not given
}

// A head of department who proposes (handlers and heads both may) and then reviews.
Given ProposedBy(const Actor& who) {
  return And(At(Step::kAssigned), Doing(R"({"type":"propose_plan","plan_type":"repair",
                                             "description":"fix"})",
                                        who));
}

TEST(Hardening, WhoProposesRequestsOrIsChargedDoesNotDecide) {
  ExpectRefusals({
      {"a head reviews the plan he proposed", ProposedBy(DeptHead()),
       R"({"type":"review_plan","approved":true})", DeptHead(), kDenied, kSeparation},
      {"a head decides the extension he requested",
       And(At(Step::kAssigned), Doing(R"({"type":"request_extension","clock":"closure",
                     "until":"2026-03-30T10:00:00+08:00","reason":"parts"})",
                                      DeptHead())),
       R"({"type":"decide_extension","request":5,"approved":true})", DeptHead(), kDenied,
       kSeparation},
      {"a deputy GM waives a fine that charges him",
       And(At(Step::kAssigned),
           Doing(R"({"type":"record_fine","rule":"misconduct","amount":"500.00",
                     "people":["u-deputy-gm"],"reason":"delay"})",
                 DeputyGm())),
       R"({"type":"waive_fine","fine":"CMP-2026-000001:recorded:5","reason":"mine"})", DeputyGm(),
       kDenied, kSeparation},
  });
  // Someone else may: another head reviews, the GM waives the deputy's line.
  Complaint k;
  ProposedBy(Handler())(k);
  k.Do(R"({"type":"review_plan","approved":true})", DeptHead());
  EXPECT_TRUE(k.state().has_approved_plan());
  Complaint fined;
  At(Step::kAssigned)(fined);
  fined.Do(R"({"type":"record_fine","rule":"misconduct","amount":"500.00",
               "people":["u-deputy-gm"],"reason":"delay"})",
           DeputyGm());
  Decision waived = fined.Do(
      R"({"type":"waive_fine","fine":"CMP-2026-000001:recorded:5","reason":"not his"})", Gm());
  EXPECT_EQ(TypesOf(waived), std::vector<std::string>{"FineWaived"});
}

std::shared_ptr<const Policy> WithExemption(const std::string& duty, const std::string& role) {
  boost::json::value doc = boost::json::parse(DefaultPolicyText());
  doc.as_object()["separation_of_duties"] = {{duty, {role}}};
  auto p = ParsePolicy(boost::json::serialize(doc));
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : DefaultPolicy();
}

TEST(Hardening, ThePolicyMayExemptARole) {
  Complaint k;
  k.UsePolicy(WithExemption("review_plan", "dept_head"));
  ProposedBy(DeptHead())(k);
  k.Do(R"({"type":"review_plan","approved":true})", DeptHead());
  EXPECT_TRUE(k.state().has_approved_plan());
  // An exemption of another duty does not cover this one.
  Complaint other;
  other.UsePolicy(WithExemption("waive_fine", "dept_head"));
  ProposedBy(DeptHead())(other);
  auto refused = other.Try(R"({"type":"review_plan","approved":true})", DeptHead());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(PairsOf(refused.status()), kSeparation);
  // Exemptions name roles the policy knows.
  boost::json::value doc = boost::json::parse(DefaultPolicyText());
  doc.as_object()["separation_of_duties"] = {{"review_plan", {"owner"}}};
  auto bad = ParsePolicy(boost::json::serialize(doc));
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(Names(bad.status(), "/separation_of_duties/review_plan/0", "unknown_role"));
}

TEST(Hardening, BusinessTimesLieWithinThePolicysCalendar) {
  ExpectRefusals({
      {"year 0001",
       Nothing(),
       ReceiveJson("customer_service", R"(,"occurred_at":"0001-01-01T00:00:00+08:00")"),
       CsAgent(),
       kBad,
       {{"occurred_at", "before_policy"}}},
      {"the day before the calendar begins",
       Nothing(),
       ReceiveJson("customer_service", R"(,"occurred_at":"2024-12-31T23:59:59+08:00")"),
       CsAgent(),
       kBad,
       {{"occurred_at", "before_policy"}}},
      {"a plan starting in year 0001",
       At(Step::kAssigned),
       R"({"type":"propose_plan","plan_type":"repair","description":"x",
           "planned_start":"0001-01-01T00:00:00Z"})",
       Handler(),
       kBad,
       {{"planned_start", "before_policy"}}},
  });
  Complaint k;  // the calendar's first instant is fine
  k.Do(ReceiveJson("customer_service", R"(,"occurred_at":"2025-01-01T00:00:00+08:00")"), CsAgent());
  EXPECT_EQ(k.state().intake.at, Local("2025-01-01T00:00:00"));
}

TEST(Hardening, TextHoldsNoControlCharacters) {
  auto with = [](const std::string& field, const std::string& escaped) {
    return R"({"type":"receive","channel":"hotline","complainant":{"name":"Li"},
      "project":"p-lakeside","description":"d","receiving_department":
      "customer_service",")" +
           field + R"(":")" + escaped + "\"}";
  };
  auto description = [](const std::string& escaped) {
    return R"({"type":"receive","channel":"hotline","complainant":{"name":"Li"},
      "project":"p-lakeside","subject":"s","receiving_department":"customer_service",
      "description":"a)" +
           escaped + R"(b"})";
  };
  const Pairs kControl = {{"description", "no_control_characters"}};
  ExpectRefusals({
      {"NUL", Nothing(), description("\\u0000"), CsAgent(), kBad, kControl},
      {"BEL", Nothing(), description("\\u0007"), CsAgent(), kBad, kControl},
      {"ESC [2J (clear the screen)", Nothing(), description("\\u001b[2J"), CsAgent(), kBad,
       kControl},
      {"a carriage return", Nothing(), description("\\r"), CsAgent(), kBad, kControl},
      {"DEL", Nothing(), description("\\u007f"), CsAgent(), kBad, kControl},
      {"C1 CSI", Nothing(), description("\\u009b2J"), CsAgent(), kBad, kControl},
      {"a tab in a one-line field",
       Nothing(),
       with("subject", "a\\tb"),
       CsAgent(),
       kBad,
       {{"subject", "no_control_characters"}}},
      {"a newline in a name",
       Nothing(),
       R"({"type":"receive","channel":"hotline","complainant":{"name":"Li\nWei"},
           "project":"p-lakeside","subject":"s","description":"d",
           "receiving_department":"customer_service"})",
       CsAgent(),
       kBad,
       {{"complainant.name", "no_control_characters"}}},
  });
  Complaint k;  // newlines and tabs are text in long fields; so is every other character
  k.Do(description("\\n\\tline two \\u00a0\\u4e2d\\u6587"), CsAgent());
  EXPECT_EQ(k.state().description.str(), "a\n\tline two \u00a0\u4e2d\u6587b");
}

TEST(Hardening, AComplaintHoldsABoundedNumberOfEvents) {
  Complaint k;
  At(Step::kAssigned)(k);
  const std::string evidence =
      R"({"type":"attach_evidence","name":"p.jpg","media_type":"image/jpeg","size":1,
          "sha256":"0000000000000000000000000000000000000000000000000000000000000000"})";
  while (k.state().version < kMaxComplaintEvents) k.Do(evidence, Handler());
  auto r = k.Try(evidence, Handler());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ledger::Code::kFailedPrecondition);
  EXPECT_EQ(PairsOf(r.status()), (Pairs{{"type", "complaint_full"}}));
}

}  // namespace
}  // namespace testing_util

namespace testing_util {
namespace {

// An import line (or any action text) with a repeated key is refused, never the last one kept:
// a second "type" would otherwise turn one action into another.
TEST(Hardening, ARepeatedKeyInActionTextIsRefused) {
  auto r = ParseActionText(R"({"type":"close","basis":"customer_confirmed","type":"reopen"})",
                           /*import_line=*/false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ledger::Code::kInvalidArgument);
  EXPECT_EQ(PairsOf(r.status()), (Pairs{{"type", "duplicate_key"}}));
  auto nested = ParseActionText(
      R"({"type":"receive","complainant":{"name":"A","name":"B"},"actor":{"id":"x","role":"intake"}})",
      /*import_line=*/true);
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(PairsOf(nested.status()), (Pairs{{"complainant.name", "duplicate_key"}}));
}

}  // namespace
}  // namespace testing_util
