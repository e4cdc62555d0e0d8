// Status and Result<T>: the outcome of an operation that can fail.
//
// Errors are values (see docs/architecture.md, "Errors"). A function that can fail returns a
// Status, or a Result<T> that holds either a value or a non-OK Status. Exceptions are for bugs
// and broken environments only; they are caught at the edges (decoders, request handlers, main).
//
// Codes follow Abseil's spirit and map one-to-one onto HTTP statuses in the API:
//   kInvalidArgument    bad input (400); `errors()` names each field and rule
//   kFailedPrecondition a policy rule refuses the action (422)
//   kAborted            version conflict (409)
//   kNotFound           (404)     kAlreadyExists (409)
//   kUnauthenticated    (401)     kPermissionDenied (403)
//   kResourceExhausted  limits, overload (413/429)
//   kUnavailable        not ready, shutting down, I/O failure (503)
//   kDataLoss           a checksum or decode failure: an alarm, never silently ignored
//   kInternal           a bug
//
// Thread-safety: Status and Result are values; a const object may be shared between threads.
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ledger {

enum class Code : unsigned char {
  kOk = 0,
  kInvalidArgument,
  kFailedPrecondition,
  kAborted,
  kNotFound,
  kAlreadyExists,
  kUnauthenticated,
  kPermissionDenied,
  kResourceExhausted,
  kUnavailable,
  kDataLoss,
  kInternal,
};

// The lower-case name of a code ("invalid_argument"), stable for logs and the API.
std::string_view CodeName(Code code);

// `text` with every word that holds a '/' cut to what follows its last '/'
// ("file: /srv/ledger/000004.log: No space" → "file: 000004.log: No space"): for messages of a
// library (RocksDB's, an exception's) that may reach an API answer, which must not show the
// machine's directories.
std::string WithoutPaths(std::string_view text);

// One problem with one input field: `field` is a path ("complainant.phone", "/levels/0/hours"),
// `rule` a stable machine-readable name ("required", "max_length", "stage"), `message` for people.
struct FieldError {
  std::string field;
  std::string rule;
  std::string message;

  bool operator==(const FieldError&) const = default;
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string message) {
    return {Code::kInvalidArgument, std::move(message)};
  }
  static Status FailedPrecondition(std::string message) {
    return {Code::kFailedPrecondition, std::move(message)};
  }
  static Status Aborted(std::string message) { return {Code::kAborted, std::move(message)}; }
  static Status NotFound(std::string message) { return {Code::kNotFound, std::move(message)}; }
  static Status AlreadyExists(std::string message) {
    return {Code::kAlreadyExists, std::move(message)};
  }
  static Status Unauthenticated(std::string message) {
    return {Code::kUnauthenticated, std::move(message)};
  }
  static Status PermissionDenied(std::string message) {
    return {Code::kPermissionDenied, std::move(message)};
  }
  static Status ResourceExhausted(std::string message) {
    return {Code::kResourceExhausted, std::move(message)};
  }
  static Status Unavailable(std::string message) {
    return {Code::kUnavailable, std::move(message)};
  }
  static Status DataLoss(std::string message) { return {Code::kDataLoss, std::move(message)}; }
  static Status Internal(std::string message) { return {Code::kInternal, std::move(message)}; }

  // A status carrying field-level problems. Requires !errors.empty() and code != kOk.
  static Status WithErrors(Code code, std::string message, std::vector<FieldError> errors);

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  const std::string& message() const;
  const std::vector<FieldError>& errors() const;

  // "invalid_argument: message [field: rule: message; ...]", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is `prefix + ": " + message()`; OK stays OK.
  Status Annotate(std::string_view prefix) const;

 private:
  struct Rep {
    Code code;
    std::string message;
    std::vector<FieldError> errors;
  };
  Status(Code code, std::string message);

  std::shared_ptr<const Rep> rep_;  // null means OK; immutable once built, so copies share it
};

// Either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "Result built from an OK status has no value");
    if (status_.ok()) status_ = Status::Internal("Result built from an OK status");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace ledger

#define LEDGER_CONCAT_INNER_(a, b) a##b
#define LEDGER_CONCAT_(a, b) LEDGER_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define LEDGER_RETURN_IF_ERROR(expr) \
  LEDGER_RETURN_IF_ERROR_IMPL_(LEDGER_CONCAT_(ledger_status_, __COUNTER__), expr)
#define LEDGER_RETURN_IF_ERROR_IMPL_(tmp, expr) \
  do {                                          \
    ::ledger::Status tmp = (expr);              \
    if (!tmp.ok()) return tmp;                  \
  } while (0)

// `lhs = value of expr` (a Result<T>), or returns its Status from the enclosing function.
#define LEDGER_ASSIGN_OR_RETURN(lhs, expr) \
  LEDGER_ASSIGN_OR_RETURN_IMPL_(LEDGER_CONCAT_(ledger_result_, __COUNTER__), lhs, expr)
#define LEDGER_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
