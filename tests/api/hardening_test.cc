// The HTTP layer against clients that abuse it on purpose, over a real server: rate-limit keys
// that ignore how the Authorization header is spelt, a limit on failed authentication per client
// address, requests whose framing or headers are ambiguous (request_reader.h), JSON bodies that
// repeat a key, and error documents that stay small whatever the input echoes into them.
// Connection-level abuse (slowloris, silent connections, the connection cap) is in
// server_test.cc.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/http/json_body.h"
#include "api/http/problem.h"
#include "test_server.h"
#include "testing/log_util.h"

namespace api {
namespace {

using api_testing::TestServer;
using api_testing::TestServerConfig;
using std::chrono::milliseconds;
using testing_util::HttpClient;
using testing_util::HttpReply;
using testing_util::RawConnection;

// POST /v1/test/items: a JSON object with "name" (and optionally "count"); every other key is
// an unknown_field error. Appends one event when valid.
ledger::Status RegisterItems(Router& router, ledger::EventLog& log) {
  ledger::EventLog* l = &log;
  return router.Add("POST", "/v1/test/items", {.roles = RoleSet::All()},
                    [l](const RequestContext& ctx) -> ledger::Result<Response> {
                      LEDGER_ASSIGN_OR_RETURN(boost::json::object body,
                                              ParseJsonObject(ctx.request()));
                      JsonFields f(body);
                      f.String("name", Need::kRequired, 64);
                      f.Int("count", Need::kOptional, 0, 100);
                      f.RejectUnknown({"name", "count"});
                      LEDGER_RETURN_IF_ERROR(f.status());
                      LEDGER_ASSIGN_OR_RETURN(ledger::AppendResult r,
                                              l->Append(testing_util::Request("items", 1)));
                      return JsonResponse(201, boost::json::object{{"position", r.last_position}});
                    });
}

class HardeningTest : public ::testing::Test {
 protected:
  void Start(TestServerConfig config = {}) {
    config.routes = RegisterItems;
    server_ = std::make_unique<TestServer>(std::move(config));
  }
  static void ExpectProblem(const HttpReply& r, unsigned status, const std::string& type) {
    EXPECT_EQ(r.status, status) << r.body << r.error;
    EXPECT_EQ(r.Header("Content-Type"), "application/problem+json");
    boost::json::value p = r.Json();
    ASSERT_TRUE(p.is_object() && p.as_object().contains("type")) << r.body;
    EXPECT_EQ(p.at("type").as_string(), "urn:ledger:problem:" + type) << r.body;
  }
  // "field:rule" of the first field error of a problem.
  static std::string FirstError(const HttpReply& r) {
    boost::json::value p = r.Json();
    if (!p.is_object() || !p.as_object().contains("errors")) return "(no errors) " + r.body;
    if (!p.at("errors").is_array() || p.at("errors").as_array().empty()) return r.body;
    const boost::json::value& e = p.at("errors").at(0);
    return std::string(e.at("field").as_string()) + ":" + std::string(e.at("rule").as_string());
  }

  std::unique_ptr<TestServer> server_;
};

TEST_F(HardeningTest, TheRateLimitKeysOnTheTokenNotOnHowTheHeaderIsSpelt) {
  TestServerConfig config;
  config.options.rate_limit_per_second = 1;
  config.options.rate_limit_burst = 5;
  Start(config);
  const std::string& token = server_->token(Role::kAuditor);
  HttpClient c = server_->Client();
  int ok = 0, limited = 0;
  for (int i = 0; i < 40; ++i) {
    // The server accepts any case of the scheme and any run of spaces and tabs after it: forty
    // spellings of one token, which once got forty buckets.
    std::string scheme = i % 3 == 0 ? "Bearer" : i % 3 == 1 ? "bearer" : "BEARER";
    std::string gap = std::string(1 + i / 2, ' ') + (i % 2 ? "\t" : "");
    HttpReply r = c.Get("/v1/events", {{"Authorization", scheme + gap + token}});
    if (r.status == 200) ++ok;
    if (r.status == 429) ++limited;
  }
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(limited, 35);
  EXPECT_EQ(server_->Client(Role::kGm).Get("/v1/events").status, 200u);  // another token
}

TEST_F(HardeningTest, FailedAuthenticationIsLimitedPerAddressAndSuccessIsNot) {
  TestServerConfig config;
  config.options.auth_failure_per_second = 1;
  config.options.auth_failure_burst = 20;
  Start(config);
  HttpClient valid = server_->Client(Role::kAuditor);
  for (int i = 0; i < 30; ++i) ASSERT_EQ(valid.Get("/v1/events").status, 200u) << i;

  HttpClient guesser = server_->Client();
  int unauthenticated = 0, limited = 0;
  HttpReply refused;
  for (int i = 0; i < 400; ++i) {
    HttpReply r =
        guesser.Get("/v1/events", {{"Authorization", "Bearer lgr_guess" + std::to_string(i)}});
    if (r.status == 401) ++unauthenticated;
    if (r.status == 429) ++limited, refused = r;
  }
  EXPECT_EQ(unauthenticated, 20);  // the burst; the 30 successes before took none of it
  EXPECT_EQ(limited, 380);
  ExpectProblem(refused, 429, "rate_limited");
  EXPECT_EQ(refused.Header("Retry-After"), "1");

  // Refused before its token is looked at: a valid token from the address waits too.
  EXPECT_EQ(valid.Get("/v1/events").status, 429u);
  EXPECT_EQ(server_->Client().Get("/healthz").status, 200u);  // no authentication, no limit
  server_->clock().Advance(std::chrono::seconds(1));          // one failure allowed again
  for (int i = 0; i < 5; ++i) EXPECT_EQ(valid.Get("/v1/events").status, 200u) << i;
  EXPECT_EQ(guesser.Get("/v1/events", {{"Authorization", "Bearer lgr_again"}}).status, 401u);
  EXPECT_EQ(guesser.Get("/v1/events", {{"Authorization", "Bearer lgr_again"}}).status, 429u);
}

TEST_F(HardeningTest, AmbiguousFramingAndRepeatedOrFoldedHeadersAre400AndClose) {
  Start();
  const std::string auth = "Authorization: Bearer " + server_->token(Role::kAdmin) + "\r\n";
  const std::string body = R"({"name": "widget"})";
  const std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  const std::string chunked = std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n";
  const std::string post = "POST /v1/test/items HTTP/1.1\r\nHost: x\r\n";
  const std::string json = "Content-Type: application/json\r\n";
  struct Case {
    std::string request;
    std::string error;  // "field:rule"
  };
  const std::vector<Case> cases = {
      {post + auth + auth + json + length + "\r\n" + body, "Authorization:duplicate_header"},
      {post + auth + json + length + length + "\r\n" + body, "Content-Length:duplicate_header"},
      {post + auth + json + "Content-Length: " + std::to_string(body.size()) + ", " +
           std::to_string(body.size()) + "\r\n\r\n" + body,
       "Content-Length:duplicate_header"},
      {post + auth + json + json + length + "\r\n" + body, "Content-Type:duplicate_header"},
      {post + "Host: y\r\n" + auth + json + length + "\r\n" + body, "Host:duplicate_header"},
      {post + auth + json + "Last-Event-ID: 1\r\nLast-Event-ID: 2\r\n" + length + "\r\n" + body,
       "Last-Event-ID:duplicate_header"},
      {post + auth + json + "X-Note: a\r\n b\r\n" + length + "\r\n" + body, "X-Note:obs_fold"},
      {post + "Authorization: Bearer\r\n\t" + server_->token(Role::kAdmin) + "\r\n" + json +
           length + "\r\n" + body,
       "Authorization:obs_fold"},
      {post + auth + json + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked,
       "Transfer-Encoding:transfer_encoding"},
      {post + auth + json + "Transfer-Encoding: chunked, chunked\r\n\r\n" + chunked,
       "Transfer-Encoding:transfer_encoding"},
      {post + auth + json + "Transfer-Encoding: identity\r\n" + length + "\r\n" + body,
       "Transfer-Encoding:framing"},
  };
  for (const Case& c : cases) {
    RawConnection raw("127.0.0.1", server_->port());
    ASSERT_TRUE(raw.Send(c.request));
    HttpReply r = raw.ReadResponse();
    ExpectProblem(r, 400, "bad_request");
    EXPECT_EQ(FirstError(r), c.error) << c.request;
    // The connection closes: nothing after the header (a chunk, a body) is read as a request.
    std::string rest = raw.ReadUntil("HTTP/1.1", milliseconds(10000));
    EXPECT_EQ(rest.find("HTTP/1.1"), std::string::npos) << c.request << "\n" << rest;
    EXPECT_TRUE(raw.closed()) << c.request;
  }
  // Beast refuses Transfer-Encoding: chunked with a Content-Length by itself.
  RawConnection both("127.0.0.1", server_->port());
  ASSERT_TRUE(
      both.Send(post + auth + json + "Transfer-Encoding: chunked\r\n" + length + "\r\n" + chunked));
  ExpectProblem(both.ReadResponse(), 400, "bad_request");
  EXPECT_EQ(server_->Head(), 0u);
  EXPECT_EQ(server_->Client(Role::kAdmin).Post("/v1/test/items", body).status, 201u);
}

TEST_F(HardeningTest, ARepeatedJsonKeyIs400NamingItsPath) {
  Start();
  HttpClient c = server_->Client(Role::kAdmin);
  HttpReply r = c.Post("/v1/test/items", R"({"name": "widget", "name": "gadget"})");
  ExpectProblem(r, 400, "invalid_argument");
  EXPECT_EQ(FirstError(r), "name:duplicate_key");
  r = c.Post("/v1/test/items", R"({"name": "widget", "count": {"a": 1, "a": 2}})");
  EXPECT_EQ(FirstError(r), "count.a:duplicate_key");
  EXPECT_EQ(server_->Head(), 0u);
}

TEST_F(HardeningTest, TheErrorForABodyOfUnknownFieldsStaysUnder8KiB) {
  Start();
  std::string body = R"({"name": "widget")";
  int unknown = 0;
  while (body.size() < 60 * 1024) {
    // Mostly short keys (many errors), some long ones (long names and messages to cut).
    std::string key = unknown % 500 == 0 ? std::string(2000, 'k') + std::to_string(unknown)
                                         : "k" + std::to_string(unknown);
    body += ", \"" + key + "\": 0";
    ++unknown;
  }
  body += "}";
  HttpReply r = server_->Client(Role::kAdmin).Post("/v1/test/items", body);
  ExpectProblem(r, 400, "invalid_argument");
  EXPECT_LT(r.body.size(), kMaxProblemBytes);
  boost::json::object p = r.Json().as_object();
  ASSERT_TRUE(p.contains("errors_omitted")) << r.body.size() << " bytes: " << r.body.substr(0, 200);
  size_t listed = p.at("errors").as_array().size();
  EXPECT_EQ(listed, kMaxProblemErrors);
  EXPECT_EQ(p.at("errors_omitted").as_int64(), unknown - static_cast<int64_t>(listed));
  EXPECT_NE(p.at("detail").as_string().find(std::to_string(unknown - listed) + " more omitted"),
            std::string::npos)
      << p.at("detail");
  EXPECT_TRUE(p.at("errors").at(0).at("field").as_string().ends_with("..."));
}

}  // namespace
}  // namespace api
