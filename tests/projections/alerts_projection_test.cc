// The alert queue (projections/alerts.h, AlertsQuery): a clock past its deadline is missed
// whatever thresholds the policy lists, and pages end between complaints with a next page that
// is never empty.
#include <gtest/gtest.h>

#include "projection_util.h"
#include "projections/alerts.h"

namespace projections {
namespace {

using namespace testing_util;

class AlertQueue : public ::testing::Test {
 protected:
  // Complaints received by customer service on Monday 2026-03-02 at these times of day: each
  // first response is due an hour later.
  void Receive(const std::vector<std::string>& times) {
    for (const std::string& t : times) {
      f_.At("2026-03-02T" + t + ":00+08:00");
      ids_.push_back(f_.Do(ReceiveJson(), CsAgentActor()).id);
    }
  }
  // The default policy with other thresholds for every clock.
  Scope With(const std::vector<int>& thresholds, ledger::Time now) {
    policy_ = *f_.policies().current();
    policy_.alerts.defaults = thresholds;
    policy_.alerts.by.clear();
    projection_ = FoldAll(f_);
    return Scope{projection_, [this](uint32_t) { return &policy_; }, policy_, now};
  }
  static const Alert* Response(const AlertPage& page, const std::string& id) {
    for (const Alert& a : page.alerts)
      if (a.complaint == id && a.clock == domain::ClockKind::kResponse) return &a;
    return nullptr;
  }

  LedgerFixture f_;
  std::vector<std::string> ids_;
  domain::Policy policy_;
  LedgerProjection projection_;
};

TEST_F(AlertQueue, AClockPastItsDeadlineIsMissedWithoutAHundredThreshold) {
  Receive({"10:00"});
  AlertFilter all;
  // Half way: due soon.
  // The page is kept: Response() points into it.
  AlertPage early = AlertsQuery(With({50, 75}, T("2026-03-02T10:31:00+08:00")), all);
  const Alert* half = Response(early, ids_[0]);
  ASSERT_NE(half, nullptr);
  EXPECT_EQ(half->threshold, 50);
  EXPECT_FALSE(half->missed());
  // Past the deadline: the highest threshold passed is 75, and the clock is missed.
  AlertPage late = AlertsQuery(With({50, 75}, T("2026-03-02T11:05:00+08:00")), all);
  const Alert* missed = Response(late, ids_[0]);
  ASSERT_NE(missed, nullptr);
  EXPECT_EQ(missed->threshold, 75);
  EXPECT_TRUE(missed->missed());
  AlertFilter due_soon;
  due_soon.state = "due_soon";
  EXPECT_EQ(
      Response(AlertsQuery(With({50, 75}, T("2026-03-02T11:05:00+08:00")), due_soon), ids_[0]),
      nullptr);
}

TEST_F(AlertQueue, APageEndsOnlyWhenAnotherComplaintHasAMatchingAlert) {
  Receive({"10:00", "10:01", "10:02"});
  // 10:45: each complaint's response has passed 50% (10:30, 10:31, 10:32), none 100%.
  const ledger::Time now = T("2026-03-02T10:45:00+08:00");
  AlertFilter f;
  f.limit = 1;
  f.clock = "response";
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    f.cursor = cursor;
    AlertPage p = AlertsQuery(With({50, 100}, now), f);
    ASSERT_FALSE(p.alerts.empty()) << "page " << page << " is empty";
    for (const Alert& a : p.alerts) seen.push_back(a.complaint);
    cursor = p.next_cursor;
    if (cursor.empty()) break;
  }
  EXPECT_EQ(seen, ids_);
}

TEST_F(AlertQueue, AFullPageWithNothingAfterItHasNoNextCursor) {
  // Responses half way at 10:30, 10:50 and 11:10: at 10:45 only the first has an alert.
  Receive({"10:00", "10:20", "10:40"});
  AlertFilter f;
  f.limit = 1;
  f.clock = "response";
  AlertPage p = AlertsQuery(With({50, 100}, T("2026-03-02T10:45:00+08:00")), f);
  ASSERT_EQ(p.alerts.size(), 1u);
  EXPECT_EQ(p.alerts[0].complaint, ids_[0]);
  EXPECT_TRUE(p.next_cursor.empty()) << "would lead to an empty page";
}

}  // namespace
}  // namespace projections
