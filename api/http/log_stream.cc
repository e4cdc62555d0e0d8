#include "api/http/log_stream.h"

#include <boost/json/serialize.hpp>

namespace api {

std::string SseFrame(const ledger::RecordedEvent& event, const PayloadRenderer& render,
                     const Principal* viewer) {
  // JSON text has no raw newlines, so the whole object fits one data: line.
  return "id: " + std::to_string(event.position()) +
         "\ndata: " + boost::json::serialize(EventToJson(event, render, viewer)) + "\n\n";
}

LogEventSource::LogEventSource(ledger::EventLog* log, uint64_t from, PayloadRenderer render,
                               std::optional<Principal> viewer)
    : log_(log),
      subscription_(log->Subscribe(from)),
      render_(std::move(render)),
      viewer_(std::move(viewer)) {}

LogEventSource::~LogEventSource() {
  if (listener_) log_->RemoveCommitListener(*listener_);
}

void LogEventSource::Start(std::function<void()> wake) {
  listener_ = log_->AddCommitListener([wake = std::move(wake)](uint64_t) { wake(); });
}

ledger::Status LogEventSource::Poll(size_t max_events, size_t max_bytes, std::string* out) {
  const Principal* viewer = viewer_ ? &*viewer_ : nullptr;
  size_t sent = 0;
  while (sent < max_events && out->size() < max_bytes) {
    if (carry_index_ == carry_.size()) {
      carry_.clear();
      carry_index_ = 0;
      LEDGER_RETURN_IF_ERROR(subscription_->Next(std::min(kReadStep, max_events - sent),
                                                 std::chrono::milliseconds(0), &carry_));
      if (carry_.empty()) break;  // caught up
    }
    *out += SseFrame(carry_[carry_index_++], render_, viewer);
    ++sent;
  }
  return ledger::Status::Ok();
}

uint64_t LogEventSource::next_position() const {
  return carry_index_ < carry_.size() ? carry_[carry_index_].position()
                                      : subscription_->next_position();
}

}  // namespace api
