// Every path of docs/openapi.yaml is routed by the server as `ledgerctl serve` builds it (the
// application and every domain route): it answers something other than the router's own 404
// (no_route), 405 or 501 (a stub). And every route the server has is in the document.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <regex>
#include <sstream>

#include "test_server.h"

namespace api {
namespace {

using api_testing::RawStatus;
using api_testing::TestServer;

struct Operation {
  std::string method;  // upper case
  std::string path;
};

// The operations under `paths:` (two-space-indented path keys, four-space-indented methods).
std::vector<Operation> ReadOperations(const std::string& file) {
  std::ifstream in(file);
  EXPECT_TRUE(in.good()) << file;
  std::vector<Operation> out;
  std::string line, path;
  bool in_paths = false;
  std::regex path_re(R"(^  (/[^:\s]*):\s*$)");
  std::regex method_re(R"(^    (get|post|put|patch|delete):\s*$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != ' ' && line[0] != '#') in_paths = line.rfind("paths:", 0) == 0;
    if (!in_paths) continue;
    if (std::regex_match(line, m, path_re)) {
      path = m[1];
    } else if (std::regex_match(line, m, method_re) && !path.empty()) {
      std::string method = m[1];
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.push_back({method, path});
    }
  }
  return out;
}

std::string Concrete(const std::string& path) {
  return std::regex_replace(path, std::regex(R"(\{[a-z_]+\})"), "CMP-2026-000001");
}

TEST(OpenApi, EveryDocumentedPathIsRouted) {
  std::vector<Operation> ops =
      ReadOperations(std::string(LEDGER_SOURCE_DIR) + "/docs/openapi.yaml");
  ASSERT_GE(ops.size(), 18u) << "docs/openapi.yaml lists fewer operations than the contract";
  TestServer server(api_testing::ProductConfig());
  for (const Operation& op : ops) {
    std::string body;
    unsigned status =
        RawStatus(server.port(), op.method, Concrete(op.path), server.token(Role::kAdmin), &body);
    EXPECT_NE(status, 0u) << op.method << " " << op.path;
    EXPECT_NE(status, 405u) << op.method << " " << op.path << ": " << body;
    EXPECT_NE(status, 501u) << op.method << " " << op.path << " is still a stub";
    EXPECT_EQ(body.find("urn:ledger:problem:no_route"), std::string::npos)
        << op.method << " " << op.path;
  }
}

TEST(OpenApi, EveryRouteIsDocumented) {
  std::vector<Operation> ops =
      ReadOperations(std::string(LEDGER_SOURCE_DIR) + "/docs/openapi.yaml");
  TestServer server(api_testing::ProductConfig());
  for (const auto& route : server.router().routes()) {
    // The tlog-tiles paths span segments (tile/0/x001/x234/067.p/8), which OpenAPI 3.0 cannot
    // template: docs/api.md ("Tiles") describes them, and the file's header says so.
    if (route->pattern.starts_with("/v1/ledger/tile/")) continue;
    bool found = std::any_of(ops.begin(), ops.end(), [&](const Operation& op) {
      return op.method == route->method && op.path == route->pattern;
    });
    EXPECT_TRUE(found) << route->method << " " << route->pattern << " is not in docs/openapi.yaml";
  }
}

}  // namespace
}  // namespace api
