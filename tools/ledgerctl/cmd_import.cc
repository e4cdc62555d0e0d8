// ledgerctl import FILE: actions as JSON lines, applied in order through the write path the API
// uses (api::CommandService), each as the actor its line names, marked as imported. Stops at the
// first refused line (printing its number and the reason) and keeps what came before; the import
// itself is recorded as an ImportRecorded event (ledger/domain/import_record.h). docs/cli.md
// describes the line format.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>

#include "api/services/command_service.h"
#include "ledger/domain/import_record.h"
#include "ledger/domain/policy.h"
#include "ledger/keystore/keystore.h"
#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/import_lines.h"
#include "tools/ledgerctl/output.h"
#include "tools/ledgerctl/session.h"

namespace tools {
namespace {

namespace domain = ledger::domain;
using ledger::Result;
using ledger::Status;

constexpr size_t kMaxImportBytes = size_t(1) << 30;  // 1 GiB

Result<std::string> ReadInput(const std::string& file) {
  std::string data;
  if (file == "-") {
    data.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::InvalidArgument("cannot read the import file '" + file + "'");
    data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (data.size() > kMaxImportBytes)
    return Status::InvalidArgument("the import file is larger than 1 GiB; split it");
  return data;
}

ledger::Actor Operator(const ImportFlags& f) {
  if (!f.actor.empty()) return {f.actor, "admin", ""};
  const char* user = std::getenv("USER");
  return {std::string("cli:") + (user && *user ? user : "unknown"), "admin", ""};
}

// The complaint a line names: an id, or "ref:<external_ref>" looked up among those on record.
Result<std::string> ComplaintOf(api::CommandService& service, const domain::Action& action) {
  if (action.type == "receive" || action.type == "rate_department") return std::string();
  if (action.complaint.rfind("ref:", 0) != 0) return action.complaint;
  std::string ref = action.complaint.substr(4);
  std::optional<std::string> id = service.FindByExternalRef(ref);
  if (!id)
    return Status::WithErrors(
        ledger::Code::kNotFound, "no complaint has external_ref " + ref,
        {{"complaint", "unknown_reference", "no complaint has external_ref '" + ref + "'"}});
  return *id;
}

Status ApplyLine(api::CommandService& service, std::string_view line, uint64_t* first,
                 uint64_t* last) {
  LEDGER_ASSIGN_OR_RETURN(domain::Action action,
                          domain::ParseActionText(line, /*import_line=*/true));
  LEDGER_ASSIGN_OR_RETURN(std::string complaint, ComplaintOf(service, action));
  LEDGER_ASSIGN_OR_RETURN(api::ActionOutcome out,
                          service.Execute(action, *action.actor, complaint, /*imported=*/true));
  if (!out.events.empty()) {
    if (*first == 0) *first = out.events.front().position();
    *last = out.events.back().position();
  }
  return Status::Ok();
}

int Import(const Globals& g, const ImportFlags& f) {
  Result<std::string> data = ReadInput(f.file);
  if (!data.ok()) return FailWith(data.status());
  auto session = Session::Open(g.data_dir, Access::kCreate);
  if (!session.ok()) return FailWith(session.status());
  Session& s = **session;
  // A ledger that seals personal data is imported into sealed, never in the clear.
  Result<std::unique_ptr<ledger::keystore::Keystore>> keystore =
      OpenLedgerKeystore(g.data_dir, f.kek, f.keystore, s.log());
  if (!keystore.ok()) return Fail(kExitUsage, OneLine(keystore.status()));
  if (s.policies().current_version() == 0) {  // a new ledger: the default policy, as serve does
    Result<uint32_t> v =
        s.policies().Publish(std::string(domain::DefaultPolicyText()), Operator(f));
    if (!v.ok()) return FailWith(v.status().Annotate("publishing the default policy"));
  }
  api::PersonalDataVault vault(keystore->get());
  ledger::SystemClock clock;
  api::CommandService service(&s.log(), &s.policies(), &clock, vault.sealing() ? &vault : nullptr);
  if (Status st = service.Start(); !st.ok()) return FailWith(st);

  domain::ImportSummary summary;
  summary.file_name = f.file == "-" ? "(stdin)" : f.file;
  summary.file_sha256 = ledger::ToHex(ledger::Sha256(*data));
  ImportLines lines(*data);
  const uint64_t total = lines.total();
  ProgressFn progress = ProgressBar("importing", "lines");
  Status refused;
  while (std::optional<ImportLine> line = lines.Next()) {
    ++summary.lines_read;
    refused = ApplyLine(service, line->text, &summary.first_position, &summary.last_position);
    if (!refused.ok()) {
      summary.stopped_at = line->number;
      summary.stop_reason = OneLine(refused);
      break;
    }
    ++summary.lines_applied;
    if (progress) progress(line->number, total);
  }
  if (progress && refused.ok()) progress(total, total);
  Result<ledger::AppendResult> recorded =
      domain::RecordImport(s.log(), summary, Operator(f), s.policies().current_version());
  if (!recorded.ok()) return FailWith(recorded.status().Annotate("recording the import"));
  std::printf("imported %s lines of %s (sha256 %s)", Grouped(summary.lines_applied).c_str(),
              summary.file_name.c_str(), summary.file_sha256.c_str());
  if (summary.first_position)
    std::printf(", events %llu to %llu", (unsigned long long)summary.first_position,
                (unsigned long long)summary.last_position);
  std::printf("; recorded as event %llu\n", (unsigned long long)recorded->last_position);
  std::fflush(stdout);
  if (Status st = s.Close(); !st.ok()) return FailWith(st);
  if (!refused.ok())
    return Fail(ExitCodeFor(refused) == kExitUsage ? kExitFailed : ExitCodeFor(refused),
                "line " + std::to_string(summary.stopped_at) +
                    " refused, nothing after it applied: " + summary.stop_reason);
  return kExitOk;
}

}  // namespace

void RegisterImportCommand(CLI::App& app, Globals& g, CommandFlags& flags, Runner& run) {
  CLI::App* cmd = app.add_subcommand(
      "import",
      "apply actions from JSON lines (from another system), in order, marked as imported");
  ImportFlags* f = &flags.import;
  cmd->add_option("FILE", f->file, "the JSON-lines file, or - for standard input")->required();
  cmd->add_option("--actor", f->actor, "who runs the import, as recorded (default: cli:$USER)");
  AddKeystoreFlags(*cmd, f->kek, f->keystore);
  cmd->callback([&g, &run, f] { run = [&g, f] { return Import(g, *f); }; });
}

}  // namespace tools
