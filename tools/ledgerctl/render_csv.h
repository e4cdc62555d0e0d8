// The reports as CSV (RFC 4180) for spreadsheets: `ledgerctl fines|rewards|metrics|findings|
// responsibility --format csv`. Made from the same JSON views as the tables (render_text.h), so
// the three formats cannot disagree. One header line, then one row per item of the report's list
// (fines: per line item; rewards: per department; metrics: per project then the total; findings:
// per finding; responsibility: per record). Lists inside a cell are joined with "; ".
//
// Every cell is safe to open in a spreadsheet: a cell that begins with = + - @, a tab or a
// carriage return would be read as a formula (CSV injection, OWASP), so it is prefixed with a
// single quote; cells with a comma, quote or line break are quoted; other control characters
// (a terminal's escape sequences) are written as visible \xHH. Lines end with CRLF.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace tools {

// One cell: neutralised against formulas, then quoted when it needs to be.
std::string CsvCell(std::string_view text);

std::string FinesCsv(const boost::json::object& fines);
std::string RewardsCsv(const boost::json::object& rewards);
std::string MetricsCsv(const boost::json::object& metrics);
std::string FindingsCsv(const boost::json::object& findings);
std::string ResponsibilityCsv(const boost::json::object& records);  // {"records": [...]}

}  // namespace tools
