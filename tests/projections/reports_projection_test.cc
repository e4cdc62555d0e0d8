// Rewards, metrics, findings and responsibility records (docs/rules.md), given events.
#include <gtest/gtest.h>

#include "projection_util.h"

namespace projections {
namespace {

using namespace testing_util;

// A complaint of `dept`'s category, handled to closure and surveyed with the given scores.
std::string Surveyed(LedgerFixture& f, const std::string& category, const std::string& dept, int t,
                     int p, int a, const std::string& project = "p-lakeside") {
  std::string id =
      f.Do(R"({"type":"receive","channel":"wechat","complainant":{"name":"W","phone":"1"},
      "project":")" +
               project +
               R"(","subject":"s","description":"d","receiving_department":"customer_service"})",
           CsAgentActor())
          .id;
  f.Do(R"({"type":"assess_validity","valid":true})", CsAgentActor(), id);
  f.Do(R"({"type":"classify","category":")" + category + "\"}", CsAgentActor(), id);
  f.Do(R"({"type":"assign","department":")" + dept + R"(","handler":"u-h-)" + dept + "\"}",
       CsAgentActor(), id);
  f.Do(R"({"type":"respond","channel":"phone","summary":"ok"})", CsAgentActor(), id);
  f.Do(R"({"type":"propose_plan","plan_type":"communicate","description":"talk"})",
       HandlerActor(dept), id);
  f.Do(R"({"type":"review_plan","approved":true})", DeptHeadActor(dept), id);
  f.Do(R"({"type":"close","basis":"plan_issued_no_agreement"})", CsAgentActor(), id);
  std::string reasons = (t < 6 || p < 6 || a < 6) ? R"(,"reasons":"slow")" : "";
  f.Do(R"({"type":"record_callback","acknowledged":true,"contacted":true,"timeliness":)" +
           std::to_string(t) + R"(,"plan":)" + std::to_string(p) + R"(,"attitude":)" +
           std::to_string(a) + reasons + "}",
       CsAgentActor(), id);
  return id;
}

void Rate(LedgerFixture& f, const std::string& dept, const std::string& score) {
  f.Do(R"({"type":"rate_department","department":")" + dept + R"(","month":"2026-03","score":)" +
           score + "}",
       CsAgentActor());
}

const RewardRow* Row(const std::vector<RewardRow>& rows, const std::string& dept) {
  for (const RewardRow& r : rows)
    if (r.department == dept) return &r;
  return nullptr;
}

TEST(Rewards, CompositeIsSeventyThirtyAndTiersArePaid) {
  LedgerFixture f;
  f.At("2026-03-02T10:00:00+08:00");
  Surveyed(f, "property_service", "property", 9, 9, 9);    // 90.00
  Surveyed(f, "property_service", "property", 8, 7, 9);    // 80.00 -> mean 85.00
  Surveyed(f, "sales_contract", "marketing", 10, 10, 10);  // 100.00
  Surveyed(f, "planning_design", "project", 10, 9, 9);     // 93.33
  Rate(f, "property", "95");
  Rate(f, "marketing", "97");
  Rate(f, "project", "\"99.00\"");
  LedgerProjection p = FoldAll(f);
  std::vector<RewardRow> rows =
      RewardsQuery(ScopeOf(f, p, T("2026-04-01T00:00:00+08:00")), Month("2026-03"));
  const RewardRow* property = Row(rows, "property");
  ASSERT_NE(property, nullptr);
  EXPECT_EQ(property->surveys, 2);
  EXPECT_EQ(*property->customer_score, 8500);
  EXPECT_EQ(*property->composite, 8800);  // 0.7 x 85 + 0.3 x 95 = 88.00: below every tier
  EXPECT_EQ(property->reward, 0);
  const RewardRow* marketing = Row(rows, "marketing");
  EXPECT_EQ(*marketing->composite, 9910);  // 70 + 29.10 = 99.10: above 98
  EXPECT_EQ(marketing->reward, 50000);
  const RewardRow* project = Row(rows, "project");
  EXPECT_EQ(*project->customer_score, 9333);
  EXPECT_EQ(*project->composite, 9503);  // 65.33 + 29.70 = 95.03: [95, 98]
  EXPECT_EQ(project->reward, 30000);
  EXPECT_EQ(Row(rows, "customer_service"), nullptr);  // excluded by the policy
}

TEST(Rewards, TierBoundsAreExact) {
  const domain::Policy& p = *domain::DefaultPolicy();
  EXPECT_EQ(p.rewards.RewardFor(8999), 0);
  EXPECT_EQ(p.rewards.RewardFor(9000), 20000);
  EXPECT_EQ(p.rewards.RewardFor(9499), 20000);
  EXPECT_EQ(p.rewards.RewardFor(9500), 30000);
  EXPECT_EQ(p.rewards.RewardFor(9800), 30000);
  EXPECT_EQ(p.rewards.RewardFor(9801), 50000);
}

TEST(Metrics, ClosureRateCountsValidComplaintsReceivedInThePeriod) {
  LedgerFixture f;
  f.At("2026-03-02T10:00:00+08:00");
  Surveyed(f, "property_service", "property", 9, 8, 7);
  Surveyed(f, "property_service", "property", 5, 6, 7);
  std::string open = f.Do(ReceiveJson(), CsAgentActor()).id;  // received, still open
  std::string invalid = f.Do(ReceiveJson(), CsAgentActor()).id;
  f.Do(R"({"type":"assess_validity","valid":false,"reason":"suggestion"})", CsAgentActor(),
       invalid);
  Surveyed(f, "property_service", "property", 10, 10, 10, "p-riverside");
  LedgerProjection p = FoldAll(f);
  MetricsReport r =
      MetricsQuery(ScopeOf(f, p, T("2026-04-01T00:00:00+08:00")), Month("2026-03"), "");
  ASSERT_EQ(r.projects.size(), 2u);
  const ProjectMetrics& lake = r.projects[0];
  EXPECT_EQ(lake.project, "p-lakeside");
  EXPECT_EQ(lake.received, 3);  // the invalid one does not count
  EXPECT_EQ(lake.closed, 2);
  EXPECT_EQ(*lake.closure_rate, 6667);  // 66.67 %
  EXPECT_EQ(lake.surveys, 2);
  EXPECT_DOUBLE_EQ(*lake.mean_timeliness, 7.0);
  const ProjectMetrics& river = r.projects[1];
  EXPECT_EQ(*river.closure_rate, 10000);
  EXPECT_EQ(river.rank_closure, 1);
  EXPECT_EQ(lake.rank_closure, 2);
  EXPECT_EQ(river.rank_satisfaction, 1);
  EXPECT_EQ(r.total.received, 4);
  EXPECT_EQ(r.total.closed, 3);
  (void)open;
}

bool HasFinding(const std::vector<Finding>& all, const std::string& kind, const std::string& id) {
  for (const Finding& f : all)
    if (f.kind == kind && f.complaint == id) return true;
  return false;
}

TEST(Findings, EachKindIsRaisedFromTheEventsThatShowIt) {
  LedgerFixture f;
  f.At("2026-03-02T10:00:00+08:00");
  // A back-dated entry: recorded 30 hours after it occurred.
  std::string late = f.Do(ReceiveJson(), CsAgentActor()).id;
  f.At("2026-03-03T18:00:00+08:00");
  f.Do(
      R"({"type":"respond","channel":"phone","summary":"x","occurred_at":"2026-03-02T12:00:00+08:00"})",
      CsAgentActor(), late);
  // A level set below the rule level.
  f.At("2026-03-04T10:00:00+08:00");
  std::string below =
      f.Do(ReceiveJson("customer_service", R"(,"flags":["government"])"), CsAgentActor()).id;
  f.Do(R"({"type":"set_level","level":"general","reason":"only copied"})", CsAgentActor(), below);
  // A major complaint transmitted late by the receiving department.
  std::string major = f.Do(ReceiveJson("property", R"(,"headcount":5)"), IntakeActor()).id;
  f.At("2026-03-04T13:00:00+08:00");  // transmission due 12:00
  f.Do(R"({"type":"transmit","to_department":"customer_service"})", IntakeActor(), major);
  LedgerProjection p = FoldAll(f);
  std::vector<Finding> all = FindingsQuery(ScopeOf(f, p, T("2026-03-05T00:00:00+08:00")), {}, {});
  EXPECT_TRUE(HasFinding(all, "late_entry", late));
  EXPECT_TRUE(HasFinding(all, "level_below_rule", below));
  EXPECT_TRUE(HasFinding(all, "late_transmission_major", major));
  EXPECT_FALSE(HasFinding(all, "late_entry", below));
  // The range filter is on the finding's time.
  std::vector<Finding> first_day =
      FindingsQuery(ScopeOf(f, p, T("2026-03-05T00:00:00+08:00")), T("2026-03-02T00:00:00+08:00"),
                    T("2026-03-03T00:00:00+08:00"));
  EXPECT_TRUE(HasFinding(first_day, "late_entry", late));
  EXPECT_FALSE(HasFinding(first_day, "level_below_rule", below));
}

TEST(Findings, MoreThanFifteenDaysOverdueNeedsARecordedFine) {
  LedgerFixture f;
  f.At("2026-03-02T10:00:00+08:00");
  std::string id = f.Do(ReceiveJson(), CsAgentActor()).id;
  f.Do(R"({"type":"assess_validity","valid":true})", CsAgentActor(), id);
  f.Do(R"({"type":"classify","category":"property_service"})", CsAgentActor(), id);  // 3 days
  f.Do(R"({"type":"assign","department":"property","handler":"u-handler-1"})", CsAgentActor(), id);
  auto findings = [&](const std::string& now) {
    LedgerProjection p = FoldAll(f);
    return FindingsQuery(ScopeOf(f, p, T(now)), {}, {});
  };
  EXPECT_FALSE(
      HasFinding(findings("2026-03-20T10:00:00+08:00"), "overdue_15_unfined", id));  // 15 days
  EXPECT_TRUE(HasFinding(findings("2026-03-21T10:00:01+08:00"), "overdue_15_unfined", id));
  f.At("2026-03-22T10:00:00+08:00");
  f.Do(
      R"({"type":"record_fine","rule":"closure_overdue_15","amount":"800.00","people":["u-handler-1"],
           "reason":"three weeks late"})",
      DeputyGmActor(), id);
  EXPECT_FALSE(HasFinding(findings("2026-03-22T12:00:00+08:00"), "overdue_15_unfined", id));
}

TEST(Responsibility, RecordsWhoHeldWhatAndHowItEnded) {
  LedgerFixture f;
  f.At("2026-03-02T09:30:00+08:00");
  std::string id = f.Do(ReceiveJson("property"), IntakeActor()).id;
  f.At("2026-03-02T10:00:00+08:00");
  f.Do(R"({"type":"transmit","to_department":"customer_service","to_person":"u-cs-1"})",
       IntakeActor(), id);
  f.Do(R"({"type":"assess_validity","valid":true})", CsAgentActor(), id);
  f.Do(R"({"type":"classify","category":"maintenance"})", CsAgentActor(), id);
  f.Do(
      R"({"type":"assign","department":"property","cooperating":["project_engineering"],"handler":"u-handler-1"})",
      CsAgentActor(), id);
  f.At("2026-03-02T12:00:00+08:00");  // response due 10:30: missed while the handler held it
  f.Do(R"({"type":"respond","channel":"phone","summary":"x"})", HandlerActor(), id);
  f.Do(R"({"type":"propose_plan","plan_type":"repair","description":"fix"})", HandlerActor(), id);
  f.Do(R"({"type":"review_plan","approved":true})", DeptHeadActor(), id);
  LedgerProjection p = FoldAll(f);
  Scope scope = ScopeOf(f, p, T("2026-03-02T13:00:00+08:00"));
  std::vector<ResponsibilityRecord> all = ResponsibilityQuery(scope, "", "", std::nullopt);
  auto find = [&](const std::string& role) -> const ResponsibilityRecord* {
    for (const ResponsibilityRecord& r : all)
      if (r.role == role) return &r;
    return nullptr;
  };
  const ResponsibilityRecord* receiver = find("receiver");
  ASSERT_NE(receiver, nullptr);
  EXPECT_EQ(receiver->person, "u-intake-1");
  EXPECT_EQ(receiver->met, std::vector<std::string>{"transmission"});
  const ResponsibilityRecord* handler = find("handler");
  ASSERT_NE(handler, nullptr);
  EXPECT_EQ(handler->person, "u-handler-1");
  EXPECT_FALSE(handler->to.has_value());
  EXPECT_EQ(handler->met, std::vector<std::string>{"plan"});  // plan due 13:30, met 12:00
  ASSERT_NE(find("cooperating"), nullptr);
  EXPECT_EQ(find("cooperating")->department, "project_engineering");
  ASSERT_NE(find("plan_approver"), nullptr);
  EXPECT_EQ(find("plan_approver")->person, "u-head-property");
  ASSERT_NE(find("customer_service"), nullptr);
  std::vector<ResponsibilityRecord> by_person =
      ResponsibilityQuery(scope, "", "u-handler-1", std::nullopt);
  EXPECT_EQ(by_person.size(), 1u);
}

}  // namespace
}  // namespace projections
