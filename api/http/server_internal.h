// Internals of HttpServer shared by http_server.cc and connection.cc. Includes Beast: never
// include this from a public header.
//
// Lifetime rules (the reason for Gate):
//  * A Connection keeps itself alive (self_) while a handler holds its Responder; Responders and
//    SSE wake-ups hold only a weak_ptr to it plus the Gate.
//  * Anything outside the I/O threads reaches a connection only through Gate::Post, which takes
//    the gate's mutex, gives up once the server has stopped, and moves the strong reference into
//    the posted handler — so a connection (and its socket) is never destroyed on a foreign thread
//    and nothing is posted to an io_context that is being destroyed.
//
// Thread-safety: a Connection's methods run on its strand only (Gate::Post and net::post get
// them there). ServerCore's atomics and its mutex-guarded registry may be used from any thread;
// the rest of it is immutable while the server runs.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "api/http/dispatcher.h"
#include "api/http/problem.h"
#include "api/http/server_options.h"
#include "api/services/metrics.h"

namespace api::internal {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

class Connection;

class Gate {
 public:
  using Task = std::function<void(const std::shared_ptr<Connection>&)>;
  // Runs `task` on the connection's strand, unless the server has stopped or the connection
  // is gone. Any thread.
  void Post(const std::weak_ptr<Connection>& connection, Task task);
  // After Stop(), Post() does nothing.
  void Stop();

 private:
  std::mutex mu_;
  bool stopped_ = false;
};

// State shared by the server and its connections. Outlives every connection that can run.
struct ServerCore {
  ServerOptions options;
  Dispatcher* dispatcher = nullptr;
  Metrics* metrics = nullptr;
  ledger::Clock* clock = nullptr;  // never null
  std::function<void(std::function<void()>)> post_work;
  std::shared_ptr<Gate> gate = std::make_shared<Gate>();
  std::atomic<bool> draining{false};

  std::atomic<uint64_t> open{0};
  std::atomic<uint64_t> rejected{0};
  std::atomic<uint64_t> evicted{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> sse_clients{0};
  std::atomic<uint64_t> sse_stalled{0};
  std::atomic<uint64_t> sse_max_chunk{0};

  // Counted connections, for Shutdown(): signalled whenever one goes away.
  std::mutex mu;
  std::condition_variable gone;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> connections;
  uint64_t next_id = 1;
  // Counted connections waiting for a first byte or a next request, oldest wait first (by when
  // it began, then id). At max_connections a new connection closes the first of them instead of
  // being refused, so connections that send nothing can never lock a real client out. Not here:
  // connections reading a request, running a handler, writing, streaming events or closing.
  using IdleKey = std::pair<std::chrono::steady_clock::time_point, uint64_t>;
  std::map<IdleKey, std::weak_ptr<Connection>> idle;

  void RecordChunk(uint64_t bytes);
  // Takes the connection idle longest out of `idle` (so it can no longer leave idle by itself:
  // Connection::LeaveIdle then reports it evicted); null when none is. Locks `mu`.
  std::shared_ptr<Connection> ClaimIdlest();
  size_t IdleCount();
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `counted`: the connection counts toward max_connections and is registered for shutdown.
  Connection(net::ip::tcp::socket socket, ServerCore* core, bool counted);
  ~Connection();

  void Start();                         // read and answer requests until closed
  void Reject(const Problem& problem);  // answer `problem` without reading, then close
  void Drain();                         // shutdown began: finish the current request, then close
  void ForceClose();
  void Evict();  // after ServerCore::ClaimIdlest() took it: close (it was idle)

  const net::any_io_executor& executor() const { return executor_; }
  void set_id(uint64_t id) { id_ = id; }

 private:
  enum class State { kIdle, kReading, kProcessing, kWriting, kStreaming, kClosing, kClosed };
  enum class StreamState { kPolling, kWriting, kWaiting };

  // Requests (connection.cc).
  void ReadNext();
  void OnIdleRead(beast::error_code ec, size_t n);
  void EnterIdle();
  bool LeaveIdle();  // false when the server claimed this connection for eviction
  void ReadHeader();
  void ParseHeader();
  void OnHeaderBytes(beast::error_code ec, size_t n);
  void OnHeader();
  void OnBody(beast::error_code ec);
  void BeginRefusal();
  void RefuseRequest(const ledger::Status& status);  // 400 bad_request listing its errors
  void FailRead(beast::error_code ec);
  void OnRequestRead();
  void OnAnswer(Response response);
  void WriteResponse(Response response, bool close_after);
  void OnWritten(beast::error_code ec, bool keep_alive);
  void GracefulClose();
  void OnDrainRead(beast::error_code ec, size_t n);
  void Close();
  void LogRequest(unsigned status, uint64_t bytes);

  // Server-Sent Events (connection_stream.cc).
  void StartStream(Response response);
  void PollStream();
  void OnPolled(ledger::Status status, std::string chunk);
  void WriteChunk(std::string chunk);
  void OnChunkWritten(beast::error_code ec, size_t n);
  void OnStreamWake();
  void ArmHeartbeat();
  std::function<void()> MakeWake();

  ServerCore* const core_;
  const bool counted_;
  uint64_t id_ = 0;
  beast::tcp_stream stream_;
  const net::any_io_executor executor_;  // the connection's strand
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  State state_ = State::kIdle;
  std::shared_ptr<Connection> self_;             // set while a handler holds the responder
  std::optional<ServerCore::IdleKey> idle_key_;  // set while registered in core_->idle
  uint64_t answered_ = 0;                        // responses written on this connection

  // The request being answered.
  std::chrono::steady_clock::time_point started_{};
  unsigned version_ = 11;
  bool keep_alive_ = false;
  std::string method_, path_;
  Dispatcher::Dispatched dispatched_;
  std::shared_ptr<http::response<http::string_body>> response_;
  unsigned status_ = 0;
  uint64_t drained_ = 0;
  std::array<char, 4096> drain_buffer_{};

  // The event stream, when state_ == kStreaming.
  std::shared_ptr<EventStreamSource> source_;
  std::shared_ptr<std::atomic<bool>> wake_flag_ = std::make_shared<std::atomic<bool>>(false);
  StreamState stream_state_ = StreamState::kPolling;
  bool stream_started_ = false;
  net::steady_timer heartbeat_;
  std::string chunk_;
  uint64_t stream_bytes_ = 0;
};

}  // namespace api::internal
