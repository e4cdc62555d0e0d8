// A small synchronous HTTP/1.1 client for tests against a real server on a loopback port, plus a
// raw TCP connection (for clients that misbehave on purpose) and a Server-Sent Events reader.
// Every operation has a deadline, so a broken server fails a test instead of hanging it.
//
//   testing_util::HttpClient client("127.0.0.1", server.port());
//   client.SetBearer(token);
//   testing_util::HttpReply r = client.Get("/v1/events?from=1");
//   EXPECT_EQ(r.status, 200) << r.body;
//   boost::json::value body = r.Json();
//
// Single-header library: the declarations below are free of Beast; exactly ONE source file of a
// test binary defines LEDGER_HTTP_CLIENT_IMPLEMENTATION before including this header to compile
// the (non-inline) implementation. tests/api builds it once into the `api_test_support` library:
// link that rather than defining the macro yourself.
//
// Thread-safety: each object is used by one thread at a time.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace testing_util {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpReply {
  unsigned status = 0;  // 0 when no response arrived (see error)
  HeaderList headers;
  std::string body;
  std::string error;  // why the exchange failed: "timeout", "closed", a socket error; "" if fine

  // The first value of header `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
  // The body parsed as JSON; null when it is not JSON.
  boost::json::value Json() const;
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(15000));
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // Sends "Authorization: Bearer <token>" with every request ("" to stop).
  void SetBearer(std::string token);

  // One request on the kept-alive connection (reconnecting when the server closed it).
  HttpReply Request(std::string_view method, std::string_view target, std::string_view body = {},
                    const HeaderList& headers = {});
  HttpReply Get(std::string_view target, const HeaderList& headers = {}) {
    return Request("GET", target, {}, headers);
  }
  HttpReply Post(std::string_view target, std::string_view body, const HeaderList& headers = {});

  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A TCP connection that sends and reads raw bytes.
class RawConnection {
 public:
  // `receive_buffer`: SO_RCVBUF set before connecting (0: the OS default).
  RawConnection(const std::string& host, uint16_t port, int receive_buffer = 0);
  ~RawConnection();
  RawConnection(RawConnection&&) noexcept;
  RawConnection& operator=(RawConnection&&) noexcept;

  bool connected() const;  // the connect succeeded
  bool closed() const;     // the peer closed (EOF or reset) — seen by a read or write

  // Writes all of `bytes`; false when the write failed or timed out.
  bool Send(std::string_view bytes,
            std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // What arrives within `timeout` (at most one read; "" on timeout or close).
  std::string ReadSome(std::chrono::milliseconds timeout);
  // Reads until `pattern` is in the data read so far, the peer closes, or `timeout` passes.
  // Returns (and clears) everything read.
  std::string ReadUntil(std::string_view pattern, std::chrono::milliseconds timeout);
  // Reads (discarding) until the peer closes; false when `timeout` passed first.
  bool WaitForClose(std::chrono::milliseconds timeout);
  // Reads one whole HTTP response (Content-Length or close-delimited body).
  HttpReply ReadResponse(std::chrono::milliseconds timeout = std::chrono::milliseconds(15000));

 private:
  friend class SseClient;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads a text/event-stream response.
class SseClient {
 public:
  struct Event {
    std::string id;
    std::string data;
  };

  // Connects and sends GET `target` with `headers`; reads the response header.
  // `receive_buffer` as RawConnection's: a small one makes a client that stops reading stall
  // the server sooner.
  SseClient(const std::string& host, uint16_t port, std::string_view target,
            const HeaderList& headers,
            std::chrono::milliseconds timeout = std::chrono::milliseconds(15000),
            int receive_buffer = 0);

  unsigned status() const { return status_; }
  const HeaderList& headers() const { return headers_; }
  // The body when the answer was not a stream (a problem document); read until close.
  const std::string& error_body() const { return error_body_; }

  // The next `n` events, or fewer when `timeout` passes or the stream ends.
  std::vector<Event> Read(size_t n, std::chrono::milliseconds timeout);
  // Waits until a comment line containing `text` arrives (": heartbeat"); events before it are
  // dropped. False on timeout or close.
  bool WaitForComment(std::string_view text, std::chrono::milliseconds timeout);
  bool closed() const { return raw_.closed(); }

 private:
  bool ParseOne(Event* event, bool* comment);

  RawConnection raw_;
  unsigned status_ = 0;
  HeaderList headers_;
  std::string error_body_;
  std::string pending_;  // stream bytes not yet parsed
};

}  // namespace testing_util

#ifdef LEDGER_HTTP_CLIENT_IMPLEMENTATION

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

namespace testing_util {
namespace http_client_detail {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

inline bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// A socket whose every operation has a deadline: a timer cancels it (the socket stays open).
struct Socket {
  net::io_context ioc;
  tcp::socket socket{ioc};
  bool open = false;
  bool peer_closed = false;

  template <typename Start>
  error_code Run(std::chrono::milliseconds timeout, Start start) {
    ioc.restart();
    bool done = false, timed_out = false;
    error_code result;
    net::steady_timer timer(ioc, timeout);
    timer.async_wait([&](error_code ec) {
      if (!ec && !done) {
        timed_out = true;
        error_code ignored;
        socket.cancel(ignored);
      }
    });
    start([&](error_code ec) {
      done = true;
      result = ec;
      timer.cancel();
    });
    ioc.run();
    if (timed_out && result == net::error::operation_aborted) return net::error::timed_out;
    if (result == net::error::eof || result == net::error::connection_reset ||
        result == http::error::end_of_stream || result == net::error::broken_pipe)
      peer_closed = true;
    return result;
  }

  bool Connect(const std::string& host, uint16_t port, int receive_buffer,
               std::chrono::milliseconds timeout) {
    error_code ec;
    tcp::endpoint endpoint(net::ip::make_address(host, ec), port);
    if (ec) return false;
    socket.open(endpoint.protocol(), ec);
    if (receive_buffer > 0)
      socket.set_option(net::socket_base::receive_buffer_size(receive_buffer), ec);
    ec = Run(timeout,
             [&](auto done) { socket.async_connect(endpoint, [done](error_code e) { done(e); }); });
    open = !ec;
    peer_closed = false;
    return open;
  }

  void Close() {
    error_code ec;
    socket.close(ec);
    open = false;
  }
};

inline std::string ErrorText(const error_code& ec) {
  if (ec == net::error::timed_out) return "timeout";
  if (ec == net::error::eof || ec == http::error::end_of_stream) return "closed";
  return ec.message();
}

}  // namespace http_client_detail

std::string HttpReply::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (http_client_detail::SameName(n, name)) return v;
  }
  return "";
}

boost::json::value HttpReply::Json() const {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  return ec ? boost::json::value(nullptr) : v;
}

struct HttpClient::Impl {
  std::string host;
  uint16_t port;
  std::chrono::milliseconds timeout;
  std::string bearer;
  http_client_detail::Socket socket;
  boost::beast::flat_buffer buffer;
};

HttpClient::HttpClient(std::string host, uint16_t port, std::chrono::milliseconds timeout)
    : impl_(new Impl{std::move(host), port, timeout, "", {}, {}}) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

void HttpClient::SetBearer(std::string token) { impl_->bearer = std::move(token); }
void HttpClient::Close() { impl_->socket.Close(); }

HttpReply HttpClient::Post(std::string_view target, std::string_view body,
                           const HeaderList& headers) {
  HeaderList h = headers;
  bool typed = false;
  for (const auto& [n, v] : h) typed = typed || http_client_detail::SameName(n, "Content-Type");
  if (!typed) h.emplace_back("Content-Type", "application/json");
  return Request("POST", target, body, h);
}

HttpReply HttpClient::Request(std::string_view method, std::string_view target,
                              std::string_view body, const HeaderList& headers) {
  namespace d = http_client_detail;
  namespace http = d::http;
  HttpReply reply;
  Impl& s = *impl_;
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool fresh = !s.socket.open || s.socket.peer_closed;
    if (fresh) {
      s.socket.Close();
      s.buffer.clear();
      if (!s.socket.Connect(s.host, s.port, 0, s.timeout)) {
        reply.error = "connect failed";
        return reply;
      }
    }
    http::request<http::string_body> req(http::string_to_verb(method), std::string(target), 11);
    if (req.method() == http::verb::unknown) req.method_string(method);
    req.set(http::field::host, s.host + ":" + std::to_string(s.port));
    if (!s.bearer.empty()) req.set(http::field::authorization, "Bearer " + s.bearer);
    for (const auto& [n, v] : headers) req.set(n, v);
    req.body() = std::string(body);
    req.prepare_payload();
    d::error_code ec = s.socket.Run(s.timeout, [&](auto done) {
      http::async_write(s.socket.socket, req, [done](d::error_code e, size_t) { done(e); });
    });
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    if (!ec) {
      ec = s.socket.Run(s.timeout, [&](auto done) {
        http::async_read(s.socket.socket, s.buffer, parser,
                         [done](d::error_code e, size_t) { done(e); });
      });
    }
    // A kept-alive connection the server closed meanwhile: retry once on a fresh one.
    if (ec && !fresh && s.socket.peer_closed && attempt == 0) continue;
    if (ec) {
      reply.error = d::ErrorText(ec);
      s.socket.Close();
      return reply;
    }
    auto& res = parser.get();
    reply.status = res.result_int();
    for (const auto& f : res)
      reply.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    reply.body = std::move(res.body());
    if (!res.keep_alive()) s.socket.Close();
    return reply;
  }
  return reply;
}

struct RawConnection::Impl {
  http_client_detail::Socket socket;
  std::string pending;  // read but not yet returned
};

RawConnection::RawConnection(const std::string& host, uint16_t port, int receive_buffer)
    : impl_(new Impl) {
  impl_->socket.Connect(host, port, receive_buffer, std::chrono::milliseconds(5000));
}
RawConnection::~RawConnection() = default;
RawConnection::RawConnection(RawConnection&&) noexcept = default;
RawConnection& RawConnection::operator=(RawConnection&&) noexcept = default;

bool RawConnection::connected() const { return impl_->socket.open; }
bool RawConnection::closed() const { return impl_->socket.peer_closed; }

bool RawConnection::Send(std::string_view bytes, std::chrono::milliseconds timeout) {
  namespace d = http_client_detail;
  if (!impl_->socket.open) return false;
  d::error_code ec = impl_->socket.Run(timeout, [&](auto done) {
    d::net::async_write(impl_->socket.socket, d::net::buffer(bytes.data(), bytes.size()),
                        [done](d::error_code e, size_t) { done(e); });
  });
  if (ec) impl_->socket.peer_closed = impl_->socket.peer_closed || ec != d::net::error::timed_out;
  return !ec;
}

std::string RawConnection::ReadSome(std::chrono::milliseconds timeout) {
  namespace d = http_client_detail;
  if (!impl_->pending.empty()) return std::exchange(impl_->pending, {});
  if (!impl_->socket.open || impl_->socket.peer_closed) return "";
  char buf[65536];
  size_t got = 0;
  d::error_code ec = impl_->socket.Run(timeout, [&](auto done) {
    impl_->socket.socket.async_read_some(d::net::buffer(buf),
                                         [done, &got](d::error_code e, size_t n) {
                                           got = n;
                                           done(e);
                                         });
  });
  if (ec && ec != d::net::error::timed_out) impl_->socket.peer_closed = true;
  return std::string(buf, got);
}

std::string RawConnection::ReadUntil(std::string_view pattern, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string data = std::exchange(impl_->pending, {});
  while (data.find(pattern) == std::string::npos && !closed()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    data += ReadSome(left);
  }
  return data;
}

bool RawConnection::WaitForClose(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  impl_->pending.clear();
  while (!closed()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    ReadSome(left);
  }
  return true;
}

HttpReply RawConnection::ReadResponse(std::chrono::milliseconds timeout) {
  namespace d = http_client_detail;
  HttpReply reply;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string data = ReadUntil("\r\n\r\n", timeout);
  size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) {
    reply.error = closed() ? "closed" : "timeout";
    return reply;
  }
  d::http::response_parser<d::http::string_body> parser;
  parser.eager(true);
  d::error_code ec;
  parser.put(d::net::buffer(data.data(), end + 4), ec);
  if (ec) {
    reply.error = "bad response header: " + ec.message();
    return reply;
  }
  std::string rest = data.substr(end + 4);
  auto& res = parser.get();
  size_t want = res.has_content_length()
                    ? std::stoull(std::string(res[d::http::field::content_length]))
                    : SIZE_MAX;
  while (rest.size() < want && !closed()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    rest += ReadSome(left);
  }
  if (want != SIZE_MAX && rest.size() > want) impl_->pending = rest.substr(want), rest.resize(want);
  reply.status = res.result_int();
  for (const auto& f : res)
    reply.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  reply.body = std::move(rest);
  if (want != SIZE_MAX && reply.body.size() < want) reply.error = closed() ? "closed" : "timeout";
  return reply;
}

SseClient::SseClient(const std::string& host, uint16_t port, std::string_view target,
                     const HeaderList& headers, std::chrono::milliseconds timeout,
                     int receive_buffer)
    : raw_(host, port, receive_buffer) {
  std::string request = "GET " + std::string(target) + " HTTP/1.1\r\nHost: " + host + "\r\n";
  for (const auto& [n, v] : headers) request += n + ": " + v + "\r\n";
  request += "\r\n";
  if (!raw_.Send(request, timeout)) return;
  std::string data = raw_.ReadUntil("\r\n\r\n", timeout);
  size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) return;
  std::string head = data.substr(0, end);
  pending_ = data.substr(end + 4);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() >= 12)
    status_ = static_cast<unsigned>(std::stoul(status_line.substr(9, 3)));
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t next = head.find("\r\n", pos);
    if (next == std::string::npos) next = head.size();
    std::string line = head.substr(pos, next - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      headers_.emplace_back(line.substr(0, colon), value);
    }
    pos = next + 2;
  }
  if (status_ != 200) {
    // A problem document with Content-Length: read it whole.
    std::string body = pending_;
    pending_.clear();
    for (const auto& [n, v] : headers_) {
      if (http_client_detail::SameName(n, "Content-Length")) {
        size_t want = std::stoull(v);
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (body.size() < want && !raw_.closed() && std::chrono::steady_clock::now() < deadline)
          body += raw_.ReadSome(std::chrono::duration_cast<std::chrono::milliseconds>(
              deadline - std::chrono::steady_clock::now()));
      }
    }
    error_body_ = body;
  }
}

// Takes one complete message (or comment) off pending_. SSE lines end in "\n" (the server
// never sends "\r"); a message ends at an empty line.
bool SseClient::ParseOne(Event* event, bool* comment) {
  size_t end = pending_.find("\n\n");
  if (end == std::string::npos) return false;
  std::string block = pending_.substr(0, end);
  pending_.erase(0, end + 2);
  *comment = !block.empty() && block.front() == ':';
  if (*comment) {
    event->data = block.substr(1);
    return true;
  }
  size_t pos = 0;
  while (pos <= block.size()) {
    size_t nl = block.find('\n', pos);
    if (nl == std::string::npos) nl = block.size();
    std::string line = block.substr(pos, nl - pos);
    if (line.rfind("id: ", 0) == 0)
      event->id = line.substr(4);
    else if (line.rfind("data: ", 0) == 0)
      event->data += line.substr(6);
    pos = nl + 1;
  }
  return true;
}

std::vector<SseClient::Event> SseClient::Read(size_t n, std::chrono::milliseconds timeout) {
  std::vector<Event> out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < n) {
    Event e;
    bool comment = false;
    if (ParseOne(&e, &comment)) {
      if (!comment) out.push_back(std::move(e));
      continue;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || raw_.closed()) break;
    pending_ += raw_.ReadSome(left);
  }
  return out;
}

bool SseClient::WaitForComment(std::string_view text, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    Event e;
    bool comment = false;
    while (ParseOne(&e, &comment)) {
      if (comment && e.data.find(text) != std::string::npos) return true;
      e = Event();
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || raw_.closed()) return false;
    pending_ += raw_.ReadSome(left);
  }
}

}  // namespace testing_util

#endif  // LEDGER_HTTP_CLIENT_IMPLEMENTATION
