#include "api/http/http_server.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <thread>
#include <vector>

#include "api/http/server_internal.h"

namespace api {

using internal::Connection;
namespace net = internal::net;
using tcp = net::ip::tcp;

struct HttpServer::Impl {
  Impl(ServerOptions options, const Router* router, Authenticator* authenticator, Metrics* metrics);

  void Accept();
  void OnAccept(boost::system::error_code ec, tcp::socket socket);
  void BeginDrain();
  // Posts `fn(connection)` to every registered connection's strand.
  void ForEachConnection(void (Connection::*fn)());
  bool WaitForConnections(std::chrono::milliseconds timeout);

  ledger::SystemClock system_clock;
  std::shared_ptr<internal::ServerCore> core_ptr = std::make_shared<internal::ServerCore>();
  internal::ServerCore& core = *core_ptr;
  std::unique_ptr<RateLimiter> limiter;
  std::unique_ptr<RateLimiter> auth_failures;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<net::io_context> ioc;
  std::unique_ptr<net::thread_pool> workers;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> retry_timer;
  // Keeps run() going while no socket operation is pending (e.g. every connection is waiting for
  // a handler): answers are posted later.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> io_threads;
  uint16_t port = 0;
  bool started = false;
  bool stopped = false;
};

HttpServer::Impl::Impl(ServerOptions options, const Router* router, Authenticator* authenticator,
                       Metrics* metrics) {
  size_t cores = std::max(1u, std::thread::hardware_concurrency());
  if (options.io_threads == 0) options.io_threads = cores;
  if (options.worker_threads == 0) options.worker_threads = std::max<size_t>(4, 2 * cores);
  if (!options.access_log) options.access_log = StderrAccessLog();
  core.clock = options.clock != nullptr ? options.clock : &system_clock;
  core.options = std::move(options);
  core.metrics = metrics;
  limiter = std::make_unique<RateLimiter>(
      RateLimiter::Options{core.options.rate_limit_per_second, core.options.rate_limit_burst,
                           core.options.rate_limit_max_keys},
      core.clock);
  auth_failures = std::make_unique<RateLimiter>(
      RateLimiter::Options{core.options.auth_failure_per_second, core.options.auth_failure_burst,
                           core.options.rate_limit_max_keys},
      core.clock);
  workers = std::make_unique<net::thread_pool>(core.options.worker_threads);
  core.post_work = [pool = workers.get()](std::function<void()> task) {
    net::post(*pool, std::move(task));
  };
  dispatcher = std::make_unique<Dispatcher>(
      router, authenticator, limiter->enabled() ? limiter.get() : nullptr,
      auth_failures->enabled() ? auth_failures.get() : nullptr, core.post_work);
  core.dispatcher = dispatcher.get();
  ioc = std::make_unique<net::io_context>(static_cast<int>(core.options.io_threads));
}

void HttpServer::Impl::Accept() {
  acceptor->async_accept(
      net::make_strand(*ioc),
      [this](boost::system::error_code ec, tcp::socket s) { OnAccept(ec, std::move(s)); });
}

void HttpServer::Impl::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (!acceptor->is_open() || core.draining.load()) return;
  if (ec) {
    // Out of descriptors or similar: pause briefly rather than spin.
    retry_timer->expires_after(std::chrono::milliseconds(100));
    retry_timer->async_wait([this](boost::system::error_code e) {
      if (!e && acceptor->is_open()) Accept();
    });
    return;
  }
  bool full = core.open.load() >= core.options.max_connections;
  std::shared_ptr<Connection> evicted = full ? core.ClaimIdlest() : nullptr;
  if (full && !evicted) {
    core.rejected.fetch_add(1);
    auto c = std::make_shared<Connection>(std::move(socket), &core, false);
    net::post(c->executor(), [c] {
      c->Reject(MakeProblem(503, kOverloaded, "too many open connections; retry shortly"));
    });
  } else {
    if (evicted) {
      // The cap counts the evicted connection until it is gone: admitting this one runs over it
      // for a moment, by at most the evictions still in flight.
      core.evicted.fetch_add(1);
      const net::any_io_executor& ex = evicted->executor();
      net::post(ex, [c = std::move(evicted)] { c->Evict(); });  // dropped on its own strand
    }
    auto c = std::make_shared<Connection>(std::move(socket), &core, true);
    {
      std::lock_guard<std::mutex> lock(core.mu);
      c->set_id(core.next_id);
      core.connections.emplace(core.next_id++, c);
    }
    net::post(c->executor(), [c] { c->Start(); });
  }
  Accept();
}

HttpServer::HttpServer(ServerOptions options, const Router* router, Authenticator* authenticator,
                       Metrics* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, authenticator, metrics)) {
  // The gauges share the counters, so rendering /metrics stays safe after the server is gone.
  std::shared_ptr<internal::ServerCore> core = impl_->core_ptr;
  metrics->AddGauge("ledger_http_open_connections", "Open client connections",
                    [core] { return static_cast<double>(core->open.load()); });
  metrics->AddGauge("ledger_sse_clients", "Open Server-Sent Events streams",
                    [core] { return static_cast<double>(core->sse_clients.load()); });
  metrics->AddCounterFamily(
      "ledger_http_rejected_connections_total",
      "Connections refused with 503 because of the connection cap", [core] {
        return std::vector<Metrics::Sample>{{{}, static_cast<double>(core->rejected.load())}};
      });
  metrics->AddGauge("ledger_http_idle_connections",
                    "Open client connections waiting for a first byte or a next request",
                    [core] { return static_cast<double>(core->IdleCount()); });
  metrics->AddCounterFamily(
      "ledger_http_evicted_connections_total",
      "Idle connections closed to admit a new one at the connection cap", [core] {
        return std::vector<Metrics::Sample>{{{}, static_cast<double>(core->evicted.load())}};
      });
  metrics->AddCounterFamily(
      "ledger_sse_stalled_total", "Event streams dropped because the client stopped reading",
      [core] {
        return std::vector<Metrics::Sample>{{{}, static_cast<double>(core->sse_stalled.load())}};
      });
}

HttpServer::~HttpServer() { Shutdown(); }

ledger::Status HttpServer::Start() {
  Impl& s = *impl_;
  if (s.started) return ledger::Status::FailedPrecondition("the server was already started");
  boost::system::error_code ec;
  net::ip::address address = net::ip::make_address(s.core.options.host, ec);
  if (ec)
    return ledger::Status::InvalidArgument("cannot parse listen address '" + s.core.options.host +
                                           "'");
  tcp::endpoint endpoint(address, s.core.options.port);
  s.acceptor.emplace(net::make_strand(*s.ioc));
  s.retry_timer.emplace(s.acceptor->get_executor());
  auto fail = [&](const char* what) {
    return ledger::Status::Unavailable(std::string("cannot ") + what + " " + s.core.options.host +
                                       ":" + std::to_string(s.core.options.port) + ": " +
                                       ec.message());
  };
  if (s.acceptor->open(endpoint.protocol(), ec)) return fail("open a socket for");
  if (s.acceptor->set_option(net::socket_base::reuse_address(true), ec)) return fail("configure");
  if (s.acceptor->bind(endpoint, ec)) return fail("bind");
  if (s.acceptor->listen(net::socket_base::max_listen_connections, ec)) return fail("listen on");
  s.port = s.acceptor->local_endpoint(ec).port();
  s.started = true;
  s.work.emplace(s.ioc->get_executor());
  net::post(s.acceptor->get_executor(), [&s] { s.Accept(); });
  for (size_t i = 0; i < s.core.options.io_threads; ++i)
    s.io_threads.emplace_back([&s] { s.ioc->run(); });
  return ledger::Status::Ok();
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Impl::ForEachConnection(void (Connection::*fn)()) {
  // Take the references under the lock, post and drop them outside it: the last reference may be
  // ours, and ~Connection takes the same lock.
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard<std::mutex> lock(core.mu);
    for (auto& [id, weak] : core.connections) {
      if (std::shared_ptr<Connection> c = weak.lock()) live.push_back(std::move(c));
    }
  }
  for (std::shared_ptr<Connection>& c : live) {
    const net::any_io_executor& ex = c->executor();
    net::post(ex, [c = std::move(c), fn] { ((*c).*fn)(); });
  }
}

bool HttpServer::Impl::WaitForConnections(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(core.mu);
  return core.gone.wait_for(lock, timeout, [&] { return core.open.load() == 0; });
}

void HttpServer::Impl::BeginDrain() {
  core.draining.store(true);
  net::post(acceptor->get_executor(), [this] {
    boost::system::error_code ec;
    acceptor->close(ec);
    retry_timer->cancel();
  });
  ForEachConnection(&Connection::Drain);
}

void HttpServer::Shutdown() {
  Impl& s = *impl_;
  if (s.stopped) return;
  s.stopped = true;
  if (s.started) {
    s.BeginDrain();
    if (!s.WaitForConnections(s.core.options.shutdown_timeout)) {
      s.ForEachConnection(&Connection::ForceClose);
      s.WaitForConnections(std::chrono::milliseconds(1000));
    }
    s.work.reset();
    s.ioc->stop();
    for (std::thread& t : s.io_threads) t.join();
  }
  s.workers->join();  // handlers and polls still running finish; their answers are queued
  s.core.gate->Stop();
  // Destroying the io_context destroys the queued handlers and with them the connections; event
  // stream sources unsubscribe from the log here, before main closes it.
  s.acceptor.reset();
  s.retry_timer.reset();
  s.ioc.reset();
}

ServerStats HttpServer::GetStats() const {
  const internal::ServerCore& c = impl_->core;
  ServerStats st;
  st.open_connections = c.open.load();
  st.rejected_connections = c.rejected.load();
  st.evicted_connections = c.evicted.load();
  st.idle_connections = impl_->core.IdleCount();
  st.requests = c.requests.load();
  st.sse_clients = c.sse_clients.load();
  st.sse_stalled = c.sse_stalled.load();
  st.sse_max_chunk_bytes = c.sse_max_chunk.load();
  st.draining = c.draining.load();
  return st;
}

}  // namespace api
