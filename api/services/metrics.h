// Metrics: what GET /metrics reports, in the Prometheus text format (version 0.0.4).
//
// The server records every request here (count by method, route and status; a latency histogram
// per method and route). Other parts add gauges or whole metric families that are read when
// /metrics is scraped: the server its open connections and SSE clients, the log routes the
// EventLog's group-commit counters, and — later — projections their lag behind the log:
//
//   metrics.AddGaugeFamily("ledger_projection_lag_events", "Events a projection is behind the log",
//                          [&] { return std::vector<Metrics::Sample>{{{{"projection", "fines"}},
//                          lag}}; });
//
// Routes are labelled by their pattern ("/v1/complaints/{id}"), never by the raw path, so the
// number of series stays bounded; requests that matched no route are labelled "unmatched".
//
// Thread-safety: all methods may be called from any thread. Gauge and collector functions run
// on the thread that renders /metrics; they must be thread-safe and quick.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace api {

class Metrics {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;
  struct Sample {
    Labels labels;
    double value = 0;
  };

  // Upper bounds (seconds) of the request latency histogram's buckets.
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

  void RecordRequest(std::string_view method, std::string_view route, unsigned status,
                     std::chrono::duration<double> latency);

  // A gauge without labels, read at each scrape.
  void AddGauge(std::string name, std::string help, std::function<double()> read);
  // A gauge family: one sample per label set.
  void AddGaugeFamily(std::string name, std::string help,
                      std::function<std::vector<Sample>()> read);
  // A counter family (monotonic values), e.g. copied from EventLog::GetStats().
  void AddCounterFamily(std::string name, std::string help,
                        std::function<std::vector<Sample>()> read);

  // The whole exposition text.
  std::string Render() const;

  // Label values must be escaped: backslash, double quote and newline.
  static std::string EscapeLabel(std::string_view value);

 private:
  struct RouteKey {
    std::string method, route;
    bool operator<(const RouteKey& o) const {
      return std::tie(method, route) < std::tie(o.method, o.route);
    }
  };
  struct Latency {
    std::array<uint64_t, kLatencyBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  struct Family {
    std::string name, help, type;
    std::function<std::vector<Sample>()> read;
  };

  mutable std::mutex mu_;
  std::map<std::pair<RouteKey, unsigned>, uint64_t> requests_;
  std::map<RouteKey, Latency> latency_;
  std::vector<Family> families_;
};

}  // namespace api
