// The authorization model over the real server, table-driven: every role x every route of the
// router x an own and a foreign complaint, in JSON and in Cap'n Proto (and the live stream). Each
// answer is checked for its status, and its body (text or binary) for every marker a caller may
// not see: the foreign complaint's id, its content and its people; the personal data of every
// complainant for roles that may not see personal data.
//
// The expectations below are written out by hand, from docs/rules.md#roles and docs/api.md ("Roles
// and who sees what") — not read from api/services/authorization.h — so that loosening any one
// check of the product makes this test fail.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/http/router.h"
#include "test_server.h"

namespace api {
namespace {

namespace json = boost::json;
using api_testing::TestServer;
using testing_util::HttpClient;
using testing_util::HttpReply;

// The own complaint: received by the property front desk, held by property.
constexpr const char* kOwnName = "Wang Ownname";
constexpr const char* kOwnPhone = "13900000011";
constexpr const char* kOwnPhoneCorrected = "13900000012";
constexpr const char* kOwnUnit = "OWN-UNIT-7";
constexpr const char* kOwnRef = "WO-OWN-1";
// The foreign complaint: received by marketing, held by marketing, handled by u-fh-77.
constexpr const char* kForeignName = "Zhao Foreignname";
constexpr const char* kForeignPhone = "13700000099";
constexpr const char* kForeignUnit = "FOREIGN-UNIT-9";
constexpr const char* kForeignSubject = "FOREIGN-SUBJECT-Q";
constexpr const char* kForeignDescription = "FOREIGN-DESCRIPTION-Z";
constexpr const char* kForeignHandler = "u-fh-77";
constexpr const char* kForeignRef = "WO-FOREIGN-1";
// Complainants of complaints received during the test.
constexpr const char* kNewName = "Sun Newname";
constexpr const char* kNewPhone = "13600000055";

struct Expect {
  ledger::Actor actor;
  std::set<std::string> resources;  // what the role may call at all
  bool sees_own = false;            // the own complaint (object level)
  bool sees_foreign = false;        // the foreign complaint
  bool personal_data = false;       // complainants' personal data
};

const std::set<std::string> kReports = {"responsibility", "fines",    "rewards",
                                        "metrics",        "findings", "alerts"};

std::set<std::string> With(std::set<std::string> a, const std::set<std::string>& b) {
  a.insert(b.begin(), b.end());
  return a;
}

// docs/rules.md#roles, and docs/api.md's table.
const std::vector<Expect>& Expectations() {
  static const std::vector<Expect> kExpect = {
      {{"u-intake-property-1", "intake", "property"},
       {"complaint", "list", "receive", "action", "alerts", "policies", "catalogue", "me"},
       true,
       false,
       true},
      {{"u-cs-01", "cs_agent", "customer_service"},
       With({"complaint", "list", "receive", "action", "rating", "policies", "catalogue", "me"},
            kReports),
       true,
       true,
       true},
      {{"u-head-customer-service", "cs_head", "customer_service"},
       With({"complaint", "list", "receive", "action", "rating", "log", "policies", "catalogue",
             "me"},
            kReports),
       true,
       true,
       true},
      {{"u-handler-property-1", "handler", "property"},
       {"complaint", "list", "action", "alerts", "policies", "catalogue", "me"},
       true,
       false,
       true},
      {{"u-head-property", "dept_head", "property"},
       With({"complaint", "list", "action", "policies", "catalogue", "me"}, kReports),
       true,
       false,
       true},
      {{"u-deputy-gm", "deputy_gm", ""},
       With({"complaint", "list", "action", "log", "policies", "catalogue", "me"}, kReports),
       true,
       true,
       true},
      {{"u-gm", "gm", ""},
       With({"complaint", "list", "action", "log", "policies", "catalogue", "me"}, kReports),
       true,
       true,
       true},
      {{"u-auditor-01", "auditor", ""},
       With({"complaint", "list", "log", "verify", "policies", "catalogue", "me", "privacy"},
            kReports),
       true,
       true,
       true},
      {{"u-reader-01", "reader", ""},
       With({"complaint", "list", "policies", "catalogue", "me"}, kReports),
       true,
       true,
       false},
      {{"u-admin", "admin", ""},
       {"verify", "policies", "publish_policy", "catalogue", "me"},
       false,
       false,
       false},
      {{"u-dpo", "data_protection", ""},
       {"complaint", "list", "action", "verify", "policies", "catalogue", "me", "privacy",
        "privacy_action"},
       true,
       true,
       true},
  };
  return kExpect;
}

// The test's own map of the router's routes to what they expose. A route missing here fails the
// test: a new route must be placed in the matrix.
const std::map<std::string, std::string>& RouteResources() {
  static const std::map<std::string, std::string> kMap = {
      {"POST /v1/complaints", "receive"},
      {"POST /v1/complaints/{id}/actions", "action"},
      {"POST /v1/ratings", "rating"},
      {"GET /v1/complaints/{id}", "complaint"},
      {"GET /v1/complaints/{id}/events", "complaint"},
      {"GET /v1/complaints/{id}/timeline", "complaint"},
      {"GET /v1/complaints", "list"},
      {"GET /v1/responsibility", "responsibility"},
      {"GET /v1/fines", "fines"},
      {"GET /v1/rewards", "rewards"},
      {"GET /v1/metrics", "metrics"},
      {"GET /v1/findings", "findings"},
      {"GET /v1/alerts", "alerts"},
      {"GET /v1/alerts/stream", "alerts"},
      {"GET /v1/events", "log"},
      {"GET /v1/events/stream", "log"},
      {"GET /v1/ledger/verify", "verify"},
      {"GET /v1/ledger/checkpoint", "verify"},
      {"POST /v1/ledger/checkpoint", "verify"},
      {"GET /v1/ledger/proof/inclusion", "verify"},
      {"GET /v1/ledger/proof/consistency", "verify"},
      {"GET /v1/ledger/proof/bundle", "log"},
      {"GET /v1/ledger/tile/{path*}", "verify"},
      {"GET /v1/ledger/tile/entries/{path*}", "log"},
      {"GET /v1/policies", "policies"},
      {"POST /v1/policies", "publish_policy"},
      {"GET /v1/catalogue", "catalogue"},
      {"GET /v1/me", "me"},
      {"POST /v1/privacy/actions", "privacy_action"},
      {"POST /v1/privacy/lookup", "privacy"},
      {"GET /v1/privacy/subjects/{subject}", "privacy"},
      {"GET /v1/privacy/reads", "privacy"},
      {"GET /healthz", "public"},
      {"GET /metrics", "public"},
  };
  return kMap;
}

std::string ReceiveBody(const std::string& department, const std::string& name,
                        const std::string& phone, const std::string& unit,
                        const std::string& subject, const std::string& description,
                        const std::string& ref, const std::string& occurred_at) {
  json::object o{
      {"type", "receive"},
      {"channel", "hotline"},
      {"complainant", {{"name", name}, {"phone", phone}, {"unit", unit}, {"is_owner", true}}},
      {"project", "p-lakeside"},
      {"subject", subject},
      {"description", description},
      {"receiving_department", department}};
  if (!ref.empty()) o["external_ref"] = ref;
  if (!occurred_at.empty()) o["occurred_at"] = occurred_at;
  return json::serialize(o);
}

class AuthorizationMatrix : public ::testing::Test {
 protected:
  // Tuesday 2026-01-06 10:00 (+08:00).
  AuthorizationMatrix() : server_(api_testing::ProductConfig()) {
    server_.clock().Set(*ledger::ParseRfc3339("2026-01-06T10:00:00+08:00"));
  }

  HttpClient As(const ledger::Actor& who) { return server_.ClientAs(who); }

  std::string Receive(const ledger::Actor& who, const std::string& body) {
    HttpReply r = As(who).Post("/v1/complaints", body);
    EXPECT_EQ(r.status, 201u) << r.body;
    return std::string(r.Json().at("id").as_string());
  }
  void Act(const ledger::Actor& who, const std::string& id, const std::string& body) {
    HttpReply r = As(who).Post("/v1/complaints/" + id + "/actions", body);
    EXPECT_EQ(r.status, 200u) << body << " -> " << r.body;
  }

  // Two complaints, each with fine lines, findings and a rating of its department.
  void Seed() {
    const ledger::Actor intake_property{"u-intake-property-1", "intake", "property"};
    const ledger::Actor intake_marketing{"u-intake-marketing-1", "intake", "marketing"};
    const ledger::Actor cs{"u-cs-01", "cs_agent", "customer_service"};
    // Received three days ago: entered late (a late-entry finding each).
    own_ = Receive(intake_property,
                   ReceiveBody("property", kOwnName, kOwnPhone, kOwnUnit, "Leak in the ceiling",
                               "Water leak", kOwnRef, "2026-01-03T10:00:00+08:00"));
    foreign_ =
        Receive(intake_marketing,
                ReceiveBody("marketing", kForeignName, kForeignPhone, kForeignUnit, kForeignSubject,
                            kForeignDescription, kForeignRef, "2026-01-03T11:00:00+08:00"));
    Act(intake_property, own_, R"({"type":"transmit","to_department":"customer_service"})");
    Act(intake_marketing, foreign_, R"({"type":"transmit","to_department":"customer_service"})");
    for (const std::string& id : {own_, foreign_}) {
      Act(cs, id, R"({"type":"assess_validity","valid":true})");
      Act(cs, id, R"({"type":"classify","category":"sales_contract"})");
    }
    Act(cs, own_,
        R"({"type":"assign","department":"property","handler":"u-handler-property-1","reason":"desk"})");
    Act(cs, foreign_,
        std::string(R"({"type":"assign","department":"marketing","handler":")") + kForeignHandler +
            R"("})");
    // A correction of personal data: its values are personal data too.
    json::object correct{{"type", "correct"},
                         {"event", FirstPosition(own_)},
                         {"field", "complainant.phone"},
                         {"value", kOwnPhoneCorrected},
                         {"reason", "typo"}};
    Act(cs, own_, json::serialize(correct));
    for (const char* department : {"property", "marketing"}) {
      json::object rate{{"type", "rate_department"},
                        {"department", department},
                        {"month", "2026-01"},
                        {"score", 90}};
      HttpReply r = As(cs).Post("/v1/ratings", json::serialize(rate));
      EXPECT_EQ(r.status, 201u) << r.body;
    }
    // Two days on: responses, transmissions and plans are late on both; the scheduler publishes
    // their alerts (its thread may have done so already: a round is idempotent).
    server_.clock().Set(*ledger::ParseRfc3339("2026-01-08T10:00:00+08:00"));
    ASSERT_TRUE(server_.WaitForProjections());
    ASSERT_TRUE(server_.app().scheduler().RunDue().ok());
    // A signed checkpoint, so that the proof and tile routes answer.
    server_.SignCheckpoint();
  }

  int64_t FirstPosition(const std::string& id) {
    return int64_t(server_.log().ReadStreamForward(id, 1, 1).value().front().position());
  }

  // Markers a caller must not find in a body. `url_ids`: complaint ids the request named itself.
  std::vector<std::string> Forbidden(const Expect& e, const std::string& target,
                                     const std::string& resource) const {
    std::vector<std::string> out;
    if (!e.sees_foreign) {
      for (const char* m : {kForeignSubject, kForeignDescription, kForeignHandler, kForeignName,
                            kForeignPhone, kForeignUnit})
        out.push_back(m);
      // The caller named it in the URL: echoing it back in a refusal is no leak.
      if (target.find(foreign_) == std::string::npos) out.push_back(foreign_);
    }
    if (!e.sees_own && target.find(own_) == std::string::npos && resource != "receive")
      out.push_back(own_);
    if (!e.personal_data) {
      for (const char* m : {kOwnName, kOwnPhone, kOwnPhoneCorrected, kOwnUnit, kForeignName,
                            kForeignPhone, kForeignUnit, kNewName, kNewPhone})
        out.push_back(m);
    }
    // A department's rows: no other department's reward.
    if (resource == "rewards" && !e.sees_foreign) out.push_back("marketing");
    return out;
  }

  // What a role may try on the actions route: an action its role holds (the domain checks
  // every action x role pair itself: tests/domain/decide_roles_test.cc).
  static std::string ActionFor(const Expect& e) {
    // The data-protection role's one complaint action (refused here: this ledger does not seal).
    if (e.actor.role == "data_protection")
      return R"({"type":"seal_personal_data","reason":"matrix"})";
    if (e.actor.role == "deputy_gm" || e.actor.role == "gm")
      return R"({"type":"record_fine","rule":"misconduct","amount":"500.00","departments":["legal"],"reason":"matrix"})";
    return R"({"type":"attach_evidence","name":"photo.jpg","media_type":"image/jpeg","size":10,"sha256":"0000000000000000000000000000000000000000000000000000000000000000"})";
  }

  TestServer server_;
  std::string own_, foreign_;
};

// One request of the matrix.
struct Probe {
  std::string method, target, body = {};
  bool names_own = false, names_foreign = false;  // the request is about that complaint
};

TEST_F(AuthorizationMatrix, EveryRoleOnEveryRouteSeesOnlyWhatItMay) {
  Seed();
  ASSERT_FALSE(HasFailure());
  int checked = 0, leaks_searched = 0;
  std::set<std::string> covered;
  for (const std::unique_ptr<Route>& route : server_.router().routes()) {
    const std::string key = route->method + " " + route->pattern;
    ASSERT_TRUE(RouteResources().count(key)) << key << " is not in the matrix: add it";
    const std::string resource = RouteResources().at(key);
    covered.insert(key);
    for (const Expect& e : Expectations()) {
      SCOPED_TRACE(key + " as " + e.actor.role);
      // The requests of this route: about the own and the foreign complaint where it names one.
      std::vector<Probe> probes;
      if (route->pattern.find("{id}") != std::string::npos) {
        std::string own = route->pattern, foreign = route->pattern;
        own.replace(own.find("{id}"), 4, own_);
        foreign.replace(foreign.find("{id}"), 4, foreign_);
        std::string body = route->method == "POST" ? ActionFor(e) : "";
        probes.push_back({route->method, own, body, true, false});
        probes.push_back({route->method, foreign, body, false, true});
      } else if (key == "POST /v1/complaints") {
        const std::string dept =
            e.actor.department.empty() ? "customer_service" : e.actor.department;
        probes.push_back({"POST", "/v1/complaints",
                          ReceiveBody(dept, kNewName, kNewPhone, "U-1", "New", "new", "", "")});
        // The foreign complaint's external_ref: the same complaint, shown only to who may read it.
        probes.push_back(
            {"POST", "/v1/complaints",
             ReceiveBody(dept, kNewName, kNewPhone, "U-1", "New", "new", kForeignRef, ""), false,
             true});
      } else if (key == "POST /v1/ratings") {
        probes.push_back(
            {"POST", "/v1/ratings",
             R"({"type":"rate_department","department":"finance","month":"2026-01","score":80})"});
      } else if (key == "POST /v1/policies") {
        probes.push_back({"POST", "/v1/policies", "{}"});
      } else if (key == "POST /v1/privacy/actions") {
        probes.push_back({"POST", "/v1/privacy/actions",
                          R"({"type":"place_legal_hold","subject":"s-none","reason":"matrix"})"});
      } else if (key == "POST /v1/privacy/lookup") {
        probes.push_back({"POST", "/v1/privacy/lookup", R"({"phone":"13800000000"})"});
      } else if (key == "GET /v1/privacy/subjects/{subject}") {
        probes.push_back({"GET", "/v1/privacy/subjects/s-none"});
      } else if (route->pattern.starts_with("/v1/ledger/tile/")) {
        // The first leaf's tile (a partial tile of width 1), or its entry bundle.
        std::string target = route->pattern;
        target.replace(
            target.find("{path*}"), 7,
            route->pattern.find("/entries/") != std::string::npos ? "000.p/1" : "0/000.p/1");
        probes.push_back({"GET", target});
      } else if (route->pattern.starts_with("/v1/ledger/proof/")) {
        probes.push_back({"GET", route->pattern + "?position=1&from=1"});
      } else if (resource == "fines" || resource == "rewards" || resource == "metrics") {
        probes.push_back({"GET", route->pattern + "?month=2026-01"});
      } else {
        probes.push_back({"GET", route->pattern});
      }
      for (const Probe& p : probes) {
        const bool allowed = resource == "public" || e.resources.count(resource) > 0;
        const bool visible = (!p.names_own || e.sees_own) && (!p.names_foreign || e.sees_foreign);
        std::vector<testing_util::HeaderList> formats = {{}};
        if (route->options.capnp) formats.push_back({{"Accept", "application/x-capnp"}});
        for (const testing_util::HeaderList& headers : formats) {
          SCOPED_TRACE(p.method + " " + p.target + (headers.empty() ? " json" : " capnp"));
          unsigned status = 0;
          std::string body;
          if (route->pattern.ends_with("/stream")) {
            testing_util::HeaderList auth = {
                {"Authorization", "Bearer " + server_.TokenFor(e.actor)}};
            // From the first event or alert, so that there is something to read.
            testing_util::SseClient sse("127.0.0.1", server_.port(), p.target + "?from=1", auth);
            status = sse.status();
            if (status == 200) {
              for (const auto& ev : sse.Read(200, std::chrono::milliseconds(1500))) body += ev.data;
              if (key == "GET /v1/events/stream") {
                EXPECT_FALSE(body.empty());
              }
            } else {
              body = sse.error_body();
            }
          } else {
            HttpClient c = resource == "public" ? server_.Client() : As(e.actor);
            HttpReply r = c.Request(p.method, p.target, p.body, headers);
            status = r.status;
            body = r.body;
          }
          ASSERT_NE(status, 0u);
          if (!allowed) {
            EXPECT_EQ(status, 403u) << body;
          } else if (!visible && resource == "receive") {
            EXPECT_EQ(status, 409u) << body;  // the reference is taken; nothing more is said
          } else if (!visible) {
            EXPECT_EQ(status, 403u) << body;
          } else {
            EXPECT_LT(status, 500u) << body;
            EXPECT_NE(status, 401u) << body;
            EXPECT_NE(status, 403u) << body;
            // Bad input is the only refusal the probes expect (the empty policy document), and
            // the unknown data subject (this ledger records personal data in the clear).
            const bool privacy_probe =
                key.find(" /v1/privacy/") != std::string::npos && key != "GET /v1/privacy/reads";
            const bool sealing_probe =
                e.actor.role == "data_protection" && key == "POST /v1/complaints/{id}/actions";
            if (sealing_probe) {
              EXPECT_EQ(status, 422u) << body;
              EXPECT_NE(body.find("not_sealing"), std::string::npos) << body;
            } else if (key != "POST /v1/policies" && !privacy_probe) {
              EXPECT_LT(status, 300u) << body;
            }
          }
          for (const std::string& marker : Forbidden(e, p.target, resource)) {
            ++leaks_searched;
            EXPECT_EQ(body.find(marker), std::string::npos)
                << "'" << marker << "' leaked: " << body.substr(0, 2000);
          }
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(covered.size(), RouteResources().size()) << "a route of the matrix is gone";
  EXPECT_GE(checked, 300);
  EXPECT_GE(leaks_searched, 1000);
}

TEST_F(AuthorizationMatrix, ADepartmentHeadsReportsCountOnlyTheirOwn) {
  Seed();
  ASSERT_FALSE(HasFailure());
  const Expect& head = Expectations()[4];
  ASSERT_EQ(head.actor.role, "dept_head");
  // Metrics: the aggregates are over the complaints the head may read (one here), not all.
  HttpReply metrics = As(head.actor).Get("/v1/metrics?month=2026-01");
  ASSERT_EQ(metrics.status, 200u) << metrics.body;
  EXPECT_EQ(metrics.Json().at("total").at("received").as_int64(), 1);
  HttpReply all = As(Expectations()[1].actor).Get("/v1/metrics?month=2026-01");
  EXPECT_EQ(all.Json().at("total").at("received").as_int64(), 2);
  // Fines: lines naming the head's department, whatever `department` asks.
  HttpReply fines = As(head.actor).Get("/v1/fines?month=2026-01&department=marketing");
  ASSERT_EQ(fines.status, 200u);
  const json::value fines_doc = fines.Json();
  ASSERT_GE(fines_doc.at("lines").as_array().size(), 1u) << fines.body;
  for (const json::value& line : fines_doc.at("lines").as_array()) {
    const json::array& departments = line.at("departments").as_array();
    EXPECT_NE(std::find(departments.begin(), departments.end(), json::value("property")),
              departments.end())
        << json::serialize(line);
  }
  // Findings: about complaints in scope only; both complaints have a late entry.
  HttpReply findings = As(head.actor).Get("/v1/findings");
  ASSERT_EQ(findings.status, 200u);
  const json::value findings_doc = findings.Json();
  ASSERT_GE(findings_doc.at("findings").as_array().size(), 1u);
  for (const json::value& f : findings_doc.at("findings").as_array())
    EXPECT_EQ(f.at("complaint").as_string(), own_);
  HttpReply every = As(Expectations()[7].actor).Get("/v1/findings");  // auditor
  const json::value every_doc = every.Json();
  std::set<std::string> about;
  for (const json::value& f : every_doc.at("findings").as_array())
    about.insert(std::string(f.at("complaint").as_string()));
  EXPECT_EQ(about, (std::set<std::string>{own_, foreign_}));
}

}  // namespace
}  // namespace api
