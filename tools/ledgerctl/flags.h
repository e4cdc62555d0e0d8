// The option values of ledgerctl's own subcommands (docs/cli.md), in one struct that main() owns:
// CLI11 binds each option to a member, so the storage must outlive parsing and the run, and
// nothing is allocated per subcommand behind main's back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tools {

// --as-of / --known-at / --policy: what a projection is evaluated at (as the API's query
// parameters as_of, known_at and policy).
struct EvaluationFlags {
  std::string as_of;     // RFC 3339; empty: now (or known_at when given)
  std::string known_at;  // RFC 3339; empty: everything recorded
  uint32_t policy = 0;   // what-if policy version; 0: each complaint's own
};

struct VerifyFlags {
  std::string expect_head;        // POSITION:HASH
  std::string since;              // a signed checkpoint kept elsewhere (a file)
  std::vector<std::string> keys;  // verifier keys that may have signed it
};

struct ComplaintFlags {
  std::string id;
  EvaluationFlags at;
  bool json = false;
};

struct ReportFlags {
  std::string month;                 // rewards: YYYY-MM; fines, metrics: YYYY-MM or YYYY
  std::string from_month, to_month;  // fines: a range of months
  std::string department, person, project;
  std::string from, to;  // findings
  EvaluationFlags at;
  bool json = false;             // the same as --format json
  std::string format = "table";  // table, json or csv
};

struct RebuildFlags {
  bool check = false;
};

struct ImportFlags {
  std::string file;           // "-" for stdin
  std::string actor;          // who runs the import; empty: "cli:" + $USER
  std::string kek, keystore;  // personal data sealed as `serve --kek` seals it (docs/privacy.md)
};

struct ExportFlags {
  std::string complaint;
  std::string month;
  std::string format = "jsonl";
  std::string out;            // empty or "-": stdout
  std::string mode = "0600";  // of the --out file (octal): exports hold personal data
  std::string kek, keystore;  // open sealed personal data (docs/privacy.md)
};

struct CommandFlags {
  VerifyFlags verify;
  ComplaintFlags state, history, replay;
  ReportFlags fines, rewards, metrics, findings, responsibility;
  RebuildFlags rebuild;
  ImportFlags import;
  ExportFlags export_;
};

}  // namespace tools
