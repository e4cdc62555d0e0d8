// The CSV of the reports (tools/ledgerctl/render_csv.h): quoting, and cells that a spreadsheet
// would run as formulas (CSV injection) neutralised.
#include "tools/ledgerctl/render_csv.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace tools {
namespace {

TEST(CsvCell, PlainTextIsUnchanged) {
  EXPECT_EQ(CsvCell("CMP-2026-000001"), "CMP-2026-000001");
  EXPECT_EQ(CsvCell("200.00"), "200.00");
  EXPECT_EQ(CsvCell(""), "");
  EXPECT_EQ(CsvCell("物业服务中心"), "物业服务中心");
}

TEST(CsvCell, FormulaLikeCellsAreNeutralised) {
  EXPECT_EQ(CsvCell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvCell("+1+1"), "'+1+1");
  EXPECT_EQ(CsvCell("-2+3"), "'-2+3");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("\tcmd"), "'\tcmd");
  EXPECT_EQ(CsvCell("\r=1"), "'\\x0d=1");
  EXPECT_EQ(CsvCell("a=1"), "a=1");  // only the first character makes a formula
}

TEST(CsvCell, QuotesWhatNeedsQuoting) {
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("two\nlines"), "\"two\nlines\"");
}

TEST(CsvCell, ControlCharactersAreVisible) {
  EXPECT_EQ(CsvCell("a\x1b[2Jb"), "a\\x1b[2Jb");
  EXPECT_EQ(CsvCell("a\xc2\x9b"
                    "1"),
            "a\\x9b1");  // a C1 control (CSI)
}

TEST(FinesCsv, OneRowPerLineWithEveryCellNeutralised) {
  boost::json::object doc = boost::json::parse(R"({"month": "2026-09", "lines": [
      {"day": "2026-09-01", "accrued_at": "2026-09-01T10:00:00+08:00", "complaint": "CMP-2026-000001",
       "rule": "response_late", "amount": "200.00", "waived": false, "people": ["=cmd|' /C calc'!A0", "u-b"],
       "departments": ["property"], "evidence": [3, 7], "derived": true, "reason": "late, by 2 h",
       "id": "CMP-2026-000001:response_late"}]})")
                                .as_object();
  EXPECT_EQ(FinesCsv(doc),
            "period,day,accrued_at,complaint,rule,amount,waived,people,departments,evidence,"
            "derived,reason,waived_by,waiver_event,waiver_reason,line\r\n"
            "2026-09,2026-09-01,2026-09-01T10:00:00+08:00,CMP-2026-000001,response_late,200.00,"
            "false,'=cmd|' /C calc'!A0; u-b,property,3; 7,true,\"late, by 2 h\",,,,"
            "CMP-2026-000001:response_late\r\n");
}

}  // namespace
}  // namespace tools
