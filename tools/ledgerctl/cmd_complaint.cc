// ledgerctl state | history | replay ID: one complaint — its ticket state (as of / as known at /
// under another policy), its raw events, and its timeline as a manager replays it.
#include <boost/json/serialize.hpp>

#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/output.h"
#include "tools/ledgerctl/render_text.h"
#include "tools/ledgerctl/views.h"

namespace tools {
namespace {

namespace json = boost::json;

enum class View { kState, kHistory, kReplay };

int Print(const json::object& doc, bool as_json, std::string (*text)(const json::object&)) {
  std::string out = as_json ? json::serialize(doc) + "\n" : text(doc);
  if (!WriteAll(stdout, Printable(out))) return Fail(kExitFailed, "cannot write the output");
  return kExitOk;
}

int Run(const Globals& g, const ComplaintFlags& f, View view) {
  if (ledger::Status s = CheckComplaintId(f.id); !s.ok()) return FailWith(s);
  auto session = Session::Open(g.data_dir, Access::kReadOnly);
  if (!session.ok()) return FailWith(session.status());
  ledger::SystemClock clock;
  ledger::Result<Eval> e = ReadEval(f.at, **session, clock);
  if (!e.ok()) return FailWith(e.status());
  ledger::Result<json::object> doc = view == View::kState     ? TicketView(**session, f.id, *e)
                                     : view == View::kHistory ? HistoryView(**session, f.id)
                                                              : TimelineView(**session, f.id, *e);
  if (!doc.ok()) return FailWith(doc.status());
  return Print(*doc, f.json,
               view == View::kState     ? TicketText
               : view == View::kHistory ? HistoryText
                                        : TimelineText);
}

}  // namespace

void AddEvaluationOptions(CLI::App* cmd, EvaluationFlags& at) {
  cmd->add_option("--as-of", at.as_of,
                  "business time (RFC 3339): events that occurred by then, clocks evaluated then");
  cmd->add_option("--known-at", at.known_at,
                  "ledger time (RFC 3339): only events recorded by then");
  cmd->add_option("--policy", at.policy,
                  "what-if: evaluate under this published policy version instead");
}

void RegisterComplaintCommands(CLI::App& app, Globals& g, CommandFlags& flags, Runner& run) {
  struct Spec {
    const char* name;
    const char* help;
    View view;
    ComplaintFlags* f;
  };
  for (Spec s :
       {Spec{"state", "one complaint's ticket state: level, responsibility, clocks, fines",
             View::kState, &flags.state},
        Spec{"history", "one complaint's raw events: positions, both times, actors, hashes",
             View::kHistory, &flags.history},
        Spec{"replay",
             "one complaint's timeline: each event, what it changed, the clocks "
             "after it, fines as they accrue",
             View::kReplay, &flags.replay}}) {
    CLI::App* cmd = app.add_subcommand(s.name, s.help);
    cmd->add_option("ID", s.f->id, "the complaint id, e.g. CMP-2026-000123")->required();
    if (s.view != View::kHistory) AddEvaluationOptions(cmd, s.f->at);
    cmd->add_flag("--json", s.f->json, "print the JSON the API returns instead of text");
    View view = s.view;
    ComplaintFlags* f = s.f;
    cmd->callback([&g, &run, f, view] { run = [&g, f, view] { return Run(g, *f, view); }; });
  }
}

}  // namespace tools
