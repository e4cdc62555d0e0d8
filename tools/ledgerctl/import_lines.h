// The lines of an import file (docs/cli.md, `import FILE`): the file is split at '\n' (a line's
// trailing '\r' stays: JSON reads it as whitespace), lines are numbered from 1, and a line of only
// spaces, tabs and CRs is blank and skipped. Pure: cmd_import.cc reads the file, the import fuzz
// target (tests/fuzz/import_fuzz.cc) feeds it bytes.
//
// Thread-safety: a value; the text it splits must outlive it and the lines it returns.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tools {

struct ImportLine {
  uint64_t number = 0;    // 1-based, blank lines counted
  std::string_view text;  // without its '\n'
};

class ImportLines {
 public:
  explicit ImportLines(std::string_view data) : data_(data) {}

  // The lines in the file, blank ones included (for progress): its '\n's plus one.
  uint64_t total() const { return std::count(data_.begin(), data_.end(), '\n') + 1; }

  // The next line that is not blank, or nullopt after the last.
  std::optional<ImportLine> Next() {
    while (begin_ < data_.size()) {
      size_t end = data_.find('\n', begin_);
      if (end == std::string_view::npos) end = data_.size();
      std::string_view line = data_.substr(begin_, end - begin_);
      begin_ = end + 1;
      ++number_;
      if (line.find_first_not_of(" \t\r") != std::string_view::npos)
        return ImportLine{number_, line};
    }
    return std::nullopt;
  }

 private:
  std::string_view data_;
  size_t begin_ = 0;
  uint64_t number_ = 0;
};

}  // namespace tools
