// ledgerctl fines | rewards | metrics | findings | responsibility: the reports over the whole
// ledger, as tables with totals, the API's JSON (--format json, or --json) or CSV for spreadsheets
// (--format csv: render_csv.h). Each folds the log in memory at the
// evaluation time asked (--as-of, --known-at, --policy), with a progress bar on a terminal.
#include <boost/json/serialize.hpp>
#include <optional>

#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/output.h"
#include "tools/ledgerctl/render_csv.h"
#include "tools/ledgerctl/render_text.h"
#include "tools/ledgerctl/report_filters.h"
#include "tools/ledgerctl/views.h"

namespace tools {
namespace {

namespace json = boost::json;

enum class Report { kFines, kRewards, kMetrics, kFindings, kResponsibility };

ledger::Result<json::object> Compute(Report r, Session& s, const projections::LedgerProjection& p,
                                     const Eval& e, const ReportQuery& q) {
  switch (r) {
    case Report::kFines:
      return FinesView(s, p, e, q);
    case Report::kRewards:
      return RewardsView(s, p, e, q);
    case Report::kMetrics:
      return MetricsView(s, p, e, q);
    case Report::kFindings:
      return FindingsView(s, p, e, q);
    case Report::kResponsibility:
      return ResponsibilityView(s, p, e, q);
  }
  return ledger::Status::Internal("unknown report");
}

std::string (*TextOf(Report r))(const json::object&) {
  switch (r) {
    case Report::kFines:
      return FinesText;
    case Report::kRewards:
      return RewardsText;
    case Report::kMetrics:
      return MetricsText;
    case Report::kFindings:
      return FindingsText;
    case Report::kResponsibility:
      return ResponsibilityText;
  }
  return FindingsText;
}

std::string (*CsvOf(Report r))(const json::object&) {
  switch (r) {
    case Report::kFines:
      return FinesCsv;
    case Report::kRewards:
      return RewardsCsv;
    case Report::kMetrics:
      return MetricsCsv;
    case Report::kFindings:
      return FindingsCsv;
    case Report::kResponsibility:
      return ResponsibilityCsv;
  }
  return FindingsCsv;
}

// The options that only make sense together, checked before the ledger is read.
std::optional<std::string> UsageProblem(const ReportFlags& f) {
  if (f.format != "table" && f.format != "json" && f.format != "csv")
    return "--format must be table, json or csv, not '" + f.format + "'";
  if (f.json && f.format != "table" && f.format != "json")
    return "--json is --format json: it cannot go with --format " + f.format;
  if ((!f.from_month.empty() || !f.to_month.empty()) && !f.month.empty())
    return "--month cannot go with --from-month or --to-month";
  if (!f.to_month.empty() && f.from_month.empty())
    return "--to-month needs --from-month (the first month of the range)";
  return std::nullopt;
}

int Run(const Globals& g, const ReportFlags& f, Report report) {
  if (std::optional<std::string> problem = UsageProblem(f)) return Fail(kExitUsage, *problem);
  auto session = Session::Open(g.data_dir, Access::kReadOnly);
  if (!session.ok()) return FailWith(session.status());
  ledger::SystemClock clock;
  ledger::Result<Eval> e = ReadEval(f.at, **session, clock);
  if (!e.ok()) return FailWith(e.status());
  ReportQuery q{f.month, f.department, f.person, f.project, {}, {}, {}};
  if (!f.from_month.empty()) {  // --to-month defaults to this month (or the month of --as-of)
    auto range = MonthRange(**session, f.from_month,
                            f.to_month.empty() ? MonthOf(**session, e->at) : f.to_month);
    if (!range.ok()) return FailWith(range.status());
    q.period = *range;
  } else if (q.month.empty() && report != Report::kFindings && report != Report::kResponsibility) {
    q.month = MonthOf(**session, e->at);  // this month (or the month of --as-of)
  }
  auto from = DayOrTime(f.from, "--from", (*session)->utc_offset(), false);
  auto to = DayOrTime(f.to, "--to", (*session)->utc_offset(), true);
  if (!from.ok()) return FailWith(from.status());
  if (!to.ok()) return FailWith(to.status());
  q.from = *from;
  q.to = *to;
  if (q.from && q.to && *q.from >= *q.to)  // --to is exclusive: an equal --from is after it
    return Fail(kExitUsage, "--from " + f.from + " is not before --to " + f.to);
  auto projection = FoldLedger(**session, *e, ProgressBar("reading", "events"));
  if (!projection.ok()) return FailWith(projection.status());
  if (ledger::Status st = CheckReportFilters(**session, *projection, *e, q); !st.ok())
    return FailWith(st);
  ledger::Result<json::object> doc = Compute(report, **session, *projection, *e, q);
  if (!doc.ok()) return FailWith(doc.status());
  std::string out = f.json || f.format == "json" ? json::serialize(*doc) + "\n"
                    : f.format == "csv"          ? CsvOf(report)(*doc)
                                                 : TextOf(report)(*doc);
  // CSV cells are made printable one by one (render_csv.h), keeping the CRLF line ends.
  if (!WriteAll(stdout, f.format == "csv" ? out : Printable(out)))
    return Fail(kExitFailed, "cannot write the output");
  return kExitOk;
}

}  // namespace

void RegisterReportCommands(CLI::App& app, Globals& g, CommandFlags& flags, Runner& run) {
  struct Spec {
    const char* name;
    const char* help;
    Report report;
    ReportFlags* f;
  };
  for (Spec s :
       {Spec{"fines", "fine tallies per department and person, with every line and its evidence",
             Report::kFines, &flags.fines},
        Spec{"rewards", "per-department composite scores and rewards for a month", Report::kRewards,
             &flags.rewards},
        Spec{"metrics", "closure and on-time rates, mean times, survey means, project ranking",
             Report::kMetrics, &flags.metrics},
        Spec{"findings", "compliance findings (late entries, levels below the rule, ...)",
             Report::kFindings, &flags.findings},
        Spec{"responsibility", "who held which complaint, in which role, when, and how it ended",
             Report::kResponsibility, &flags.responsibility}}) {
    CLI::App* cmd = app.add_subcommand(s.name, s.help);
    ReportFlags* f = s.f;
    Report report = s.report;
    if (report == Report::kFindings) {
      cmd->add_option("--from", f->from,
                      "findings at or after this time (RFC 3339), or from the start of this day "
                      "(YYYY-MM-DD, in the policy's time zone)");
      cmd->add_option("--to", f->to,
                      "findings before this time (RFC 3339), or up to the end of this day "
                      "(YYYY-MM-DD: the day itself included)");
    } else {
      cmd->add_option("--month", f->month,
                      report == Report::kMetrics || report == Report::kFines
                          ? "YYYY-MM, or YYYY for a whole year (default: this month)"
                      : report == Report::kResponsibility ? "YYYY-MM (default: all)"
                                                          : "YYYY-MM (default: this month)");
    }
    if (report == Report::kFines) {
      cmd->add_option("--from-month", f->from_month,
                      "YYYY-MM: fines from the start of this month (instead of --month)");
      cmd->add_option("--to-month", f->to_month,
                      "YYYY-MM: fines up to the end of this month (default: this month)");
    }
    if (report == Report::kFines || report == Report::kResponsibility) {
      cmd->add_option("--department", f->department,
                      "only this department (an id of the policy; another is an error)");
      cmd->add_option("--person", f->person,
                      "only this person (one the ledger names; another is an error)");
    }
    if (report == Report::kMetrics)
      cmd->add_option("--project", f->project,
                      "only this project (an id of the policy; another is an error)");
    AddEvaluationOptions(cmd, f->at);
    cmd->add_option("--format", f->format,
                    "table (for people), json (the API's JSON) or csv (for spreadsheets: one row "
                    "per item, formula-like cells neutralised)")
        ->capture_default_str();
    cmd->add_flag("--json", f->json, "the same as --format json");
    cmd->callback([&g, &run, f, report] { run = [&g, f, report] { return Run(g, *f, report); }; });
  }
}

}  // namespace tools
