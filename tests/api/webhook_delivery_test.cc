// Webhook delivery (api/services/webhook_delivery.h) against a real HTTP receiver on 127.0.0.1: the
// signature, order, retries with backoff on the injected clock, a receiver that is down for a
// while, webhooks registered and removed while delivering, and the delivery thread. Rounds run
// with RunOnce(); time moves on a ManualClock, so no test waits for a backoff.
#include "api/services/webhook_delivery.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>

#include "ledger/base/hash.h"
#include "ledger/log/event_log.h"
#include "ledger/log/outbox.h"
#include "test_server.h"
#include "testing/temp_dir.h"
#include "webhook_receiver.h"

namespace {

using api::WebhookDelivery;
using api_testing::ReceivedRequest;
using api_testing::WebhookReceiver;
using std::chrono::milliseconds;

constexpr int64_t kStart = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z
const std::string kSecret = "s3cr3t-0123456789abcdef";

// HMAC-SHA256 computed here, independently of api::WebhookSignature: what a receiver does.
std::string ReceiverHmac(const std::string& secret, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &n);
  return "sha256=" + ledger::ToHex(std::string_view(reinterpret_cast<const char*>(mac), n));
}

class WebhookDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger::Options o;
    o.clock = &clock_;
    o.min_free_bytes = 0;
    auto log = ledger::EventLog::Open(dir_.Sub("ledger"), o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
    outbox_ = std::make_unique<ledger::Outbox>(log_.get(), ledger::OutboxOptions{&clock_});
    store_ = std::make_unique<api::WebhookStore>(
        api::WebhookStore::PathInDirectory(dir_.Sub("ledger")),
        api::WebhookStore::Options{&clock_, milliseconds(1000), {}});
    ASSERT_TRUE(receiver_.Start());
    hook_ = Register(receiver_.Url());
  }

  void TearDown() override {
    delivery_.reset();
    receiver_.Stop();
  }

  std::string Register(const std::string& url, const std::string& secret = kSecret) {
    auto added = store_->Add({url, secret, "test"});
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->record.id : "";
  }

  WebhookDelivery& Delivery() {
    if (!delivery_) {
      api::WebhookDeliveryOptions o;
      o.clock = &clock_;
      o.first_backoff = milliseconds(1000);
      o.max_backoff = milliseconds(4000);
      o.idle_check = milliseconds(50);
      o.timeouts = {milliseconds(2000), milliseconds(2000), milliseconds(2000)};
      o.ca_file = ca_file_;
      delivery_ = std::make_unique<WebhookDelivery>(outbox_.get(), store_.get(), o);
    }
    return *delivery_;
  }

  uint64_t Append(int n, const std::string& stream = "CMP-2026-000001") {
    auto seq =
        outbox_->Append(stream + "/alert/" + std::to_string(n), stream,
                        R"({"complaint":")" + stream + R"(","n":)" + std::to_string(n) + "}");
    EXPECT_TRUE(seq.ok()) << seq.status().ToString();
    return seq.ok() ? *seq : 0;
  }

  std::string Id(uint64_t seq) const { return hook_ + "-" + std::to_string(seq); }

  std::vector<std::string> DeliveryIds() const {
    std::vector<std::string> ids;
    for (const ReceivedRequest& r : receiver_.Requests()) ids.push_back(r.delivery);
    return ids;
  }

  api::WebhookStats StatsOf(const std::string& id) {
    for (const api::WebhookStats& s : Delivery().Stats())
      if (s.id == id) return s;
    ADD_FAILURE() << "no stats for " << id;
    return {};
  }

  testing_util::TempDir dir_;
  ledger::ManualClock clock_{ledger::FromMicros(kStart)};
  std::unique_ptr<ledger::EventLog> log_;
  std::unique_ptr<ledger::Outbox> outbox_;
  std::unique_ptr<api::WebhookStore> store_;
  WebhookReceiver receiver_;
  std::string hook_;
  std::string ca_file_;
  std::unique_ptr<WebhookDelivery> delivery_;
};

TEST(WebhookSignature, IsHmacSha256OfTheBodyInHex) {
  // RFC 4231, test case 2.
  EXPECT_EQ(api::WebhookSignature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookUrl, HttpsAnywhereHttpOnlyToLoopback) {
  for (const char* ok :
       {"http://127.0.0.1:9000/hook", "http://localhost/x?y=1", "http://[::1]:8080/",
        "http://127.1.2.3:1", "https://hooks.example.com/x", "https://10.0.0.1:8443/x"}) {
    EXPECT_TRUE(api::ParseWebhookUrl(ok).ok()) << ok;
  }
  auto https = api::ParseWebhookUrl("https://hooks.example.com/in");
  ASSERT_TRUE(https.ok());
  EXPECT_TRUE(https->tls);
  EXPECT_EQ(https->host, "hooks.example.com");
  EXPECT_EQ(https->port, "443");
  EXPECT_FALSE(api::ParseWebhookUrl("http://127.0.0.1/").value().tls);
  auto url = api::ParseWebhookUrl("http://[::1]:8080/a?b=c");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, "8080");
  EXPECT_EQ(url->target, "/a?b=c");
  EXPECT_EQ(api::ParseWebhookUrl("http://127.0.0.1").value().target, "/");
  for (const char* bad : {"http://10.0.0.1/hook", "http://example.com/hook", "ftp://127.0.0.1/",
                          "http://user:pw@127.0.0.1/", "127.0.0.1:9000", "http://127.0.0.1:0/",
                          "http://127.0.0.1/#frag", "https://user@example.com/"}) {
    EXPECT_EQ(api::ParseWebhookUrl(bad).status().code(), ledger::Code::kInvalidArgument) << bad;
  }
  EXPECT_NE(api::ParseWebhookUrl("http://example.com/x").status().message().find("use https://"),
            std::string::npos);
}

TEST_F(WebhookDeliveryTest, PostsEachEntrySignedWithTheWebhooksSecret) {
  Append(1);
  Append(2, "CMP-2026-000002");
  Append(3);
  WebhookDelivery::Round round = Delivery().RunOnce();
  EXPECT_EQ(round.delivered, 3u);
  std::vector<ReceivedRequest> got = receiver_.Requests();
  ASSERT_EQ(got.size(), 3u);
  auto entries = outbox_->ReadFrom(1, 10);
  ASSERT_TRUE(entries.ok());
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(got[i].method, "POST");
    EXPECT_EQ(got[i].target, "/hook");
    EXPECT_EQ(got[i].content_type, "application/json");
    EXPECT_EQ(got[i].delivery, Id(i + 1));
    EXPECT_EQ(got[i].body, (*entries)[i].body);
    EXPECT_EQ(got[i].signature, ReceiverHmac(kSecret, got[i].body));
    EXPECT_NE(got[i].signature, ReceiverHmac("another secret!!", got[i].body));
    EXPECT_EQ(got[i].timestamp, std::to_string(kStart / 1'000'000));
  }
  EXPECT_EQ(*outbox_->Cursor(hook_), 3u);
  EXPECT_EQ(StatsOf(hook_).delivered, 3u);
  EXPECT_EQ(Delivery().RunOnce().delivered, 0u);  // nothing new: nothing sent
  EXPECT_EQ(receiver_.Requests().size(), 3u);
}

TEST_F(WebhookDeliveryTest, AReceiverDownForAWhileGetsEverythingInOrderOnceUp) {
  const uint16_t port = receiver_.port();
  receiver_.Stop();
  for (int i = 1; i <= 4; ++i) Append(i, i % 2 == 0 ? "CMP-2026-000002" : "CMP-2026-000001");
  EXPECT_EQ(Delivery().RunOnce().failed, 1u);
  EXPECT_EQ(StatsOf(hook_).next_attempt, clock_.Now() + milliseconds(1000));
  EXPECT_NE(StatsOf(hook_).last_error.find("connect"), std::string::npos)
      << StatsOf(hook_).last_error;
  // Not before the backoff: 1 s, then 2 s, 4 s, 4 s (the cap).
  for (int64_t backoff : {1000, 2000, 4000, 4000}) {
    clock_.Advance(milliseconds(backoff - 1));
    EXPECT_EQ(Delivery().RunOnce().failed, 0u) << backoff;
    clock_.Advance(milliseconds(1));
    EXPECT_EQ(Delivery().RunOnce().failed, 1u) << backoff;
  }
  EXPECT_EQ(StatsOf(hook_).consecutive_failures, 5u);
  EXPECT_EQ(*outbox_->Cursor(hook_), 0u);
  for (int i = 5; i <= 6; ++i) Append(i);

  ASSERT_TRUE(receiver_.Start(port));
  clock_.Advance(milliseconds(4000));
  EXPECT_EQ(Delivery().RunOnce().delivered, 6u);
  EXPECT_EQ(DeliveryIds(), (std::vector<std::string>{Id(1), Id(2), Id(3), Id(4), Id(5), Id(6)}));
  EXPECT_EQ(StatsOf(hook_).consecutive_failures, 0u);
  EXPECT_EQ(*outbox_->Cursor(hook_), 6u);
}

TEST_F(WebhookDeliveryTest, AnyNon2xxIsRetriedWithTheSameDeliveryIdAndNothingIsSkipped) {
  receiver_.Script({500, 404, 503});
  Append(1);
  Append(2);
  EXPECT_EQ(Delivery().RunOnce().failed, 1u);
  EXPECT_EQ(StatsOf(hook_).last_error, "status 500");
  clock_.Advance(milliseconds(1000));
  EXPECT_EQ(Delivery().RunOnce().failed, 1u);  // 404: retried too, entry 2 waits
  clock_.Advance(milliseconds(2000));
  EXPECT_EQ(Delivery().RunOnce().failed, 1u);
  clock_.Advance(milliseconds(4000));
  EXPECT_EQ(Delivery().RunOnce().delivered, 2u);
  std::vector<ReceivedRequest> got = receiver_.Requests();
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(DeliveryIds(), (std::vector<std::string>{Id(1), Id(1), Id(1), Id(1), Id(2)}));
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(got[i].body, got[0].body);
    EXPECT_EQ(got[i].signature, got[0].signature);
  }
  EXPECT_EQ(StatsOf(hook_).failed, 3u);
  EXPECT_EQ(StatsOf(hook_).delivered, 2u);
}

TEST_F(WebhookDeliveryTest, ASlowReceiverIsAFailureAfterTheReadDeadline) {
  api::WebhookDeliveryOptions o;
  o.clock = &clock_;
  o.timeouts = {milliseconds(2000), milliseconds(2000), milliseconds(200)};
  delivery_ = std::make_unique<WebhookDelivery>(outbox_.get(), store_.get(), o);
  receiver_.SetDelay(milliseconds(5000));
  Append(1);
  EXPECT_EQ(Delivery().RunOnce().failed, 1u);
  EXPECT_EQ(StatsOf(hook_).last_error, "read: timed out");
  EXPECT_EQ(*outbox_->Cursor(hook_), 0u);
}

TEST_F(WebhookDeliveryTest, WebhooksAddedOrRemovedInTheFileAreSeenWhileRunning) {
  Append(1);
  EXPECT_EQ(Delivery().RunOnce().delivered, 1u);
  // `ledgerctl webhook add` in another process: another store on the same file.
  WebhookReceiver second;
  ASSERT_TRUE(second.Start());
  api::WebhookStore cli(store_->path(), {&clock_, milliseconds(1000), {}});
  auto added = cli.Add({second.Url("/second"), "", ""});
  ASSERT_TRUE(added.ok());
  ASSERT_TRUE(added->secret_generated);
  Append(2);
  clock_.Advance(milliseconds(1000));             // the reload interval
  EXPECT_EQ(Delivery().RunOnce().delivered, 3u);  // 2 to the first; 1 and 2 to the new one
  ASSERT_EQ(second.Requests().size(), 2u);
  EXPECT_EQ(second.Requests()[1].delivery, added->record.id + "-2");
  EXPECT_EQ(second.Requests()[1].signature,
            ReceiverHmac(added->record.secret, second.Requests()[1].body));

  ASSERT_TRUE(cli.Remove(added->record.id).ok());
  clock_.Advance(milliseconds(1000));
  Append(3);
  EXPECT_EQ(Delivery().RunOnce().delivered, 1u);
  EXPECT_EQ(second.Requests().size(), 2u);
  EXPECT_EQ(*outbox_->Cursor(added->record.id), 0u);  // its cursor is gone
  EXPECT_EQ(outbox_->Cursors()->count(added->record.id), 0u);
}

TEST_F(WebhookDeliveryTest, TrimsOldEntriesOnceEveryWebhookReceivedThem) {
  Append(1);
  Append(2);
  receiver_.Script({200, 500});
  Delivery().RunOnce();  // 1 received, 2 failed; the first round trims: nothing is old yet
  EXPECT_EQ(outbox_->ReadFrom(1, 10)->size(), 2u);
  clock_.Advance(std::chrono::hours(24 * 31));
  receiver_.Script({500});
  Delivery().RunOnce();  // 2 fails again; 1 is old and received, 2 old but not received
  auto left = outbox_->ReadFrom(1, 10);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].seq, 2u);
  clock_.Advance(std::chrono::hours(1));  // the next trim, and the retry
  Delivery().RunOnce();
  EXPECT_TRUE(outbox_->ReadFrom(1, 10)->empty());
  EXPECT_EQ(Append(3), 3u);  // seqs are never reused
  EXPECT_EQ(Delivery().RunOnce().delivered, 1u);
  EXPECT_EQ(DeliveryIds().back(), Id(3));
}

// https:// receivers: the certificate chain is verified (here against a CA file holding the
// test's self-signed certificate) and must name the URL's host.
TEST_F(WebhookDeliveryTest, DeliversOverTlsOnlyToAReceiverWhoseCertificateChecksOut) {
  const std::string cert = dir_.Sub("cert.pem"), key = dir_.Sub("key.pem");
  ASSERT_TRUE(api_testing::MakeTestCertificate("IP:127.0.0.1", cert, key));
  WebhookReceiver tls;
  ASSERT_TRUE(tls.StartTls(cert, key));
  ASSERT_TRUE(store_->Remove(hook_).ok());
  hook_ = Register(tls.Url());
  ASSERT_EQ(tls.Url().rfind("https://127.0.0.1:", 0), 0u);
  Append(1);

  // The system's trusted certificates do not include the test's: refused, nothing sent.
  EXPECT_EQ(Delivery().RunOnce().failed, 1u);
  EXPECT_NE(StatsOf(hook_).last_error.find("tls handshake"), std::string::npos)
      << StatsOf(hook_).last_error;
  EXPECT_TRUE(tls.Requests().empty());

  ca_file_ = cert;
  delivery_.reset();
  EXPECT_EQ(Delivery().RunOnce().delivered, 1u) << StatsOf(hook_).last_error;
  ASSERT_EQ(tls.Requests().size(), 1u);
  EXPECT_EQ(tls.Requests()[0].delivery, Id(1));
  EXPECT_EQ(tls.Requests()[0].signature, ReceiverHmac(kSecret, tls.Requests()[0].body));

  // A trusted certificate that does not name the URL's host ("localhost"): refused.
  ASSERT_TRUE(store_->Remove(hook_).ok());
  hook_ = Register("https://localhost:" + std::to_string(tls.port()) + "/hook");
  delivery_.reset();
  EXPECT_EQ(Delivery().RunOnce().failed, 1u);
  EXPECT_NE(StatsOf(hook_).last_error.find("tls handshake"), std::string::npos)
      << StatsOf(hook_).last_error;
  EXPECT_EQ(tls.Requests().size(), 1u);
}

TEST_F(WebhookDeliveryTest, MetricsShowDepthOutcomesAndLastSuccess) {
  api::Metrics metrics;
  Delivery().RegisterMetrics(metrics);
  Append(1);
  Append(2);
  receiver_.Script({200, 500});
  Delivery().RunOnce();
  std::string text = metrics.Render();
  EXPECT_NE(text.find("ledger_outbox_last_seq 2"), std::string::npos) << text;
  EXPECT_NE(text.find("ledger_webhook_outbox_depth{webhook=\"" + hook_ + "\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("ledger_webhook_deliveries_total{webhook=\"" + hook_ + "\",outcome=\"ok\"} 1"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find("ledger_webhook_deliveries_total{webhook=\"" + hook_ + "\",outcome=\"failed\"} 1"),
      std::string::npos)
      << text;
  const std::string last =
      "ledger_webhook_last_success_timestamp_seconds{webhook=\"" + hook_ + "\"} ";
  const size_t at = text.find(last);
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_EQ(std::stod(text.substr(at + last.size())), static_cast<double>(kStart / 1'000'000));
}

TEST_F(WebhookDeliveryTest, TheThreadDeliversWhatIsAppendedAndStopCutsAPostInFlight) {
  Delivery().Start();
  Append(1);
  ASSERT_TRUE(api_testing::WaitFor([&] { return receiver_.Accepted() == 1; }));
  Append(2);
  ASSERT_TRUE(api_testing::WaitFor([&] { return receiver_.Accepted() == 2; }));
  EXPECT_EQ(DeliveryIds(), (std::vector<std::string>{Id(1), Id(2)}));
  // A receiver that holds the answer far longer than the read deadline: Stop does not wait.
  receiver_.SetDelay(milliseconds(60000));
  Append(3);
  ASSERT_TRUE(api_testing::WaitFor([&] { return receiver_.Requests().size() == 3; }));
  const auto before = std::chrono::steady_clock::now();
  Delivery().Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(1));
  EXPECT_EQ(*outbox_->Cursor(hook_), 2u);  // 3 was not answered: delivered again next time
}

}  // namespace
