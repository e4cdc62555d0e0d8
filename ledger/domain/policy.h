// Policy: the complaint-handling rules the ledger enforces, as data (docs/rules.md; the file
// format is docs/policy-format.md). A policy is loaded from a JSON file, validated, and published
// into the ledger as a numbered version (PolicyPublished). Every complaint event records the
// version in force when it was decided; a complaint's clocks and fines are computed under the
// version of its intake (a reopening's closure clock under the version of the reopening), so old
// complaints keep old rules.
//
// Thread-safety: a Policy is an immutable value once parsed; share it as shared_ptr<const Policy>.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/base/time.h"
#include "ledger/domain/money.h"
#include "ledger/domain/types.h"

namespace ledger::domain {

// A clock's allowance: "2 hours" (elapsed), "3 days" (N x 24 h), "15 working days" (step over
// working days, keeping the time of day). docs/clocks.md "Adding an allowance".
struct Allowance {
  enum class Unit : uint8_t { kHours, kDays, kWorkingDays };
  Unit unit = Unit::kHours;
  int64_t amount = 0;

  // "2 hours", "1 hour", "3 days", "15 working days".
  std::string ToString() const;
  // Parses the forms ToString() produces (singular or plural). nullopt otherwise.
  static std::optional<Allowance> Parse(std::string_view text);
  bool operator==(const Allowance&) const = default;
};

// The business calendar: time zone, opening hour, weekends, public holidays, make-up working days.
struct Calendar {
  std::chrono::minutes utc_offset{480};      // +08:00, no daylight saving
  Duration opening = std::chrono::hours(9);  // a working day opens at 09:00 local time
  std::array<bool, 7> weekend{true, false, false, false, false, false, true};  // [0] = Sunday
  std::set<std::chrono::sys_days> holidays;         // official public holidays (days off)
  std::set<std::chrono::sys_days> makeup_workdays;  // weekend days that are working days
  int first_year = 0;                               // the years the holiday list covers, inclusive
  int last_year = 0;
  // For explanations: the name of each holiday and make-up day ("Spring Festival"), and the days
  // taken from an arrangement not yet published when the policy was written (provisional).
  std::map<std::chrono::sys_days, std::string> day_names;
  std::set<std::chrono::sys_days> provisional_days;

  // A day is a working day when it is a make-up working day, or neither a weekend day nor a
  // holiday. `day` is a local civil date.
  bool IsWorkingDay(std::chrono::sys_days day) const;

  // The first instant the calendar covers: 00:00 local time on 1 January of first_year. A
  // business time before it is refused (rule "before_policy"): the policy cannot count it, and
  // a year such as 0001 would otherwise make complaint ids and fine months of that year.
  Time Begins() const;
};

struct Department {
  std::string id;    // e.g. "property"
  std::string name;  // for people, e.g. "Property management"
  std::string head;  // person id of the department head
};

struct Project {
  std::string id;  // the site/store/branch, e.g. "p-lakeside"
  std::string name;
  std::string general_manager;  // person id
};

struct Organisation {
  std::vector<Department> departments;
  std::vector<Project> projects;
  std::string customer_service = "customer_service";  // the customer-service department's id
  std::string cs_head;                                // person id: head of customer service
  std::string deputy_gm;  // person id: the deputy general manager in charge
  std::string gm;         // person id: the general manager

  const Department* FindDepartment(std::string_view id) const;
  const Project* FindProject(std::string_view id) const;
};

struct Category {
  std::string id;  // e.g. "maintenance"
  // Department id of the first-responsible department; empty when it is set case by case
  // ("other") or is the complained-of staff member's department (see below).
  std::string first_responsible;
  // True for service_attitude: the first-responsible department is the department whose staff
  // member is complained about (the target's department, or the assignment's).
  bool responsible_is_target_department = false;
  std::vector<std::string> cooperating;
  ClosureClass closure_class = ClosureClass::kOther;
};

// Transmission (and assignment), first response and handling plan allowances of one level.
struct LevelClocks {
  Allowance transmission;  // also the assignment allowance, counted from when CS got it
  Allowance response;
  Allowance plan;
};

// The closure allowance of one closure class: `standard`, or a per-level override.
struct ClosureRule {
  Allowance standard;
  std::array<std::optional<Allowance>, kLevelCount> by_level;  // e.g. crisis: 5 working days
  std::optional<Allowance> target;                             // informative (design: 7 days)

  const Allowance& For(Level level) const {
    const auto& o = by_level[size_t(level)];
    return o ? *o : standard;
  }
};

// When an escalation rule matches: every condition that is set must hold (AND). Several rules may
// share a code (OR), e.g. serious_loss = the flag, or compensation above 10000.00.
struct EscalationCondition {
  std::optional<int64_t> headcount_min;
  std::optional<int64_t> headcount_max;
  std::vector<std::string> any_flag;                   // at least one of these flags is set
  std::optional<Money> compensation_above;             // claimed compensation > this
  std::optional<Money> compensation_at_most;           // claimed compensation <= this (and > 0)
  std::optional<int64_t> same_issue_complainants_min;  // distinct complainants, linked same_issue
  std::optional<int64_t> same_target_complaints_min;   // complaints on record against the target
  std::optional<Level> recurrence_after;    // reopened, or a second complaint, after one of this
                                            // level (or higher) was handled
  std::optional<Allowance> unresolved_for;  // not resolved this long after intake, pauses not
                                            // counted (time-based: evaluated by the read side)
};

struct EscalationRule {
  std::string code;  // e.g. "collective_10"
  Level level = Level::kGeneral;
  EscalationCondition when;
};

// closure_overdue: overdue days from_day..to_day (1-based, inclusive) cost per_day each.
struct OverdueTier {
  int64_t from_day = 1;
  int64_t to_day = 7;
  Money per_day = 0;
};

// A fine rule that a manager records (not derived from clocks).
struct RecordedFineRule {
  std::string rule;             // e.g. "misconduct"
  std::optional<Money> amount;  // fixed amount, when the policy sets one
  std::optional<Money> min;     // or a range a manager chooses from
  std::optional<Money> max;
  std::string charged_to;  // for people: "department head", "people named", ...
  std::string note;        // e.g. "and a disciplinary notice"
};

struct Fines {
  Money no_plan = 0;               // per complaint, head of the responsible department
  Money cs_transmission_late = 0;  // per occurrence, the CS staff member and the CS department
  Money transmission_late = 0;     // per occurrence, the receiving staff member
  Money response_late = 0;         // per occurrence, the handler
  std::vector<OverdueTier> closure_overdue;  // contiguous from day 1
  // Beyond the last tier a manager must record a fine with this rule (a finding until then).
  std::string beyond_tiers_rule = "closure_overdue_15";
  std::vector<RecordedFineRule> recorded;

  const RecordedFineRule* FindRecorded(std::string_view rule) const;
  int64_t last_tier_day() const {
    return closure_overdue.empty() ? 0 : closure_overdue.back().to_day;
  }
};

// Rewards: composite = customer_weight% x customer score + platform_weight% x platform rating.
// Scores are in hundredths of a point (9500 = 95.00) so that tier bounds are exact.
struct RewardTier {
  int64_t min = 0;  // hundredths
  bool min_inclusive = true;
  std::optional<int64_t> max;  // hundredths; none: no upper bound
  bool max_inclusive = false;
  Money amount = 0;
};

struct Rewards {
  int64_t customer_weight_percent = 70;
  int64_t platform_weight_percent = 30;
  std::vector<RewardTier> tiers;                  // ordered, contiguous, no overlap
  std::vector<std::string> excluded_departments;  // e.g. customer_service

  // The reward for a composite score (hundredths), 0 when no tier matches.
  Money RewardFor(int64_t composite) const;
};

struct Survey {
  int64_t min_score = 0;
  int64_t max_score = 10;
  int64_t reason_below = 6;  // a score below this needs the customer's reason
};

// Deadline alerts, the policy's early warning (预警; docs/clocks.md "Alerts"): for each clock and
// level, the percentages of the clock's time (from its start to its deadline) at which an alert
// arises; 100 is the deadline itself (missed). Ascending, each 1..100.
struct AlertThresholds {
  std::vector<int> defaults;  // every clock and level not listed in `by`; empty: no alerts
  std::map<std::pair<ClockKind, Level>, std::vector<int>> by;

  const std::vector<int>& For(ClockKind clock, Level level) const {
    auto it = by.find({clock, level});
    return it == by.end() ? defaults : it->second;
  }
};

// Separation of duties (docs/policy-format.md): whoever proposed a plan may not review it,
// whoever requested an extension may not decide it, and a person a fine line charges may not
// waive it. A role listed for a duty is exempt from that rule (an organisation too small for a
// second approver); by default no role is.
struct SeparationOfDuties {
  std::vector<std::string> review_plan;       // roles that may review a plan they proposed
  std::vector<std::string> decide_extension;  // ... decide an extension they requested
  std::vector<std::string> waive_fine;        // ... waive a fine line that charges them
};

struct Policy {
  // The published version this is (PolicyStore sets it); 0 for a policy not published, e.g. the
  // built-in default before a ledger publishes it. Clock explanations name it.
  uint32_t version = 0;
  std::string name;  // e.g. "default"
  std::string description;

  Calendar calendar;
  Organisation organisation;
  std::vector<Category> categories;

  std::array<LevelClocks, kLevelCount> clocks;           // indexed by Level
  std::array<ClosureRule, kClosureClassCount> closure;   // indexed by ClosureClass
  Duration staff_decision = std::chrono::hours(8);       // from validity
  Duration safety_response_cap = std::chrono::hours(4);  // from intake, any calendar

  std::vector<EscalationRule> escalation;
  // Who must be told when responsibility is assigned at each level (roles).
  std::array<std::vector<std::string>, kLevelCount> report_to;

  Fines fines;
  Rewards rewards;
  Survey survey;

  // Role -> the action types it may perform (docs/actions.md).
  std::map<std::string, std::set<std::string>> permissions;
  // Roles that may approve a handling plan / an extension, per level.
  std::array<std::vector<std::string>, kLevelCount> plan_approvers;
  std::array<std::vector<std::string>, kLevelCount> extension_approvers;
  std::vector<std::string> waiver_roles;         // may waive a fine line
  std::vector<std::string> recorded_fine_roles;  // may record a fine
  SeparationOfDuties separation;                 // optional in the file: no exemptions
  AlertThresholds alerts;                        // optional in the file: no alerts

  Duration max_backdate = std::chrono::hours(24);  // later entries are findings
  Duration future_skew = std::chrono::minutes(5);  // occurred_at may be this far ahead
  int64_t second_complaint_months = 3;             // window after closure
  // Personal data (docs/privacy.md); optional in the file ("privacy"): these defaults.
  struct Privacy {
    int64_t retention_years = 3;  // complaint records are kept this long after closure
    // Who still sees a restricted subject's personal data (the legal basis's roles).
    std::vector<std::string> restricted_visible_to{"data_protection"};
  } privacy;

  const Category* FindCategory(std::string_view id) const;
  bool RoleMay(std::string_view role, std::string_view action) const;
  bool HasRole(std::string_view role) const { return permissions.count(std::string(role)) > 0; }
};

// The fixed vocabularies the policy refers to: roles (docs/rules.md#roles) and action types
// (docs/actions.md). The lists are comma-separated, for messages and documentation.
bool IsKnownRole(std::string_view role);
bool IsKnownActionType(std::string_view action);
std::string_view RoleList();
std::string_view ActionTypeList();

// Parses and validates a policy document (JSON, docs/policy-format.md). On failure:
// InvalidArgument whose errors() name every problem by its JSON Pointer path in the file
// ("/categories/3/first_responsible") with a rule ("unknown_department", "negative", ...).
Result<std::shared_ptr<const Policy>> ParsePolicy(std::string_view json_text);

// Reads and parses a policy file. NotFound when the file cannot be read.
Result<std::shared_ptr<const Policy>> LoadPolicyFile(const std::string& path);

// The default policy shipped with the ledger (ledger/domain/default_policy.json, built in).
std::string_view DefaultPolicyText();
std::shared_ptr<const Policy> DefaultPolicy();

}  // namespace ledger::domain
