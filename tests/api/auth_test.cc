// 401 versus 403, for every route the server has and every role; tokens revoked or added while
// the server runs.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/http/log_routes.h"
#include "test_server.h"

namespace api {
namespace {

using api_testing::RawStatus;
using api_testing::TestServer;

// A concrete path for a pattern: each {param} becomes "x1".
std::string PathFor(const std::string& pattern) {
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      out += "x1";
      i = pattern.find('}', i) + 1;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

TEST(Auth, EveryRouteAnswers401WithoutAValidTokenAnd403ToRolesItDoesNotAdmit) {
  TestServer server(api_testing::ProductConfig());
  std::string revoked;
  {
    auto issued = server.tokens().Add({"u-gone", "auditor", ""});
    ASSERT_TRUE(issued.ok());
    ASSERT_TRUE(server.tokens().Revoke(issued->record.id).ok());
    revoked = issued->token;
  }
  int checked = 0;
  for (const auto& route : server.router().routes()) {
    std::string path = PathFor(route->pattern);
    const std::string& m = route->method;
    if (!route->options.authenticated) {
      EXPECT_EQ(RawStatus(server.port(), m, path), 200u) << m << " " << path;
      continue;
    }
    std::string body;
    EXPECT_EQ(RawStatus(server.port(), m, path, "", &body), 401u) << m << " " << path;
    EXPECT_EQ(RawStatus(server.port(), m, path, "lgr_unknown"), 401u) << m << " " << path;
    EXPECT_EQ(RawStatus(server.port(), m, path, revoked), 401u) << m << " " << path;
    for (Role role : AllRoles()) {
      unsigned status = RawStatus(server.port(), m, path, server.token(role), &body);
      if (route->options.roles.Has(role)) {
        EXPECT_NE(status, 401u) << m << " " << path << " as " << RoleName(role);
        EXPECT_NE(status, 403u) << m << " " << path << " as " << RoleName(role) << ": " << body;
      } else {
        EXPECT_EQ(status, 403u) << m << " " << path << " as " << RoleName(role);
        EXPECT_NE(body.find(std::string(RoleName(role))), std::string::npos) << body;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 16 * kRoleCount);  // the log routes and every contract route
}

TEST(Auth, TheLogRoutesAdmitTheirDocumentedRoles) {
  TestServer server;
  for (Role role : AllRoles()) {
    unsigned events = RawStatus(server.port(), "GET", "/v1/events", server.token(role));
    unsigned verify = RawStatus(server.port(), "GET", "/v1/ledger/verify", server.token(role));
    EXPECT_EQ(events, RolesFor(Resource::kLog).Has(role) ? 200u : 403u) << RoleName(role);
    EXPECT_EQ(verify, RolesFor(Resource::kVerify).Has(role) ? 200u : 403u) << RoleName(role);
  }
  EXPECT_EQ(RawStatus(server.port(), "GET", "/v1/ledger/verify", server.token(Role::kAuditor)),
            200u);
  EXPECT_EQ(RawStatus(server.port(), "GET", "/v1/ledger/verify", server.token(Role::kReader)),
            403u);
}

TEST(Auth, UnauthenticatedAnswersSayHowToAuthenticate) {
  TestServer server;
  auto anonymous = server.Client();
  testing_util::HttpReply missing = anonymous.Get("/v1/events");
  EXPECT_EQ(missing.status, 401u);
  EXPECT_EQ(missing.Header("WWW-Authenticate"), "Bearer realm=\"ledger\"");
  EXPECT_EQ(missing.Json().at("type"), "urn:ledger:problem:unauthenticated");
  testing_util::HttpReply wrong =
      anonymous.Get("/v1/events", {{"Authorization", "Bearer lgr_nope"}});
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(wrong.Header("WWW-Authenticate"), "Bearer realm=\"ledger\", error=\"invalid_token\"");
  testing_util::HttpReply denied = server.Client(Role::kReader).Get("/v1/events");
  EXPECT_EQ(denied.status, 403u);
  EXPECT_EQ(denied.Json().at("type"), "urn:ledger:problem:permission_denied");
}

TEST(Auth, TokensAddedOrRevokedElsewhereApplyWithoutARestart) {
  TestServer server;
  api::TokenStore cli(server.tokens().path(),
                      {&server.clock(), std::chrono::milliseconds(1000), {}});
  auto issued = cli.Add({"u-new", "auditor", ""});
  ASSERT_TRUE(issued.ok());
  auto c = server.Client();
  c.SetBearer(issued->token);
  server.clock().Advance(
      std::chrono::seconds(1));  // the server looks at the file at most once a second
  EXPECT_EQ(c.Get("/v1/events").status, 200u);
  ASSERT_TRUE(cli.Revoke("u-new").ok());
  server.clock().Advance(std::chrono::seconds(1));
  EXPECT_EQ(c.Get("/v1/events").status, 401u);
}

}  // namespace
}  // namespace api
