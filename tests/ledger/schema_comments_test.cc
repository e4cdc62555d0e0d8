// Every Cap'n Proto schema in the source tree documents itself: every field (`name @N :Type`),
// every enumerant (`name @N;`), every method (`name @N (...)`) and every struct, enum and
// interface has a comment. The convention (written at the top of each schema):
//   - a struct, enum or interface has its comment on the lines directly above it;
//   - a field, enumerant or method has its comment after it: on the line where it ends, or on
//     the comment lines directly below it.
// The schemas are found by walking the source tree (hidden folders and build trees left out),
// so a new schema is checked as soon as it is added.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

namespace {

namespace fs = std::filesystem;

// The schemas the project has today: the walk must find at least these (a walk that finds
// nothing, e.g. from a wrong source folder, must not pass).
const std::vector<std::string> kKnownSchemas = {"api/http/api.capnp", "ledger/domain/events.capnp",
                                                "ledger/log/envelope.capnp"};

// One line of a schema split at its comment: `code` before the first '#' outside a string
// literal, `comment` after it.
struct SchemaLine {
  std::string code;
  std::string comment;
  bool has_comment = false;
};

bool Blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

SchemaLine Split(const std::string& text) {
  SchemaLine line;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // an escaped character, maybe a quote
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '#') {
      line.code = text.substr(0, i);
      line.comment = text.substr(i + 1);
      line.has_comment = true;
      return line;
    }
  }
  line.code = text;
  return line;
}

// The problems of one schema's text, each "<file>:<line>: <what> has no comment ...".
std::vector<std::string> UncommentedDeclarations(const std::string& file, const std::string& text) {
  std::vector<SchemaLine> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(Split(l));
  const auto comment_only = [&](size_t i) { return Blank(lines[i].code) && lines[i].has_comment; };
  // Does the run of comment-only lines from `i` on (downwards, or upwards when `up`) say
  // something? A bare "#" line alone is no comment.
  const auto block_says_something = [&](size_t i, bool up) {
    for (; i < lines.size() && comment_only(i); up ? --i : ++i) {  // --0 wraps past the end
      if (!Blank(lines[i].comment)) return true;
    }
    return false;
  };

  static const std::regex member(R"(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*@([0-9]+)\s*([:;(]))");
  static const std::regex declaration(R"(^\s*(struct|enum|interface)\s+([A-Za-z_][A-Za-z0-9_]*))");
  std::vector<std::string> problems;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string where = file + ":" + std::to_string(i + 1) + ": ";
    std::smatch m;
    if (std::regex_search(lines[i].code, m, declaration)) {
      if (i == 0 || !block_says_something(i - 1, /*up=*/true))
        problems.push_back(where + std::string(m[1]) + " " + std::string(m[2]) +
                           " has no comment (put it on the lines directly above)");
      continue;
    }
    if (!std::regex_search(lines[i].code, m, member)) continue;
    const std::string kind = m[3] == ";" ? "enumerant" : m[3] == "(" ? "method" : "field";
    // The member ends on the first line with a ';' (annotations may continue it).
    size_t end = i;
    while (end + 1 < lines.size() && lines[end].code.find(';') == std::string::npos) ++end;
    const bool same_line = lines[end].has_comment && !Blank(lines[end].comment);
    if (!same_line && !block_says_something(end + 1, /*up=*/false))
      problems.push_back(where + kind + " " + std::string(m[1]) + " @" + std::string(m[2]) +
                         " has no comment (put it after the " + kind +
                         ": on its line or on the lines directly below)");
  }
  return problems;
}

bool IsBuildTree(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / "CMakeCache.txt", ec)) return true;
  return fs::equivalent(dir, fs::path(LEDGER_BINARY_DIR), ec);
}

// Every *.capnp file under `root`, relative, sorted; hidden folders and build trees left out.
std::vector<std::string> SchemaFiles(const fs::path& root) {
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  EXPECT_FALSE(ec) << root << ": " << ec.message();
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    std::error_code entry_ec;  // an entry that cannot be looked at (a broken link) is skipped
    if (it->is_directory(entry_ec)) {
      if (path.filename().string().starts_with(".") || IsBuildTree(path))
        it.disable_recursion_pending();
    } else if (path.extension() == ".capnp" && it->is_regular_file(entry_ec)) {
      out.push_back(path.lexically_relative(root).generic_string());
    }
  }
  EXPECT_FALSE(ec) << "walking " << root << ": " << ec.message();
  std::sort(out.begin(), out.end());
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(SchemaComments, TheWalkFindsEverySchemaOfTheProject) {
  const std::vector<std::string> found = SchemaFiles(LEDGER_SOURCE_DIR);
  for (const std::string& known : kKnownSchemas)
    EXPECT_TRUE(std::binary_search(found.begin(), found.end(), known))
        << known << " was not found under " << LEDGER_SOURCE_DIR;
}

TEST(SchemaComments, EveryFieldEnumerantStructAndEnumHasAComment) {
  const std::vector<std::string> files = SchemaFiles(LEDGER_SOURCE_DIR);
  ASSERT_FALSE(files.empty()) << "no .capnp file under " << LEDGER_SOURCE_DIR;
  for (const std::string& file : files) {
    const std::string text = ReadFile(fs::path(LEDGER_SOURCE_DIR) / file);
    EXPECT_NE(text.find('@'), std::string::npos) << file << " declares nothing";
    for (const std::string& problem : UncommentedDeclarations(file, text)) ADD_FAILURE() << problem;
  }
}

// The checker itself, on small schemas.

TEST(SchemaComments, AcceptsCommentsAfterAMemberAndAboveADeclaration) {
  const std::string text =
      "# A thing.\n"
      "struct Thing {\n"
      "  a @0 :Text;  # on its line\n"
      "  b @1 :List(Text)\n"
      "      $Json.name(\"b\");  # on the line where it ends\n"
      "  c @2 :UInt64;\n"
      "  # on the lines below it,\n"
      "  # two of them\n"
      "  d @3 :Text = \"x\";\n"
      "  #\n"
      "  # after a bare '#' line\n"
      "  m @4 (x :Int32) -> ();  # a method\n"
      "}\n"
      "#\n"
      "# A colour: the bare line below the text still belongs to its block.\n"
      "#\n"
      "enum Colour {\n"
      "  red @0;  # an enumerant\n"
      "}\n";
  EXPECT_EQ(UncommentedDeclarations("t.capnp", text), std::vector<std::string>{});
}

TEST(SchemaComments, NamesFileLineAndMemberOfEachMissingComment) {
  const std::string text =
      "@0xd20955993ab5ac1c;\n"
      "annotation money @0xbf35d01e825fb1ab (field) :Void;\n"
      "struct Thing {\n"
      "  a @0 :Text;\n"
      "  b @1 :Text = \"#not a comment\";\n"
      "  c @2 :Text;  #\n"
      "\n"
      "  # a comment above a member is not its comment\n"
      "  d @3 :Text;\n"
      "}\n"
      "# Colours.\n"
      "enum Colour {\n"
      "  red @0;\n"
      "}\n";
  EXPECT_EQ(UncommentedDeclarations("t.capnp", text),
            (std::vector<std::string>{
                "t.capnp:3: struct Thing has no comment (put it on the lines directly above)",
                "t.capnp:4: field a @0 has no comment (put it after the field: on its line or on "
                "the lines directly below)",
                "t.capnp:5: field b @1 has no comment (put it after the field: on its line or on "
                "the lines directly below)",
                "t.capnp:6: field c @2 has no comment (put it after the field: on its line or on "
                "the lines directly below)",
                "t.capnp:9: field d @3 has no comment (put it after the field: on its line or on "
                "the lines directly below)",
                "t.capnp:13: enumerant red @0 has no comment (put it after the enumerant: on its "
                "line or on the lines directly below)",
            }));
}

}  // namespace
