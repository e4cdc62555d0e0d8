// Fines (docs/rules.md#fines) from the log: every derived rule, recorded fines, waivers, a month
// boundary, a reopened complaint, a corrected time.
#include <gtest/gtest.h>

#include "projection_util.h"
#include "projections/timeline.h"

namespace projections {
namespace {

using namespace testing_util;

// Received by the property department on Monday 2026-03-02 09:30, handled late at every step.
class LateComplaint : public ::testing::Test {
 protected:
  void SetUp() override {
    f_.At("2026-03-02T09:30:00+08:00");
    id_ = f_.Do(ReceiveJson("property"), IntakeActor()).id;
    f_.At("2026-03-02T12:00:00+08:00");  // transmission due 11:30
    Act(R"({"type":"transmit","to_department":"customer_service","to_person":"u-cs-1"})",
        IntakeActor());
    f_.At("2026-03-02T15:00:00+08:00");  // assignment due 14:00 (2 h from the transmission)
    Act(R"({"type":"assess_validity","valid":true})", CsAgentActor());
    Act(R"({"type":"classify","category":"maintenance"})", CsAgentActor());
    Act(R"({"type":"assign","department":"property","handler":"u-handler-1"})", CsAgentActor());
    f_.At("2026-03-02T16:00:00+08:00");  // response due 10:30
    Act(R"({"type":"respond","channel":"phone","summary":"called"})", HandlerActor());
    f_.At("2026-03-02T16:30:00+08:00");  // plan due 13:30
    Act(R"({"type":"propose_plan","plan_type":"repair","description":"fix"})", HandlerActor());
    Act(R"({"type":"review_plan","approved":true})", DeptHeadActor());
    Act(R"({"type":"resolve","resolution":"fixed","root_cause":"product_quality","corrective_action":"check"})",
        HandlerActor());
    Act(R"({"type":"confirm","method":"written"})", CsAgentActor());
    Act(R"({"type":"confirm","method":"property_company"})", CsAgentActor());
  }
  void Act(const std::string& json, const ledger::Actor& actor) { f_.Do(json, actor, id_); }

  FinesReport Fines(const std::string& month, ledger::Time now) {
    LedgerProjection p = FoldAll(f_);
    return FinesQuery(ScopeOf(f_, p, now), Month(month), "", "");
  }

  const domain::FineLine* Line(const FinesReport& r, const std::string& rule) {
    for (const domain::FineLine& l : r.lines)
      if (l.rule == rule) return &l;
    return nullptr;
  }

  LedgerFixture f_;
  std::string id_;
};

TEST_F(LateComplaint, EachDerivedRuleChargesItsPeople) {
  // Closed 10 days after the closure deadline (engineering: 15 working days = 2026-03-23 09:30).
  f_.At("2026-04-02T09:30:00+08:00");
  Act(R"({"type":"close","basis":"customer_confirmed"})", CsAgentActor());
  FinesReport march = Fines("2026-03", T("2026-04-10T00:00:00+08:00"));

  struct Expect {
    const char* rule;
    const char* amount;
    std::vector<std::string> people, departments;
  };
  std::vector<Expect> expected = {
      {"transmission_late", "100.00", {"u-intake-1"}, {"property"}},
      {"cs_transmission_late", "200.00", {"u-cs-1"}, {"customer_service"}},
      // No handler was assigned by 10:30: customer service held it.
      {"response_late", "200.00", {"u-cs-1"}, {"customer_service"}},
      // Head of the responsible department (the category's, before assignment).
      {"no_plan", "300.00", {"u-head-property"}, {"property"}},
  };
  for (const Expect& e : expected) {
    const domain::FineLine* l = Line(march, e.rule);
    ASSERT_NE(l, nullptr) << e.rule;
    EXPECT_EQ(domain::FormatMoney(l->amount), e.amount) << e.rule;
    EXPECT_EQ(l->people, e.people) << e.rule;
    EXPECT_EQ(l->departments, e.departments) << e.rule;
    EXPECT_EQ(l->day, "2026-03-02") << e.rule;
    EXPECT_FALSE(l->evidence.empty()) << e.rule;
  }
}

TEST_F(LateComplaint, TenDaysOverdueIs1300SplitAcrossTheMonthBoundary) {
  f_.At("2026-04-02T09:30:00+08:00");  // exactly 10 x 24 h after the deadline
  Act(R"({"type":"close","basis":"customer_confirmed"})", CsAgentActor());
  ledger::Time later = T("2026-05-01T00:00:00+08:00");
  FinesReport march = Fines("2026-03", later), april = Fines("2026-04", later);
  domain::Money overdue_march = 0, overdue_april = 0;
  std::vector<std::string> days;
  for (const FinesReport* r : {&march, &april}) {
    for (const domain::FineLine& l : r->lines) {
      if (l.rule != "closure_overdue") continue;
      (r == &march ? overdue_march : overdue_april) += l.amount;
      days.push_back(l.day);
    }
  }
  EXPECT_EQ(overdue_march + overdue_april, 130000);  // 7 x 100.00 + 3 x 200.00
  EXPECT_EQ(overdue_march, 110000);                  // days 1-9: 2026-03-23 .. 2026-03-31
  EXPECT_EQ(overdue_april, 20000);                   // day 10: 2026-04-01
  ASSERT_EQ(days.size(), 10u);
  EXPECT_EQ(days.front(), "2026-03-23");
  EXPECT_EQ(days.back(), "2026-04-01");
  // Charged to the handler and the responsible department, one line a day.
  EXPECT_EQ(march.by_person["u-handler-1"].lines, 9);
  EXPECT_EQ(april.by_department["property"].total, 20000);
}

TEST_F(LateComplaint, OneHourLateIsOneDay) {
  f_.At("2026-03-23T10:30:00+08:00");
  Act(R"({"type":"close","basis":"customer_confirmed"})", CsAgentActor());
  FinesReport march = Fines("2026-03", T("2026-04-10T00:00:00+08:00"));
  int overdue = 0;
  for (const domain::FineLine& l : march.lines) {
    if (l.rule != "closure_overdue") continue;
    ++overdue;
    EXPECT_EQ(l.amount, 10000);
  }
  EXPECT_EQ(overdue, 1);
}

TEST_F(LateComplaint, OverdueAccruesWhileOpenAndAWaiverKeepsTheLineVisible) {
  FinesReport at_five = Fines("2026-03", T("2026-03-27T12:00:00+08:00"));  // 4 days + 2.5 h late
  int open_lines = 0;
  for (const domain::FineLine& l : at_five.lines) open_lines += l.rule == "closure_overdue";
  EXPECT_EQ(open_lines, 5);

  f_.At("2026-03-27T12:00:00+08:00");
  std::string line = id_ + ":closure_overdue:c0:d2";
  f_.Do(R"({"type":"waive_fine","fine":")" + line + R"(","reason":"supplier strike"})",
        DeputyGmActor(), id_);
  FinesReport after = Fines("2026-03", T("2026-03-27T12:00:00+08:00"));
  const domain::FineLine* waived = nullptr;
  for (const domain::FineLine& l : after.lines)
    if (l.id == line) waived = &l;
  ASSERT_NE(waived, nullptr);  // still shown
  EXPECT_TRUE(waived->waived);
  EXPECT_EQ(waived->waiver_reason, "supplier strike");
  EXPECT_EQ(after.total + after.waived, at_five.total);
  EXPECT_EQ(after.waived, 10000);
}

// The timeline lists each line once, by the entry by which it accrued, and the waiver as a waiver
// of that line by the entry that waived it, named by rule, amount, day and complaint.
TEST_F(LateComplaint, TheTimelineShowsAWaiverAsTheWaiverOfTheLineNotANewLine) {
  // An event that lists the overdue lines accrued so far, then the waiver of one of them.
  f_.At("2026-03-27T11:00:00+08:00");
  f_.Do(R"({"type":"record_fine","rule":"deflection","people":["u-head-marketing"],
            "departments":["marketing"],"reason":"sent the owner to marketing"})",
        CsHeadActor(), id_);
  f_.At("2026-03-27T12:00:00+08:00");
  const std::string line = id_ + ":closure_overdue:c0:d2";
  f_.Do(R"({"type":"waive_fine","fine":")" + line + R"(","reason":"supplier strike"})",
        DeputyGmActor(), id_);
  auto events = f_.log().ReadStreamForward(id_, 1, 1000);
  ASSERT_TRUE(events.ok());
  auto lookup = [this](uint32_t v) { return f_.policies().ForVersion(v); };
  auto timeline =
      BuildTimeline(id_, *events, lookup, *f_.policies().current(), T("2026-03-27T12:00:00+08:00"));
  ASSERT_TRUE(timeline.ok()) << timeline.status().ToString();
  int listed = 0;
  for (const TimelineEntry& e : timeline->entries)
    for (const domain::FineLine& l : e.fines) listed += l.id == line;
  EXPECT_EQ(listed, 1) << "a line is listed once, by the entry by which it accrued";
  const TimelineEntry& last = timeline->entries.back();
  ASSERT_EQ(last.type, "FineWaived");
  EXPECT_TRUE(last.fines.empty()) << "the waived line was listed before: not new again";
  ASSERT_EQ(last.waived.size(), 1u);
  EXPECT_EQ(last.waived[0].id, line);
  EXPECT_TRUE(last.waived[0].waived);
  EXPECT_EQ(last.summary,
            "fine waived: closure_overdue 100.00 of 2026-03-24 on " + id_ + " (supplier strike)");
  EXPECT_EQ(last.summary.find(":c0:"), std::string::npos) << "no internal id";
}

TEST_F(LateComplaint, RecordedFinesAreLinesWithTheManagersReason) {
  f_.At("2026-03-03T10:00:00+08:00");
  f_.Do(
      R"({"type":"record_fine","rule":"deflection","people":["u-head-marketing"],"departments":["marketing"],
            "reason":"sent the owner to marketing"})",
      CsHeadActor(), id_);
  FinesReport march = Fines("2026-03", T("2026-03-04T00:00:00+08:00"));
  const domain::FineLine* l = Line(march, "deflection");
  ASSERT_NE(l, nullptr);
  EXPECT_FALSE(l->derived);
  EXPECT_EQ(l->amount, 30000);
  EXPECT_EQ(l->reason, "sent the owner to marketing");
  EXPECT_EQ(march.by_department["marketing"].total, 30000);
}

TEST_F(LateComplaint, AReopenedComplaintRunsASecondClosureClock) {
  f_.At("2026-03-10T09:30:00+08:00");
  Act(R"({"type":"close","basis":"customer_confirmed"})", CsAgentActor());  // on time
  f_.At("2026-03-12T09:30:00+08:00");
  Act(R"({"type":"reopen","reason":"leaks again"})", CsAgentActor());
  // The reopened cycle has its own engineering deadline: 15 working days from 2026-03-12 09:30.
  LedgerProjection p = FoldAll(f_);
  Derived d = Derive(
      *p.Find(id_), [&](uint32_t v) { return f_.policies().ForVersion(v); },
      *f_.policies().current(), T("2026-04-15T00:00:00+08:00"));
  int closure_clocks = 0;
  for (const domain::ClockResult& c : d.clocks) {
    if (c.kind != domain::ClockKind::kClosure) continue;
    ++closure_clocks;
    if (c.cycle == 0) {
      EXPECT_EQ(c.state, domain::ClockState::kMet);
    } else {
      EXPECT_EQ(c.state, domain::ClockState::kMissed);
      EXPECT_EQ(*c.due, T("2026-04-02T09:30:00+08:00"));
    }
  }
  EXPECT_EQ(closure_clocks, 2);
  int cycle1_lines = 0;
  for (const domain::FineLine& l : d.fines)
    if (l.id.find(":closure_overdue:c1:") != std::string::npos) ++cycle1_lines;
  EXPECT_EQ(cycle1_lines,
            13);  // 2026-04-02 09:30 .. 2026-04-15 00:00: 12 days 14.5 h = 13 started days
}

TEST(FinesCorrection, ACorrectedTimeChangesTheLinesAndIsAFinding) {
  LedgerFixture f;
  f.At("2026-03-02T09:30:00+08:00");
  std::string id = f.Do(ReceiveJson(), CsAgentActor()).id;
  f.At("2026-03-02T10:20:00+08:00");
  auto responded =
      f.Do(R"({"type":"respond","channel":"phone","summary":"called"})", CsAgentActor(), id);
  f.At("2026-03-02T11:00:00+08:00");
  auto fold = [&] { return FoldAll(f); };
  auto lines = [&](const LedgerProjection& p) {
    return FinesQuery(ScopeOf(f, p, T("2026-03-03T00:00:00+08:00")), Month("2026-03"), "", "")
        .lines;
  };
  auto has = [](const std::vector<domain::FineLine>& ls, const std::string& rule) {
    for (const auto& l : ls)
      if (l.rule == rule) return true;
    return false;
  };
  EXPECT_FALSE(has(lines(fold()), "response_late"));  // met at 10:20 (due 10:30)
  f.Do(R"({"type":"correct","event":)" + std::to_string(responded.position) +
           R"(,"field":"occurred_at","value":"2026-03-02T10:45:00+08:00","reason":"call log"})",
       CsAgentActor(), id);
  LedgerProjection p = fold();
  EXPECT_TRUE(has(lines(p), "response_late"));
  std::vector<Finding> findings =
      FindingsQuery(ScopeOf(f, p, T("2026-03-03T00:00:00+08:00")), {}, {});
  bool moved = false;
  for (const Finding& x : findings) moved |= x.kind == "correction_moves_deadline";
  EXPECT_TRUE(moved);
}

// Pages of line items: in (instant, id) order, ties at one instant split across pages, and
// anything but a cursor this function made is refused.
TEST(FineLinePages, PagesFollowTheLinesOrderAndRefuseForeignCursors) {
  FinesReport all;
  const ledger::Time t0 = ledger::FromMicros(1'000'000), t1 = ledger::FromMicros(-5);
  for (const auto& [at, id] : std::vector<std::pair<ledger::Time, std::string>>{
           {t1, "CMP-2026-000009:a"},
           {t0, "CMP-2026-000001:a"},
           {t0, "CMP-2026-000001:b"},
           {t0, "CMP-2026-000002:a"},
           {t0 + ledger::Duration(1), "CMP-2026-000001:c"}}) {
    domain::FineLine l;
    l.accrued = at;
    l.id = id;
    all.lines.push_back(l);
  }
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    FinesReport page = all;
    auto next = KeepLinePage(page, cursor, 2);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    ASSERT_LE(page.lines.size(), 2u);
    for (const domain::FineLine& l : page.lines) seen.push_back(l.id);
    cursor = *next;
    ASSERT_LT(++pages, 10);
  } while (!cursor.empty());
  EXPECT_EQ(pages, 3);
  std::vector<std::string> expected;
  for (const domain::FineLine& l : all.lines) expected.push_back(l.id);
  EXPECT_EQ(seen, expected);

  FinesReport whole = all;
  auto none = KeepLinePage(whole, "", 5);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, "");  // everything on one page: no next
  EXPECT_EQ(whole.lines.size(), 5u);
  for (const char* bad : {"12", ",x", "-,x", "abc,x", "12,", "1x,CMP", "99999999999999999999,x"}) {
    FinesReport r = all;
    EXPECT_FALSE(KeepLinePage(r, bad, 2).ok()) << bad;
  }
}

}  // namespace
}  // namespace projections
