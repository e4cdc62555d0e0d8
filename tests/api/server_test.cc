// The HTTP server core against a real client: routing errors, the bad-input suite (malformed
// JSON, invalid UTF-8, oversized bodies and headers, slowloris, silent connections, path
// traversal, floods, the connection cap and eviction of idle connections), pipelining,
// asynchronous answers, and graceful shutdown. After each abuse the server still answers /healthz
// and nothing was appended to the log. Abuse of headers and bodies: hardening_test.cc.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <future>
#include <thread>

#include "api/http/core_routes.h"
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

// Routes that exercise the server core: a JSON write that appends (asynchronously, answered from
// the log's commit thread), a parameterised read, a handler that blocks until released, and
// handlers that misbehave.
struct TestRoutes {
  std::atomic<int> file_calls{0};
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();

  ledger::Status Register(Router& router, ledger::EventLog& log) {
    ledger::EventLog* l = &log;
    LEDGER_RETURN_IF_ERROR(router.AddAsync(
        "POST", "/v1/test/items", {.roles = RoleSet::All()},
        [l](std::shared_ptr<const RequestContext> ctx, Responder responder) {
          auto body = ParseJsonObject(ctx->request());
          if (!body.ok()) return responder.Fail(body.status());
          JsonFields f(*body);
          std::optional<std::string> name = f.String("name", Need::kRequired, 64);
          f.Int("count", Need::kOptional, 0, 100);
          f.RejectUnknown({"name", "count"});
          if (!f.status().ok()) return responder.Fail(f.status());
          ledger::AppendRequest request = testing_util::Request("items", 1);
          request.events[0].actor = ctx->principal()->actor;
          l->AppendAsync(std::move(request), [responder](ledger::Result<ledger::AppendResult> r) {
            if (!r.ok()) return responder.Fail(r.status());
            responder.Send(JsonResponse(201, boost::json::object{{"position", r->last_position}}));
          });
        }));
    LEDGER_RETURN_IF_ERROR(
        router.Add("GET", "/v1/test/files/{name}", {.roles = RoleSet::All()},
                   [this](const RequestContext& ctx) -> ledger::Result<Response> {
                     ++file_calls;
                     return JsonResponse(200, boost::json::object{{"name", ctx.Param("name")}});
                   }));
    LEDGER_RETURN_IF_ERROR(
        router.Add("GET", "/v1/test/block", {.roles = RoleSet::All()},
                   [this](const RequestContext&) -> ledger::Result<Response> {
                     entered.set_value();
                     released.wait();
                     return JsonResponse(200, boost::json::object{{"done", true}});
                   }));
    LEDGER_RETURN_IF_ERROR(
        router.AddAsync("GET", "/v1/test/drop", {.roles = RoleSet::All()},
                        [](std::shared_ptr<const RequestContext>, Responder) {}));
    return router.Add("GET", "/v1/test/throw", {.roles = RoleSet::All()},
                      [](const RequestContext&) -> ledger::Result<Response> {
                        throw std::runtime_error("boom");
                      });
  }
};

class ServerTest : public ::testing::Test {
 protected:
  void Start(TestServerConfig config = {}) {
    config.routes = [this](Router& r, ledger::EventLog& log) { return routes_.Register(r, log); };
    server_ = std::make_unique<TestServer>(std::move(config));
    head_ = server_->Head();
  }
  HttpClient Client() { return server_->Client(Role::kAdmin); }
  void ExpectStillHealthyAndNothingAppended() {
    EXPECT_EQ(server_->Client().Get("/healthz").status, 200u);
    EXPECT_EQ(server_->Head(), head_);
  }
  static void ExpectProblem(const HttpReply& r, unsigned status, const std::string& type) {
    EXPECT_EQ(r.status, status) << r.body << r.error;
    EXPECT_EQ(r.Header("Content-Type"), "application/problem+json");
    boost::json::value p = r.Json();
    ASSERT_TRUE(p.is_object()) << r.body;
    EXPECT_EQ(p.at("type").as_string(), "urn:ledger:problem:" + type) << r.body;
    EXPECT_EQ(p.at("status"), status);
    EXPECT_TRUE(p.at("title").is_string());
    EXPECT_TRUE(p.at("detail").is_string());
  }
  static void ExpectFieldError(const HttpReply& r, const std::string& field,
                               const std::string& rule) {
    ExpectProblem(r, 400, "invalid_argument");
    boost::json::value p = r.Json();
    ASSERT_TRUE(p.as_object().contains("errors")) << r.body;
    EXPECT_EQ(p.at("errors").at(0).at("field").as_string(), field) << r.body;
    EXPECT_EQ(p.at("errors").at(0).at("rule").as_string(), rule) << r.body;
  }

  TestRoutes routes_;
  std::unique_ptr<TestServer> server_;
  uint64_t head_ = 0;
};

TEST_F(ServerTest, HealthzNeedsNoToken) {
  Start();
  HttpReply r = server_->Client().Get("/healthz");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.Json().at("status"), "ok");
}

TEST_F(ServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Start();
  HttpClient c = Client();
  HttpReply r = c.Get("/v1/nothing/here?x=1");
  ExpectProblem(r, 404, "no_route");
  EXPECT_EQ(r.Json().at("instance"), "/v1/nothing/here");
  HttpReply m = c.Request("DELETE", "/v1/events");
  ExpectProblem(m, 405, "method_not_allowed");
  EXPECT_EQ(m.Header("Allow"), "GET");
  ExpectStillHealthyAndNothingAppended();
}

TEST_F(ServerTest, ValidJsonIsAppendedAndAnsweredFromTheCommitThread) {
  Start();
  HttpReply r = Client().Post("/v1/test/items", R"({"name": "widget", "count": 3})");
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.Json().at("position"), 1);
  EXPECT_EQ(server_->Head(), 1u);
}

TEST_F(ServerTest, ClientsExpecting100ContinueGetIt) {
  Start();
  RawConnection raw("127.0.0.1", server_->port());
  std::string body = R"({"name": "widget"})";
  ASSERT_TRUE(raw.Send("POST /v1/test/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                       server_->token(Role::kAdmin) +
                       "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                       "Content-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n"));
  std::string interim = raw.ReadUntil("\r\n\r\n", milliseconds(10000));
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(raw.Send(body));
  EXPECT_EQ(raw.ReadResponse().status, 201u);
}

TEST_F(ServerTest, MalformedJsonWrongTypesAndInvalidUtf8Are400NamingTheField) {
  Start();
  HttpClient c = Client();
  ExpectFieldError(c.Post("/v1/test/items", R"({"name": )"), "body", "json");
  ExpectFieldError(c.Post("/v1/test/items", "{\"name\": \"\xff\xfe\"}"), "body", "utf8");
  ExpectFieldError(c.Post("/v1/test/items", R"({"name": 5})"), "name", "type");
  ExpectFieldError(c.Post("/v1/test/items", R"({"count": 1})"), "name", "required");
  ExpectFieldError(c.Post("/v1/test/items", R"({"name": "x", "count": "3"})"), "count", "type");
  ExpectFieldError(c.Post("/v1/test/items", R"({"name": "x", "admin": true})"), "admin",
                   "unknown_field");
  ExpectFieldError(c.Post("/v1/test/items", R"(["name"])"), "body", "type");
  ExpectFieldError(c.Post("/v1/test/items", std::string(200, '[') + std::string(200, ']')), "body",
                   "json_depth");
  ExpectFieldError(c.Post("/v1/test/items", "{}", {{"Content-Type", "text/plain"}}), "Content-Type",
                   "media_type");
  ExpectFieldError(c.Get("/v1/events?from=%FF"), "from", "utf8");
  ExpectStillHealthyAndNothingAppended();
}

TEST_F(ServerTest, OversizedBodyIs413BeforeItIsRead) {
  TestServerConfig config;
  config.options.max_body_bytes = 1024;
  Start(config);
  ExpectProblem(Client().Post("/v1/test/items", "{\"name\": \"" + std::string(2000, 'x') + "\"}"),
                413, "payload_too_large");
  // A chunked body has no Content-Length to check up front: it is cut when it passes the limit.
  RawConnection raw("127.0.0.1", server_->port());
  std::string chunk(1500, 'x');
  char size[16];
  std::snprintf(size, sizeof size, "%zx", chunk.size());
  ASSERT_TRUE(raw.Send("POST /v1/test/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                       server_->token(Role::kAdmin) + "\r\nTransfer-Encoding: chunked\r\n\r\n" +
                       size + "\r\n" + chunk + "\r\n0\r\n\r\n"));
  ExpectProblem(raw.ReadResponse(), 413, "payload_too_large");
  EXPECT_TRUE(raw.WaitForClose(milliseconds(10000)));
  ExpectStillHealthyAndNothingAppended();
}

TEST_F(ServerTest, OversizedHeaderIs431) {
  TestServerConfig config;
  config.options.max_header_bytes = 4096;
  Start(config);
  HttpReply r = Client().Get("/healthz", {{"X-Padding", std::string(8000, 'a')}});
  ExpectProblem(r, 431, "headers_too_large");
  ExpectStillHealthyAndNothingAppended();
}

TEST_F(ServerTest, SlowlorisClientIsCutByTheHeaderTimeout) {
  TestServerConfig config;
  config.options.header_timeout = milliseconds(300);
  Start(config);
  RawConnection slow("127.0.0.1", server_->port());
  ASSERT_TRUE(slow.Send("GET /healthz HTTP/1.1\r\n"));
  // Trickle one header byte at a time, each after waiting on the socket: the whole header would
  // take far longer than the timeout, and trickling must not extend it.
  std::string trickle = "X-Slow: " + std::string(400, 'a');
  size_t sent = 0;
  while (sent < trickle.size() && !slow.closed()) {
    slow.ReadSome(milliseconds(25));
    if (slow.closed() || !slow.Send(trickle.substr(sent, 1))) break;
    ++sent;
  }
  EXPECT_TRUE(slow.closed() || slow.WaitForClose(milliseconds(10000)));
  EXPECT_LT(sent, trickle.size()) << "the server waited for the whole trickled header";
  ExpectStillHealthyAndNothingAppended();
}

TEST_F(ServerTest, ASilentNewConnectionIsCutByTheHeaderTimeout) {
  TestServerConfig config;
  config.options.header_timeout = milliseconds(300);  // idle_timeout stays 60 s
  Start(config);
  RawConnection silent("127.0.0.1", server_->port());
  EXPECT_TRUE(silent.WaitForClose(milliseconds(10000)));
  ExpectStillHealthyAndNothingAppended();
}

TEST_F(ServerTest, IdleKeepAliveConnectionsAreClosed) {
  TestServerConfig config;
  config.options.idle_timeout = milliseconds(200);
  Start(config);
  RawConnection idle("127.0.0.1", server_->port());
  ASSERT_TRUE(idle.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(idle.ReadResponse().status, 200u);
  EXPECT_TRUE(idle.WaitForClose(milliseconds(10000)));
}

TEST_F(ServerTest, PathTraversalInParametersNeverReachesAHandler) {
  Start();
  HttpClient c = Client();
  for (const char* target : {"/v1/test/files/..%2F..", "/v1/test/files/..", "/v1/test/files/%2e%2e",
                             "/v1/test/files/a%2Fb", "/v1/test/files/%00", "/v1/test/files/a%5Cb",
                             "/v1/test/files/%ff"}) {
    ExpectFieldError(c.Get(target), "name", "path_parameter");
  }
  ExpectProblem(c.Get("/v1/complaints/../../etc/passwd"), 404, "no_route");
  ExpectProblem(c.Get("/v1/test/files/a/../../b"), 404, "no_route");
  EXPECT_EQ(routes_.file_calls.load(), 0);
  EXPECT_EQ(c.Get("/v1/test/files/report.pdf").Json().at("name"), "report.pdf");
  EXPECT_EQ(c.Get("/v1/test/files/caf%C3%A9").Json().at("name"), "caf\xc3\xa9");
  ExpectStillHealthyAndNothingAppended();
}

// A server that would miss a route of its contract does not start (no 501 placeholders).
TEST(ContractRoutes, ARouterMissingARouteOfTheContractIsRefusedNamingIt) {
  api::Router router;
  ledger::Status missing = api::CheckContractRoutes(router);
  EXPECT_EQ(missing.code(), ledger::Code::kInternal);
  EXPECT_NE(missing.message().find("GET /v1/complaints/{id}"), std::string::npos)
      << missing.message();
}

TEST_F(ServerTest, MalformedRequestLinesAre400) {
  Start();
  RawConnection raw("127.0.0.1", server_->port());
  ASSERT_TRUE(raw.Send("GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"));
  ExpectProblem(raw.ReadResponse(), 400, "bad_request");
  RawConnection bad_target("127.0.0.1", server_->port());
  ASSERT_TRUE(bad_target.Send("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
  HttpReply r = bad_target.ReadResponse();
  EXPECT_EQ(r.status, 400u) << r.body;
  ExpectStillHealthyAndNothingAppended();
}

TEST_F(ServerTest, AFloodHitsTheRateLimitWith429AndRetryAfter) {
  TestServerConfig config;
  config.options.rate_limit_per_second = 1;
  config.options.rate_limit_burst = 5;
  Start(config);
  HttpClient flood = server_->Client(Role::kAuditor);
  int ok = 0;
  HttpReply refused;
  for (int i = 0; i < 20; ++i) {
    HttpReply r = flood.Get("/v1/events");
    if (r.status == 200)
      ++ok;
    else
      refused = r;
  }
  EXPECT_EQ(ok, 5);
  ExpectProblem(refused, 429, "rate_limited");
  EXPECT_EQ(refused.Header("Retry-After"), "1");
  EXPECT_EQ(server_->Client(Role::kGm).Get("/v1/events").status, 200u);  // per token
  server_->clock().Advance(std::chrono::seconds(1));                     // one token back
  EXPECT_EQ(flood.Get("/v1/events").status, 200u);
  EXPECT_EQ(flood.Get("/v1/events").status, 429u);
  ExpectStillHealthyAndNothingAppended();  // /healthz is exempt
}

TEST_F(ServerTest, AtTheCapANewConnectionEvictsTheOneIdleLongest) {
  TestServerConfig config;
  config.options.max_connections = 16;
  config.options.header_timeout = milliseconds(60000);  // the silent ones stay until evicted
  Start(config);
  auto stats = [this] { return server_->server().GetStats(); };
  // Sixteen connections that send nothing, the first one idle before any other opens.
  std::vector<std::unique_ptr<RawConnection>> silent;
  silent.push_back(std::make_unique<RawConnection>("127.0.0.1", server_->port()));
  ASSERT_TRUE(api_testing::WaitFor([&] { return stats().idle_connections == 1; }));
  for (int i = 1; i < 16; ++i)
    silent.push_back(std::make_unique<RawConnection>("127.0.0.1", server_->port()));
  ASSERT_TRUE(api_testing::WaitFor(
      [&] { return stats().open_connections == 16 && stats().idle_connections == 16; }));

  HttpReply r = server_->Client().Get("/healthz");  // a real client is let in...
  EXPECT_EQ(r.status, 200u) << r.body << r.error;
  EXPECT_TRUE(silent[0]->WaitForClose(milliseconds(10000)));  // ... in place of the oldest
  for (size_t i = 1; i < silent.size(); ++i) {
    silent[i]->ReadSome(milliseconds(1));
    EXPECT_FALSE(silent[i]->closed()) << i;
  }
  EXPECT_EQ(stats().evicted_connections, 1u);
  EXPECT_EQ(stats().rejected_connections, 0u);
  std::string metrics = server_->Client().Get("/metrics").body;
  EXPECT_NE(metrics.find("ledger_http_evicted_connections_total 1\n"), std::string::npos)
      << metrics;
}

TEST_F(ServerTest, ConnectionsBeyondTheCapAreRefusedWith503WhenNoneIsIdle) {
  TestServerConfig config;
  config.options.max_connections = 3;
  Start(config);
  // Two connections in the middle of a request and one event stream: none of them idle.
  std::vector<std::unique_ptr<RawConnection>> busy;
  for (int i = 0; i < 2; ++i) {
    busy.push_back(std::make_unique<RawConnection>("127.0.0.1", server_->port()));
    ASSERT_TRUE(busy.back()->Send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  }
  testing_util::SseClient stream("127.0.0.1", server_->port(), "/v1/events/stream",
                                 {{"Authorization", "Bearer " + server_->token(Role::kAuditor)}});
  ASSERT_EQ(stream.status(), 200u);
  ASSERT_TRUE(api_testing::WaitFor([&] {
    ServerStats s = server_->server().GetStats();
    return s.open_connections == 3 && s.idle_connections == 0;
  }));
  RawConnection extra("127.0.0.1", server_->port());
  ASSERT_TRUE(extra.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  HttpReply refused = extra.ReadResponse();
  ExpectProblem(refused, 503, "overloaded");
  EXPECT_EQ(refused.Header("Retry-After"), "1");
  EXPECT_EQ(server_->server().GetStats().rejected_connections, 1u);
  EXPECT_EQ(server_->server().GetStats().evicted_connections, 0u);
  for (auto& c : busy) {  // the requests in the middle were left alone
    ASSERT_TRUE(c->Send("\r\n"));
    EXPECT_EQ(c->ReadResponse().status, 200u);
  }
  EXPECT_FALSE(stream.closed());
  busy.clear();  // they leave: room for another
  ASSERT_TRUE(
      api_testing::WaitFor([&] { return server_->server().GetStats().open_connections == 1; }));
  ExpectStillHealthyAndNothingAppended();
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredOneAtATimeInOrder) {
  Start();
  RawConnection raw("127.0.0.1", server_->port());
  ASSERT_TRUE(
      raw.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
               "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
               "GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n"
               "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(raw.ReadResponse().status, 200u);
  EXPECT_EQ(raw.ReadResponse().status, 404u);
  EXPECT_EQ(raw.ReadResponse().status, 401u);
  EXPECT_EQ(raw.ReadResponse().status, 200u);
  EXPECT_TRUE(raw.WaitForClose(milliseconds(10000)));
}

TEST_F(ServerTest, HandlersThatThrowOrNeverAnswerGive500) {
  Start();
  HttpClient c = Client();
  HttpReply thrown = c.Get("/v1/test/throw");
  ExpectProblem(thrown, 500, "internal");
  EXPECT_NE(thrown.Json().at("detail").as_string().find("boom"), std::string::npos);
  HttpReply dropped = c.Get("/v1/test/drop");
  ExpectProblem(dropped, 500, "internal");
  EXPECT_EQ(c.Get("/healthz").status, 200u);  // the same connection goes on
}

TEST_F(ServerTest, AcceptThatExcludesJsonIs406) {
  Start();
  ExpectProblem(server_->Client(Role::kAuditor).Get("/v1/events", {{"Accept", "text/html"}}), 406,
                "not_acceptable");
}

TEST_F(ServerTest, OneAccessLogLinePerRequestWithoutTheQuery) {
  Start();
  HttpClient c = server_->Client(Role::kAuditor);
  ASSERT_EQ(c.Get("/v1/events?from=1&secret=hunter2").status, 200u);
  ASSERT_EQ(server_->Client().Get("/nope").status, 404u);
  // Lines are written once the answer has gone out, by whichever connection finishes first
  // (two connections here): wait for both, in either order.
  ASSERT_TRUE(api_testing::WaitFor([&] { return server_->AccessLines().size() >= 2; }));
  std::vector<std::string> lines = server_->AccessLines();
  ASSERT_EQ(lines.size(), 2u);
  if (lines[0].find("path=/nope") != std::string::npos) std::swap(lines[0], lines[1]);
  EXPECT_NE(lines[0].find("method=GET path=/v1/events status=200"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("actor=u-auditor"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("route=/v1/events"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("hunter2"), std::string::npos);
  EXPECT_NE(lines[1].find("path=/nope status=404"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("actor=-"), std::string::npos) << lines[1];
}

TEST_F(ServerTest, GracefulShutdownFinishesTheInFlightRequest) {
  Start();
  std::future<HttpReply> reply =
      std::async(std::launch::async, [this] { return Client().Get("/v1/test/block"); });
  routes_.entered.get_future().wait();  // the handler is running
  std::thread stopper([this] { server_->server().Shutdown(); });
  ASSERT_TRUE(api_testing::WaitFor([&] { return server_->server().GetStats().draining; }));
  RawConnection late("127.0.0.1", server_->port());  // no longer accepted
  EXPECT_TRUE(!late.connected() || !late.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") ||
              late.ReadResponse(milliseconds(10000)).status == 0);
  routes_.release.set_value();
  HttpReply r = reply.get();
  stopper.join();
  ASSERT_EQ(r.status, 200u) << r.error;
  EXPECT_EQ(r.Json().at("done"), true);
  EXPECT_EQ(r.Header("Connection"), "close");
  EXPECT_EQ(server_->server().GetStats().open_connections, 0u);
}

}  // namespace
}  // namespace api
