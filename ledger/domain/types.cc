#include "ledger/domain/types.h"

#include "ledger/domain/vocabulary.h"

namespace ledger::domain {
namespace {

// The enums of types.h number the codes of their vocabulary in order: checked here, at compile
// time, so that a code added to one and not the other does not build.
constexpr bool SameOrder(std::span<const VocabCode> codes,
                         std::initializer_list<std::string_view> names) {
  if (codes.size() != names.size()) return false;
  size_t i = 0;
  for (std::string_view n : names)
    if (codes[i++].code != n) return false;
  return true;
}
static_assert(kLevelCodes.size() == kLevelCount &&
              SameOrder(kLevelCodes, {"general", "important", "major", "crisis"}));
static_assert(kClosureClassCodes.size() == kClosureClassCount);
static_assert(kClockCodes.size() == kClockKindCount &&
              SameOrder(kClockCodes, {"transmission", "assignment", "response", "plan", "closure",
                                      "staff_decision"}));

template <typename E>
std::optional<E> Find(Vocab id, std::string_view name) {
  int i = CodeIndex(id, name);
  if (i < 0) return std::nullopt;
  return static_cast<E>(i);
}

}  // namespace

std::string_view LevelName(Level level) { return kLevelCodes[size_t(level)].code; }
std::optional<Level> ParseLevel(std::string_view name) { return Find<Level>(Vocab::kLevel, name); }

std::string_view ClosureClassName(ClosureClass c) { return kClosureClassCodes[size_t(c)].code; }
std::optional<ClosureClass> ParseClosureClass(std::string_view name) {
  return Find<ClosureClass>(Vocab::kClosureClass, name);
}

std::string_view ClockKindName(ClockKind k) { return kClockCodes[size_t(k)].code; }
std::optional<ClockKind> ParseClockKind(std::string_view name) {
  return Find<ClockKind>(Vocab::kClock, name);
}

bool IsChannel(std::string_view c) { return InVocabulary(Vocab::kChannel, c); }
bool IsFlag(std::string_view c) { return InVocabulary(Vocab::kFlag, c); }
bool IsInvalidReason(std::string_view c) { return InVocabulary(Vocab::kInvalidReason, c); }
bool IsClosureBasis(std::string_view c) { return InVocabulary(Vocab::kClosureBasis, c); }
bool IsRootCause(std::string_view c) { return InVocabulary(Vocab::kRootCause, c); }
bool IsPlanType(std::string_view c) { return InVocabulary(Vocab::kPlanType, c); }
bool IsConfirmationMethod(std::string_view c) {
  return InVocabulary(Vocab::kConfirmationMethod, c);
}
bool IsPauseReason(std::string_view c) { return InVocabulary(Vocab::kPauseReason, c); }
bool IsTargetKind(std::string_view c) { return InVocabulary(Vocab::kTargetKind, c); }
bool IsLinkRelation(std::string_view c) { return InVocabulary(Vocab::kLinkRelation, c); }

std::string_view ChannelList() { return CodeList(Vocab::kChannel); }
std::string_view FlagList() { return CodeList(Vocab::kFlag); }
std::string_view InvalidReasonList() { return CodeList(Vocab::kInvalidReason); }
std::string_view ClosureBasisList() { return CodeList(Vocab::kClosureBasis); }
std::string_view RootCauseList() { return CodeList(Vocab::kRootCause); }
std::string_view PlanTypeList() { return CodeList(Vocab::kPlanType); }
std::string_view ConfirmationMethodList() { return CodeList(Vocab::kConfirmationMethod); }
std::string_view PauseReasonList() { return CodeList(Vocab::kPauseReason); }

}  // namespace ledger::domain
