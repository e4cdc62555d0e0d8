// Money: exact amounts in integer minor units (fen). In JSON and the policy file, a decimal string
// with exactly two places: "1300.00".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace ledger::domain {

using Money = int64_t;  // fen (1/100 yuan)

inline constexpr Money kMaxMoney = 100'000'000'000'00;  // 100 billion yuan: far above any claim

// Parses "1300.00" (also "0.50", "-3.00" when allow_negative). Exactly two decimals, no sign
// unless allowed, no exponent, at most kMaxMoney. InvalidArgument (rule "money") otherwise, with
// `field` as the field name.
Result<Money> ParseMoney(std::string_view text, std::string_view field,
                         bool allow_negative = false);

// "1300.00", "-0.50".
std::string FormatMoney(Money amount);

}  // namespace ledger::domain
