// Fuzz target: the JSON action reader. The bytes are one action as the API receives it
// (ParseActionText, action.h); an action that parses is decided (Decide, decide.h) under the
// default policy at a fixed time against a complaint at each stage of its lifecycle
// (fuzz_common.h), so the per-type field readers (ActionReader in decide_*.cc), the stage and role
// checks and the escalation preview all run. A decision's events are put in the log's form and
// applied. Any input must give a value or a Status: never a crash, a sanitizer report or a leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace domain = ledger::domain;
  static const std::shared_ptr<const domain::Policy> policy = domain::DefaultPolicy();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ledger::Result<domain::Action> action = domain::ParseActionText(text, /*import_line=*/false);
  if (!action.ok()) return 0;
  const ledger::Actor actor = fuzz::ActorFor(*policy, *action);
  for (const domain::ComplaintState& stage : fuzz::Stages()) {
    ledger::Result<domain::Decision> d =
        domain::Decide(*action, fuzz::Input(stage, *policy, actor, /*imported=*/false));
    if (!d.ok()) continue;
    (void)domain::ToNewEvents(*d, 1, /*imported=*/false);
    domain::ComplaintState next = stage;
    fuzz::Apply(next, *d);
  }
  return 0;
}
