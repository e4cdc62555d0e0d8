// Connection: the Server-Sent Events side — pull a bounded chunk from the source on a worker,
// write it, repeat; wait for a wake-up or send a heartbeat when there is nothing to send.
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "api/http/event_stream.h"
#include "api/http/server_internal.h"

namespace api::internal {

void Connection::StartStream(Response response) {
  state_ = State::kStreaming;
  source_ = std::move(response.stream);
  core_->sse_clients.fetch_add(1);
  status_ = response.status;
  // The header by hand: no Content-Length, no chunking; the body ends when the connection does.
  std::string head = "HTTP/1." + std::to_string(version_ % 10) + " " +
                     std::to_string(response.status) + " " +
                     std::string(ReasonPhrase(response.status)) + "\r\n";
  head += "Content-Type: text/event-stream; charset=utf-8\r\n";
  head += "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: close\r\n";
  head += "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n";
  for (const auto& [name, value] : response.headers.fields()) {
    if (name.find_first_of("\r\n") == std::string::npos &&
        value.find_first_of("\r\n") == std::string::npos)
      head += name + ": " + value + "\r\n";
  }
  head += "\r\n: stream open\n\n";
  stream_bytes_ = 0;
  WriteChunk(std::move(head));
}

std::function<void()> Connection::MakeWake() {
  std::weak_ptr<Connection> weak = weak_from_this();
  std::shared_ptr<Gate> gate = core_->gate;
  std::shared_ptr<std::atomic<bool>> flag = wake_flag_;
  return [weak, gate, flag] {
    if (flag->exchange(true)) return;  // a wake-up is already on its way
    gate->Post(weak, [](const std::shared_ptr<Connection>& c) { c->OnStreamWake(); });
  };
}

void Connection::PollStream() {
  stream_state_ = StreamState::kPolling;
  wake_flag_->store(false);  // wake-ups from now on trigger another poll
  std::function<void()> wake = stream_started_ ? nullptr : MakeWake();
  stream_started_ = true;
  size_t max_events = core_->options.sse_batch_events;
  size_t max_bytes = core_->options.sse_buffer_bytes;
  core_->post_work([self = shared_from_this(), source = source_, wake = std::move(wake), max_events,
                    max_bytes]() mutable {
    std::string chunk;
    ledger::Status status;
    try {
      if (wake) source->Start(std::move(wake));
      status = source->Poll(max_events, max_bytes, &chunk);
    } catch (const std::exception& e) {
      status = ledger::Status::Internal("event stream failed: " + ledger::WithoutPaths(e.what()));
    } catch (...) {
      status = ledger::Status::Internal("event stream failed");
    }
    source.reset();  // before posting: the strand may drop the last other reference
    const net::any_io_executor& ex = self->executor();
    net::post(ex, [self, status, chunk = std::move(chunk)]() mutable {
      self->OnPolled(status, std::move(chunk));
    });
  });
}

void Connection::OnPolled(ledger::Status status, std::string chunk) {
  if (state_ != State::kStreaming) return;
  if (!status.ok()) return Close();
  if (!chunk.empty()) return WriteChunk(std::move(chunk));
  if (wake_flag_->load()) return PollStream();  // something arrived while we polled
  stream_state_ = StreamState::kWaiting;
  ArmHeartbeat();
}

void Connection::WriteChunk(std::string chunk) {
  core_->RecordChunk(chunk.size());
  chunk_ = std::move(chunk);
  stream_state_ = StreamState::kWriting;
  stream_.expires_after(core_->options.write_timeout);
  net::async_write(
      stream_, net::buffer(chunk_),
      [self = shared_from_this()](beast::error_code ec, size_t n) { self->OnChunkWritten(ec, n); });
}

void Connection::OnChunkWritten(beast::error_code ec, size_t n) {
  stream_bytes_ += n;
  chunk_ = std::string();  // release the memory while we wait or poll
  if (state_ != State::kStreaming) return;
  if (ec) {
    if (ec == beast::error::timeout) core_->sse_stalled.fetch_add(1);
    return Close();
  }
  PollStream();
}

void Connection::OnStreamWake() {
  if (state_ != State::kStreaming || stream_state_ != StreamState::kWaiting) return;
  heartbeat_.cancel();
  PollStream();
}

void Connection::ArmHeartbeat() {
  heartbeat_.expires_after(core_->options.sse_heartbeat);
  heartbeat_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->state_ != State::kStreaming || self->stream_state_ != StreamState::kWaiting)
      return;
    self->WriteChunk(": heartbeat\n\n");
  });
}

}  // namespace api::internal
