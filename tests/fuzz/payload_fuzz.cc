// Fuzz target: the payload decoder, the read side of a complaint's events. The bytes are a
// complaint's stream: stored events (canonical envelope words and a hash, as the log keeps them)
// separated by kRecordSeparator. Each that decodes (RecordedEvent::Decode, kStructure) is read
// as a complaint event (ViewOf, event_view.h), and the stream is folded into a ComplaintState
// (Fold, evolve.h: Evolve under GuardDecode, as projections fold it), with and without as-of and
// known-at limits; the folded state's derived answers are read. ViewOf and Fold answer with a
// value or DataLoss: never a crash, whatever the bytes, since the log may hold bytes it did not
// write (a damaged disk, a restored backup).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "ledger/domain/event_view.h"
#include "ledger/domain/evolve.h"
#include "ledger/log/recorded_event.h"
#include "payload_format.h"

namespace {

namespace domain = ledger::domain;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "payload_fuzz: %s\n", what);
  __builtin_trap();
}

void ReadState(const domain::ComplaintState& s, const domain::Policy& policy) {
  volatile size_t sink = size_t(s.stage()) + size_t(s.level()) + s.closed() + s.paused() +
                         s.has_approved_plan() + s.about_staff() + s.HasFlag("safety_risk");
  sink = sink + s.responsible_department(policy).size();
  (void)sink;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<const domain::Policy> policy = domain::DefaultPolicy();
  std::vector<ledger::RecordedEvent> events;
  for (std::string_view record :
       fuzz::SplitRecords(std::string_view(reinterpret_cast<const char*>(data), size))) {
    ledger::Result<ledger::RecordedEvent> e = ledger::RecordedEvent::Decode(record);
    if (!e.ok()) continue;
    ledger::Result<domain::EventView> view = domain::ViewOf(*e);
    if (!view.ok() && view.status().code() != ledger::Code::kDataLoss) Fail("ViewOf: not DataLoss");
    events.push_back(*std::move(e));
  }
  const domain::FoldOptions limited{fuzz::Now(), fuzz::Now()};
  for (const domain::FoldOptions& options : {domain::FoldOptions{}, limited}) {
    ledger::Result<domain::ComplaintState> state = domain::Fold("CMP-2026-000001", events, options);
    if (!state.ok()) {
      if (state.status().code() != ledger::Code::kDataLoss) Fail("Fold: not DataLoss");
      continue;
    }
    ReadState(*state, *policy);
  }
  return 0;
}
