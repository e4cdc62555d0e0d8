// ledgerctl export [--complaint ID] [--month YYYY-MM] [--format jsonl|html] [--out FILE]
// [--mode MODE]: an audit export (docs/cli.md "export"). The --out file is created 0600 (it
// holds personal data) unless --mode says otherwise, and replaces FILE only once complete: a
// failed export leaves FILE as it was.
//
// jsonl  one JSON object per line: an "export" header (scope, positions, time), then every
//        event in the scope as the API renders it plus "canonical" — the base64 of exactly the
//        bytes the chain hashes — and last the chain head and the verification result. From that
//        alone a reviewer recomputes each hash (SHA-256 of the previous hash and the canonical
//        bytes) and the links between consecutive positions (tools/export_check does). When
//        the log has a signed checkpoint, the header carries the latest ("checkpoint", the
//        signed note) and every event it covers its inclusion proof against it ("proof"), so
//        that a complaint's export is provably in the signed log (tools/verifier).
// html   a self-contained report (export_html.h): the verification result, and for a
//        complaint its state, clocks with their explanations, fines with their evidence and the
//        timeline; for a month, or the whole ledger, its fine tallies per department and per
//        person, line items and findings. Every evidence position links to its event's entry,
//        which shows the event's hash.
//
// Scopes: the whole log; --month: the events recorded in that month (a contiguous range of
// positions); --complaint: that complaint's events; both: the complaint's events of the month.
#include <sys/types.h>

#include <boost/json/serialize.hpp>
#include <cstdio>
#include <memory>
#include <optional>

#include "api/services/event_json.h"
#include "api/services/payload_json.h"
#include "api/services/personal_data.h"
#include "ledger/base/signed_note.h"
#include "ledger/keystore/keystore.h"
#include "ledger/log/access_record.h"
#include "projections/reports.h"
#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/export_html.h"
#include "tools/ledgerctl/output.h"
#include "tools/ledgerctl/output_file.h"
#include "tools/ledgerctl/views.h"

namespace tools {
namespace {

namespace json = boost::json;
using ledger::Result;
using ledger::Status;

// "0600", "644": an octal mode of at most 0777.
std::optional<mode_t> ParseMode(const std::string& text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  mode_t mode = 0;
  for (char c : text) {
    if (c < '0' || c > '7') return std::nullopt;
    mode = mode * 8 + mode_t(c - '0');
  }
  if (mode > 0777) return std::nullopt;
  return mode;
}

// The positions [first, last] of the scope's range (the whole log, or a month's).
struct Range {
  uint64_t first = 1, last = 0;
};

Result<Range> RangeOf(Session& s, const ExportFlags& f) {
  Range r{1, s.log().GetHead().position};
  if (f.month.empty()) return r;
  Result<projections::Period> p = projections::ParsePeriod(f.month, s.utc_offset());
  if (!p.ok() || f.month.size() != 7)
    return Status::InvalidArgument("--month must be YYYY-MM, not '" + f.month + "'");
  LEDGER_ASSIGN_OR_RETURN(r.first, s.log().FirstPositionRecordedAtOrAfter(p->start));
  LEDGER_ASSIGN_OR_RETURN(uint64_t after, s.log().FirstPositionRecordedAtOrAfter(p->end));
  r.last = after - 1;
  return r;
}

json::object VerifyJson(const ledger::VerifyReport& v) {
  json::object o{
      {"ok", v.ok},
      {"checked", v.checked},
      {"head", json::object{{"position", v.head.position}, {"hash", ledger::ToHex(v.head.hash)}}}};
  if (v.tree_checked) o["tree_root"] = ledger::ToHex(v.tree_root);
  if (!v.ok) {
    o["first_bad_position"] = v.first_bad_position;
    o["problem"] = v.problem;
  }
  return o;
}

// Calls fn for each event in scope, in position order.
Status ForEachInScope(Session& s, const ExportFlags& f, const Range& r,
                      const std::function<Status(const ledger::RecordedEvent&)>& fn) {
  if (f.complaint.empty())
    return r.last >= r.first ? s.log().ForEach(r.first, r.last, fn) : Status::Ok();
  LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events,
                          s.log().ReadStreamForward(f.complaint, 1, 1000000));
  if (events.empty()) return Status::NotFound("no complaint " + f.complaint + " in this ledger");
  for (const ledger::RecordedEvent& e : events)
    if (e.position() >= r.first && e.position() <= r.last) LEDGER_RETURN_IF_ERROR(fn(e));
  return Status::Ok();
}

Status Jsonl(Session& s, const ExportFlags& f, const ledger::VerifyReport& verified,
             const api::PersonalDataVault& vault, std::FILE* out) {
  LEDGER_ASSIGN_OR_RETURN(Range r, RangeOf(s, f));
  json::object header{
      {"kind", "export"},
      {"format", 1},
      {"scope", f.complaint.empty() ? (f.month.empty() ? "all" : "month") : "complaint"},
      {"complaint", f.complaint.empty() ? json::value(nullptr) : json::value(f.complaint)},
      {"month", f.month.empty() ? json::value(nullptr) : json::value(f.month)},
      {"first_position", r.first},
      {"last_position", r.last},
      {"contiguous", f.complaint.empty()},
      {"hash", "sha256(prev_hash || canonical)"},
      {"exported_at", ledger::FormatRfc3339(ledger::SystemClock().Now())}};
  // The latest signed checkpoint: each event it covers carries its inclusion proof against it,
  // so a reviewer can check that the exported events are in the signed log (docs/verify.md).
  LEDGER_ASSIGN_OR_RETURN(std::optional<ledger::StoredCheckpoint> checkpoint,
                          s.log().LatestCheckpoint());
  header["checkpoint"] = checkpoint ? json::value(checkpoint->note) : json::value(nullptr);
  if (!WriteAll(out, json::serialize(header) + "\n"))
    return Status::Unavailable("cannot write the export");
  api::PayloadRenderer render = api::DomainPayloadRenderer(s.utc_offset(), &vault);
  // Every complainant the export shows is recorded as read by "ledgerctl export".
  api::Principal viewer = *CliViewer();
  viewer.route = "ledgerctl export";
  uint64_t count = 0;
  ProgressFn progress = ProgressBar("exporting", "events");
  LEDGER_RETURN_IF_ERROR(ForEachInScope(s, f, r, [&](const ledger::RecordedEvent& e) {
    json::object o{{"kind", "event"}};
    for (auto& field : api::EventToJson(e, render, &viewer)) o.insert(std::move(field));
    o["canonical"] = ledger::note::Base64(e.canonical_bytes());
    if (checkpoint && e.position() <= checkpoint->size) {
      LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof,
                              s.log().InclusionProof(e.position(), checkpoint->size));
      json::array hashes;
      for (const ledger::Hash& h : proof)
        hashes.emplace_back(ledger::note::Base64(ledger::AsBytes(h)));
      o["proof"] = std::move(hashes);
    }
    ++count;
    if (progress && count % 4096 == 0) progress(e.position() - r.first + 1, r.last - r.first + 1);
    if (!WriteAll(out, json::serialize(o) + "\n"))
      return Status::Unavailable("cannot write the export");
    return Status::Ok();
  }));
  if (progress) progress(r.last - r.first + 1, r.last - r.first + 1);
  json::object tail{{"kind", "head"},
                    {"events", count},
                    {"position", verified.head.position},
                    {"hash", ledger::ToHex(verified.head.hash)},
                    {"verify", VerifyJson(verified)}};
  if (!WriteAll(out, json::serialize(tail) + "\n"))
    return Status::Unavailable("cannot write the export");
  return Status::Ok();
}

// The event at `position` for the HTML report: as the API renders it, without its payload, with
// times in the policy's time zone like the rest of the report.
Result<json::object> EventEntry(Session& s, uint64_t position) {
  LEDGER_ASSIGN_OR_RETURN(ledger::RecordedEvent ev, s.log().ReadAt(position));
  json::object o = api::EventToJson(ev, api::NullPayloadRenderer(), CliViewer());
  o.erase("payload");
  o["recorded_at"] = ledger::FormatRfc3339(ev.recorded_at(), s.utc_offset());
  o["occurred_at"] = ledger::FormatRfc3339(ev.occurred_at(), s.utc_offset());
  return o;
}

Status Html(Session& s, const Globals& g, const ExportFlags& f,
            const ledger::VerifyReport& verified, std::FILE* out) {
  ledger::SystemClock clock;
  LEDGER_ASSIGN_OR_RETURN(Eval e, ReadEval(EvaluationFlags{}, s, clock));
  HtmlReport report;
  report.ledger = g.data_dir;
  report.verify = VerifyJson(verified);
  report.generated_at =
      ledger::FormatRfc3339(std::chrono::floor<std::chrono::seconds>(e.at), s.utc_offset());
  if (!f.complaint.empty()) {
    report.title = "Complaint " + f.complaint;
    LEDGER_ASSIGN_OR_RETURN(report.ticket, TicketView(s, f.complaint, e));
    LEDGER_ASSIGN_OR_RETURN(report.timeline, TimelineView(s, f.complaint, e));
    for (const json::value& entry : report.timeline.at("entries").as_array()) {
      uint64_t position = entry.at("position").to_number<uint64_t>();
      LEDGER_ASSIGN_OR_RETURN(report.events[position], EventEntry(s, position));
    }
  } else {
    LEDGER_ASSIGN_OR_RETURN(projections::LedgerProjection p,
                            FoldLedger(s, e, ProgressBar("reading", "events")));
    ReportQuery q;
    if (f.month.empty()) {  // the whole ledger
      report.title = "Whole ledger";
      q.period = WholeLedger();
    } else {
      report.title = "Month " + f.month;
      LEDGER_ASSIGN_OR_RETURN(projections::Period month,
                              projections::ParsePeriod(f.month, s.utc_offset()));
      q.month = f.month;
      q.from = month.start;
      q.to = month.end;
    }
    LEDGER_ASSIGN_OR_RETURN(report.fines, FinesView(s, p, e, q));
    report.findings = FindingsView(s, p, e, q);
  }
  for (uint64_t position : CitedPositions(report)) {
    if (report.events.count(position)) continue;
    LEDGER_ASSIGN_OR_RETURN(report.events[position], EventEntry(s, position));
  }
  if (!WriteAll(out, RenderHtml(report))) return Status::Unavailable("cannot write the export");
  return Status::Ok();
}

int Export(const Globals& g, const ExportFlags& f) {
  if (f.format != "jsonl" && f.format != "html")
    return Fail(kExitUsage, "--format must be jsonl or html, not '" + f.format + "'");
  if (f.format == "html" && !f.complaint.empty() && !f.month.empty())
    return Fail(kExitUsage,
                "--format html takes --complaint ID or --month YYYY-MM (or neither: the whole "
                "ledger), not both");
  if (!f.complaint.empty())
    if (Status st = CheckComplaintId(f.complaint); !st.ok()) return FailWith(st);
  std::optional<mode_t> mode = ParseMode(f.mode);
  if (!mode)
    return Fail(kExitUsage, "--mode must be an octal file mode such as 0600, not '" + f.mode + "'");
  // With --kek the export opens sealed personal data and records what it shows (a write: the
  // ledger must not be in use). Without it sealed data stays "[sealed]"; erased subjects show
  // "[erased]" and the erasure's position either way.
  auto session = Session::Open(g.data_dir, f.kek.empty() ? Access::kReadOnly : Access::kWrite);
  if (!session.ok()) return FailWith(session.status());
  std::unique_ptr<ledger::keystore::Keystore> keystore;
  if (!f.kek.empty()) {
    Result<std::unique_ptr<ledger::keystore::Keystore>> ks =
        OpenLedgerKeystore(g.data_dir, f.kek, f.keystore, (*session)->log());
    if (!ks.ok()) return Fail(kExitUsage, OneLine(ks.status()));
    keystore = std::move(ks).value();
  }
  api::PersonalDataVault vault(keystore.get());
  api::PrivacyRegister privacy(&(*session)->log());
  ledger::SystemClock read_clock;
  ledger::AccessRecord reads(&(*session)->log(), &read_clock);
  vault.Attach(&privacy, keystore ? &reads : nullptr);
  ledger::VerifyOptions options;
  options.progress = ProgressBar("verifying", "events");
  Result<ledger::VerifyReport> verified = (*session)->log().Verify(options);
  if (!verified.ok()) return FailWith(verified.status());
  // --out: a temporary file beside FILE, renamed over it only once the export is complete; a
  // failure leaves FILE as it was (output_file.h). Exactly --mode, whatever the umask.
  std::unique_ptr<OutputFile> file;
  std::FILE* out = stdout;
  if (!f.out.empty() && f.out != "-") {
    Result<std::unique_ptr<OutputFile>> created = OutputFile::Create(f.out, *mode);
    if (!created.ok()) return Fail(kExitUsage, OneLine(created.status()));
    file = std::move(created).value();
    out = file->stream();
  }
  Status st = f.format == "jsonl" ? Jsonl(**session, f, *verified, vault, out)
                                  : Html(**session, g, f, *verified, out);
  if (!st.ok()) return FailWith(st);
  if (file)
    if (Status committed = file->Commit(); !committed.ok()) return FailWith(committed);
  if (!verified->ok)
    return Fail(kExitFailed, "exported, but the ledger does not verify: position " +
                                 std::to_string(verified->first_bad_position) + ": " +
                                 verified->problem);
  return kExitOk;
}

}  // namespace

void RegisterExportCommand(CLI::App& app, Globals& g, CommandFlags& flags, Runner& run) {
  CLI::App* cmd = app.add_subcommand(
      "export", "an audit export: events with hashes (jsonl) or a self-contained report (html)");
  ExportFlags* f = &flags.export_;
  cmd->add_option("--complaint", f->complaint, "only this complaint's events");
  cmd->add_option("--month", f->month, "only events recorded in this month (YYYY-MM)");
  cmd->add_option("--format", f->format, "jsonl or html")->capture_default_str();
  cmd->add_option("--out", f->out, "write to this file instead of standard output");
  cmd->add_option("--mode", f->mode,
                  "the --out file's mode, octal (it holds personal data: private by default)")
      ->capture_default_str();
  cmd->add_option("--kek", f->kek,
                  "the key-encryption key file: open sealed personal data (jsonl), recording "
                  "each complainant shown as a read (docs/privacy.md); the ledger must not be in "
                  "use");
  cmd->add_option("--keystore", f->keystore,
                  "the keystore's directory (default: as the ledger "
                  "names it)");
  cmd->callback([&g, &run, f] { run = [&g, f] { return Export(g, *f); }; });
}

}  // namespace tools
