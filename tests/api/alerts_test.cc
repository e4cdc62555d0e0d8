// Deadline alerts over the real product: GET /v1/alerts at a time (the highest threshold each
// clock still to be done has passed), filtered and scoped; the scheduler publishing each alert
// once, at its instant, to the outbox; the live stream sending them to whoever may see the
// complaint, and resuming after Last-Event-ID. The clock is moved by hand; the test runs the
// scheduler's rounds itself.
#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include "api/services/webhook_delivery.h"
#include "api/services/webhook_store.h"
#include "ledger/base/hash.h"
#include "test_server.h"
#include "webhook_receiver.h"

namespace api {
namespace {

namespace json = boost::json;
using testing_util::HttpReply;

const ledger::Actor kCs{"u-cs-01", "cs_agent", "customer_service"};
const ledger::Actor kHandler{"u-handler-property-1", "handler", "property"};
const ledger::Actor kOtherHandler{"u-handler-marketing-1", "handler", "marketing"};

ledger::Time At(const std::string& local) { return *ledger::ParseRfc3339(local + "+08:00"); }

class Alerts : public ::testing::Test {
 protected:
  Alerts() : server_(Config()) { server_.clock().Set(At("2026-03-02T10:00:00")); }
  static api_testing::TestServerConfig Config() {
    api_testing::TestServerConfig c = api_testing::ProductConfig();
    c.app_options.run_scheduler = false;
    return c;
  }

  // Received by customer service at 10:00 Monday, valid, assigned to property: general, so the
  // first response is due at 11:00 (alerts at 10:30, 10:45 and 11:00) and the plan at 14:00.
  std::string Assigned() {
    testing_util::HttpClient cs = server_.ClientAs(kCs);
    HttpReply r = cs.Post("/v1/complaints", R"({"type":"receive","channel":"hotline",
      "complainant":{"name":"Li"},"project":"p-lakeside","subject":"Leak","description":"d",
      "receiving_department":"customer_service"})");
    EXPECT_EQ(r.status, 201u) << r.body;
    std::string id(r.Json().at("id").as_string());
    for (const char* body :
         {R"({"type":"assess_validity","valid":true})",
          R"({"type":"classify","category":"property_service"})",
          R"({"type":"assign","department":"property","handler":"u-handler-property-1"})"})
      EXPECT_EQ(cs.Post("/v1/complaints/" + id + "/actions", body).status, 200u);
    EXPECT_TRUE(server_.WaitForProjections());
    return id;
  }
  json::value Get(const ledger::Actor& who, const std::string& target) {
    HttpReply r = server_.ClientAs(who).Get(target);
    EXPECT_EQ(r.status, 200u) << target << " " << r.body;
    return r.Json();
  }
  // The response clock's alert in a GET /v1/alerts answer, or null.
  static json::value ResponseAlert(const json::value& doc) {
    for (const json::value& a : doc.at("alerts").as_array())
      if (a.at("clock") == "response") return a;
    return nullptr;
  }

  api_testing::TestServer server_;
};

TEST_F(Alerts, TheQueueShowsEachClocksHighestThresholdPassed) {
  const std::string id = Assigned();
  server_.clock().Set(At("2026-03-02T10:29:00"));
  EXPECT_TRUE(ResponseAlert(Get(kCs, "/v1/alerts")).is_null());  // not half way yet
  server_.clock().Set(At("2026-03-02T10:40:00"));
  json::value half = ResponseAlert(Get(kCs, "/v1/alerts"));
  ASSERT_FALSE(half.is_null());
  EXPECT_EQ(half.at("complaint").as_string(), id);
  EXPECT_EQ(half.at("threshold").as_int64(), 50);
  EXPECT_EQ(half.at("state").as_string(), "due_soon");
  EXPECT_EQ(half.at("at").as_string(), "2026-03-02T10:30:00+08:00");
  EXPECT_EQ(half.at("due").as_string(), "2026-03-02T11:00:00+08:00");
  EXPECT_EQ(half.at("department").as_string(), "property");
  EXPECT_EQ(half.at("person").as_string(), "u-handler-property-1");
  server_.clock().Set(At("2026-03-02T11:05:00"));
  json::value missed = ResponseAlert(Get(kCs, "/v1/alerts?state=missed"));
  ASSERT_FALSE(missed.is_null());
  EXPECT_EQ(missed.at("threshold").as_int64(), 100);
  EXPECT_EQ(missed.at("state").as_string(), "missed");
  // Filters: by clock, level, department and person; a state it is not in.
  EXPECT_EQ(Get(kCs, "/v1/alerts?clock=response").at("alerts").as_array().size(), 1u);
  EXPECT_TRUE(Get(kCs, "/v1/alerts?clock=plan").at("alerts").as_array().empty());  // 27% by 11:05
  EXPECT_TRUE(ResponseAlert(Get(kCs, "/v1/alerts?state=due_soon")).is_null());
  EXPECT_FALSE(ResponseAlert(Get(kCs, "/v1/alerts?person=u-handler-property-1")).is_null());
  EXPECT_TRUE(Get(kCs, "/v1/alerts?department=marketing").at("alerts").as_array().empty());
  EXPECT_TRUE(Get(kCs, "/v1/alerts?level=major").at("alerts").as_array().empty());
  // Scoped: the handler of the department sees it; another department's handler does not.
  EXPECT_FALSE(ResponseAlert(Get(kHandler, "/v1/alerts")).is_null());
  EXPECT_TRUE(Get(kOtherHandler, "/v1/alerts").at("alerts").as_array().empty());
  // Done: the clock is met, its alert gone.
  EXPECT_EQ(server_.ClientAs(kHandler)
                .Post("/v1/complaints/" + id + "/actions",
                      R"({"type":"respond","channel":"phone","summary":"called"})")
                .status,
            200u);
  ASSERT_TRUE(server_.WaitForProjections());
  EXPECT_TRUE(ResponseAlert(Get(kCs, "/v1/alerts")).is_null());
  // Bad filters are 400 naming the parameter.
  HttpReply bad = server_.ClientAs(kCs).Get("/v1/alerts?clock=lunch");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(bad.Json().at("errors").at(0).at("field").as_string(), "clock");
}

TEST_F(Alerts, EachAlertIsPublishedOnceAtItsInstantAndStreamedToWhoMaySeeIt) {
  const std::string id = Assigned();
  ledger::Outbox& outbox = server_.app().outbox();
  Scheduler& scheduler = server_.app().scheduler();
  server_.clock().Set(At("2026-03-02T10:20:00"));
  ASSERT_TRUE(scheduler.RunDue().ok());
  EXPECT_EQ(outbox.LastSeq().value(), 0u);  // nothing has arisen yet
  server_.clock().Set(At("2026-03-02T10:31:00"));
  ASSERT_TRUE(scheduler.RunDue().ok());
  auto entries = outbox.ReadFrom(1, 100).value();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].key, "alert:" + id + "/response/0/50");
  EXPECT_EQ(entries[0].stream, id);
  EXPECT_EQ(json::parse(entries[0].body).at("threshold").as_int64(), 50);
  // Rounds and restarts of the decision do not publish it again.
  ASSERT_TRUE(scheduler.RunDue().ok());
  server_.clock().Set(At("2026-03-02T10:32:00"));
  ASSERT_TRUE(scheduler.RunDue().ok());
  EXPECT_EQ(outbox.LastSeq().value(), 1u);
  // The next thresholds, as their instants pass: response 75% at 10:45, plan 50% at 12:00.
  server_.clock().Set(At("2026-03-02T12:01:00"));
  ASSERT_TRUE(scheduler.RunDue().ok());
  std::vector<std::string> keys;
  const std::vector<ledger::OutboxEntry> all = outbox.ReadFrom(1, 100).value();
  for (const ledger::OutboxEntry& e : all) keys.push_back(e.key);
  std::sort(keys.begin() + 1, keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "alert:" + id + "/response/0/50", "alert:" + id + "/plan/0/50",
                      "alert:" + id + "/response/0/100", "alert:" + id + "/response/0/75"}));

  // The live stream: from the start for the department's handler; nothing for another's.
  testing_util::HeaderList mine = {{"Authorization", "Bearer " + server_.TokenFor(kHandler)}};
  testing_util::SseClient sse("127.0.0.1", server_.port(), "/v1/alerts/stream?from=1", mine);
  ASSERT_EQ(sse.status(), 200u) << sse.error_body();
  auto events = sse.Read(4, std::chrono::milliseconds(10000));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].id, "1");
  EXPECT_EQ(json::parse(events[0].data).at("complaint").as_string(), id);
  testing_util::HeaderList theirs = {
      {"Authorization", "Bearer " + server_.TokenFor(kOtherHandler)}};
  testing_util::SseClient other("127.0.0.1", server_.port(), "/v1/alerts/stream?from=1", theirs);
  ASSERT_EQ(other.status(), 200u);
  EXPECT_TRUE(other.Read(1, std::chrono::milliseconds(1500)).empty());
  // A reconnecting client resumes after the last id it saw, and sees what arises next live.
  testing_util::HeaderList resume = mine;
  resume.emplace_back("Last-Event-ID", "3");
  testing_util::SseClient again("127.0.0.1", server_.port(), "/v1/alerts/stream", resume);
  auto rest = again.Read(1, std::chrono::milliseconds(10000));
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id, "4");
  server_.clock().Set(At("2026-03-02T13:01:00"));  // the plan's 75%
  ASSERT_TRUE(scheduler.RunDue().ok());
  auto live = again.Read(1, std::chrono::milliseconds(10000));
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].id, "5");
  EXPECT_EQ(json::parse(live[0].data).at("clock").as_string(), "plan");
}

// The whole path of an alert to a receiver: the scheduler publishes it when its instant passes,
// the delivery POSTs it, signed with the webhook's secret, to a real HTTP receiver that was down
// when the alerts arose; once it is up it gets each alert, in order, with its delivery id.
TEST_F(Alerts, AlertsReachARegisteredWebhookSignedInOrderAfterTheReceiverWasDown) {
  const std::string secret = "alert-hook-secret-0123456789";
  api_testing::WebhookReceiver receiver;
  ASSERT_TRUE(receiver.Start());
  WebhookStore store(WebhookStore::PathInDirectory(server_.dir()),
                     WebhookStore::Options{&server_.clock(), std::chrono::milliseconds(1000), {}});
  auto added = store.Add({receiver.Url(), secret, "alerts"});
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  WebhookDeliveryOptions o;
  o.clock = &server_.clock();
  o.first_backoff = std::chrono::milliseconds(1000);
  o.max_backoff = std::chrono::milliseconds(4000);
  // Generous bounds (a loaded machine): they only end a stuck exchange, nothing waits for them.
  o.timeouts = {std::chrono::milliseconds(20000), std::chrono::milliseconds(20000),
                std::chrono::milliseconds(20000)};
  WebhookDelivery delivery(&server_.app().outbox(), &store, o);

  const std::string id = Assigned();
  // Down while the response clock's alerts arise: it answers 503 (a listener closed and opened
  // again on the same port raced with the kernel on a loaded machine; the refused connection
  // itself is webhook_delivery_test's). Delivery keeps the order: it stops at the first failure.
  receiver.Script({503});
  server_.clock().Set(At("2026-03-02T11:01:00"));
  ASSERT_TRUE(server_.app().scheduler().RunDue().ok());
  WebhookDelivery::Round down = delivery.RunOnce();
  EXPECT_EQ(down.delivered, 0u);
  EXPECT_EQ(down.failed, 1u);
  EXPECT_EQ(receiver.Requests().size(), 1u);
  server_.clock().Advance(std::chrono::seconds(5));  // past the backoff
  EXPECT_EQ(delivery.RunOnce().delivered, 3u);
  EXPECT_NE(server_.Client().Get("/metrics").body.find("\nledger_alerts_published_total 3\n"),
            std::string::npos);

  std::vector<api_testing::ReceivedRequest> got;
  for (const api_testing::ReceivedRequest& r : receiver.Requests())
    if (r.answered == 200) got.push_back(r);
  ASSERT_EQ(got.size(), 3u);
  const int64_t thresholds[] = {50, 75, 100};
  for (size_t i = 0; i < got.size(); ++i) {
    json::value alert = json::parse(got[i].body);
    EXPECT_EQ(alert.at("complaint").as_string(), id);
    EXPECT_EQ(alert.at("clock").as_string(), "response");
    EXPECT_EQ(alert.at("threshold").as_int64(), thresholds[i]) << "in order of their instants";
    EXPECT_EQ(got[i].delivery, added->record.id + "-" + std::to_string(i + 1));
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(got[i].body.data()), got[i].body.size(), mac, &n);
    EXPECT_EQ(got[i].signature,
              "sha256=" + ledger::ToHex(std::string_view(reinterpret_cast<const char*>(mac), n)));
    // No personal data travels to a receiver.
    EXPECT_EQ(got[i].body.find("Li"), std::string::npos) << got[i].body;
  }
}

}  // namespace
}  // namespace api
