// The floors of the tree depend one way only (docs/architecture.md):
//   tools → api/http → api/services → projections → ledger/domain → ledger/log → ledger/base
//   (ledger/keystore, the keys of personal data, stands beside ledger/domain: on ledger/log and
//   base)
// Every project include ("folder/file.h") of every source file under a floor names that floor or
// one below it; an include upwards fails here with the file, the line and the include. Tests and
// tools may include anything below them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Lowest first; a file belongs to the first floor whose prefix its path starts with (the more
// specific prefixes are listed before the folders that hold them).
const std::vector<std::pair<std::string, int>> kFloors = {
    {"ledger/base/", 0}, {"ledger/log/", 1},   {"ledger/domain/", 2}, {"ledger/keystore/", 2},
    {"projections/", 3}, {"api/services/", 4}, {"api/http/", 5},      {"tools/", 6},
};

int FloorOf(const std::string& path) {
  for (const auto& [prefix, floor] : kFloors)
    if (path.rfind(prefix, 0) == 0) return floor;
  return -1;
}

struct Violation {
  std::string file;
  int line;
  std::string include;
};

std::vector<Violation> UpwardIncludes(const fs::path& root, size_t* files_seen) {
  static const std::regex kInclude(R"re(^\s*#\s*include\s+"([^"]+)")re");
  std::vector<Violation> out;
  for (const auto& [prefix, floor] : kFloors) {
    if (prefix == "tools/") continue;  // the top: may include everything
    const fs::path dir = root / prefix;
    if (!fs::exists(dir)) continue;
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
      const std::string ext = e.path().extension().string();
      if (!e.is_regular_file() || (ext != ".h" && ext != ".cc")) continue;
      const std::string rel = fs::relative(e.path(), root).generic_string();
      if (FloorOf(rel) != floor) continue;  // a deeper, more specific floor owns it
      ++*files_seen;
      std::ifstream in(e.path());
      std::string text;
      int n = 0;
      while (std::getline(in, text)) {
        ++n;
        std::smatch m;
        if (!std::regex_search(text, m, kInclude)) continue;
        const int target = FloorOf(m[1].str());
        if (target > floor) out.push_back({rel, n, m[1].str()});
      }
    }
  }
  return out;
}

TEST(Layering, NoFloorIncludesAFloorAboveIt) {
  size_t files = 0;
  std::vector<Violation> up = UpwardIncludes(LEDGER_SOURCE_DIR, &files);
  EXPECT_GT(files, 100u) << "the walk found too few files: wrong source folder?";
  for (const Violation& v : up)
    ADD_FAILURE() << v.file << ":" << v.line << " includes \"" << v.include
                  << "\", a floor above its own";
}

TEST(Layering, TheCheckCatchesAnIncludeUpwards) {
  const fs::path root = fs::temp_directory_path() / "ledger-layering-test";
  fs::remove_all(root);
  fs::create_directories(root / "ledger/log");
  fs::create_directories(root / "api/services");
  std::ofstream(root / "ledger/log/a.h") << "#include \"ledger/base/status.h\"\n"
                                         << "#include \"projections/runner.h\"\n";
  std::ofstream(root / "api/services/b.cc") << "#include \"api/http/router.h\"\n"
                                            << "#include \"ledger/log/event_log.h\"\n";
  size_t files = 0;
  std::vector<Violation> up = UpwardIncludes(root, &files);
  fs::remove_all(root);
  EXPECT_EQ(files, 2u);
  ASSERT_EQ(up.size(), 2u);
  std::map<std::string, std::string> by_file;
  for (const Violation& v : up) by_file[v.file] = v.include;
  EXPECT_EQ(by_file["ledger/log/a.h"], "projections/runner.h");
  EXPECT_EQ(by_file["api/services/b.cc"], "api/http/router.h");
}

}  // namespace
