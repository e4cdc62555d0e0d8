#include "tools/demo/summary.h"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

namespace demo {
namespace {

std::string Format(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

// "  label   a 12 · b 7 · c 1", largest first.
std::string Line(const char* label, const std::map<std::string, int64_t>& counts) {
  std::vector<std::pair<std::string, int64_t>> items(counts.begin(), counts.end());
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out = Format("  %-10s", label);
  for (size_t i = 0; i < items.size(); ++i)
    out += (i ? " · " : " ") + items[i].first + " " + std::to_string(items[i].second);
  return out + "\n";
}

}  // namespace

std::string FormatSummary(const GeneratorStats& s, double seconds) {
  std::string out =
      Format("generated %lld complaints, %lld actions, %llu events in %.1f s\n",
             (long long)s.complaints, (long long)s.actions, (unsigned long long)s.events, seconds);
  out += Line("level", s.by_level);
  out += Line("status", s.by_status);
  out += Line("channel", s.by_channel);
  out += Line("family", s.families);
  out += Line("flags", s.flags);
  out += Line("handling", s.scenarios);
  out += Line("fines", s.fines);
  if (!s.skipped.empty()) {
    out += Line("skipped", s.skipped);
    out +=
        "             (planned steps left out because the complaint no longer fitted them,\n"
        "              e.g. a waiver planned where no fine was left to waive)\n";
  }
  if (s.refused > 0) {
    out +=
        Format("  refused    %lld actions (a generator bug); first kinds:\n", (long long)s.refused);
    int shown = 0;
    for (const auto& [what, n] : s.refusals) {
      if (shown++ == 12) break;
      out += Format("    %lld x ", (long long)n) + what + "\n";
    }
  }
  return out;
}

}  // namespace demo
