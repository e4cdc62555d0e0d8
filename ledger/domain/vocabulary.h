// The closed vocabularies of the complaint domain: every fixed code list the contract names
// (levels, clocks, roles, channels, flags, reasons...), each defined once, here, with what each
// code means. Everything else reads these tables: the action reader's validation and its error
// messages (action_reader.h), the enums of types.h (checked at compile time in types.cc), the
// policy reader, the API's role names, GET /v1/catalogue and the tables in docs/actions.md.
//
// A code is the stable lower-case spelling used in JSON, the policy file and event payloads; it
// never changes once released. Adding a code to a list is a contract change: docs/actions.md
// says what else to touch.
//
// Thread-safety: constant data.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ledger::domain {

struct VocabCode {
  std::string_view code;     // "hotline"
  std::string_view meaning;  // one line for people: documentation and forms
};

// One entry per closed vocabulary. The numeric order is the order of Vocabularies().
enum class Vocab : uint8_t {
  kLevel,
  kClosureClass,
  kClock,
  kExtensibleClock,
  kRole,
  kChannel,
  kFlag,
  kInvalidReason,
  kClosureBasis,
  kRootCause,
  kPlanType,
  kConfirmationMethod,
  kPauseReason,
  kTargetKind,
  kLinkRelation,
  kClockFine,
  kEscalationCondition,
};
inline constexpr int kVocabCount = 17;

// Lowest to highest: the order is the order of severity (types.h Level).
inline constexpr auto kLevelCodes = std::to_array<VocabCode>({
    {"general", "the lowest level: the longest clocks, approvals by the department head"},
    {"important", "the second level (the policy's escalation rules say when)"},
    {"major", "the third level: shorter clocks, approvals higher up"},
    {"crisis", "the highest level: the shortest clocks, approvals by the general manager"},
});

// The class a complaint's category belongs to (the closure rules depend on it; types.h).
inline constexpr auto kClosureClassCodes = std::to_array<VocabCode>({
    {"engineering", "building defects: closes on the property company's written confirmation"},
    {"design", "design and layout"},
    {"property", "property management services"},
    {"marketing", "sales and marketing promises"},
    {"investment", "commercial letting and investment"},
    {"other", "anything else"},
});

// The clocks of a complaint, in the order of types.h ClockKind (docs/clocks.md).
inline constexpr auto kClockCodes = std::to_array<VocabCode>({
    {"transmission", "the receiving department passes the complaint to customer service"},
    {"assignment", "customer service assigns the responsible department"},
    {"response", "the first response to the customer"},
    {"plan", "a handling plan is proposed"},
    {"closure", "the complaint (or a reopened cycle) is closed"},
    {"staff_decision", "a decision about a complained-of staff member"},
});

// The clocks an extension may move (request_extension's `clock`).
inline constexpr auto kExtensibleClockCodes = std::to_array<VocabCode>({
    {"transmission", "the transmission clock"},
    {"response", "the response clock"},
    {"plan", "the plan clock"},
    {"closure", "the closure clock of the current cycle"},
});

// Who an authenticated caller is (the policy's permissions say what each may do).
inline constexpr auto kRoleCodes = std::to_array<VocabCode>({
    {"intake", "front-line staff who receive complaints and pass them on"},
    {"cs_agent", "customer service: validity, category, level, assignment, callback, closure"},
    {"cs_head", "head of customer service: as cs_agent, plus plan approval and recorded fines"},
    {"handler", "a department's handler: responds, plans, resolves, asks for extensions"},
    {"dept_head", "a department head: approves plans and extensions at the lower levels"},
    {"deputy_gm", "deputy general manager: approvals at the higher levels, fines and waivers"},
    {"gm", "general manager: crisis extensions, fines and waivers"},
    {"auditor", "reads everything, personal data included, verifies and exports; writes nothing"},
    {"reader", "reads projections with personal data redacted"},
    {"admin", "manages tokens and policy versions"},
    {"data_protection", "the data-protection officer: legal holds, erasure, the record of reads"},
});

inline constexpr auto kChannelCodes = std::to_array<VocabCode>({
    {"hotline", "the complaint hotline"},
    {"wechat", "a WeChat message"},
    {"visit", "a visit in person"},
    {"letter", "a letter"},
    {"email", "an e-mail"},
    {"oem_work_order", "a work order from the manufacturer's system"},
    {"media", "through the press or social media"},
    {"online", "an online form"},
    {"onsite", "raised on site, to staff at work"},
    {"callback", "raised during a callback survey"},
    {"government", "forwarded by a government office"},
    {"other", "any other channel"},
});

// Facts that may raise a complaint's level (the policy's escalation rules read them).
inline constexpr auto kFlagCodes = std::to_array<VocabCode>({
    {"safety_risk", "a risk to people's safety (caps the response clock)"},
    {"serious_loss", "a serious loss to the customer or the company"},
    {"media", "the press or social media reported it"},
    {"media_threatened", "the customer threatened to go to the media"},
    {"litigation", "the customer went to court"},
    {"litigation_threatened", "the customer threatened to go to court"},
    {"government", "the customer went to a government office"},
    {"reputation", "a risk to the company's reputation (customer service only)"},
});

// Why a complaint is not a valid complaint (assess_validity with valid=false).
inline constexpr auto kInvalidReasonCodes = std::to_array<VocabCode>({
    {"suggestion", "a suggestion, not a complaint"},
    {"misunderstanding", "a misunderstanding, cleared up"},
    {"no_clear_demand_or_target", "no clear demand or target"},
    {"private_transaction", "a private transaction between parties"},
    {"known_before_purchase", "the matter was disclosed before purchase"},
    {"unreasonable_demand", "the demand is unreasonable"},
    {"not_rights_holder", "the complainant holds no right in the matter"},
    {"unverifiable", "the facts cannot be verified"},
    {"contrary_to_facts", "the complaint is contrary to the facts"},
    {"beyond_service_scope", "beyond the scope of the company's service"},
    {"unlawful_demand", "the demand is unlawful"},
    {"not_company_cause", "not caused by the company"},
    {"invalid_promise", "a promise made by someone with no authority to make it"},
});

// On what grounds a cycle is closed.
inline constexpr auto kClosureBasisCodes = std::to_array<VocabCode>({
    {"customer_confirmed", "the customer confirmed the result (written or recorded call)"},
    {"plan_issued_no_agreement", "an approved plan was issued; the customer did not agree"},
    {"litigation_concluded", "the court case concluded"},
    {"invalid_explained", "an invalid complaint, explained to the customer"},
});

inline constexpr auto kRootCauseCodes = std::to_array<VocabCode>({
    {"product_quality", "the product's quality"},
    {"service_quality", "the service's quality"},
    {"staff_attitude", "a staff member's attitude"},
    {"customer_misuse", "the customer's own use"},
    {"inspection_miss", "missed at inspection"},
    {"other", "any other cause"},
});

inline constexpr auto kPlanTypeCodes = std::to_array<VocabCode>({
    {"repair", "repair"},
    {"replace", "replace"},
    {"owner_self_repair", "the owner repairs, the company pays"},
    {"communicate", "explain and agree, no work"},
    {"other", "any other plan"},
});

inline constexpr auto kConfirmationMethodCodes = std::to_array<VocabCode>({
    {"written", "the customer's written confirmation"},
    {"recorded_call", "a recorded call with the customer"},
    {"property_company", "the property company's written confirmation (engineering class)"},
});

// Why the closure clock stops; paused time never counts.
inline constexpr auto kPauseReasonCodes = std::to_array<VocabCode>({
    {"awaiting_customer", "waiting for the customer"},
    {"litigation", "a court case is running"},
});

// What a complaint is about (receive's `target.kind`).
inline constexpr auto kTargetKindCodes = std::to_array<VocabCode>({
    {"person", "a staff member"},
    {"department", "a department"},
    {"unit", "a unit (a flat, a shop, a car)"},
});

inline constexpr auto kLinkRelationCodes = std::to_array<VocabCode>({
    {"same_issue", "the same issue raised by another complainant"},
    {"second_complaint", "the same complainant again after an earlier closure"},
});

// Fines the ledger derives from the clocks; a recorded fine rule may not reuse these names.
inline constexpr auto kClockFineCodes = std::to_array<VocabCode>({
    {"no_plan", "no handling plan when the plan clock ran out"},
    {"cs_transmission_late", "customer service passed the complaint on late"},
    {"transmission_late", "the receiving staff member passed the complaint on late"},
    {"response_late", "the first response came late"},
    {"closure_overdue", "the cycle closed late, per overdue day"},
});

// The conditions an escalation rule of the policy may combine (docs/policy-format.md).
inline constexpr auto kEscalationConditionCodes = std::to_array<VocabCode>({
    {"headcount_min", "at least this many people complain together"},
    {"headcount_max", "at most this many people complain together"},
    {"any_flag", "any of these flags is set"},
    {"compensation_above", "the claimed compensation is above this amount"},
    {"compensation_at_most", "the claimed compensation is at most this amount"},
    {"same_issue_complainants_min", "at least this many complainants of linked same issues"},
    {"same_target_complaints_min", "at least this many complaints about the same target"},
    {"recurrence_after", "a second complaint after an earlier one of this level"},
    {"unresolved_for", "still unresolved after this allowance"},
});

struct Vocabulary {
  Vocab id;
  std::string_view name;     // "channels": the key in GET /v1/catalogue and the docs
  std::string_view meaning;  // one line
  std::span<const VocabCode> codes;
};

// Every vocabulary, in the order of Vocab.
std::span<const Vocabulary> Vocabularies();
const Vocabulary& GetVocabulary(Vocab id);

// Whether `code` is one of the vocabulary's codes (exact, lower case).
bool InVocabulary(Vocab id, std::string_view code);

// "a, b, c": the codes for an error message ("... is not one of: a, b, c").
const std::string& CodeList(Vocab id);

// The index of `code` in the vocabulary, or -1.
int CodeIndex(Vocab id, std::string_view code);

}  // namespace ledger::domain
