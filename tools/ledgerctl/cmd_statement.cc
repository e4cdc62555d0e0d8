// ledgerctl statement: a proved fine statement (docs/event-format.md "Fine statements";
// docs/verify.md tells a reviewer how to check one).
//
//   statement --month YYYY-MM | --from-month A --to-month B  [--size N] [--out FILE] [--publish]
//
// The fine lines accrued in the months, as the ledger gives them from events 1..N of a signed
// checkpoint of size N (the latest by default), evaluated at the time the N-th event was
// recorded. Every line names the events that prove it; the statement carries every event of each
// cited complaint (and of the policy stream) with its inclusion proof against the checkpoint,
// each cited stream's leaf in a sorted tree of stream heads with both neighbours (so no later
// event of that complaint is left out), and a Merkle sum tree over the lines per department.
// --publish appends a FineStatementPublished event with the file's SHA-256 and its roots.
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "ledger/base/signed_note.h"
#include "ledger/domain/policy_store.h"
#include "ledger/domain/statement_record.h"
#include "projections/fine_statement.h"
#include "projections/queries.h"
#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/output.h"
#include "tools/ledgerctl/output_file.h"
#include "tools/ledgerctl/session.h"
#include "tools/ledgerctl/views.h"

namespace tools {
namespace {

namespace json = boost::json;
using ledger::Result;
using ledger::Status;

constexpr char kPolicyStream[] = "policy";

struct StatementFlags {
  std::string month, from_month, to_month, out, actor;
  uint64_t size = 0;
  bool publish = false;
};

json::array Hashes(const std::vector<ledger::Hash>& hashes) {
  json::array out;
  for (const ledger::Hash& h : hashes) out.emplace_back(ledger::note::Base64(ledger::AsBytes(h)));
  return out;
}

json::array Texts(const std::vector<std::string>& items) {
  json::array out;
  for (const std::string& s : items) out.emplace_back(s);
  return out;
}

json::object LineJson(const ledger::domain::FineLine& l) {
  json::array evidence;
  for (uint64_t p : l.evidence) evidence.emplace_back(p);
  return json::object{{"id", l.id},
                      {"complaint", l.complaint},
                      {"rule", l.rule},
                      {"amount", l.amount},
                      {"day", l.day},
                      {"accrued", ledger::ToMicros(l.accrued)},
                      {"people", Texts(l.people)},
                      {"departments", Texts(l.departments)},
                      {"derived", l.derived},
                      {"evidence", std::move(evidence)},
                      {"waived", l.waived},
                      {"waiver_position", l.waiver_position},
                      {"reason", l.reason}};
}

struct Built {
  std::string text;
  ledger::domain::StatementSummary summary;
};

// Folds events 1..size, takes the period's lines and builds the statement's JSON.
Result<Built> Build(Session& session, const ledger::StoredCheckpoint& c,
                    const projections::Period& period, const StatementFlags& f) {
  ledger::EventLog& log = session.log();
  const uint64_t n = c.size;
  // Only the policy versions published within 1..n: the statement is what those events prove,
  // whatever was published since. The fallback (for an event naming no known version) is the
  // latest of them, as the ledger's current policy was then.
  std::map<uint32_t, std::shared_ptr<const ledger::domain::Policy>> versions;
  for (const ledger::domain::PublishedPolicy& v : session.policies().List())
    if (v.position <= n) versions[v.version] = v.policy;
  projections::PolicyLookup lookup =
      [&versions](uint32_t version) -> const ledger::domain::Policy* {
    auto it = versions.find(version);
    return it == versions.end() ? nullptr : it->second.get();
  };
  const ledger::domain::Policy& fallback =
      versions.empty() ? session.current() : *versions.rbegin()->second;
  projections::LedgerProjection projection;
  std::map<std::string, std::vector<uint64_t>> streams;  // every stream's positions, in order
  ledger::Time at{};
  ProgressFn progress = ProgressBar("reading", "events");
  LEDGER_RETURN_IF_ERROR(log.ForEach(1, n, [&](const ledger::RecordedEvent& ev) {
    streams[std::string(ev.stream())].push_back(ev.position());
    if (ev.position() == n) at = ev.recorded_at();
    if (progress && (ev.position() % 16384 == 0 || ev.position() == n)) progress(ev.position(), n);
    return projection.Apply(ev, lookup, fallback, /*visible=*/true);
  }));
  // The months in the time zone of the policy in force at n (MonthRange used today's).
  projections::Period months = period;
  const std::string first = f.month.empty() ? f.from_month : f.month;
  const std::string last = f.month.empty() ? f.to_month : f.month;
  LEDGER_ASSIGN_OR_RETURN(projections::Period p1,
                          projections::ParsePeriod(first, fallback.calendar.utc_offset));
  LEDGER_ASSIGN_OR_RETURN(projections::Period p2,
                          projections::ParsePeriod(last, fallback.calendar.utc_offset));
  months.start = p1.start;
  months.end = p2.end;
  projections::Scope scope{projection, lookup, fallback, at};
  projections::FinesReport report = projections::FinesQuery(scope, months, "", "");

  // The sum tree over the lines, per department.
  std::vector<projections::StatementLeaf> leaves = projections::SumLeaves(report.lines);
  std::vector<ledger::merkle::SumNode> nodes;
  std::map<std::string, std::tuple<uint64_t, uint64_t, uint64_t>> departments;
  for (const projections::StatementLeaf& leaf : leaves) {
    nodes.push_back(leaf.node);
    auto& [fine, waived, count] = departments[leaf.department];
    fine += leaf.node.fine;
    waived += leaf.node.waived;
    ++count;
  }
  LEDGER_ASSIGN_OR_RETURN(ledger::merkle::SumNode sum_root, ledger::merkle::SumRoot(nodes));

  // The streams cited: each complaint with a line, and the policy versions they were judged by.
  std::set<std::string> cited;
  for (const ledger::domain::FineLine& l : report.lines) cited.insert(l.complaint);
  if (streams.count(kPolicyStream)) cited.insert(kPolicyStream);
  std::vector<projections::StreamHead> heads;
  for (const auto& [stream, positions] : streams)
    heads.push_back({stream, positions.size(), positions.back()});
  projections::HeadsTree heads_tree = projections::BuildHeadsTree(heads);
  const uint64_t heads_size = heads_tree.leaves.size();
  std::set<uint64_t> head_leaves;
  json::array cited_json;
  for (const std::string& s : cited) {
    const uint64_t i = heads_tree.index.at(s);
    head_leaves.insert({i - 1, i, i + 1});
    const std::vector<uint64_t>& positions = streams.at(s);
    cited_json.push_back(json::object{{"stream", s},
                                      {"version", positions.size()},
                                      {"position", positions.back()},
                                      {"heads_index", i}});
  }
  json::array head_proofs;
  for (uint64_t i : head_leaves) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof,
                            ledger::merkle::InclusionProof(heads_tree.tree, i, heads_size));
    head_proofs.push_back(json::object{{"index", i},
                                       {"leaf", ledger::note::Base64(heads_tree.leaves[i])},
                                       {"proof", Hashes(proof)}});
  }

  // Every event of the cited streams, and the last event (its time is the evaluation time),
  // each with its inclusion proof against the checkpoint.
  std::set<uint64_t> positions{n};
  for (const std::string& s : cited) positions.insert(streams.at(s).begin(), streams.at(s).end());
  json::array events;
  for (uint64_t p : positions) {
    LEDGER_ASSIGN_OR_RETURN(ledger::RecordedEvent ev, log.ReadAt(p));
    LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof, log.InclusionProof(p, n));
    events.push_back(json::object{{"position", p},
                                  {"canonical", ledger::note::Base64(ev.canonical_bytes())},
                                  {"proof", Hashes(proof)}});
  }

  json::array lines, by_department;
  for (const ledger::domain::FineLine& l : report.lines) lines.push_back(LineJson(l));
  for (const auto& [d, t] : departments)
    by_department.push_back(json::object{{"department", d},
                                         {"fine", std::get<0>(t)},
                                         {"waived", std::get<1>(t)},
                                         {"lines", std::get<2>(t)}});
  const std::string& from_month = first;
  const std::string& to_month = last;
  json::object doc{
      {"kind", "fine_statement"},
      {"format", 1},
      {"from_month", from_month},
      {"to_month", to_month},
      {"start", ledger::ToMicros(months.start)},
      {"end", ledger::ToMicros(months.end)},
      {"size", n},
      {"at", ledger::ToMicros(at)},
      {"checkpoint", c.note},
      {"lines", std::move(lines)},
      {"total",
       json::object{
           {"fine", report.total}, {"waived", report.waived}, {"lines", report.lines.size()}}},
      {"departments", std::move(by_department)},
      {"sum_root", json::object{{"hash", ledger::note::Base64(ledger::AsBytes(sum_root.hash))},
                                {"fine", sum_root.fine},
                                {"waived", sum_root.waived},
                                {"leaves", nodes.size()}}},
      {"heads",
       json::object{{"root", ledger::note::Base64(ledger::AsBytes(heads_tree.tree.Root()))},
                    {"size", heads_size},
                    {"cited", std::move(cited_json)},
                    {"leaves", std::move(head_proofs)}}},
      {"events", std::move(events)},
  };
  Built b;
  b.text = json::serialize(doc) + "\n";
  b.summary.from_month = from_month;
  b.summary.to_month = to_month;
  b.summary.tree_size = n;
  b.summary.tree_root = ledger::ToHex(c.root);
  b.summary.statement_sha256 = ledger::ToHex(ledger::Sha256(b.text));
  b.summary.sum_root = ledger::ToHex(sum_root.hash);
  b.summary.fines = ledger::domain::Money(sum_root.fine);
  b.summary.waived = ledger::domain::Money(sum_root.waived);
  b.summary.heads_root = ledger::ToHex(heads_tree.tree.Root());
  b.summary.lines = uint32_t(report.lines.size());
  return b;
}

ledger::Actor Operator(const StatementFlags& f) {
  if (!f.actor.empty()) return {f.actor, "admin", ""};
  const char* user = std::getenv("USER");
  return {std::string("cli:") + (user && *user ? user : "unknown"), "admin", ""};
}

int Run(const Globals& g, const StatementFlags& f) {
  if (f.month.empty() == f.from_month.empty())
    return Fail(kExitUsage, "give either --month or --from-month (with --to-month)");
  if (!f.to_month.empty() && f.from_month.empty())
    return Fail(kExitUsage, "--to-month needs --from-month (the first month of the range)");
  if (f.publish && (f.out.empty() || f.out == "-"))
    return Fail(kExitUsage, "--publish needs --out FILE: the published hash is of that file");
  auto session = Session::Open(g.data_dir, f.publish ? Access::kWrite : Access::kReadOnly);
  if (!session.ok()) return FailWith(session.status());
  ledger::EventLog& log = (*session)->log();
  Result<ledger::StoredCheckpoint> c = ChosenCheckpoint(log, f.size);
  if (!c.ok()) return Fail(kExitFailed, OneLine(c.status()));
  const std::string from = f.month.empty() ? f.from_month : f.month;
  const std::string to =
      f.month.empty() ? (f.to_month.empty() ? f.from_month : f.to_month) : f.month;
  Result<projections::Period> period = MonthRange(**session, from, to);
  if (!period.ok()) return FailWith(period.status());
  StatementFlags resolved = f;
  if (f.month.empty()) resolved.to_month = to;
  Result<Built> built = Build(**session, *c, *period, resolved);
  if (!built.ok()) return FailWith(built.status());
  if (f.out.empty() || f.out == "-") {
    if (!WriteAll(stdout, built->text)) return Fail(kExitFailed, "cannot write the output");
    return kExitOk;
  }
  // The statement carries the cited complaints' events (personal data): 0600, whole or nothing.
  Result<std::unique_ptr<OutputFile>> file = OutputFile::Create(f.out, 0600);
  if (!file.ok()) return Fail(kExitUsage, OneLine(file.status()));
  if (!WriteAll((*file)->stream(), built->text)) return Fail(kExitFailed, "cannot write " + f.out);
  if (Status st = (*file)->Commit(); !st.ok()) return FailWith(st);
  const ledger::domain::StatementSummary& s = built->summary;
  std::fprintf(stderr,
               "ledgerctl: wrote the fine statement of %s..%s (%u lines, fines %s, waived %s) "
               "proved against the checkpoint of size %llu to %s\n",
               s.from_month.c_str(), s.to_month.c_str(), s.lines,
               ledger::domain::FormatMoney(s.fines).c_str(),
               ledger::domain::FormatMoney(s.waived).c_str(), (unsigned long long)s.tree_size,
               f.out.c_str());
  if (!f.publish) return kExitOk;
  Result<ledger::AppendResult> appended = ledger::domain::RecordStatement(
      log, s, Operator(f), (*session)->policies().current_version());
  if (!appended.ok()) return FailWith(appended.status());
  std::printf("published at position %llu: sha256 %s\n",
              (unsigned long long)appended->last_position, s.statement_sha256.c_str());
  return kExitOk;
}

}  // namespace

void RegisterStatementCommand(CLI::App& app, Globals& g, Runner& run) {
  auto f = std::make_shared<StatementFlags>();
  auto* cmd = app.add_subcommand(
      "statement",
      "a proved fine statement for a month or months: its lines, the events proving them with "
      "inclusion proofs against a signed checkpoint, sum and heads trees");
  cmd->fallthrough();
  cmd->add_option("--month", f->month, "YYYY-MM: the month it covers");
  cmd->add_option("--from-month", f->from_month, "YYYY-MM: the first month (instead of --month)");
  cmd->add_option("--to-month", f->to_month, "YYYY-MM: the last month (default: --from-month)");
  cmd->add_option("--size", f->size,
                  "the size of the signed checkpoint to prove against (default: the latest)");
  cmd->add_option("--out", f->out, "write the statement to this file (0600) instead of stdout");
  cmd->add_flag("--publish", f->publish,
                "append a FineStatementPublished event with the file's SHA-256 and roots (needs "
                "--out; not while a server holds the ledger)");
  cmd->add_option("--actor", f->actor,
                  "the person id the published event names (default: cli:$USER)");
  cmd->callback([&g, &run, f] { run = [&g, f] { return Run(g, *f); }; });
}

}  // namespace tools
