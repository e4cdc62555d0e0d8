// The payload fuzz target's input format (tests/fuzz/payload_fuzz.cc): a complaint's stream as
// stored events (RecordedEvent::stored_bytes()) joined by kRecordSeparator. Shared with the
// corpus generator, which writes seeds in it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

inline constexpr std::string_view kRecordSeparator = "%RECORD%";

inline std::vector<std::string_view> SplitRecords(std::string_view data) {
  std::vector<std::string_view> out;
  for (;;) {
    size_t at = data.find(kRecordSeparator);
    out.push_back(data.substr(0, at));
    if (at == std::string_view::npos) return out;
    data.remove_prefix(at + kRecordSeparator.size());
  }
}

inline std::string JoinRecords(const std::vector<std::string>& records) {
  std::string out;
  for (const std::string& r : records) {
    if (!out.empty()) out.append(kRecordSeparator);
    out.append(r);
  }
  return out;
}

}  // namespace fuzz
