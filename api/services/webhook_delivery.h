// WebhookDelivery: delivers the outbox (ledger/log/outbox.h) to every registered webhook
// (webhook_store.h), in sequence order, at least once. docs/api.md ("Webhooks") is the contract
// a receiver sees; docs/operations.md ("Webhooks") what operators watch.
//
// Each webhook has a cursor in the outbox named by its id: the last seq its receiver answered
// 2xx for. A round takes, for each webhook whose retry time has come, the entries after its
// cursor, syncs the outbox (nothing unsynced leaves the process: outbox.h) and POSTs them one by
// one (webhook_sender.h) with
//   X-Ledger-Delivery: <webhook id>-<seq>        the same for every attempt, across restarts
//   X-Ledger-Signature: sha256=<hex HMAC-SHA256(secret, body)>
//   X-Ledger-Timestamp: <Unix seconds of this attempt>
// A 2xx moves the cursor (stored, not synced: a lost update only repeats a delivery). Anything
// else — no connection, a deadline, any other status — stops that webhook's round and retries
// the same entry after a backoff (first_backoff, doubling up to max_backoff; the time on the
// injected clock). Nothing is ever skipped, so each complaint's notifications arrive in order.
//
// A new webhook starts at cursor 0: it receives what the outbox still holds. A removed one's
// cursor is deleted. Every trim_interval the round trims the outbox up to the least cursor.
//
// One thread (Start) runs rounds: at once when the outbox grows (an append listener wakes it,
// never blocking the append), when a retry is due, and every idle_check otherwise (to see a
// changed webhook file). Tests call RunOnce() instead and move a ManualClock.
//
// Thread-safety: Start/Stop from one thread; RunOnce from one thread, and not while started;
// Stats and the metrics from any thread. The outbox and the store must outlive it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api/services/metrics.h"
#include "api/services/webhook_sender.h"
#include "api/services/webhook_store.h"
#include "ledger/base/clock.h"
#include "ledger/log/outbox.h"

namespace api {

struct WebhookDeliveryOptions {
  ledger::Clock* clock = nullptr;  // not owned; required: backoff, trim, timestamps
  std::chrono::milliseconds first_backoff{1000};
  std::chrono::milliseconds max_backoff{5 * 60 * 1000};
  size_t read_batch = 64;  // outbox entries read at a time
  std::chrono::milliseconds idle_check{1000};
  ledger::Duration trim_interval = std::chrono::hours(1);
  WebhookSender::Timeouts timeouts;
  std::string ca_file;  // certificates to trust for https:// webhooks; "": the system's
  std::function<void(std::string_view)> warn;  // problems worth a line on stderr; may be empty
};

// One webhook's delivery state, for /metrics and tests.
struct WebhookStats {
  std::string id;
  uint64_t cursor = 0;                // the last seq delivered
  uint64_t delivered = 0;             // 2xx answers since start
  uint64_t failed = 0;                // failed attempts since start
  uint64_t consecutive_failures = 0;  // since the last 2xx
  std::optional<ledger::Time> last_success;
  std::optional<ledger::Time> next_attempt;  // set while backing off
  std::string last_error;                    // "status 500", "connect: Connection refused", ...
};

class WebhookDelivery {
 public:
  WebhookDelivery(ledger::Outbox* outbox, WebhookStore* webhooks, WebhookDeliveryOptions options);
  ~WebhookDelivery();  // Stop()

  void Start();
  // Ends the thread; a POST in flight is cut (it is delivered again next time). Idempotent.
  void Stop();

  // One round (see above). Returns the number of entries delivered and of failed attempts.
  struct Round {
    size_t delivered = 0;
    size_t failed = 0;
  };
  Round RunOnce();

  std::vector<WebhookStats> Stats() const;

  // Registers the outbox and delivery metrics (docs/operations.md, "Webhooks").
  void RegisterMetrics(Metrics& metrics);

 private:
  struct Hook {
    WebhookRecord record;
    WebhookUrl url;
    WebhookStats stats;
    std::chrono::milliseconds backoff{0};
  };

  void Loop();
  void Refresh();  // the store's webhooks into hooks_
  void Deliver(Hook& hook, Round& round);
  bool Send(Hook& hook, const ledger::OutboxEntry& entry);  // true: 2xx
  void Failed(Hook& hook, uint64_t seq, const std::string& error);
  void MaybeTrim();
  void Warn(const std::string& line) const;

  ledger::Outbox* const outbox_;
  WebhookStore* const webhooks_;
  const WebhookDeliveryOptions options_;
  WebhookSender sender_;

  mutable std::mutex mu_;  // hooks_'s stats, for readers on other threads
  std::map<std::string, std::unique_ptr<Hook>> hooks_;
  std::optional<ledger::Time> last_trim_;

  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::optional<uint64_t> listener_;
  std::thread thread_;
};

}  // namespace api
