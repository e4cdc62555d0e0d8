// Validation of policy files: each row breaks the default policy in one way and expects the
// file to be refused with the JSON Pointer of the problem and its rule; several problems are
// all reported at once.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>

#include "ledger/domain/policy.h"

namespace ledger::domain {
namespace {

namespace json = boost::json;

json::value Default() { return json::parse(std::string(DefaultPolicyText())); }

// Splits "/a/b/3" into the parent pointer and the last token.
std::pair<std::string, std::string> Split(const std::string& pointer) {
  size_t slash = pointer.rfind('/');
  return {pointer.substr(0, slash), pointer.substr(slash + 1)};
}

json::value& At(json::value& doc, const std::string& pointer) {
  return pointer.empty() ? doc : doc.at_pointer(pointer);
}

// Edits of a document, by JSON Pointer.
std::function<void(json::value&)> Set(std::string pointer, json::value v) {
  return [pointer, v](json::value& doc) {
    auto [parent, key] = Split(pointer);
    json::value& p = At(doc, parent);
    if (p.is_array())
      p.as_array().at(std::stoul(key)) = v;
    else
      p.as_object()[key] = v;
  };
}
std::function<void(json::value&)> Remove(std::string pointer) {
  return [pointer](json::value& doc) {
    auto [parent, key] = Split(pointer);
    json::value& p = At(doc, parent);
    if (p.is_array())
      p.as_array().erase(p.as_array().begin() + long(std::stoul(key)));
    else
      ASSERT_EQ(p.as_object().erase(key), 1u) << pointer;
  };
}
std::function<void(json::value&)> Append(std::string pointer, json::value v) {
  return [pointer, v](json::value& doc) { At(doc, pointer).as_array().push_back(v); };
}

Status Refusal(const json::value& doc) {
  Result<std::shared_ptr<const Policy>> parsed = ParsePolicy(json::serialize(doc));
  return parsed.ok() ? Status::Ok() : parsed.status();
}

bool HasError(const Status& s, const std::string& field, const std::string& rule) {
  for (const FieldError& e : s.errors())
    if (e.field == field && e.rule == rule) return true;
  return false;
}

struct Case {
  const char* name;
  std::vector<std::function<void(json::value&)>> edits;
  std::string field;
  std::string rule;
  size_t errors = 1;  // the number of problems the edits cause in all
};

// Keeps test logs readable: a case prints as its name.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class PolicyValidation : public ::testing::TestWithParam<Case> {};

TEST_P(PolicyValidation, RefusesWithThePathAndTheRule) {
  const Case& c = GetParam();
  json::value doc = Default();
  for (const auto& edit : c.edits) edit(doc);
  Status s = Refusal(doc);
  ASSERT_FALSE(s.ok()) << "accepted a policy that " << c.name;
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_TRUE(HasError(s, c.field, c.rule))
      << "expected " << c.field << " " << c.rule << "; got " << s.ToString();
  EXPECT_EQ(s.errors().size(), c.errors) << s.ToString();
}

json::value Obj(std::string_view text) { return json::parse(text); }

const Case kCases[] = {
    // Structure: unknown keys, missing keys, wrong types.
    {"has a misspelt top-level key", {Set("/fnies", Obj("{}"))}, "/fnies", "unknown_key"},
    {"has a misspelt nested key",
     {Remove("/clocks/general/response"), Set("/clocks/general/respnse", "1 hour")},
     "/clocks/general/respnse",
     "unknown_key",
     2},
    {"lacks the general manager", {Remove("/organisation/gm")}, "/organisation/gm", "required"},
    {"lacks a whole section", {Remove("/fines")}, "/fines", "required"},
    {"lacks a department head",
     {Remove("/organisation/departments/6/head")},
     "/organisation/departments/6/head",
     "required"},
    {"has an empty department head",
     {Set("/organisation/departments/2/head", "")},
     "/organisation/departments/2/head",
     "empty"},
    {"gives a year as a string",
     {Set("/calendar/first_year", "2025")},
     "/calendar/first_year",
     "type"},
    {"gives an allowance as a number",
     {Set("/clocks/major/plan", 24)},
     "/clocks/major/plan",
     "type"},
    {"gives a section of the wrong type", {Set("/categories", Obj("{}"))}, "/categories", "type"},
    {"is of another format", {Set("/format", 2)}, "/format", "unsupported_format"},
    // Names in mappings.
    {"maps a category to an unknown department",
     {Set("/categories/3/first_responsible", "planning")},
     "/categories/3/first_responsible",
     "unknown_department"},
    {"names an unknown cooperating department",
     {Set("/categories/1/cooperating/0", "sales")},
     "/categories/1/cooperating/0",
     "unknown_department"},
    {"names an unknown closure class",
     {Set("/categories/0/closure_class", "sales")},
     "/categories/0/closure_class",
     "unknown_closure_class"},
    {"has clocks for an unknown level",
     {Set("/clocks/urgent", Obj(R"({"transmission": "1 hour",
       "response": "1 hour", "plan": "1 hour"})"))},
     "/clocks/urgent",
     "unknown_level"},
    {"lacks a level's clocks", {Remove("/clocks/crisis")}, "/clocks/crisis", "required"},
    {"lacks a closure class", {Remove("/closure/design")}, "/closure/design", "required"},
    {"overrides closure for an unknown level",
     {Set("/closure/property/by_level/critical", "1 day")},
     "/closure/property/by_level/critical",
     "unknown_level"},
    {"names an unknown plan approver",
     {Set("/plan_approvers/major/0", "cs_boss")},
     "/plan_approvers/major/0",
     "unknown_role"},
    {"lacks a level's report-to roles",
     {Remove("/report_to/crisis")},
     "/report_to/crisis",
     "required"},
    {"reports to an unknown role",
     {Set("/report_to/important/0", "boss")},
     "/report_to/important/0",
     "unknown_role"},
    {"grants permissions to an unknown role",
     {Set("/permissions/manager", Obj(R"(["close"])"))},
     "/permissions/manager",
     "unknown_role"},
    {"lacks a role's permissions",
     {Remove("/permissions/auditor")},
     "/permissions/auditor",
     "required"},
    {"permits an unknown action",
     {Set("/permissions/handler/0", "respnd")},
     "/permissions/handler/0",
     "unknown_action"},
    {"names an approver without the approving permission",
     {Remove("/permissions/deputy_gm/0")},
     "/plan_approvers/crisis/0",
     "permission_missing"},
    {"names a waiver role that may not waive",
     {Append("/waiver_roles", "cs_head")},
     "/waiver_roles/2",
     "permission_missing"},
    {"names the customer-service department wrongly",
     {Set("/organisation/customer_service", "service")},
     "/organisation/customer_service",
     "unknown_department"},
    {"excludes an unknown department from rewards",
     {Set("/rewards/excluded_departments/0", "cs")},
     "/rewards/excluded_departments/0",
     "unknown_department"},
    {"uses a reserved department id",
     {Set("/organisation/departments/10/id", "target_department")},
     "/organisation/departments/10/id",
     "reserved_id"},
    // Numbers.
    {"has negative hours",
     {Set("/clocks/general/response", "-1 hours")},
     "/clocks/general/response",
     "not_positive"},
    {"has zero hours",
     {Set("/clocks/crisis/plan", "0 hours")},
     "/clocks/crisis/plan",
     "not_positive"},
    {"has an allowance of more than ten years",
     {Set("/closure/engineering/standard", "99999999999 working days")},
     "/closure/engineering/standard",
     "too_long"},
    {"has a duration of more than ten years",
     {Set("/max_backdate", "9999999999999 minutes")},
     "/max_backdate",
     "too_long"},
    {"has an overdue tier beyond ten years",
     {Set("/fines/closure_overdue/1/to_day", 99999)},
     "/fines/closure_overdue/1/to_day",
     "too_long"},
    {"has a malformed allowance",
     {Set("/clocks/general/plan", "4 hrs")},
     "/clocks/general/plan",
     "allowance"},
    {"has a zero fine", {Set("/fines/no_plan", "0.00")}, "/fines/no_plan", "not_positive"},
    {"has a negative fine",
     {Set("/fines/response_late", "-200.00")},
     "/fines/response_late",
     "not_positive"},
    {"has a malformed amount",
     {Set("/fines/transmission_late", "100")},
     "/fines/transmission_late",
     "money"},
    {"has a zero staff decision time",
     {Set("/staff_decision", "0 hours")},
     "/staff_decision",
     "not_positive"},
    {"counts the staff decision in working days",
     {Set("/staff_decision", "1 working day")},
     "/staff_decision",
     "duration"},
    {"has a zero second-complaint window",
     {Set("/second_complaint_months", 0)},
     "/second_complaint_months",
     "not_positive"},
    {"has weights that do not add up",
     {Set("/rewards/customer_weight_percent", 60)},
     "/rewards/platform_weight_percent",
     "weights_sum"},
    {"has a reward bound with three decimals",
     {Set("/rewards/tiers/0/from", 89.995)},
     "/rewards/tiers/0/from",
     "precision"},
    {"has a survey reason threshold above the scale",
     {Set("/survey/reason_below", 11)},
     "/survey/reason_below",
     "score_range"},
    // Calendar.
    {"has a holiday before the calendar's years",
     {Set("/calendar/holidays/0/from", "2024-01-01")},
     "/calendar/holidays/0/from",
     "outside_calendar_years"},
    {"has a holiday after the calendar's years",
     {Set("/calendar/holidays/19/to", "2028-10-05")},
     "/calendar/holidays/19/to",
     "outside_calendar_years"},
    {"has a make-up day outside the calendar's years",
     {Set("/calendar/holidays/1/makeup_workdays/0", "2024-01-27")},
     "/calendar/holidays/1/makeup_workdays/0",
     "outside_calendar_years"},
    {"has a make-up working day on a Monday",
     {Set("/calendar/holidays/1/makeup_workdays/0", "2025-01-27")},
     "/calendar/holidays/1/makeup_workdays/0",
     "makeup_not_weekend"},
    {"has a holiday that is also a make-up day",
     {Set("/calendar/holidays/2/makeup_workdays", Obj(R"(["2025-04-05"])"))},
     "/calendar/holidays/2/makeup_workdays/0",
     "holiday_is_makeup"},
    {"lists a holiday twice",
     {Append("/calendar/holidays", Obj(R"({"name": "again", "from": "2025-01-01"})"))},
     "/calendar/holidays/20/from",
     "duplicate_date"},
    {"has a holiday period over a month long",
     {Set("/calendar/holidays/2/to", "2025-06-30")},
     "/calendar/holidays/2/to",
     "too_long"},
    {"has a holiday ending before it starts",
     {Set("/calendar/holidays/2/to", "2025-04-01")},
     "/calendar/holidays/2/to",
     "date_order"},
    {"has a malformed date",
     {Set("/calendar/holidays/0/from", "2025-1-1")},
     "/calendar/holidays/0/from",
     "date"},
    {"has a malformed UTC offset",
     {Set("/calendar/utc_offset", "+8")},
     "/calendar/utc_offset",
     "utc_offset"},
    {"has a malformed opening hour",
     {Set("/calendar/opening", "9am")},
     "/calendar/opening",
     "time_of_day"},
    {"has an unknown weekend day",
     {Append("/calendar/weekend", "sonday")},
     "/calendar/weekend/2",
     "unknown_weekday"},
    {"names a weekend day twice",
     {Append("/calendar/weekend", "sunday")},
     "/calendar/weekend/2",
     "duplicate"},
    {"has no working day in a week",
     {Set("/calendar/weekend", Obj(R"(["sunday", "monday", "tuesday", "wednesday", "thursday",
       "friday", "saturday"])"))},
     "/calendar/weekend",
     "no_working_day"},
    // Tiers.
    {"has a gap between reward tiers",
     {Set("/rewards/tiers/1/from", 96)},
     "/rewards/tiers/1",
     "tier_gap"},
    {"has overlapping reward tiers",
     {Set("/rewards/tiers/1/from", 94)},
     "/rewards/tiers/1",
     "tier_overlap"},
    {"has reward tiers sharing a bound both inclusive",
     {Remove("/rewards/tiers/0/below"), Set("/rewards/tiers/0/to", 95)},
     "/rewards/tiers/1",
     "tier_overlap"},
    {"has reward tiers that both exclude a bound",
     {Remove("/rewards/tiers/1/to"), Set("/rewards/tiers/1/below", 98)},
     "/rewards/tiers/2",
     "tier_gap"},
    {"has a reward tier with both lower bounds",
     {Set("/rewards/tiers/2/from", 98)},
     "/rewards/tiers/2/above",
     "conflicting_keys"},
    {"has overdue tiers not from day 1",
     {Set("/fines/closure_overdue/0/from_day", 2)},
     "/fines/closure_overdue/0/from_day",
     "tiers_start"},
    {"has a gap between overdue tiers",
     {Set("/fines/closure_overdue/1/from_day", 9)},
     "/fines/closure_overdue/1/from_day",
     "tier_gap"},
    {"has overlapping overdue tiers",
     {Set("/fines/closure_overdue/1/from_day", 7)},
     "/fines/closure_overdue/1/from_day",
     "tier_overlap"},
    {"has an overdue tier ending before it starts",
     {Set("/fines/closure_overdue/1/to_day", 5)},
     "/fines/closure_overdue/1/to_day",
     "range_order"},
    // Ids.
    {"defines a department twice",
     {Set("/organisation/departments/2/id", "marketing")},
     "/organisation/departments/2/id",
     "duplicate",
     2 /* preparation disappears */},
    {"defines a category twice",
     {Set("/categories/1/id", "sales_contract")},
     "/categories/1/id",
     "duplicate"},
    {"defines a project twice",
     {Set("/organisation/projects/1/id", "p-lakeside")},
     "/organisation/projects/1/id",
     "duplicate"},
    {"defines a recorded fine rule twice",
     {Set("/fines/recorded/1/rule", "misconduct")},
     "/fines/recorded/2/rule",
     "duplicate"},
    {"records a fine under a derived rule's name",
     {Set("/fines/recorded/1/rule", "no_plan")},
     "/fines/recorded/1/rule",
     "reserved_id"},
    {"names an unknown rule beyond the tiers",
     {Set("/fines/beyond_tiers_rule", "overdue_15")},
     "/fines/beyond_tiers_rule",
     "unknown_fine_rule"},
    {"has a recorded range upside down",
     {Set("/fines/recorded/0/min", "2000.00")},
     "/fines/recorded/0/max",
     "range_order"},
    // Escalation.
    {"has an escalation rule without a condition",
     {Set("/escalation/0/when", Obj("{}"))},
     "/escalation/0/when",
     "no_condition"},
    {"escalates on an unknown flag",
     {Set("/escalation/1/when/any_flag/0", "fire")},
     "/escalation/1/when/any_flag/0",
     "unknown_flag"},
    {"escalates to an unknown level",
     {Set("/escalation/0/level", "severe")},
     "/escalation/0/level",
     "unknown_level"},
    {"escalates to general",
     {Set("/escalation/0/level", "general")},
     "/escalation/0/level",
     "not_an_escalation"},
    {"has an empty headcount range",
     {Set("/escalation/7/when/headcount_min", 10)},
     "/escalation/7/when/headcount_max",
     "empty_range"},
    {"gives one rule code two levels",
     {Set("/escalation/2/level", "major")},
     "/escalation/2/level",
     "conflicting_level"},
};

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.name;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Policy, PolicyValidation, ::testing::ValuesIn(kCases), CaseName);

TEST(PolicyValidationAll, ReportsEveryProblemAtOnce) {
  json::value doc = Default();
  Set("/categories/3/first_responsible", "planning")(doc);
  Set("/clocks/general/response", "-1 hours")(doc);
  Set("/calendar/holidays/0/from", "2024-01-01")(doc);
  Set("/rewards/tiers/1/from", 96)(doc);
  Set("/escalation/0/when", Obj("{}"))(doc);
  Remove("/organisation/departments/6/head")(doc);
  Status s = Refusal(doc);
  EXPECT_TRUE(HasError(s, "/categories/3/first_responsible", "unknown_department"));
  EXPECT_TRUE(HasError(s, "/clocks/general/response", "not_positive"));
  EXPECT_TRUE(HasError(s, "/calendar/holidays/0/from", "outside_calendar_years"));
  EXPECT_TRUE(HasError(s, "/rewards/tiers/1", "tier_gap"));
  EXPECT_TRUE(HasError(s, "/escalation/0/when", "no_condition"));
  EXPECT_TRUE(HasError(s, "/organisation/departments/6/head", "required"));
  EXPECT_EQ(s.errors().size(), 6u) << s.ToString();
  EXPECT_NE(s.message().find("6 problems"), std::string::npos);
}

TEST(PolicyValidationAll, YearsEndingBeforeTheyStartAlsoPutEveryHolidayOutside) {
  json::value doc = Default();
  Set("/calendar/last_year", 2024)(doc);
  Status s = Refusal(doc);
  EXPECT_TRUE(HasError(s, "/calendar/last_year", "year_range"));
  EXPECT_TRUE(HasError(s, "/calendar/holidays/0/from", "outside_calendar_years"));
}

TEST(PolicyValidationAll, RefusesARepeatedKeyThatJsonWouldSilentlyOverwrite) {
  std::string text(DefaultPolicyText());
  size_t at = text.find("\"no_plan\": \"300.00\",");
  ASSERT_NE(at, std::string::npos);
  text.insert(at, "\"no_plan\": \"1.00\", ");
  auto parsed = ParsePolicy(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(HasError(parsed.status(), "/fines/no_plan", "duplicate_key"))
      << parsed.status().ToString();
}

TEST(PolicyValidationAll, RefusesTextThatIsNotJson) {
  struct Row {
    const char* text;
    const char* rule;
  };
  const Row rows[] = {{"", "json_syntax"},
                      {"{\"format\": 1,", "json_syntax"},
                      {"[]", "type"},
                      {"{} {}", "json_syntax"}};
  for (const Row& r : rows) {
    auto parsed = ParsePolicy(r.text);
    ASSERT_FALSE(parsed.ok()) << r.text;
    EXPECT_TRUE(HasError(parsed.status(), "", r.rule)) << parsed.status().ToString();
  }
}

TEST(PolicyValidationAll, EscapesKeysInPointers) {
  json::value doc = Default();
  doc.as_object()["fines"].as_object()["a~b/c"] = "1.00";
  Status s = Refusal(doc);
  EXPECT_TRUE(HasError(s, "/fines/a~0b~1c", "unknown_key")) << s.ToString();
}

TEST(PolicyValidationAll, SuggestsTheIntendedKeyForATypo) {
  json::value doc = Default();
  Remove("/fines/no_plan")(doc);
  Set("/fines/no_plna", "300.00")(doc);
  Status s = Refusal(doc);
  bool suggested = false;
  for (const FieldError& e : s.errors())
    if (e.rule == "unknown_key")
      suggested = e.message.find("did you mean 'no_plan'") != std::string::npos;
  EXPECT_TRUE(suggested) << s.ToString();
}

}  // namespace
}  // namespace ledger::domain
