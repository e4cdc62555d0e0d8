// Sym: interned texts read back as they were given, equal texts share an index, and threads that
// intern and read at once agree.
#include "ledger/base/sym.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace ledger {
namespace {

TEST(Sym, ReadsBackItsTextAndEqualTextsShareAnIndex) {
  const Sym empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.index(), 0u);
  EXPECT_EQ(empty.str(), "");
  EXPECT_EQ(Sym(std::string()).index(), 0u) << "the empty text is index 0, never a pool entry";

  const std::string text = "maintenance department, building 7";  // longer than a short string
  const Sym a(text);
  const Sym b(std::string_view(text).substr(0));
  const Sym c("maintenance department, building 8");
  EXPECT_EQ(a.str(), text);
  EXPECT_EQ(a.size(), text.size());
  EXPECT_EQ(a.index(), b.index());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(a, text);
  EXPECT_EQ(a, "maintenance department, building 7");
  EXPECT_NE(a, std::string_view("maintenance"));
  EXPECT_FALSE(a.empty());
  EXPECT_EQ("dept: " + a, "dept: " + text);
  EXPECT_EQ(a + "!", text + "!");

  const std::string& view = a;  // no copy: the pool's own string
  EXPECT_EQ(&view, &a.str());
}

TEST(Sym, OrdersByTextNotByIndex) {
  const Sym z("zz-interned-first");
  const Sym a("aa-interned-second");
  EXPECT_LT(z.index(), a.index());
  EXPECT_LT(a, z);
  std::map<Sym, int> by_text{{z, 1}, {a, 2}};
  EXPECT_EQ(by_text.begin()->first, "aa-interned-second");
}

TEST(Sym, ListsConvertBothWays) {
  const std::vector<std::string> texts{"u-1", "", "u-2", "u-1"};
  const std::vector<Sym> syms = ToSyms(texts);
  ASSERT_EQ(syms.size(), 4u);
  EXPECT_EQ(syms[0], syms[3]);
  EXPECT_TRUE(syms[1].empty());
  EXPECT_EQ(ToStrings(syms), texts);
}

TEST(Sym, ManyTextsSurviveThePoolsGrowth) {
  // Past several table growths and chunk boundaries (4,096 texts a chunk).
  std::vector<Sym> syms;
  for (int i = 0; i < 50000; ++i) syms.emplace_back("growth-" + std::to_string(i));
  for (int i = 0; i < 50000; ++i) {
    ASSERT_EQ(syms[i].str(), "growth-" + std::to_string(i));
    ASSERT_EQ(Sym("growth-" + std::to_string(i)).index(), syms[i].index());
  }
  const SymPoolStats stats = SymPool();
  EXPECT_GE(stats.texts, 50000u);
  EXPECT_GT(stats.bytes, stats.texts * sizeof(std::string));
}

TEST(Sym, ThreadsInterningTheSameTextsGetTheSameIndices) {
  constexpr int kThreads = 4, kTexts = 20000;
  std::vector<std::vector<uint32_t>> seen(kThreads, std::vector<uint32_t>(kTexts));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &seen] {
      // Each thread walks the texts in its own order (a stride prime to kTexts) and reads back
      // every text it interned.
      const int stride[kThreads] = {1, 3, 7, 11};
      for (int k = 0; k < kTexts; ++k) {
        const int i = (k * stride[t]) % kTexts;
        const std::string text = "race-" + std::to_string(i) + "-" + std::string(i % 40, 'x');
        const Sym s(text);
        if (s.str() != text) std::abort();
        seen[t][i] = s.index();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  std::unordered_set<uint32_t> distinct;
  for (int i = 0; i < kTexts; ++i) {
    for (int t = 1; t < kThreads; ++t) ASSERT_EQ(seen[t][i], seen[0][i]) << "text " << i;
    distinct.insert(seen[0][i]);
  }
  EXPECT_EQ(distinct.size(), size_t{kTexts});
}

}  // namespace
}  // namespace ledger
