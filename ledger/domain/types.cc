#include "ledger/domain/types.h"

#include <algorithm>
#include <initializer_list>

namespace ledger::domain {
namespace {

template <typename E, size_t N>
std::optional<E> Find(const std::array<std::string_view, N>& names, std::string_view name) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == name) return static_cast<E>(i);
  return std::nullopt;
}

constexpr std::array<std::string_view, kLevelCount> kLevelNames = {"general", "important", "major",
                                                                  "crisis"};
constexpr std::array<std::string_view, kClosureClassCount> kClassNames = {
    "engineering", "design", "property", "marketing", "investment", "other"};
constexpr std::array<std::string_view, kClockKindCount> kClockNames = {
    "transmission", "assignment", "response", "plan", "closure", "staff_decision"};

bool In(std::initializer_list<std::string_view> list, std::string_view code) {
  return std::find(list.begin(), list.end(), code) != list.end();
}

}  // namespace

std::string_view LevelName(Level level) { return kLevelNames[size_t(level)]; }
std::optional<Level> ParseLevel(std::string_view name) { return Find<Level>(kLevelNames, name); }

std::string_view ClosureClassName(ClosureClass c) { return kClassNames[size_t(c)]; }
std::optional<ClosureClass> ParseClosureClass(std::string_view name) {
  return Find<ClosureClass>(kClassNames, name);
}

std::string_view ClockKindName(ClockKind k) { return kClockNames[size_t(k)]; }
std::optional<ClockKind> ParseClockKind(std::string_view name) {
  return Find<ClockKind>(kClockNames, name);
}

bool IsChannel(std::string_view c) {
  return In({"hotline", "wechat", "visit", "letter", "email", "oem_work_order", "media", "online",
             "onsite", "callback", "government", "other"},
            c);
}
bool IsFlag(std::string_view c) {
  return In({"safety_risk", "serious_loss", "media", "media_threatened", "litigation",
             "litigation_threatened", "government", "reputation"},
            c);
}
bool IsInvalidReason(std::string_view c) {
  return In({"suggestion", "misunderstanding", "no_clear_demand_or_target", "private_transaction",
             "known_before_purchase", "unreasonable_demand", "not_rights_holder", "unverifiable",
             "contrary_to_facts", "beyond_service_scope", "unlawful_demand", "not_company_cause",
             "invalid_promise"},
            c);
}
bool IsClosureBasis(std::string_view c) {
  return In({"customer_confirmed", "plan_issued_no_agreement", "litigation_concluded",
             "invalid_explained"},
            c);
}
bool IsRootCause(std::string_view c) {
  return In({"product_quality", "service_quality", "staff_attitude", "customer_misuse",
             "inspection_miss", "other"},
            c);
}
bool IsPlanType(std::string_view c) {
  return In({"repair", "replace", "owner_self_repair", "communicate", "other"}, c);
}
bool IsConfirmationMethod(std::string_view c) {
  return In({"written", "recorded_call", "property_company"}, c);
}
bool IsPauseReason(std::string_view c) { return In({"awaiting_customer", "litigation"}, c); }
bool IsTargetKind(std::string_view c) { return In({"person", "department", "unit"}, c); }
bool IsLinkRelation(std::string_view c) { return In({"same_issue", "second_complaint"}, c); }

std::string_view ChannelList() {
  return "hotline, wechat, visit, letter, email, oem_work_order, media, online, onsite, callback, "
         "government, other";
}
std::string_view FlagList() {
  return "safety_risk, serious_loss, media, media_threatened, litigation, litigation_threatened, "
         "government, reputation";
}
std::string_view InvalidReasonList() {
  return "suggestion, misunderstanding, no_clear_demand_or_target, private_transaction, "
         "known_before_purchase, unreasonable_demand, not_rights_holder, unverifiable, "
         "contrary_to_facts, beyond_service_scope, unlawful_demand, not_company_cause, "
         "invalid_promise";
}
std::string_view ClosureBasisList() {
  return "customer_confirmed, plan_issued_no_agreement, litigation_concluded, invalid_explained";
}
std::string_view RootCauseList() {
  return "product_quality, service_quality, staff_attitude, customer_misuse, inspection_miss, "
         "other";
}
std::string_view PlanTypeList() { return "repair, replace, owner_self_repair, communicate, other"; }
std::string_view ConfirmationMethodList() { return "written, recorded_call, property_company"; }
std::string_view PauseReasonList() { return "awaiting_customer, litigation"; }

}  // namespace ledger::domain
