// WebhookSender: what goes on the wire for one webhook delivery — which URLs can be delivered
// to, the signature, and the HTTP POST itself (Boost.Beast, over TLS with Boost.Asio SSL and
// OpenSSL for https://; one connection per delivery; a deadline on each of connect (with the TLS
// handshake), write and read). docs/api.md ("Webhooks") is the receiver's side.
//
// URLs: https:// to any host, or http:// to a loopback host only (127.0.0.0/8, [::1],
// localhost): plain HTTP must not leave the machine, the payload names complaints and the
// signature does not hide it. TLS checks the receiver's certificate chain (against the system's
// trusted certificates, or only those of `ca_file`) and that it names the URL's host (its DNS
// name, or its IP address for a URL with one); the host name goes out as SNI.
//
// Thread-safety: ParseWebhookUrl and WebhookSignature are free functions. A WebhookSender is used
// by one thread at a time, except Abort(), which any thread may call.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/base/status.h"

namespace api {

struct WebhookUrl {
  bool tls = false;    // https://
  std::string host;    // as written, without brackets ("127.0.0.1", "::1", "localhost")
  std::string port;    // "80" (http) or "443" (https) when the URL has none
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

  // `ca_file`: a PEM file of the certificates to trust for https:// receivers; empty: the
  // system's (OpenSSL's default paths). A file that cannot be loaded fails every https:// POST.
  explicit WebhookSender(Timeouts timeouts, std::string ca_file = "");
  ~WebhookSender();

  // POSTs `body` to `url` with `headers` (Host, Content-Length, User-Agent and Connection: close
  // are added) and waits for the answer or a deadline. Never throws.
  WebhookReply Post(const WebhookUrl& url,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& body);

  // Ends a Post in flight (it returns "aborted") and every later one. For shutting down.
  void Abort();

 private:
  struct Tls;

  const Timeouts timeouts_;
  const std::string ca_file_;
  std::unique_ptr<Tls> tls_;  // the TLS context, made at the first https:// POST
  boost::asio::io_context ioc_;
  std::mutex mu_;
  bool aborted_ = false;
};

}  // namespace api
