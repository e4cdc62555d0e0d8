// The complaint domain's small vocabulary: levels, closure classes, clocks, and the fixed code
// lists of the contract (channels, flags, reasons...). docs/actions.md and docs/rules.md define
// them; the codes themselves are in vocabulary.h.
//
// Names are the stable lower-case codes used in JSON, the policy file and the event payloads.
// Parse* return nullopt for an unknown code; callers turn that into a field error.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ledger::domain {

// Lowest to highest; the numeric order is the order of severity.
enum class Level : uint8_t { kGeneral = 0, kImportant = 1, kMajor = 2, kCrisis = 3 };
inline constexpr int kLevelCount = 4;
inline constexpr std::array<Level, kLevelCount> kAllLevels = {Level::kGeneral, Level::kImportant,
                                                              Level::kMajor, Level::kCrisis};
std::string_view LevelName(Level level);
std::optional<Level> ParseLevel(std::string_view name);

enum class ClosureClass : uint8_t {
  kEngineering,
  kDesign,
  kProperty,
  kMarketing,
  kInvestment,
  kOther,
};
inline constexpr int kClosureClassCount = 6;
std::string_view ClosureClassName(ClosureClass c);
std::optional<ClosureClass> ParseClosureClass(std::string_view name);

// The clocks of a complaint (docs/rules.md, docs/clocks.md).
enum class ClockKind : uint8_t {
  kTransmission,   // receiving department -> customer service
  kAssignment,     // customer service assigns responsibility
  kResponse,       // first response to the customer
  kPlan,           // handling plan proposed
  kClosure,        // closed (one per cycle: intake, then each reopening)
  kStaffDecision,  // decision about a complained-of staff member, 8 h from validity
};
inline constexpr int kClockKindCount = 6;
std::string_view ClockKindName(ClockKind k);
std::optional<ClockKind> ParseClockKind(std::string_view name);

// Fixed code lists of the contract (vocabulary.h, docs/actions.md). Each returns true for a known
// code.
bool IsChannel(std::string_view code);
bool IsFlag(std::string_view code);
bool IsInvalidReason(std::string_view code);
bool IsClosureBasis(std::string_view code);
bool IsRootCause(std::string_view code);
bool IsPlanType(std::string_view code);
bool IsConfirmationMethod(std::string_view code);
bool IsPauseReason(std::string_view code);
bool IsTargetKind(std::string_view code);
bool IsLinkRelation(std::string_view code);

// The lists themselves, for error messages and documentation.
std::string_view ChannelList();
std::string_view FlagList();
std::string_view InvalidReasonList();
std::string_view ClosureBasisList();
std::string_view RootCauseList();
std::string_view PlanTypeList();
std::string_view ConfirmationMethodList();
std::string_view PauseReasonList();

}  // namespace ledger::domain
