// HttpServer: the API's HTTP/1.1 server (Boost.Beast) — accepts connections, enforces the limits
// of ServerOptions, and runs each request through the Dispatcher (dispatcher.h) to a route's
// handler on a worker pool. docs/api.md describes the behaviour clients see.
//
// Threads: `io_threads` run the sockets — each connection on its own strand, one request at a
// time and in order (pipelined requests wait their turn), never blocking. `worker_threads` run
// authentication and handlers, which may block. A handler's answer (Responder) is posted back to
// its connection's strand from whatever thread gives it.
//
// Lifetime: main builds the router, authenticator and metrics, then the server, calls Start(),
// and on SIGTERM calls Shutdown(), which stops accepting, lets in-flight requests finish (up to
// shutdown_timeout), closes event streams, and returns once no thread of the server runs and no
// handler can still touch the ledger. Only then may main close the EventLog.
//
// Thread-safety: Start() and Shutdown() from one thread; port(), GetStats() from any.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api/http/auth.h"
#include "api/http/router.h"
#include "api/http/server_options.h"
#include "api/services/metrics.h"
#include "ledger/base/status.h"

namespace api {

struct ServerStats {
  uint64_t open_connections = 0;      // accepted and not yet closed (rejected ones excluded)
  uint64_t rejected_connections = 0;  // refused with 503 because of max_connections
  uint64_t evicted_connections = 0;   // idle ones closed to admit a new one at max_connections
  uint64_t idle_connections = 0;      // open, waiting for a first byte or a next request
  uint64_t requests = 0;              // answered requests
  uint64_t sse_clients = 0;           // open event streams
  uint64_t sse_stalled = 0;           // event streams dropped because a write timed out
  uint64_t sse_max_chunk_bytes = 0;   // the largest SSE chunk any connection held at once
  bool draining = false;              // Shutdown() has begun
};

class HttpServer {
 public:
  // `router`, `authenticator` and `metrics` are not owned and must outlive the server.
  HttpServer(ServerOptions options, const Router* router, Authenticator* authenticator,
             Metrics* metrics);
  ~HttpServer();  // Shutdown()

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port, listens and starts the threads. Unavailable when the address cannot be
  // bound (in use, bad host); InvalidArgument for an unparsable host.
  ledger::Status Start();

  // The bound port (after Start()).
  uint16_t port() const;

  // Graceful shutdown (see above). Idempotent.
  void Shutdown();

  ServerStats GetStats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace api
