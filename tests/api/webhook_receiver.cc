#include "webhook_receiver.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>

namespace api_testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct WebhookReceiver::Impl {
  struct Connection {
    explicit Connection(net::io_context& ioc) : socket(ioc), timer(ioc) {}
    tcp::socket socket;
    net::steady_timer timer;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
    size_t index = 0;  // into requests
  };

  std::unique_ptr<net::io_context> ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::list<std::shared_ptr<Connection>> connections;  // touched on the io thread only
  std::thread thread;

  mutable std::mutex mu;
  std::deque<unsigned> script;
  std::chrono::milliseconds delay{0};
  std::vector<ReceivedRequest> requests;

  void Accept() {
    auto c = std::make_shared<Connection>(*ioc);
    acceptor->async_accept(c->socket, [this, c](const beast::error_code& ec) {
      if (ec) return;  // closed
      connections.push_back(c);
      Read(c);
      Accept();
    });
  }

  void Read(const std::shared_ptr<Connection>& c) {
    http::async_read(c->socket, c->buffer, c->request,
                     [this, c](const beast::error_code& ec, size_t) {
                       if (ec) return Drop(c);
                       Answer(c);
                     });
  }

  void Answer(const std::shared_ptr<Connection>& c) {
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
      http::async_write(c->socket, c->response,
                        [this, c, status](const beast::error_code& e, size_t) {
                          if (!e) {
                            std::lock_guard<std::mutex> lock(mu);
                            requests[c->index].answered = status;
                          }
                          Drop(c);
                        });
    });
  }

  void Drop(const std::shared_ptr<Connection>& c) {
    beast::error_code ignored;
    c->socket.shutdown(tcp::socket::shutdown_both, ignored);
    c->socket.close(ignored);
    connections.remove(c);
  }
};

WebhookReceiver::WebhookReceiver() : impl_(std::make_unique<Impl>()) {}

WebhookReceiver::~WebhookReceiver() { Stop(); }

bool WebhookReceiver::Start(uint16_t port) {
  Stop();
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

void WebhookReceiver::Stop() {
  if (!impl_->ioc) return;
  net::post(*impl_->ioc, [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor->close(ignored);
    for (auto& c : impl->connections) {
      c->timer.cancel();
      c->socket.close(ignored);
    }
    impl->connections.clear();
    impl->ioc->stop();
  });
  impl_->thread.join();
  impl_->acceptor.reset();
  impl_->ioc.reset();
}

std::string WebhookReceiver::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
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
