// Responder: how a handler answers its request, now or later, from any thread.
//
// The server gives each request one Responder. A handler calls Send() (or Fail()/Reply()) exactly
// once: on the worker thread before returning (a synchronous handler), or later from anywhere —
// e.g. from an EventLog::AppendAsync callback on the commit thread once the append is durable.
// The answer is posted back to the connection's strand; the calling thread never blocks and
// never touches the socket. Responders are cheap to copy (shared state), so they can be captured
// in std::function callbacks.
//
// Only the first answer counts; later ones are ignored. If every copy is destroyed without an
// answer, the client gets a 500 problem ("the handler did not answer") rather than hanging.
// After the server has shut down, answers are dropped.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/http/http_types.h"
#include "ledger/base/status.h"

namespace api {

class Responder {
 public:
  // A responder whose answer is passed to `deliver` (called at most once, on the answering
  // thread). `instance` (the request path) goes into problem documents. The server builds these;
  // tests can too.
  explicit Responder(std::function<void(Response)> deliver, std::string instance = "");

  void Send(Response response) const;
  // The problem+json answer for a non-OK status (status.h's mapping, problem.h).
  void Fail(const ledger::Status& status) const;
  // Send(value) or Fail(status).
  void Reply(ledger::Result<Response> result) const;

  // True once any copy has answered.
  bool answered() const;

 private:
  struct Slot;
  std::shared_ptr<Slot> slot_;
};

}  // namespace api
