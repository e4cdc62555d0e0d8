// ledgerctl demo: generates a realistic ledger (docs/demo.md), stores its projections, prints a
// summary from them (fines by department, closure rate, findings), issues API tokens for a few
// roles and serves the ledger, ending with the web console's address.
//
// It records what it made in DIR/demo.json (size, seed, the ids of the tokens it issued). Run again
// on that directory, it serves the same ledger: it says so, prints the summary again, revokes the
// tokens it issued last time and issues one new token per role (tokens are kept only as hashes,
// so they cannot be shown again), so tokens do not pile up. Asked for another size or seed there,
// it refuses and says what the directory holds; it never serves a ledger it did not make.
//
// The summary is evaluated as of the demo's fixed "now" (demo::DefaultDemoEnd()), so the same
// seed and size print the same numbers on any day, and the report commands give the same numbers
// with --as-of at that time (the summary says how).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "api/services/token_file.h"
#include "api/services/token_store.h"
#include "ledger/keystore/keystore.h"
#include "ledger/log/projection_store.h"
#include "projections/queries.h"
#include "projections/runner.h"
#include "tools/demo/demo_ledger.h"
#include "tools/demo/summary.h"
#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/output.h"
#include "tools/ledgerctl/session.h"

namespace tools {
namespace {

namespace domain = ledger::domain;

struct DemoFlags {
  int64_t complaints = 3000;
  uint64_t seed = 1;
  std::string listen = "127.0.0.1:8080";
  bool no_serve = false;
  ServeFlags serve;                          // --ui-dir, --no-ui
  CLI::Option* complaints_option = nullptr;  // to tell a value given from the default
  CLI::Option* seed_option = nullptr;
};

// DIR/demo.json: what `ledgerctl demo` made in DIR.
constexpr char kRecordFile[] = "demo.json";
struct DemoRecord {
  int64_t complaints = 0;
  uint64_t seed = 0;
  std::vector<std::string> token_ids;  // the tokens the last run issued
};

std::string RecordPath(const std::string& dir) {
  return (std::filesystem::path(dir) / kRecordFile).string();
}

// The record, or nullopt when DIR has none (a ledger the demo did not make).
ledger::Result<std::optional<DemoRecord>> ReadRecord(const std::string& dir) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> text, api::ReadFileIfExists(RecordPath(dir)));
  if (!text) return std::optional<DemoRecord>();
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*text, ec);
  const boost::json::object* o = ec ? nullptr : v.if_object();
  const boost::json::value* n = o ? o->if_contains("complaints") : nullptr;
  const boost::json::value* seed = o ? o->if_contains("seed") : nullptr;
  if (!n || !n->is_int64() || !seed || !(seed->is_uint64() || seed->is_int64()))
    return ledger::Status::DataLoss(RecordPath(dir) + " is not a demo record");
  DemoRecord r;
  r.complaints = n->as_int64();
  r.seed = seed->to_number<uint64_t>();
  if (const boost::json::value* ids = o->if_contains("tokens"); ids && ids->is_array())
    for (const boost::json::value& id : ids->as_array())
      if (id.is_string()) r.token_ids.emplace_back(id.as_string());
  return std::optional<DemoRecord>(r);
}

ledger::Status WriteRecord(const std::string& dir, const DemoRecord& r) {
  boost::json::array ids;
  for (const std::string& id : r.token_ids) ids.emplace_back(id);
  boost::json::object o{{"made_by", "ledgerctl demo"},
                        {"complaints", r.complaints},
                        {"seed", r.seed},
                        {"tokens", std::move(ids)}};
  return api::WriteFileAtomically(RecordPath(dir), boost::json::serialize(o) + "\n");
}

std::string Described(int64_t complaints, uint64_t seed) {
  return std::to_string(complaints) + " complaints, seed " + std::to_string(seed);
}

// The actors the demo issues tokens for (ids of docs/demo.md's people).
const ledger::Actor kTokenActors[] = {
    {"u-auditor-01", "auditor", ""},
    {"u-cs-01", "cs_agent", "customer_service"},
    {"u-head-property", "dept_head", "property"},
    {"u-reader-01", "reader", ""},
    {"u-admin", "admin", ""},
    {"u-dpo-01", "data_protection", ""},
};

// Months (YYYY-MM) from `start` to `end` in the ledger's time zone.
std::vector<std::string> MonthsBetween(ledger::Time start, ledger::Time end,
                                       std::chrono::minutes tz) {
  std::vector<std::string> months;
  for (ledger::Time t = start; t <= end + std::chrono::days(31); t += std::chrono::days(27)) {
    std::string m = ledger::MonthKey(std::min(t, end), tz);
    if (months.empty() || months.back() != m) months.push_back(m);
    if (t >= end) break;
  }
  return months;
}

// The fines of `months` (one period from the first to the last), by department, as a table: what
// `ledgerctl fines --from-month FIRST --to-month LAST --as-of AS_OF` prints (the same query).
std::string FinesByDepartment(const projections::Scope& scope,
                              const std::vector<std::string>& months, const std::string& as_of) {
  const std::chrono::minutes tz = scope.fallback.calendar.utc_offset;
  projections::Period range{months.front() + ".." + months.back(),
                            projections::ParsePeriod(months.front(), tz)->start,
                            projections::ParsePeriod(months.back(), tz)->end};
  projections::FinesReport r = projections::FinesQuery(scope, range, "", "");
  std::string out = "\nfines by department, " + months.front() + " to " + months.back() +
                    " (as of " + as_of + "):\n";
  Table t({"DEPARTMENT", "LINES", "TOTAL", "WAIVED"}, {1, 2, 3});
  for (const auto& [dept, tally] : r.by_department)
    t.Add({dept, std::to_string(tally.lines), domain::FormatMoney(tally.total),
           domain::FormatMoney(tally.waived)});
  // A line charged to several departments counts for each; the last row counts it once.
  t.Total({"all lines", std::to_string(r.lines.size()), domain::FormatMoney(r.total),
           domain::FormatMoney(r.waived)});
  out += t.Render();
  out += "(TOTAL is net of waivers: a waived line counts in WAIVED only)\n";
  return out;
}

// The closure rate of the last month's year, the findings by kind, and the commands that show
// the same numbers.
std::string ClosureAndFindings(const projections::Scope& scope,
                               const std::vector<std::string>& months, const std::string& as_of,
                               const std::string& dir) {
  const std::chrono::minutes tz = scope.fallback.calendar.utc_offset;
  const std::string year = months.back().substr(0, 4);
  projections::MetricsReport metrics =
      projections::MetricsQuery(scope, *projections::ParsePeriod(year, tz), "");
  const projections::ProjectMetrics& all = metrics.total;
  std::string out =
      "\nclosure rate " + year + ": " +
      (all.closure_rate ? domain::FormatMoney(*all.closure_rate) + " %" : std::string("-")) + " (" +
      std::to_string(all.closed) + " of " + std::to_string(all.received) +
      " valid complaints closed)\n";
  std::map<std::string, int> kinds;
  std::vector<projections::Finding> findings = projections::FindingsQuery(scope, {}, {});
  for (const projections::Finding& f : findings) ++kinds[f.kind];
  out += "findings: " + std::to_string(findings.size());
  const char* sep = " (";
  for (const auto& [kind, n] : kinds) {
    out += sep + kind + " " + std::to_string(n);
    sep = ", ";
  }
  out += kinds.empty() ? "\n" : ")\n";
  out += "the same numbers: ledgerctl --data " + dir + " fines --from-month " + months.front() +
         " --to-month " + months.back() + " --as-of " + as_of + " (and metrics --month " + year +
         " --as-of " + as_of + ", findings --as-of " + as_of + ")\n";
  return out;
}

// A complaint worth replaying, into `example`: the most kinds of fine, then the most events.
void PickExample(const projections::Scope& scope, std::string* example) {
  size_t best = 0;
  for (const auto& [id, tracked] : scope.projection.complaints()) {
    if (id.rfind("CMP-", 0) != 0) continue;
    projections::Derived d =
        projections::Derive(tracked, scope.policies, scope.fallback, scope.now);
    std::set<std::string> rules;
    for (const domain::FineLine& l : d.fines) rules.insert(l.rule);
    size_t score = rules.size() * 1000 + tracked.state.version;
    if (score > best) {
      best = score;
      *example = id;
    }
    if (example->size() && best >= 4000) break;
  }
}

// The summary from the projections. Also picks a complaint worth replaying into `example`.
std::string ProjectionSummary(const projections::Scope& scope, ledger::Time start,
                              const std::string& dir, std::string* example) {
  const std::chrono::minutes tz = scope.fallback.calendar.utc_offset;
  const std::string as_of = ledger::FormatRfc3339(scope.now, tz);
  std::vector<std::string> months = MonthsBetween(start, scope.now, tz);
  std::string out = FinesByDepartment(scope, months, as_of);
  out += ClosureAndFindings(scope, months, as_of, dir);
  PickExample(scope, example);
  return out;
}

// Revokes the tokens the demo's last run issued (`record`), issues one per role of
// kTokenActors, records their ids and returns their lines for the screen.
std::string IssueTokens(const std::string& dir, DemoRecord* record, std::string* auditor_token) {
  ledger::SystemClock clock;
  api::TokenStore store(api::TokenStore::PathInDirectory(dir),
                        {&clock, std::chrono::milliseconds(1000), {}});
  std::string out;
  for (const std::string& id : record->token_ids)
    if (!store.Revoke(id).ok()) out += "  (could not revoke the earlier demo token " + id + ")\n";
  if (!record->token_ids.empty())
    out += "\nrevoked the " + std::to_string(record->token_ids.size()) +
           " tokens the demo issued last time (ledgerctl token list shows them)\n";
  record->token_ids.clear();
  out += "\nAPI tokens (shown once; only their hashes are kept, in " + store.path() + "):\n";
  Table t({"ROLE", "ACTOR", "TOKEN"});
  for (const ledger::Actor& a : kTokenActors) {
    ledger::Result<api::IssuedToken> issued = store.Add(a);
    if (!issued.ok()) return out + "  (cannot issue tokens: " + issued.status().message() + ")\n";
    t.Add({a.role, a.id, issued->token});
    record->token_ids.push_back(issued->record.id);
    if (a.role == "auditor") *auditor_token = issued->token;
  }
  if (ledger::Status st = WriteRecord(dir, *record); !st.ok())
    out += "  (cannot record the tokens' ids: " + st.message() + ")\n";
  return out + t.Render();
}

std::string WhereToLook(const std::string& dir, const std::string& url, const std::string& token,
                        const std::string& example, bool console) {
  std::error_code ec;
  std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  const std::string ctl = ec ? "ledgerctl" : self;
  std::string out = "\nTry:\n";
  out += "  export TOKEN=" + token + "\n";
  out +=
      "  curl -s -H \"Authorization: Bearer $TOKEN\" " + url + "/v1/complaints/" + example + "\n";
  out += "  curl -s -H \"Authorization: Bearer $TOKEN\" '" + url + "/v1/fines?month=2026-10'\n";
  out += "  curl -s -H \"Authorization: Bearer $TOKEN\" " + url + "/v1/ledger/verify\n";
  out += "  " + ctl + " --data " + dir + " replay " + example + "\n";
  out += "  " + ctl + " --data " + dir + " fines --month 2026-10\n";
  out += "  " + ctl + " --data " + dir + " export --complaint " + example +
         " --format html --out report.html\n";
  out += "Press Ctrl-C to stop the server.\n";
  // Last, where the eye lands: the console (sign in with a token of the table above).
  if (console)
    out += "\n  Web console: " + url + "/ui/   (sign in with a token from the table above)\n\n";
  return out;
}

// Generates the demo ledger in `dir` and closes it. kExitOk, or the exit code of the failure.
int Generate(const std::string& dir, const demo::GeneratorOptions& options,
             const std::string& kek) {
  // With a KEK the demo seals complainants' personal data as `serve --kek` does: its keystore is
  // made first, in DIR/keystore, and named in DIR/keystore.ref.
  std::unique_ptr<ledger::keystore::Keystore> keystore;
  if (!kek.empty()) {
    std::error_code ec;
    if (std::filesystem::create_directory(dir, ec))
      std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    auto ks = CreateLedgerKeystore(dir, kek);
    if (!ks.ok()) return Fail(kExitUsage, OneLine(ks.status()));
    keystore = std::move(ks).value();
  }
  auto ledger = demo::DemoLedger::Create(dir, options, keystore.get());
  if (!ledger.ok()) return Fail(kExitUsage, ledger.status().ToString());
  auto t0 = std::chrono::steady_clock::now();
  ledger::Result<demo::GeneratorStats> stats = (*ledger)->Generate();
  if (!stats.ok()) return FailWith(stats.status().Annotate("generating"));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fputs(demo::FormatSummary(*stats, seconds).c_str(), stdout);
  if (ledger::Status s = (*ledger)->log().Close(); !s.ok()) return FailWith(s);
  return kExitOk;
}

// Checks what DIR holds against what was asked. Into `record`: what to serve (DIR's own record,
// or a new one for the flags when DIR holds no ledger yet: `*exists` is then false).
int Match(const std::string& dir, const DemoFlags& flags, DemoRecord* record, bool* exists) {
  ledger::Result<bool> holds = demo::HoldsLedger(dir);
  if (!holds.ok()) return Fail(kExitUsage, holds.status().ToString());
  *exists = *holds;
  record->complaints = flags.complaints;
  record->seed = flags.seed;
  if (!*holds) return kExitOk;
  ledger::Result<std::optional<DemoRecord>> old = ReadRecord(dir);
  if (!old.ok()) return FailWith(old.status());
  if (!*old)
    return Fail(kExitUsage, "'" + dir +
                                "' already holds a ledger the demo did not make; choose another "
                                "--data directory (or serve it: ledgerctl --data " +
                                dir + " serve)");
  const bool size_asked = flags.complaints_option && flags.complaints_option->count() > 0;
  const bool seed_asked = flags.seed_option && flags.seed_option->count() > 0;
  if ((size_asked && (*old)->complaints != flags.complaints) ||
      (seed_asked && (*old)->seed != flags.seed))
    return Fail(kExitUsage,
                "'" + dir + "' holds the demo ledger of " +
                    Described((*old)->complaints, (*old)->seed) + ", not the " +
                    Described(size_asked ? flags.complaints : (*old)->complaints,
                              seed_asked ? flags.seed : (*old)->seed) +
                    " asked; choose another --data directory (or delete it for a new demo)");
  *record = **old;
  std::printf(
      "demo: %s already holds the demo ledger (%s); serving it again (delete it for a new "
      "one)\n",
      dir.c_str(), Described(record->complaints, record->seed).c_str());
  return kExitOk;
}

int Demo(const Globals& g, const DemoFlags& flags) {
  if (flags.complaints < 1 || flags.complaints > demo::kMaxComplaints)
    return Fail(kExitUsage,
                "--complaints must be from 1 to " + std::to_string(demo::kMaxComplaints));
  if (!flags.serve.ui_dir.empty() && !std::filesystem::is_directory(flags.serve.ui_dir))
    return Fail(kExitUsage, "--ui-dir " + flags.serve.ui_dir + " is not a directory");
  DemoRecord record;
  bool exists = false;
  if (int code = Match(g.data_dir, flags, &record, &exists); code != kExitOk) return code;

  demo::GeneratorOptions options;
  options.complaints = record.complaints;
  options.seed = record.seed;
  ProgressFn bar = ProgressBar("generating", "complaints");
  if (bar)
    options.progress = [bar](int64_t done, int64_t total) { bar(uint64_t(done), uint64_t(total)); };
  const ledger::Time start = demo::DemoStart(options), now = options.end;
  if (!exists) {
    if (int code = Generate(g.data_dir, options, flags.serve.kek); code != kExitOk) return code;
    if (ledger::Status st = WriteRecord(g.data_dir, record); !st.ok()) return FailWith(st);
  }

  // Reopened as any ledger is: store the projections, summarize from them, then serve.
  auto session = Session::Open(g.data_dir, Access::kWrite);
  if (!session.ok()) return FailWith(session.status());
  Session& s = **session;
  ledger::ProjectionStore store(&s.log());
  projections::ProjectionRunner runner(
      &s.log(), &s.policies(), &store,
      projections::RunnerOptions{
          (std::filesystem::path(g.data_dir) / "projections.snapshot").string()});
  if (ledger::Status st = runner.Rebuild(ProgressBar("projections", "events")); !st.ok())
    return FailWith(st);
  if (ledger::Status st = runner.WriteSnapshot(); !st.ok()) return FailWith(st);
  std::string example;
  std::string summary = runner.Read([&](const projections::LedgerProjection& p) {
    return ProjectionSummary(projections::Scope{p, s.lookup(), s.current(), now}, start, g.data_dir,
                             &example);
  });
  ledger::Head h = s.log().GetHead();
  summary += "head " + std::to_string(h.position) + ":" + ledger::ToHex(h.hash) +
             " (keep it elsewhere; `ledgerctl verify --expect-head` checks it later)\n";
  std::fputs(summary.c_str(), stdout);
  std::fflush(stdout);
  if (flags.no_serve) {
    if (ledger::Status st = s.Close(); !st.ok()) return FailWith(st);
    return kExitOk;
  }
  std::string token;
  std::fputs(IssueTokens(g.data_dir, &record, &token).c_str(), stdout);
  ServeFlags serve = flags.serve;
  serve.listen = flags.listen;
  int code = ServeLog(s.log(), g.data_dir, serve, [&](const std::string& url) {
    std::fputs(WhereToLook(g.data_dir, url, token, example, !serve.no_ui).c_str(), stdout);
  });
  if (ledger::Status st = s.Close(); !st.ok()) return FailWith(st);
  return code;
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, Globals& g, Runner& run) {
  auto flags = std::make_shared<DemoFlags>();  // held by the callbacks, as long as the app
  auto* demo = app.add_subcommand(
      "demo", "generate a realistic ledger of complaints, print a summary and serve it");
  flags->complaints_option =
      demo->add_option("--complaints", flags->complaints, "how many complaints to generate")
          ->capture_default_str();
  flags->seed_option = demo->add_option("--seed", flags->seed,
                                        "the random seed: the same seed gives the same ledger")
                           ->capture_default_str();
  demo->add_option("--listen", flags->listen, "HOST:PORT to serve the API on")
      ->capture_default_str();
  demo->add_flag("--no-serve", flags->no_serve, "generate and summarize, then exit");
  AddConsoleFlags(*demo, flags->serve);
  demo->add_option("--kek", flags->serve.kek,
                   "seal complainants' personal data with keys wrapped by this key-encryption key "
                   "(ledgerctl keystore new-kek; outside --data): a new demo is generated sealed, "
                   "and a sealed one is served only with it (docs/privacy.md)");
  demo->add_option(
      "--signing-key", flags->serve.signing_key,
      "sign checkpoints while serving (ledgerctl keys generate; 0600, outside --data)");
  demo->callback([&g, &run, flags] { run = [&g, flags] { return Demo(g, *flags); }; });
}

}  // namespace tools
