#include "ledger/log/validation.h"

#include <capnp/any.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>

namespace ledger {

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else
      return false;
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (p[i] & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += n + 1;
  }
  return true;
}

bool HasControlCharacter(std::string_view s, bool allow_newline_and_tab) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      if (allow_newline_and_tab && (c == '\n' || c == '\t')) continue;
      return true;
    }
    // C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F): U+009B is a terminal's CSI, as ESC [ is.
    if (c == 0xC2 && i + 1 < s.size()) {
      auto next = static_cast<unsigned char>(s[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

void CheckText(std::string_view field, std::string_view value, size_t max_bytes, bool required,
               bool single_line, std::vector<FieldError>* errors) {
  std::string f(field);
  if (required && value.empty()) {
    errors->push_back({f, "required", f + " must not be empty"});
    return;
  }
  if (value.size() > max_bytes) {
    errors->push_back({f, "max_length",
                       f + " is " + std::to_string(value.size()) + " bytes; the limit is " +
                           std::to_string(max_bytes)});
    return;
  }
  if (!IsValidUtf8(value)) {
    errors->push_back({f, "utf8", f + " is not valid UTF-8"});
    return;
  }
  // Text is printed later: by ledgerctl to terminals, into HTML reports, CSV and logs. NUL, BEL,
  // ESC and the like would ring, rewrite or hide what a reviewer reads, so they never get in.
  if (HasControlCharacter(value, !single_line)) {
    errors->push_back({f, "no_control_characters",
                       single_line ? f + " contains a control character"
                                   : f + " contains a control character other than newline and "
                                         "tab"});
  }
}

namespace {

void CheckPayload(const std::string& field, const std::string& payload,
                  std::vector<FieldError>* errors) {
  if (payload.empty()) return;
  if (payload.size() % sizeof(capnp::word) != 0) {
    errors->push_back({field, "capnp_message", field + " is not a Cap'n Proto message (size)"});
    return;
  }
  kj::Array<capnp::word> words = kj::heapArray<capnp::word>(payload.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), payload.data(), payload.size());
  bool is_struct = false;
  KJ_IF_MAYBE (e, kj::runCatchingExceptions([&]() {
                 capnp::FlatArrayMessageReader reader(words);
                 auto root = reader.getRoot<capnp::AnyPointer>();
                 is_struct = root.isStruct();
                 if (is_struct) (void)root.targetSize();  // walks the whole message: bounds checks
               })) {
    errors->push_back({field, "capnp_message",
                       field + " is not a Cap'n Proto message: " + e->getDescription().cStr()});
    return;
  }
  if (!is_struct)
    errors->push_back({field, "capnp_struct", field + " must have a struct as its root"});
}

}  // namespace

Status ValidateAppend(const AppendRequest& request, const Options& options) {
  std::vector<FieldError> errors;
  CheckText("stream", request.stream, kMaxStreamIdBytes, true, true, &errors);
  CheckText("idempotency_key", request.idempotency_key, kMaxIdempotencyKeyBytes, false, true,
            &errors);
  CheckText("correlation_id", request.correlation_id, kMaxTextFieldBytes, false, true, &errors);
  using Kind = ExpectedVersion::Kind;
  Kind kind = request.expected.kind;
  if (kind != Kind::kAny && kind != Kind::kNoStream && kind != Kind::kExact)
    errors.push_back({"expected_version", "form",
                      "expected_version must be any, no_stream or a version number"});
  if (request.events.empty())
    errors.push_back({"events", "required", "an append needs at least one event"});
  if (request.events.size() > options.max_batch_events)
    errors.push_back({"events", "max_batch_events",
                      std::to_string(request.events.size()) +
                          " events in one append; the limit is " +
                          std::to_string(options.max_batch_events)});
  size_t total = 0;
  for (size_t i = 0; i < request.events.size() && i < options.max_batch_events; ++i) {
    const NewEvent& e = request.events[i];
    std::string prefix = "events[" + std::to_string(i) + "].";
    CheckText(prefix + "type", e.type, kMaxTypeBytes, true, true, &errors);
    CheckText(prefix + "actor.id", e.actor.id, kMaxTextFieldBytes, true, true, &errors);
    CheckText(prefix + "actor.role", e.actor.role, kMaxTextFieldBytes, true, true, &errors);
    CheckText(prefix + "actor.department", e.actor.department, kMaxTextFieldBytes, false, true,
              &errors);
    CheckText(prefix + "causation_id", e.causation_id, kMaxTextFieldBytes, false, true, &errors);
    if (e.payload.size() > options.max_event_bytes) {
      errors.push_back({prefix + "payload", "max_event_bytes",
                        "payload is " + std::to_string(e.payload.size()) + " bytes; the limit is " +
                            std::to_string(options.max_event_bytes)});
    } else {
      CheckPayload(prefix + "payload", e.payload, &errors);
    }
    total += e.payload.size();
  }
  if (total > options.max_batch_bytes)
    errors.push_back({"events", "max_batch_bytes",
                      "the append's payloads total " + std::to_string(total) +
                          " bytes; the limit is " + std::to_string(options.max_batch_bytes)});
  if (!errors.empty())
    return Status::WithErrors(Code::kInvalidArgument, "the append is not valid", std::move(errors));
  return Status::Ok();
}

}  // namespace ledger
