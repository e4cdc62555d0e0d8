#include "api/webhook_sender.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <exception>

#include "ledger/hash.h"

namespace api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

constexpr size_t kMaxAnswerBodyBytes = 64 * 1024;  // read and dropped: only the status counts

ledger::Status BadUrl(std::string_view url, const std::string& why) {
  return ledger::Status::WithErrors(ledger::Code::kInvalidArgument,
                                    "webhook URL '" + std::string(url) + "': " + why,
                                    {{"url", "webhook_url", why}});
}

bool IsLoopback(const boost::urls::url_view& u) {
  switch (u.host_type()) {
    case boost::urls::host_type::ipv4:
      return u.host_ipv4_address().is_loopback();
    case boost::urls::host_type::ipv6:
      return u.host_ipv6_address().is_loopback();
    case boost::urls::host_type::name:
      return u.encoded_host() == "localhost";
    default:
      return false;
  }
}

// The state of one exchange, shared by its completion handlers.
struct Exchange {
  explicit Exchange(boost::asio::io_context& ioc) : stream(ioc) {}
  beast::tcp_stream stream;
  http::request<http::string_body> request;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  WebhookReply reply;
};

}  // namespace

ledger::Result<WebhookUrl> ParseWebhookUrl(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return BadUrl(url, "not an absolute URL");
  const boost::urls::url_view& u = *parsed;
  if (u.scheme_id() == boost::urls::scheme::https)
    return BadUrl(url, "https:// is not supported yet; use a TLS-terminating forwarder on "
                       "loopback and an http://127.0.0.1 URL (docs/operations.md, \"Webhooks\")");
  if (u.scheme_id() != boost::urls::scheme::http) return BadUrl(url, "the scheme must be http://");
  if (u.has_userinfo()) return BadUrl(url, "credentials in the URL are not allowed");
  if (u.has_fragment()) return BadUrl(url, "a fragment (#...) is not allowed");
  if (u.encoded_host().empty()) return BadUrl(url, "no host");
  if (!IsLoopback(u))
    return BadUrl(url, "http:// only to a loopback host (127.0.0.1, [::1], localhost): plain "
                       "HTTP must not leave the machine");
  if (u.has_port() && (u.port_number() == 0 || u.port() != std::to_string(u.port_number())))
    return BadUrl(url, "the port must be 1-65535");
  WebhookUrl out;
  out.host = u.host_type() == boost::urls::host_type::ipv6 ? u.host_ipv6_address().to_string()
                                                           : std::string(u.encoded_host());
  out.port = u.has_port() ? std::string(u.port()) : "80";
  out.target = std::string(u.encoded_target());
  if (out.target.empty() || out.target.front() != '/') out.target.insert(0, "/");
  return out;
}

std::string WebhookSignature(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &size);
  return "sha256=" + ledger::ToHex(std::string_view(reinterpret_cast<const char*>(mac), size));
}

WebhookReply WebhookSender::Post(const WebhookUrl& url,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 const std::string& body) {
  try {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (aborted_) return {0, "aborted"};
      ioc_.restart();
    }
    tcp::resolver resolver(ioc_);
    beast::error_code ec;
    auto endpoints = resolver.resolve(url.host, url.port, ec);
    if (ec) return {0, "resolve: " + ec.message()};

    Exchange x(ioc_);
    x.parser.body_limit(kMaxAnswerBodyBytes);
    x.request = {http::verb::post, url.target, 11};
    const bool v6 = url.host.find(':') != std::string::npos;
    x.request.set(http::field::host, (v6 ? "[" + url.host + "]" : url.host) + ":" + url.port);
    x.request.set(http::field::user_agent, "ledger-webhooks/1");
    x.request.set(http::field::connection, "close");
    for (const auto& [name, value] : headers) x.request.set(name, value);
    x.request.body() = body;
    x.request.prepare_payload();

    auto fail = [&x](std::string_view step, const beast::error_code& e) {
      x.reply.error = std::string(step) + ": " +
                      (e == beast::error::timeout ? std::string("timed out") : e.message());
    };
    x.stream.expires_after(timeouts_.connect);
    x.stream.async_connect(endpoints, [&](const beast::error_code& e, const tcp::endpoint&) {
      if (e) return fail("connect", e);
      x.stream.expires_after(timeouts_.write);
      http::async_write(x.stream, x.request, [&](const beast::error_code& e2, size_t) {
        if (e2) return fail("write", e2);
        x.stream.expires_after(timeouts_.read);
        http::async_read(x.stream, x.buffer, x.parser, [&](const beast::error_code& e3, size_t) {
          // An answer whose body is too long still has its status.
          if (x.parser.is_header_done()) x.reply.status = x.parser.get().result_int();
          if (e3 && !(e3 == http::error::body_limit && x.parser.is_header_done()))
            return fail("read", e3);
        });
      });
    });
    ioc_.run();
    if (x.reply.status == 0 && x.reply.error.empty()) x.reply.error = "aborted";
    beast::error_code ignored;
    x.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return x.reply;
  } catch (const std::exception& e) {  // the edge: Asio may throw (out of resources)
    return {0, std::string("internal: ") + e.what()};
  }
}

void WebhookSender::Abort() {
  std::lock_guard<std::mutex> lock(mu_);
  aborted_ = true;
  ioc_.stop();
}

}  // namespace api
