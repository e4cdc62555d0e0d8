// The repository is self-contained: the rules it enforces and its outer contracts are written in
// docs/ (docs/rules.md, docs/actions.md, docs/api.md, docs/cli.md), and no source file, doc, test
// or fuzz seed cites a path outside the repository — a specification or style guide that lives
// next to a checkout, a parent folder, a machine's absolute path. A fresh clone must make sense on
// its own. Every file of the tree (build*/ folders, node_modules/ and .git left out) is read line
// by line and each such citation fails here with the file and the line.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// The citations looked for. The names are split so that this file does not cite them itself.
// A bare name matches only at a word boundary: "docs/policy-format.md" is the repository's own.
struct Needle {
  std::string text;
  bool at_word_start;  // not preceded by a letter, a digit, '_', '-' or '.'
};
const std::vector<Needle>& Needles() {
  static const auto* const kNeedles = new std::vector<Needle>{
      {std::string("../") + "shared", false},    {std::string("policy") + ".md", true},
      {std::string("interfaces") + ".md", true}, {std::string("style") + ".md", true},
      {std::string("/") + "work/", true},
  };
  return *kNeedles;
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

// The first outside citation in `line`, or "".
std::string CitationIn(const std::string& line) {
  for (const Needle& n : Needles()) {
    for (size_t at = line.find(n.text); at != std::string::npos; at = line.find(n.text, at + 1)) {
      if (n.at_word_start && at > 0 && IsWordChar(line[at - 1])) continue;
      return n.text;
    }
  }
  return "";
}

// What the walk reads: the top-level files of the project and everything under its folders.
const std::set<std::string> kTopFiles = {"README.md", "CMakeLists.txt", ".clang-format",
                                         ".gitignore"};
const std::set<std::string> kTopFolders = {"api",   "docs",  "ledger", "projections",
                                           "tests", "tools", ".ci"};

bool Skipped(const fs::path& dir) {
  const std::string name = dir.filename().string();
  return name.rfind("build", 0) == 0 || name == ".git" || name == "node_modules";
}

struct Hit {
  std::string file;
  int line;
  std::string citation;
};

void ScanFile(const fs::path& root, const fs::path& path, std::vector<Hit>* hits) {
  const std::string rel = fs::relative(path, root).generic_string();
  std::ifstream in(path, std::ios::binary);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {  // binary seeds too: a citation is found between newlines
    ++n;
    std::string citation = CitationIn(line);
    if (!citation.empty()) hits->push_back({rel, n, citation});
  }
}

std::vector<Hit> OutsideCitations(const fs::path& root, size_t* files_seen) {
  std::vector<Hit> hits;
  for (const std::string& name : kTopFiles) {
    if (!fs::is_regular_file(root / name)) continue;
    ++*files_seen;
    ScanFile(root, root / name, &hits);
  }
  for (const std::string& folder : kTopFolders) {
    if (!fs::is_directory(root / folder)) continue;
    fs::recursive_directory_iterator it(root / folder), end;
    for (; it != end; ++it) {
      if (it->is_directory() && Skipped(it->path())) {
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file() || it->path().filename() == ".git") continue;
      if (it->path().extension() == ".png") continue;
      ++*files_seen;
      ScanFile(root, it->path(), &hits);
    }
  }
  return hits;
}

TEST(SelfContained, NoFileCitesAPathOutsideTheRepository) {
  size_t files = 0;
  std::vector<Hit> hits = OutsideCitations(LEDGER_SOURCE_DIR, &files);
  EXPECT_GT(files, 300u) << "the walk found too few files: wrong source folder?";
  for (const Hit& h : hits)
    ADD_FAILURE() << h.file << ":" << h.line << " cites \"" << h.citation
                  << "\", a path outside the repository: cite the repository's own doc "
                     "(docs/rules.md, docs/actions.md, docs/api.md, docs/cli.md, ...) instead";
}

TEST(SelfContained, TheCheckCatchesAPlantedCitation) {
  const fs::path root = fs::temp_directory_path() / "ledger-self-contained-test";
  fs::remove_all(root);
  fs::create_directories(root / "ledger/domain");
  fs::create_directories(root / "docs");
  fs::create_directories(root / "tests/fuzz/corpus/x");
  fs::create_directories(root / "tests/build-fuzz");
  fs::create_directories(root / "build");
  const std::string spec = std::string("policy") + ".md";
  std::ofstream(root / "ledger/domain/a.h") << "// fine: docs/policy-format.md, build-fuzz/work/x\n"
                                            << "// the clocks (" << spec << " section 5)\n";
  std::ofstream(root / "docs/b.md") << "See `/"
                                    << "work/shared/spec/" << spec << "`.\n";
  std::ofstream(root / "tests/fuzz/corpus/x/seed", std::ios::binary)
      << std::string("\x01\x00\x02", 3) << "(../"
      << "shared/"
      << "style"
      << ".md)\n";
  std::ofstream(root / "README.md") << "# Nothing outside\n"
                                    << "interfaces"
                                    << ".md\n";
  std::ofstream(root / "tests/build-fuzz/log") << spec << "\n";  // a build folder: skipped
  std::ofstream(root / "build/c.h") << spec << "\n";             // skipped
  std::ofstream(root / "ledger/domain/types.h") << "// codes (" << spec << ")\n";
  size_t files = 0;
  std::vector<Hit> hits = OutsideCitations(root, &files);
  fs::remove_all(root);
  EXPECT_EQ(files, 5u);
  std::vector<std::string> found;
  for (const Hit& h : hits)
    found.push_back(h.file + ":" + std::to_string(h.line) + " " + h.citation);
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::string>{
                       "README.md:2 " + std::string("interfaces") + ".md",
                       "docs/b.md:1 " + spec,
                       "ledger/domain/a.h:2 " + spec,
                       "ledger/domain/types.h:1 " + spec,
                       "tests/fuzz/corpus/x/seed:1 ../" + std::string("shared"),
                   }));
}

}  // namespace
