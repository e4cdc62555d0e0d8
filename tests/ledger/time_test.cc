// Time text: RFC 3339 formatting and parsing agree, at every offset the policies use.
#include "ledger/base/time.h"

#include <gtest/gtest.h>

#include <random>

namespace ledger {
namespace {

using std::chrono::minutes;

TEST(TimeText, FormatsWholeSecondsFractionsAndOffsets) {
  Time t = *ParseRfc3339("2026-11-24T01:30:05Z");
  EXPECT_EQ(FormatRfc3339(t), "2026-11-24T01:30:05Z");
  EXPECT_EQ(FormatRfc3339(t, minutes(8 * 60)), "2026-11-24T09:30:05+08:00");
  EXPECT_EQ(FormatRfc3339(t, minutes(-(5 * 60 + 30))), "2026-11-23T20:00:05-05:30");
  EXPECT_EQ(FormatRfc3339(t + Duration(250000)), "2026-11-24T01:30:05.250000Z");
  EXPECT_EQ(FormatRfc3339(t + Duration(7)), "2026-11-24T01:30:05.000007Z");
  EXPECT_EQ(FormatRfc3339(FromMicros(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(FromMicros(-1)), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatDate(CivilDate(t, minutes(-120))), "2026-11-23");
  EXPECT_EQ(FormatDate(std::chrono::year(10000) / 1 / 2), "10000-01-02");
}

TEST(TimeText, FormatThenParseIsTheIdentity) {
  std::mt19937_64 rng(42);
  const int64_t span = int64_t(200) * 365 * 24 * 3600 * 1000000;  // 1900..2100
  for (int i = 0; i < 20000; ++i) {
    Time t = FromMicros(int64_t(rng() % uint64_t(span)) - span / 2 + ToMicros(FromMicros(0)));
    if (i % 2 == 0) t = std::chrono::floor<std::chrono::seconds>(t);
    minutes offset(int(rng() % (28 * 60)) - 14 * 60);
    std::string text = FormatRfc3339(t, offset);
    Result<Time> back = ParseRfc3339(text);
    ASSERT_TRUE(back.ok()) << text;
    ASSERT_EQ(*back, t) << text;
  }
}

}  // namespace
}  // namespace ledger
