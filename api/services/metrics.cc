#include "api/services/metrics.h"

#include <charconv>
#include <tuple>

namespace api {
namespace {

// The shortest text that reads back as `v` ("0.005", not "0.0050000000000000001").
std::string Number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

std::string LabelText(const Metrics::Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ",";
    out += labels[i].first + "=\"" + Metrics::EscapeLabel(labels[i].second) + "\"";
  }
  return out + "}";
}

void Header(std::string* out, std::string_view name, std::string_view help, std::string_view type) {
  *out += "# HELP ";
  *out += name;
  *out += " ";
  *out += help;
  *out += "\n# TYPE ";
  *out += name;
  *out += " ";
  *out += type;
  *out += "\n";
}

}  // namespace

std::string Metrics::EscapeLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

void Metrics::RecordRequest(std::string_view method, std::string_view route, unsigned status,
                            std::chrono::duration<double> latency) {
  RouteKey key{std::string(method), std::string(route)};
  double seconds = latency.count();
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{key, status}];
  Latency& l = latency_[key];
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) ++l.buckets[i];
  }
  ++l.count;
  l.sum += seconds;
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  AddGaugeFamily(std::move(name), std::move(help), [read = std::move(read)] {
    return std::vector<Sample>{{{}, read()}};
  });
}

void Metrics::AddGaugeFamily(std::string name, std::string help,
                             std::function<std::vector<Sample>()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  families_.push_back({std::move(name), std::move(help), "gauge", std::move(read)});
}

void Metrics::AddCounterFamily(std::string name, std::string help,
                               std::function<std::vector<Sample>()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  families_.push_back({std::move(name), std::move(help), "counter", std::move(read)});
}

std::string Metrics::Render() const {
  std::string out;
  std::vector<Family> families;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Header(&out, "ledger_http_requests_total",
           "HTTP requests answered, by method, route and status", "counter");
    for (const auto& [k, n] : requests_) {
      out += "ledger_http_requests_total" +
             LabelText({{"method", k.first.method},
                        {"route", k.first.route},
                        {"status", std::to_string(k.second)}}) +
             " " + std::to_string(n) + "\n";
    }
    Header(&out, "ledger_http_request_duration_seconds",
           "Time from a request's last byte read to its response's last byte written", "histogram");
    for (const auto& [k, l] : latency_) {
      Labels base{{"method", k.method}, {"route", k.route}};
      for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        Labels b = base;
        b.emplace_back("le", Number(kLatencyBuckets[i]));
        out += "ledger_http_request_duration_seconds_bucket" + LabelText(b) + " " +
               std::to_string(l.buckets[i]) + "\n";
      }
      Labels inf = base;
      inf.emplace_back("le", "+Inf");
      out += "ledger_http_request_duration_seconds_bucket" + LabelText(inf) + " " +
             std::to_string(l.count) + "\n";
      out +=
          "ledger_http_request_duration_seconds_sum" + LabelText(base) + " " + Number(l.sum) + "\n";
      out += "ledger_http_request_duration_seconds_count" + LabelText(base) + " " +
             std::to_string(l.count) + "\n";
    }
    families = families_;
  }
  // Read outside the lock: a collector may take its own locks.
  for (const Family& f : families) {
    Header(&out, f.name, f.help, f.type);
    for (const Sample& s : f.read())
      out += f.name + LabelText(s.labels) + " " + Number(s.value) + "\n";
  }
  return out;
}

}  // namespace api
