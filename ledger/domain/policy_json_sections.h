// The sections of the policy file (docs/policy-format.md), each read into its part of a Policy by
// one function. Internal to the policy file parser: ParsePolicy() in policy_json.cc calls them in
// order, and each reports its problems to the shared Reader at JSON Pointer paths under `path`.
// A section that cannot be read leaves its output partly filled; ParsePolicy then refuses the
// whole document, so callers never see a partial policy.
//
// Thread-safety: plain functions; each call works on its own Reader and output.
#pragma once

#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ledger/domain/policy.h"
#include "ledger/domain/policy_json_reader.h"

namespace ledger::domain::policy_json {

// Reserved values of a category's "first_responsible" (not department ids).
inline constexpr std::string_view kTargetDepartment = "target_department";
inline constexpr std::string_view kCaseByCase = "case_by_case";

// policy_json_calendar.cc
void ReadCalendar(Reader& r, const json::value& v, const std::string& path, Calendar* out);

// policy_json_organisation.cc
void ReadOrganisation(Reader& r, const json::value& v, const std::string& path, Organisation* out);
void ReadCategories(Reader& r, const json::value& v, const std::string& path,
                    const Organisation& org, std::vector<Category>* out);

// policy_json_clocks.cc
void ReadLevelClocks(Reader& r, const json::value& v, const std::string& path,
                     std::array<LevelClocks, kLevelCount>* out);
void ReadClosure(Reader& r, const json::value& v, const std::string& path,
                 std::array<ClosureRule, kClosureClassCount>* out);
void ReadEscalation(Reader& r, const json::value& v, const std::string& path,
                    std::vector<EscalationRule>* out);
// "alerts": the default thresholds (percentages of a clock) and overrides per clock and level.
void ReadAlerts(Reader& r, const json::value& v, const std::string& path, AlertThresholds* out);

// policy_json_fines.cc
void ReadFines(Reader& r, const json::value& v, const std::string& path, Fines* out);
void ReadRewards(Reader& r, const json::value& v, const std::string& path, const Organisation& org,
                 Rewards* out);
void ReadSurvey(Reader& r, const json::value& v, const std::string& path, Survey* out);

// policy_json_roles.cc
void ReadPermissions(Reader& r, const json::value& v, const std::string& path,
                     std::map<std::string, std::set<std::string>>* out);
// A non-empty list of known roles.
std::vector<std::string> ReadRoleList(Reader& r, const json::value& v, const std::string& path);
// A role list for every level ("report_to", "plan_approvers", "extension_approvers").
void ReadRolesByLevel(Reader& r, const json::value& v, const std::string& path,
                      std::array<std::vector<std::string>, kLevelCount>* out);
// "separation_of_duties": per duty (review_plan, decide_extension, waive_fine), the roles exempt
// from doing it on their own proposal, request or fine. Optional; absent: none exempt.
void ReadSeparationOfDuties(Reader& r, const json::value& v, const std::string& path,
                            SeparationOfDuties* out);
// Cross-section rules: every approver, waiver and recorded-fine role holds the action it acts
// with ("permission_missing").
void CheckRoleConsistency(Reader& r, const Policy& policy);

// policy_json_duplicates.cc
// Members repeated within one object ("duplicate_key"): a JSON parser silently keeps the last,
// which would hide an edited number. Reports nothing for text that is not JSON.
std::vector<FieldError> FindDuplicateKeys(std::string_view json_text);

}  // namespace ledger::domain::policy_json
