#include "ledger/log/append.h"

#include <charconv>

namespace ledger {

Result<ExpectedVersion> ExpectedVersion::Parse(std::string_view text) {
  if (text == "any") return Any();
  if (text == "no_stream") return NoStream();
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size())
    return v == 0 ? NoStream() : Exactly(v);
  return Status::WithErrors(
      Code::kInvalidArgument, "bad expected_version",
      {{"expected_version", "form",
        "expected_version must be \"any\", \"no_stream\" or a non-negative version number"}});
}

bool ExpectedVersion::Matches(uint64_t actual) const {
  switch (kind) {
    case Kind::kAny:
      return true;
    case Kind::kNoStream:
      return actual == 0;
    case Kind::kExact:
      return actual == version;
  }
  return false;
}

std::string ExpectedVersion::ToString() const {
  switch (kind) {
    case Kind::kAny:
      return "any";
    case Kind::kNoStream:
      return "no_stream";
    case Kind::kExact:
      return std::to_string(version);
  }
  return "?";
}

}  // namespace ledger
