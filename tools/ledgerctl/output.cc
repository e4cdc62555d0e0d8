#include "tools/ledgerctl/output.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

namespace tools {
namespace {

size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;  // count code points, not bytes
  return n;
}

std::string Pad(const std::string& s, size_t width, bool right) {
  std::string fill(width > Width(s) ? width - Width(s) : 0, ' ');
  return right ? fill + s : s + fill;
}

std::string Clock(double seconds) {
  long s = long(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

}  // namespace

Table::Table(std::vector<std::string> headers, std::vector<size_t> right)
    : headers_(std::move(headers)), right_(headers_.size(), false) {
  for (size_t i : right)
    if (i < right_.size()) right_[i] = true;
}

void Table::Add(std::vector<std::string> row) {
  row.resize(headers_.size());
  rows_.push_back(std::move(row));
}

void Table::Total(std::vector<std::string> row) {
  row.resize(headers_.size());
  total_ = std::move(row);
}

std::string Table::Render() const {
  std::vector<size_t> w(headers_.size());
  auto widen = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) w[i] = std::max(w[i], Width(row[i]));
  };
  widen(headers_);
  for (const auto& r : rows_) widen(r);
  if (!total_.empty()) widen(total_);
  auto line = [&](const std::vector<std::string>& row) {
    std::string out;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += "  ";
      out += Pad(row[i], w[i], right_[i]);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(headers_);
  for (const auto& r : rows_) out += line(r);
  if (!total_.empty()) {
    size_t rule = 0;
    for (size_t x : w) rule += x + 2;
    out += std::string(rule > 2 ? rule - 2 : 0, '-') + "\n" + line(total_);
  }
  return out;
}

std::string Grouped(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

ProgressFn ProgressBar(std::string what, std::string unit) {
  if (!isatty(fileno(stderr))) return {};
  auto start = std::chrono::steady_clock::now();
  auto last = start - std::chrono::seconds(1);
  return [=](uint64_t done, uint64_t total) mutable {
    auto now = std::chrono::steady_clock::now();
    bool finished = done >= total;
    if (!finished && now - last < std::chrono::milliseconds(100))
      return;  // redraw 10 times a second
    last = now;
    double s = std::chrono::duration<double>(now - start).count();
    double rate = s > 0 ? double(done) / s : 0;
    double frac = total ? std::min(1.0, double(done) / double(total)) : 1.0;
    int filled = int(frac * 24);
    std::string bar = std::string(size_t(filled), '#') + std::string(size_t(24 - filled), '.');
    std::string left = finished   ? Clock(s) + " total"
                       : rate > 0 ? Clock(double(total - done) / rate) + " left"
                                  : "";
    std::fprintf(stderr, "\r  %s  [%s] %3d%%  %s/%s %s  %s/s  %s   ", what.c_str(), bar.c_str(),
                 int(frac * 100), Grouped(done).c_str(), Grouped(total).c_str(), unit.c_str(),
                 Grouped(uint64_t(rate)).c_str(), left.c_str());
    if (finished) std::fprintf(stderr, "\n");
  };
}

std::string Printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      auto next = static_cast<unsigned char>(text[++i]);
      out += "\\u00";
      out += kHex[next >> 4];
      out += kHex[next & 15];
    } else {
      out += char(c);
    }
  }
  return out;
}

bool WriteAll(std::FILE* out, const std::string& text) {
  return std::fwrite(text.data(), 1, text.size(), out) == text.size() && std::fflush(out) == 0;
}

}  // namespace tools
