// The policy's small behaviours: allowance text, the working-day test, finders, the reward tier
// lookup, permissions, and the fixed role and action vocabularies.
#include "ledger/domain/policy.h"

#include <algorithm>
#include <charconv>

#include "ledger/domain/catalogue.h"
#include "ledger/domain/vocabulary.h"

namespace ledger::domain {
namespace {

template <typename T>
const T* FindById(const std::vector<T>& items, std::string_view id) {
  for (const T& item : items)
    if (item.id == id) return &item;
  return nullptr;
}

// The unit words, singular and plural, of each Allowance::Unit.
struct UnitWords {
  Allowance::Unit unit;
  std::string_view singular;
  std::string_view plural;
};
constexpr std::array<UnitWords, 3> kUnitWords = {{
    {Allowance::Unit::kHours, "hour", "hours"},
    {Allowance::Unit::kDays, "day", "days"},
    {Allowance::Unit::kWorkingDays, "working day", "working days"},
}};

}  // namespace

std::string Allowance::ToString() const {
  for (const UnitWords& w : kUnitWords) {
    if (w.unit != unit) continue;
    return std::to_string(amount) + " " + std::string(amount == 1 ? w.singular : w.plural);
  }
  return std::to_string(amount) + " ?";
}

std::optional<Allowance> Allowance::Parse(std::string_view text) {
  // "<integer> <unit>": an optional minus sign (so that validation can say "not positive" rather
  // than "malformed"), digits, exactly one space, the unit words.
  size_t space = text.find(' ');
  if (space == std::string_view::npos || space == 0) return std::nullopt;
  std::string_view number = text.substr(0, space);
  std::string_view words = text.substr(space + 1);
  if (number.size() > 1 && number[0] == '+') return std::nullopt;
  int64_t amount = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), amount);
  if (ec != std::errc() || end != number.data() + number.size()) return std::nullopt;
  for (const UnitWords& w : kUnitWords) {
    if (words == w.singular || words == w.plural) return Allowance{w.unit, amount};
  }
  return std::nullopt;
}

Time Calendar::Begins() const {
  using namespace std::chrono;
  return FromCivil(year_month_day(year(first_year), January, day(1)), Duration(0), utc_offset);
}

bool Calendar::IsWorkingDay(std::chrono::sys_days day) const {
  if (makeup_workdays.count(day)) return true;
  if (holidays.count(day)) return false;
  unsigned weekday = std::chrono::weekday(day).c_encoding();  // 0 = Sunday
  return !weekend[weekday];
}

const Department* Organisation::FindDepartment(std::string_view id) const {
  return FindById(departments, id);
}

const Project* Organisation::FindProject(std::string_view id) const {
  return FindById(projects, id);
}

const RecordedFineRule* Fines::FindRecorded(std::string_view rule) const {
  for (const RecordedFineRule& r : recorded)
    if (r.rule == rule) return &r;
  return nullptr;
}

Money Rewards::RewardFor(int64_t composite) const {
  for (const RewardTier& t : tiers) {
    bool above_min = t.min_inclusive ? composite >= t.min : composite > t.min;
    bool below_max = !t.max || (t.max_inclusive ? composite <= *t.max : composite < *t.max);
    if (above_min && below_max) return t.amount;
  }
  return 0;
}

const Category* Policy::FindCategory(std::string_view id) const { return FindById(categories, id); }

bool Policy::RoleMay(std::string_view role, std::string_view action) const {
  auto it = permissions.find(std::string(role));
  return it != permissions.end() && it->second.count(std::string(action)) > 0;
}

bool IsKnownRole(std::string_view role) { return InVocabulary(Vocab::kRole, role); }
bool IsKnownActionType(std::string_view action) { return FindAction(action) != nullptr; }

std::string_view RoleList() { return CodeList(Vocab::kRole); }

std::string_view ActionTypeList() {
  static const std::string* const kList = [] {
    auto* list = new std::string;
    for (const ActionSpec& a : Actions()) {
      if (!list->empty()) *list += ", ";
      *list += a.type;
    }
    return list;
  }();
  return *kList;
}

}  // namespace ledger::domain
