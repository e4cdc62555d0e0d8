// EventStreamSource: the producer behind a Server-Sent Events response (text/event-stream).
//
// A handler answers with Response::EventStream(source). The connection then owns the stream and
// PULLS from the source at the client's pace: it asks for a bounded chunk, writes it, and asks
// again only once the chunk has been written. When a poll yields nothing the connection waits for
// the source's wake-up (or sends a heartbeat comment after ServerOptions::sse_heartbeat). Nothing
// is ever queued for a slow client: a lagging client simply makes the source read further behind
// (from the log, at its own pace), and a client that stops reading is dropped when a write has
// not finished within ServerOptions::write_timeout. Per connection the server holds at most one
// chunk: sse_buffer_bytes plus one event.
//
// Thread-safety: Start() is called once, then Poll() repeatedly, each on a worker thread and
// never concurrently; the source is destroyed on any thread after the last Poll() returned.
// The `wake` function may be called from any thread, any number of times, until destruction.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "ledger/base/status.h"

namespace api {

class EventStreamSource {
 public:
  virtual ~EventStreamSource() = default;

  // Called once, before the first Poll(): `wake` tells the connection that Poll() may now
  // yield something. It must not block (it posts to the connection).
  virtual void Start(std::function<void()> wake) = 0;

  // Appends ready events, already framed as SSE ("id: 7\ndata: {...}\n\n"), to `out` — at most
  // `max_events`, and stopping once `out` holds `max_bytes` or more. Appends nothing when nothing
  // is ready. A non-OK status ends the stream (the connection is closed).
  virtual ledger::Status Poll(size_t max_events, size_t max_bytes, std::string* out) = 0;
};

}  // namespace api
