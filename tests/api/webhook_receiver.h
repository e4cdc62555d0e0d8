// WebhookReceiver: a real HTTP server on 127.0.0.1 for webhook tests. It records every request
// (target, the X-Ledger-* headers, body) and answers with the next status of a script (then
// 200), after an optional delay; it can be stopped (connections refused) and started again on
// the same port. Over TLS too (StartTls), with a certificate the test makes
// (MakeTestCertificate).
//
//   WebhookReceiver receiver;
//   receiver.Start();                       // any free port
//   receiver.Script({500, 500});            // two 500s, then 200s
//   ... deliver to "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook"
//   EXPECT_EQ(receiver.Requests().size(), 3u);
//
// Thread-safety: Start/Stop from the test's thread; the rest from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace api_testing {

struct ReceivedRequest {
  std::string method, target;
  std::string content_type, delivery, signature, timestamp;
  std::string body;
  unsigned answered = 0;  // the status it was answered with (0: the connection was cut first)
};

// Writes a new self-signed certificate (EC P-256, valid for a day) naming `names` in its subject
// alternative names ("IP:127.0.0.1", "DNS:localhost") and its key, in PEM. False on failure.
bool MakeTestCertificate(const std::string& names, const std::string& cert_file,
                         const std::string& key_file);

class WebhookReceiver {
 public:
  WebhookReceiver();
  ~WebhookReceiver();  // Stop()

  // Listens on 127.0.0.1:`port` (0: any free one; the same port again after a Stop). False when
  // it cannot bind.
  bool Start(uint16_t port = 0);
  // As Start, over TLS with the PEM certificate chain and key in these files.
  bool StartTls(const std::string& cert_file, const std::string& key_file, uint16_t port = 0);
  // Closes the listener and every connection; answers not yet sent are never sent.
  void Stop();
  uint16_t port() const { return port_; }
  std::string Url(const std::string& path = "/hook") const;

  // The statuses of the next answers, in order; 200 once they are used up.
  void Script(std::deque<unsigned> statuses);
  // How long to wait before each answer.
  void SetDelay(std::chrono::milliseconds delay);

  std::vector<ReceivedRequest> Requests() const;
  // Requests answered 2xx.
  size_t Accepted() const;

 private:
  struct Impl;
  bool Listen(uint16_t port);
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

}  // namespace api_testing
