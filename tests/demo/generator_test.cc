// The demo generator (tools/demo): the same seed gives the same ledger, the ledger covers every
// scenario family of docs/demo.md, it verifies and folds, and no generated action is refused.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "ledger/domain/evolve.h"
#include "ledger/domain/fines.h"
#include "ledger/domain/rules.h"
#include "testing/temp_dir.h"
#include "tools/demo/demo_ledger.h"

namespace {

namespace domain = ledger::domain;
using W = domain::schema::DomainEvent::Which;

struct Generated {
  testing_util::TempDir dir;
  std::unique_ptr<demo::DemoLedger> ledger;
  demo::GeneratorStats stats;
  std::string error;  // why the generation failed; empty: it did not
};

// Reports a failure in `error` rather than through GoogleTest, so that it can run in
// SetUpTestSuite (a failure there makes GoogleTest skip the suite, which CTest counts as passing).
std::unique_ptr<Generated> TryGenerate(int64_t complaints, uint64_t seed) {
  auto g = std::make_unique<Generated>();
  demo::GeneratorOptions options;
  options.complaints = complaints;
  options.seed = seed;
  auto ledger = demo::DemoLedger::Create(g->dir.Sub("ledger"), options);
  if (!ledger.ok()) {
    g->error = "creating the ledger: " + ledger.status().ToString();
    return g;
  }
  g->ledger = std::move(ledger).value();
  auto stats = g->ledger->Generate();
  if (!stats.ok()) {
    g->error = "generating: " + stats.status().ToString();
    return g;
  }
  g->stats = std::move(stats).value();
  return g;
}

std::unique_ptr<Generated> Generate(int64_t complaints, uint64_t seed) {
  std::unique_ptr<Generated> g = TryGenerate(complaints, seed);
  EXPECT_EQ(g->error, "");
  if (!g->error.empty()) return nullptr;
  return g;
}

std::string Refusals(const demo::GeneratorStats& s) {
  std::string out;
  for (const auto& [what, n] : s.refusals) out += std::to_string(n) + " x " + what + "\n";
  return out;
}

TEST(DemoGenerator, SameSeedGivesTheSameLedger) {
  auto a = Generate(150, 7);
  auto b = Generate(150, 7);
  auto c = Generate(150, 8);
  ASSERT_TRUE(a && b && c);
  ledger::Head ha = a->ledger->log().GetHead(), hb = b->ledger->log().GetHead();
  ledger::Head hc = c->ledger->log().GetHead();
  EXPECT_EQ(ha.position, hb.position);
  EXPECT_EQ(ledger::ToHex(ha.hash), ledger::ToHex(hb.hash));
  EXPECT_EQ(ha.recorded_at, hb.recorded_at);
  EXPECT_NE(ledger::ToHex(ha.hash), ledger::ToHex(hc.hash));
  EXPECT_EQ(a->stats.complaints, 150);
  EXPECT_EQ(c->stats.complaints, 150);
}

TEST(DemoGenerator, NoLedgerInAMissingDirectory) {
  ledger::Result<bool> holds = demo::HoldsLedger("/nonexistent/demo-ledger");
  ASSERT_TRUE(holds.ok());
  EXPECT_FALSE(*holds);
}

TEST(DemoGenerator, NeverWritesIntoAnExistingLedger) {
  auto g = Generate(5, 1);
  ASSERT_TRUE(g);
  const std::string dir = g->ledger->log().directory();
  g->ledger.reset();
  demo::GeneratorOptions options;
  auto again = demo::DemoLedger::Create(dir, options);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), ledger::Code::kFailedPrecondition);
}

// What a scan of the whole generated log found.
struct Census {
  std::map<std::string, int64_t> types, channels, projects, categories, flags, bases, relations,
      pauses, fines, corrected_fields, levels, derived_lines;
  int64_t extension_approved = 0, extension_refused = 0, level_below_rule = 0, level_raised = 0;
  int64_t backdated = 0, open = 0, collective_3 = 0, collective_10 = 0, compensation_small = 0,
          compensation_large = 0, overdue_15_fined = 0, overdue_15_unfined = 0, on_time = 0;
  int64_t severe_transmitted_late = 0, group_after_individual = 0, corrected_response_met = 0;
  int64_t complaints = 0;
};

void CountEvent(const domain::EventView& v, Census& c) {
  const auto e = v.event;
  switch (e.which()) {
    case W::RECEIVED: {
      auto r = e.getReceived();
      c.channels[r.getChannel().cStr()]++;
      c.projects[r.getProject().cStr()]++;
      for (auto f : r.getFlags()) c.flags[f.cStr()]++;
      if (r.getHeadcount() >= 10)
        c.collective_10++;
      else if (r.getHeadcount() >= 3)
        c.collective_3++;
      if (r.getClaimedCompensation() > 1000000)
        c.compensation_large++;
      else if (r.getClaimedCompensation() > 0)
        c.compensation_small++;
      break;
    }
    case W::CLASSIFIED:
      c.categories[e.getClassified().getCategory().cStr()]++;
      break;
    case W::FLAG_ADDED:
      c.flags[e.getFlagAdded().getFlag().cStr()]++;
      break;
    case W::CLOSED:
      c.bases[e.getClosed().getBasis().cStr()]++;
      break;
    case W::LINKED:
      c.relations[e.getLinked().getRelation().cStr()]++;
      break;
    case W::CLOCK_PAUSED:
      c.pauses[e.getClockPaused().getReason().cStr()]++;
      break;
    case W::FINE_RECORDED:
      c.fines[e.getFineRecorded().getRule().cStr()]++;
      break;
    case W::CORRECTED:
      c.corrected_fields[e.getCorrected().getField().cStr()]++;
      break;
    case W::EXTENSION_DECIDED:
      (e.getExtensionDecided().getApproved() ? c.extension_approved : c.extension_refused)++;
      break;
    case W::LEVEL_SET: {
      auto l = e.getLevelSet();
      auto level = domain::ParseLevel(l.getLevel().cStr());
      auto rule = domain::ParseLevel(l.getRuleLevel().cStr());
      if (level && rule && *level < *rule)
        c.level_below_rule++;
      else
        c.level_raised++;
      break;
    }
    default:
      break;
  }
}

// Derived fines and clocks of one complaint at the end of the demo.
void CountComplaint(const domain::ComplaintState& s, const domain::Policy& policy, Census& c) {
  const ledger::Time end = demo::DefaultDemoEnd();
  c.complaints++;
  c.levels[std::string(domain::LevelName(s.level()))]++;
  if (!s.closed()) c.open++;
  auto clocks = domain::EvaluateClocks(domain::ClockFactsOf(s, policy), policy, end);
  bool beyond = false;
  for (const domain::FineLine& l : domain::FineLines(s, policy, clocks, end)) {
    if (!l.derived) continue;
    c.derived_lines[l.rule]++;
    if (l.id.ends_with(":d15")) beyond = true;
  }
  bool fined = false;
  for (const domain::RecordedFine& f : s.fines) fined |= f.rule == "closure_overdue_15";
  if (beyond) (fined ? c.overdue_15_fined : c.overdue_15_unfined)++;
  bool all_met = s.closed();
  for (const domain::ClockResult& r : clocks) {
    all_met &= r.state == domain::ClockState::kMet || r.state == domain::ClockState::kNotApplicable;
    if (r.kind == domain::ClockKind::kTransmission && r.state == domain::ClockState::kMissed &&
        s.level() >= domain::Level::kMajor)
      c.severe_transmitted_late++;  // a finding: possible concealment
    if (r.kind == domain::ClockKind::kResponse && r.state == domain::ClockState::kMet)
      for (const domain::CorrectionRecord& x : s.corrections)
        if (x.field == "occurred_at" && s.first_response && x.event == s.first_response->position)
          c.corrected_response_met++;  // a finding: a corrected time moved the outcome
  }
  if (all_met) c.on_time++;
  for (const domain::AssignmentRecord& a : s.assignments)
    if (!a.first_responsible_people.empty()) c.group_after_individual++;
}

class DemoLedgerScan : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { generated_ = TryGenerate(800, 1).release(); }
  void SetUp() override { ASSERT_EQ(generated_->error, ""); }
  static void TearDownTestSuite() {
    delete generated_;
    generated_ = nullptr;
  }
  static Generated* generated_;
};
Generated* DemoLedgerScan::generated_ = nullptr;

TEST_F(DemoLedgerScan, NoGeneratedActionIsRefused) {
  ASSERT_NE(generated_, nullptr);
  EXPECT_EQ(generated_->stats.refused, 0) << Refusals(generated_->stats);
  EXPECT_EQ(generated_->stats.complaints, 800);
}

TEST_F(DemoLedgerScan, LedgerVerifiesAndEveryComplaintFolds) {
  ASSERT_NE(generated_, nullptr);
  ledger::EventLog& log = generated_->ledger->log();
  auto report = log.Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->checked, log.GetHead().position);
  auto streams = log.ListStreams("CMP-", "", 100000);
  ASSERT_TRUE(streams.ok());
  EXPECT_EQ(int64_t(streams->size()), generated_->stats.complaints);
  for (const std::string& id : *streams) {
    auto events = log.ReadStreamForward(id, 1, 100000);
    ASSERT_TRUE(events.ok()) << id;
    auto state = domain::Fold(id, *events);
    ASSERT_TRUE(state.ok()) << id << ": " << state.status().ToString();
    EXPECT_EQ(state->version, events->size()) << id;
  }
}

TEST_F(DemoLedgerScan, CoversEveryScenarioFamily) {
  ASSERT_NE(generated_, nullptr);
  ledger::EventLog& log = generated_->ledger->log();
  const domain::Policy& policy = *generated_->ledger->policies().current();
  Census c;
  ledger::Status scanned = log.ForEach(1, 0, [&](const ledger::RecordedEvent& e) {
    c.types[std::string(e.type())]++;
    if (e.recorded_at() - e.occurred_at() > std::chrono::hours(24)) c.backdated++;
    LEDGER_ASSIGN_OR_RETURN(domain::EventView v, domain::ViewOf(e));
    CountEvent(v, c);
    return ledger::Status::Ok();
  });
  ASSERT_TRUE(scanned.ok()) << scanned.ToString();
  auto streams = log.ListStreams("CMP-", "", 100000);
  ASSERT_TRUE(streams.ok());
  for (const std::string& id : *streams) {
    auto events = log.ReadStreamForward(id, 1, 100000);
    ASSERT_TRUE(events.ok());
    auto state = domain::Fold(id, *events);
    ASSERT_TRUE(state.ok());
    CountComplaint(*state, policy, c);
  }

  // Every event type the actions can produce (and the policy and the ratings).
  for (W w : {W::RECEIVED,
              W::TRANSMITTED,
              W::VALIDITY_ASSESSED,
              W::CLASSIFIED,
              W::LEVEL_SET,
              W::LEVEL_ESCALATED,
              W::RESPONSIBILITY_ASSIGNED,
              W::CUSTOMER_RESPONDED,
              W::PLAN_PROPOSED,
              W::PLAN_REVIEWED,
              W::PROGRESS_RECORDED,
              W::RESOLVED,
              W::RESOLUTION_CONFIRMED,
              W::CLOSED,
              W::REOPENED,
              W::CLOCK_PAUSED,
              W::CLOCK_RESUMED,
              W::FLAG_ADDED,
              W::LINKED,
              W::EXTENSION_REQUESTED,
              W::EXTENSION_DECIDED,
              W::STAFF_DECISION_RECORDED,
              W::CALLBACK_RECORDED,
              W::FINE_RECORDED,
              W::FINE_WAIVED,
              W::DEPARTMENT_RATED,
              W::CORRECTED,
              W::EVIDENCE_ATTACHED,
              W::POLICY_PUBLISHED})
    EXPECT_GT(c.types[std::string(domain::EventTypeName(w))], 0) << domain::EventTypeName(w);

  for (const char* channel : {"hotline", "wechat", "visit", "letter", "email", "oem_work_order",
                              "media", "online", "onsite", "callback", "government", "other"})
    EXPECT_GT(c.channels[channel], 0) << channel;
  for (const domain::Category& category : policy.categories)
    EXPECT_GT(c.categories[category.id], 0) << category.id;
  for (const domain::Project& project : policy.organisation.projects)
    EXPECT_GT(c.projects[project.id], 0) << project.id;
  for (const char* flag : {"safety_risk", "serious_loss", "media", "media_threatened", "litigation",
                           "litigation_threatened", "government", "reputation"})
    EXPECT_GT(c.flags[flag], 0) << flag;
  for (const char* level : {"general", "important", "major", "crisis"})
    EXPECT_GT(c.levels[level], 0) << level;
  for (const char* basis : {"customer_confirmed", "plan_issued_no_agreement",
                            "litigation_concluded", "invalid_explained"})
    EXPECT_GT(c.bases[basis], 0) << basis;
  EXPECT_GT(c.relations["same_issue"], 0);
  EXPECT_GT(c.relations["second_complaint"], 0);
  EXPECT_GT(c.pauses["awaiting_customer"], 0);
  EXPECT_GT(c.pauses["litigation"], 0);
  EXPECT_GT(c.extension_approved, 0);
  EXPECT_GT(c.extension_refused, 0);
  EXPECT_GT(c.level_below_rule, 0);
  EXPECT_GT(c.level_raised, 0);
  for (const char* rule : {"closure_overdue_15", "deflection", "misconduct", "media_investigation"})
    EXPECT_GT(c.fines[rule], 0) << rule;
  for (const char* field : {"headcount", "occurred_at", "attitude"})
    EXPECT_GT(c.corrected_fields[field], 0) << field;
  for (const char* rule :
       {"response_late", "no_plan", "transmission_late", "cs_transmission_late", "closure_overdue"})
    EXPECT_GT(c.derived_lines[rule], 0) << rule;
  EXPECT_GT(c.overdue_15_fined, 0);
  EXPECT_GT(c.overdue_15_unfined, 0);  // a finding: beyond the tiers without a recorded fine
  EXPECT_GT(c.backdated, 0);           // a finding: recorded more than 24 h after it occurred
  EXPECT_GT(c.severe_transmitted_late, 0);
  EXPECT_GT(c.corrected_response_met, 0);
  EXPECT_GT(c.group_after_individual, 0);
  EXPECT_GT(c.collective_3, 0);
  EXPECT_GT(c.collective_10, 0);
  EXPECT_GT(c.compensation_small, 0);
  EXPECT_GT(c.compensation_large, 0);
  EXPECT_GT(c.on_time, c.complaints / 3);  // most complaints are handled on time
  EXPECT_GT(c.open, 0);                    // some are still open at the end
  EXPECT_LT(c.open, c.complaints / 4);
}

}  // namespace
