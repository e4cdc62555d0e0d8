#include "api/http/access_log.h"

#include <unistd.h>

#include <cstdio>

namespace api {
namespace {

// A logfmt value: bare when it is plain, quoted (with \" and \\ escaped, control bytes as \xHH)
// otherwise.
void Value(std::string* out, std::string_view v) {
  bool plain = !v.empty();
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '"' || c == '=' || c == '\\') plain = false;
  }
  if (plain) {
    *out += v;
    return;
  }
  *out += '"';
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      *out += '\\';
      *out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      *out += buf;
    } else {
      *out += c;
    }
  }
  *out += '"';
}

}  // namespace

std::string FormatAccessLog(const AccessLogEntry& e) {
  std::string out = "time=" + ledger::FormatRfc3339(e.time) + " method=";
  Value(&out, e.method);
  out += " path=";
  Value(&out, e.path);
  out += " status=" + std::to_string(e.status) + " bytes=" + std::to_string(e.bytes);
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.3f", e.duration.count() * 1000);
  out += " duration_ms=";
  out += ms;
  out += " actor=";
  Value(&out, e.actor.empty() ? "-" : e.actor);
  out += " route=";
  Value(&out, e.route.empty() ? "-" : e.route);
  out += " remote=";
  Value(&out, e.remote.empty() ? "-" : e.remote);
  return out;
}

AccessLogSink StderrAccessLog() {
  return [](std::string_view line) {
    std::string text(line);
    text += '\n';
    // One write(2) per line, so lines from concurrent threads do not interleave.
    ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
    (void)n;
  };
}

}  // namespace api
