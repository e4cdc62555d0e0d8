// GET /v1/me: who the caller is and what it may do, per role, against the catalogue the same
// caller reads; and the headers every /v1 answer carries (no caching of personal data).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "api/services/me_json.h"
#include "ledger/base/hash.h"
#include "test_server.h"

namespace api {
namespace {

namespace json = boost::json;
using testing_util::HttpReply;

std::set<std::string> Strings(const json::value& array) {
  std::set<std::string> out;
  for (const json::value& v : array.as_array()) out.insert(std::string(v.as_string()));
  return out;
}

std::vector<std::string> InOrder(const json::value& array) {
  std::vector<std::string> out;
  for (const json::value& v : array.as_array()) out.emplace_back(v.as_string());
  return out;
}

class MeRoute : public ::testing::Test {
 protected:
  MeRoute() : server_(api_testing::ProductConfig()) {}

  // The action types GET /v1/catalogue says `role` may send, in the catalogue's order.
  std::vector<std::string> CatalogueActionsOf(testing_util::HttpClient& c,
                                              const std::string& role) {
    HttpReply r = c.Get("/v1/catalogue");
    EXPECT_EQ(r.status, 200u) << r.body;
    std::vector<std::string> out;
    const json::value catalogue = r.Json();  // kept: the loop must not walk a dead temporary
    for (const json::value& a : catalogue.at("actions").as_array())
      if (Strings(a.at("roles")).count(role)) out.emplace_back(a.at("type").as_string());
    return out;
  }

  api_testing::TestServer server_;
};

TEST_F(MeRoute, EveryRoleLearnsWhoItIsAndWhatItMayDo) {
  // Written out by hand from docs/api.md's table, not read from the code.
  const std::set<std::string> no_personal_data = {"reader", "admin"};
  for (Role role : AllRoles()) {
    const std::string name(RoleName(role));
    SCOPED_TRACE(name);
    testing_util::HttpClient c = server_.Client(role);
    HttpReply r = c.Get("/v1/me");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.Header("Content-Type"), "application/json");
    const json::object me = r.Json().as_object();
    EXPECT_EQ(me.at("actor").as_string(), "u-" + name);
    EXPECT_EQ(me.at("role").as_string(), name);
    EXPECT_EQ(me.at("department").as_string(), "dept-" + name);
    EXPECT_EQ(me.at("personal_data").as_bool(), no_personal_data.count(name) == 0);
    // The token's public id, never the secret (nor its hash).
    const std::string token_id(me.at("token").as_string());
    EXPECT_TRUE(token_id.starts_with("tk_")) << token_id;
    EXPECT_EQ(r.body.find(server_.token(role)), std::string::npos);
    EXPECT_EQ(r.body.find(ledger::ToHex(ledger::Sha256(server_.token(role)))), std::string::npos);
    // Exactly the actions whose roles in the catalogue name it, in the same order.
    EXPECT_EQ(InOrder(me.at("actions")), CatalogueActionsOf(c, name));
    const std::set<std::string> reads = Strings(me.at("reads"));
    EXPECT_TRUE(reads.count("me") && reads.count("catalogue") && reads.count("policies"));
    EXPECT_EQ(reads.count("log") > 0,
              name == "cs_head" || name == "deputy_gm" || name == "gm" || name == "auditor");
    EXPECT_EQ(me.at("policy_version").as_int64(),
              c.Get("/v1/catalogue").Json().at("policy_version").as_int64());
    EXPECT_EQ(me.at("time_zone").as_string(), "Etc/GMT-8");  // the default policy: +08:00
    EXPECT_EQ(me.at("utc_offset").as_string(), "+08:00");
  }
  // Who writes what.
  auto writes = [&](Role role) {
    return Strings(server_.Client(role).Get("/v1/me").Json().at("writes"));
  };
  EXPECT_EQ(writes(Role::kAdmin), (std::set<std::string>{"publish_policy"}));
  EXPECT_EQ(writes(Role::kAuditor), (std::set<std::string>{}));
  EXPECT_EQ(writes(Role::kReader), (std::set<std::string>{}));
  EXPECT_EQ(writes(Role::kIntake), (std::set<std::string>{"receive", "action"}));
  EXPECT_EQ(writes(Role::kCsAgent), (std::set<std::string>{"receive", "action", "rating"}));
  // The policy lets intake receive; the reader sends nothing.
  EXPECT_TRUE(
      Strings(server_.Client(Role::kIntake).Get("/v1/me").Json().at("actions")).count("receive"));
  EXPECT_TRUE(server_.Client(Role::kReader).Get("/v1/me").Json().at("actions").as_array().empty());
}

TEST_F(MeRoute, AnActorWithoutADepartmentHasNull) {
  HttpReply r = server_.ClientAs({"u-auditor-9", "auditor", ""}).Get("/v1/me");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(r.Json().at("department").is_null());
  EXPECT_EQ(r.Json().at("actor").as_string(), "u-auditor-9");
}

TEST_F(MeRoute, NoValidTokenIs401) {
  HttpReply none = server_.Client().Get("/v1/me");
  EXPECT_EQ(none.status, 401u);
  EXPECT_EQ(none.Header("Content-Type"), "application/problem+json");
  testing_util::HttpClient wrong = server_.Client();
  wrong.SetBearer("lgr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(wrong.Get("/v1/me").status, 401u);
}

TEST(MeJson, TimeZonesAreIanaNamesWhenWholeHours) {
  using std::chrono::minutes;
  EXPECT_EQ(IanaZoneOf(minutes(480)), "Etc/GMT-8");
  EXPECT_EQ(IanaZoneOf(minutes(-300)), "Etc/GMT+5");
  EXPECT_EQ(IanaZoneOf(minutes(0)), "Etc/UTC");
  EXPECT_EQ(IanaZoneOf(minutes(330)), "");
  EXPECT_EQ(IanaZoneOf(minutes(15 * 60)), "");
  EXPECT_EQ(FormatUtcOffset(minutes(480)), "+08:00");
  EXPECT_EQ(FormatUtcOffset(minutes(-210)), "-03:30");
  EXPECT_EQ(FormatUtcOffset(minutes(0)), "+00:00");
}

// Every /v1 answer may carry personal data: no cache keeps it, no browser sniffs it, no referrer
// leaks its URL — successes, problems, Cap'n Proto and the live streams alike.
TEST(ApiHeaders, EveryV1AnswerIsNoStoreNoSniffNoReferrer) {
  api_testing::TestServer server(api_testing::ProductConfig());
  auto expect = [](const std::string& what, const testing_util::HeaderList& headers) {
    SCOPED_TRACE(what);
    auto get = [&](std::string_view name) {
      for (const auto& [n, v] : headers)
        if (EqualsIgnoreCase(n, name)) return v;
      return std::string();
    };
    EXPECT_EQ(get("Cache-Control"), "no-store");
    EXPECT_EQ(get("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(get("Referrer-Policy"), "no-referrer");
  };
  testing_util::HttpClient auditor = server.Client(Role::kAuditor);
  for (const char* target :
       {"/v1/me", "/v1/catalogue", "/v1/events", "/v1/complaints", "/v1/policies",
        "/v1/fines?month=2026-01", "/v1/findings", "/v1/alerts", "/v1/ledger/verify",
        "/v1/complaints/CMP-2026-999999", "/v1/nothing-here", "/v1/fines?month=bad"}) {
    HttpReply r = auditor.Get(target);
    EXPECT_NE(r.status, 0u) << target;
    expect(std::string(target) + " -> " + std::to_string(r.status), r.headers);
  }
  expect("capnp", auditor.Get("/v1/events", {{"Accept", "application/x-capnp"}}).headers);
  expect("401", server.Client().Get("/v1/me").headers);
  expect("403", server.Client(Role::kAdmin).Get("/v1/events").headers);
  expect("POST", server.Client(Role::kIntake).Post("/v1/complaints", "{}").headers);
  for (const char* stream : {"/v1/events/stream", "/v1/alerts/stream"}) {
    testing_util::SseClient sse("127.0.0.1", server.port(), stream,
                                {{"Authorization", "Bearer " + server.token(Role::kAuditor)}});
    EXPECT_EQ(sse.status(), 200u) << stream;
    expect(stream, sse.headers());
  }
}

}  // namespace
}  // namespace api
