// The scheduler over the real product (api::Application with its HTTP routes): escalations that
// time brings are appended by the server itself, dated at their instant — for a complaint that
// gets no further action, across a restart over the instant (never twice) — and three
// complaints of one target entered late rise as of the business time of the third. The clock is
// a ManualClock moved by the test; the test runs the scheduler's round itself (RunDue), never
// sleeping.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "test_server.h"
#include "testing/temp_dir.h"

namespace api {
namespace {

namespace json = boost::json;
using testing_util::HttpReply;

const ledger::Actor kCs{"u-cs-01", "cs_agent", "customer_service"};
const ledger::Actor kAuditor{"u-auditor-01", "auditor", ""};

ledger::Time At(const std::string& local) { return *ledger::ParseRfc3339(local + "+08:00"); }

api_testing::TestServerConfig Config(const std::string& ledger_dir = "") {
  api_testing::TestServerConfig c = api_testing::ProductConfig();
  c.app_options.run_scheduler = false;  // the test runs each round
  c.ledger_dir = ledger_dir;
  return c;
}

std::string ReceiveBody(const std::string& extra = "") {
  return R"({"type":"receive","channel":"hotline","complainant":{"name":"Li"},"project":"p-lakeside",
    "subject":"Leak","description":"d","receiving_department":"customer_service")" +
         extra + "}";
}

// The system escalations of a complaint: (occurred_at, level).
std::vector<std::pair<std::string, std::string>> Escalations(api_testing::TestServer& server,
                                                             const std::string& id) {
  std::vector<std::pair<std::string, std::string>> out;
  HttpReply r = server.ClientAs(kAuditor).Get("/v1/complaints/" + id + "/events");
  EXPECT_EQ(r.status, 200u) << r.body;
  json::value doc = r.Json();
  for (const json::value& e : doc.at("events").as_array())
    if (e.at("type") == "LevelEscalated")
      out.emplace_back(std::string(e.at("occurred_at").as_string()),
                       std::string(e.at("payload").at("level").as_string()));
  return out;
}

std::string LevelAsOf(api_testing::TestServer& server, const std::string& id,
                      const std::string& as_of) {
  std::string target = "/v1/complaints/" + id;
  if (!as_of.empty()) target += "?as_of=" + as_of;
  HttpReply r = server.ClientAs(kAuditor).Get(target);
  EXPECT_EQ(r.status, 200u) << r.body;
  return std::string(r.Json().at("level").as_string());
}

std::string Assigned(api_testing::TestServer& server) {
  testing_util::HttpClient cs = server.ClientAs(kCs);
  HttpReply r = cs.Post("/v1/complaints", ReceiveBody());
  EXPECT_EQ(r.status, 201u) << r.body;
  std::string id(r.Json().at("id").as_string());
  for (const char* body : {R"({"type":"assess_validity","valid":true})",
                           R"({"type":"classify","category":"property_service"})",
                           R"({"type":"assign","department":"property","handler":"u-h1"})"})
    EXPECT_EQ(cs.Post("/v1/complaints/" + id + "/actions", body).status, 200u);
  return id;
}

TEST(Scheduler, AComplaintWithNoFurtherActionRisesAtTheInstant) {
  api_testing::TestServer server(Config());
  server.clock().Set(At("2026-03-02T10:00:00"));
  const std::string id = Assigned(server);
  ASSERT_TRUE(server.WaitForProjections());
  server.clock().Set(At("2026-03-09T09:59:59"));
  EXPECT_EQ(server.app().scheduler().RunDue().value(), 0u);  // a second short of the week
  server.clock().Set(At("2026-03-09T10:00:03"));
  EXPECT_EQ(server.app().scheduler().RunDue().value(), 1u);
  EXPECT_EQ(Escalations(server, id),
            (std::vector<std::pair<std::string, std::string>>{
                {"2026-03-09T02:00:00Z", "important"}}));  // dated at the instant, not now
  // As of any time after the instant, the ticket shows the level its rules give; before, not.
  EXPECT_EQ(LevelAsOf(server, id, "2026-03-09T10:00:01%2B08:00"), "important");
  EXPECT_EQ(LevelAsOf(server, id, "2026-03-09T09:59:00%2B08:00"), "general");
  ASSERT_TRUE(server.WaitForProjections());
  EXPECT_EQ(LevelAsOf(server, id, ""), "important");
  // Never twice.
  server.clock().Set(At("2026-03-20T10:00:00"));
  EXPECT_EQ(server.app().scheduler().RunDue().value(), 0u);
  EXPECT_EQ(Escalations(server, id).size(), 1u);
}

TEST(Scheduler, ARestartAcrossTheInstantCatchesUpOnceAndOnlyOnce) {
  testing_util::TempDir dir;
  const std::string ledger = dir.Sub("ledger");
  std::string id;
  {
    api_testing::TestServer before(Config(ledger));
    before.clock().Set(At("2026-03-02T10:00:00"));
    id = Assigned(before);
    ASSERT_TRUE(before.WaitForProjections());
    EXPECT_EQ(before.app().scheduler().stats().agenda, 1u);
  }
  // Down over the instant; started again three days after it.
  for (int restart = 0; restart < 2; ++restart) {
    api_testing::TestServerConfig c = Config(ledger);
    api_testing::TestServer after(c);
    after.clock().Set(At("2026-03-12T10:00:00"));
    ledger::Result<size_t> n = after.app().scheduler().RunDue();
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_EQ(*n, restart == 0 ? 1u : 0u);
    EXPECT_EQ(
        Escalations(after, id),
        (std::vector<std::pair<std::string, std::string>>{{"2026-03-09T02:00:00Z", "important"}}));
    // Recorded three days after its instant by the ledger itself: not a person's late entry.
    ASSERT_TRUE(after.WaitForProjections());
    HttpReply findings = after.ClientAs(kAuditor).Get("/v1/findings");
    ASSERT_EQ(findings.status, 200u) << findings.body;
    EXPECT_EQ(findings.body.find("late_entry"), std::string::npos) << findings.body;
  }
}

TEST(Scheduler, ThreeComplaintsOfOneTargetEnteredLateRiseAsOfTheThird) {
  api_testing::TestServer server(Config());
  server.clock().Set(At("2026-03-10T10:00:00"));
  testing_util::HttpClient cs = server.ClientAs(kCs);
  const std::string target = R"(,"target":{"kind":"person","id":"u-target-9"})";
  // Entered in the order C, A, B; they occurred A (the 2nd), B (the 3rd), C (the 4th).
  std::vector<std::string> ids;
  for (const char* day : {"2026-03-04", "2026-03-02", "2026-03-03"}) {
    HttpReply r = cs.Post("/v1/complaints", ReceiveBody(target + R"(,"occurred_at":")" + day +
                                                        R"(T10:00:00+08:00")"));
    ASSERT_EQ(r.status, 201u) << r.body;
    ids.push_back(std::string(r.Json().at("id").as_string()));
  }
  // As of the 4th, when the third occurred, all three were on record against the target.
  for (const std::string& id : ids) {
    EXPECT_EQ(
        Escalations(server, id),
        (std::vector<std::pair<std::string, std::string>>{{"2026-03-04T02:00:00Z", "important"}}))
        << id;
  }
  EXPECT_EQ(LevelAsOf(server, ids[1], "2026-03-03T12:00:00%2B08:00"), "general");
  EXPECT_EQ(LevelAsOf(server, ids[1], "2026-03-04T12:00:00%2B08:00"), "important");
}

}  // namespace
}  // namespace api
