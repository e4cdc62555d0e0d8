// BuildSteps: a plan as the ordered steps of the complaint's life (docs/rules.md#lifecycle).
#include "tools/demo/sim.h"

namespace demo {
namespace {

using K = StepKind;

class Script {
 public:
  explicit Script(const Plan& plan) : p_(plan) {}

  std::vector<Step> Build() {
    Intake();
    if (!p_.invalid_reason.empty()) {
      Add(K::kRespondInvalid);
      Add(K::kCloseInvalid);
      return std::move(steps_);
    }
    Triage();
    Handling();
    if (p_.closure_basis.empty()) return std::move(steps_);  // stalled: left open
    Closure(p_.closure_basis);
    AfterClosure();
    if (p_.reopen) {
      Add(K::kReopen);
      Add(K::kProgress);
      Closure("customer_confirmed");
    }
    return std::move(steps_);
  }

 private:
  Step& Add(K kind, std::string arg = "", bool late = false) {
    Step s;
    s.kind = kind;
    s.arg = std::move(arg);
    s.late = late;
    steps_.push_back(std::move(s));
    return steps_.back();
  }

  void Intake() {
    Add(K::kReceive);
    if (p_.evidence_at_intake) Add(K::kEvidence, "intake");
    if (p_.receiver.role == "intake") Add(K::kTransmit, "", p_.transmit_late);
    Add(K::kAssess);
  }

  void Triage() {
    Add(K::kClassify);
    if (p_.link) Add(K::kLink);
    if (p_.level_by_hand != LevelByHand::kNone) Add(K::kSetLevel);
    // When assignment runs late, customer service acknowledges the customer first.
    if (p_.assign_late) Add(K::kRespond, "", p_.respond_late).yes = true;
    Add(K::kAssign, "", p_.assign_late);
    if (!p_.assign_late) Add(K::kRespond, "", p_.respond_late).yes = false;
    if (p_.category == "service_attitude" || (p_.target && p_.target->kind == "person"))
      Add(K::kStaffDecision, "", p_.staff_decision_late);
    if (p_.correction == Correction::kHeadcount) Add(K::kCorrectHeadcount);
    for (const std::string& flag : p_.later_flags) Add(K::kAddFlag, flag);
  }

  void Handling() {
    Add(K::kProposePlan, "", p_.plan_late);
    if (p_.plan_sent_back) {
      Add(K::kReviewPlan).yes = false;
      Add(K::kProposePlan);
    }
    Add(K::kReviewPlan).yes = true;
    if (p_.family == Family::kLitigation) {
      Add(K::kAddFlag, "litigation");
      Add(K::kPause, "litigation");
      Add(K::kResume, "litigation");
    }
    if (p_.awaiting_customer) {
      Add(K::kPause, "awaiting_customer");
      Add(K::kResume, "awaiting_customer");
    }
    if (p_.extension != Extension::kNone) {
      Add(K::kRequestExtension);
      Add(K::kDecideExtension).yes = p_.extension == Extension::kApproved;
    }
    for (int i = 0; i < p_.progress_notes; ++i)
      Add(K::kProgress).backdated = p_.backdated && i == 0;
    if (p_.evidence_in_handling) Add(K::kEvidence, "handling");
  }

  void Closure(const std::string& basis) {
    if (basis == "customer_confirmed" || basis == "litigation_concluded") Add(K::kResolve);
    if (basis == "customer_confirmed") {
      Add(K::kConfirm, p_.confirm_method);
      if (p_.engineering) Add(K::kConfirm, "property_company");
    }
    Add(K::kClose, basis);
  }

  void AfterClosure() {
    if (p_.correction == Correction::kResponseTime) Add(K::kCorrect, "response_time");
    if (p_.callback) Add(K::kCallback);
    if (p_.correction == Correction::kCallbackScore) Add(K::kCorrect, "callback_score");
    for (const std::string& rule : p_.recorded_fines) Add(K::kRecordFine, rule);
    if (p_.waive) Add(K::kWaiveFine);
  }

  const Plan& p_;
  std::vector<Step> steps_;
};

}  // namespace

std::vector<Step> BuildSteps(const Plan& plan) { return Script(plan).Build(); }

const char* StepName(StepKind kind) {
  switch (kind) {
    case K::kReceive:
      return "receive";
    case K::kEvidence:
      return "evidence";
    case K::kTransmit:
      return "transmit";
    case K::kAssess:
      return "assess_validity";
    case K::kRespondInvalid:
      return "respond_invalid";
    case K::kCloseInvalid:
      return "close_invalid";
    case K::kClassify:
      return "classify";
    case K::kSetLevel:
      return "set_level";
    case K::kLink:
      return "link";
    case K::kAssign:
      return "assign";
    case K::kRespond:
      return "respond";
    case K::kStaffDecision:
      return "record_staff_decision";
    case K::kAddFlag:
      return "add_flag";
    case K::kCorrectHeadcount:
      return "correct_headcount";
    case K::kProposePlan:
      return "propose_plan";
    case K::kReviewPlan:
      return "review_plan";
    case K::kPause:
      return "pause_clock";
    case K::kResume:
      return "resume_clock";
    case K::kRequestExtension:
      return "request_extension";
    case K::kDecideExtension:
      return "decide_extension";
    case K::kProgress:
      return "record_progress";
    case K::kResolve:
      return "resolve";
    case K::kConfirm:
      return "confirm";
    case K::kClose:
      return "close";
    case K::kCallback:
      return "record_callback";
    case K::kCorrect:
      return "correct";
    case K::kRecordFine:
      return "record_fine";
    case K::kWaiveFine:
      return "waive_fine";
    case K::kReopen:
      return "reopen";
  }
  return "?";
}

}  // namespace demo
