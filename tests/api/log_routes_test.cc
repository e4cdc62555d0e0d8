// The log endpoints: pages and cursors (JSON and Cap'n Proto), verify, metrics, and the
// Server-Sent Events stream (live, resume without gap or duplicate, heartbeats, slow clients).
#include "api/http/log_routes.h"

#include <capnp/serialize.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <boost/json.hpp>

#include "api/http/api.capnp.h"
#include "api/http/log_stream.h"
#include "ledger/base/capnp_util.h"
#include "ledger/log/record_format.h"
#include "test_server.h"
#include "testing/log_util.h"

namespace api {
namespace {

using api_testing::TestServer;
using api_testing::TestServerConfig;
using api_testing::WaitFor;
using std::chrono::milliseconds;
using testing_util::HttpReply;
using testing_util::SseClient;

constexpr milliseconds kWait{15000};

testing_util::HeaderList Bearer(const TestServer& s, Role role = Role::kAuditor) {
  return {{"Authorization", "Bearer " + s.token(role)}};
}

std::vector<uint64_t> Positions(const std::vector<SseClient::Event>& events) {
  std::vector<uint64_t> out;
  for (const auto& e : events) {
    uint64_t data_position = boost::json::parse(e.data).at("position").to_number<uint64_t>();
    EXPECT_EQ(std::to_string(data_position), e.id);
    out.push_back(data_position);
  }
  return out;
}

std::vector<uint64_t> Range(uint64_t from, uint64_t to) {
  std::vector<uint64_t> out;
  for (uint64_t p = from; p <= to; ++p) out.push_back(p);
  return out;
}

TEST(LogRoutes, PagesThroughTheLogWithCursors) {
  TestServer server;
  server.Append(5);
  auto c = server.Client(Role::kAuditor);
  std::vector<uint64_t> seen;
  uint64_t from = 1;
  for (int pages = 0; pages < 10; ++pages) {
    HttpReply r = c.Get("/v1/events?from=" + std::to_string(from) + "&limit=2");
    ASSERT_EQ(r.status, 200u) << r.body;
    boost::json::value page = r.Json();
    for (const auto& e : page.at("events").as_array())
      seen.push_back(e.at("position").to_number<uint64_t>());
    from = page.at("next").to_number<uint64_t>();
    EXPECT_EQ(page.at("head").at("position"), 5);
    if (!page.at("has_more").as_bool()) break;
  }
  EXPECT_EQ(seen, Range(1, 5));
  EXPECT_EQ(from, 6u);
  HttpReply empty = c.Get("/v1/events?from=6");
  EXPECT_TRUE(empty.Json().at("events").as_array().empty());
  EXPECT_EQ(empty.Json().at("next"), 6);  // poll again from here
}

TEST(LogRoutes, EventsCarryTheEnvelopeWithHashes) {
  TestServer server;
  server.Append(2);
  HttpReply r = server.Client(Role::kAuditor).Get("/v1/events");
  ASSERT_EQ(r.status, 200u);
  boost::json::value page = r.Json();
  const boost::json::value& e = page.at("events").at(1);
  auto stored = server.log().ReadAt(2);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(e.at("stream"), "s-1");
  EXPECT_EQ(e.at("version"), 2);
  EXPECT_EQ(e.at("type"), "ThingHappened");
  EXPECT_EQ(e.at("actor").at("id"), "u-1");
  EXPECT_TRUE(ledger::ParseRfc3339(e.at("recorded_at").as_string()).ok());
  EXPECT_TRUE(ledger::ParseRfc3339(e.at("occurred_at").as_string()).ok());
  EXPECT_EQ(e.at("hash").as_string(), ledger::ToHex(stored->hash()));
  EXPECT_EQ(e.at("prev_hash").as_string(), ledger::ToHex(stored->prev_hash()));
  EXPECT_TRUE(e.at("payload").is_null());  // the default renderer
  EXPECT_EQ(r.Json().at("head").at("hash").as_string(), ledger::ToHex(server.log().GetHead().hash));
}

TEST(LogRoutes, BadPageParametersAre400NamingTheParameter) {
  TestServer server;
  auto c = server.Client(Role::kAuditor);
  for (const auto& [target, field, rule] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"/v1/events?limit=0", "limit", "range"},
           {"/v1/events?limit=1001", "limit", "range"},
           {"/v1/events?from=abc", "from", "integer"},
           {"/v1/events?from=-1", "from", "integer"},
           {"/v1/events?from=99999999999999999999999", "from", "range"}}) {
    HttpReply r = c.Get(target);
    EXPECT_EQ(r.status, 400u) << target;
    EXPECT_EQ(r.Json().at("errors").at(0).at("field").as_string(), field) << target;
    EXPECT_EQ(r.Json().at("errors").at(0).at("rule").as_string(), rule) << target;
  }
}

TEST(LogRoutes, CapnpClientsGetAnEventPage) {
  TestServer server;
  server.Append(3);
  HttpReply r = server.Client(Role::kAuditor)
                    .Get("/v1/events?from=2&limit=5", {{"Accept", "application/x-capnp"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/x-capnp; type=EventPage");
  kj::Array<capnp::word> words = ledger::AlignedCopy(r.body);
  capnp::FlatArrayMessageReader reader(words);
  auto page = reader.getRoot<schema::EventPage>();
  ASSERT_EQ(page.getEvents().size(), 2u);
  EXPECT_EQ(page.getNext(), 4u);
  EXPECT_FALSE(page.getHasMore());
  EXPECT_EQ(page.getHead().getPosition(), 3u);
  for (unsigned i = 0; i < 2; ++i) {
    auto env = page.getEvents()[i];
    auto stored = server.log().ReadAt(2 + i);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(env.getPosition(), 2u + i);
    EXPECT_EQ(std::string(env.getStreamId().cStr()), "s-1");
    auto hash = env.getHash();
    ASSERT_EQ(hash.size(), 32u);
    EXPECT_TRUE(std::equal(hash.begin(), hash.end(), stored->hash().begin()));
    // The payload travels as stored; the client reads it with the schema its type names.
    EXPECT_EQ(std::string(env.getPayload().getAs<ledger::schema::Actor>().getId().cStr()),
              std::to_string(1 + i));
  }
}

TEST(LogRoutes, VerifyReportsTheHead) {
  TestServer server;
  server.Append(4);
  HttpReply r = server.Client(Role::kAuditor).Get("/v1/ledger/verify");
  ASSERT_EQ(r.status, 200u) << r.body;
  boost::json::value v = r.Json();
  EXPECT_EQ(v.at("ok"), true);
  EXPECT_EQ(v.at("checked"), 4);
  EXPECT_EQ(v.at("head").at("position"), 4);
  EXPECT_EQ(v.at("head").at("hash").as_string(), ledger::ToHex(server.log().GetHead().hash));
  EXPECT_FALSE(v.as_object().contains("first_bad_position"));

  HttpReply b =
      server.Client(Role::kAdmin).Get("/v1/ledger/verify", {{"Accept", "application/x-capnp"}});
  ASSERT_EQ(b.status, 200u);
  kj::Array<capnp::word> words = ledger::AlignedCopy(b.body);
  capnp::FlatArrayMessageReader reader(words);
  auto result = reader.getRoot<schema::VerifyResult>();
  EXPECT_TRUE(result.getOk());
  EXPECT_EQ(result.getChecked(), 4u);
  EXPECT_EQ(result.getHead().getPosition(), 4u);
}

// Changes one stored event underneath the ledger, as an attacker or a bad disk would.
void DamageEvent(const std::string& dir, uint64_t position) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir, families, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* events = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == ledger::kEventsFamily) events = handles[i];
  }
  ASSERT_NE(events, nullptr);
  std::string value;
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), events, ledger::PositionKey(position), &value).ok());
  value.back() ^= 0x01;  // the stored hash no longer matches the bytes
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), events, ledger::PositionKey(position), value).ok());
  for (auto* h : handles) (void)db->DestroyColumnFamilyHandle(h);
  (void)db->Close();
}

TEST(LogRoutes, ACheckpointIsSignedOnDemand) {
  TestServer server;
  server.Append(5);
  HttpReply signed_now = server.Client(Role::kAuditor).Post("/v1/ledger/checkpoint", "");
  ASSERT_EQ(signed_now.status, 200u) << signed_now.body;
  EXPECT_NE(signed_now.body.find("\n5\n"), std::string::npos) << signed_now.body;
  // The same head: the same checkpoint. A grown log: a new one, which GET then answers.
  EXPECT_EQ(server.Client(Role::kAdmin).Post("/v1/ledger/checkpoint", "").body, signed_now.body);
  server.Append(2);
  HttpReply grown = server.Client(Role::kAuditor).Post("/v1/ledger/checkpoint", "");
  ASSERT_EQ(grown.status, 200u);
  EXPECT_NE(grown.body.find("\n7\n"), std::string::npos) << grown.body;
  EXPECT_EQ(server.Client(Role::kAuditor).Get("/v1/ledger/checkpoint").body, grown.body);
  EXPECT_EQ(server.Client(Role::kReader).Post("/v1/ledger/checkpoint", "").status, 403u);
  EXPECT_EQ(server.Client().Post("/v1/ledger/checkpoint", "").status, 401u);
}

TEST(LogRoutes, VerifyNamesTheFirstBadPosition) {
  testing_util::TempDir dir;
  {
    auto log = ledger::EventLog::Open(dir.path(), ledger::Options{});
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->Append(testing_util::Request("s-1", 3)).ok());
  }
  DamageEvent(dir.path(), 2);
  TestServerConfig config;
  config.ledger_dir = dir.path();
  TestServer server(config);
  HttpReply r = server.Client(Role::kAuditor).Get("/v1/ledger/verify");
  ASSERT_EQ(r.status, 200u) << r.body;
  boost::json::value v = r.Json();
  EXPECT_EQ(v.at("ok"), false);
  EXPECT_EQ(v.at("first_bad_position"), 2);
  EXPECT_FALSE(v.at("problem").as_string().empty());
}

TEST(LogRoutes, MetricsShowRequestsLogCountersAndGauges) {
  TestServer server;
  server.Append(3);
  auto c = server.Client(Role::kAuditor);
  ASSERT_EQ(c.Get("/v1/events").status, 200u);
  server.metrics().AddGauge("ledger_projection_lag_events", "Events a projection is behind",
                            [] { return 0.0; });
  std::string text;
  ASSERT_TRUE(WaitFor([&] {
    HttpReply m = server.Client().Get("/metrics");
    text = m.body;
    return m.status == 200 &&
           text.find("route=\"/v1/events\",status=\"200\"} 1") != std::string::npos;
  })) << text;
  for (const char* want :
       {"ledger_http_requests_total{method=\"GET\",route=\"/v1/events\",status=\"200\"} 1",
        "ledger_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/"
        "events\",le=\"+Inf\"} 1",
        "ledger_log_appends_total 1", "ledger_log_events_total 3", "ledger_log_commits_total 1",
        "ledger_log_group_commits_total{appends=\"1\"} 1", "ledger_log_head_position 3",
        "ledger_http_open_connections ", "ledger_sse_clients 0",
        "ledger_projection_lag_events 0"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  }
}

TEST(EventStream, SendsFromAPositionThenFollowsLive) {
  TestServer server;
  server.Append(3);
  SseClient sse("127.0.0.1", server.port(), "/v1/events/stream?from=2", Bearer(server));
  ASSERT_EQ(sse.status(), 200u) << sse.error_body();
  EXPECT_EQ(Positions(sse.Read(2, kWait)), Range(2, 3));
  server.Append(2);
  EXPECT_EQ(Positions(sse.Read(2, kWait)), Range(4, 5));
  EXPECT_EQ(server.server().GetStats().sse_clients, 1u);
}

TEST(EventStream, ResumesAfterLastEventIdWithoutGapOrDuplicate) {
  TestServer server;
  server.Append(10);
  std::vector<uint64_t> got;
  {
    SseClient first("127.0.0.1", server.port(), "/v1/events/stream", Bearer(server));
    got = Positions(first.Read(4, kWait));
    ASSERT_EQ(got, Range(1, 4));
  }  // the client drops the connection after event 4
  server.Append(3);
  testing_util::HeaderList headers = Bearer(server);
  headers.emplace_back("Last-Event-ID", "4");
  // Last-Event-ID wins over a stale `from` in the URL the client reconnects to.
  SseClient again("127.0.0.1", server.port(), "/v1/events/stream?from=1", headers);
  ASSERT_EQ(again.status(), 200u);
  std::vector<uint64_t> rest = Positions(again.Read(9, kWait));
  got.insert(got.end(), rest.begin(), rest.end());
  EXPECT_EQ(got, Range(1, 13));
  server.Append(1);
  EXPECT_EQ(Positions(again.Read(1, kWait)), Range(14, 14));
}

TEST(EventStream, BadLastEventIdIs400) {
  TestServer server;
  testing_util::HeaderList headers = Bearer(server);
  headers.emplace_back("Last-Event-ID", "four");
  SseClient sse("127.0.0.1", server.port(), "/v1/events/stream", headers);
  EXPECT_EQ(sse.status(), 400u);
  EXPECT_NE(sse.error_body().find("Last-Event-ID"), std::string::npos) << sse.error_body();
}

TEST(EventStream, SendsHeartbeatsWhenIdle) {
  TestServerConfig config;
  config.options.sse_heartbeat = milliseconds(50);
  TestServer server(config);
  SseClient sse("127.0.0.1", server.port(), "/v1/events/stream", Bearer(server));
  ASSERT_EQ(sse.status(), 200u);
  EXPECT_TRUE(sse.WaitForComment("heartbeat", kWait));
  server.Append(1);  // still streaming after heartbeats
  EXPECT_EQ(Positions(sse.Read(1, kWait)), Range(1, 1));
}

// A client that stops reading does not make the server buffer: each connection holds at most
// one chunk (sse_buffer_bytes plus one event), the source reads the log only as fast as chunks
// are written, and the stalled connection is dropped once a write times out.
TEST(EventStream, ASlowClientIsBoundedThenDropped) {
  TestServerConfig config;
  config.options.sse_buffer_bytes = 16 * 1024;
  config.options.write_timeout = milliseconds(500);
  std::string big(4000, 'p');
  config.render = [big](const ledger::RecordedEvent&,
                        const Principal*) -> ledger::Result<boost::json::value> {
    return boost::json::value(big);
  };
  TestServer server(config);
  // 3000 events of ~4.5 KB: ~13 MB, more than the socket buffers hold.
  for (int i = 0; i < 3; ++i) server.Append(1000);
  SseClient slow("127.0.0.1", server.port(), "/v1/events/stream", Bearer(server), kWait, 4096);
  ASSERT_EQ(slow.status(), 200u);
  // Read nothing more; the server must give up on us.
  ASSERT_TRUE(
      WaitFor([&] { return server.server().GetStats().sse_stalled == 1; }, milliseconds(60000)));
  ServerStats stats = server.server().GetStats();
  size_t one_event = SseFrame(*server.log().ReadAt(1), config.render, nullptr).size();
  EXPECT_LE(stats.sse_max_chunk_bytes, config.options.sse_buffer_bytes + one_event);
  EXPECT_GT(stats.sse_max_chunk_bytes, 0u);
  EXPECT_TRUE(WaitFor([&] { return server.server().GetStats().sse_clients == 0; }));
  EXPECT_EQ(server.Client().Get("/healthz").status, 200u);
}

TEST(EventStream, ShutdownEndsOpenStreams) {
  TestServer server;
  SseClient sse("127.0.0.1", server.port(), "/v1/events/stream", Bearer(server));
  ASSERT_EQ(sse.status(), 200u);
  ASSERT_TRUE(WaitFor([&] { return server.server().GetStats().sse_clients == 1; }));
  server.server().Shutdown();
  EXPECT_TRUE(sse.Read(1, kWait).empty());
  EXPECT_TRUE(sse.closed());
}

TEST(LogEventSource, PollsAreBoundedAndResumeWhereTheyStopped) {
  TestServer server;
  server.Append(50);
  LogEventSource source(&server.log(), 1, {}, std::nullopt);
  std::string out;
  ASSERT_TRUE(source.Poll(1000, 1, &out).ok());  // the byte budget stops after one event
  EXPECT_EQ(source.next_position(), 2u);
  out.clear();
  ASSERT_TRUE(source.Poll(10, 1 << 20, &out).ok());  // the event budget
  EXPECT_EQ(source.next_position(), 12u);
  EXPECT_EQ(out.rfind("id: 2\n", 0), 0u);
  out.clear();
  ASSERT_TRUE(source.Poll(1000, 1 << 20, &out).ok());
  EXPECT_EQ(source.next_position(), 51u);
  out.clear();
  ASSERT_TRUE(source.Poll(1000, 1 << 20, &out).ok());
  EXPECT_TRUE(out.empty());  // caught up: nothing, no waiting
}

}  // namespace
}  // namespace api
