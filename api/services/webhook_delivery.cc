#include "api/services/webhook_delivery.h"

#include <algorithm>

namespace api {
namespace {

using ledger::Time;

int64_t UnixSeconds(Time t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

WebhookDelivery::WebhookDelivery(ledger::Outbox* outbox, WebhookStore* webhooks,
                                 WebhookDeliveryOptions options)
    : outbox_(outbox),
      webhooks_(webhooks),
      options_(std::move(options)),
      sender_(options_.timeouts, options_.ca_file) {}

WebhookDelivery::~WebhookDelivery() { Stop(); }

void WebhookDelivery::Warn(const std::string& line) const {
  if (options_.warn) options_.warn(line);
}

void WebhookDelivery::Start() {
  if (thread_.joinable()) return;
  listener_ = outbox_->AddAppendListener([this](uint64_t) {
    std::lock_guard<std::mutex> lock(wake_mu_);
    woken_ = true;
    wake_cv_.notify_one();
  });
  thread_ = std::thread([this] { Loop(); });
}

void WebhookDelivery::Stop() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stopping_ = true;
    wake_cv_.notify_one();
  }
  sender_.Abort();
  if (thread_.joinable()) thread_.join();
  if (listener_) outbox_->RemoveAppendListener(*listener_);
  listener_.reset();
}

void WebhookDelivery::Loop() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(wake_mu_);
      if (stopping_) return;
      woken_ = false;
    }
    RunOnce();
    // Sleep until woken, until the earliest retry is due (on the injected clock), or idle_check.
    std::chrono::milliseconds wait = options_.idle_check;
    const Time now = options_.clock->Now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [id, hook] : hooks_) {
        if (!hook->stats.next_attempt) continue;
        auto due = std::chrono::ceil<std::chrono::milliseconds>(*hook->stats.next_attempt - now);
        wait = std::clamp(due, std::chrono::milliseconds(0), wait);
      }
    }
    std::unique_lock<std::mutex> lock(wake_mu_);
    wake_cv_.wait_for(lock, wait, [this] { return woken_ || stopping_; });
  }
}

WebhookDelivery::Round WebhookDelivery::RunOnce() {
  Round round;
  Refresh();
  std::vector<Hook*> due;
  const Time now = options_.clock->Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, hook] : hooks_)
      if (!hook->stats.next_attempt || *hook->stats.next_attempt <= now) due.push_back(hook.get());
  }
  // Only this thread adds or removes hooks, so the pointers stay valid through the round.
  for (Hook* hook : due) Deliver(*hook, round);
  MaybeTrim();
  return round;
}

void WebhookDelivery::Refresh() {
  std::vector<WebhookRecord> records = webhooks_->Current();
  std::vector<std::string> gone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& entry : hooks_) {
      const std::string& id = entry.first;  // clang: a structured binding is not captured
      if (std::none_of(records.begin(), records.end(),
                       [&id](const WebhookRecord& r) { return r.id == id; }))
        gone.push_back(id);
    }
    for (const std::string& id : gone) hooks_.erase(id);
  }
  for (const std::string& id : gone)
    if (ledger::Status s = outbox_->DeleteCursor(id); !s.ok())
      Warn("webhook " + id + " removed; its outbox cursor stays: " + s.ToString());

  for (const WebhookRecord& record : records) {
    auto url = ParseWebhookUrl(record.url);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = hooks_.find(record.id);
    if (it != hooks_.end()) {
      it->second->record = record;  // a new secret or URL applies from the next attempt
      if (url.ok()) it->second->url = *url;
      continue;
    }
    if (!url.ok()) {
      Warn("webhook " + record.id + " skipped: " + url.status().message());
      continue;
    }
    auto cursor = outbox_->Cursor(record.id);
    if (!cursor.ok()) {
      Warn("webhook " + record.id + ": reading its cursor: " + cursor.status().ToString());
      continue;
    }
    auto hook = std::make_unique<Hook>();
    hook->record = record;
    hook->url = *url;
    hook->stats.id = record.id;
    hook->stats.cursor = *cursor;
    hooks_.emplace(record.id, std::move(hook));
  }
}

void WebhookDelivery::Deliver(Hook& hook, Round& round) {
  for (;;) {
    auto entries = outbox_->ReadFrom(hook.stats.cursor + 1, options_.read_batch);
    if (!entries.ok()) {
      Warn("webhook " + hook.record.id + ": reading the outbox: " + entries.status().ToString());
      return;
    }
    if (entries->empty()) return;
    // What leaves the process must be durable, so that no crash gives its seq to another entry.
    if (ledger::Status s = outbox_->Sync(); !s.ok()) {
      Warn("webhook " + hook.record.id + ": " + s.ToString());
      return;
    }
    for (const ledger::OutboxEntry& entry : *entries) {
      {
        std::lock_guard<std::mutex> lock(wake_mu_);
        if (stopping_) return;
      }
      if (!Send(hook, entry)) {
        ++round.failed;
        return;
      }
      ++round.delivered;
    }
  }
}

bool WebhookDelivery::Send(Hook& hook, const ledger::OutboxEntry& entry) {
  const Time now = options_.clock->Now();
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json"},
      {"X-Ledger-Delivery", hook.record.id + "-" + std::to_string(entry.seq)},
      {"X-Ledger-Signature", WebhookSignature(hook.record.secret, entry.body)},
      {"X-Ledger-Timestamp", std::to_string(UnixSeconds(now))},
  };
  WebhookReply reply = sender_.Post(hook.url, headers, entry.body);
  if (!reply.ok()) {
    Failed(hook, entry.seq,
           reply.status != 0 ? "status " + std::to_string(reply.status) : reply.error);
    return false;
  }
  // A cursor that cannot be stored (a full disk) still moves here: this process does not send
  // the entry again; after a restart it may (at-least-once).
  if (ledger::Status s = outbox_->SetCursor(hook.record.id, entry.seq); !s.ok())
    Warn("webhook " + hook.record.id + ": storing its cursor: " + s.ToString());
  std::lock_guard<std::mutex> lock(mu_);
  hook.stats.cursor = entry.seq;
  ++hook.stats.delivered;
  hook.stats.consecutive_failures = 0;
  hook.stats.last_success = options_.clock->Now();
  hook.stats.next_attempt.reset();
  hook.stats.last_error.clear();
  hook.backoff = std::chrono::milliseconds(0);
  return true;
}

void WebhookDelivery::Failed(Hook& hook, uint64_t seq, const std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  ++hook.stats.failed;
  ++hook.stats.consecutive_failures;
  hook.backoff = hook.backoff.count() == 0 ? options_.first_backoff
                                           : std::min(hook.backoff * 2, options_.max_backoff);
  hook.stats.next_attempt = options_.clock->Now() + hook.backoff;
  if (hook.stats.consecutive_failures == 1 || error != hook.stats.last_error)
    Warn("webhook " + hook.record.id + ": delivery of " + hook.record.id + "-" +
         std::to_string(seq) + " failed (" + error + "); retrying");
  hook.stats.last_error = error;
}

void WebhookDelivery::MaybeTrim() {
  const Time now = options_.clock->Now();
  if (last_trim_ && now >= *last_trim_ && now - *last_trim_ < options_.trim_interval) return;
  auto last = outbox_->LastSeq();
  if (!last.ok()) return;
  uint64_t finished = *last;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, hook] : hooks_) finished = std::min(finished, hook->stats.cursor);
  }
  last_trim_ = now;
  auto trimmed = outbox_->Trim(finished);
  if (!trimmed.ok()) Warn("trimming the outbox: " + trimmed.status().ToString());
}

std::vector<WebhookStats> WebhookDelivery::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<WebhookStats> out;
  for (const auto& [id, hook] : hooks_) out.push_back(hook->stats);
  return out;
}

void WebhookDelivery::RegisterMetrics(Metrics& metrics) {
  metrics.AddGauge("ledger_outbox_last_seq", "The last sequence number appended to the outbox",
                   [this] {
                     auto last = outbox_->LastSeq();
                     return last.ok() ? static_cast<double>(*last) : 0.0;
                   });
  metrics.AddGaugeFamily(
      "ledger_webhook_outbox_depth", "Outbox entries a webhook has not received yet", [this] {
        auto last = outbox_->LastSeq();
        std::vector<Metrics::Sample> out;
        for (const WebhookStats& s : Stats()) {
          const uint64_t depth = last.ok() && *last > s.cursor ? *last - s.cursor : 0;
          out.push_back({{{"webhook", s.id}}, static_cast<double>(depth)});
        }
        return out;
      });
  metrics.AddCounterFamily(
      "ledger_webhook_deliveries_total", "Webhook delivery attempts by outcome (ok: a 2xx answer)",
      [this] {
        std::vector<Metrics::Sample> out;
        for (const WebhookStats& s : Stats()) {
          out.push_back({{{"webhook", s.id}, {"outcome", "ok"}}, double(s.delivered)});
          out.push_back({{{"webhook", s.id}, {"outcome", "failed"}}, double(s.failed)});
        }
        return out;
      });
  metrics.AddGaugeFamily(
      "ledger_webhook_consecutive_failures", "Failed attempts since a webhook's last 2xx", [this] {
        std::vector<Metrics::Sample> out;
        for (const WebhookStats& s : Stats())
          out.push_back({{{"webhook", s.id}}, static_cast<double>(s.consecutive_failures)});
        return out;
      });
  metrics.AddGaugeFamily(
      "ledger_webhook_last_success_timestamp_seconds",
      "When a webhook last answered 2xx (Unix seconds; 0: not since start)", [this] {
        std::vector<Metrics::Sample> out;
        for (const WebhookStats& s : Stats())
          out.push_back({{{"webhook", s.id}},
                         s.last_success ? static_cast<double>(UnixSeconds(*s.last_success)) : 0});
        return out;
      });
}

}  // namespace api
