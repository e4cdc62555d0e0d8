// The fines arithmetic of docs/rules.md#fines through FineLines (fines.h), on complaints driven
// through Decide and Evolve, with the real clock engine and the default policy: closure overdue
// days and their tiers, the day each line is dated, who each derived line charges, waivers, and
// corrections of times that change a clock's outcome.
#include <algorithm>
#include <functional>

#include "flow_steps.h"
#include "ledger/domain/fines.h"
#include "ledger/domain/rules.h"

namespace ledger::domain {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using testing_util::Complaint;
using testing_util::CsAgent;
using testing_util::DeputyGm;
using testing_util::Handler;
using testing_util::Intake;
using testing_util::Reach;
using testing_util::ReceiveJson;
using testing_util::Step;

Time L(const std::string& local) { return *ParseRfc3339(local + "+08:00"); }

std::vector<FineLine> LinesAt(const Complaint& k, Time as_of) {
  std::vector<ClockResult> clocks =
      EvaluateClocks(ClockFactsOf(k.state(), k.policy()), k.policy(), as_of);
  return FineLines(k.state(), k.policy(), clocks, as_of);
}

std::vector<FineLine> Only(const std::vector<FineLine>& lines, const std::string& rule) {
  std::vector<FineLine> out;
  for (const FineLine& l : lines)
    if (l.rule == rule) out.push_back(l);
  return out;
}

Money Total(const std::vector<FineLine>& lines) {
  Money sum = 0;
  for (const FineLine& l : lines)
    if (!l.waived && l.amount > 0) sum += l.amount;
  return sum;
}

std::vector<std::string> Days(const std::vector<FineLine>& lines) {
  std::vector<std::string> out;
  for (const FineLine& l : lines) out.push_back(l.day);
  return out;
}

std::vector<std::string> Rules(const std::vector<FineLine>& lines) {
  std::vector<std::string> out;
  for (const FineLine& l : lines) out.push_back(l.rule);
  return out;
}

CrossFacts Referencing(uint64_t position, schema::DomainEvent::Which type) {
  CrossFacts f;
  f.referenced = CrossFacts::Referenced{position, "CMP-2026-000001", type};
  return f;
}

// A property_service complaint (closure: 3 days) received Monday 2026-03-02 10:00 by customer
// service, every clock but closure met at once; closure due Thursday 2026-03-05 10:00.
const Time kDue = L("2026-03-05T10:00:00");

struct OverdueRow {
  const char* name;
  Duration late;  // closed this long after the deadline
  size_t lines;
  std::string total;
};

TEST(Fines, ClosureOverdueDaysFollowTheTiers) {
  const OverdueRow rows[] = {
      {"closed at the deadline", hours(0), 0, "0.00"},
      {"one second late is one day", seconds(1), 1, "100.00"},
      {"one hour late is one day", hours(1), 1, "100.00"},
      {"24 hours late is one day", hours(24), 1, "100.00"},
      {"24 hours and a second is two days", hours(24) + seconds(1), 2, "200.00"},
      {"7 days late: 7 x 100.00", hours(24 * 7), 7, "700.00"},
      {"the eighth day costs 200.00", hours(24 * 7) + hours(1), 8, "900.00"},
      {"10 days late: 7 x 100.00 + 3 x 200.00", hours(24 * 9) + hours(1), 10, "1300.00"},
      {"15 days late: 7 x 100.00 + 8 x 200.00", hours(24 * 15), 15, "2300.00"},
      {"beyond 15 days no derived line (closure_overdue_15 is recorded)", hours(24 * 25), 15,
       "2300.00"},
  };
  for (const OverdueRow& row : rows) {
    Complaint k;
    Reach(k, Step::kConfirmed);
    k.SetNow(kDue + row.late);
    k.Do(R"({"type":"close","basis":"customer_confirmed"})", CsAgent());
    // Evaluated long after the closure: a closed clock accrues nothing more.
    std::vector<FineLine> all = LinesAt(k, kDue + hours(24 * 60));
    std::vector<FineLine> overdue = Only(all, "closure_overdue");
    EXPECT_EQ(overdue.size(), all.size()) << row.name << ": only closure lines expected";
    EXPECT_EQ(overdue.size(), row.lines) << row.name;
    EXPECT_EQ(FormatMoney(Total(overdue)), row.total) << row.name;
  }
}

TEST(Fines, TenDaysLateIsTenLinesOnePerDay) {
  Complaint k;
  Reach(k, Step::kConfirmed);
  k.SetNow(kDue + hours(24 * 9) + hours(1));  // 2026-03-14 11:00
  k.Do(R"({"type":"close","basis":"customer_confirmed"})", CsAgent());
  const uint64_t closed_at = k.last_position();
  std::vector<FineLine> lines = Only(LinesAt(k, k.now()), "closure_overdue");
  ASSERT_EQ(lines.size(), 10u);
  EXPECT_EQ(Days(lines),
            (std::vector<std::string>{"2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08",
                                      "2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12",
                                      "2026-03-13", "2026-03-14"}));
  for (size_t i = 0; i < lines.size(); ++i) {
    const FineLine& l = lines[i];
    EXPECT_EQ(l.id, "CMP-2026-000001:closure_overdue:c0:d" + std::to_string(i + 1));
    EXPECT_EQ(l.amount, i < 7 ? 10000 : 20000) << l.id;
    EXPECT_EQ(l.accrued, kDue + hours(24 * int64_t(i))) << l.id;
    EXPECT_EQ(l.people, std::vector<std::string>{"u-handler-1"});
    EXPECT_EQ(l.departments, std::vector<std::string>{"property"});
    EXPECT_TRUE(l.derived);
    // Proved by the intake and the closure.
    EXPECT_NE(std::find(l.evidence.begin(), l.evidence.end(), 1u), l.evidence.end()) << l.id;
    EXPECT_NE(std::find(l.evidence.begin(), l.evidence.end(), closed_at), l.evidence.end()) << l.id;
  }
  EXPECT_EQ(FormatMoney(Total(lines)), "1300.00");
}

TEST(Fines, AnOpenComplaintAccruesADayAtEachPeriodStart) {
  Complaint k;
  Reach(k, Step::kConfirmed);
  EXPECT_TRUE(Only(LinesAt(k, kDue), "closure_overdue").empty());
  EXPECT_EQ(Only(LinesAt(k, kDue + seconds(1)), "closure_overdue").size(), 1u);
  EXPECT_EQ(Only(LinesAt(k, kDue + hours(24)), "closure_overdue").size(), 1u);
  EXPECT_EQ(Only(LinesAt(k, kDue + hours(24) + seconds(1)), "closure_overdue").size(), 2u);
}

TEST(Fines, AnOverdueRunAcrossAMonthEndIsDatedInBothMonths) {
  // Received Thursday 2026-03-26 10:00: closure due Sunday 2026-03-29 10:00 (3 days = 72 h).
  Complaint k(L("2026-03-26T10:00:00"));
  Reach(k, Step::kConfirmed);
  k.SetNow(L("2026-04-02T11:00:00"));
  k.Do(R"({"type":"close","basis":"customer_confirmed"})", CsAgent());
  std::vector<FineLine> lines = Only(LinesAt(k, k.now()), "closure_overdue");
  EXPECT_EQ(Days(lines), (std::vector<std::string>{"2026-03-29", "2026-03-30", "2026-03-31",
                                                   "2026-04-01", "2026-04-02"}));
  Money march = 0, april = 0;
  for (const FineLine& l : lines)
    (MonthKey(l.accrued, k.policy().calendar.utc_offset) == "2026-03" ? march : april) += l.amount;
  EXPECT_EQ(FormatMoney(march), "300.00");
  EXPECT_EQ(FormatMoney(april), "200.00");
}

TEST(Fines, PausedTimeIsNotOverdue) {
  Complaint k;
  Reach(k, Step::kConfirmed);
  // Paused for two days before the deadline: due moves to 2026-03-07 10:00.
  k.SetNow(L("2026-03-04T10:00:00"));
  k.Do(R"({"type":"pause_clock","reason":"awaiting_customer"})", CsAgent());
  k.SetNow(L("2026-03-06T10:00:00"));
  k.Do(R"({"type":"resume_clock","reason":"awaiting_customer"})", CsAgent());
  k.SetNow(L("2026-03-07T09:00:00"));
  EXPECT_TRUE(Only(LinesAt(k, k.now()), "closure_overdue").empty());
  // Paused again after the deadline: those hours do not count either.
  k.SetNow(L("2026-03-07T11:00:00"));
  k.Do(R"({"type":"pause_clock","reason":"litigation"})", CsAgent());
  k.SetNow(L("2026-03-10T11:00:00"));
  k.Do(R"({"type":"resume_clock","reason":"litigation"})", CsAgent());
  k.SetNow(L("2026-03-10T12:00:00"));
  k.Do(R"({"type":"close","basis":"customer_confirmed"})", CsAgent());
  std::vector<FineLine> lines = Only(LinesAt(k, k.now()), "closure_overdue");
  EXPECT_EQ(Days(lines), std::vector<std::string>{"2026-03-07"}) << "2 running hours overdue";
}

// --- Who the derived lines charge ------------------------------------------------------------

struct ChargeRow {
  const char* name;
  std::function<void(Complaint&)> given;
  Time as_of;
  std::string rule;
  std::string amount;
  std::string day;
  std::vector<std::string> people, departments;
};

TEST(Fines, DerivedLinesChargeThePeopleAndDepartmentsTheRuleNames) {
  const Time monday = testing_util::Monday10();
  auto by_property = [](Complaint& k) { k.Do(ReceiveJson("property"), Intake()); };
  auto transmit = [](const std::string& to_person) {
    return [to_person](Complaint& k) {
      k.Do(ReceiveJson("property"), Intake());
      k.SetNow(L("2026-03-02T10:30:00"));
      k.Do(R"({"type":"transmit","to_department":"customer_service")" +
               (to_person.empty() ? "" : R"(,"to_person":")" + to_person + "\"") + "}",
           Intake());
    };
  };
  auto responded_at = [](Step step, const std::string& category) {
    return [=](Complaint& k) {
      Reach(k, step, category);
      k.Do(R"({"type":"respond","channel":"phone","summary":"x"})", CsAgent());
    };
  };
  const std::vector<ChargeRow> rows = {
      {"response_late: the handler and the department holding it at the deadline",
       [](Complaint& k) { Reach(k, Step::kAssigned); },
       monday + minutes(90),
       "response_late",
       "200.00",
       "2026-03-02",
       {"u-handler-1"},
       {"property"}},
      {"response_late before any assignment: the customer-service receiver",
       [](Complaint& k) { Reach(k, Step::kClassified); },
       monday + minutes(90),
       "response_late",
       "200.00",
       "2026-03-02",
       {"u-cs-1"},
       {"customer_service"}},
      {"no_plan: the head of the assigned department",
       responded_at(Step::kAssigned, "property_service"),
       monday + hours(5),
       "no_plan",
       "300.00",
       "2026-03-02",
       {"u-head-property"},
       {"property"}},
      {"no_plan before assignment: the head of the category's first-responsible department",
       responded_at(Step::kClassified, "delayed_delivery"),
       monday + hours(5),
       "no_plan",
       "300.00",
       "2026-03-02",
       {"u-head-project-engineering"},
       {"project_engineering"}},
      {"no_plan before classification: the head of customer service",
       responded_at(Step::kValid, ""),
       monday + hours(5),
       "no_plan",
       "300.00",
       "2026-03-02",
       {"u-head-customer-service"},
       {"customer_service"}},
      {"transmission_late: the receiving staff member (and the receiving department)",
       by_property,
       monday + hours(3),
       "transmission_late",
       "100.00",
       "2026-03-02",
       {"u-intake-1"},
       {"property"}},
      {"cs_transmission_late: the receiver in customer service",
       [](Complaint& k) { Reach(k, Step::kValid); },
       monday + hours(3),
       "cs_transmission_late",
       "200.00",
       "2026-03-02",
       {"u-cs-1"},
       {"customer_service"}},
      {"cs_transmission_late: the person it was transmitted to",
       transmit("u-cs-7"),
       monday + hours(3),
       "cs_transmission_late",
       "200.00",
       "2026-03-02",
       {"u-cs-7"},
       {"customer_service"}},
      {"cs_transmission_late: transmitted to nobody in particular, the head of customer service",
       transmit(""),
       monday + hours(3),
       "cs_transmission_late",
       "200.00",
       "2026-03-02",
       {"u-head-customer-service"},
       {"customer_service"}},
  };
  for (const ChargeRow& row : rows) {
    Complaint k;
    row.given(k);
    std::vector<FineLine> lines = Only(LinesAt(k, row.as_of), row.rule);
    ASSERT_EQ(lines.size(), 1u) << row.name;
    const FineLine& l = lines[0];
    EXPECT_EQ(l.id, "CMP-2026-000001:" + row.rule) << row.name;
    EXPECT_EQ(FormatMoney(l.amount), row.amount) << row.name;
    EXPECT_EQ(l.day, row.day) << row.name;
    EXPECT_EQ(l.people, row.people) << row.name;
    EXPECT_EQ(l.departments, row.departments) << row.name;
  }
}

TEST(Fines, TheAssignmentClockCountsFromTheTransmission) {
  Complaint k;
  k.Do(ReceiveJson("property"), Intake());
  k.SetNow(L("2026-03-02T10:30:00"));
  k.Do(R"({"type":"transmit","to_department":"customer_service","to_person":"u-cs-1"})", Intake());
  // Assignment due 12:30 (2 h from the transmission), not 12:00. (An unmet deadline is missed
  // from the instant it falls: docs/clocks.md.)
  EXPECT_TRUE(Only(LinesAt(k, L("2026-03-02T12:29:59")), "cs_transmission_late").empty());
  std::vector<FineLine> late = Only(LinesAt(k, L("2026-03-02T12:31:00")), "cs_transmission_late");
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].accrued, L("2026-03-02T12:30:00"));
  // Transmitted in time: no transmission_late.
  EXPECT_TRUE(Only(LinesAt(k, L("2026-03-02T12:31:00")), "transmission_late").empty());
}

TEST(Fines, AMakeUpSaturdayIsAWorkingDayAndAnOrdinarySaturdayIsNot) {
  // 2026-02-14 is a make-up Saturday: the response clock starts at once, due 11:00.
  Complaint makeup(L("2026-02-14T10:00:00"));
  Reach(makeup, Step::kAssigned);
  std::vector<FineLine> lines = Only(LinesAt(makeup, L("2026-02-14T11:30:00")), "response_late");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].day, "2026-02-14");
  // 2026-03-07 is an ordinary Saturday: clocks start Monday 09:00, response due 10:00.
  Complaint weekend(L("2026-03-07T10:00:00"));
  Reach(weekend, Step::kAssigned);
  EXPECT_TRUE(Only(LinesAt(weekend, L("2026-03-09T09:59:59")), "response_late").empty());
  lines = Only(LinesAt(weekend, L("2026-03-09T10:01:00")), "response_late");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].day, "2026-03-09");
  // ...unless there is a safety risk: then the response is due within the hour, on Saturday.
  Complaint risk(L("2026-03-07T10:00:00"));
  Reach(risk, Step::kAssigned, "property_service", R"(,"flags":["safety_risk"])");
  lines = Only(LinesAt(risk, L("2026-03-07T11:30:00")), "response_late");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].day, "2026-03-07");
}

// --- Waivers and corrections ---------------------------------------------------------------

TEST(Fines, AWaivedLineStaysVisibleAndMarked) {
  Complaint k;
  Reach(k, Step::kAssigned);
  k.SetNow(L("2026-03-02T12:00:00"));
  ASSERT_EQ(Rules(LinesAt(k, k.now())), std::vector<std::string>{"response_late"});
  k.Do(R"({"type":"waive_fine","fine":"CMP-2026-000001:response_late","reason":"customer abroad"})",
       DeputyGm());
  const uint64_t waiver = k.last_position();
  std::vector<FineLine> lines = LinesAt(k, k.now());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rule, "response_late");
  EXPECT_EQ(lines[0].amount, 20000);
  EXPECT_TRUE(lines[0].waived);
  EXPECT_EQ(lines[0].waiver_reason, "customer abroad");
  EXPECT_EQ(lines[0].waived_by, "u-deputy-gm");
  EXPECT_EQ(lines[0].waiver_position, waiver);
  EXPECT_EQ(Total(lines), 0);
}

TEST(Fines, ARecordedFineIsALineWithItsEvent) {
  Complaint k;
  Reach(k, Step::kClosed);
  k.Do(R"({"type":"record_fine","rule":"deflection","people":["u-head-property"],
           "departments":["property"],"reason":"sent the owner to marketing"})",
       testing_util::CsHead());
  const uint64_t at = k.last_position();
  std::vector<FineLine> lines = LinesAt(k, k.now());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].id, "CMP-2026-000001:recorded:" + std::to_string(at));
  EXPECT_FALSE(lines[0].derived);
  EXPECT_EQ(FormatMoney(lines[0].amount), "300.00");
  EXPECT_EQ(lines[0].evidence, std::vector<uint64_t>{at});
  EXPECT_EQ(lines[0].reason, "sent the owner to marketing");
}

TEST(Fines, CorrectingATimeThatChangesAClockOutcomeChangesTheLines) {
  using W = schema::DomainEvent::Which;
  Complaint k;
  Reach(k, Step::kAssigned);
  k.SetNow(L("2026-03-02T10:30:00"));
  k.Do(R"({"type":"respond","channel":"phone","summary":"x"})", Handler());  // position 5, in time
  k.SetNow(L("2026-03-02T12:00:00"));
  EXPECT_TRUE(Only(LinesAt(k, k.now()), "response_late").empty());
  // The response was in fact at 11:30: late.
  k.Do(R"({"type":"correct","event":5,"field":"occurred_at","value":"2026-03-02T11:30:00+08:00",
           "reason":"the call log says 11:30"})",
       CsAgent(), Referencing(5, W::CUSTOMER_RESPONDED));
  std::vector<FineLine> lines = Only(LinesAt(k, k.now()), "response_late");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].accrued, L("2026-03-02T11:00:00"));
  EXPECT_NE(std::find(lines[0].evidence.begin(), lines[0].evidence.end(), 5u),
            lines[0].evidence.end());
  // Corrected back to 10:45: on time again.
  k.Do(R"({"type":"correct","event":5,"field":"occurred_at","value":"2026-03-02T10:45:00+08:00",
           "reason":"wrong call"})",
       CsAgent(), Referencing(5, W::CUSTOMER_RESPONDED));
  EXPECT_TRUE(Only(LinesAt(k, k.now()), "response_late").empty());
}

TEST(Fines, CorrectingTheClosureTimeChangesTheOverdueDays) {
  using W = schema::DomainEvent::Which;
  Complaint k;
  Reach(k, Step::kConfirmed);
  k.SetNow(kDue + hours(1));
  k.Do(R"({"type":"close","basis":"customer_confirmed"})", CsAgent());
  const uint64_t closed = k.last_position();
  k.SetNow(kDue + hours(72));
  EXPECT_EQ(FormatMoney(Total(LinesAt(k, k.now()))), "100.00");
  k.Do(R"({"type":"correct","event":)" + std::to_string(closed) +
           R"(,"field":"occurred_at","value":"2026-03-06T16:00:00+08:00","reason":"closed later"})",
       CsAgent(), Referencing(closed, W::CLOSED));
  EXPECT_EQ(Days(LinesAt(k, k.now())), (std::vector<std::string>{"2026-03-05", "2026-03-06"}));
}

}  // namespace
}  // namespace ledger::domain
