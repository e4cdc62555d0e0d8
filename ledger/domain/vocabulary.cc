#include "ledger/domain/vocabulary.h"

#include <algorithm>

namespace ledger::domain {
namespace {

constexpr auto kVocabularies = std::to_array<Vocabulary>({
    {Vocab::kLevel, "levels", "how serious a complaint is; the clocks and approvals follow it",
     kLevelCodes},
    {Vocab::kClosureClass, "closure_classes", "the class of a category", kClosureClassCodes},
    {Vocab::kClock, "clocks", "the deadlines a complaint runs against", kClockCodes},
    {Vocab::kExtensibleClock, "extensible_clocks", "the clocks an approved extension may move",
     kExtensibleClockCodes},
    {Vocab::kRole, "roles", "who a caller is", kRoleCodes},
    {Vocab::kChannel, "channels", "how a complaint came in", kChannelCodes},
    {Vocab::kFlag, "flags", "facts that may raise the level", kFlagCodes},
    {Vocab::kInvalidReason, "invalid_reasons", "why a complaint is not valid", kInvalidReasonCodes},
    {Vocab::kClosureBasis, "closure_bases", "on what grounds a cycle closes", kClosureBasisCodes},
    {Vocab::kRootCause, "root_causes", "what caused the complaint", kRootCauseCodes},
    {Vocab::kPlanType, "plan_types", "what a handling plan does", kPlanTypeCodes},
    {Vocab::kConfirmationMethod, "confirmation_methods", "how a result was confirmed",
     kConfirmationMethodCodes},
    {Vocab::kPauseReason, "pause_reasons", "why the closure clock stops", kPauseReasonCodes},
    {Vocab::kTargetKind, "target_kinds", "what a complaint is about", kTargetKindCodes},
    {Vocab::kLinkRelation, "link_relations", "how two complaints are linked", kLinkRelationCodes},
    {Vocab::kClockFine, "clock_fines", "fines derived from the clocks", kClockFineCodes},
    {Vocab::kEscalationCondition, "escalation_conditions",
     "the conditions of the policy's escalation rules", kEscalationConditionCodes},
});
static_assert(kVocabularies.size() == kVocabCount);

// Vocabularies() is indexed by Vocab: each entry sits at its own number.
constexpr bool InOrder() {
  for (size_t i = 0; i < kVocabularies.size(); ++i)
    if (static_cast<size_t>(kVocabularies[i].id) != i) return false;
  return true;
}
static_assert(InOrder(), "kVocabularies must list the vocabularies in the order of Vocab");

}  // namespace

std::span<const Vocabulary> Vocabularies() { return kVocabularies; }

const Vocabulary& GetVocabulary(Vocab id) { return kVocabularies[static_cast<size_t>(id)]; }

int CodeIndex(Vocab id, std::string_view code) {
  std::span<const VocabCode> codes = GetVocabulary(id).codes;
  auto it =
      std::find_if(codes.begin(), codes.end(), [&](const VocabCode& c) { return c.code == code; });
  return it == codes.end() ? -1 : static_cast<int>(it - codes.begin());
}

bool InVocabulary(Vocab id, std::string_view code) { return CodeIndex(id, code) >= 0; }

const std::string& CodeList(Vocab id) {
  static const auto* const kLists = [] {
    auto* lists = new std::array<std::string, kVocabCount>;
    for (const Vocabulary& v : kVocabularies) {
      std::string& out = (*lists)[static_cast<size_t>(v.id)];
      for (const VocabCode& c : v.codes) {
        if (!out.empty()) out += ", ";
        out += c.code;
      }
    }
    return lists;
  }();
  return (*kLists)[static_cast<size_t>(id)];
}

}  // namespace ledger::domain
