// The measurements: concurrent durable appends for a fixed time, stream reads for a fixed time, a
// full scan, and the machine's fdatasync latency. Each runs against any Store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/bench/store.h"
#include "tools/bench/workload.h"

namespace bench {

struct AppendCase {
  bool hot = false;    // false: each writer appends to its own stream with its exact version;
                       // true: writer w appends to stream w % hot_streams with "any"
  int writers = 1;     // threads, each with its own Writer (connection)
  double seconds = 3;  // how long the writers append
  size_t hot_streams = 4;
};

struct AppendStats {
  uint64_t appends = 0;    // acknowledged (durable) appends, one event each
  uint64_t conflicts = 0;  // retries after a version collision (hot streams)
  double seconds = 0;
  double p50_us = 0;  // latency of one Append() call, retries included
  double p99_us = 0;
  std::vector<float> latency_us;  // every call's, for Add()
  double per_second() const { return seconds > 0 ? static_cast<double>(appends) / seconds : 0; }
  // Adds another run of the same case (a later round): counts and times sum, percentiles are
  // those of both runs' calls together.
  void Add(AppendStats other);
};

// Empties the store, then runs `c.writers` threads that append events from `pool` until
// `c.seconds` have passed.
Result<AppendStats> RunAppends(Store& store, const EventPool& pool, const AppendCase& c);

struct ReadStats {
  uint64_t reads = 0;   // streams read
  uint64_t events = 0;  // events they held
  double seconds = 0;
  double per_second() const { return seconds > 0 ? static_cast<double>(reads) / seconds : 0; }
};

// One thread reads whole streams of the loaded `data`, chosen at random, for `seconds`, after an
// untimed warm-up of the same length (other streams, same distribution).
Result<ReadStats> RunStreamReads(Store& store, const Dataset& data, double seconds);

struct ScanStats {
  uint64_t events = 0;
  uint64_t checksum = 0;
  double seconds = 0;  // the fastest of the repeats
  double per_second() const { return seconds > 0 ? static_cast<double>(events) / seconds : 0; }
};

// Scans the whole log `repeats` times on the calling thread and keeps the fastest.
Result<ScanStats> RunScan(Store& store, int repeats);

// Mean microseconds of a 4 KiB write followed by fdatasync, in a file created in `dir`.
Result<double> MeasureFdatasync(const std::string& dir, int count);

}  // namespace bench
