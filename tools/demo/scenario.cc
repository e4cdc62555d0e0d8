// DrawPlan: the scenario mix of docs/demo.md, in one place.
#include "tools/demo/scenario.h"

#include <array>
#include <cstdio>

#include "tools/demo/people.h"
#include "tools/demo/rng.h"

namespace demo {
namespace {

using Weights = std::vector<std::pair<std::string, double>>;

const std::string& PickWeighted(Rng& rng, const Weights& w) {
  std::vector<double> weights;
  weights.reserve(w.size());
  for (const auto& [name, weight] : w) weights.push_back(weight);
  return w[rng.Weighted(weights)].first;
}

// Family weights (per 1000 complaints). Same-issue and second complaints need an earlier
// complaint to refer to; without one the weight goes to ordinary complaints.
double FamilyWeight(Family f) {
  static constexpr std::array<double, kFamilyCount> kWeights = {
      480,  // ordinary
      70,   // invalid
      40,   // collective 3-9
      15,   // collective 10+
      25,   // media
      30,   // media threatened
      15,   // litigation
      30,   // government
      50,   // compensation <= 10000
      10,   // compensation > 10000
      30,   // safety risk
      70,   // staff
      45,   // same issue
      40,   // second complaint
      8,    // reputation
      15,   // stalled
  };
  return kWeights[size_t(f)];
}

Family DrawFamily(Rng& rng, const DrawContext& ctx) {
  std::vector<double> weights(kFamilyCount);
  for (int i = 0; i < kFamilyCount; ++i) weights[size_t(i)] = FamilyWeight(Family(i));
  if (!ctx.same_issue) weights[size_t(Family::kSameIssue)] = 0;
  if (!ctx.second_of) weights[size_t(Family::kSecond)] = 0;
  return Family(rng.Weighted(weights));
}

const Weights& CategoriesFor(Family f) {
  static const Weights kGeneral = {
      {"maintenance", 22},   {"property_service", 24},    {"delayed_delivery", 8},
      {"sales_contract", 8}, {"certificates", 6},         {"planning_design", 5},
      {"leasing", 5},        {"community_facilities", 5}, {"other", 5}};
  static const Weights kCollective = {{"delayed_delivery", 30},
                                      {"community_facilities", 20},
                                      {"planning_design", 20},
                                      {"property_service", 20},
                                      {"certificates", 10}};
  static const Weights kLegal = {{"delayed_delivery", 35},
                                 {"planning_design", 20},
                                 {"sales_contract", 30},
                                 {"certificates", 15}};
  static const Weights kMoney = {{"maintenance", 40},
                                 {"delayed_delivery", 25},
                                 {"property_service", 20},
                                 {"planning_design", 15}};
  switch (f) {
    case Family::kCollective:
    case Family::kCollective10:
      return kCollective;
    case Family::kLitigation:
      return kLegal;
    case Family::kCompensation:
    case Family::kCompensationLarge:
    case Family::kSafety:
      return kMoney;
    default:
      return kGeneral;
  }
}

bool RuleLevelAboveGeneral(Family f) {
  switch (f) {
    case Family::kCollective:
    case Family::kCollective10:
    case Family::kMedia:
    case Family::kMediaThreatened:
    case Family::kLitigation:
    case Family::kGovernment:
    case Family::kCompensation:
    case Family::kCompensationLarge:
      return true;
    default:
      return false;
  }
}

bool Severe(Family f) {
  return f == Family::kCollective || f == Family::kCollective10 || f == Family::kMedia ||
         f == Family::kCompensationLarge || f == Family::kCompensation;
}

// Channel and receiving department; the receiver is a cs agent or intake staff.
void DrawIntake(Rng& rng, const DrawContext& ctx, Plan& p) {
  const Staff& staff = *ctx.staff;
  static const Weights kCsChannels = {{"hotline", 45},       {"wechat", 22}, {"online", 10},
                                      {"email", 5},          {"letter", 4},  {"callback", 4},
                                      {"oem_work_order", 5}, {"other", 5}};
  static const Weights kDeskChannels = {
      {"visit", 35}, {"onsite", 30}, {"letter", 5}, {"wechat", 15}, {"hotline", 15}};
  static const Weights kReceivers = {{"property", 45},
                                     {"marketing", 20},
                                     {"project", 10},
                                     {"commercial_operations", 10},
                                     {"project_engineering", 15}};
  const bool fixed_channel = p.family == Family::kMedia || p.family == Family::kGovernment;
  if (!fixed_channel && rng.Chance(0.3)) {
    p.receiving_department = PickWeighted(rng, kReceivers);
    p.channel = PickWeighted(rng, kDeskChannels);
    p.receiver = staff.Intake(rng, p.receiving_department);
    p.transmit_late = rng.Chance(0.15);
    return;
  }
  p.receiving_department = staff.customer_service();
  p.receiver = staff.CsAgent(rng);
  p.channel = p.family == Family::kMedia        ? "media"
              : p.family == Family::kGovernment ? "government"
                                                : PickWeighted(rng, kCsChannels);
  if (p.channel == "oem_work_order") p.external_ref = "WO-" + rng.Hex(12);
}

// Category, the responsible department, its handler, the target.
void DrawResponsibility(Rng& rng, const DrawContext& ctx, Plan& p) {
  static const Weights kStaffDepartments = {{"property", 50},
                                            {"marketing", 20},
                                            {"project", 10},
                                            {"commercial_operations", 10},
                                            {"project_engineering", 10}};
  static const Weights kOtherDepartments = {
      {"property", 40}, {"marketing", 25}, {"project", 20}, {"commercial_operations", 15}};
  if (p.family == Family::kStaff)
    p.category = "service_attitude";
  else if (p.link)
    p.category = p.link->category;
  else
    p.category = PickWeighted(rng, CategoriesFor(p.family));
  if (p.category == "service_attitude") {
    std::string dept = p.link ? p.link->department
                       : p.receiving_department != ctx.staff->customer_service()
                           ? p.receiving_department
                           : PickWeighted(rng, kStaffDepartments);
    p.target = Target{"person", ctx.staff->PickComplainedOf(rng, dept), dept};
  }
  const ledger::domain::Category* cat = ctx.policy->FindCategory(p.category);
  if (p.target && p.category == "service_attitude") {
    p.department = p.target->department;
  } else if (p.link && !p.link->department.empty()) {
    p.department = p.link->department;
  } else if (cat != nullptr && !cat->first_responsible.empty()) {
    p.department = cat->first_responsible;
  } else {
    p.department = PickWeighted(rng, kOtherDepartments);
  }
  if (cat != nullptr && !cat->cooperating.empty() && rng.Chance(0.4)) {
    for (const std::string& c : cat->cooperating)
      if (c != p.department) p.cooperating.push_back(c);
  }
  p.engineering =
      cat != nullptr && cat->closure_class == ledger::domain::ClosureClass::kEngineering;
  p.handler = ctx.staff->PickHandler(rng, p.department);
  if (!p.target && p.category == "maintenance" && rng.Chance(0.15))
    p.target = Target{"unit", ctx.project + "/" + p.complainant.unit, ""};
}

// Headcount, flags and compensation of the family.
void DrawFacts(Rng& rng, Plan& p) {
  switch (p.family) {
    case Family::kCollective:
      p.headcount = rng.Int(3, 9);
      if (rng.Chance(0.2)) p.correction = Correction::kHeadcount;  // entered as 2 at first
      break;
    case Family::kCollective10:
      p.headcount = rng.Int(10, 60);
      break;
    case Family::kMedia:
      p.headcount = rng.Chance(0.7) ? rng.Int(1, 2) : rng.Int(3, 8);
      p.intake_flags = {"media"};
      if (rng.Chance(0.3)) p.recorded_fines.push_back("media_investigation");
      break;
    case Family::kMediaThreatened:
      if (rng.Chance(0.6))
        p.intake_flags = {"media_threatened"};
      else
        p.later_flags = {"media_threatened"};
      if (rng.Chance(0.3)) p.later_flags.push_back("media");
      break;
    case Family::kLitigation:
      p.intake_flags = {"litigation_threatened"};
      p.closure_basis = "litigation_concluded";
      break;
    case Family::kGovernment:
      p.intake_flags = {"government"};
      break;
    case Family::kCompensation:
      p.compensation = Yuan(rng.Int(5, 100) * 100);
      break;
    case Family::kCompensationLarge:
      p.compensation = Yuan(rng.Int(101, 3000) * 100 + 100);
      break;
    case Family::kSafety:
      p.intake_flags = {"safety_risk"};
      if (rng.Chance(0.25)) p.later_flags = {"serious_loss"};
      break;
    case Family::kReputation:
      p.later_flags = {"reputation"};
      break;
    case Family::kStalled:
      p.closure_basis.clear();
      break;
    default:
      if (rng.Chance(0.05)) p.headcount = 2;
      break;
  }
}

void DrawHandlingChoices(Rng& rng, Plan& p) {
  const bool transmitted = !p.receiver.role.empty() && p.receiver.role == "intake";
  p.assign_late = rng.Chance(0.05);
  p.respond_late = rng.Chance(0.08);
  p.plan_late = rng.Chance(0.06);
  p.staff_decision_late = p.family == Family::kStaff && rng.Chance(0.2);
  if (rng.Chance(0.02))
    p.level_by_hand = LevelByHand::kRaise;
  else if (RuleLevelAboveGeneral(p.family) && rng.Chance(0.08))
    p.level_by_hand = LevelByHand::kBelowRule;
  p.plan_sent_back = rng.Chance(0.06);
  p.awaiting_customer = rng.Chance(0.08);
  if (rng.Chance(0.06)) p.extension = rng.Chance(0.7) ? Extension::kApproved : Extension::kRefused;
  p.progress_notes = int(rng.Weighted({30, 40, 20, 10}));
  p.evidence_at_intake = rng.Chance(0.2);
  p.evidence_in_handling = rng.Chance(0.1);
  if (rng.Chance(0.025)) {
    p.backdated = true;
    if (p.progress_notes == 0) p.progress_notes = 1;
  }
  if (rng.Chance(0.4)) p.confirm_method = "recorded_call";
  if (p.closure_basis == "customer_confirmed" && rng.Chance(0.05))
    p.closure_basis = "plan_issued_no_agreement";
  if (rng.Chance(0.12)) {
    size_t band = rng.Weighted({70, 20, 10});
    p.closure_overdue_days = band == 0   ? int(rng.Int(1, 7))
                             : band == 1 ? int(rng.Int(8, 15))
                                         : int(rng.Int(16, 20));
  }
  if (p.extension == Extension::kApproved) p.closure_overdue_days = 0;
  if (p.extension == Extension::kRefused && p.closure_overdue_days == 0)
    p.closure_overdue_days = int(rng.Int(1, 5));
  p.callback = !p.closure_basis.empty() && rng.Chance(0.85);
  if (p.correction == Correction::kNone && rng.Chance(0.012)) {
    p.correction = Correction::kResponseTime;  // the late response was made in time after all
    p.respond_late = true;
  }
  if (p.correction == Correction::kNone && p.callback && rng.Chance(0.012))
    p.correction = Correction::kCallbackScore;
  const bool closes = !p.closure_basis.empty();
  p.reopen = closes && p.family != Family::kLitigation && rng.Chance(0.03);
  p.may_have_second = closes && !p.reopen;
  if (p.closure_overdue_days > 15 && rng.Chance(0.6))
    p.recorded_fines.push_back("closure_overdue_15");
  if (transmitted && rng.Chance(0.03)) p.recorded_fines.push_back("deflection");
  if (closes && rng.Chance(0.008)) p.recorded_fines.push_back("misconduct");
  if (transmitted && p.transmit_late && Severe(p.family) && rng.Chance(0.5))
    p.recorded_fines.push_back("concealment");
  const bool late = p.transmit_late || p.assign_late || p.respond_late || p.plan_late ||
                    p.closure_overdue_days > 0;
  p.waive = closes && late && rng.Chance(0.35);  // a derived fine line to waive
}

}  // namespace

const char* FamilyName(Family f) {
  static constexpr std::array<const char*, kFamilyCount> kNames = {
      "ordinary",         "invalid",    "collective", "collective_10",    "media",
      "media_threatened", "litigation", "government", "compensation",     "compensation_large",
      "safety_risk",      "staff",      "same_issue", "second_complaint", "reputation",
      "stalled"};
  return kNames[size_t(f)];
}

Plan DrawPlan(Rng& rng, const DrawContext& ctx) {
  Plan p;
  p.family = DrawFamily(rng, ctx);
  p.project = ctx.project;
  DrawIntake(rng, ctx, p);
  p.complainant = DrawComplainant(rng);
  if (p.family == Family::kSecond) {
    p.link = ctx.second_of;
    p.link_relation = "second_complaint";
    p.complainant = p.link->complainant;
    p.project = p.link->project;
  } else if (p.family == Family::kSameIssue ||
             (p.family == Family::kCollective && ctx.same_issue && rng.Chance(0.3))) {
    p.link = ctx.same_issue;
    p.link_relation = "same_issue";
  }
  DrawResponsibility(rng, ctx, p);
  p.issue = DrawIssue(rng, p.category);
  if (p.link) {
    p.issue.subject = (p.family == Family::kSecond ? "Again: " : "") + p.link->subject;
  }
  p.handling = DrawHandling(rng, p.category);
  DrawFacts(rng, p);
  if (p.family == Family::kInvalid) {
    static const std::vector<std::string> kReasons = {
        "suggestion",           "misunderstanding",      "no_clear_demand_or_target",
        "private_transaction",  "known_before_purchase", "unreasonable_demand",
        "not_rights_holder",    "unverifiable",          "contrary_to_facts",
        "beyond_service_scope", "unlawful_demand",       "not_company_cause",
        "invalid_promise"};
    p.invalid_reason = rng.Pick(kReasons);
    p.closure_basis = "invalid_explained";
    return p;
  }
  DrawHandlingChoices(rng, p);
  return p;
}

}  // namespace demo
