// ledgerctl as users run it: the real binary, on a small fixed ledger made by `ledgerctl demo`
// (deterministic for a seed and size). Outputs are compared with golden files in
// tests/cli/golden/ (LEDGER_UPDATE_GOLDEN=1 rewrites them; review the diff before committing).
// Every report is evaluated --as-of the demo's fixed "now", so the goldens do not age.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "ledger/log/record_format.h"
#include "projections/format.h"
#include "testing/process.h"
#include "testing/raw_db.h"
#include "testing/temp_dir.h"

namespace {

namespace json = boost::json;
using testing_util::ProcessResult;
using testing_util::ReadWholeFile;
using testing_util::RunProcess;
using testing_util::TempDir;

const std::string kLedgerctl = std::string(LEDGER_BINARY_DIR) + "/tools/ledgerctl/ledgerctl";
const std::string kChecker =
    std::string(LEDGER_BINARY_DIR) + "/tools/export_check/ledger-export-check";
const std::string kGolden = std::string(LEDGER_SOURCE_DIR) + "/tests/cli/golden/";
const std::string kNow = "2026-11-20T18:00:00+08:00";  // the demo's fixed "now"
const std::string kComplaint = "CMP-2026-000040";      // closed 12 days late: fined by the day

class CliTest : public ::testing::Test {
 protected:
  // One demo ledger for the whole suite (each test that changes a ledger copies it first).
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ProcessResult r = RunProcess(
        {kLedgerctl, "--data", Ledger(), "demo", "--no-serve", "--complaints", "60", "--seed", "5"},
        dir_->path());
    demo_out_ = new std::string(r.out);
    // Not an ASSERT here: a failure in SetUpTestSuite makes GoogleTest report every test of the
    // suite as skipped, which CTest counts as passing. Each test fails in SetUp() instead.
    if (r.exit_code != 0)
      setup_error_ = new std::string("the demo ledger was not made (exit " +
                                     std::to_string(r.exit_code) + "): " + r.err);
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete demo_out_;
    delete setup_error_;
    setup_error_ = nullptr;
  }
  void SetUp() override { ASSERT_EQ(setup_error_, nullptr) << *setup_error_; }
  static std::string Ledger() { return dir_->Sub("ledger"); }

  ProcessResult Ctl(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {kLedgerctl, "--data", Ledger()});
    return RunProcess(args, scratch_.path(), input);
  }
  ProcessResult CtlOn(const std::string& ledger, std::vector<std::string> args) {
    args.insert(args.begin(), {kLedgerctl, "--data", ledger});
    return RunProcess(args, scratch_.path());
  }
  // A copy of the demo ledger this test may change.
  std::string CopyOfLedger() {
    std::string copy = scratch_.Sub("copy");
    std::filesystem::copy(Ledger(), copy, std::filesystem::copy_options::recursive);
    return copy;
  }

  // Compares `actual` with the golden file `name` (or rewrites it under LEDGER_UPDATE_GOLDEN).
  static void ExpectGolden(const std::string& name, const std::string& actual) {
    const std::string path = kGolden + name;
    if (std::getenv("LEDGER_UPDATE_GOLDEN")) {
      std::ofstream(path, std::ios::binary) << actual;
      return;
    }
    ASSERT_TRUE(std::filesystem::exists(path))
        << path << " is missing; run with LEDGER_UPDATE_GOLDEN=1";
    EXPECT_EQ(ReadWholeFile(path), actual) << "differs from " << path;
  }

  // Exit code `code` and exactly one line on stderr, which contains `says`.
  static void ExpectFailure(const ProcessResult& r, int code, const std::string& says) {
    EXPECT_EQ(r.exit_code, code) << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("ledgerctl: ", 0), 0u) << r.err;
  }

  static TempDir* dir_;
  static std::string* demo_out_;
  static std::string* setup_error_;  // why the suite's ledger could not be made; null: it was
  TempDir scratch_;
};

TempDir* CliTest::dir_ = nullptr;
std::string* CliTest::demo_out_ = nullptr;
std::string* CliTest::setup_error_ = nullptr;

// --- each subcommand's output on the fixed ledger ---------------------------------------------

TEST_F(CliTest, ComplaintCommandsMatchTheirGoldenFiles) {
  struct Case {
    std::vector<std::string> args;
    std::string golden;
  } cases[] = {
      {{"state", kComplaint, "--as-of", kNow}, "state.txt"},
      {{"state", kComplaint, "--as-of", kNow, "--json"}, "state.json"},
      {{"history", kComplaint}, "history.txt"},
      {{"replay", kComplaint, "--as-of", kNow}, "replay.txt"},
  };
  for (const Case& c : cases) {
    ProcessResult r = Ctl(c.args);
    ASSERT_EQ(r.exit_code, 0) << c.golden << ": " << r.err;
    EXPECT_EQ(r.err, "") << c.golden;
    ExpectGolden(c.golden, r.out);
  }
}

TEST_F(CliTest, ReportCommandsMatchTheirGoldenFiles) {
  struct Case {
    std::vector<std::string> args;
    std::string golden;
  } cases[] = {
      {{"fines", "--month", "2026-09", "--as-of", kNow}, "fines.txt"},
      {{"fines", "--month", "2026-09", "--as-of", kNow, "--json"}, "fines.json"},
      {{"fines", "--month", "2026-09", "--as-of", kNow, "--format", "csv"}, "fines.csv"},
      {{"findings", "--as-of", kNow, "--format", "csv"}, "findings.csv"},
      {{"rewards", "--month", "2026-09", "--as-of", kNow}, "rewards.txt"},
      {{"metrics", "--month", "2026", "--as-of", kNow}, "metrics.txt"},
      {{"findings", "--as-of", kNow}, "findings.txt"},
      {{"responsibility", "--month", "2026-09", "--as-of", kNow}, "responsibility.txt"},
      {{"verify"}, "verify.txt"},
      {{"head"}, "head.txt"},
      {{"rebuild", "--check"}, "rebuild-check.txt"},
  };
  for (const Case& c : cases) {
    ProcessResult r = Ctl(c.args);
    ASSERT_EQ(r.exit_code, 0) << c.golden << ": " << r.err;
    ExpectGolden(c.golden, r.out);
  }
}

TEST_F(CliTest, ExportsMatchTheirGoldenFiles) {
  // The export's own time is the only thing that changes from run to run.
  const std::regex exported_at("\"exported_at\":\"[^\"]*\"");
  ProcessResult jsonl = Ctl({"export", "--complaint", kComplaint});
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  ExpectGolden("export-complaint.jsonl",
               std::regex_replace(jsonl.out, exported_at, "\"exported_at\":\"(masked)\""));
  ProcessResult html = Ctl({"export", "--complaint", kComplaint, "--format", "html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(html.out.find("The hash chain verified"), std::string::npos);
  EXPECT_EQ(html.out.find("<script"), std::string::npos);  // self-contained, no scripts
  EXPECT_EQ(html.out.find("http"), std::string::npos);     // and nothing fetched
  EXPECT_NE(html.out.find(kComplaint), std::string::npos);
}

TEST_F(CliTest, EverySubcommandHasHelp) {
  for (const char* cmd :
       {"demo", "serve", "token", "import", "state", "history", "replay", "fines", "rewards",
        "metrics", "findings", "responsibility", "rebuild", "verify", "head", "export"}) {
    ProcessResult r = Ctl({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd << ": " << r.out;
  }
}

// --- failures: a clear line on stderr and the documented exit code ----------------------------

TEST_F(CliTest, MissingLedgerIsExitThree) {
  ProcessResult r = CtlOn(scratch_.Sub("nothing-here"), {"state", kComplaint});
  ExpectFailure(r, 3, "no ledger in");
  ExpectFailure(CtlOn(scratch_.Sub("nothing-here"), {"verify"}), 3, "no ledger in");
  ExpectFailure(CtlOn(scratch_.Sub("nothing-here"), {"fines", "--month", "2026-09"}), 3,
                "no ledger in");
}

TEST_F(CliTest, BadIdIsAUsageError) {
  ExpectFailure(Ctl({"state", "CMP-26-1"}), 2, "is not a complaint id");
  ExpectFailure(Ctl({"replay", "../../etc/passwd"}), 2, "is not a complaint id");
  ExpectFailure(Ctl({"state", "CMP-2026-999999"}), 1, "no complaint CMP-2026-999999");
}

TEST_F(CliTest, BadMonthAndTimesAreUsageErrors) {
  ExpectFailure(Ctl({"fines", "--month", "2026-13"}), 2, "--month must be YYYY-MM");
  ExpectFailure(Ctl({"fines", "--month", "September"}), 2, "--month must be YYYY-MM");
  ExpectFailure(Ctl({"export", "--month", "2026-9"}), 2, "--month must be YYYY-MM");
  ExpectFailure(Ctl({"state", kComplaint, "--as-of", "yesterday"}), 2,
                "--as-of must be an RFC 3339");
  ExpectFailure(Ctl({"state", kComplaint, "--policy", "9"}), 2, "version 9 is not published");
  ExpectFailure(Ctl({"export", "--format", "pdf"}), 2, "--format must be jsonl or html");
}

// Every usage error, whatever the parser or the command found: exit 2 and one line starting
// "ledgerctl: " (docs/cli.md "Exit codes"). The lines are in golden/usage-errors.txt.
TEST_F(CliTest, UsageErrorsAreOneLineAndExitTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {"state"},                                  // the id missing
      {"state", kComplaint, "--no-such-option"},  // an unknown option
      {"no-such-command"},                        // an unknown subcommand
      {"token"},                                  // a group without its subcommand
      {"fines", "--month"},                       // an option without its value
      {"fines", "--month", "2026-09", "--department", "nowhere"},
      {"fines", "--month", "2026-09", "--person", "u-nobody"},
      {"responsibility", "--department", "nowhere"},
      {"metrics", "--month", "2026", "--project", "p-nowhere"},
      {"findings", "--from", "2026-10-01", "--to", "2026-09-30"},
      {"findings", "--from", "2026-10-01T00:00:00+08:00", "--to", "2026-09-01"},
      {"findings", "--from", "2026-02-30"},
      {"export", "--format", "html", "--complaint", kComplaint, "--month", "2026-09"},
      {"fines", "--to-month", "2026-09"},
      {"fines", "--from-month", "2026-10", "--to-month", "2026-09"},
      {"fines", "--from-month", "2026-13"},
      {"fines", "--month", "2026-09", "--from-month", "2026-08"},
      {"fines", "--format", "xml"},
      {"fines", "--json", "--format", "csv"},
  };
  std::string all;
  for (const auto& args : cases) {
    ProcessResult r = Ctl(args);
    std::string shown = "ledgerctl";
    for (const std::string& a : args) shown += " " + a;
    ExpectFailure(r, 2, "");
    EXPECT_EQ(r.out, "") << shown;
    all += "$ " + shown + "\nexit " + std::to_string(r.exit_code) + "\n" + r.err;
  }
  ExpectGolden("usage-errors.txt", all);
}

TEST_F(CliTest, BareLedgerctlPrintsHelp) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{kLedgerctl}, {kLedgerctl, "--data", Ledger()}}) {
    ProcessResult r = RunProcess(args, scratch_.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Subcommands:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--data"), std::string::npos) << r.out;
  }
}

// --data before or after the subcommand, or between its arguments: the same answer.
TEST_F(CliTest, GlobalOptionsAreAcceptedAfterTheSubcommand) {
  ProcessResult state = RunProcess(
      {kLedgerctl, "state", kComplaint, "--as-of", kNow, "--data", Ledger()}, scratch_.path());
  ASSERT_EQ(state.exit_code, 0) << state.err;
  ExpectGolden("state.txt", state.out);
  ProcessResult fines =
      RunProcess({kLedgerctl, "fines", "--data", Ledger(), "--month", "2026-09", "--as-of", kNow},
                 scratch_.path());
  ASSERT_EQ(fines.exit_code, 0) << fines.err;
  ExpectGolden("fines.txt", fines.out);
  const std::string ledger = scratch_.Sub("after");
  ProcessResult demo = RunProcess(
      {kLedgerctl, "demo", "--no-serve", "--complaints", "3", "--data", ledger}, scratch_.path());
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  EXPECT_EQ(RunProcess({kLedgerctl, "verify", "--data", ledger}, scratch_.path()).exit_code, 0);
}

TEST_F(CliTest, KnownFiltersAreAccepted) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"fines", "--month", "2026-09", "--department", "property"},
        {"fines", "--month", "2026-09", "--person", "u-handler-property-2"},
        {"responsibility", "--person", "u-handler-property-2"},
        {"metrics", "--month", "2026", "--project", "p-lakeside"}}) {
    ProcessResult r = Ctl(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args.back() << ": " << r.err;
  }
}

// A plain date is that day in the policy's zone: --from its start, --to its end (included). The
// demo has findings on 2026-06-11 13:28 and 2026-06-17: one day picks the first alone.
TEST_F(CliTest, PlainDatesAreWholeDays) {
  ProcessResult days =
      Ctl({"findings", "--as-of", kNow, "--from", "2026-06-11", "--to", "2026-06-11"});
  ProcessResult times = Ctl({"findings", "--as-of", kNow, "--from", "2026-06-11T00:00:00+08:00",
                             "--to", "2026-06-12T00:00:00+08:00"});
  ASSERT_EQ(days.exit_code, 0) << days.err;
  ASSERT_EQ(times.exit_code, 0) << times.err;
  EXPECT_EQ(days.out, times.out);
  EXPECT_NE(days.out.find("1 finding"), std::string::npos) << days.out;
  ExpectGolden("findings-one-day.txt", days.out);
}

TEST_F(CliTest, VersionNamesTheBuildAndTheFormats) {
  ProcessResult r = RunProcess({kLedgerctl, "--version"}, scratch_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::regex shape(
      "ledgerctl [0-9]+\\.[0-9]+\\.[0-9]+\ncommit ([0-9a-f]{40}|unknown)\nformats: record "
      "[0-9]+ \\(reads [0-9]+-[0-9]+\\), projection [0-9]+ \\(rules [0-9]+\\)\n");
  EXPECT_TRUE(std::regex_match(r.out, shape)) << r.out;
  EXPECT_NE(r.out.find("record " + std::to_string(ledger::kFormatVersion) + " "), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("projection " + std::to_string(projections::kProjectionFormat) + " "),
            std::string::npos)
      << r.out;
}

// An --out FILE is replaced only by a complete export: a failed one, or a refused flag, leaves
// it byte for byte as it was, and no temporary file behind.
TEST_F(CliTest, AFailedExportLeavesTheOutputFileAsItWas) {
  const std::string dir = scratch_.Sub("out");
  std::filesystem::create_directory(dir);
  const std::string file = dir + "/kept.jsonl";
  const std::string before = "an earlier export\nthat must survive\n";
  std::ofstream(file, std::ios::binary) << before;
  ExpectFailure(Ctl({"export", "--complaint", "CMP-2026-999999", "--out", file}), 1,
                "no complaint CMP-2026-999999");
  ExpectFailure(Ctl({"export", "--format", "html", "--complaint", kComplaint, "--month", "2026-09",
                     "--out", file}),
                2, "not both");
  ExpectFailure(Ctl({"export", "--format", "pdf", "--out", file}), 2, "--format must be");
  ExpectFailure(Ctl({"export", "--mode", "999", "--out", file}), 2, "--mode must be");
  EXPECT_EQ(ReadWholeFile(file), before);
  size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path(), file);
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
  // A complete export replaces it.
  ProcessResult ok = Ctl({"export", "--complaint", kComplaint, "--out", file});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ReadWholeFile(file).rfind("{\"kind\":\"export\"", 0), 0u);
}

TEST_F(CliTest, VerifyOfADamagedLedgerNamesTheFirstBadPosition) {
  std::string copy = CopyOfLedger();
  {
    testing_util::RawDb raw(copy);
    std::string key = ledger::PositionKey(17);
    std::string value = raw.Get(ledger::kEventsFamily, key);
    ASSERT_FALSE(value.empty());
    value[value.size() / 2] ^= 0x01;  // one flipped bit
    raw.Put(ledger::kEventsFamily, key, value);
  }
  ExpectFailure(CtlOn(copy, {"verify"}), 1, "verify failed at position 17");
  // An export of the damaged ledger still says so, and exits non-zero.
  ProcessResult e = CtlOn(copy, {"export", "--month", "2026-06"});
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_NE(e.err.find("does not verify: position 17"), std::string::npos) << e.err;
}

TEST_F(CliTest, VerifyAgainstAHeadKeptElsewhere) {
  ProcessResult head = Ctl({"head"});
  ASSERT_EQ(head.exit_code, 0);
  std::string kept = head.out.substr(0, head.out.size() - 1);
  EXPECT_EQ(Ctl({"verify", "--expect-head", kept}).exit_code, 0);
  std::string other = kept;
  other.back() = other.back() == '0' ? '1' : '0';
  EXPECT_EQ(Ctl({"verify", "--expect-head", other}).exit_code, 1);
  ExpectFailure(Ctl({"verify", "--expect-head", "nonsense"}), 2, "--expect-head must be");
}

// --- import ----------------------------------------------------------------------------------

std::string ImportLine(const std::string& type, const std::string& complaint,
                       const std::string& actor_role, const std::string& fields) {
  std::string actor =
      actor_role == "cs_agent"
          ? R"({"id":"u-cs-01","role":"cs_agent","department":"customer_service"})"
          : R"({"id":"u-handler-property-1","role":"handler","department":"property"})";
  std::string line = R"({"type":")" + type + R"(","actor":)" + actor +
                     R"(,"occurred_at":"2025-03-03T10:00:00+08:00")";
  if (!complaint.empty()) line += R"(,"complaint":")" + complaint + "\"";
  return line + fields + "}\n";
}

TEST_F(CliTest, ImportStopsAtTheFirstRefusedLineAndKeepsWhatCameBefore) {
  const std::string ledger = scratch_.Sub("imported");
  const std::string file = scratch_.Sub("old-system.jsonl");
  std::ofstream(file)
      << ImportLine("receive", "", "cs_agent",
                    R"(,"channel":"hotline","complainant":{"name":"Li","phone":"1"},)"
                    R"("project":"p-lakeside","subject":"Leak","description":"Water",)"
                    R"("receiving_department":"customer_service","external_ref":"OLD-7")")
      << "\n"  // a blank line is skipped
      << ImportLine("assess_validity", "ref:OLD-7", "cs_agent", R"(,"valid":true)")
      << ImportLine("classify", "ref:OLD-7", "handler",  // a handler may not classify
                    R"(,"category":"property_service")")
      << ImportLine("classify", "ref:OLD-7", "cs_agent", R"(,"category":"property_service")");
  ProcessResult r = CtlOn(ledger, {"import", file});
  ExpectFailure(r, 1, "line 4 refused, nothing after it applied");
  EXPECT_NE(r.err.find("may not classify"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("imported 2 lines"), std::string::npos) << r.out;

  // The two lines before it are there, marked imported; nothing after it is.
  ProcessResult h = CtlOn(ledger, {"history", "CMP-2025-000001", "--json"});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  json::array events = json::parse(h.out).as_object().at("events").as_array();
  ASSERT_EQ(events.size(), 2u);
  for (const json::value& e : events) EXPECT_TRUE(e.at("imported").as_bool());
  EXPECT_EQ(events[1].at("type").as_string(), "ValidityAssessed");
  // The import is recorded: the policy (1), two events (2, 3), the record (4) and nothing more.
  ProcessResult head = CtlOn(ledger, {"head"});
  EXPECT_EQ(head.out.substr(0, 2), "4:");
  ProcessResult all = CtlOn(ledger, {"export"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find(R"("type":"ImportRecorded")"), std::string::npos);
  EXPECT_NE(all.out.find(R"("stopped_at":4)"), std::string::npos) << all.out;
  EXPECT_EQ(CtlOn(ledger, {"verify"}).exit_code, 0);
}

TEST_F(CliTest, ImportFromStandardInputAndAMalformedLine) {
  const std::string ledger = scratch_.Sub("stdin");
  std::string input = ImportLine("receive", "", "cs_agent",
                                 R"(,"channel":"hotline","complainant":{"name":"Li","phone":"1"},)"
                                 R"("project":"p-lakeside","subject":"Leak","description":"W",)"
                                 R"("receiving_department":"customer_service")") +
                      "{not json\n";
  ProcessResult r =
      RunProcess({kLedgerctl, "--data", ledger, "import", "-"}, scratch_.path(), input);
  ExpectFailure(r, 1, "line 2 refused");
  EXPECT_EQ(CtlOn(ledger, {"head"}).out.substr(0, 2), "3:");  // policy, receive, the record
}

// --- export, re-verified elsewhere -------------------------------------------------------------

TEST_F(CliTest, AnExportIsReverifiedFromTheExportAlone) {
  const std::string file = scratch_.Sub("export.jsonl");
  ASSERT_EQ(Ctl({"export", "--out", file}).exit_code, 0);
  ProcessResult ok = RunProcess({kChecker, file}, scratch_.path());
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("the chain unbroken"), std::string::npos) << ok.out;

  std::vector<std::string> lines;
  std::istringstream in(ReadWholeFile(file));
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_GT(lines.size(), 10u);
  auto check = [&](std::vector<std::string> changed) {
    std::string text;
    for (const std::string& l : changed) text += l + "\n";
    return RunProcess({kChecker, "-"}, scratch_.path(), text);
  };
  {  // a changed field the hash does not cover in the line: caught against the hashed bytes
    auto changed = lines;
    changed[5] = std::regex_replace(changed[5], std::regex("\"version\":[0-9]+"), "\"version\":77");
    ProcessResult r = check(changed);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("line 6"), std::string::npos) << r.err;
  }
  {  // a removed event
    auto changed = lines;
    changed.erase(changed.begin() + 8);
    EXPECT_EQ(check(changed).exit_code, 1);
  }
  {  // two events swapped
    auto changed = lines;
    std::swap(changed[3], changed[4]);
    EXPECT_EQ(check(changed).exit_code, 1);
  }
  {  // the tail cut off
    auto changed = lines;
    changed.resize(changed.size() - 3);
    EXPECT_EQ(check(changed).exit_code, 1);
  }
}

// --- the demo ----------------------------------------------------------------------------------

// The number after `label` in the demo's summary ("closure rate 2026: 91.77 %").
std::string After(const std::string& text, const std::string& label) {
  size_t at = text.find(label);
  if (at == std::string::npos) return "";
  at += label.size();
  return text.substr(at, text.find_first_of(" \n", at) - at);
}

TEST_F(CliTest, DemoLedgerVerifiesAndItsSummaryEqualsTheProjections) {
  const std::string& summary = *demo_out_;
  EXPECT_EQ(Ctl({"verify"}).exit_code, 0);
  EXPECT_EQ(Ctl({"rebuild", "--check"}).exit_code, 0);

  ProcessResult metrics = Ctl({"metrics", "--month", "2026", "--as-of", kNow, "--json"});
  ASSERT_EQ(metrics.exit_code, 0);
  json::object total = json::parse(metrics.out).as_object().at("total").as_object();
  EXPECT_EQ(After(summary, "closure rate 2026: "),
            std::string(total.at("closure_rate").as_string()));
  EXPECT_EQ(After(summary, "% ("), std::to_string(total.at("closed").as_int64()));

  ProcessResult findings = Ctl({"findings", "--as-of", kNow, "--json"});
  ASSERT_EQ(findings.exit_code, 0);
  EXPECT_EQ(After(summary, "findings: "),
            std::to_string(json::parse(findings.out).as_object().at("count").as_int64()));

  // Fines by department: the summary's table against the sum of the monthly reports.
  std::map<std::string, int64_t> fen;
  for (const char* month :
       {"2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"}) {
    ProcessResult f = Ctl({"fines", "--month", month, "--as-of", kNow, "--json"});
    ASSERT_EQ(f.exit_code, 0) << f.err;
    json::value doc = json::parse(f.out);
    for (const json::value& d : doc.at("by_department").as_array()) {
      std::string amount(d.at("total").as_string());
      fen[std::string(d.at("name").as_string())] +=
          std::stoll(amount.substr(0, amount.find('.'))) * 100 +
          std::stoll(amount.substr(amount.find('.') + 1));
    }
  }
  ASSERT_FALSE(fen.empty());
  for (const auto& [dept, amount] : fen) {
    std::regex row(dept + " +[0-9]+ +([0-9]+)\\.([0-9]{2})");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(summary, m, row)) << dept << " missing from\n" << summary;
    EXPECT_EQ(std::stoll(m[1]) * 100 + std::stoll(m[2]), amount) << dept;
  }

  // The command the summary names prints the same table, row for row.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      summary, m, std::regex("the same numbers: ledgerctl --data \\S+ (fines [^(]*) \\(")))
      << summary;
  std::vector<std::string> args;
  std::istringstream words(m[1].str());
  for (std::string w; words >> w;) args.push_back(w);
  ProcessResult same = Ctl(args);
  ASSERT_EQ(same.exit_code, 0) << same.err;
  const std::regex table("DEPARTMENT +LINES[^]*?all lines[^\n]*\n");
  std::smatch in_summary, in_report;
  ASSERT_TRUE(std::regex_search(summary, in_summary, table)) << summary;
  ASSERT_TRUE(std::regex_search(same.out, in_report, table)) << same.out;
  EXPECT_EQ(in_summary.str(), in_report.str());
}

TEST_F(CliTest, FinesOfAYearAreFinesOfItsMonths) {
  ProcessResult year = Ctl({"fines", "--month", "2026", "--as-of", kNow, "--json"});
  ProcessResult range =
      Ctl({"fines", "--from-month", "2026-01", "--to-month", "2026-12", "--as-of", kNow, "--json"});
  ASSERT_EQ(year.exit_code, 0) << year.err;
  ASSERT_EQ(range.exit_code, 0) << range.err;
  json::object a = json::parse(year.out).as_object(), b = json::parse(range.out).as_object();
  EXPECT_EQ(a.at("month"), "2026");
  EXPECT_EQ(b.at("month"), "2026-01..2026-12");
  EXPECT_GT(a.at("lines").as_array().size(), 0u);
  for (const char* key : {"lines", "by_department", "by_person", "total", "waived"})
    EXPECT_EQ(a.at(key), b.at(key)) << key;
  // September alone is a part of it.
  ProcessResult september = Ctl({"fines", "--month", "2026-09", "--as-of", kNow, "--json"});
  ASSERT_EQ(september.exit_code, 0);
  EXPECT_LT(json::parse(september.out).at("lines").as_array().size(),
            a.at("lines").as_array().size());
}

TEST_F(CliTest, CsvHasOneRowPerLineItem) {
  ProcessResult csv = Ctl({"fines", "--month", "2026-09", "--as-of", kNow, "--format", "csv"});
  ProcessResult doc = Ctl({"fines", "--month", "2026-09", "--as-of", kNow, "--json"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  ASSERT_EQ(doc.exit_code, 0);
  size_t rows = 0;
  for (size_t at = 0; (at = csv.out.find("\r\n", at)) != std::string::npos; at += 2) ++rows;
  EXPECT_EQ(rows, 1 + json::parse(doc.out).at("lines").as_array().size());  // and the header
  EXPECT_EQ(csv.out.rfind("period,day,accrued_at,complaint,rule,amount,waived,", 0), 0u);
}

TEST_F(CliTest, DemoNeverWritesIntoAnExistingLedger) {
  ProcessResult head = Ctl({"head"});
  // Its own demo ledger, asked for another size: refused, saying what it holds.
  ProcessResult r = Ctl({"demo", "--no-serve", "--complaints", "5"});
  ExpectFailure(r, 2,
                "holds the demo ledger of 60 complaints, seed 5, not the 5 complaints, seed 5");
  // A ledger the demo did not make (no record of it): refused, never served.
  std::string copy = CopyOfLedger();
  std::filesystem::remove(copy + "/demo.json");
  ExpectFailure(CtlOn(copy, {"demo", "--no-serve"}), 2,
                "already holds a ledger the demo did not make");
  EXPECT_EQ(Ctl({"verify"}).exit_code, 0);
  EXPECT_EQ(Ctl({"head"}).out, head.out);
}

// `ledgerctl demo` again on its own ledger (what tools/demo.sh does on every run): it says so,
// prints the same summary, and appends nothing.
TEST_F(CliTest, DemoAgainServesTheLedgerItMade) {
  std::string copy = CopyOfLedger();
  ProcessResult head = CtlOn(copy, {"head"});
  ProcessResult again = CtlOn(copy, {"demo", "--no-serve", "--seed", "5"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already holds the demo ledger (60 complaints, seed 5); serving it"),
            std::string::npos)
      << again.out;
  const std::regex table("fines by department[^]*?all lines[^\n]*\n");
  std::smatch first, second;
  ASSERT_TRUE(std::regex_search(*demo_out_, first, table));
  ASSERT_TRUE(std::regex_search(again.out, second, table)) << again.out;
  EXPECT_EQ(first.str(), second.str());
  EXPECT_EQ(CtlOn(copy, {"head"}).out, head.out);
}

// Each serving run prints a token for each role and revokes the ones the previous run issued:
// they do not pile up.
TEST_F(CliTest, DemoAgainReplacesTheTokensItIssued) {
  std::string copy = CopyOfLedger();
  const std::regex ready("Web console: http://127\\.0\\.0\\.1:[0-9]+/ui/");
  std::string outputs[2];
  for (std::string& out : outputs) {
    testing_util::BackgroundProcess demo(
        {kLedgerctl, "--data", copy, "demo", "--listen", "127.0.0.1:0"}, scratch_.path());
    out = demo.WaitForOutput(ready);
    ASSERT_NE(out, "") << demo.err();
    EXPECT_EQ(demo.Stop(), 0) << demo.err();
  }
  for (const char* role :
       {"auditor", "cs_agent", "dept_head", "reader", "admin", "data_protection"})
    EXPECT_TRUE(
        std::regex_search(outputs[1], std::regex(std::string("\\n") + role + " +\\S+ +lgr_")))
        << role << " has no token in\n"
        << outputs[1];
  EXPECT_NE(outputs[1].find("revoked the 6 tokens the demo issued last time"), std::string::npos);
  ProcessResult list = CtlOn(copy, {"token", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto count = [&](const std::string& word) {
    size_t n = 0;
    for (size_t at = 0; (at = list.out.find(word, at)) != std::string::npos; at += word.size()) ++n;
    return n;
  };
  EXPECT_EQ(count(" active"), 6u) << list.out;
  EXPECT_EQ(count(" revoked "), 6u) << list.out;
}

// Every evidence link of an HTML report leads to an entry of the same page, and every entry
// shows its event's chain hash: for a complaint, a month and the whole ledger.
TEST_F(CliTest, HtmlReportsLinkEveryEvidencePositionToItsEntry) {
  struct Case {
    std::vector<std::string> args;
    std::string must_show;
  } cases[] = {
      {{"export", "--format", "html", "--complaint", kComplaint}, "Timeline"},
      {{"export", "--format", "html", "--month", "2026-09"}, "By person"},
      {{"export", "--format", "html"}, "Whole ledger"},
  };
  for (const Case& c : cases) {
    ProcessResult r = Ctl(c.args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(c.must_show), std::string::npos) << c.args.back();
    EXPECT_NE(r.out.find("net of waivers"), std::string::npos) << c.args.back();
    std::set<std::string> links, anchors;
    const std::regex link("href=\"#(e[0-9]+)\""), anchor("id=(e[0-9]+)>");
    for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), link);
         it != std::sregex_iterator(); ++it)
      links.insert((*it)[1]);
    for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), anchor);
         it != std::sregex_iterator(); ++it)
      anchors.insert((*it)[1]);
    EXPECT_GT(links.size(), 0u) << c.args.back();
    for (const std::string& l : links) EXPECT_TRUE(anchors.count(l)) << l << " has no entry";
    // Each entry: its anchor, then (in the same entry) a 64-digit hash.
    const std::regex entry("<div class=entry id=e[0-9]+>(?:(?!</div>).)*?[0-9a-f]{64}");
    size_t hashed = std::distance(std::sregex_iterator(r.out.begin(), r.out.end(), entry),
                                  std::sregex_iterator());
    EXPECT_EQ(hashed, anchors.size()) << c.args.back();
  }
}

TEST_F(CliTest, RebuildCheckFailsOnAStoredProjectionThatDiffers) {
  std::string copy = CopyOfLedger();
  std::filesystem::remove(copy + "/projections.snapshot");
  {
    testing_util::RawDb raw(copy);
    // One stored row changed underneath: "ledger\0r" + "t/<id>" in the projections family.
    std::string key = std::string("ledger") + '\0' + "rt/" + kComplaint;
    std::string value = raw.Get("projections", key);
    ASSERT_FALSE(value.empty());
    value[value.size() - 1] ^= 0x01;
    raw.Put("projections", key, value);
  }
  ProcessResult r = CtlOn(copy, {"rebuild", "--check"});
  ExpectFailure(r, 1, "the stored projections differ from the log");
  EXPECT_NE(r.out.find("DIFFERENT"), std::string::npos) << r.out;
  // A rebuild mends it.
  ProcessResult rebuilt = CtlOn(copy, {"rebuild"});
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_EQ(CtlOn(copy, {"rebuild", "--check"}).exit_code, 0);
}

// Projections an older build stored — rows whose checkpoint records no format (under its old
// key, in its old layout), a snapshot of format 1 — are differences that say what differed; a
// `rebuild` rewrites both in this build's format.
TEST_F(CliTest, RebuildCheckNamesProjectionsOfAnOlderFormat) {
  std::string copy = CopyOfLedger();
  {
    testing_util::RawDb raw(copy);
    const std::string prefix = std::string("ledger") + '\0';
    const std::string checkpoint = raw.Get("projections", prefix + 'v');
    ASSERT_GE(checkpoint.size(), 8u + 32 + 4 + 32);
    // position | log hash | digest: without the format and the rules digest.
    raw.Put("projections", prefix + 'c', checkpoint.substr(0, 40) + checkpoint.substr(76));
    raw.Delete("projections", prefix + 'v');
  }
  {
    std::fstream snapshot(copy + "/projections.snapshot",
                          std::ios::in | std::ios::out | std::ios::binary);
    const uint32_t one = 1;  // the format, after the 8-byte magic, in the machine's order
    snapshot.seekp(8);
    snapshot.write(reinterpret_cast<const char*>(&one), sizeof one);
    ASSERT_TRUE(snapshot.good());
  }
  ProcessResult r = CtlOn(copy, {"rebuild", "--check"});
  ExpectFailure(r, 1, "the stored projections differ from the log");
  EXPECT_NE(r.out.find("stored rows: DIFFERENT: projection stored without a format"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("snapshot: DIFFERENT: projection format 1 stored"), std::string::npos)
      << r.out;
  ProcessResult rebuilt = CtlOn(copy, {"rebuild"});
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  ProcessResult check = CtlOn(copy, {"rebuild", "--check"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

// A ledger holds personal data: what ledgerctl writes — the data directory and everything in it
// (RocksDB's files, the projection snapshot, the token file) and exports — is private to the user
// it runs as, whatever umask it was started with. `export --mode` asks for another mode.
TEST_F(CliTest, EverythingItWritesIsPrivateWhateverTheUmask) {
  const std::string ledger = scratch_.Sub("private");
  const std::string exported = scratch_.Sub("ledger.jsonl"), shared = scratch_.Sub("shared.jsonl");
  const mode_t umask_before = ::umask(022);  // inherited by each ledgerctl run below
  ProcessResult demo = CtlOn(ledger, {"demo", "--no-serve", "--complaints", "5", "--seed", "3"});
  ProcessResult token =
      CtlOn(ledger, {"token", "add", "--actor", "u-auditor-09", "--role", "auditor"});
  ProcessResult rebuild = CtlOn(ledger, {"rebuild"});
  ProcessResult out = CtlOn(ledger, {"export", "--out", exported});
  ProcessResult out_shared = CtlOn(ledger, {"export", "--mode", "0644", "--out", shared});
  ProcessResult bad_mode = CtlOn(ledger, {"export", "--mode", "rw-r--r--", "--out", shared});
  ::umask(umask_before);
  for (const ProcessResult* r : {&demo, &token, &rebuild, &out, &out_shared})
    ASSERT_EQ(r->exit_code, 0) << r->err;
  ExpectFailure(bad_mode, 2, "--mode must be an octal file mode");

  auto mode = [](const std::filesystem::path& p) {
    return std::filesystem::symlink_status(p).permissions() & std::filesystem::perms::mask;
  };
  using std::filesystem::perms;
  const perms others = perms::group_all | perms::others_all;
  EXPECT_EQ(mode(ledger), perms::owner_all);
  ASSERT_TRUE(std::filesystem::exists(ledger + "/projections.snapshot"));
  ASSERT_TRUE(std::filesystem::exists(ledger + "/tokens.json"));
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(ledger)) {
    EXPECT_EQ(mode(entry.path()) & others, perms::none) << entry.path();
    ++files;
  }
  EXPECT_GT(files, 5u);
  EXPECT_EQ(mode(exported), perms::owner_read | perms::owner_write);
  EXPECT_EQ(mode(shared),
            perms::owner_read | perms::owner_write | perms::group_read | perms::others_read);
}

}  // namespace

namespace {

// Signed checkpoints from the command line (docs/operations.md, "Checkpoints and proofs"): a
// key is made 0600 and never overwritten; a key others may read, or one inside the ledger, is
// refused; `checkpoint` signs the head; `prove` writes a bundle; `verify --since` proves the log
// extends a kept checkpoint and refuses one that was changed, or signed by another key.
class CheckpointCli : public ::testing::Test {
 protected:
  ProcessResult Ctl(std::vector<std::string> args) {
    args.insert(args.begin(), kLedgerctl);
    return RunProcess(args, dir_.path());
  }
  TempDir dir_;
};

TEST_F(CheckpointCli, KeysCheckpointsProofsAndVerifySince) {
  const std::string ledger = dir_.Sub("ledger"), key = dir_.Sub("signing.key");
  ASSERT_EQ(Ctl({"--data", ledger, "demo", "--no-serve", "--complaints", "6"}).exit_code, 0);
  ProcessResult made = Ctl({"keys", "generate", "--origin", "ledger.test/cli", "--out", key});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string vkey = made.out.substr(0, made.out.find('\n'));
  EXPECT_EQ(vkey.rfind("ledger.test/cli+", 0), 0u) << vkey;
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(Ctl({"keys", "generate", "--origin", "x.test/y", "--out", key}).exit_code, 2);
  EXPECT_EQ(Ctl({"keys", "show", key}).out, vkey + "\n");

  ProcessResult signed_now = Ctl({"--data", ledger, "checkpoint", "--signing-key", key});
  ASSERT_EQ(signed_now.exit_code, 0) << signed_now.err;
  EXPECT_EQ(signed_now.out.rfind("ledger.test/cli\n", 0), 0u) << signed_now.out;
  const std::string kept = dir_.Sub("kept.checkpoint");
  std::ofstream(kept, std::ios::binary) << signed_now.out;

  ProcessResult bundle = Ctl({"--data", ledger, "prove", "5"});
  ASSERT_EQ(bundle.exit_code, 0) << bundle.err;
  EXPECT_EQ(bundle.out.rfind("c2sp.org/tlog-proof@v1\nextra ", 0), 0u);
  EXPECT_NE(bundle.out.find("\nindex 4\n"), std::string::npos);
  EXPECT_NE(bundle.out.find(signed_now.out), std::string::npos);  // against that checkpoint
  EXPECT_EQ(Ctl({"--data", ledger, "prove", "999999"}).exit_code, 2);

  ProcessResult since = Ctl({"--data", ledger, "verify", "--since", kept, "--key", vkey});
  ASSERT_EQ(since.exit_code, 0) << since.err;
  EXPECT_NE(since.out.find("extends the signed checkpoint ledger.test/cli"), std::string::npos);
  EXPECT_EQ(Ctl({"--data", ledger, "verify", "--since", kept}).exit_code, 2);  // no --key

  // Signed by another key: refused.
  const std::string other = dir_.Sub("other.key");
  ProcessResult other_made =
      Ctl({"keys", "generate", "--origin", "ledger.test/cli", "--out", other});
  ProcessResult foreign = Ctl({"--data", ledger, "verify", "--since", kept, "--key",
                               other_made.out.substr(0, other_made.out.find('\n'))});
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_NE(foreign.err.find("no key we know"), std::string::npos) << foreign.err;
  // A changed root: the signature no longer verifies.
  std::string changed = signed_now.out;
  size_t root = changed.find('\n', changed.find('\n') + 1) + 1;
  changed[root] = changed[root] == 'A' ? 'B' : 'A';
  std::ofstream(dir_.Sub("changed.checkpoint"), std::ios::binary) << changed;
  ProcessResult forged =
      Ctl({"--data", ledger, "verify", "--since", dir_.Sub("changed.checkpoint"), "--key", vkey});
  EXPECT_EQ(forged.exit_code, 1);
  EXPECT_NE(forged.err.find("does not verify"), std::string::npos) << forged.err;

  // A key others may read, and a key inside the ledger's directory, are refused.
  ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
  ProcessResult loose = Ctl({"--data", ledger, "checkpoint", "--signing-key", key});
  EXPECT_EQ(loose.exit_code, 2);
  EXPECT_NE(loose.err.find("chmod 600"), std::string::npos) << loose.err;
  const std::string inside = ledger + "/signing.key";
  ASSERT_EQ(Ctl({"keys", "generate", "--origin", "x.test/y", "--out", inside}).exit_code, 0);
  ProcessResult in_ledger = Ctl({"--data", ledger, "checkpoint", "--signing-key", inside});
  EXPECT_EQ(in_ledger.exit_code, 2);
  EXPECT_NE(in_ledger.err.find("inside the ledger's directory"), std::string::npos)
      << in_ledger.err;
}

}  // namespace
