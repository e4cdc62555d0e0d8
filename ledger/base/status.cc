#include "ledger/base/status.h"

namespace ledger {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "ok";
    case Code::kInvalidArgument:
      return "invalid_argument";
    case Code::kFailedPrecondition:
      return "failed_precondition";
    case Code::kAborted:
      return "aborted";
    case Code::kNotFound:
      return "not_found";
    case Code::kAlreadyExists:
      return "already_exists";
    case Code::kUnauthenticated:
      return "unauthenticated";
    case Code::kPermissionDenied:
      return "permission_denied";
    case Code::kResourceExhausted:
      return "resource_exhausted";
    case Code::kUnavailable:
      return "unavailable";
    case Code::kDataLoss:
      return "data_loss";
    case Code::kInternal:
      return "internal";
  }
  return "unknown";
}

namespace {

bool EndsWord(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\'' || c == '"' || c == ',' || c == ';' ||
         c == '(' || c == ')' || c == '[' || c == ']';
}

}  // namespace

std::string WithoutPaths(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t end = i;
    while (end < text.size() && !EndsWord(text[end])) ++end;
    std::string_view word = text.substr(i, end - i);
    if (size_t slash = word.rfind('/'); slash != std::string_view::npos) {
      std::string_view name = word.substr(slash + 1);
      out += name.empty() ? std::string_view("(a directory)") : name;
    } else {
      out += word;
    }
    if (end < text.size()) out += text[end];
    i = end + 1;
  }
  return out;
}

Status::Status(Code code, std::string message)
    : rep_(code == Code::kOk ? nullptr
                             : std::make_shared<const Rep>(Rep{code, std::move(message), {}})) {}

Status Status::WithErrors(Code code, std::string message, std::vector<FieldError> errors) {
  assert(code != Code::kOk && !errors.empty());
  Status s;
  s.rep_ = std::make_shared<const Rep>(
      Rep{code == Code::kOk ? Code::kInternal : code, std::move(message), std::move(errors)});
  return s;
}

const std::string& Status::message() const {
  static const std::string* const kEmpty = new std::string();
  return rep_ ? rep_->message : *kEmpty;
}

const std::vector<FieldError>& Status::errors() const {
  static const std::vector<FieldError>* const kNone = new std::vector<FieldError>();
  return rep_ ? rep_->errors : *kNone;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(CodeName(code()));
  out += ": ";
  out += message();
  if (!errors().empty()) {
    out += " [";
    for (size_t i = 0; i < errors().size(); ++i) {
      const FieldError& e = errors()[i];
      if (i > 0) out += "; ";
      out += e.field + ": " + e.rule + ": " + e.message;
    }
    out += "]";
  }
  return out;
}

Status Status::Annotate(std::string_view prefix) const {
  if (ok()) return *this;
  Status s;
  s.rep_ =
      std::make_shared<const Rep>(Rep{code(), std::string(prefix) + ": " + message(), errors()});
  return s;
}

}  // namespace ledger
