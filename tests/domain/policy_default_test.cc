// The built-in default policy: it loads, it is the file in the source tree, and every number and
// mapping in it is the one docs/rules.md states (categories, levels, clocks, fines, rewards,
// roles).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ledger/domain/policy.h"

namespace ledger::domain {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const Policy& P() { return *DefaultPolicy(); }

Allowance A(std::string_view text) { return *Allowance::Parse(text); }
Money M(std::string_view text) { return *ParseMoney(text, "test"); }

TEST(PolicyDefault, ParsesCleanlyAndIsTheFileInTheSourceTree) {
  Result<std::shared_ptr<const Policy>> parsed = ParsePolicy(DefaultPolicyText());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  std::ifstream in(std::string(LEDGER_SOURCE_DIR) + "/ledger/domain/default_policy.json");
  std::stringstream file;
  file << in.rdbuf();
  EXPECT_EQ(DefaultPolicyText(), file.str());
  EXPECT_EQ(P().name, "default");
}

TEST(PolicyDefault, LoadPolicyFileReadsTheSameFile) {
  auto loaded =
      LoadPolicyFile(std::string(LEDGER_SOURCE_DIR) + "/ledger/domain/default_policy.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->clocks[size_t(Level::kCrisis)].plan, A("48 hours"));
  auto missing = LoadPolicyFile("/nonexistent/policy.json");
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
}

struct LevelClockRow {
  Level level;
  const char* transmission;
  const char* response;
  const char* plan;
};

TEST(PolicyDefault, LevelClocksMatchSection5) {
  const LevelClockRow rows[] = {
      {Level::kGeneral, "2 hours", "1 hour", "4 hours"},
      {Level::kImportant, "2 hours", "1 hour", "8 hours"},
      {Level::kMajor, "2 hours", "2 hours", "24 hours"},
      {Level::kCrisis, "4 hours", "4 hours", "48 hours"},
  };
  for (const LevelClockRow& r : rows) {
    SCOPED_TRACE(LevelName(r.level));
    const LevelClocks& c = P().clocks[size_t(r.level)];
    EXPECT_EQ(c.transmission, A(r.transmission));
    EXPECT_EQ(c.response, A(r.response));
    EXPECT_EQ(c.plan, A(r.plan));
  }
}

struct ClosureRow {
  ClosureClass cls;
  std::array<const char*, kLevelCount> by_level;  // general, important, major, crisis
};

TEST(PolicyDefault, ClosureAllowancesMatchSection5) {
  const ClosureRow rows[] = {
      {ClosureClass::kEngineering,
       {"15 working days", "15 working days", "15 working days", "15 working days"}},
      {ClosureClass::kDesign, {"15 days", "15 days", "15 days", "15 days"}},
      {ClosureClass::kProperty, {"3 days", "3 days", "3 days", "5 working days"}},
      {ClosureClass::kMarketing, {"3 days", "3 days", "3 days", "5 working days"}},
      {ClosureClass::kInvestment, {"3 days", "3 days", "3 days", "5 working days"}},
      {ClosureClass::kOther, {"15 days", "15 days", "7 days", "7 days"}},
  };
  for (const ClosureRow& r : rows) {
    for (Level l : kAllLevels) {
      SCOPED_TRACE(std::string(ClosureClassName(r.cls)) + "/" + std::string(LevelName(l)));
      EXPECT_EQ(P().closure[size_t(r.cls)].For(l), A(r.by_level[size_t(l)]));
    }
  }
  EXPECT_EQ(P().closure[size_t(ClosureClass::kDesign)].target, A("7 days"));
}

TEST(PolicyDefault, ScalarsMatchThePolicy) {
  EXPECT_EQ(P().staff_decision, hours(8));
  EXPECT_EQ(P().safety_response_cap, hours(4));
  EXPECT_EQ(P().max_backdate, hours(24));
  EXPECT_EQ(P().future_skew, minutes(5));
  EXPECT_EQ(P().second_complaint_months, 3);
  EXPECT_EQ(P().calendar.utc_offset, minutes(480));
  EXPECT_EQ(P().calendar.opening, hours(9));
  std::array<bool, 7> weekend{true, false, false, false, false, false, true};
  EXPECT_EQ(P().calendar.weekend, weekend);
  EXPECT_EQ(P().calendar.first_year, 2025);
  EXPECT_EQ(P().calendar.last_year, 2027);
}

struct CategoryRow {
  const char* id;
  const char* first_responsible;
  bool target_department;
  std::vector<std::string> cooperating;
  ClosureClass cls;
};

TEST(PolicyDefault, CategoriesMatchSection3) {
  const CategoryRow rows[] = {
      {"sales_contract", "marketing", false, {}, ClosureClass::kMarketing},
      {"certificates", "marketing", false, {"preparation", "project"}, ClosureClass::kMarketing},
      {"delayed_delivery",
       "project_engineering",
       false,
       {"marketing", "property"},
       ClosureClass::kEngineering},
      {"planning_design", "project", false, {"property"}, ClosureClass::kDesign},
      {"community_facilities", "project", false, {"property"}, ClosureClass::kDesign},
      {"leasing",
       "commercial_operations",
       false,
       {"project", "property"},
       ClosureClass::kInvestment},
      {"property_service", "property", false, {"project_engineering"}, ClosureClass::kProperty},
      {"maintenance", "property", false, {"project_engineering"}, ClosureClass::kEngineering},
      {"service_attitude", "", true, {}, ClosureClass::kOther},
      {"other", "", false, {}, ClosureClass::kOther},
  };
  EXPECT_EQ(P().categories.size(), std::size(rows));
  for (const CategoryRow& r : rows) {
    SCOPED_TRACE(r.id);
    const Category* c = P().FindCategory(r.id);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->first_responsible, r.first_responsible);
    EXPECT_EQ(c->responsible_is_target_department, r.target_department);
    EXPECT_EQ(c->cooperating, r.cooperating);
    EXPECT_EQ(c->closure_class, r.cls);
  }
  EXPECT_EQ(P().FindCategory("nonexistent"), nullptr);
}

TEST(PolicyDefault, OrganisationHasEveryDepartmentWithItsHead) {
  const char* departments[] = {
      "customer_service", "marketing", "preparation",           "project", "project_engineering",
      "design",           "property",  "commercial_operations", "legal",   "cost",
      "finance"};
  for (const char* id : departments) {
    SCOPED_TRACE(id);
    const Department* d = P().organisation.FindDepartment(id);
    ASSERT_NE(d, nullptr);
    EXPECT_FALSE(d->head.empty());
  }
  EXPECT_EQ(P().organisation.FindDepartment("property")->head, "u-head-property");
  EXPECT_EQ(P().organisation.customer_service, "customer_service");
  EXPECT_FALSE(P().organisation.cs_head.empty());
  EXPECT_FALSE(P().organisation.deputy_gm.empty());
  EXPECT_FALSE(P().organisation.gm.empty());
  EXPECT_GE(P().organisation.projects.size(), 3u);
  for (const Project& p : P().organisation.projects) EXPECT_FALSE(p.general_manager.empty());
  EXPECT_NE(P().organisation.FindProject("p-lakeside"), nullptr);
}

TEST(PolicyDefault, EscalationRulesCoverEveryCodeOfSection4) {
  struct Row {
    const char* code;
    Level level;
  };
  const Row rows[] = {
      {"collective_10", Level::kCrisis},
      {"serious_loss", Level::kCrisis},
      {"exposure_3", Level::kCrisis},
      {"reputation", Level::kCrisis},
      {"compensation", Level::kMajor},
      {"repeat_3", Level::kMajor},
      {"collective_3", Level::kMajor},
      {"exposure", Level::kMajor},
      {"recurrence_after_important", Level::kMajor},
      {"same_target_3", Level::kImportant},
      {"government", Level::kImportant},
      {"exposure_risk", Level::kImportant},
      {"unresolved_week", Level::kImportant},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.code);
    int found = 0;
    for (const EscalationRule& e : P().escalation)
      if (e.code == r.code) {
        EXPECT_EQ(e.level, r.level);
        ++found;
      }
    EXPECT_GE(found, 1);
  }
  EXPECT_EQ(P().escalation.size(), std::size(rows) + 1);  // serious_loss has two alternatives
}

TEST(PolicyDefault, EscalationConditionsCarryTheNumbersOfSection4) {
  auto rule = [](std::string_view code, int nth = 0) -> const EscalationCondition& {
    for (const EscalationRule& e : P().escalation)
      if (e.code == code && nth-- == 0) return e.when;
    static EscalationCondition none;
    ADD_FAILURE() << "no rule " << code;
    return none;
  };
  EXPECT_EQ(rule("collective_10").headcount_min, 10);
  EXPECT_EQ(rule("serious_loss", 0).any_flag, std::vector<std::string>{"serious_loss"});
  EXPECT_EQ(rule("serious_loss", 1).compensation_above, M("10000.00"));
  EXPECT_EQ(rule("exposure_3").headcount_min, 3);
  EXPECT_EQ(rule("exposure_3").any_flag, (std::vector<std::string>{"media", "litigation"}));
  EXPECT_EQ(rule("reputation").any_flag, std::vector<std::string>{"reputation"});
  EXPECT_EQ(rule("compensation").compensation_at_most, M("10000.00"));
  EXPECT_EQ(rule("repeat_3").same_issue_complainants_min, 3);
  EXPECT_EQ(rule("collective_3").headcount_min, 3);
  EXPECT_EQ(rule("collective_3").headcount_max, 9);
  EXPECT_EQ(rule("exposure").headcount_max, 2);
  EXPECT_EQ(rule("recurrence_after_important").recurrence_after, Level::kImportant);
  EXPECT_EQ(rule("same_target_3").same_target_complaints_min, 3);
  EXPECT_EQ(rule("government").any_flag, std::vector<std::string>{"government"});
  EXPECT_EQ(rule("exposure_risk").any_flag,
            (std::vector<std::string>{"media_threatened", "litigation_threatened"}));
  EXPECT_EQ(rule("unresolved_week").unresolved_for, A("7 days"));
}

TEST(PolicyDefault, FinesMatchSection6) {
  const Fines& f = P().fines;
  EXPECT_EQ(f.no_plan, M("300.00"));
  EXPECT_EQ(f.cs_transmission_late, M("200.00"));
  EXPECT_EQ(f.transmission_late, M("100.00"));
  EXPECT_EQ(f.response_late, M("200.00"));
  ASSERT_EQ(f.closure_overdue.size(), 2u);
  EXPECT_EQ(f.closure_overdue[0].from_day, 1);
  EXPECT_EQ(f.closure_overdue[0].to_day, 7);
  EXPECT_EQ(f.closure_overdue[0].per_day, M("100.00"));
  EXPECT_EQ(f.closure_overdue[1].from_day, 8);
  EXPECT_EQ(f.closure_overdue[1].to_day, 15);
  EXPECT_EQ(f.closure_overdue[1].per_day, M("200.00"));
  EXPECT_EQ(f.last_tier_day(), 15);
  EXPECT_EQ(f.beyond_tiers_rule, "closure_overdue_15");
  struct Row {
    const char* rule;
    std::optional<Money> amount, min, max;
  };
  const Row rows[] = {
      {"closure_overdue_15", std::nullopt, M("500.00"), M("1500.00")},
      {"deflection", M("300.00"), std::nullopt, std::nullopt},
      {"misconduct", M("500.00"), std::nullopt, std::nullopt},
      {"concealment", M("500.00"), std::nullopt, std::nullopt},
      {"media_investigation", std::nullopt, std::nullopt, std::nullopt},
  };
  EXPECT_EQ(f.recorded.size(), std::size(rows));
  for (const Row& r : rows) {
    SCOPED_TRACE(r.rule);
    const RecordedFineRule* rec = f.FindRecorded(r.rule);
    ASSERT_NE(rec, nullptr);
    EXPECT_EQ(rec->amount, r.amount);
    EXPECT_EQ(rec->min, r.min);
    EXPECT_EQ(rec->max, r.max);
  }
}

TEST(PolicyDefault, RewardsAndSurveyMatchSection7) {
  const Rewards& r = P().rewards;
  EXPECT_EQ(r.customer_weight_percent, 70);
  EXPECT_EQ(r.platform_weight_percent, 30);
  EXPECT_EQ(r.excluded_departments, std::vector<std::string>{"customer_service"});
  struct Row {
    int64_t composite;  // hundredths
    const char* reward;
  };
  const Row rows[] = {{0, "0.00"},      {8999, "0.00"},   {9000, "200.00"},
                      {9499, "200.00"}, {9500, "300.00"}, {9700, "300.00"},
                      {9800, "300.00"}, {9801, "500.00"}, {10000, "500.00"}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.composite);
    EXPECT_EQ(r.RewardFor(row.composite), M(row.reward));
  }
  EXPECT_EQ(P().survey.min_score, 0);
  EXPECT_EQ(P().survey.max_score, 10);
  EXPECT_EQ(P().survey.reason_below, 6);
}

TEST(PolicyDefault, ReportToAndApproversMatchSections4And5) {
  using V = std::vector<std::string>;
  const std::array<V, kLevelCount> report_to = {V{"dept_head", "cs_agent"}, V{"cs_head"},
                                                V{"deputy_gm"}, V{"gm"}};
  const std::array<V, kLevelCount> plans = {V{"dept_head"}, V{"dept_head"}, V{"cs_head"},
                                            V{"deputy_gm"}};
  const std::array<V, kLevelCount> extensions = {V{"dept_head"}, V{"dept_head"}, V{"deputy_gm"},
                                                 V{"gm"}};
  EXPECT_EQ(P().report_to, report_to);
  EXPECT_EQ(P().plan_approvers, plans);
  EXPECT_EQ(P().extension_approvers, extensions);
  EXPECT_EQ(P().waiver_roles, (V{"deputy_gm", "gm"}));
  EXPECT_EQ(P().recorded_fine_roles, (V{"cs_head", "deputy_gm", "gm"}));
}

TEST(PolicyDefault, PermissionsMatchSection9) {
  struct Row {
    const char* role;
    const char* action;
    bool may;
  };
  const Row rows[] = {
      {"intake", "receive", true},
      {"intake", "transmit", true},
      {"intake", "attach_evidence", true},
      {"intake", "classify", false},
      {"cs_agent", "assess_validity", true},
      {"cs_agent", "classify", true},
      {"cs_agent", "set_level", true},
      {"cs_agent", "assign", true},
      {"cs_agent", "close", true},
      {"cs_agent", "record_callback", true},
      {"cs_agent", "rate_department", true},
      {"cs_agent", "review_plan", false},
      {"cs_agent", "record_fine", false},
      {"cs_head", "review_plan", true},
      {"cs_head", "record_fine", true},
      {"cs_head", "classify", true},
      {"cs_head", "waive_fine", false},
      {"handler", "propose_plan", true},
      {"handler", "resolve", true},
      {"handler", "request_extension", true},
      {"handler", "record_staff_decision", true},
      {"handler", "review_plan", false},
      {"handler", "close", false},
      {"dept_head", "review_plan", true},
      {"dept_head", "decide_extension", true},
      {"dept_head", "propose_plan", true},
      {"deputy_gm", "review_plan", true},
      {"deputy_gm", "decide_extension", true},
      {"deputy_gm", "record_fine", true},
      {"deputy_gm", "waive_fine", true},
      {"deputy_gm", "respond", false},
      {"gm", "decide_extension", true},
      {"gm", "waive_fine", true},
      {"gm", "receive", false},
      {"auditor", "receive", false},
      {"reader", "respond", false},
      {"admin", "close", false},
      {"nobody", "receive", false},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(std::string(r.role) + " " + r.action);
    EXPECT_EQ(P().RoleMay(r.role, r.action), r.may);
  }
  for (const char* role : {"auditor", "reader", "admin"}) {
    EXPECT_TRUE(P().HasRole(role));
    EXPECT_TRUE(P().permissions.at(role).empty());
  }
  EXPECT_EQ(P().permissions.at("cs_agent").size(), 19u);
  EXPECT_EQ(P().permissions.at("cs_head").size(), 21u);
  EXPECT_EQ(P().permissions.at("handler").size(), 10u);
  EXPECT_EQ(P().permissions.at("dept_head").size(), 12u);
}

}  // namespace
}  // namespace ledger::domain
