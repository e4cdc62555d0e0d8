// What ledgerctl prints for people: aligned tables (numbers right-aligned, an optional totals
// row) and progress bars for long work. Machines get --json instead (each command's own).
//
// Thread-safety: a Table is used by one thread; a progress bar is called from the thread doing
// the work.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tools {

class Table {
 public:
  // `right` lists the columns (by index) to right-align: the numeric ones.
  Table(std::vector<std::string> headers, std::vector<size_t> right = {});

  void Add(std::vector<std::string> row);
  // A totals row, set off from the rows above by a rule.
  void Total(std::vector<std::string> row);

  // The table as text (two spaces between columns; widths in UTF-8 code points).
  std::string Render() const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::string> total_;
};

// A progress report of long work: (done, total) in `unit`s.
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

// On a terminal (stderr is a tty): a bar redrawn in place, with the rate and the time left,
// "\r  rebuild  [#########.........]  45%  120,000/266,000 events  81,000/s  0:02 left".
// Not on a terminal: an empty function (quiet).
ProgressFn ProgressBar(std::string what, std::string unit);

// 1234567 -> "1,234,567".
std::string Grouped(uint64_t n);

// `text` safe to print on a terminal: control characters other than newline and tab (C0, DEL,
// and C1 such as U+009B, a CSI) are shown as escapes ("\x1b", "\u009b") instead of acting. The
// ledger refuses them in new text, but a ledger written before that may hold some.
std::string Printable(std::string_view text);

// Writes `text` to `out` entirely; false on a write error (a closed pipe, a full disk).
bool WriteAll(std::FILE* out, const std::string& text);

}  // namespace tools
