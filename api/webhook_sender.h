// WebhookSender: what goes on the wire for one webhook delivery — which URLs can be delivered
// to, the signature, and the HTTP POST itself (Boost.Beast, one connection per delivery, a
// deadline on each of connect, write and read). docs/api.md ("Webhooks") is the receiver's side.
//
// URLs: http:// to a loopback host only (127.0.0.0/8, [::1], localhost). Plain HTTP must not
// leave the machine: the payload names complaints and the signature does not hide it. https://
// is refused for now (no TLS client yet): to reach another machine, point the webhook at a
// TLS-terminating forwarder on loopback (docs/operations.md, "Webhooks").
//
// Thread-safety: ParseWebhookUrl and WebhookSignature are free functions. A WebhookSender is used
// by one thread at a time, except Abort(), which any thread may call.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "ledger/status.h"

namespace api {

struct WebhookUrl {
  std::string host;    // as written, without brackets ("127.0.0.1", "::1", "localhost")
  std::string port;    // "80" when the URL has none
  std::string target;  // path and query ("/hooks/ledger?x=1"); "/" when empty
};

// Checks `url` against the rules above. InvalidArgument saying which rule it breaks.
ledger::Result<WebhookUrl> ParseWebhookUrl(std::string_view url);

// "sha256=" + lower-case hex HMAC-SHA256 of `body` keyed with `secret` (OpenSSL).
std::string WebhookSignature(std::string_view secret, std::string_view body);

struct WebhookReply {
  unsigned status = 0;  // the HTTP status; 0 when no answer came (see error)
  std::string error;    // "" when an answer came; else what failed ("connect: Connection refused")
  bool ok() const { return status >= 200 && status < 300; }
};

class WebhookSender {
 public:
  struct Timeouts {
    std::chrono::milliseconds connect{5000};
    std::chrono::milliseconds write{10000};
    std::chrono::milliseconds read{10000};  // for the whole answer, from the end of the write
  };

  explicit WebhookSender(Timeouts timeouts) : timeouts_(timeouts) {}

  // POSTs `body` to `url` with `headers` (Host, Content-Length, User-Agent and Connection: close
  // are added) and waits for the answer or a deadline. Never throws.
  WebhookReply Post(const WebhookUrl& url,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& body);

  // Ends a Post in flight (it returns "aborted") and every later one. For shutting down.
  void Abort();

 private:
  const Timeouts timeouts_;
  boost::asio::io_context ioc_;
  std::mutex mu_;
  bool aborted_ = false;
};

}  // namespace api
