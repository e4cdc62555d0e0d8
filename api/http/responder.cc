#include "api/http/responder.h"

#include <atomic>

#include "api/http/problem.h"

namespace api {

struct Responder::Slot {
  Slot(std::function<void(Response)> d, std::string i)
      : deliver(std::move(d)), instance(std::move(i)) {}
  ~Slot() {
    if (!answered.exchange(true)) {
      deliver(ErrorResponse(ledger::Status::Internal("the handler did not answer"), instance));
    }
  }

  void Answer(Response response) {
    if (!answered.exchange(true)) deliver(std::move(response));
  }

  std::function<void(Response)> deliver;
  std::string instance;
  std::atomic<bool> answered{false};
};

Responder::Responder(std::function<void(Response)> deliver, std::string instance)
    : slot_(std::make_shared<Slot>(std::move(deliver), std::move(instance))) {}

void Responder::Send(Response response) const { slot_->Answer(std::move(response)); }

void Responder::Fail(const ledger::Status& status) const {
  if (slot_->answered.load()) return;
  slot_->Answer(ErrorResponse(status, slot_->instance));
}

void Responder::Reply(ledger::Result<Response> result) const {
  if (result.ok())
    Send(std::move(result).value());
  else
    Fail(result.status());
}

bool Responder::answered() const { return slot_->answered.load(); }

}  // namespace api
