// Problem details, the one Code -> HTTP mapping, JSON body parsing, content negotiation.
#include "api/http/problem.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/http/dispatcher.h"
#include "api/http/json_body.h"
#include "ledger/log/validation.h"

namespace api {
namespace {

using ledger::Code;
using ledger::Status;

TEST(Problem, OneMappingFromCodeToHttpStatus) {
  const std::vector<std::pair<Code, unsigned>> table = {
      {Code::kInvalidArgument, 400},
      {Code::kUnauthenticated, 401},
      {Code::kPermissionDenied, 403},
      {Code::kNotFound, 404},
      {Code::kAborted, 409},
      {Code::kAlreadyExists, 409},
      {Code::kFailedPrecondition, 422},
      {Code::kResourceExhausted, 429},
      {Code::kUnavailable, 503},
      {Code::kDataLoss, 500},
      {Code::kInternal, 500},
  };
  for (const auto& [code, http] : table)
    EXPECT_EQ(HttpStatusFor(code), http) << ledger::CodeName(code);
}

TEST(Problem, ValidationErrorsCarryFieldRuleAndMessage) {
  Status s = Status::WithErrors(
      Code::kInvalidArgument, "2 invalid fields",
      {{"complainant.phone", "required", "phone is required"}, {"level", "enum", "unknown level"}});
  Response r = ErrorResponse(s, "/v1/complaints");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.content_type, "application/problem+json");
  boost::json::object o = boost::json::parse(r.body).as_object();
  EXPECT_EQ(o.at("type"), "urn:ledger:problem:invalid_argument");
  EXPECT_EQ(o.at("title"), "Invalid argument");
  EXPECT_EQ(o.at("status"), 400);
  EXPECT_EQ(o.at("detail"), "2 invalid fields");
  EXPECT_EQ(o.at("instance"), "/v1/complaints");
  const boost::json::array& errors = o.at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].at("field"), "complainant.phone");
  EXPECT_EQ(errors[0].at("rule"), "required");
  EXPECT_EQ(errors[0].at("message"), "phone is required");
}

TEST(Problem, ErrorsWithoutFieldsHaveNoErrorsMember) {
  boost::json::object o =
      boost::json::parse(ErrorResponse(Status::Aborted("stream s at 3, expected 2")).body)
          .as_object();
  EXPECT_EQ(o.at("status"), 409);
  EXPECT_FALSE(o.contains("errors"));
  EXPECT_FALSE(o.contains("instance"));
}

TEST(Problem, UnauthenticatedAnswersCarryWwwAuthenticate) {
  Response r = ErrorResponse(Status::Unauthenticated("missing bearer token"));
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.headers.Get("WWW-Authenticate").value_or(""), "Bearer realm=\"ledger\"");
}

TEST(Problem, HttpLayerProblemsHaveTheirOwnTypes) {
  Problem p = MakeProblem(413, kPayloadTooLarge, "too big", "/v1/x");
  boost::json::object o = boost::json::parse(ProblemJson(p)).as_object();
  EXPECT_EQ(o.at("type"), "urn:ledger:problem:payload_too_large");
  EXPECT_EQ(o.at("status"), 413);
}

TEST(Problem, ManyFieldErrorsAreListedUpToTwentyAndCounted) {
  std::vector<ledger::FieldError> errors;
  for (int i = 0; i < 25; ++i)
    errors.push_back({"f" + std::to_string(i), "unknown_field", "f is not a known field"});
  Status s = Status::WithErrors(Code::kInvalidArgument, "25 invalid fields", errors);
  boost::json::object o = boost::json::parse(ErrorResponse(s).body).as_object();
  ASSERT_EQ(o.at("errors").as_array().size(), kMaxProblemErrors);
  EXPECT_EQ(o.at("errors").at(19).at("field"), "f19");
  EXPECT_EQ(o.at("errors_omitted"), 5);
  EXPECT_EQ(o.at("detail"), "25 invalid fields (20 errors listed, 5 more omitted)");
}

// The length of a string value as JSON text, without its quotes.
size_t JsonLength(const boost::json::value& v) { return boost::json::serialize(v).size() - 2; }

TEST(Problem, EchoedTextIsCutSoEveryDocumentStaysBounded) {
  // The worst an input can echo: long names of control characters (each written as six
  // characters), long messages of quotes (two each), a long detail and instance, and thousands
  // of errors.
  std::vector<ledger::FieldError> errors;
  for (int i = 0; i < 5000; ++i)
    errors.push_back({std::string(1000, '\x01'), std::string(200, 'r'), std::string(3000, '"')});
  Problem p = ProblemFromStatus(
      Status::WithErrors(Code::kInvalidArgument, std::string(20000, '\x02'), errors),
      std::string(20000, '/'));
  std::string json = ProblemJson(p);
  EXPECT_LT(json.size(), kMaxProblemBytes);
  boost::json::object o = boost::json::parse(json).as_object();
  ASSERT_TRUE(o.contains("errors") && o.contains("errors_omitted")) << json.substr(0, 200);
  const boost::json::array& listed = o.at("errors").as_array();
  ASSERT_FALSE(listed.empty());
  EXPECT_LE(listed.size(), kMaxProblemErrors);
  int64_t omitted = 5000 - static_cast<int64_t>(listed.size());
  EXPECT_EQ(o.at("errors_omitted").as_int64(), omitted);
  EXPECT_NE(o.at("detail").as_string().find(std::to_string(omitted) + " more omitted"),
            std::string::npos);
  for (const boost::json::value& e : listed) {
    EXPECT_LE(JsonLength(e.at("field")), kMaxProblemFieldBytes);
    EXPECT_LE(JsonLength(e.at("rule")), kMaxProblemRuleBytes);
    EXPECT_LE(JsonLength(e.at("message")), kMaxProblemMessageBytes);
    EXPECT_TRUE(e.at("message").as_string().ends_with("...")) << e.at("message");
  }
  EXPECT_LE(JsonLength(o.at("instance")), kMaxProblemInstanceBytes);
}

TEST(Problem, CutsNeverSplitACharacterAndShortTextIsKept) {
  std::string e_acute = "\xc3\xa9";
  std::string long_name;
  for (int i = 0; i < 200; ++i) long_name += e_acute;
  Problem p = MakeProblem(400, kBadRequest, "short detail", "/v1/x");
  p.errors = {{long_name, "rule", "message"}};
  boost::json::object o = boost::json::parse(ProblemJson(p)).as_object();
  std::string field(o.at("errors").at(0).at("field").as_string());
  EXPECT_TRUE(ledger::IsValidUtf8(field)) << field;
  EXPECT_LE(field.size(), kMaxProblemFieldBytes);
  EXPECT_EQ(field.substr(field.size() - 5), e_acute + "...");
  EXPECT_EQ(o.at("detail"), "short detail");
  EXPECT_EQ(o.at("instance"), "/v1/x");
  EXPECT_FALSE(o.contains("errors_omitted"));
}

ledger::Status ParseBody(const std::string& body,
                         const std::string& content_type = "application/json") {
  Request r;
  r.body = body;
  if (!content_type.empty()) r.headers.Add("Content-Type", content_type);
  return ParseJsonObject(r).status();
}

void ExpectFieldError(const Status& s, const std::string& field, const std::string& rule) {
  ASSERT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  ASSERT_FALSE(s.errors().empty()) << s.ToString();
  EXPECT_EQ(s.errors()[0].field, field) << s.ToString();
  EXPECT_EQ(s.errors()[0].rule, rule) << s.ToString();
}

TEST(JsonBody, MalformedInputNamesTheFieldAndRule) {
  ExpectFieldError(ParseBody("{\"a\": }"), "body", "json");
  ExpectFieldError(ParseBody("{\"a\": 1} trailing"), "body", "json");
  ExpectFieldError(ParseBody("{\"a\": \"\xff\"}"), "body", "utf8");
  ExpectFieldError(ParseBody("{\"a\": \"\xed\xa0\x80\"}"), "body", "utf8");  // a surrogate
  ExpectFieldError(ParseBody("{\"a\": \"\xc0\xaf\"}"), "body", "utf8");      // overlong '/'
  ExpectFieldError(ParseBody("[1, 2]"), "body", "type");
  ExpectFieldError(ParseBody(""), "body", "empty_body");
  ExpectFieldError(ParseBody(std::string(100, '[') + std::string(100, ']')), "body", "json_depth");
  ExpectFieldError(ParseBody("{}", "text/plain"), "Content-Type", "media_type");
  ExpectFieldError(ParseBody(R"({"type": "a", "type": "b"})"), "type", "duplicate_key");
  EXPECT_TRUE(ParseBody("{\"a\": \"\xe6\x8a\x95\xe8\xaf\x89\"}").ok());
  EXPECT_TRUE(ParseBody("{}", "application/json; charset=utf-8").ok());
  EXPECT_TRUE(ParseBody("{}", "").ok());
}

TEST(JsonBody, InvalidUtf8ReportsItsOffset) {
  Status s = ParseBody("{\"ab\": \"\xff\"}");
  EXPECT_NE(s.message().find("byte 8"), std::string::npos) << s.message();
}

TEST(JsonFields, CollectsEveryProblemAtOnce) {
  boost::json::object o =
      boost::json::parse(
          R"({"name": 5, "count": "x", "big": 300, "ok": "yes", "note": "a\u0001b", "extra": 1})")
          .as_object();
  JsonFields f(o, "item");
  EXPECT_FALSE(f.String("name", Need::kRequired));
  EXPECT_FALSE(f.Int("count"));
  EXPECT_FALSE(f.Int("big", Need::kOptional, 0, 100));
  EXPECT_FALSE(f.Bool("ok"));
  EXPECT_FALSE(f.String("note"));
  EXPECT_FALSE(f.String("missing", Need::kRequired));
  f.RejectUnknown({"name", "count", "big", "ok", "note"});
  Status s = f.status();
  ASSERT_EQ(s.errors().size(), 7u) << s.ToString();
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& e : s.errors()) got.emplace_back(e.field, e.rule);
  std::vector<std::pair<std::string, std::string>> want = {{"item.name", "type"},
                                                           {"item.count", "type"},
                                                           {"item.big", "range"},
                                                           {"item.ok", "type"},
                                                           {"item.note", "control_characters"},
                                                           {"item.missing", "required"},
                                                           {"item.extra", "unknown_field"}};
  EXPECT_EQ(got, want);
}

TEST(JsonFields, ReadsValidFields) {
  boost::json::object o =
      boost::json::parse(R"({"name": "x", "count": 3, "ok": true, "list": [], "sub": {}})")
          .as_object();
  JsonFields f(o);
  EXPECT_EQ(f.String("name", Need::kRequired).value_or(""), "x");
  EXPECT_EQ(f.Int("count").value_or(0), 3);
  EXPECT_EQ(f.Bool("ok").value_or(false), true);
  EXPECT_NE(f.Array("list"), nullptr);
  EXPECT_NE(f.Object("sub"), nullptr);
  EXPECT_FALSE(f.String("absent").has_value());
  EXPECT_TRUE(f.status().ok());
}

TEST(Negotiation, PicksJsonOrCapnpByQualityAndRefusesTheRest) {
  EXPECT_EQ(NegotiateFormat(std::nullopt, true), Format::kJson);
  EXPECT_EQ(NegotiateFormat("application/x-capnp", true), Format::kCapnp);
  EXPECT_EQ(NegotiateFormat("application/x-capnp", false), std::nullopt);
  EXPECT_EQ(NegotiateFormat("application/json;q=0.5, application/x-capnp", true), Format::kCapnp);
  EXPECT_EQ(NegotiateFormat("application/json, application/x-capnp;q=0.5", true), Format::kJson);
  EXPECT_EQ(NegotiateFormat("*/*", true), Format::kJson);
  EXPECT_EQ(NegotiateFormat("application/*", false), Format::kJson);
  EXPECT_EQ(NegotiateFormat("text/html", true), std::nullopt);
  EXPECT_EQ(NegotiateFormat("application/json;q=0", false), std::nullopt);
}

}  // namespace
}  // namespace api
