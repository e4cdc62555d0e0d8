// Connection: one client socket — reads requests one at a time, dispatches them, writes answers.
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "api/http/request_reader.h"
#include "api/http/server_internal.h"

namespace api::internal {
namespace {

constexpr size_t kReadChunk = 4096;
constexpr uint64_t kMaxDrainBytes = 1 << 20;               // lingering close reads at most this
constexpr std::chrono::milliseconds kLingerTimeout{1000};  // ... for at most this long

std::string HeaderSafe(std::string_view v) {
  std::string out;
  for (char c : v) out += (c == '\r' || c == '\n') ? ' ' : c;
  return out;
}

}  // namespace

void Gate::Post(const std::weak_ptr<Connection>& connection, Task task) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_) return;
  std::shared_ptr<Connection> c = connection.lock();
  if (!c) return;
  const net::any_io_executor& ex = c->executor();
  net::post(ex, [c = std::move(c), task = std::move(task)] { task(c); });
}

void Gate::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
}

void ServerCore::RecordChunk(uint64_t bytes) {
  uint64_t seen = sse_max_chunk.load();
  while (bytes > seen && !sse_max_chunk.compare_exchange_weak(seen, bytes)) {
  }
}

std::shared_ptr<Connection> ServerCore::ClaimIdlest() {
  std::lock_guard<std::mutex> lock(mu);
  while (!idle.empty()) {
    std::shared_ptr<Connection> c = idle.begin()->second.lock();
    idle.erase(idle.begin());
    if (c) return c;  // the caller drops it outside the lock: ~Connection takes `mu`
  }
  return nullptr;
}

size_t ServerCore::IdleCount() {
  std::lock_guard<std::mutex> lock(mu);
  return idle.size();
}

Connection::Connection(net::ip::tcp::socket socket, ServerCore* core, bool counted)
    : core_(core),
      counted_(counted),
      stream_(std::move(socket)),
      executor_(stream_.get_executor()),
      buffer_(core->options.max_header_bytes + core->options.max_body_bytes + 2 * kReadChunk),
      heartbeat_(executor_) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = endpoint.address().to_string();
  if (counted_) core_->open.fetch_add(1);
}

Connection::~Connection() {
  if (source_) core_->sse_clients.fetch_sub(1);
  if (!counted_) return;
  std::lock_guard<std::mutex> lock(core_->mu);
  core_->connections.erase(id_);
  if (idle_key_) core_->idle.erase(*idle_key_);
  core_->open.fetch_sub(1);
  core_->gone.notify_all();
}

void Connection::Start() {
  // The first request's whole header is due within header_timeout of the accept, whether its
  // bytes trickle in or never come: a connection that stays silent is cut as fast as a slow one
  // (it used to wait idle_timeout for its first byte, and enough of them locked everyone out).
  stream_.expires_after(core_->options.header_timeout);
  ReadNext();
}

void Connection::ReadNext() {
  if (state_ == State::kClosed) return;
  if (core_->draining.load()) return Close();
  state_ = State::kIdle;
  if (buffer_.size() > 0) return ReadHeader();  // a pipelined request is already here
  if (answered_ > 0) stream_.expires_after(core_->options.idle_timeout);
  EnterIdle();
  stream_.async_read_some(
      buffer_.prepare(kReadChunk),
      [self = shared_from_this()](beast::error_code ec, size_t n) { self->OnIdleRead(ec, n); });
}

void Connection::OnIdleRead(beast::error_code ec, size_t n) {
  bool evicted = !LeaveIdle();
  // Closed by the client, idle too long, drained, or evicted for a new connection (even if a
  // byte arrived meanwhile: the server counted this connection out when it admitted another).
  if (ec || evicted) return Close();
  buffer_.commit(n);
  ReadHeader();
}

void Connection::EnterIdle() {
  if (!counted_) return;
  std::lock_guard<std::mutex> lock(core_->mu);
  idle_key_ = {std::chrono::steady_clock::now(), id_};
  core_->idle.emplace(*idle_key_, weak_from_this());
}

bool Connection::LeaveIdle() {
  if (!idle_key_) return true;
  std::lock_guard<std::mutex> lock(core_->mu);
  bool kept = core_->idle.erase(*idle_key_) > 0;  // absent: ServerCore::ClaimIdlest took it
  idle_key_.reset();
  return kept;
}

void Connection::Evict() { Close(); }

void Connection::ReadHeader() {
  state_ = State::kReading;
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(core_->options.max_header_bytes));
  parser_->body_limit(core_->options.max_body_bytes);
  // A later request's header is due within header_timeout of its first byte; the first one's
  // deadline has run since the accept (Start).
  if (answered_ > 0) stream_.expires_after(core_->options.header_timeout);
  ParseHeader();
}

// Hands the parser what has arrived, reading more until the header is complete: this loop
// instead of http::async_read_header because the raw header lines must be checked
// (CheckHeaderLines) before the parser consumes them — it unfolds folded lines without a trace.
void Connection::ParseHeader() {
  if (buffer_.size() > 0) {
    std::string_view pending(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    if (ledger::Status s = CheckHeaderLines(pending); !s.ok()) return RefuseRequest(s);
    beast::error_code ec;
    buffer_.consume(parser_->put(buffer_.data(), ec));
    if (ec && ec != http::error::need_more) return FailRead(ec);
    if (parser_->is_header_done()) return OnHeader();
  }
  size_t room = buffer_.max_size() - buffer_.size();
  if (room == 0) return FailRead(http::error::buffer_overflow);
  stream_.async_read_some(
      buffer_.prepare(std::min(room, kReadChunk)),
      [self = shared_from_this()](beast::error_code ec, size_t n) { self->OnHeaderBytes(ec, n); });
}

void Connection::OnHeaderBytes(beast::error_code ec, size_t n) {
  if (ec) return FailRead(ec);  // a timeout, a reset, or the client gone mid-header: closed
  buffer_.commit(n);
  ParseHeader();
}

void Connection::OnHeader() {
  // Before any of the body is read: a request whose framing is in doubt must not have its body
  // read at all, or a smuggled request inside it could be taken for the next one.
  if (ledger::Status s = CheckHeaderFields(parser_->get()); !s.ok()) return RefuseRequest(s);
  if (parser_->is_done()) return OnRequestRead();
  stream_.expires_after(core_->options.body_timeout);
  auto read_body = [self = shared_from_this()] {
    http::async_read(self->stream_, self->buffer_, *self->parser_,
                     [self](beast::error_code e, size_t) { self->OnBody(e); });
  };
  // A client waiting for "100 Continue" (curl does for bodies over 1 KiB) gets it now: the
  // header passed the size checks, so the body is wanted.
  if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [read_body](beast::error_code e, size_t) {
                       if (!e) read_body();
                     });
    return;
  }
  read_body();
}

void Connection::OnBody(beast::error_code ec) {
  if (ec) return FailRead(ec);
  OnRequestRead();
}

void Connection::BeginRefusal() {
  if (parser_ && parser_->is_header_done()) {
    method_ = std::string(parser_->get().method_string());
    version_ = parser_->get().version();
  }
  path_.clear();
  started_ = std::chrono::steady_clock::now();
}

void Connection::RefuseRequest(const ledger::Status& status) {
  BeginRefusal();
  Problem problem = MakeProblem(400, kBadRequest, status.message());
  problem.errors = status.errors();
  WriteResponse(ProblemResponse(problem), true);
}

void Connection::FailRead(beast::error_code ec) {
  BeginRefusal();
  if (ec == http::error::header_limit) {
    return WriteResponse(ProblemResponse(MakeProblem(
                             431, kHeadersTooLarge,
                             "the request header exceeds " +
                                 std::to_string(core_->options.max_header_bytes) + " bytes")),
                         true);
  }
  if (ec == http::error::body_limit || ec == http::error::buffer_overflow) {
    return WriteResponse(
        ProblemResponse(MakeProblem(413, kPayloadTooLarge,
                                    "the request body exceeds " +
                                        std::to_string(core_->options.max_body_bytes) + " bytes")),
        true);
  }
  if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return WriteResponse(
        ProblemResponse(MakeProblem(400, kBadRequest, "malformed HTTP request: " + ec.message())),
        true);
  }
  // Timeouts (Beast has closed the socket), resets, a client that went away mid-request.
  Close();
}

void Connection::OnRequestRead() {
  http::request<http::string_body>& msg = parser_->get();
  started_ = std::chrono::steady_clock::now();
  version_ = msg.version();
  keep_alive_ = msg.keep_alive();
  method_ = std::string(msg.method_string());
  std::string_view target = msg.target();
  path_ = std::string(target.substr(0, target.find('?')));
  ledger::Result<Request> request = ToRequest(msg, remote_);
  parser_.reset();
  if (!request.ok()) return WriteResponse(ErrorResponse(request.status(), path_), true);

  state_ = State::kProcessing;
  self_ = shared_from_this();
  std::weak_ptr<Connection> weak = self_;
  std::shared_ptr<Gate> gate = core_->gate;
  Responder responder(
      [weak, gate](Response response) {
        gate->Post(weak,
                   [response = std::move(response)](const std::shared_ptr<Connection>& c) mutable {
                     c->OnAnswer(std::move(response));
                   });
      },
      path_);
  dispatched_ = core_->dispatcher->Dispatch(std::move(request).value(), responder);
}

void Connection::OnAnswer(Response response) {
  if (state_ != State::kProcessing) return;  // closed meanwhile
  self_.reset();                             // the posted task holds a reference while this runs
  if (response.stream) return StartStream(std::move(response));
  WriteResponse(std::move(response), false);
}

void Connection::WriteResponse(Response response, bool close_after) {
  auto res = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(response.status), version_);
  for (const auto& [name, value] : response.headers.fields())
    res->set(HeaderSafe(name), HeaderSafe(value));
  if (!response.content_type.empty())
    res->set(http::field::content_type, HeaderSafe(response.content_type));
  // Answers may carry personal data: no cache keeps them, unless the route says otherwise (the
  // console's static files: no-cache). Never sniffed, never referred.
  if (!response.headers.Has("Cache-Control")) res->set(http::field::cache_control, "no-store");
  res->set("X-Content-Type-Options", "nosniff");
  res->set("Referrer-Policy", "no-referrer");
  bool keep = keep_alive_ && !close_after && !core_->draining.load();
  res->keep_alive(keep);
  res->body() = std::move(response.body);
  res->prepare_payload();
  status_ = response.status;
  response_ = res;
  state_ = State::kWriting;
  stream_.expires_after(core_->options.write_timeout);
  http::async_write(stream_, *res, [self = shared_from_this(), keep](beast::error_code ec, size_t) {
    self->OnWritten(ec, keep);
  });
}

void Connection::OnWritten(beast::error_code ec, bool keep_alive) {
  ++answered_;
  LogRequest(status_, response_ ? response_->body().size() : 0);
  response_.reset();
  dispatched_ = {};
  if (ec) return Close();
  if (!keep_alive) return GracefulClose();
  ReadNext();
}

void Connection::LogRequest(unsigned status, uint64_t bytes) {
  core_->requests.fetch_add(1);
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_);
  std::string_view route =
      dispatched_.route ? std::string_view(dispatched_.route->pattern) : "unmatched";
  core_->metrics->RecordRequest(method_.empty() ? "-" : method_, route, status, elapsed);
  AccessLogEntry e;
  e.time = core_->clock->Now();
  e.method = method_;
  e.path = path_;
  e.status = status;
  e.bytes = bytes;
  e.duration = elapsed;
  if (dispatched_.context) e.actor = dispatched_.context->actor_id();
  if (dispatched_.route) e.route = dispatched_.route->pattern;
  e.remote = remote_;
  core_->options.access_log(FormatAccessLog(e));
}

void Connection::Reject(const Problem& problem) {
  started_ = std::chrono::steady_clock::now();
  Response r = ProblemResponse(problem);
  r.headers.Set("Retry-After", "1");
  WriteResponse(std::move(r), true);
}

// Half-closes, then reads (and discards) what the client still sends for a moment, so that
// closing with unread data does not reset the connection before the client read our answer.
void Connection::GracefulClose() {
  state_ = State::kClosing;
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  if (ec) return Close();
  stream_.expires_after(kLingerTimeout);
  stream_.async_read_some(
      net::buffer(drain_buffer_),
      [self = shared_from_this()](beast::error_code e, size_t n) { self->OnDrainRead(e, n); });
}

void Connection::OnDrainRead(beast::error_code ec, size_t n) {
  drained_ += n;
  if (ec || drained_ > kMaxDrainBytes) return Close();
  stream_.async_read_some(
      net::buffer(drain_buffer_),
      [self = shared_from_this()](beast::error_code e, size_t m) { self->OnDrainRead(e, m); });
}

void Connection::Close() {
  if (state_ == State::kClosed) return;
  LeaveIdle();
  bool was_streaming = state_ == State::kStreaming;
  state_ = State::kClosed;
  heartbeat_.cancel();
  stream_.close();
  if (was_streaming) {
    LogRequest(200, stream_bytes_);
    core_->sse_clients.fetch_sub(1);
    source_.reset();  // a poll in progress holds its own reference
  }
  self_.reset();  // callers run inside a handler that holds a reference
}

void Connection::Drain() {
  switch (state_) {
    case State::kIdle:
      stream_.cancel();  // the pending wait for a next request ends; OnIdleRead closes
      break;
    case State::kStreaming:
      Close();
      break;
    default:
      break;  // the current request finishes; its answer says Connection: close
  }
}

void Connection::ForceClose() { Close(); }

}  // namespace api::internal
