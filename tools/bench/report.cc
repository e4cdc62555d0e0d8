#include "tools/bench/report.h"

#include <cstdio>
#include <initializer_list>
#include <set>
#include <string_view>

namespace bench {
namespace {

// Concatenation without operator+ chains (GCC 12 warns falsely on those with -Wrestrict).
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

// 1234567 -> "1,234,567".
std::string Count(double v) {
  std::string digits = Fixed(v, 0);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Ratio(std::optional<double> ledger, std::optional<double> peer) {
  if (!ledger || !peer || *peer <= 0) return "–";
  double r = *ledger / *peer;
  return Fixed(r, r < 10 ? 2 : 1) + "×";
}

std::set<std::pair<bool, int>> Cases(const std::vector<SystemResults>& systems) {
  std::set<std::pair<bool, int>> cases;
  for (const SystemResults& s : systems)
    for (const auto& [key, stats] : s.appends) cases.insert(key);
  return cases;
}

std::optional<double> Rate(const SystemResults& s, std::pair<bool, int> key) {
  auto it = s.appends.find(key);
  if (it == s.appends.end()) return std::nullopt;
  return it->second.per_second();
}

std::string Header(const std::vector<SystemResults>& systems, const std::string& first) {
  std::string head = Cat({"| ", first, " |"}), rule = "|---|";
  for (const SystemResults& s : systems) head += Cat({" ", s.name, " |"}), rule += "---:|";
  for (size_t i = 1; i < systems.size(); ++i)
    head += Cat({" ledger ÷ ", systems[i].name, " |"}), rule += "---:|";
  return Cat({head, "\n", rule, "\n"});
}

// One row: each system's value, then the ratios ledger ÷ each peer.
template <typename Get>
std::string Row(const std::vector<SystemResults>& systems, const std::string& label, Get get,
                int digits) {
  std::string row = Cat({"| ", label, " |"});
  for (const SystemResults& s : systems) {
    std::optional<double> v = get(s);
    row += Cat({" ", v ? (digits < 0 ? Count(*v) : Fixed(*v, digits)) : std::string("–"), " |"});
  }
  for (size_t i = 1; i < systems.size(); ++i)
    row += Cat({" ", Ratio(get(systems[0]), get(systems[i])), " |"});
  return row + "\n";
}

std::string CaseLabel(std::pair<bool, int> key, size_t hot_streams) {
  return Cat({std::to_string(key.second), key.second == 1 ? " writer, " : " writers, ",
              key.first ? Cat({std::to_string(hot_streams), " hot streams"}) : "own streams"});
}

std::string ThroughputTable(const RunSettings& settings,
                            const std::vector<SystemResults>& systems) {
  std::string out = "Durable appends, events/s (one event per append):\n\n";
  out += Header(systems, "case");
  for (auto key : Cases(systems))
    out += Row(
        systems, CaseLabel(key, settings.hot_streams),
        [key](const SystemResults& s) { return Rate(s, key); }, -1);
  return out;
}

std::string LatencyTable(const RunSettings& settings, const std::vector<SystemResults>& systems) {
  std::string out =
      "\nAppend latency, p50 / p99 µs (retries after a version collision):\n\n| case |";
  std::string rule = "|---|";
  for (const SystemResults& s : systems) out += Cat({" ", s.name, " |"}), rule += "---:|";
  out += Cat({"\n", rule, "\n"});
  for (auto key : Cases(systems)) {
    out += Cat({"| ", CaseLabel(key, settings.hot_streams), " |"});
    for (const SystemResults& s : systems) {
      auto it = s.appends.find(key);
      if (it == s.appends.end()) {
        out += " – |";
        continue;
      }
      const AppendStats& a = it->second;
      out += Cat({" ", Count(a.p50_us), " / ", Count(a.p99_us)});
      if (a.conflicts > 0) out += Cat({" (", Count(static_cast<double>(a.conflicts)), ")"});
      out += " |";
    }
    out += "\n";
  }
  return out;
}

// The ledger (first) and the systems `pick` selects.
template <typename Pick>
std::vector<SystemResults> Subset(const std::vector<SystemResults>& systems, Pick pick) {
  std::vector<SystemResults> out;
  for (size_t i = 0; i < systems.size(); ++i)
    if (i == 0 || pick(systems[i].name)) out.push_back(systems[i]);
  return out;
}

std::string ReadTable(const RunSettings& settings, const std::vector<SystemResults>& systems) {
  std::string out =
      Cat({"\nReads and size (", Count(static_cast<double>(settings.events)),
           " events in streams of ", std::to_string(settings.stream_events), "):\n\n"});
  out += Header(systems, "measure");
  out += Row(
      systems, Cat({"read one stream of ", std::to_string(settings.stream_events), ", streams/s"}),
      [](const SystemResults& s) -> std::optional<double> {
        if (!s.reads) return std::nullopt;
        return s.reads->per_second();
      },
      -1);
  out += Row(
      systems, "scan the whole log, events/s",
      [](const SystemResults& s) -> std::optional<double> {
        if (!s.scan) return std::nullopt;
        return s.scan->per_second();
      },
      -1);
  out += Row(
      systems, "bytes on disk per event (lower is better)",
      [](const SystemResults& s) -> std::optional<double> {
        if (!s.bytes || s.loaded_events == 0) return std::nullopt;
        return static_cast<double>(*s.bytes) / static_cast<double>(s.loaded_events);
      },
      0);
  return out;
}

}  // namespace

std::string MarkdownReport(const Machine& machine, const RunSettings& settings,
                           const std::vector<SystemResults>& systems) {
  std::string out =
      Cat({"Command: `", settings.command, "`\n\nMachine: ", std::to_string(machine.cores),
           " cores (", machine.cpu, "), ", machine.kernel,
           "; 4 KiB write + fdatasync: ", Fixed(machine.fdatasync_us, 0), " µs.\n\nVersions:"});
  for (const SystemResults& s : systems) out += Cat({" ", s.version, ";"});
  out +=
      Cat({"\n\nSettings: ", Fixed(settings.append_seconds, 1), " s per append case",
           settings.rounds > 1
               ? Cat({" in ", std::to_string(settings.rounds), " rounds, the systems taking turns"})
               : std::string(),
           "; payload ", Fixed(settings.payload_bytes, 0), " bytes (Cap'n Proto).\n\n"});
  auto raw = [](const std::string& name) { return name == "rocksdb"; };
  auto peers = [](const std::string& name) { return name != "rocksdb"; };
  std::vector<SystemResults> a = Subset(systems, raw), b = Subset(systems, peers);
  if (a.size() > 1) {
    out += "### A. The ledger against raw RocksDB\n\n" + ThroughputTable(settings, a);
    out += ReadTable(settings, a);
  }
  if (b.size() > 1) {
    out += "\n### B. The ledger against PostgreSQL and SQLite\n\n" + ThroughputTable(settings, b);
    out += ReadTable(settings, b);
  }
  out += "\n### Latency\n" + LatencyTable(settings, systems);
  return out;
}

std::string TsvReport(const std::vector<SystemResults>& systems) {
  std::string out = "system\tmeasure\twriters\tvalue\tp50_us\tp99_us\tconflicts\n";
  for (const SystemResults& s : systems) {
    for (const auto& [key, a] : s.appends) {
      out += Cat({s.name, "\tappend_", key.first ? "hot" : "own", "\t", std::to_string(key.second),
                  "\t", Fixed(a.per_second(), 1), "\t", Fixed(a.p50_us, 1), "\t",
                  Fixed(a.p99_us, 1), "\t", std::to_string(a.conflicts), "\n"});
    }
    if (s.reads) out += Cat({s.name, "\tstream_reads\t1\t", Fixed(s.reads->per_second(), 1), "\n"});
    if (s.scan) out += Cat({s.name, "\tscan\t1\t", Fixed(s.scan->per_second(), 1), "\n"});
    if (s.bytes && s.loaded_events > 0)
      out += Cat({s.name, "\tbytes_per_event\t0\t",
                  Fixed(static_cast<double>(*s.bytes) / static_cast<double>(s.loaded_events), 1),
                  "\n"});
  }
  return out;
}

std::string PlotData(const std::vector<SystemResults>& systems) {
  std::set<int> writers;
  for (auto key : Cases(systems)) writers.insert(key.second);
  std::string out = "writers";
  for (bool hot : {false, true})
    for (const SystemResults& s : systems)
      out += std::string(" ") + (hot ? "hot_" : "own_") + s.name;
  out += "\n";
  for (int w : writers) {
    out += std::to_string(w);
    for (bool hot : {false, true}) {
      for (const SystemResults& s : systems) {
        std::optional<double> r = Rate(s, {hot, w});
        out += Cat({" ", r ? Fixed(*r, 1) : std::string("?")});
      }
    }
    out += "\n";
  }
  return out;
}

}  // namespace bench
