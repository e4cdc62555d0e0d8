// ParseStrictJson: every repeated key is refused with its path; the other checks (UTF-8, syntax,
// depth, trailing text) keep their rules.
#include "ledger/base/strict_json.h"

#include <gtest/gtest.h>

namespace ledger {
namespace {

std::vector<FieldError> Errors(std::string_view text) {
  Result<boost::json::value> r = ParseStrictJson(text, 8, "body");
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return {{"(accepted)", "", ""}};
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  if (r.status().errors().empty()) return {{"(no field errors)", "", r.status().message()}};
  return r.status().errors();
}

// The field of the first error for `text`.
std::string Field(std::string_view text) { return Errors(text)[0].field; }

TEST(StrictJson, ARepeatedKeyIsRefusedWhereverItIsAndNamedByItsPath) {
  EXPECT_EQ(Errors(R"({"type": "close", "note": "x", "type": "waive"})"),
            (std::vector<FieldError>{{"type", "duplicate_key", "the body repeats the key type"}}));
  EXPECT_EQ(Field(R"({"a": {"b": 1, "b": 2}})"), "a.b");
  EXPECT_EQ(Field(R"({"people": [{"x": 1}, {"x": 1, "x": 2}]})"), "people[1].x");
  EXPECT_EQ(Field(R"({"a": [1, [2, 3], {"k": 0, "k": 0}]})"), "a[2].k");
  EXPECT_EQ(Field(R"([{}, {"k": 0, "k": 0}])"), "[1].k");
  // Escapes decode before comparing: "\u0074ype" is "type".
  EXPECT_EQ(Field(R"({"type": 1, "\u0074ype": 2})"), "type");
  std::vector<FieldError> both = Errors(R"({"a": 1, "a": 2, "b": {"c": 1, "c": 2}})");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1].field, "b.c");
}

TEST(StrictJson, TheSameKeyInDifferentObjectsIsFine) {
  Result<boost::json::value> r = ParseStrictJson(
      R"({"a": {"k": 1}, "b": {"k": 2}, "c": [{"k": 3}, {"k": 4}], "k": 5})", 8, "body");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->at("c").at(1).at("k"), 4);
}

TEST(StrictJson, OtherMalformedTextKeepsItsRuleOnTheWholeText) {
  auto rule = [](std::string_view text) {
    std::vector<FieldError> e = Errors(text);
    return e[0].field + ":" + e[0].rule;
  };
  EXPECT_EQ(rule("{\"a\": \"\xff\"}"), "body:utf8");
  EXPECT_EQ(rule("{\"a\": }"), "body:json");
  EXPECT_EQ(rule("{\"a\": 1} {\"a\": 1}"), "body:json");  // trailing text, even a repeat
  EXPECT_EQ(rule(std::string(9, '[') + std::string(9, ']')), "body:json_depth");
  EXPECT_TRUE(ParseStrictJson(std::string(8, '[') + std::string(8, ']'), 8, "body").ok());
  EXPECT_NE(Errors("{\"a\":\n }")[0].message.find("line 2 column 2"), std::string::npos);
  EXPECT_NE(Errors("{\"ab\": \"\xff\"}")[0].message.find("byte 8"), std::string::npos);
}

}  // namespace
}  // namespace ledger
