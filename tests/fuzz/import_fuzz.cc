// Fuzz target: the import reader. The bytes are an import file (docs/cli.md, `import FILE`):
// split into lines as `ledgerctl import` splits them (ImportLines, tools/ledgerctl/import_lines.h),
// each line read as an import line (ParseActionText with import_line, action.h: the actor and the
// complaint are the line's own), and decided as cmd_import.cc has the write path decide it:
// marked imported, as the line's actor, against the complaint the line names (an id, or
// "ref:<external_ref>"; a receive makes a new one), under the default policy at a fixed time.
// Like the import, it stops at the first refused line. Never a crash, a sanitizer report or a leak.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "tools/ledgerctl/import_lines.h"

namespace {

namespace domain = ledger::domain;

// The complaints the import has made so far, by id, and their external references.
struct Ledger {
  std::map<std::string, domain::ComplaintState> complaints;
  std::map<std::string, std::string> by_ref;
  std::string last_id;

  // The complaint a line names, a new one for receive; null when there is none (refused).
  domain::ComplaintState* Find(const domain::Action& action) {
    if (action.type == "receive" || action.type == "rate_department") {
      char id[32];
      std::snprintf(id, sizeof id, "CMP-2026-%06zu", complaints.size() + 1);
      last_id = id;
      domain::ComplaintState& s = complaints[id];
      s.id = id;
      return &s;
    }
    std::string id = action.complaint;
    if (id.rfind("ref:", 0) == 0) {
      auto ref = by_ref.find(id.substr(4));
      if (ref == by_ref.end()) return nullptr;
      id = ref->second;
    }
    auto it = complaints.find(id);
    return it == complaints.end() ? nullptr : &it->second;
  }
};

bool ApplyLine(Ledger& ledger, const domain::Policy& policy, std::string_view line) {
  ledger::Result<domain::Action> action = domain::ParseActionText(line, /*import_line=*/true);
  if (!action.ok()) return false;
  if (!action->actor) __builtin_trap();  // ParseActionText requires it on an import line
  domain::ComplaintState* state = ledger.Find(*action);
  if (state == nullptr) return false;
  ledger::Result<domain::Decision> d =
      domain::Decide(*action, fuzz::Input(*state, policy, *action->actor, /*imported=*/true));
  if (!d.ok()) return false;
  (void)domain::ToNewEvents(*d, 1, /*imported=*/true);
  fuzz::Apply(*state, *d);
  if (action->type == "receive" && !state->external_ref.empty())
    ledger.by_ref.emplace(state->external_ref, state->id);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<const domain::Policy> policy = domain::DefaultPolicy();
  tools::ImportLines lines(std::string_view(reinterpret_cast<const char*>(data), size));
  const uint64_t total = lines.total();
  Ledger ledger;
  uint64_t last = 0;
  while (std::optional<tools::ImportLine> line = lines.Next()) {
    if (line->number <= last || line->number > total) __builtin_trap();  // numbered in order
    last = line->number;
    if (!ApplyLine(ledger, *policy, line->text)) break;  // the import stops here
  }
  return 0;
}
