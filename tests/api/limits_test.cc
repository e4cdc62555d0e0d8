// The rate limiter, the metrics exposition and the access-log format.
#include <gtest/gtest.h>

#include "api/http/access_log.h"
#include "api/http/rate_limiter.h"
#include "api/services/metrics.h"

namespace api {
namespace {

TEST(RateLimiter, BurstThenRefillAtTheRate) {
  ledger::ManualClock clock(ledger::FromMicros(0));
  RateLimiter limiter({.per_second = 2, .burst = 3, .max_keys = 10}, &clock);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Take("a").allowed) << i;
  RateLimiter::Decision refused = limiter.Take("a");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, std::chrono::seconds(1));
  EXPECT_TRUE(limiter.Take("b").allowed);         // per key
  clock.Advance(std::chrono::milliseconds(500));  // one token back at 2/s
  EXPECT_TRUE(limiter.Take("a").allowed);
  EXPECT_FALSE(limiter.Take("a").allowed);
  clock.Advance(std::chrono::seconds(-10));  // a clock stepping back refills nothing
  EXPECT_FALSE(limiter.Take("a").allowed);
}

TEST(RateLimiter, SlowRatesAskForLongerWaits) {
  ledger::ManualClock clock(ledger::FromMicros(0));
  RateLimiter limiter({.per_second = 0.1, .burst = 1, .max_keys = 10}, &clock);
  EXPECT_TRUE(limiter.Take("a").allowed);
  EXPECT_EQ(limiter.Take("a").retry_after, std::chrono::seconds(10));
}

TEST(RateLimiter, CheckTakesNothingAndCreatesNoBucket) {
  ledger::ManualClock clock(ledger::FromMicros(0));
  RateLimiter limiter({.per_second = 1, .burst = 2, .max_keys = 10}, &clock);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Check("a").allowed);
  EXPECT_EQ(limiter.keys(), 0u);
  EXPECT_TRUE(limiter.Take("a").allowed);
  EXPECT_TRUE(limiter.Check("a").allowed);
  EXPECT_TRUE(limiter.Take("a").allowed);
  RateLimiter::Decision refused = limiter.Check("a");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, std::chrono::seconds(1));
  clock.Advance(std::chrono::seconds(1));
  EXPECT_TRUE(limiter.Check("a").allowed);
}

TEST(RateLimiter, KeysAreBoundedAndIdleOnesDropped) {
  ledger::ManualClock clock(ledger::FromMicros(0));
  RateLimiter limiter({.per_second = 1, .burst = 1, .max_keys = 2}, &clock);
  EXPECT_TRUE(limiter.Take("a").allowed);
  EXPECT_TRUE(limiter.Take("b").allowed);
  EXPECT_FALSE(limiter.Take("c").allowed);  // full, nothing refilled yet
  EXPECT_EQ(limiter.keys(), 2u);
  clock.Advance(std::chrono::seconds(2));  // a and b are full again: droppable
  EXPECT_TRUE(limiter.Take("c").allowed);
  EXPECT_LE(limiter.keys(), 2u);
}

TEST(Metrics, RendersRequestsHistogramsAndGauges) {
  Metrics m;
  m.RecordRequest("GET", "/v1/events", 200, std::chrono::milliseconds(3));
  m.RecordRequest("GET", "/v1/events", 200, std::chrono::milliseconds(30));
  m.RecordRequest("GET", "unmatched", 404, std::chrono::microseconds(100));
  m.AddGauge("ledger_projection_lag_events", "Events behind", [] { return 7.0; });
  m.AddGaugeFamily("ledger_x", "A family", [] {
    return std::vector<Metrics::Sample>{{{{"name", "a\"b"}}, 1}};
  });
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE ledger_http_requests_total counter"), std::string::npos);
  EXPECT_NE(
      text.find("ledger_http_requests_total{method=\"GET\",route=\"/v1/events\",status=\"200\"} 2"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("ledger_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/"
                      "events\",le=\"0.005\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ledger_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/"
                      "events\",le=\"+Inf\"} 2"),
            std::string::npos);
  EXPECT_NE(
      text.find(
          "ledger_http_request_duration_seconds_count{method=\"GET\",route=\"/v1/events\"} 2"),
      std::string::npos);
  EXPECT_NE(
      text.find("# TYPE ledger_projection_lag_events gauge\nledger_projection_lag_events 7\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("ledger_x{name=\"a\\\"b\"} 1"), std::string::npos) << text;
}

TEST(AccessLog, OneLogfmtLineWithoutQuery) {
  AccessLogEntry e;
  e.time = ledger::FromMicros(1'767'225'600'000'000);
  e.method = "GET";
  e.path = "/v1/events";
  e.status = 200;
  e.bytes = 512;
  e.duration = std::chrono::microseconds(1500);
  e.actor = "u-1";
  e.route = "/v1/events";
  e.remote = "127.0.0.1";
  EXPECT_EQ(FormatAccessLog(e),
            "time=2026-01-01T00:00:00Z method=GET path=/v1/events status=200 bytes=512 "
            "duration_ms=1.500 actor=u-1 route=/v1/events remote=127.0.0.1");
  e.path = "/a b\"\n";
  e.actor = "";
  std::string line = FormatAccessLog(e);
  EXPECT_NE(line.find("path=\"/a b\\\"\\x0a\""), std::string::npos) << line;
  EXPECT_NE(line.find("actor=-"), std::string::npos);
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace api
