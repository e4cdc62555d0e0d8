// The results of one run, and how they are written: Markdown tables with the ratios ledger ÷ peer
// (for docs/performance.md), a TSV of every number, and the data file tools/bench/plot.gp draws.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tools/bench/runner.h"

namespace bench {

struct Machine {
  unsigned cores = 0;
  std::string cpu;
  std::string kernel;
  double fdatasync_us = 0;
};

struct SystemResults {
  std::string name;  // "ledger", "rocksdb", "postgres", "sqlite"
  std::string version;
  std::map<std::pair<bool, int>, AppendStats> appends;  // (hot, writers)
  std::optional<ReadStats> reads;
  std::optional<ScanStats> scan;
  std::optional<uint64_t> bytes;
  uint64_t loaded_events = 0;
};

struct RunSettings {
  double append_seconds = 0;
  int rounds = 1;  // each case's seconds in this many alternating slices
  size_t hot_streams = 0;
  size_t events = 0;
  size_t stream_events = 0;
  double payload_bytes = 0;
  std::string command;
};

// The first system is the ledger; every ratio is ledger ÷ that system.
std::string MarkdownReport(const Machine& machine, const RunSettings& settings,
                           const std::vector<SystemResults>& systems);
std::string TsvReport(const std::vector<SystemResults>& systems);
// Rows "writers own_<system>... hot_<system>...", "?" where a case did not run.
std::string PlotData(const std::vector<SystemResults>& systems);

}  // namespace bench
