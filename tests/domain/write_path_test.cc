// The domain through the real write path (api::CommandService over a real log): bad input is
// refused naming the field and the rule and appends nothing (checked on the log: the stream's
// version and the head); the policy is published as versioned events and every complaint event
// records the version it was decided under; rules that need the whole ledger (a group complaint
// after an individual one, external_ref uniqueness, the time-based unresolved_week rule).
#include <gtest/gtest.h>

#include <set>

#include "ledger/domain/rules.h"
#include "projections/derive.h"
#include "projections/tracked.h"
#include "testing/ledger_fixture.h"

namespace ledger::domain {
namespace {

using testing_util::CsAgentActor;
using testing_util::CsHeadActor;
using testing_util::DeptHeadActor;
using testing_util::HandlerActor;
using testing_util::IntakeActor;
using testing_util::LedgerFixture;

std::string Receive(const std::string& extra = "") {
  return R"({"type":"receive","channel":"hotline","complainant":{"name":"Li","phone":"13800000001"},
    "project":"p-lakeside","subject":"Leak","description":"Water leak","receiving_department":"customer_service")" +
         extra + "}";
}

std::set<std::pair<std::string, std::string>> Named(const Status& s) {
  std::set<std::pair<std::string, std::string>> out;
  for (const FieldError& e : s.errors()) out.emplace(e.field, e.rule);
  return out;
}

// Monday 2026-03-02 09:30: received, valid, classified, assigned to property; responded.
std::string Assigned(LedgerFixture& f) {
  std::string id = f.Do(Receive(), CsAgentActor()).id;
  f.Do(R"({"type":"assess_validity","valid":true})", CsAgentActor(), id);
  f.Do(R"({"type":"classify","category":"property_service"})", CsAgentActor(), id);
  f.Do(R"({"type":"assign","department":"property","handler":"u-handler-1"})", CsAgentActor(), id);
  f.Do(R"({"type":"respond","channel":"phone","summary":"called"})", HandlerActor(), id);
  return id;
}

TEST(WritePath, BadInputIsRefusedNamingFieldAndRuleAndAppendsNothing) {
  struct Row {
    const char* why;
    std::string action;
    Actor actor;
    Code code;
    std::pair<std::string, std::string> named;  // one of the (field, rule) pairs of the error
  };
  const Actor cs = CsAgentActor(), handler = HandlerActor();
  const std::vector<Row> rows = {
      {"headcount below one",
       Receive(R"(,"headcount":0)"),
       cs,
       Code::kInvalidArgument,
       {"headcount", "range"}},
      {"negative money",
       Receive(R"(,"claimed_compensation":"-5.00")"),
       cs,
       Code::kInvalidArgument,
       {"claimed_compensation", "money"}},
      {"money with three decimals",
       Receive(R"(,"claimed_compensation":"5.001")"),
       cs,
       Code::kInvalidArgument,
       {"claimed_compensation", "money"}},
      {"occurred in the future",
       R"({"type":"record_progress","summary":"x","occurred_at":"2026-03-09T09:30:00+08:00"})",
       handler,
       Code::kInvalidArgument,
       {"occurred_at", "future"}},
      {"occurred before the intake",
       R"({"type":"record_progress","summary":"x","occurred_at":"2026-03-01T09:30:00+08:00"})",
       handler,
       Code::kInvalidArgument,
       {"occurred_at", "before_intake"}},
      {"a survey score above 10",
       R"({"type":"record_callback","acknowledged":true,"contacted":true,"timeliness":11,"plan":8,"attitude":8})",
       cs,
       Code::kInvalidArgument,
       {"timeliness", "range"}},
      {"a score below 6 without the customer's reason",
       R"({"type":"record_callback","acknowledged":true,"contacted":true,"timeliness":4,"plan":8,"attitude":8})",
       cs,
       Code::kInvalidArgument,
       {"reasons", "required_below_6"}},
      {"a plan review without a plan",
       R"({"type":"review_plan","approved":true})",
       DeptHeadActor(),
       Code::kFailedPrecondition,
       {"type", "no_plan_to_review"}},
      {"a close without its confirmation",
       R"({"type":"close","basis":"customer_confirmed"})",
       cs,
       Code::kFailedPrecondition,
       {"basis", "confirmation_required"}},
      {"a role that may not",
       R"({"type":"classify","category":"maintenance"})",
       handler,
       Code::kPermissionDenied,
       {"actor.role", "permission"}},
      {"a referenced event that does not exist",
       R"({"type":"decide_extension","request":99999,"approved":true})",
       DeptHeadActor(),
       Code::kFailedPrecondition,
       {"request", "unknown_request"}},
      {"an unknown category",
       R"({"type":"classify","category":"weather"})",
       cs,
       Code::kFailedPrecondition,
       {"category", "unknown_category"}},
  };
  for (const Row& row : rows) {
    LedgerFixture f;
    std::string id = Assigned(f);
    f.Advance(std::chrono::hours(1));
    const uint64_t version = *f.log().StreamVersion(id), head = f.log().GetHead().position;
    bool receive = row.action.find(R"("type":"receive")") != std::string::npos;
    auto r = f.Try(row.action, row.actor, receive ? "" : id);
    ASSERT_FALSE(r.ok()) << row.why << ": accepted";
    EXPECT_EQ(CodeName(r.status().code()), CodeName(row.code))
        << row.why << ": " << r.status().ToString();
    EXPECT_TRUE(Named(r.status()).count(row.named))
        << row.why << ": expected (" << row.named.first << ", " << row.named.second << ") in "
        << r.status().ToString();
    EXPECT_EQ(*f.log().StreamVersion(id), version) << row.why;
    EXPECT_EQ(f.log().GetHead().position, head) << row.why << ": something was appended";
  }
}

TEST(WritePath, EveryProblemOfAnActionIsNamedAtOnce) {
  LedgerFixture f;
  auto r =
      f.Try(R"({"type":"receive","channel":"pigeon","headcount":0,"claimed_compensation":"x"})",
            CsAgentActor());
  ASSERT_FALSE(r.ok());
  auto named = Named(r.status());
  std::set<std::string> fields;
  for (const auto& [field, rule] : named) fields.insert(field);
  for (const char* field :
       {"channel", "headcount", "claimed_compensation", "complainant", "subject"})
    EXPECT_TRUE(fields.count(field)) << field << " not named in " << r.status().ToString();
  EXPECT_EQ(f.log().GetHead().position, 1u);  // the policy alone
}

TEST(WritePath, PoliciesArePublishedAsVersionsAndEveryEventRecordsItsOwn) {
  LedgerFixture f;  // publishes the default policy as version 1
  EXPECT_EQ(f.policies().current_version(), 1u);
  std::string text(DefaultPolicyText());
  // The same text again publishes nothing.
  ASSERT_TRUE(f.policies().Publish(text, {"u-admin", "admin", ""}).ok());
  EXPECT_EQ(f.policies().current_version(), 1u);
  std::string id1 = f.Do(Receive(), CsAgentActor()).id;

  std::string v2 = text;
  const std::string general = R"("general": {"transmission": "2 hours", "response": "1 hour")";
  ASSERT_NE(v2.find(general), std::string::npos);
  v2.replace(v2.find(general), general.size(),
             R"("general": {"transmission": "2 hours", "response": "3 hours")");
  auto published = f.policies().Publish(v2, {"u-admin", "admin", ""});
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  EXPECT_EQ(*published, 2u);
  std::string id2 = f.Do(Receive(), CsAgentActor()).id;
  f.Do(R"({"type":"assess_validity","valid":true})", CsAgentActor(), id1);

  // The policy stream holds both versions, as events.
  auto policy_events = f.log().ReadStreamForward("policy", 1, 10);
  ASSERT_TRUE(policy_events.ok());
  ASSERT_EQ(policy_events->size(), 2u);
  EXPECT_EQ((*policy_events)[1].type(), "PolicyPublished");
  EXPECT_EQ((*policy_events)[1].policy_version(), 2u);
  // Each complaint event records the version in force when it was decided; a complaint received
  // under version 1 keeps being judged under it.
  auto e1 = f.log().ReadStreamForward(id1, 1, 10);
  auto e2 = f.log().ReadStreamForward(id2, 1, 10);
  ASSERT_TRUE(e1.ok() && e2.ok());
  EXPECT_EQ((*e1)[0].policy_version(), 1u);
  EXPECT_EQ((*e2)[0].policy_version(), 2u);
  EXPECT_EQ((*e1)[1].policy_version(), 2u);  // decided after version 2 was published
  auto lookup = [&f](uint32_t v) { return f.policies().ForVersion(v); };
  auto t1 = projections::FoldTracked(id1, *e1, lookup, *f.policies().current());
  auto t2 = projections::FoldTracked(id2, *e2, lookup, *f.policies().current());
  ASSERT_TRUE(t1.ok() && t2.ok());
  auto response_allowance = [&](const projections::TrackedComplaint& t) {
    for (const ClockResult& c :
         projections::ClocksOf(t.state, lookup, *f.policies().current(), f.clock().Now()))
      if (c.kind == ClockKind::kResponse) return c.why.allowance;
    return std::string();
  };
  EXPECT_EQ(response_allowance(*t1), "1 hour");  // its intake's version
  EXPECT_EQ(response_allowance(*t2), "3 hours");
  // A reload from the log sees the same versions.
  PolicyStore reloaded(&f.log());
  ASSERT_TRUE(reloaded.Load().ok());
  EXPECT_EQ(reloaded.current_version(), 2u);
  EXPECT_EQ(reloaded.ForVersion(2)->clocks[0].response.ToString(), "3 hours");
}

TEST(WritePath, AnExternalReferenceNamesOneComplaint) {
  LedgerFixture f;
  auto first = f.Do(Receive(R"(,"external_ref":"OEM-4711")"), CsAgentActor());
  const uint64_t head = f.log().GetHead().position;
  auto again = f.Do(Receive(R"(,"external_ref":"OEM-4711")"), CsAgentActor());
  EXPECT_TRUE(again.existing);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(f.log().GetHead().position, head);  // the same complaint, nothing appended
  EXPECT_EQ(f.service().FindByExternalRef("OEM-4711"), first.id);
  auto other = f.Do(Receive(R"(,"external_ref":"OEM-4712")"), CsAgentActor());
  EXPECT_NE(other.id, first.id);
}

TEST(WritePath, AGroupComplaintAfterAnIndividualOneMakesCustomerServiceAndTheProjectGmResponsible) {
  LedgerFixture f;
  std::string individual = Assigned(f);
  f.Advance(std::chrono::hours(2));
  // Five owners about the same matter, after the individual complaint was reported.
  std::string group = f.Do(Receive(R"(,"headcount":5)"), CsAgentActor()).id;
  f.Do(R"({"type":"link","other":")" + individual + R"(","relation":"same_issue"})", CsAgentActor(),
       group);
  f.Do(R"({"type":"assess_validity","valid":true})", CsAgentActor(), group);
  f.Do(R"({"type":"classify","category":"property_service"})", CsAgentActor(), group);
  auto assigned = f.Do(R"({"type":"assign","department":"property","handler":"u-handler-1"})",
                       CsAgentActor(), group);
  auto state = f.service().LoadState(group);
  ASSERT_TRUE(state.ok());
  const AssignmentRecord* a = state->assignment();
  ASSERT_NE(a, nullptr);
  const Policy& p = *f.policies().current();
  std::set<std::string> first(a->first_responsible_people.begin(),
                              a->first_responsible_people.end());
  EXPECT_TRUE(first.count(p.organisation.cs_head)) << "customer service head";
  EXPECT_EQ(first.size(), 2u) << "and the project's general manager";
  // A group complaint with no individual one before it: the department alone.
  LedgerFixture g;
  std::string alone = g.Do(Receive(R"(,"headcount":5)"), CsAgentActor()).id;
  g.Do(R"({"type":"assess_validity","valid":true})", CsAgentActor(), alone);
  g.Do(R"({"type":"classify","category":"property_service"})", CsAgentActor(), alone);
  g.Do(R"({"type":"assign","department":"property","handler":"u-handler-1"})", CsAgentActor(),
       alone);
  EXPECT_TRUE(g.service().LoadState(alone)->assignment()->first_responsible_people.empty());
}

TEST(WritePath, AssignmentNotifiesTheRoleTheLevelReportsTo) {
  struct Row {
    const char* extra;
    Level level;
  };
  for (const Row& row :
       {Row{"", Level::kGeneral}, Row{R"(,"flags":["government"])", Level::kImportant},
        Row{R"(,"headcount":4)", Level::kMajor}, Row{R"(,"headcount":12)", Level::kCrisis}}) {
    LedgerFixture f;
    std::string id = f.Do(Receive(row.extra), CsAgentActor()).id;
    f.Do(R"({"type":"assess_validity","valid":true})", CsAgentActor(), id);
    f.Do(R"({"type":"classify","category":"property_service"})", CsAgentActor(), id);
    f.Do(R"({"type":"assign","department":"property","handler":"u-handler-1"})", CsAgentActor(),
         id);
    auto state = f.service().LoadState(id);
    ASSERT_TRUE(state.ok());
    ASSERT_EQ(state->level(), row.level) << row.extra;
    const Policy& p = *f.policies().current();
    const std::vector<std::string> notified = ledger::ToStrings(state->assignment()->notified);
    std::set<std::string> who(notified.begin(), notified.end());
    EXPECT_TRUE(who.count(p.organisation.FindDepartment("property")->head)) << row.extra;
    const std::string expected = row.level == Level::kGeneral     ? p.organisation.cs_head
                                 : row.level == Level::kImportant ? p.organisation.cs_head
                                 : row.level == Level::kMajor     ? p.organisation.deputy_gm
                                                                  : p.organisation.gm;
    EXPECT_TRUE(who.count(expected)) << LevelName(row.level) << " must notify " << expected;
  }
}

TEST(WritePath, UnresolvedAWeekRaisesTheRuleLevelAsOfATimeWithoutAnyNewEvent) {
  LedgerFixture f;  // Monday 2026-03-02 09:30
  std::string id = Assigned(f);
  auto state = f.service().LoadState(id);
  ASSERT_TRUE(state.ok());
  const Policy& p = *f.policies().current();
  auto rule_at = [&](const char* local) {
    return EvaluateRules(*state, p, *ParseRfc3339(std::string(local) + "+08:00"));
  };
  EXPECT_EQ(rule_at("2026-03-09T09:00:00").level, Level::kGeneral);  // 6 days 23.5 hours
  RuleMatch week = rule_at("2026-03-09T10:00:00");
  EXPECT_EQ(week.level, Level::kImportant);
  EXPECT_NE(std::find(week.codes.begin(), week.codes.end(), "unresolved_week"), week.codes.end());
  // Paused time does not count: a two-day pause pushes it back by two days.
  f.At("2026-03-03T09:30:00+08:00");
  f.Do(R"({"type":"pause_clock","reason":"awaiting_customer"})", HandlerActor(), id);
  f.At("2026-03-05T09:30:00+08:00");
  f.Do(R"({"type":"resume_clock","reason":"awaiting_customer"})", HandlerActor(), id);
  state = f.service().LoadState(id);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(rule_at("2026-03-10T10:00:00").level, Level::kGeneral);
  EXPECT_EQ(rule_at("2026-03-11T10:00:00").level, Level::kImportant);
}

}  // namespace
}  // namespace ledger::domain
