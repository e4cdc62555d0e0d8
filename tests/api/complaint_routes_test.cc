// The product's API over a real server and a real HTTP client, as `ledgerctl serve` runs it
// (api::Application: the default policy, the write path, projections kept by a follower): every
// contract endpoint, the authorisation matrix on the real routes, redaction for `reader`,
// idempotent retries, concurrent actions with expected_version, and bad input that appends
// nothing.
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "api/http/api.capnp.h"
#include "ledger/base/capnp_util.h"
#include "test_server.h"

namespace api {
namespace {

namespace json = boost::json;
using api_testing::TestServer;
using testing_util::HttpClient;
using testing_util::HttpReply;

const ledger::Actor kCs{"u-cs-01", "cs_agent", "customer_service"};
const ledger::Actor kCsHead{"u-head-customer-service", "cs_head", "customer_service"};
const ledger::Actor kIntake{"u-intake-property-1", "intake", "property"};
const ledger::Actor kHandler{"u-handler-property-1", "handler", "property"};
const ledger::Actor kOtherHandler{"u-handler-marketing-1", "handler", "marketing"};
const ledger::Actor kHead{"u-head-property", "dept_head", "property"};
const ledger::Actor kOtherHead{"u-head-marketing", "dept_head", "marketing"};
const ledger::Actor kDeputy{"u-deputy-gm", "deputy_gm", ""};
const ledger::Actor kGm{"u-gm", "gm", ""};
const ledger::Actor kAuditor{"u-auditor-01", "auditor", ""};
const ledger::Actor kReader{"u-reader-01", "reader", ""};
const ledger::Actor kAdmin{"u-admin", "admin", ""};

std::string Receive(const std::string& department = "customer_service",
                    const std::string& extra = "") {
  return R"({"type":"receive","channel":"hotline","complainant":{"name":"Li Wei","phone":"13800000001","unit":"3-402","is_owner":true},
    "project":"p-lakeside","subject":"Leak","description":"Water leak in the ceiling","receiving_department":")" +
         department + "\"" + extra + "}";
}

class ComplaintRoutes : public ::testing::Test {
 protected:
  // Tuesday 2026-01-06 10:00 (+08:00), a working day: clocks start at intake.
  ComplaintRoutes() : server_(api_testing::ProductConfig()) {
    server_.clock().Set(*ledger::ParseRfc3339("2026-01-06T10:00:00+08:00"));
  }

  // Received by customer service, assessed valid, classified property_service and assigned to
  // the property department (handler kHandler). Returns the id.
  std::string Assigned() {
    HttpReply r = As(kCs).Post("/v1/complaints", Receive());
    EXPECT_EQ(r.status, 201u) << r.body;
    std::string id(r.Json().at("id").as_string());
    Act(kCs, id, R"({"type":"assess_validity","valid":true})");
    Act(kCs, id, R"({"type":"classify","category":"property_service"})");
    Act(kCs, id, R"({"type":"assign","department":"property","handler":"u-handler-property-1"})");
    return id;
  }
  HttpReply Act(const ledger::Actor& who, const std::string& id, const std::string& body,
                unsigned expect = 200) {
    HttpReply r = As(who).Post("/v1/complaints/" + id + "/actions", body);
    EXPECT_EQ(r.status, expect) << body << " -> " << r.body;
    return r;
  }
  HttpClient As(const ledger::Actor& who) { return server_.ClientAs(who); }
  uint64_t Version(const std::string& id) { return server_.log().StreamVersion(id).value(); }

  TestServer server_;
};

// --- every endpoint ---------------------------------------------------------------------------

TEST_F(ComplaintRoutes, ReceiveActAndReadAComplaint) {
  HttpReply created = As(kCs).Post("/v1/complaints", Receive());
  ASSERT_EQ(created.status, 201u) << created.body;
  json::value c = created.Json();
  std::string id(c.at("id").as_string());
  EXPECT_EQ(id, "CMP-2026-000001");
  EXPECT_EQ(created.Header("Location"), "/v1/complaints/" + id);
  EXPECT_EQ(c.at("version").as_int64(), 1);
  EXPECT_EQ(c.at("events").as_array().size(), 1u);
  EXPECT_EQ(c.at("events").at(0).at("type"), "ComplaintReceived");
  EXPECT_EQ(c.at("events").at(0).at("actor").at("id"), "u-cs-01");  // from the token, not the body

  HttpReply acted = Act(kCs, id, R"({"type":"assess_validity","valid":true})");
  EXPECT_EQ(acted.Json().at("version").as_int64(), 2);
  EXPECT_EQ(acted.Json().at("position").as_int64(), int64_t(server_.Head()));

  HttpReply state = As(kAuditor).Get("/v1/complaints/" + id);
  ASSERT_EQ(state.status, 200u) << state.body;
  json::value s = state.Json();
  EXPECT_EQ(s.at("status"), "open");
  EXPECT_EQ(s.at("stage"), "assessed");
  EXPECT_EQ(s.at("level"), "general");
  EXPECT_EQ(s.at("rule_level").at("level"), "general");
  EXPECT_EQ(s.at("complainant").at("name"), "Li Wei");  // an auditor sees personal data
  bool response_clock = false;
  for (const json::value& clock : s.at("clocks").as_array()) {
    if (clock.at("clock") != "response") continue;
    response_clock = true;
    EXPECT_EQ(clock.at("state"), "pending");
    EXPECT_EQ(clock.at("due"), "2026-01-06T11:00:00+08:00");  // intake 10:00 + 1 hour
    EXPECT_EQ(clock.at("explanation").at("allowance"), "1 hour");
  }
  EXPECT_TRUE(response_clock);

  HttpReply events = As(kAuditor).Get("/v1/complaints/" + id + "/events");
  ASSERT_EQ(events.status, 200u);
  ASSERT_EQ(events.Json().at("events").as_array().size(), 2u);
  EXPECT_EQ(events.Json().at("events").at(1).at("type"), "ValidityAssessed");
  EXPECT_EQ(events.Json().at("events").at(1).at("hash").as_string().size(), 64u);

  HttpReply timeline = As(kAuditor).Get("/v1/complaints/" + id + "/timeline");
  ASSERT_EQ(timeline.status, 200u);
  json::array entries = timeline.Json().at("entries").as_array();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_FALSE(entries[1].at("changes").as_array().empty());
  EXPECT_FALSE(entries[1].at("clocks").as_array().empty());

  EXPECT_EQ(As(kAuditor).Get("/v1/complaints/CMP-2026-000099").status, 404u);
}

TEST_F(ComplaintRoutes, TheListFiltersAndPagesWithACursor) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(As(kCs).Post("/v1/complaints", Receive()).status, 201u);
  Act(kCs, "CMP-2026-000002", R"({"type":"assess_validity","valid":false,"reason":"suggestion"})");
  Act(kCs, "CMP-2026-000002", R"({"type":"respond","channel":"phone","summary":"explained"})");
  Act(kCs, "CMP-2026-000002", R"({"type":"close","basis":"invalid_explained"})");
  ASSERT_TRUE(server_.WaitForProjections());

  std::vector<std::string> seen;
  std::string target = "/v1/complaints?limit=2";
  for (int page = 0; page < 5 && !target.empty(); ++page) {
    HttpReply r = As(kAuditor).Get(target);
    ASSERT_EQ(r.status, 200u) << r.body;
    json::value doc = r.Json();
    for (const json::value& item : doc.at("complaints").as_array())
      seen.emplace_back(item.at("id").as_string());
    const json::value& cursor = doc.at("next_cursor");
    target =
        cursor.is_null() ? "" : "/v1/complaints?limit=2&cursor=" + std::string(cursor.as_string());
  }
  EXPECT_EQ(seen.size(), 5u);  // every complaint once, in id order
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  HttpReply closed = As(kAuditor).Get("/v1/complaints?status=closed");
  ASSERT_EQ(closed.status, 200u);
  ASSERT_EQ(closed.Json().at("complaints").as_array().size(), 1u);
  EXPECT_EQ(closed.Json().at("complaints").at(0).at("id"), "CMP-2026-000002");
  EXPECT_EQ(
      As(kAuditor).Get("/v1/complaints?status=open").Json().at("complaints").as_array().size(), 4u);
  EXPECT_EQ(As(kAuditor).Get("/v1/complaints?status=sideways").status, 400u);
  EXPECT_EQ(As(kAuditor).Get("/v1/complaints?limit=0").status, 400u);
}

TEST_F(ComplaintRoutes, ReportsAnswerWithTheirShapes) {
  std::string id = Assigned();
  server_.clock().Advance(std::chrono::hours(30));  // response (1 h) and plan (4 h) missed
  ASSERT_TRUE(server_.WaitForProjections());

  HttpReply fines = As(kAuditor).Get("/v1/fines?month=2026-01");
  ASSERT_EQ(fines.status, 200u) << fines.body;
  json::value f = fines.Json();
  EXPECT_EQ(f.at("month"), "2026-01");
  EXPECT_EQ(f.at("total"), "500.00");  // response_late 200.00 + no_plan 300.00
  for (const json::value& line : f.at("lines").as_array()) {
    EXPECT_EQ(line.at("complaint").as_string(), id);
    EXPECT_FALSE(line.at("evidence").as_array().empty());
  }
  EXPECT_EQ(As(kAuditor).Get("/v1/fines").status, 400u);  // month is required
  EXPECT_EQ(As(kAuditor).Get("/v1/fines?month=2026-1").status, 400u);

  // A department head reads their own department only, whatever department it asks for.
  HttpReply mine = As(kHead).Get("/v1/fines?month=2026-01&department=marketing");
  ASSERT_EQ(mine.status, 200u);
  EXPECT_EQ(mine.Json().at("total"), "500.00");  // both lines are property's
  EXPECT_EQ(As(kAuditor).Get("/v1/fines?month=2026-01&department=marketing").Json().at("total"),
            "0.00");

  HttpReply resp = As(kAuditor).Get("/v1/responsibility?department=property");
  ASSERT_EQ(resp.status, 200u);
  EXPECT_FALSE(resp.Json().at("records").as_array().empty());
  HttpReply rewards = As(kAuditor).Get("/v1/rewards?month=2026-01");
  ASSERT_EQ(rewards.status, 200u);
  EXPECT_TRUE(rewards.Json().at("departments").is_array());
  HttpReply metrics = As(kAuditor).Get("/v1/metrics?month=2026-01");
  ASSERT_EQ(metrics.status, 200u);
  EXPECT_EQ(metrics.Json().at("total").at("received").as_int64(), 1);
  HttpReply findings = As(kAuditor).Get("/v1/findings");
  ASSERT_EQ(findings.status, 200u);
  EXPECT_TRUE(findings.Json().at("findings").is_array());
  EXPECT_EQ(As(kAuditor).Get("/v1/findings?from=yesterday").status, 400u);
}

// A month's line items come a page at a time (limit, cursor); the tallies always count every
// line. Paging through with a small limit gives exactly the lines of one large page.
TEST_F(ComplaintRoutes, FineLineItemsComePageByPageWithWholeTallies) {
  for (int i = 0; i < 3; ++i) Assigned();
  server_.clock().Advance(
      std::chrono::hours(24 * 6));  // response, plan, closure missed: many lines
  ASSERT_TRUE(server_.WaitForProjections());
  json::value all = As(kAuditor).Get("/v1/fines?month=2026-01").Json();
  const json::array& every = all.at("lines").as_array();
  ASSERT_GE(every.size(), 9u);
  EXPECT_EQ(all.at("line_count").as_int64(), int64_t(every.size()));
  EXPECT_TRUE(all.at("next_cursor").is_null());

  std::vector<std::string> paged;
  std::string cursor;
  int pages = 0;
  do {
    std::string url =
        "/v1/fines?month=2026-01&limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor);
    HttpReply r = As(kAuditor).Get(url);
    ASSERT_EQ(r.status, 200u) << r.body;
    json::value page = r.Json();
    EXPECT_EQ(page.at("total"), all.at("total"));  // whole tallies on every page
    EXPECT_EQ(page.at("by_department"), all.at("by_department"));
    EXPECT_EQ(page.at("line_count"), all.at("line_count"));
    EXPECT_LE(page.at("lines").as_array().size(), 2u);
    for (const json::value& l : page.at("lines").as_array())
      paged.emplace_back(l.at("id").as_string());
    cursor.clear();  // the next cursor, percent-encoded for the query string
    if (!page.at("next_cursor").is_null())
      for (char c : page.at("next_cursor").as_string())
        cursor += c == ',' ? std::string("%2C") : std::string(1, c);
    ASSERT_LT(++pages, 100);
  } while (!cursor.empty());
  std::vector<std::string> expected;
  for (const json::value& l : every) expected.emplace_back(l.at("id").as_string());
  EXPECT_EQ(paged, expected);
  EXPECT_EQ(pages, int((expected.size() + 1) / 2));

  EXPECT_EQ(As(kAuditor).Get("/v1/fines?month=2026-01&limit=0").status, 400u);
  EXPECT_EQ(As(kAuditor).Get("/v1/fines?month=2026-01&limit=10001").status, 400u);
  HttpReply bad = As(kAuditor).Get("/v1/fines?month=2026-01&cursor=yesterday");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(bad.body.find("cursor"), std::string::npos) << bad.body;
}

// GET /v1/fines at "now" answers from the runner's fine index. It follows the log (a new
// complaint, a waiver) and the clock (deadlines and overdue days that pass with no event), and
// says what a fresh evaluation of every complaint says (known_at=now takes that path).
TEST_F(ComplaintRoutes, FinesAtNowFollowTheLogAndTheClock) {
  auto counter = [&](const std::string& name) {
    std::string text = server_.Client().Get("/metrics").body;
    size_t at = text.find("\n" + name + " ");
    return at == std::string::npos ? -1.0 : std::stod(text.substr(at + name.size() + 2));
  };
  auto same_as_fresh = [&](const std::string& step) {
    ASSERT_TRUE(server_.WaitForProjections());
    HttpReply kept = As(kAuditor).Get("/v1/fines?month=2026-01");
    std::string now = ledger::FormatRfc3339(server_.clock().Now());
    HttpReply fresh = As(kAuditor).Get("/v1/fines?month=2026-01&known_at=" + now);
    ASSERT_EQ(kept.status, 200u) << kept.body;
    ASSERT_EQ(fresh.status, 200u) << fresh.body;
    json::object a = kept.Json().as_object(), b = fresh.Json().as_object();
    a.erase("evaluated");
    b.erase("evaluated");
    EXPECT_EQ(json::serialize(a), json::serialize(b)) << step;
  };
  std::string first = Assigned();
  server_.clock().Advance(std::chrono::hours(5));  // response (1 h) and plan (4 h) missed
  same_as_fresh("one complaint");
  const double evaluated = counter("ledger_fine_index_evaluations_total");
  EXPECT_GE(evaluated, 1.0);
  EXPECT_EQ(As(kAuditor).Get("/v1/fines?month=2026-01").Json().at("total"), "500.00");

  std::string second = Assigned();  // touched: the index evaluates it at the next query
  same_as_fresh("a second complaint, its clocks running");
  server_.clock().Advance(std::chrono::hours(5));  // its deadlines pass with no event
  same_as_fresh("the second complaint's deadlines passed");
  EXPECT_EQ(As(kAuditor).Get("/v1/fines?month=2026-01").Json().at("total"), "1000.00");

  Act(kDeputy, first,
      R"({"type":"waive_fine","fine":")" + first +
          R"(:no_plan","reason":"the customer's schedule"})");
  same_as_fresh("a waiver");
  EXPECT_EQ(As(kAuditor).Get("/v1/fines?month=2026-01").Json().at("waived"), "300.00");

  server_.clock().Advance(std::chrono::hours(24 * 12));  // closure deadlines and overdue days pass
  same_as_fresh("twelve days later");
  EXPECT_GT(As(kAuditor).Get("/v1/fines?month=2026-01").Json().at("line_count").as_int64(), 4);
  EXPECT_GT(counter("ledger_fine_index_evaluations_total"), evaluated);
  EXPECT_EQ(counter("ledger_fine_index_restarts_total"), 0.0);
  EXPECT_GT(counter("ledger_fine_index_lines"), 4.0);
}

TEST_F(ComplaintRoutes, AsOfAndKnownAtGiveDifferentAnswersForABackDatedEntry) {
  std::string id = Assigned();  // received 2026-01-06 10:00 (+08:00): response due 11:00
  server_.clock().Advance(std::chrono::hours(3));
  // Recorded at 13:00, but the handler says it happened at 10:30: on time.
  Act(kHandler, id,
      R"({"type":"respond","channel":"phone","summary":"called","occurred_at":"2026-01-06T10:30:00+08:00"})");
  auto response = [&](const std::string& query) -> std::string {
    HttpReply r = As(kAuditor).Get("/v1/complaints/" + id + query);
    EXPECT_EQ(r.status, 200u) << r.body;
    json::value doc = r.Json();
    for (const json::value& c : doc.at("clocks").as_array())
      if (c.at("clock") == "response") return std::string(c.at("state").as_string());
    return "";
  };
  // As of 11:30 business time the response had happened; as known at 11:30 it had not.
  EXPECT_EQ(response("?as_of=2026-01-06T11:30:00%2B08:00"), "met");
  EXPECT_EQ(response("?known_at=2026-01-06T11:30:00%2B08:00"), "missed");
  EXPECT_EQ(response(""), "met");
  EXPECT_EQ(As(kAuditor).Get("/v1/complaints/" + id + "?as_of=noon").status, 400u);
  EXPECT_EQ(As(kAuditor).Get("/v1/complaints/" + id + "?policy=7").status, 400u);
  // Before the intake the complaint did not exist.
  EXPECT_EQ(As(kAuditor).Get("/v1/complaints/" + id + "?as_of=2025-12-31T00:00:00%2B08:00").status,
            404u);
}

// A ticket at "now" comes from the kept projection once it has caught up (no stream read, no
// fold) and says exactly what folding the stream says; right after an action, before the
// projection has it, the stream is folded instead: a client always reads its own writes.
TEST_F(ComplaintRoutes, ATicketAtNowComesFromTheKeptProjectionAndEqualsTheFold) {
  std::string id = Assigned();
  Act(kHandler, id, R"({"type":"respond","channel":"phone","summary":"called"})");
  server_.clock().Advance(std::chrono::hours(30));  // the plan clock has run out since
  ASSERT_TRUE(server_.WaitForProjections());
  auto loads = [&](const std::string& source) {
    std::string text = server_.Client().Get("/metrics").body;
    std::string key = "ledger_complaint_loads_total{source=\"" + source + "\"} ";
    size_t at = text.find(key);
    return at == std::string::npos ? -1.0 : std::stod(text.substr(at + key.size()));
  };
  const double kept_before = loads("projection"), folded_before = loads("log");
  ASSERT_GE(kept_before, 0.0);
  HttpReply kept = As(kAuditor).Get("/v1/complaints/" + id);
  ASSERT_EQ(kept.status, 200u) << kept.body;
  EXPECT_EQ(loads("projection"), kept_before + 1);
  // Known at now: the same events, folded from the stream, evaluated at the same time.
  std::string now = ledger::FormatRfc3339(server_.clock().Now());  // "...Z": nothing to escape
  HttpReply folded = As(kAuditor).Get("/v1/complaints/" + id + "?known_at=" + now);
  ASSERT_EQ(folded.status, 200u) << folded.body;
  EXPECT_EQ(loads("log"), folded_before + 1);
  json::object a = kept.Json().as_object(), b = folded.Json().as_object();
  a.erase("evaluated");
  b.erase("evaluated");
  EXPECT_EQ(json::serialize(a), json::serialize(b));
  bool missed = false;
  for (const json::value& c : a.at("clocks").as_array()) missed |= c.at("state") == "missed";
  EXPECT_TRUE(missed) << "the ticket should show a clock evaluated at now";

  // The projection stops following the log: every later version is only in the stream.
  server_.app().projections().Stop();
  const double folded_after = loads("log");
  for (int i = 0; i < 3; ++i) {
    HttpReply r =
        Act(kHandler, id, R"({"type":"respond","channel":"phone","summary":"called again"})");
    HttpReply read = As(kAuditor).Get("/v1/complaints/" + id);
    ASSERT_EQ(read.status, 200u);
    EXPECT_EQ(read.Json().at("version"), r.Json().at("version"));
  }
  EXPECT_EQ(loads("log"), folded_after + 3);
}

TEST_F(ComplaintRoutes, PoliciesArePublishedByAdminsAndListed) {
  HttpReply list = As(kReader).Get("/v1/policies");
  ASSERT_EQ(list.status, 200u);
  EXPECT_EQ(list.Json().at("current").as_int64(), 1);
  HttpReply one = As(kAdmin).Get("/v1/policies?version=1");
  ASSERT_EQ(one.status, 200u);
  std::string document(one.Json().at("policies").at(0).at("document").as_string());
  json::value changed = json::parse(document);
  changed.as_object()["name"] = "stricter";
  HttpReply published = As(kAdmin).Post("/v1/policies", json::serialize(changed));
  ASSERT_TRUE(published.status == 200u || published.status == 201u) << published.body;
  EXPECT_EQ(published.Json().at("version").as_int64(), 2);
  EXPECT_EQ(As(kAdmin).Get("/v1/policies").Json().at("current").as_int64(), 2);
  EXPECT_EQ(As(kCs).Post("/v1/policies", json::serialize(changed)).status, 403u);
  HttpReply broken = As(kAdmin).Post("/v1/policies", R"({"name":"x"})");
  EXPECT_EQ(broken.status, 400u) << broken.body;
  EXPECT_EQ(As(kAdmin).Get("/v1/policies?version=9").status, 404u);
}

TEST_F(ComplaintRoutes, DepartmentRatingsGoToTheirOwnEndpoint) {
  HttpReply r = As(kCs).Post(
      "/v1/ratings",
      R"({"type":"rate_department","department":"property","month":"2026-01","score":92})");
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(
      As(kHandler)
          .Post(
              "/v1/ratings",
              R"({"type":"rate_department","department":"property","month":"2026-01","score":92})")
          .status,
      403u);
}

// --- who may do what --------------------------------------------------------------------------

TEST_F(ComplaintRoutes, TheAuthorisationMatrixOnTheRealRoutes) {
  // Received at the property front desk and assigned to property: every role below can see it
  // at the object level, so the matrix shows the function level alone.
  HttpReply r = As(kIntake).Post("/v1/complaints", Receive("property"));
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string id(r.Json().at("id").as_string());
  Act(kIntake, id, R"({"type":"transmit","to_department":"customer_service"})");
  Act(kCs, id, R"({"type":"assess_validity","valid":true})");
  Act(kCs, id, R"({"type":"classify","category":"property_service"})");
  Act(kCs, id, R"({"type":"assign","department":"property","handler":"u-handler-property-1"})");

  const ledger::Actor* roles[] = {&kIntake, &kCs, &kCsHead,  &kHandler, &kHead,
                                  &kDeputy, &kGm, &kAuditor, &kReader,  &kAdmin};
  // Expected: the roles each route admits (docs/rules.md#roles, docs/api.md).
  struct Route {
    std::string method, path, body;
    std::set<std::string> admits;
  };
  // On the actions route, each role tries an action its role may take (the domain checks every
  // action x role pair itself: tests/domain/decide_roles_test.cc); refusals other than 403 (the
  // state does not allow it) are fine here.
  const std::map<std::string, std::string> action_of = {
      {"intake", R"({"type":"transmit","to_department":"customer_service"})"},
      {"dept_head", R"({"type":"review_plan","approved":true})"},
      {"deputy_gm", R"({"type":"waive_fine","fine":"none","reason":"x"})"},
      {"gm", R"({"type":"waive_fine","fine":"none","reason":"x"})"},
  };
  const std::set<std::string> readers = {"intake",    "cs_agent", "cs_head", "handler", "dept_head",
                                         "deputy_gm", "gm",       "auditor", "reader"};
  const std::set<std::string> reports = {"cs_agent", "cs_head", "dept_head", "deputy_gm",
                                         "gm",       "auditor", "reader"};
  const std::vector<Route> routes = {
      {"POST", "/v1/complaints", Receive("property"), {"intake", "cs_agent", "cs_head"}},
      {"POST",
       "/v1/complaints/" + id + "/actions",
       R"({"type":"record_progress","summary":"x"})",
       {"intake", "cs_agent", "cs_head", "handler", "dept_head", "deputy_gm", "gm"}},
      {"POST",
       "/v1/ratings",
       R"({"type":"rate_department","department":"property","month":"2026-01","score":90})",
       {"cs_agent", "cs_head"}},
      {"GET", "/v1/complaints/" + id, "", readers},
      {"GET", "/v1/complaints/" + id + "/events", "", readers},
      {"GET", "/v1/complaints/" + id + "/timeline", "", readers},
      {"GET", "/v1/complaints", "", readers},
      {"GET", "/v1/responsibility", "", reports},
      {"GET", "/v1/fines?month=2026-01", "", reports},
      {"GET", "/v1/rewards?month=2026-01", "", reports},
      {"GET", "/v1/metrics?month=2026-01", "", reports},
      {"GET", "/v1/findings", "", reports},
      {"GET", "/v1/events", "", {"cs_head", "deputy_gm", "gm", "auditor"}},
      {"GET", "/v1/ledger/verify", "", {"auditor", "admin"}},
      {"GET",
       "/v1/policies",
       "",
       {"intake", "cs_agent", "cs_head", "handler", "dept_head", "deputy_gm", "gm", "auditor",
        "reader", "admin"}},
      {"POST", "/v1/policies", "{}", {"admin"}},
  };
  for (const Route& route : routes) {
    HttpClient anonymous = server_.Client();
    HttpReply none = anonymous.Request(route.method, route.path, route.body);
    EXPECT_EQ(none.status, 401u) << route.method << " " << route.path;
    for (const ledger::Actor* who : roles) {
      std::string body = route.body;
      if (route.path.find("/actions") != std::string::npos && action_of.count(who->role))
        body = action_of.at(who->role);
      // A receive names the caller's own department (the domain refuses another's).
      if (route.method == "POST" && route.path == "/v1/complaints") body = Receive(who->department);
      HttpReply got = As(*who).Request(route.method, route.path, body);
      if (route.admits.count(who->role)) {
        EXPECT_NE(got.status, 401u) << route.method << " " << route.path << " as " << who->role;
        EXPECT_NE(got.status, 403u)
            << route.method << " " << route.path << " as " << who->role << ": " << got.body;
      } else {
        EXPECT_EQ(got.status, 403u)
            << route.method << " " << route.path << " as " << who->role << ": " << got.body;
      }
    }
  }
}

TEST_F(ComplaintRoutes, HandlersAndHeadsSeeOnlyWhatTheirDepartmentHolds) {
  std::string id = Assigned();  // held by property
  EXPECT_EQ(As(kHandler).Get("/v1/complaints/" + id).status, 200u);
  EXPECT_EQ(As(kHead).Get("/v1/complaints/" + id).status, 200u);
  EXPECT_EQ(As(kOtherHandler).Get("/v1/complaints/" + id).status, 403u);
  EXPECT_EQ(As(kOtherHead).Get("/v1/complaints/" + id + "/timeline").status, 403u);
  const uint64_t head = server_.Head();
  Act(kOtherHandler, id, R"({"type":"record_progress","summary":"not mine"})", 403);
  EXPECT_EQ(server_.Head(), head);
  // And the list shows them only theirs.
  ASSERT_TRUE(server_.WaitForProjections());
  EXPECT_EQ(As(kOtherHandler).Get("/v1/complaints").Json().at("complaints").as_array().size(), 0u);
  EXPECT_EQ(As(kHandler).Get("/v1/complaints").Json().at("complaints").as_array().size(), 1u);
}

TEST_F(ComplaintRoutes, ReadersGetPersonalDataRedacted) {
  std::string id = Assigned();
  auto no_personal_data = [](const std::string& body) {
    EXPECT_EQ(body.find("Li Wei"), std::string::npos) << body;
    EXPECT_EQ(body.find("13800000001"), std::string::npos) << body;
    EXPECT_EQ(body.find("3-402"), std::string::npos) << body;
  };
  HttpReply state = As(kReader).Get("/v1/complaints/" + id);
  ASSERT_EQ(state.status, 200u);
  no_personal_data(state.body);
  EXPECT_EQ(state.Json().at("complainant").at("name"), "[redacted]");
  HttpReply events = As(kReader).Get("/v1/complaints/" + id + "/events");
  ASSERT_EQ(events.status, 200u);
  no_personal_data(events.body);
  HttpReply timeline = As(kReader).Get("/v1/complaints/" + id + "/timeline");
  ASSERT_EQ(timeline.status, 200u);
  no_personal_data(timeline.body);
  // Those who need it see it.
  EXPECT_NE(As(kCs).Get("/v1/complaints/" + id).body.find("Li Wei"), std::string::npos);
}

// --- retries and races ------------------------------------------------------------------------

TEST_F(ComplaintRoutes, ARetriedActionWithItsIdempotencyKeyAppendsNothing) {
  const std::string receive = Receive("customer_service", R"(,"idempotency_key":"intake-7")");
  HttpReply first = As(kCs).Post("/v1/complaints", receive);
  ASSERT_EQ(first.status, 201u) << first.body;
  const uint64_t head = server_.Head();
  HttpReply again = As(kCs).Post("/v1/complaints", receive);
  EXPECT_LT(again.status, 300u) << again.body;
  EXPECT_EQ(again.Json().at("id"), first.Json().at("id"));
  EXPECT_EQ(again.Json().at("position"), first.Json().at("position"));
  EXPECT_TRUE(again.Json().at("deduplicated").as_bool());
  EXPECT_EQ(server_.Head(), head);

  std::string id(first.Json().at("id").as_string());
  const std::string act = R"({"type":"assess_validity","valid":true,"idempotency_key":"assess-7"})";
  HttpReply a1 = Act(kCs, id, act);
  HttpReply a2 = Act(kCs, id, act);
  EXPECT_EQ(a2.Json().at("position"), a1.Json().at("position"));
  EXPECT_TRUE(a2.Json().at("deduplicated").as_bool());
  EXPECT_EQ(Version(id), 2u);
}

TEST_F(ComplaintRoutes, ConcurrentActionsAtOneExpectedVersionHaveExactlyOneWinner) {
  std::string id = Assigned();
  for (int round = 0; round < 5; ++round) {
    const uint64_t v = Version(id);
    const std::string body = R"({"type":"record_progress","summary":"update","expected_version":)" +
                             std::to_string(v) + "}";
    constexpr int kClients = 8;
    std::vector<HttpReply> replies(kClients);
    std::vector<std::thread> threads;
    for (int i = 0; i < kClients; ++i)
      threads.emplace_back([&, i] {
        replies[size_t(i)] = As(kHandler).Post("/v1/complaints/" + id + "/actions", body);
      });
    for (std::thread& t : threads) t.join();
    int won = 0;
    for (const HttpReply& r : replies) {
      if (r.status == 200u) {
        ++won;
        continue;
      }
      ASSERT_EQ(r.status, 409u) << r.body;
      std::string detail(r.Json().at("detail").as_string());
      EXPECT_NE(detail.find(id), std::string::npos) << detail;
      EXPECT_NE(detail.find(std::to_string(v)), std::string::npos) << detail;      // expected
      EXPECT_NE(detail.find(std::to_string(v + 1)), std::string::npos) << detail;  // actual
    }
    EXPECT_EQ(won, 1) << "round " << round;
    EXPECT_EQ(Version(id), v + 1);
  }
}

// --- bad input: the right 4xx, and nothing appended ---------------------------------------------

TEST_F(ComplaintRoutes, BadInputIsRefusedAndAppendsNothing) {
  std::string id = Assigned();
  struct Case {
    const char* why;
    std::string path, body;
    unsigned status;
    std::string field;  // named in errors[], when not empty
  };
  const std::string act = "/v1/complaints/" + id + "/actions";
  const std::vector<Case> cases = {
      {"malformed JSON", act, R"({"type":"record_progress",)", 400, ""},
      {"not an object", act, R"(["record_progress"])", 400, ""},
      {"unknown action", act, R"({"type":"teleport"})", 400, "type"},
      {"unknown field", act, R"({"type":"record_progress","summary":"x","colour":"red"})", 400,
       "colour"},
      {"wrong type", act, R"({"type":"record_progress","summary":17})", 400, "summary"},
      {"huge number", "/v1/complaints",
       Receive("customer_service", R"(,"headcount":123456789012345678901234567890)"), 400,
       "headcount"},
      {"headcount below one", "/v1/complaints", Receive("customer_service", R"(,"headcount":0)"),
       400, "headcount"},
      {"money with three decimals", "/v1/complaints",
       Receive("customer_service", R"(,"claimed_compensation":"10.005")"), 400,
       "claimed_compensation"},
      {"invalid UTF-8", act, "{\"type\":\"record_progress\",\"summary\":\"\xff\xfe\"}", 400, ""},
      {"a time in the future", act,
       R"({"type":"record_progress","summary":"x","occurred_at":"2027-01-01T00:00:00Z"})", 400,
       "occurred_at"},
      {"receive on the actions endpoint", act, Receive(), 400, "type"},
      {"a second type, which used to win", act,
       R"({"type":"close","type":"record_progress","summary":"x"})", 400, "type"},
      {"a rule refuses: close without a closure basis", act, R"({"type":"close"})", 400, "basis"},
      {"a rule refuses: closing an unresolved complaint", act,
       R"({"type":"close","basis":"customer_confirmed"})", 422, ""},
      {"a stale expected version", act,
       R"({"type":"record_progress","summary":"x","expected_version":1})", 409, ""},
      {"no such complaint", "/v1/complaints/CMP-2026-000777/actions",
       R"({"type":"record_progress","summary":"x"})", 404, ""},
      {"path traversal in the id", "/v1/complaints/..%2F..%2Fetc%2Fpasswd/actions",
       R"({"type":"record_progress","summary":"x"})", 400, "id"},
  };
  const uint64_t head = server_.Head();
  for (const Case& c : cases) {
    HttpReply r = As(kCs).Post(c.path, c.body);
    EXPECT_EQ(r.status, c.status) << c.why << ": " << r.body;
    EXPECT_EQ(r.Header("Content-Type"), "application/problem+json") << c.why;
    if (!c.field.empty()) {
      bool named = false;
      json::value doc = r.Json();
      for (const json::value& e : doc.at("errors").as_array())
        named |= e.at("field").as_string() == c.field;
      EXPECT_TRUE(named) << c.why << ": " << r.body;
    }
    EXPECT_EQ(server_.Head(), head) << c.why << ": something was appended";
  }
  // The server is still up and answering.
  EXPECT_EQ(As(kAuditor).Get("/v1/complaints/" + id).status, 200u);
}

TEST_F(ComplaintRoutes, EveryProblemNamesEveryBadFieldAtOnce) {
  HttpReply r =
      As(kCs).Post("/v1/complaints", R"({"type":"receive","channel":"pigeon","headcount":-2})");
  ASSERT_EQ(r.status, 400u) << r.body;
  std::set<std::string> fields;
  json::value doc = r.Json();
  for (const json::value& e : doc.at("errors").as_array()) {
    fields.insert(std::string(e.at("field").as_string()));
    EXPECT_FALSE(e.at("rule").as_string().empty());
    EXPECT_FALSE(e.at("message").as_string().empty());
  }
  EXPECT_TRUE(fields.count("channel")) << r.body;
  EXPECT_TRUE(fields.count("headcount")) << r.body;
  EXPECT_GE(fields.size(), 3u) << r.body;  // and the missing required fields
  EXPECT_EQ(server_.Head(), 1u);           // the policy alone
}

// --- Cap'n Proto: the same resources -----------------------------------------------------------

// The reply `r` read as a message of root T, after checking its Content-Type names T.
template <typename T>
struct Message {
  Message(const HttpReply& r, const std::string& type)
      : words(ledger::AlignedCopy(r.body)), reader(words) {
    EXPECT_EQ(r.status / 100, 2u) << r.body;
    EXPECT_EQ(r.Header("Content-Type"), "application/x-capnp; type=" + type);
  }
  typename T::Reader root() { return reader.getRoot<T>(); }
  kj::Array<capnp::word> words;
  capnp::FlatArrayMessageReader reader;
};

TEST_F(ComplaintRoutes, EveryDomainResourceComesInCapnProtoToo) {
  const testing_util::HeaderList capnp = {{"Accept", "application/x-capnp"}};
  HttpReply created = As(kCs).Request("POST", "/v1/complaints", Receive(), capnp);
  Message<schema::ActionResult> action(created, "ActionResult");
  const std::string id = action.root().getId();
  EXPECT_EQ(action.root().getVersion(), 1u);
  ASSERT_EQ(action.root().getEvents().size(), 1u);
  EXPECT_EQ(action.root().getEvents()[0].getType(), "ComplaintReceived");
  EXPECT_EQ(action.root().getEvents()[0].getHash().size(), 32u);
  Act(kCs, id, R"({"type":"assess_validity","valid":true})");
  Act(kCs, id, R"({"type":"classify","category":"property_service"})");
  server_.clock().Advance(std::chrono::hours(2));  // the response and assignment are missed
  ASSERT_TRUE(server_.WaitForProjections());

  // The ticket: the same values as the JSON.
  json::value j = As(kAuditor).Get("/v1/complaints/" + id).Json();
  Message<schema::ComplaintState> ticket(As(kAuditor).Get("/v1/complaints/" + id, capnp),
                                         "ComplaintState");
  schema::ComplaintState::Reader t = ticket.root();
  EXPECT_EQ(t.getId(), id);
  EXPECT_EQ(t.getStage(), j.at("stage").as_string());
  EXPECT_EQ(t.getCategory(), "property_service");
  EXPECT_EQ(t.getComplainant().getName(), "Li Wei");
  EXPECT_EQ(t.getRuleLevel().getLevel(), j.at("rule_level").at("level").as_string());
  ASSERT_EQ(t.getClocks().size(), j.at("clocks").as_array().size());
  for (unsigned i = 0; i < t.getClocks().size(); ++i) {
    const json::value& c = j.at("clocks").at(i);
    EXPECT_EQ(t.getClocks()[i].getClock(), c.at("clock").as_string());
    EXPECT_EQ(t.getClocks()[i].getState(), c.at("state").as_string());
    EXPECT_EQ(t.getClocks()[i].getDue(), c.at("due").is_null() ? "" : c.at("due").as_string());
    EXPECT_EQ(t.getClocks()[i].getExplanation().getAllowance(),
              c.at("explanation").at("allowance").as_string());
  }
  ASSERT_EQ(t.getFines().size(), j.at("fines").as_array().size());
  ASSERT_GT(t.getFines().size(), 0u);
  EXPECT_EQ(t.getFines()[0].getAmount(), j.at("fines").at(0).at("amount").as_string());
  EXPECT_EQ(t.getFines()[0].getEvidence().size(),
            j.at("fines").at(0).at("evidence").as_array().size());
  EXPECT_EQ(t.getFinesTotal(), j.at("fines_total").as_string());

  // Readers get it redacted in Cap'n Proto as in JSON.
  Message<schema::ComplaintState> redacted(As(kReader).Get("/v1/complaints/" + id, capnp),
                                           "ComplaintState");
  EXPECT_EQ(redacted.root().getComplainant().getName(), "[redacted]");
  Message<schema::ComplaintEvents> raw(As(kReader).Get("/v1/complaints/" + id + "/events", capnp),
                                       "ComplaintEvents");
  ASSERT_EQ(raw.root().getEvents().size(), 3u);
  EXPECT_FALSE(
      raw.root().getEvents()[0].hasPayload());  // stored bytes cannot be redacted: left out
  Message<schema::ComplaintEvents> full(As(kAuditor).Get("/v1/complaints/" + id + "/events", capnp),
                                        "ComplaintEvents");
  EXPECT_TRUE(full.root().getEvents()[0].hasPayload());

  Message<schema::Timeline> timeline(As(kAuditor).Get("/v1/complaints/" + id + "/timeline", capnp),
                                     "Timeline");
  ASSERT_EQ(timeline.root().getEntries().size(), 3u);
  EXPECT_EQ(timeline.root().getEntries()[2].getType(), "ComplaintClassified");
  EXPECT_EQ(timeline.root().getEntries()[0].getActor().getId(), "u-cs-01");
  Message<schema::ComplaintPage> page(As(kAuditor).Get("/v1/complaints", capnp), "ComplaintPage");
  ASSERT_EQ(page.root().getComplaints().size(), 1u);
  EXPECT_TRUE(page.root().getComplaints()[0].getOverdue());
  Message<schema::FinesReport> fines(As(kAuditor).Get("/v1/fines?month=2026-01", capnp),
                                     "FinesReport");
  EXPECT_EQ(fines.root().getTotal(),
            As(kAuditor).Get("/v1/fines?month=2026-01").Json().at("total").as_string());
  Message<schema::Metrics> metrics(As(kAuditor).Get("/v1/metrics?month=2026-01", capnp), "Metrics");
  EXPECT_EQ(metrics.root().getTotal().getReceived(), 1u);
  Message<schema::Findings> findings(As(kAuditor).Get("/v1/findings", capnp), "Findings");
  EXPECT_EQ(findings.root().getCount(), findings.root().getFindings().size());
  Message<schema::Rewards> rewards(As(kAuditor).Get("/v1/rewards?month=2026-01", capnp), "Rewards");
  EXPECT_EQ(rewards.root().getMonth(), "2026-01");
  Message<schema::ResponsibilityRecords> resp(As(kAuditor).Get("/v1/responsibility", capnp),
                                              "ResponsibilityRecords");
  EXPECT_GT(resp.root().getRecords().size(), 0u);
  Message<schema::Policies> policies(As(kAuditor).Get("/v1/policies", capnp), "Policies");
  EXPECT_EQ(policies.root().getCurrent(), 1u);
  // Errors stay problem documents.
  HttpReply missing = As(kAuditor).Get("/v1/complaints/CMP-2026-000404", capnp);
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.Header("Content-Type"), "application/problem+json");
}

}  // namespace
}  // namespace api
