// The property test of the write path: random sequences of actions — plausible next steps and
// deliberately wrong ones (wrong stage, wrong role, bad fields, future or early times, stale
// versions, unknown complaints) — through the real api::CommandService on a real EventLog, with
// the default policy published and a manual clock moving forward. After every step:
//   - a refused action appended nothing: the log head and every stream version are unchanged;
//   - an accepted one appended exactly its events, and the state folded from the log equals the
//     state before it evolved with exactly the events appended (every change is explained by an
//     event), and folding the stream from scratch gives the same state;
//   - escalations appended to other complaints are LevelEscalated by "system", caused by it;
//   - every stored event decodes and its type matches its payload;
//   - the folded state keeps the domain's own invariants (stage order, closure bases).
// At the end EventLog::Verify passes over the whole log.
//
// The seed is printed; LEDGER_PROPERTY_SEED=<n> replays one run, LEDGER_PROPERTY_STEPS=<n>
// changes its length.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>

#include "api/services/command_service.h"
#include "ledger/base/clock.h"
#include "ledger/domain/event_view.h"
#include "ledger/domain/evolve.h"
#include "ledger/domain/fines.h"
#include "ledger/domain/policy_store.h"
#include "ledger/domain/rules.h"
#include "ledger/log/event_log.h"
#include "testing/temp_dir.h"

namespace ledger::domain {
namespace {

namespace json = boost::json;
using std::chrono::hours;
using std::chrono::minutes;

Actor IntakeActor() { return {"u-intake-1", "intake", "property"}; }
Actor Cs() { return {"u-cs-1", "cs_agent", "customer_service"}; }
Actor CsHeadActor() { return {"u-head-customer-service", "cs_head", "customer_service"}; }
Actor HandlerOf(const std::string& dept) { return {"u-handler-1", "handler", dept}; }
Actor HeadOf(const std::string& dept) { return {"u-head-" + dept, "dept_head", dept}; }
Actor DeputyGmActor() { return {"u-deputy-gm", "deputy_gm", ""}; }
Actor GmActor() { return {"u-gm", "gm", ""}; }
Actor Auditor() { return {"u-auditor", "auditor", ""}; }

const std::vector<std::string> kCategories = {
    "sales_contract",       "certificates", "delayed_delivery", "planning_design",
    "community_facilities", "leasing",      "property_service", "maintenance",
    "service_attitude",     "other"};
const std::vector<std::string> kFlags = {
    "safety_risk", "serious_loss",          "media",      "media_threatened",
    "litigation",  "litigation_threatened", "government", "reputation"};
const std::vector<std::string> kDepartments = {
    "customer_service", "marketing", "project", "project_engineering",
    "property",         "design",    "legal"};

// One step of a run: an action for a complaint by an actor.
struct Step {
  json::object action;
  Actor actor;
  std::string complaint;  // empty for receive / rate_department
  std::string why;        // "plausible", "wrong role", ... for failure messages
};

// The real write path: an EventLog in a temporary directory, the default policy published as
// version 1, a command service, and a manual clock starting Monday 2026-03-02 09:00 (+08:00).
struct WritePath {
  void Open() {
    Options options;
    options.clock = &clock_;
    // Not synced per append: what is appended is the same, only when it is durable differs (the
    // crash tests cover durability), and a thousand fsyncs would make the test slow.
    options.durability = Durability::kBulk;
    auto opened = EventLog::Open(dir_.path(), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    log_ = std::move(opened).value();
    policies_ = std::make_unique<PolicyStore>(log_.get());
    ASSERT_TRUE(policies_->Load().ok());
    auto v = policies_->Publish(std::string(DefaultPolicyText()), {"u-admin", "admin", ""});
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    policy_ = policies_->current();
    service_ = std::make_unique<api::CommandService>(log_.get(), policies_.get(), &clock_);
    ASSERT_TRUE(service_->Start().ok());
  }

  Result<api::ActionOutcome> Execute(const std::string& json, const Actor& actor,
                                     const std::string& complaint = "") {
    Result<Action> action = ParseActionText(json);
    if (!action.ok()) return action.status();
    return service_->Execute(*action, actor, complaint);
  }

  testing_util::TempDir dir_;
  ManualClock clock_{*ParseRfc3339("2026-03-02T09:00:00+08:00")};
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<PolicyStore> policies_;
  std::shared_ptr<const Policy> policy_;
  std::unique_ptr<api::CommandService> service_;
};

class RandomRun : private WritePath {
 public:
  explicit RandomRun(uint32_t seed) : rng_(seed) {}

  void SetUp() { Open(); }

  void Go(int steps) {
    for (int i = 0; i < steps && !::testing::Test::HasFatalFailure(); ++i) {
      Advance();
      Step s = Next();
      SCOPED_TRACE("step " + std::to_string(i) + " (" + s.why + "): " + json::serialize(s.action) +
                   " by " + s.actor.role + " on " + s.complaint);
      Execute(s);
      if (::testing::Test::HasFailure()) return;  // one failure is enough to replay the seed
    }
  }

  void Finish() {
    Result<VerifyReport> report = log_->Verify();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->ok) << report->first_bad_position << ": " << report->problem;
    EXPECT_EQ(report->checked, log_->GetHead().position);
    size_t complaint_events = 0;
    Status all = log_->ForEach(1, 0, [&](const RecordedEvent& e) {
      Result<EventView> view = ViewOf(e);
      if (!view.ok()) return view.status();
      if (EventTypeName(view->event.which()) != e.type())
        return Status::DataLoss("type mismatch at " + std::to_string(e.position()));
      complaint_events += e.stream().substr(0, 4) == "CMP-";
      return Status::Ok();
    });
    EXPECT_TRUE(all.ok()) << all.ToString();
    size_t folded = 0;
    for (const auto& [id, state] : model_) folded += state.version;
    EXPECT_EQ(complaint_events, folded);
  }

  // What the run did, so that a degenerate generator fails the test.
  std::map<std::string, int> accepted_types, refusals;
  int accepted = 0, refused = 0;
  int cross_escalations = 0;  // LevelEscalated appended to other complaints by "system"

 private:
  // --- Time and randomness ---

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[size_t(Uniform(0, int(v.size()) - 1))];
  }

  void Advance() {
    int r = Uniform(0, 99);
    if (r < 70)
      clock_.Advance(minutes(Uniform(1, 40)));
    else if (r < 95)
      clock_.Advance(hours(Uniform(1, 8)));
    else
      clock_.Advance(hours(24 * Uniform(1, 4)));
  }

  std::string Rfc(Time t) const { return FormatRfc3339(t, policy_->calendar.utc_offset); }

  // --- The generator ---

  Step Next() {
    if (model_.empty() || (model_.size() < 8 && Chance(0.08))) return Receive();
    if (Chance(0.02)) return RateDepartment();
    auto it = model_.begin();
    std::advance(it, Uniform(0, int(model_.size()) - 1));
    const ComplaintState& s = it->second;
    Step step = Chance(0.6) ? MainPath(s) : SideAction(s);
    step.complaint = s.id;
    if (Chance(0.2)) Spoil(step, s);
    return step;
  }

  Step Receive() {
    json::object a{
        {"type", "receive"},
        {"channel", Pick(std::vector<std::string>{"hotline", "wechat", "visit", "email"})},
        {"project", Pick(std::vector<std::string>{"p-lakeside", "p-riverside", "p-central"})},
        {"subject", "leak"},
        {"description", "water leaking"}};
    int who = Uniform(0, 4);
    a["complainant"] = json::object{{"name", "owner " + std::to_string(who)},
                                    {"phone", "1380000000" + std::to_string(who)},
                                    {"is_owner", Chance(0.8)}};
    bool by_cs = Chance(0.6);
    a["receiving_department"] = by_cs ? "customer_service" : "property";
    if (Chance(0.3)) a["headcount"] = Pick(std::vector<int>{1, 2, 3, 5, 12});
    if (Chance(0.2))
      a["claimed_compensation"] = Pick(std::vector<std::string>{"500.00", "10000.00", "20000.50"});
    if (Chance(0.2)) a["flags"] = json::array{json::value(Pick(kFlags))};
    if (Chance(0.5))  // mostly the same person: a third complaint escalates the others
      a["target"] = json::object{{"kind", "person"},
                                 {"id", Chance(0.8) ? "u-staff-1" : "u-staff-2"},
                                 {"department", "property"}};
    if (Chance(0.15)) a["external_ref"] = "WO-" + std::to_string(Uniform(1, 4));
    Actor actor = by_cs ? Cs() : IntakeActor();
    if (a.contains("flags") && a["flags"].as_array()[0].as_string() == "reputation") actor = Cs();
    Step s{std::move(a), actor, "", "receive"};
    if (Chance(0.15)) SpoilReceive(s);
    return s;
  }

  void SpoilReceive(Step& s) {
    s.why = "bad receive";
    switch (Uniform(0, 5)) {
      case 0:
        s.action["headcount"] = 0;
        break;
      case 1:
        s.action["claimed_compensation"] = "12.345";
        break;
      case 2:
        s.action["occurred_at"] = Rfc(clock_.Now() + minutes(10));
        break;
      case 3:
        s.action["project"] = "p-moon";
        break;
      case 4:
        s.action["colour"] = "red";
        break;
      default:
        s.actor = HandlerOf("property");
        break;
    }
  }

  Step RateDepartment() {
    json::object a{{"type", "rate_department"},
                   {"department", Pick(kDepartments)},
                   {"month", "2026-03"},
                   {"score", Uniform(80, 105)}};
    return {std::move(a), Cs(), "", "rate"};
  }

  static std::string AssignedDept(const ComplaintState& s) {
    return s.assignments.empty() ? "property" : s.assignments.back().department;
  }

  std::string FirstResponsible(const ComplaintState& s) const {
    std::string d = s.responsible_department(*policy_);
    return d.empty() ? "property" : d;
  }

  Actor PlanApprover(const ComplaintState& s) const {
    const std::string& role = policy_->plan_approvers[size_t(s.level())].front();
    if (role == "dept_head") return HeadOf(AssignedDept(s));
    if (role == "cs_head") return CsHeadActor();
    if (role == "deputy_gm") return DeputyGmActor();
    return GmActor();
  }

  Actor ExtensionApprover(const ComplaintState& s) const {
    const std::string& role = policy_->extension_approvers[size_t(s.level())].front();
    if (role == "dept_head") return HeadOf(AssignedDept(s));
    if (role == "deputy_gm") return DeputyGmActor();
    return GmActor();
  }

  bool Engineering(const ComplaintState& s) const {
    const Category* c = policy_->FindCategory(s.category);
    return c && c->closure_class == ClosureClass::kEngineering;
  }

  static bool Confirmed(const CycleRecord& c, const std::string& method) {
    for (const auto& [m, at] : c.confirmations)
      if (m == method) return true;
    return false;
  }

  // The next action of the usual lifecycle for this complaint.
  Step MainPath(const ComplaintState& s) {
    const std::string cs = policy_->organisation.customer_service;
    const std::string dept = AssignedDept(s);
    if (s.closed()) {
      if (!s.callback && Chance(0.6)) {
        int low = Uniform(0, 10);
        json::object a{{"type", "record_callback"},
                       {"acknowledged", true},
                       {"contacted", Chance(0.5)},
                       {"timeliness", low},
                       {"plan", 8},
                       {"attitude", 9}};
        if (low < 6) a["reasons"] = "slow";
        return {std::move(a), Cs(), "", "plausible"};
      }
      return {{{"type", "reopen"}, {"reason", "it leaks again"}}, Cs(), "", "plausible"};
    }
    // Not yet with customer service: transmit (now and then elsewhere), or sometimes try to go
    // on regardless (assessing it then must be refused).
    if (s.receiving_department != cs && s.transmitted_to_department != cs && Chance(0.75))
      return {{{"type", "transmit"},
               {"to_department", Chance(0.75) ? cs : "marketing"},
               {"to_person", "u-cs-1"}},
              IntakeActor(),
              "",
              "plausible"};
    if (!s.assessed) {
      if (Chance(0.85))
        return {{{"type", "assess_validity"}, {"valid", true}}, Cs(), "", "plausible"};
      return {{{"type", "assess_validity"}, {"valid", false}, {"reason", "misunderstanding"}},
              Cs(),
              "",
              "plausible"};
    }
    if (!*s.valid) {
      if (!s.first_response)
        return {{{"type", "respond"}, {"channel", "phone"}, {"summary", "explained"}},
                Cs(),
                "",
                "plausible"};
      return {{{"type", "close"}, {"basis", "invalid_explained"}}, Cs(), "", "plausible"};
    }
    if (!s.classified)
      return {{{"type", "classify"}, {"category", Pick(kCategories)}}, Cs(), "", "plausible"};
    if (s.assignments.empty())
      return {{{"type", "assign"}, {"department", FirstResponsible(s)}, {"handler", "u-handler-1"}},
              Cs(),
              "",
              "plausible"};
    if (!s.first_response)
      return {{{"type", "respond"}, {"channel", "phone"}, {"summary", "on our way"}},
              HandlerOf(dept),
              "",
              "plausible"};
    const CycleRecord& cycle = s.cycles.back();
    const PlanRecord* plan = s.latest_plan();
    if (!cycle.resolved && (!plan || (plan->reviewed && !plan->approved)))
      return {{{"type", "propose_plan"},
               {"plan_type", "repair"},
               {"description", "fix"},
               {"estimated_cost", "120.00"}},
              HandlerOf(dept),
              "",
              "plausible"};
    if (plan && !plan->reviewed) {
      bool approve = Chance(0.8);
      json::object a{{"type", "review_plan"}, {"approved", approve}};
      if (!approve) a["comment"] = "more detail";
      return {std::move(a), PlanApprover(s), "", "plausible"};
    }
    if (!cycle.resolved)
      return {{{"type", "resolve"},
               {"resolution", "fixed"},
               {"root_cause", "product_quality"},
               {"corrective_action", "inspect"}},
              HandlerOf(dept),
              "",
              "plausible"};
    if (!Confirmed(cycle, "written") && !Confirmed(cycle, "recorded_call"))
      return {{{"type", "confirm"}, {"method", Chance(0.5) ? "written" : "recorded_call"}},
              Cs(),
              "",
              "plausible"};
    if (Engineering(s) && !Confirmed(cycle, "property_company"))
      return {{{"type", "confirm"}, {"method", "property_company"}}, Cs(), "", "plausible"};
    return {{{"type", "close"},
             {"basis", Chance(0.9) ? "customer_confirmed" : "plan_issued_no_agreement"}},
            Cs(),
            "",
            "plausible"};
  }

  // Something off the main path: flags, pauses, extensions, links, fines, corrections...
  Step SideAction(const ComplaintState& s) {
    const std::string dept = AssignedDept(s);
    switch (Uniform(0, 16)) {
      case 0:
        return {{{"type", "add_flag"}, {"flag", Pick(kFlags)}, {"detail", "reported"}},
                Cs(),
                "",
                "side"};
      case 1:
      case 14:
        if (s.paused())
          return {{{"type", "resume_clock"}, {"reason", s.pauses.back().reason}}, Cs(), "", "side"};
        return {
            {{"type", "pause_clock"}, {"reason", Chance(0.5) ? "awaiting_customer" : "litigation"}},
            Cs(),
            "",
            "side"};
      case 2:
      case 15: {
        Time until = clock_.Now() + hours(24 * Uniform(1, 30));
        return {{{"type", "request_extension"},
                 {"clock", Pick(std::vector<std::string>{"closure", "closure", "closure", "plan",
                                                         "response"})},
                 {"until", Rfc(until)},
                 {"reason", "waiting for parts"}},
                HandlerOf(dept),
                "",
                "side"};
      }
      case 3: {
        for (const ExtensionRecord& x : s.extensions) {
          if (x.fact.decided) continue;
          bool approve = Chance(0.7);
          json::object a{{"type", "decide_extension"},
                         {"request", x.fact.requested.position},
                         {"approved", approve}};
          if (!approve) a["comment"] = "no";
          return {std::move(a), ExtensionApprover(s), "", "side"};
        }
        return {{{"type", "record_progress"}, {"summary", "working on it"}},
                HandlerOf(dept),
                "",
                "side"};
      }
      case 4: {
        std::vector<std::string> others;
        for (const auto& [id, st] : model_)
          if (id != s.id) others.push_back(id);
        std::string other = others.empty() || Chance(0.1) ? "CMP-2026-999999" : Pick(others);
        return {{{"type", "link"},
                 {"other", other},
                 {"relation", Chance(0.6) ? "same_issue" : "second_complaint"}},
                Cs(),
                "",
                "side"};
      }
      case 5:
        return {
            {{"type", "set_level"},
             {"level", LevelName(Pick(std::vector<Level>(kAllLevels.begin(), kAllLevels.end())))},
             {"reason", "customer service decided"}},
            Cs(),
            "",
            "side"};
      case 6:
        return {
            {{"type", "record_staff_decision"}, {"person", "u-staff-1"}, {"decision", "warning"}},
            HandlerOf(dept),
            "",
            "side"};
      case 7:
        return {{{"type", "attach_evidence"},
                 {"name", "photo.jpg"},
                 {"media_type", "image/jpeg"},
                 {"size", 1024},
                 {"sha256", std::string(64, 'a')}},
                Chance(0.5) ? Cs() : IntakeActor(),
                "",
                "side"};
      case 8: {
        bool overdue = Chance(0.5);
        json::object a{{"type", "record_fine"},
                       {"rule", overdue ? "closure_overdue_15" : "misconduct"},
                       {"people", json::array{"u-handler-1"}},
                       {"departments", json::array{json::value(dept)}},
                       {"reason", "as found"}};
        if (overdue) a["amount"] = "800.00";
        return {std::move(a), Pick(std::vector<Actor>{CsHeadActor(), DeputyGmActor(), GmActor()}),
                "", "side"};
      }
      case 9: {
        std::vector<ClockResult> clocks =
            EvaluateClocks(ClockFactsOf(s, *policy_), *policy_, clock_.Now());
        std::vector<FineLine> lines = FineLines(s, *policy_, clocks, clock_.Now());
        std::string line = lines.empty() || Chance(0.1) ? s.id + ":no_such_line" : Pick(lines).id;
        return {{{"type", "waive_fine"}, {"fine", line}, {"reason", "exceptional"}},
                Chance(0.5) ? DeputyGmActor() : GmActor(),
                "",
                "side"};
      }
      case 10:
      case 11:
      case 12:
        return Correction(s);
      case 13:
        return {{{"type", "record_progress"}, {"summary", "working on it"}},
                HandlerOf(dept),
                "",
                "side"};
      default:
        return {
            {{"type", "respond"}, {"channel", "wechat"}, {"summary", "update"}}, Cs(), "", "side"};
    }
  }

  Step Correction(const ComplaintState& s) {
    Result<std::vector<RecordedEvent>> events = log_->ReadStreamForward(s.id, 1, 100000);
    EXPECT_TRUE(events.ok());
    const RecordedEvent& e = Chance(0.5) ? events->front() : Pick(*events);  // often the intake
    json::object a{{"type", "correct"}, {"event", e.position()}, {"reason", "entered wrongly"}};
    Time intake = s.intake.at;
    Time now = clock_.Now();
    if (e.type() == "ComplaintReceived" && Chance(0.6)) {
      switch (Uniform(0, 3)) {
        case 0:
          a["field"] = "headcount";
          a["value"] = std::to_string(Pick(std::vector<int>{1, 2, 4, 11}));
          break;
        case 1:
          a["field"] = "claimed_compensation";
          a["value"] = Pick(std::vector<std::string>{"0.00", "900.00", "12000.00"});
          break;
        case 2:
          a["field"] = Chance(0.7) ? "receiving_department" : "target.department";
          a["value"] = Chance(0.7) ? Pick(kDepartments) : "kitchen";  // not in the policy
          break;
        default:
          a["field"] = "occurred_at";
          a["value"] = Rfc(intake - minutes(Uniform(0, 600)));
          break;
      }
    } else {
      a["field"] = "occurred_at";
      Duration span = now - intake;
      a["value"] =
          Rfc(intake + Duration(std::uniform_int_distribution<int64_t>(0, span.count())(rng_)));
    }
    return {std::move(a), Cs(), "", "correct"};
  }

  // Makes a step wrong in one way.
  void Spoil(Step& s, const ComplaintState& st) {
    switch (Uniform(0, 7)) {
      case 0:
        s.why = "wrong role";
        s.actor = Pick(std::vector<Actor>{IntakeActor(), Cs(), HandlerOf("marketing"),
                                          HeadOf("design"), DeputyGmActor(), Auditor()});
        break;
      case 1:
        s.why = "future";
        s.action["occurred_at"] = Rfc(clock_.Now() + minutes(Uniform(6, 600)));
        break;
      case 2:
        s.why = "before intake";
        s.action["occurred_at"] = Rfc(st.intake.at - minutes(Uniform(1, 600)));
        break;
      case 3:
        s.why = "unknown field";
        s.action["urgency"] = "high";
        break;
      case 4:
        s.why = "unknown complaint";
        s.complaint = "CMP-2026-888888";
        break;
      case 5:
        s.why = "stale version";
        s.action["expected_version"] = st.version > 1 ? st.version - 1 : st.version + 1;
        break;
      case 6:
        s.why = "bad value";
        for (auto& kv : s.action) {
          if (kv.key() == "type") continue;
          kv.value() = kv.value().is_string() ? json::value(12) : json::value("12.345");
          break;
        }
        break;
      default:
        s.why = "backdated (valid)";
        s.action["occurred_at"] =
            Rfc(std::max(st.intake.at, clock_.Now() - minutes(Uniform(0, 90))));
        s.action["idempotency_key"] = "k-" + std::to_string(Uniform(1, 40));
        break;
    }
  }

  // --- Execution and the invariants ---

  uint64_t VersionOf(const std::string& stream) {
    Result<uint64_t> v = log_->StreamVersion(stream);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : 0;
  }

  void Execute(const Step& step) {
    // As a client sends it: JSON text (numbers read back as int64, as from the wire).
    Result<Action> action = ParseActionText(json::serialize(step.action));
    if (!action.ok()) {
      ++refused;
      ++refusals["parse:" + std::string(CodeName(action.status().code()))];
      return;
    }
    const Head before = log_->GetHead();
    const uint64_t ratings = VersionOf("ratings");
    Result<api::ActionOutcome> outcome = service_->Execute(*action, step.actor, step.complaint);
    if (!outcome.ok()) {
      ++refused;
      ++refusals[std::string(CodeName(outcome.status().code()))];
      ExpectRefusal(outcome.status(), before, ratings);
      return;
    }
    const uint64_t appended = log_->GetHead().position - before.position;
    if (outcome->deduplicated || outcome->existing) {
      EXPECT_EQ(appended, 0u) << "a deduplicated or existing result appends nothing";
      ++refusals[outcome->existing ? "existing" : "deduplicated"];
      return;
    }
    ++accepted;
    ASSERT_FALSE(outcome->events.empty());
    for (const RecordedEvent& e : outcome->events) {
      ++accepted_types[std::string(e.type())];
      EXPECT_EQ(e.stream(), outcome->id);
    }
    if (outcome->id == "ratings") {
      EXPECT_EQ(VersionOf("ratings"), ratings + outcome->events.size());
      EXPECT_EQ(appended, outcome->events.size());
      return;
    }
    if (!model_.count(outcome->id)) model_[outcome->id].id = outcome->id;
    // Every stream that moved: the action's, and any that got an escalation because of it.
    uint64_t explained = 0;
    for (auto& [id, state] : model_) {
      Result<std::vector<RecordedEvent>> fresh =
          log_->ReadStreamForward(id, state.version + 1, 100000);
      ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
      if (fresh->empty()) continue;
      explained += fresh->size();
      if (id == outcome->id) {
        ASSERT_EQ(fresh->size(), outcome->events.size()) << id;
        for (size_t i = 0; i < fresh->size(); ++i)
          EXPECT_EQ((*fresh)[i].position(), outcome->events[i].position()) << id;
      } else {
        const std::string causation = "pos:" + std::to_string(outcome->events.front().position());
        cross_escalations += int(fresh->size());
        for (const RecordedEvent& e : *fresh) {
          EXPECT_EQ(e.type(), "LevelEscalated") << id;
          EXPECT_EQ(e.actor().id, "system") << id;
          EXPECT_EQ(std::string(e.envelope().getCausationId().cStr()), causation) << id;
        }
      }
      ExpectExplained(id, state, *fresh);
    }
    EXPECT_EQ(explained, appended) << "events appended to streams the model does not know";
  }

  void ExpectRefusal(const Status& status, const Head& before, uint64_t ratings) {
    const Code code = status.code();
    EXPECT_TRUE(code == Code::kInvalidArgument || code == Code::kFailedPrecondition ||
                code == Code::kPermissionDenied || code == Code::kNotFound ||
                code == Code::kAborted)
        << status.ToString();
    if (code == Code::kInvalidArgument || code == Code::kFailedPrecondition ||
        code == Code::kPermissionDenied) {
      EXPECT_FALSE(status.errors().empty())
          << "a refusal names its field and rule: " << status.ToString();
      for (const FieldError& e : status.errors()) {
        EXPECT_FALSE(e.field.empty()) << status.ToString();
        EXPECT_FALSE(e.rule.empty()) << status.ToString();
      }
    }
    EXPECT_EQ(log_->GetHead().position, before.position) << "refused, yet the log moved";
    EXPECT_EQ(log_->GetHead().hash, before.hash);
    EXPECT_EQ(VersionOf("ratings"), ratings);
    for (const auto& [id, state] : model_)
      EXPECT_EQ(VersionOf(id), state.version) << "refused, yet " << id << " moved";
  }

  // `state` evolved with exactly `fresh` equals the stream folded from scratch.
  void ExpectExplained(const std::string& id, ComplaintState& state,
                       const std::vector<RecordedEvent>& fresh) {
    for (const RecordedEvent& e : fresh) {
      Result<EventView> view = ViewOf(e);
      ASSERT_TRUE(view.ok()) << view.status().ToString();
      EXPECT_EQ(EventTypeName(view->event.which()), e.type());
      Evolve(state, *view);
    }
    Result<std::vector<RecordedEvent>> all = log_->ReadStreamForward(id, 1, 100000);
    ASSERT_TRUE(all.ok());
    Result<ComplaintState> folded = Fold(id, *all);
    ASSERT_TRUE(folded.ok()) << folded.status().ToString();
    EXPECT_TRUE(*folded == state) << id << ": the folded state differs from the evolved one";
    Result<ComplaintState> loaded = service_->LoadState(id);
    ASSERT_TRUE(loaded.ok());
    EXPECT_TRUE(*loaded == state) << id;
    EXPECT_EQ(state.version, all->size());
    EXPECT_EQ(state.last_position, all->back().position());
    ExpectDomainInvariants(state);
  }

  // What no sequence of accepted actions may produce.
  void ExpectDomainInvariants(const ComplaintState& s) {
    const std::string cs = policy_->organisation.customer_service;
    ASSERT_FALSE(s.levels.empty());
    ASSERT_FALSE(s.cycles.empty());
    EXPECT_GE(s.headcount, 1);
    const Organisation& org = policy_->organisation;
    EXPECT_NE(org.FindDepartment(s.receiving_department), nullptr)
        << s.id << ": " << s.receiving_department;
    if (s.target && !s.target->department.empty()) {
      EXPECT_NE(org.FindDepartment(s.target->department), nullptr)
          << s.id << ": " << s.target->department;
    }
    // (Unless a correction says another department received it after all.)
    bool receiver_corrected =
        std::any_of(s.corrections.begin(), s.corrections.end(),
                    [](const CorrectionRecord& c) { return c.field == "receiving_department"; });
    if (s.assessed && s.receiving_department != cs && s.assignments.empty() &&
        !receiver_corrected) {
      EXPECT_EQ(s.transmitted_to_department, cs)
          << s.id << ": assessed without reaching customer service";
    }
    if (!s.assignments.empty()) {
      EXPECT_TRUE(s.classified.has_value()) << s.id;
      EXPECT_TRUE(s.valid.value_or(false)) << s.id;
    }
    if (!s.plans.empty()) {
      EXPECT_FALSE(s.assignments.empty()) << s.id;
    }
    for (const CycleRecord& c : s.cycles) {
      if (c.resolved) {
        EXPECT_TRUE(s.has_approved_plan()) << s.id;
      }
      if (!c.clock.closed) continue;
      if (c.basis == "invalid_explained") {
        EXPECT_FALSE(s.valid.value_or(true)) << s.id;
      } else {
        EXPECT_TRUE(s.valid.value_or(false)) << s.id << ": closed as " << c.basis;
      }
      if (c.basis == "customer_confirmed") {
        EXPECT_TRUE(c.resolved.has_value()) << s.id;
        EXPECT_TRUE(Confirmed(c, "written") || Confirmed(c, "recorded_call")) << s.id;
      }
    }
    if (s.callback) {
      EXPECT_TRUE(s.cycles.front().clock.closed.has_value()) << s.id;
    }
    for (size_t i = 0; i + 1 < s.cycles.size(); ++i) {
      EXPECT_TRUE(s.cycles[i].clock.closed.has_value())
          << s.id << ": a reopened cycle was never closed";
    }
    if (s.staff_decision) {
      EXPECT_TRUE(s.about_staff()) << s.id;
    }
    // Nothing happens to a complaint before it is received (corrections included).
    std::vector<std::optional<Stamp>> stamps = {s.transmitted, s.assessed, s.classified,
                                                s.first_response, s.staff_decision};
    for (const AssignmentRecord& a : s.assignments) stamps.push_back(a.at);
    for (const PlanRecord& p : s.plans) stamps.push_back(p.proposed);
    for (const CycleRecord& c : s.cycles) {
      stamps.push_back(c.resolved);
      stamps.push_back(c.clock.closed);
    }
    for (const std::optional<Stamp>& st : stamps) {
      if (st) {
        EXPECT_GE(st->at, s.intake.at)
            << s.id << ": event " << st->position << " before the intake";
      }
    }
  }

  std::mt19937 rng_;
  std::map<std::string, ComplaintState> model_;  // id -> the state explained by its events so far
};

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

TEST(DomainProperty, RandomActionsAreExplainedByTheirEventsAndRefusalsAppendNothing) {
  std::vector<uint32_t> seeds = {20260302u, 7u, 8u, 15u};
  if (const char* s = std::getenv("LEDGER_PROPERTY_SEED"); s && *s)
    seeds = {uint32_t(std::strtoul(s, nullptr, 10))};
  const int steps = EnvInt("LEDGER_PROPERTY_STEPS", 1000);
  for (uint32_t seed : seeds) {
    std::cout << "[ seed     ] LEDGER_PROPERTY_SEED=" << seed << " LEDGER_PROPERTY_STEPS=" << steps
              << "\n";
    SCOPED_TRACE("LEDGER_PROPERTY_SEED=" + std::to_string(seed));
    RandomRun run(seed);
    run.SetUp();
    ASSERT_FALSE(HasFatalFailure());
    run.Go(steps);
    run.Finish();
    if (HasFailure()) return;
    std::cout << "[ seed     ] " << run.accepted << " accepted, " << run.refused << " refused:";
    for (const auto& [code, n] : run.refusals) std::cout << " " << code << "=" << n;
    std::cout << "; " << run.cross_escalations << " cross-complaint escalations; "
              << run.accepted_types.size() << " event types; never:";
    for (int w = 0; w <= int(schema::DomainEvent::SIGNING_KEY_CHANGED); ++w) {
      std::string_view type = EventTypeName(schema::DomainEvent::Which(w));
      if (!run.accepted_types.count(std::string(type))) std::cout << " " << type;
    }
    std::cout << "\n";
    // A generator that stopped exploring would pass vacuously.
    EXPECT_GE(run.accepted, steps / 4);
    EXPECT_GE(run.refused, steps / 10);
    EXPECT_GE(run.accepted_types.size(), 18u);
    for (const char* code :
         {"invalid_argument", "failed_precondition", "permission_denied", "not_found"})
      EXPECT_GT(run.refusals[code], 0) << code;
  }
}

// The service reads the event a correction names as the decider does: any whole JSON number.
TEST(DomainProperty, ACorrectionNamesItsEventWithAnyWholeNumber) {
  WritePath w;
  w.Open();
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  auto received = w.Execute(R"({"type":"receive","channel":"hotline","complainant":{"name":"Li"},
      "project":"p-lakeside","subject":"s","description":"d","receiving_department":"customer_service"})",
                            Cs());
  ASSERT_TRUE(received.ok()) << received.status().ToString();
  const std::string id = received->id;
  const std::string position = std::to_string(received->position);
  for (const std::string& number : {position, position + ".0", position + "e0"}) {
    auto r =
        w.Execute(R"({"type":"correct","event":)" + number +
                      R"(,"field":"subject","value":"leak )" + number + R"(","reason":"typo"})",
                  Cs(), id);
    EXPECT_TRUE(r.ok()) << number << ": " << r.status().ToString();
  }
  auto fraction = w.Execute(
      R"({"type":"correct","event":1.5,"field":"subject","value":"x","reason":"typo"})", Cs(), id);
  ASSERT_FALSE(fraction.ok());
  EXPECT_EQ(fraction.status().code(), Code::kInvalidArgument) << fraction.status().ToString();
}

// A third complaint against the same person escalates the two before it (same_target_3), each by
// a LevelEscalated of actor "system" caused by the third complaint's intake; a closed one is left.
TEST(DomainProperty, AThirdComplaintAgainstTheSamePersonEscalatesTheOthers) {
  WritePath w;
  w.Open();
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::string receive = R"({"type":"receive","channel":"hotline","complainant":{"name":"Li"},
      "project":"p-lakeside","subject":"s","description":"d","receiving_department":"customer_service",
      "target":{"kind":"person","id":"u-staff-1","department":"property"}})";
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    w.clock_.Advance(minutes(10));
    auto r = w.Execute(receive, Cs());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ids.push_back(r->id);
    if (i == 0) {  // the first one is handled and closed as invalid before the others arrive
      for (const char* a :
           {R"({"type":"assess_validity","valid":false,"reason":"misunderstanding"})",
            R"({"type":"respond","channel":"phone","summary":"explained"})",
            R"({"type":"close","basis":"invalid_explained"})"})
        ASSERT_TRUE(w.Execute(a, Cs(), ids[0]).ok());
    }
  }
  auto third = w.log_->ReadStreamForward(ids[2], 1, 10);
  ASSERT_TRUE(third.ok());
  ASSERT_EQ(third->size(), 2u);  // its intake, and its own escalation in the same append
  EXPECT_EQ((*third)[1].type(), "LevelEscalated");
  const std::string causation = "pos:" + std::to_string((*third)[0].position());
  auto second = w.log_->ReadStreamForward(ids[1], 1, 10);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 2u);
  const RecordedEvent& e = (*second)[1];
  EXPECT_EQ(e.type(), "LevelEscalated");
  EXPECT_EQ(e.actor().id, "system");
  EXPECT_EQ(std::string(e.envelope().getCausationId().cStr()), causation);
  auto state = w.service_->LoadState(ids[1]);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->level(), Level::kImportant);
  EXPECT_EQ(state->target_complaints, 3);
  EXPECT_EQ(state->levels.back().rules, std::vector<ledger::Sym>{"same_target_3"});
  auto first = w.log_->StreamVersion(ids[0]);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 4u) << "a closed complaint is not escalated by other complaints' facts";
}

}  // namespace
}  // namespace ledger::domain
