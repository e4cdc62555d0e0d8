#include "webhook_receiver.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <functional>
#include <map>

namespace api_testing {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct WebhookReceiver::Impl {
  template <class Stream>
  struct Connection {
    template <class... Args>
    explicit Connection(net::io_context& ioc, Args&&... args)
        : stream(std::forward<Args>(args)...), timer(ioc) {}
    Stream stream;
    net::steady_timer timer;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
    size_t index = 0;  // into requests
    uint64_t id = 0;
  };

  std::unique_ptr<net::io_context> ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<ssl::context> tls;               // null: plain HTTP
  std::map<uint64_t, std::function<void()>> open;  // closers of open connections (io thread)
  uint64_t next_id = 0;
  std::thread thread;

  mutable std::mutex mu;
  std::deque<unsigned> script;
  std::chrono::milliseconds delay{0};
  std::vector<ReceivedRequest> requests;

  template <class Stream>
  static tcp::socket& Socket(Stream& s) {
    if constexpr (std::is_same_v<Stream, tcp::socket>)
      return s;
    else
      return s.next_layer();
  }

  void Accept() {
    acceptor->async_accept([this](const beast::error_code& ec, tcp::socket socket) {
      if (ec) return;  // closed
      if (!tls) {
        Start(std::make_shared<Connection<tcp::socket>>(*ioc, std::move(socket)));
      } else {
        auto c =
            std::make_shared<Connection<ssl::stream<tcp::socket>>>(*ioc, std::move(socket), *tls);
        Track(c);
        c->stream.async_handshake(ssl::stream_base::server, [this, c](const beast::error_code& e) {
          if (e) return Drop(c);
          Read(c);
        });
      }
      Accept();
    });
  }

  template <class C>
  void Track(const std::shared_ptr<C>& c) {
    c->id = ++next_id;
    open[c->id] = [c] {
      beast::error_code ignored;
      c->timer.cancel();
      Socket(c->stream).close(ignored);
    };
  }

  template <class C>
  void Start(const std::shared_ptr<C>& c) {
    Track(c);
    Read(c);
  }

  template <class C>
  void Read(const std::shared_ptr<C>& c) {
    http::async_read(c->stream, c->buffer, c->request,
                     [this, c](const beast::error_code& ec, size_t) {
                       if (ec) return Drop(c);
                       Answer(c);
                     });
  }

  template <class C>
  void Answer(const std::shared_ptr<C>& c) {
    unsigned status = 200;
    std::chrono::milliseconds wait;
    {
      std::lock_guard<std::mutex> lock(mu);
      ReceivedRequest r;
      r.method = std::string(c->request.method_string());
      r.target = std::string(c->request.target());
      r.content_type = std::string(c->request["Content-Type"]);
      r.delivery = std::string(c->request["X-Ledger-Delivery"]);
      r.signature = std::string(c->request["X-Ledger-Signature"]);
      r.timestamp = std::string(c->request["X-Ledger-Timestamp"]);
      r.body = c->request.body();
      c->index = requests.size();
      requests.push_back(std::move(r));
      if (!script.empty()) {
        status = script.front();
        script.pop_front();
      }
      wait = delay;
    }
    c->response = {static_cast<http::status>(status), 11};
    c->response.set(http::field::connection, "close");
    c->response.body() = "{}";
    c->response.prepare_payload();
    c->timer.expires_after(wait);
    c->timer.async_wait([this, c, status](const beast::error_code& ec) {
      if (ec) return Drop(c);
      http::async_write(c->stream, c->response,
                        [this, c, status](const beast::error_code& e, size_t) {
                          if (!e) {
                            std::lock_guard<std::mutex> lock(mu);
                            requests[c->index].answered = status;
                          }
                          Drop(c);
                        });
    });
  }

  template <class C>
  void Drop(const std::shared_ptr<C>& c) {
    beast::error_code ignored;
    Socket(c->stream).shutdown(tcp::socket::shutdown_both, ignored);
    Socket(c->stream).close(ignored);
    open.erase(c->id);
  }
};

bool MakeTestCertificate(const std::string& names, const std::string& cert_file,
                         const std::string& key_file) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  bool ok = key != nullptr && cert != nullptr;
  if (ok) {
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("ledger test receiver"), -1,
                               -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, names.c_str());
    ok = san != nullptr && X509_add_ext(cert, san, -1) == 1 &&
         X509_sign(cert, key, EVP_sha256()) > 0;
    X509_EXTENSION_free(san);
  }
  if (ok) {
    FILE* c = std::fopen(cert_file.c_str(), "w");
    FILE* k = std::fopen(key_file.c_str(), "w");
    ok = c != nullptr && k != nullptr && PEM_write_X509(c, cert) == 1 &&
         PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    if (c != nullptr) std::fclose(c);
    if (k != nullptr) std::fclose(k);
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

WebhookReceiver::WebhookReceiver() : impl_(std::make_unique<Impl>()) {}

WebhookReceiver::~WebhookReceiver() { Stop(); }

bool WebhookReceiver::Start(uint16_t port) {
  Stop();
  impl_->tls.reset();
  return Listen(port);
}

bool WebhookReceiver::Listen(uint16_t port) {
  impl_->ioc = std::make_unique<net::io_context>();
  beast::error_code ec;
  impl_->acceptor = std::make_unique<tcp::acceptor>(*impl_->ioc);
  tcp::endpoint at(net::ip::make_address("127.0.0.1"), port);
  impl_->acceptor->open(at.protocol(), ec);
  if (!ec) impl_->acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor->bind(at, ec);
  if (!ec) impl_->acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    impl_->acceptor.reset();
    impl_->ioc.reset();
    return false;
  }
  port_ = impl_->acceptor->local_endpoint().port();
  impl_->Accept();
  impl_->thread = std::thread([ioc = impl_->ioc.get()] { ioc->run(); });
  return true;
}

bool WebhookReceiver::StartTls(const std::string& cert_file, const std::string& key_file,
                               uint16_t port) {
  Stop();
  auto tls = std::make_unique<ssl::context>(ssl::context::tls_server);
  beast::error_code ec;
  tls->use_certificate_chain_file(cert_file, ec);
  if (!ec) tls->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) return false;
  impl_->tls = std::move(tls);
  return Listen(port);
}

void WebhookReceiver::Stop() {
  if (!impl_->ioc) {
    return;
  }
  net::post(*impl_->ioc, [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor->close(ignored);
    for (auto& [id, close] : impl->open) close();
    impl->open.clear();
    impl->ioc->stop();
  });
  impl_->thread.join();
  impl_->acceptor.reset();
  impl_->ioc.reset();
}

std::string WebhookReceiver::Url(const std::string& path) const {
  return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) +
         path;
}

void WebhookReceiver::Script(std::deque<unsigned> statuses) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->script = std::move(statuses);
}

void WebhookReceiver::SetDelay(std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->delay = delay;
}

std::vector<ReceivedRequest> WebhookReceiver::Requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->requests;
}

size_t WebhookReceiver::Accepted() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  size_t n = 0;
  for (const ReceivedRequest& r : impl_->requests) n += r.answered >= 200 && r.answered < 300;
  return n;
}

}  // namespace api_testing
