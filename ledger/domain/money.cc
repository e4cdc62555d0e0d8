#include "ledger/domain/money.h"

#include <cstdio>

namespace ledger::domain {

Result<Money> ParseMoney(std::string_view s, std::string_view field, bool allow_negative) {
  auto bad = [&](std::string why) -> Status {
    return Status::WithErrors(Code::kInvalidArgument, "bad amount",
                              {{std::string(field), "money",
                                std::string(field) + " " + why +
                                    " (a decimal string with two places, e.g. \"1300.00\")"}});
  };
  bool negative = false;
  size_t p = 0;
  if (!s.empty() && s[0] == '-') {
    if (!allow_negative) return bad("must not be negative");
    negative = true;
    p = 1;
  }
  size_t dot = s.find('.', p);
  if (dot == std::string_view::npos || dot == p || s.size() - dot != 3) return bad("is malformed");
  Money units = 0;
  for (size_t i = p; i < s.size(); ++i) {
    if (i == dot) continue;
    char c = s[i];
    if (c < '0' || c > '9') return bad("is malformed");
    units = units * 10 + (c - '0');
    if (units > kMaxMoney) return bad("is too large");
  }
  return negative ? -units : units;
}

std::string FormatMoney(Money amount) {
  bool negative = amount < 0;
  uint64_t abs = negative ? uint64_t(-(amount + 1)) + 1 : uint64_t(amount);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s%llu.%02llu", negative ? "-" : "",
                (unsigned long long)(abs / 100), (unsigned long long)(abs % 100));
  return buf;
}

}  // namespace ledger::domain
