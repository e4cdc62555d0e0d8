#include "api/services/webhook_sender.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <exception>
#include <type_traits>

#include "ledger/base/hash.h"

namespace api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
namespace ssl = boost::asio::ssl;

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

using Request = http::request<http::string_body>;

template <class Stream>
constexpr bool kIsTls = !std::is_same_v<Stream, beast::tcp_stream>;

// The TLS context: TLS 1.2 at least, the peer verified against `ca_file` or the system's store.
// An error message, or "" when it is ready.
std::string SetUpTls(ssl::context& context, const std::string& ca_file) {
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  if (ca_file.empty())
    context.set_default_verify_paths(ec);
  else
    context.load_verify_file(ca_file, ec);
  if (!ec) return "";
  return "tls: cannot load the trusted certificates" +
         (ca_file.empty() ? std::string() : " from " + ca_file) + ": " + ec.message();
}

// Connects (and, over TLS, shakes hands), writes `request` and reads the answer's status, each
// step under its deadline, by running `ioc` until the exchange ends.
template <class Stream>
WebhookReply Exchange(boost::asio::io_context& ioc, Stream& stream,
                      const tcp::resolver::results_type& endpoints, Request& request,
                      const WebhookSender::Timeouts& timeouts) {
  beast::tcp_stream& socket = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxAnswerBodyBytes);
  WebhookReply reply;
  auto fail = [&reply](std::string_view step, const beast::error_code& e) {
    reply.error = std::string(step) + ": " +
                  (e == beast::error::timeout ? std::string("timed out") : e.message());
  };
  auto write = [&] {
    socket.expires_after(timeouts.write);
    http::async_write(stream, request, [&](const beast::error_code& e, size_t) {
      if (e) return fail("write", e);
      socket.expires_after(timeouts.read);
      http::async_read(stream, buffer, parser, [&](const beast::error_code& e2, size_t) {
        // An answer whose body is too long still has its status.
        if (parser.is_header_done()) reply.status = parser.get().result_int();
        if (e2 && !(e2 == http::error::body_limit && parser.is_header_done()))
          return fail("read", e2);
      });
    });
  };
  socket.expires_after(timeouts.connect);
  socket.async_connect(endpoints, [&](const beast::error_code& e, const tcp::endpoint&) {
    if (e) return fail("connect", e);
    if constexpr (kIsTls<Stream>) {
      stream.async_handshake(ssl::stream_base::client, [&](const beast::error_code& e2) {
        if (e2) return fail("tls handshake", e2);
        write();
      });
    } else {
      write();
    }
  });
  ioc.run();
  if (reply.status == 0 && reply.error.empty()) reply.error = "aborted";
  beast::error_code ignored;
  socket.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return reply;
}

}  // namespace

ledger::Result<WebhookUrl> ParseWebhookUrl(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return BadUrl(url, "not an absolute URL");
  const boost::urls::url_view& u = *parsed;
  const bool tls = u.scheme_id() == boost::urls::scheme::https;
  if (!tls && u.scheme_id() != boost::urls::scheme::http)
    return BadUrl(url, "the scheme must be https:// (or http:// to loopback)");
  if (u.has_userinfo()) return BadUrl(url, "credentials in the URL are not allowed");
  if (u.has_fragment()) return BadUrl(url, "a fragment (#...) is not allowed");
  if (u.encoded_host().empty()) return BadUrl(url, "no host");
  if (!tls && !IsLoopback(u))
    return BadUrl(url,
                  "http:// only to a loopback host (127.0.0.1, [::1], localhost): plain "
                  "HTTP must not leave the machine; use https://");
  if (u.host_type() == boost::urls::host_type::ipvfuture) return BadUrl(url, "an unknown host");
  if (u.has_port() && (u.port_number() == 0 || u.port() != std::to_string(u.port_number())))
    return BadUrl(url, "the port must be 1-65535");
  WebhookUrl out;
  out.tls = tls;
  out.host = u.host_type() == boost::urls::host_type::ipv6 ? u.host_ipv6_address().to_string()
                                                           : std::string(u.encoded_host());
  out.port = u.has_port() ? std::string(u.port()) : tls ? "443" : "80";
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

struct WebhookSender::Tls {
  ssl::context context{ssl::context::tls_client};
  std::string error;  // why the context cannot be used; "" when it can
};

WebhookSender::WebhookSender(Timeouts timeouts, std::string ca_file)
    : timeouts_(timeouts), ca_file_(std::move(ca_file)) {}

WebhookSender::~WebhookSender() = default;

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

    Request request{http::verb::post, url.target, 11};
    const bool v6 = url.host.find(':') != std::string::npos;
    request.set(http::field::host, (v6 ? "[" + url.host + "]" : url.host) + ":" + url.port);
    request.set(http::field::user_agent, "ledger-webhooks/1");
    request.set(http::field::connection, "close");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();

    if (!url.tls) {
      beast::tcp_stream stream(ioc_);
      return Exchange(ioc_, stream, endpoints, request, timeouts_);
    }
    if (!tls_) {
      tls_ = std::make_unique<Tls>();
      tls_->error = SetUpTls(tls_->context, ca_file_);
    }
    if (!tls_->error.empty()) return {0, tls_->error};
    beast::ssl_stream<beast::tcp_stream> stream(ioc_, tls_->context);
    // SNI for a name (not for an address), and the certificate must name the URL's host.
    if (url.host.find_first_not_of("0123456789.:") != std::string::npos &&
        SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str()) != 1)
      return {0, "tls: cannot set the server name"};
    stream.set_verify_mode(ssl::verify_peer);
    stream.set_verify_callback(ssl::host_name_verification(url.host));
    return Exchange(ioc_, stream, endpoints, request, timeouts_);
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
