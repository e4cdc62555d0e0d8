// Router: patterns, matching, specificity, 404/405, and path-parameter checks.
#include "api/http/router.h"

#include <gtest/gtest.h>

namespace api {
namespace {

SyncHandler Ok() {
  return [](const RequestContext&) -> ledger::Result<Response> {
    return Response::Text(200, "text/plain", "ok");
  };
}

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

TEST(Router, MatchesLiteralsAndParameters) {
  Router r;
  ASSERT_TRUE(r.Add("GET", "/v1/complaints/{id}/events", {}, Ok()).ok());
  RouteLookup found = r.Find("GET", Split("/v1/complaints/CMP-2026-000001/events"));
  ASSERT_EQ(found.kind, RouteLookup::Kind::kFound);
  EXPECT_EQ(found.route->pattern, "/v1/complaints/{id}/events");
  ASSERT_EQ(found.params.size(), 1u);
  EXPECT_EQ(found.params[0].first, "id");
  EXPECT_EQ(found.params[0].second, "CMP-2026-000001");
  EXPECT_EQ(r.Find("GET", Split("/v1/complaints/x/timeline")).kind, RouteLookup::Kind::kNoRoute);
  EXPECT_EQ(r.Find("GET", Split("/v1/complaints/x/events/")).kind, RouteLookup::Kind::kNoRoute);
}

TEST(Router, LiteralSegmentsWinOverParameters) {
  Router r;
  ASSERT_TRUE(r.Add("GET", "/v1/events/{position}", {}, Ok()).ok());
  ASSERT_TRUE(r.Add("GET", "/v1/events/stream", {}, Ok()).ok());
  EXPECT_EQ(r.Find("GET", Split("/v1/events/stream")).route->pattern, "/v1/events/stream");
  EXPECT_EQ(r.Find("GET", Split("/v1/events/7")).route->pattern, "/v1/events/{position}");
}

TEST(Router, WrongMethodListsTheAllowedOnes) {
  Router r;
  ASSERT_TRUE(r.Add("GET", "/v1/policies", {}, Ok()).ok());
  ASSERT_TRUE(r.Add("POST", "/v1/policies", {}, Ok()).ok());
  RouteLookup found = r.Find("DELETE", Split("/v1/policies"));
  EXPECT_EQ(found.kind, RouteLookup::Kind::kMethodNotAllowed);
  EXPECT_EQ(found.allow, "GET, POST");
}

TEST(Router, RefusesMalformedAndDuplicatePatterns) {
  Router r;
  EXPECT_EQ(r.Add("GET", "v1/x", {}, Ok()).code(), ledger::Code::kInvalidArgument);
  EXPECT_EQ(r.Add("GET", "/v1//x", {}, Ok()).code(), ledger::Code::kInvalidArgument);
  EXPECT_EQ(r.Add("GET", "/v1/{Id}", {}, Ok()).code(), ledger::Code::kInvalidArgument);
  EXPECT_EQ(r.Add("GET", "/v1/{id}/{id}", {}, Ok()).code(), ledger::Code::kInvalidArgument);
  ASSERT_TRUE(r.Add("GET", "/v1/x", {}, Ok()).ok());
  EXPECT_EQ(r.Add("GET", "/v1/x", {}, Ok()).code(), ledger::Code::kAlreadyExists);
  EXPECT_TRUE(r.Has("GET", "/v1/x"));
  EXPECT_FALSE(r.Has("POST", "/v1/x"));
}

TEST(Router, TraversalAndControlCharactersInParametersAreBadRequests) {
  Router r;
  ASSERT_TRUE(r.Add("GET", "/v1/complaints/{id}", {}, Ok()).ok());
  // Segments arrive percent-decoded: "..%2F.." is "../..", "%00" a NUL byte.
  for (std::string bad : {std::string("../.."), std::string(".."), std::string("."),
                          std::string("a/b"), std::string("a\\b"), std::string("a\0b", 3),
                          std::string("\xff\xfe"), std::string(300, 'x')}) {
    RouteLookup found = r.Find("GET", {"v1", "complaints", bad});
    ASSERT_EQ(found.kind, RouteLookup::Kind::kBadParameter) << bad;
    ASSERT_EQ(found.error.errors().size(), 1u);
    EXPECT_EQ(found.error.errors()[0].field, "id");
    EXPECT_EQ(found.error.errors()[0].rule, "path_parameter");
  }
  EXPECT_EQ(r.Find("GET", {"v1", "complaints", "CMP-2026-000001"}).kind, RouteLookup::Kind::kFound);
  EXPECT_EQ(r.Find("GET", {"v1", "complaints", "..."}).kind, RouteLookup::Kind::kFound);
}

TEST(Router, TheRootPatternMatchesOnlyTheRoot) {
  Router r;
  ASSERT_TRUE(r.Add("GET", "/", {}, Ok()).ok());
  EXPECT_EQ(r.Find("GET", {}).kind, RouteLookup::Kind::kFound);
  EXPECT_EQ(r.Find("GET", {""}).kind, RouteLookup::Kind::kNoRoute);
  EXPECT_EQ(r.Find("GET", {"ui"}).kind, RouteLookup::Kind::kNoRoute);
}

TEST(Router, ARestParameterTakesTheRestOfThePath) {
  Router r;
  ASSERT_TRUE(r.Add("GET", "/ui/{path*}", {}, Ok()).ok());
  ASSERT_TRUE(r.Add("GET", "/ui", {}, Ok()).ok());
  auto value = [&](const std::vector<std::string>& segments) {
    RouteLookup found = r.Find("GET", segments);
    EXPECT_EQ(found.kind, RouteLookup::Kind::kFound);
    return found.params.size() == 1 ? found.params[0].second : std::string("?");
  };
  EXPECT_EQ(value({"ui", "vendor", "d3.min.js"}), "vendor/d3.min.js");
  EXPECT_EQ(value({"ui", "index.html"}), "index.html");
  EXPECT_EQ(value({"ui", ""}), "");  // "/ui/"
  EXPECT_EQ(value({"ui", "app", ""}), "app/");
  EXPECT_EQ(r.Find("GET", {"ui"}).route->pattern, "/ui");
  EXPECT_EQ(r.Find("GET", {"other", "x"}).kind, RouteLookup::Kind::kNoRoute);
  // "/ui/../x", "/ui/%2e%2e/x", "/ui//etc/passwd", "/ui/vendor/../../x", "/ui/a%2Fb".
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"ui", "..", "x"},
                                             {"ui", "", "etc", "passwd"},
                                             {"ui", "vendor", "..", "..", "x"},
                                             {"ui", "a/b"},
                                             {"ui", "."},
                                             {"ui", "a\\b"}}) {
    RouteLookup found = r.Find("GET", bad);
    ASSERT_EQ(found.kind, RouteLookup::Kind::kBadParameter);
    EXPECT_EQ(found.error.errors()[0].field, "path");
  }
  EXPECT_EQ(r.Add("GET", "/x/{rest*}/y", {}, Ok()).code(), ledger::Code::kInvalidArgument);
  EXPECT_EQ(r.Add("GET", "/x/{*}", {}, Ok()).code(), ledger::Code::kInvalidArgument);
}

}  // namespace
}  // namespace api
