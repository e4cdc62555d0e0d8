// BuildAction: each step as the action a person would send (docs/actions.md), performed
// by the role the policy requires for the complaint's level at that moment.
#include <algorithm>
#include <cstdio>

#include "ledger/domain/fines.h"
#include "ledger/domain/rules.h"
#include "tools/demo/sim.h"

namespace demo {
namespace {

namespace json = boost::json;
using ledger::Actor;
using ledger::Duration;
using ledger::Time;
using ledger::domain::ClockKind;
using ledger::domain::Level;
using K = StepKind;

json::array Strings(const std::vector<std::string>& items) {
  json::array a;
  for (const std::string& s : items) a.emplace_back(s);
  return a;
}

class Builder {
 public:
  Builder(Sim& sim, const World& w, Time at) : sim_(sim), w_(w), rng_(*w.rng), at_(at) {}

  std::optional<Planned> Build() {
    const Step& s = sim_.step();
    out_.action.type = TypeOf(s.kind);
    if (!Fill(s)) return std::nullopt;
    return std::move(out_);
  }

 private:
  static std::string TypeOf(StepKind k) {
    switch (k) {
      case K::kEvidence:
        return "attach_evidence";
      case K::kRespondInvalid:
        return "respond";
      case K::kCloseInvalid:
        return "close";
      case K::kCorrectHeadcount:
        return "correct";
      default:
        return StepName(k);
    }
  }

  json::object& f() { return out_.action.fields; }
  const Plan& plan() const { return sim_.plan; }
  const ledger::domain::ComplaintState& state() const { return sim_.state; }
  Actor Handler() const { return w_.staff->Handler(plan().handler, plan().department); }
  // The department holding the complaint now (the latest assignment).
  std::string Holder() const {
    const auto* a = state().assignment();
    return a ? a->department.str() : plan().department;
  }
  Actor ForLevel(const std::array<std::vector<std::string>, ledger::domain::kLevelCount>& roles) {
    const std::vector<std::string>& r = roles[size_t(state().level())];
    return w_.staff->ForRole(r.empty() ? "dept_head" : r.front(), Holder());
  }

  bool Fill(const Step& s) {
    switch (s.kind) {
      case K::kReceive:
        return Receive();
      case K::kEvidence:
        return Evidence(s);
      case K::kTransmit:
        return Transmit();
      case K::kAssess:
        return Assess();
      case K::kRespondInvalid:
        return RespondInvalid();
      case K::kCloseInvalid:
        return Close("invalid_explained");
      case K::kClassify:
        out_.actor = sim_.cs_agent;
        f()["category"] = plan().category;
        return true;
      case K::kSetLevel:
        return SetLevel();
      case K::kLink:
        return Link();
      case K::kAssign:
        return Assign();
      case K::kRespond:
        return Respond(s.yes);
      case K::kStaffDecision:
        return StaffDecision();
      case K::kAddFlag:
        return AddFlag(s.arg);
      case K::kCorrectHeadcount:
        return CorrectHeadcount();
      case K::kProposePlan:
        return ProposePlan();
      case K::kReviewPlan:
        return ReviewPlan(s.yes);
      case K::kPause:
      case K::kResume:
        out_.actor = Handler();
        f()["reason"] = s.arg;
        return true;
      case K::kRequestExtension:
        return RequestExtension();
      case K::kDecideExtension:
        return DecideExtension(s.yes);
      case K::kProgress:
        return Progress(s.backdated);
      case K::kResolve:
        return Resolve();
      case K::kConfirm:
        return Confirm(s.arg);
      case K::kClose:
        return Close(s.arg);
      case K::kCallback:
        return FillCallback(sim_, w_, out_);
      case K::kCorrect:
        return FillCorrection(sim_, w_, at_, s.arg, out_);
      case K::kRecordFine:
        return FillRecordedFine(sim_, w_, at_, s.arg, out_);
      case K::kWaiveFine:
        return FillWaiver(sim_, w_, at_, out_);
      case K::kReopen:
        out_.actor = sim_.cs_agent;
        f()["reason"] = "The same problem came back: " + plan().issue.subject;
        return true;
    }
    return false;
  }

  bool Receive() {
    const Plan& p = plan();
    out_.actor = p.receiver;
    f()["channel"] = p.channel;
    f()["complainant"] = json::object{{"name", p.complainant.name},
                                      {"phone", p.complainant.phone},
                                      {"unit", p.complainant.unit},
                                      {"is_owner", p.complainant.is_owner}};
    f()["project"] = p.project;
    f()["subject"] = p.issue.subject;
    f()["description"] = p.issue.description;
    f()["demands"] = p.issue.demands;
    if (p.target) {
      json::object t{{"kind", p.target->kind}, {"id", p.target->id}};
      if (!p.target->department.empty()) t["department"] = p.target->department;
      f()["target"] = std::move(t);
    }
    if (!p.compensation.empty()) f()["claimed_compensation"] = p.compensation;
    int64_t headcount = p.correction == Correction::kHeadcount ? 2 : p.headcount;
    if (headcount != 1) f()["headcount"] = headcount;
    if (!p.intake_flags.empty()) f()["flags"] = Strings(p.intake_flags);
    f()["receiving_department"] = p.receiving_department;
    if (!p.external_ref.empty()) f()["external_ref"] = p.external_ref;
    return true;
  }

  bool Evidence(const Step& s) {
    out_.actor = s.arg == "intake" ? plan().receiver : Handler();
    static const std::vector<std::string> kKinds = {"photo", "receipt", "recording", "letter"};
    const std::string& kind = rng_.Pick(kKinds);
    const bool audio = kind == "recording";
    f()["name"] = kind + "-" + rng_.Hex(6) + (audio ? ".m4a" : kind == "letter" ? ".pdf" : ".jpg");
    f()["media_type"] = audio ? "audio/mp4" : kind == "letter" ? "application/pdf" : "image/jpeg";
    f()["size"] = rng_.Int(20000, 4000000);
    f()["sha256"] = rng_.Hex(64);
    return true;
  }

  bool Transmit() {
    out_.actor = plan().receiver;
    sim_.cs_agent = w_.staff->CsAgent(rng_);
    f()["to_department"] = w_.staff->customer_service();
    f()["to_person"] = sim_.cs_agent.id;
    return true;
  }

  bool Assess() {
    out_.actor = sim_.cs_agent;
    f()["valid"] = plan().invalid_reason.empty();
    if (!plan().invalid_reason.empty()) f()["reason"] = plan().invalid_reason;
    return true;
  }

  bool RespondInvalid() {
    out_.actor = sim_.cs_agent;
    f()["channel"] = "phone";
    f()["summary"] = "Explained why the complaint is not accepted (" + plan().invalid_reason + ")";
    return true;
  }

  bool SetLevel() {
    Level current = state().level();
    Level rule = ledger::domain::EvaluateRules(state(), *w_.policy, at_).level;
    out_.actor = w_.staff->CsHead();
    Level to;
    if (plan().level_by_hand == LevelByHand::kRaise) {
      if (current == Level::kCrisis) return false;
      to = Level(int(current) + 1);
      f()["reason"] = "Escalated by hand: the department mishandled the first contact";
    } else {
      if (rule == Level::kGeneral) return false;
      to = Level(int(rule) - 1);
      if (to == current) return false;
      f()["reason"] = "Handled one level lower: the customer withdrew the threat in writing";
    }
    f()["level"] = std::string(ledger::domain::LevelName(to));
    return true;
  }

  bool Link() {
    out_.actor = sim_.cs_agent;
    f()["other"] = plan().link->id;
    f()["relation"] = plan().link_relation;
    return true;
  }

  bool Assign() {
    const Plan& p = plan();
    out_.actor = sim_.cs_agent;
    f()["department"] = p.department;
    if (!p.cooperating.empty()) f()["cooperating"] = Strings(p.cooperating);
    f()["handler"] = p.handler;
    const ledger::domain::Category* cat = w_.policy->FindCategory(p.category);
    if (cat != nullptr && cat->first_responsible != p.department)
      f()["reason"] = cat->first_responsible.empty()
                          ? "Case by case: " + p.department + " holds this matter"
                          : "Same matter as the linked complaint, held by " + p.department;
    return true;
  }

  bool Respond(bool by_customer_service) {
    static const std::vector<std::string> kChannels = {"phone", "phone", "visit", "wechat"};
    out_.actor = by_customer_service ? sim_.cs_agent : Handler();
    f()["channel"] = rng_.Pick(kChannels);
    f()["summary"] = DrawResponseSummary(rng_);
    return true;
  }

  bool StaffDecision() {
    static const std::vector<std::string> kDecisions = {
        "Verbal warning and service retraining", "Written warning",
        "Moved off the front desk for a month", "Complaint not substantiated after review"};
    out_.actor = Handler();
    f()["person"] = plan().target ? plan().target->id : "";
    f()["decision"] = rng_.Pick(kDecisions);
    return true;
  }

  bool AddFlag(const std::string& flag) {
    if (state().HasFlag(flag)) return false;
    out_.actor = sim_.cs_agent;
    f()["flag"] = flag;
    f()["detail"] = flag == "litigation"   ? "Statement of claim served by the district court"
                    : flag == "media"      ? "Posted on a local news account"
                    : flag == "reputation" ? "Trending on social media"
                                           : "Noted by customer service";
    return true;
  }

  bool CorrectHeadcount() {
    out_.actor = sim_.cs_agent;
    f()["event"] = int64_t(state().intake.position);
    f()["field"] = "headcount";
    f()["value"] = std::to_string(plan().headcount);
    f()["reason"] =
        "Headcount corrected after the site visit: " + std::to_string(plan().headcount) +
        " owners signed the letter";
    return true;
  }

  bool ProposePlan() {
    const Handling& h = plan().handling;
    out_.actor = Handler();
    f()["plan_type"] = h.plan_type;
    f()["description"] = h.plan;
    Time start = at_ + std::chrono::hours(rng_.Int(2, 48));
    f()["planned_start"] = Rfc3339(*w_.policy, start);
    f()["planned_finish"] = Rfc3339(*w_.policy, start + std::chrono::hours(rng_.Int(4, 240)));
    f()["estimated_cost"] = Yuan(rng_.Int(0, 80) * 50);
    return true;
  }

  bool ReviewPlan(bool approved) {
    out_.actor = ForLevel(w_.policy->plan_approvers);
    f()["approved"] = approved;
    f()["comment"] = approved ? "Approved" : "Sent back: give a firm date and the cost";
    return true;
  }

  bool RequestExtension() {
    std::optional<Time> due = DueOf(sim_, *w_.policy, ClockKind::kClosure, at_);
    if (!due || *due <= at_) return false;
    out_.actor = Handler();
    f()["clock"] = "closure";
    f()["until"] = Rfc3339(*w_.policy, *due + std::chrono::hours(24 * rng_.Int(3, 10)));
    f()["reason"] = "Waiting for the supplier's parts";
    return true;
  }

  bool DecideExtension(bool approved) {
    const auto& xs = state().extensions;
    auto it = std::find_if(xs.rbegin(), xs.rend(), [](const auto& x) { return !x.fact.decided; });
    if (it == xs.rend()) return false;
    out_.actor = ForLevel(w_.policy->extension_approvers);
    f()["request"] = int64_t(it->fact.requested.position);
    f()["approved"] = approved;
    f()["comment"] = approved ? "Approved" : "Refused: finish with the current team";
    return true;
  }

  bool Progress(bool backdated) {
    out_.actor = Handler();
    f()["summary"] = DrawProgressNote(rng_);
    if (!backdated) return true;
    const auto* a = state().assignment();
    Time floor = (a ? a->at.at : state().intake.at) + std::chrono::minutes(5);
    Time occurred = std::max(floor, at_ - std::chrono::hours(rng_.Int(26, 60)));
    if (at_ - occurred < std::chrono::hours(25)) return true;  // too recent to be late
    out_.action.occurred_at = occurred;
    f()["summary"] = "Entered late: " + DrawProgressNote(rng_);
    return true;
  }

  bool Resolve() {
    const Handling& h = plan().handling;
    out_.actor = Handler();
    f()["resolution"] = plan().closure_basis == "litigation_concluded"
                            ? "Judgment delivered and executed"
                            : h.resolution;
    f()["root_cause"] = h.root_cause;
    f()["corrective_action"] = h.corrective_action;
    return true;
  }

  bool Confirm(const std::string& method) {
    out_.actor = method == "property_company" ? Handler() : sim_.cs_agent;
    f()["method"] = method;
    return true;
  }

  bool Close(const std::string& basis) {
    out_.actor = sim_.cs_agent;
    f()["basis"] = basis;
    return true;
  }

  Sim& sim_;
  const World& w_;
  Rng& rng_;
  const Time at_;
  Planned out_;
};

}  // namespace

std::optional<Planned> BuildAction(Sim& sim, const World& world, Time at) {
  return Builder(sim, world, at).Build();
}

std::string Rfc3339(const ledger::domain::Policy& policy, Time t) {
  return ledger::FormatRfc3339(t, policy.calendar.utc_offset);
}

}  // namespace demo
