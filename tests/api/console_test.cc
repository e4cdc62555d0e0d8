// The web console's static files over a real server (api/http/console_routes.h): what the build
// embedded (whatever api/console/ holds; the vendored libraries at least), content types, ETags
// and 304, gzip with Vary, the redirects, 404s, traversal attempts, the security headers,
// --no-ui, and --ui-dir (a directory read from disk, symbolic links out of it refused).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "api/http/console_files.h"
#include "api/http/console_routes.h"
#include "ledger/base/hash.h"
#include "test_server.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace api {
namespace {

namespace fs = std::filesystem;
using api_testing::TestServer;
using testing_util::HttpReply;

// The exact policy the brief of the console asks for: written out here, not read from the code.
constexpr const char* kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self' "
    "'sha256-jSYQUrW7J0b3jPqhZP9C2Xh1PyJKHKXd4s0fpGGKrww='; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";

const std::string kConsoleDir = std::string(LEDGER_SOURCE_DIR) + "/api/console";

std::string ReadFile(const std::string& path) { return testing_util::ReadWholeFile(path); }

void WriteFile(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

api_testing::TestServerConfig ConsoleConfig(ConsoleOptions options) {
  api_testing::TestServerConfig config;
  config.routes = [options](Router& router, ledger::EventLog&) {
    return RegisterConsoleRoutes(router, options);
  };
  return config;
}

void ExpectSecurityHeaders(const HttpReply& r) {
  EXPECT_EQ(r.Header("Content-Security-Policy"), kCsp);
  EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.Header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(r.Header("Cross-Origin-Opener-Policy"), "same-origin");
  EXPECT_EQ(r.Header("Permissions-Policy"), "camera=(), microphone=(), geolocation=()");
  EXPECT_EQ(r.Header("X-Frame-Options"), "DENY");
}

// The body of a gzip answer, decompressed by the gzip program (the one the build used).
std::string Gunzip(const std::string& compressed) {
  testing_util::TempDir scratch;
  WriteFile(scratch.Sub("body.gz"), compressed);
  testing_util::ProcessResult r = testing_util::RunProcess(
      {"/bin/sh", "-c", "gzip -dc " + scratch.Sub("body.gz")}, scratch.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

const EmbeddedFile* Embedded(std::string_view path) {
  for (const EmbeddedFile& f : EmbeddedConsoleFiles())
    if (f.path == path) return &f;
  return nullptr;
}

TEST(ConsoleFiles, ContentTypesFollowTheExtension) {
  EXPECT_EQ(ConsoleContentType("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ConsoleContentType("app/main.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ConsoleContentType("vendor/preact.module.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ConsoleContentType("app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ConsoleContentType("i18n/zh-CN.json"), "application/json; charset=utf-8");
  EXPECT_EQ(ConsoleContentType("icons/logo.svg"), "image/svg+xml; charset=utf-8");
  EXPECT_EQ(ConsoleContentType("logo.png"), "image/png");
  EXPECT_EQ(ConsoleContentType("notes.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ConsoleContentType("vendor/LICENSE.d3"), "text/plain; charset=utf-8");
  EXPECT_EQ(ConsoleContentType("LICENSE"), "text/plain; charset=utf-8");
  EXPECT_EQ(ConsoleContentType("blob.bin"), "application/octet-stream");
  EXPECT_EQ(ConsoleContentType("html"), "application/octet-stream");
}

TEST(ConsoleFiles, PathsAreExactRelativeNamesOnly) {
  EXPECT_TRUE(IsConsolePath("index.html"));
  EXPECT_TRUE(IsConsolePath("vendor/d3.min.js"));
  for (const char* bad :
       {"", "/etc/passwd", "../x", "a/../b", "a//b", "a/", "./a", ".env", "app/.hidden",
        "node_modules/x.js", "a\\b", "package.json", "package-lock.json"})
    EXPECT_FALSE(IsConsolePath(bad)) << bad;
  EXPECT_TRUE(IsConsolePath("vendor/package.json"));  // only the root's are the pins
}

// What the build embedded is api/console/ as it is now, vendored libraries included, without the
// vendoring's package files.
TEST(ConsoleFiles, TheEmbeddedCopyIsTheSourceTree) {
  ASSERT_NE(Embedded("vendor/MANIFEST.json"), nullptr);
  ASSERT_NE(Embedded("vendor/d3.min.js"), nullptr);
  EXPECT_EQ(Embedded("package.json"), nullptr);
  EXPECT_EQ(Embedded("package-lock.json"), nullptr);
  std::string previous;
  for (const EmbeddedFile& f : EmbeddedConsoleFiles()) {
    SCOPED_TRACE(f.path);
    EXPECT_LT(previous, f.path);  // sorted, each once
    previous = f.path;
    const std::string source = ReadFile(kConsoleDir + "/" + f.path);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(f.bytes), f.size), source);
    EXPECT_EQ(f.sha256, ledger::ToHex(ledger::Sha256(source)));
    if (f.gzip != nullptr) {
      EXPECT_LT(f.gzip_size, f.size);
    }
  }
  // Every file of the tree is embedded, but the package files.
  size_t files = 0;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(kConsoleDir)) {
    const std::string rel = fs::relative(e.path(), kConsoleDir).string();
    if (!e.is_regular_file() || !IsConsolePath(rel)) continue;
    EXPECT_NE(Embedded(rel), nullptr) << rel << " is not embedded: rebuild";
    ++files;
  }
  EXPECT_EQ(files, EmbeddedConsoleFiles().size());
}

class Console : public ::testing::Test {
 protected:
  Console() : server_(ConsoleConfig({})) {}
  HttpReply Get(const std::string& target, const testing_util::HeaderList& headers = {}) {
    return server_.Client().Get(target, headers);
  }
  TestServer server_;
};

TEST_F(Console, ServesEveryEmbeddedFileWithItsTypeETagAndHeaders) {
  ASSERT_FALSE(EmbeddedConsoleFiles().empty());
  for (const EmbeddedFile& f : EmbeddedConsoleFiles()) {
    SCOPED_TRACE(f.path);
    HttpReply r = Get(std::string("/ui/") + f.path);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.Header("Content-Type"), ConsoleContentType(f.path));
    EXPECT_EQ(r.body, std::string(reinterpret_cast<const char*>(f.bytes), f.size));
    EXPECT_EQ(r.Header("ETag"), "\"" + std::string(f.sha256) + "\"");
    EXPECT_EQ(r.Header("Cache-Control"), "no-cache");
    EXPECT_EQ(r.Header("Vary"), "Accept-Encoding");
    EXPECT_EQ(r.Header("Content-Encoding"), "");
    ExpectSecurityHeaders(r);
  }
  EXPECT_EQ(Get("/ui/vendor/d3.min.js").Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/ui/vendor/MANIFEST.json").Header("Content-Type"),
            "application/json; charset=utf-8");
  EXPECT_EQ(Get("/ui/vendor/LICENSE.d3").Header("Content-Type"), "text/plain; charset=utf-8");
}

TEST_F(Console, AMatchingETagIsNotModified) {
  HttpReply first = Get("/ui/vendor/d3.min.js");
  ASSERT_EQ(first.status, 200u);
  const std::string etag = first.Header("ETag");
  for (const std::string& match : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    SCOPED_TRACE(match);
    HttpReply again = Get("/ui/vendor/d3.min.js", {{"If-None-Match", match}});
    EXPECT_EQ(again.status, 304u);
    EXPECT_EQ(again.body, "");
    EXPECT_EQ(again.Header("ETag"), etag);
    EXPECT_EQ(again.Header("Vary"), "Accept-Encoding");
    ExpectSecurityHeaders(again);
  }
  EXPECT_EQ(Get("/ui/vendor/d3.min.js", {{"If-None-Match", "\"stale\""}}).status, 200u);
  // The tag of another file does not match.
  EXPECT_EQ(Get("/ui/vendor/htm.module.js", {{"If-None-Match", etag}}).status, 200u);
}

TEST_F(Console, GzipWhenAcceptedWithVaryAndTheSameBytesInside) {
  const EmbeddedFile* d3 = Embedded("vendor/d3.min.js");
  ASSERT_NE(d3, nullptr);
  ASSERT_NE(d3->gzip, nullptr) << "a minified script compresses";
  const std::string raw(reinterpret_cast<const char*>(d3->bytes), d3->size);
  HttpReply gz = Get("/ui/vendor/d3.min.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_EQ(gz.status, 200u);
  EXPECT_EQ(gz.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(gz.Header("Vary"), "Accept-Encoding");
  EXPECT_EQ(gz.Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_LT(gz.body.size(), raw.size());
  EXPECT_EQ(Gunzip(gz.body), raw);
  // Its own tag; either tag revalidates.
  const std::string gz_tag = gz.Header("ETag");
  EXPECT_EQ(gz_tag, "\"" + std::string(d3->sha256) + "-gzip\"");
  EXPECT_EQ(
      Get("/ui/vendor/d3.min.js", {{"Accept-Encoding", "gzip"}, {"If-None-Match", gz_tag}}).status,
      304u);
  // Identity when gzip is not accepted.
  for (const std::string& accept : {std::string("identity"), std::string("gzip;q=0"),
                                    std::string("br"), std::string("*;q=0")}) {
    SCOPED_TRACE(accept);
    HttpReply plain = Get("/ui/vendor/d3.min.js", {{"Accept-Encoding", accept}});
    EXPECT_EQ(plain.Header("Content-Encoding"), "");
    EXPECT_EQ(plain.Header("Vary"), "Accept-Encoding");
    EXPECT_EQ(plain.body, raw);
  }
  EXPECT_EQ(Get("/ui/vendor/d3.min.js").body, raw);  // no Accept-Encoding at all
  EXPECT_EQ(Get("/ui/vendor/d3.min.js", {{"Accept-Encoding", "*"}}).Header("Content-Encoding"),
            "gzip");
}

TEST(AcceptEncoding, QValuesDecide) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("br, *"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.0, *"));
  EXPECT_FALSE(AcceptsGzip("identity, br"));
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
}

TEST_F(Console, TheRootAndUiRedirectToTheConsole) {
  for (const char* target : {"/", "/ui"}) {
    SCOPED_TRACE(target);
    HttpReply r = Get(target);
    EXPECT_EQ(r.status, 302u);
    EXPECT_EQ(r.Header("Location"), "/ui/");
    ExpectSecurityHeaders(r);
  }
}

TEST_F(Console, TheConsoleRootIsIndexHtml) {
  HttpReply index = Get("/ui/index.html");
  HttpReply root = Get("/ui/");
  EXPECT_EQ(root.status, index.status);
  if (Embedded("index.html") != nullptr) {
    EXPECT_EQ(root.status, 200u);
    EXPECT_EQ(root.body, index.body);
    EXPECT_EQ(root.Header("ETag"), index.Header("ETag"));
    EXPECT_EQ(root.Header("Content-Type"), "text/html; charset=utf-8");
  } else {
    EXPECT_EQ(root.status, 404u);  // not written yet: the test below covers it from a directory
  }
}

TEST_F(Console, UnknownFilesAndThePackageFilesAreNotFound) {
  for (const char* target : {"/ui/nope.js", "/ui/vendor", "/ui/vendor/", "/ui/package.json",
                             "/ui/package-lock.json", "/ui/vendor/d3.min.js.gz", "/ui/.git"}) {
    SCOPED_TRACE(target);
    HttpReply r = Get(target);
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.Header("Content-Type"), "application/problem+json");
    EXPECT_EQ(r.body.find("\"dependencies\""), std::string::npos);
    ExpectSecurityHeaders(r);
  }
  EXPECT_EQ(server_.Client().Request("POST", "/ui/vendor/d3.min.js", "x").status, 405u);
}

// Every way out of the console's root is refused, and no answer carries a file from outside.
void ExpectNoTraversal(TestServer& server, const std::vector<std::string>& targets,
                       const std::vector<std::string>& secrets) {
  for (const std::string& target : targets) {
    SCOPED_TRACE(target);
    HttpReply r = server.Client().Get(target);
    EXPECT_TRUE(r.status == 404u || r.status == 400u) << r.status;
    for (const std::string& secret : secrets) EXPECT_EQ(r.body.find(secret), std::string::npos);
  }
}

const std::vector<std::string> kTraversals = {
    "/ui/../CMakeLists.txt",
    "/ui/%2e%2e/CMakeLists.txt",
    "/ui/%2E%2E/%2E%2E/CMakeLists.txt",
    "/ui/..%2fCMakeLists.txt",
    "/ui/..%2F..%2FCMakeLists.txt",
    "/ui//etc/passwd",
    "/ui/%2fetc/passwd",
    "/ui/vendor/../../x",
    "/ui/vendor/../../CMakeLists.txt",
    "/ui/vendor/..%5c..%5cCMakeLists.txt",
    "/ui/./vendor/d3.min.js",
    "/ui/vendor/%00",
    "/ui/../../../../../../etc/passwd",
    "/ui/secret.txt",
    "/ui/../secret.txt",
    "/ui/%2e%2e/secret.txt",
};

TEST_F(Console, TraversalAttemptsNeverReachAFile) {
  ExpectNoTraversal(server_, kTraversals, {"cmake_minimum_required", "root:x:0:0"});
}

TEST(ConsoleOff, NoUiAnswers404Everywhere) {
  TestServer server(ConsoleConfig({.enabled = false, .directory = ""}));
  for (const char* target : {"/", "/ui", "/ui/", "/ui/index.html", "/ui/vendor/d3.min.js"}) {
    SCOPED_TRACE(target);
    HttpReply r = server.Client().Get(target);
    EXPECT_EQ(r.status, 404u);
    EXPECT_NE(r.body.find("no_route"), std::string::npos);
  }
}

TEST(ConsoleDirectory, RefusesWhatIsNotADirectory) {
  Router router;
  EXPECT_EQ(RegisterConsoleRoutes(router, {.directory = "/nonexistent/console"}).code(),
            ledger::Code::kInvalidArgument);
  EXPECT_EQ(RegisterConsoleRoutes(router, {.directory = kConsoleDir + "/package.json"}).code(),
            ledger::Code::kInvalidArgument);
  EXPECT_TRUE(router.routes().empty());
}

class ConsoleFromADirectory : public ::testing::Test {
 protected:
  ConsoleFromADirectory() {
    WriteFile(root() + "/index.html", "<!doctype html><title>console</title>");
    WriteFile(root() + "/app/main.js", "export const answer = 42;\n");
    WriteFile(root() + "/app.css", "body { margin: 0 }\n");
    WriteFile(root() + "/i18n/en.json", "{\"hello\": \"Hello\"}");
    WriteFile(root() + "/vendor/LICENSE.x", "MIT");
    WriteFile(root() + "/logo.png", std::string("\x89PNG\r\n\x1a\n", 8));
    WriteFile(root() + "/.env", "SECRET_DOT");
    WriteFile(root() + "/package.json", "{\"dependencies\": {}}");
    WriteFile(outside_.Sub("secret.txt"), "SECRET_OUTSIDE");
    fs::create_directories(outside_.Sub("dir"));
    WriteFile(outside_.Sub("dir/x.js"), "SECRET_OUTSIDE_DIR");
    // Symbolic links: one to a file outside, one to a directory outside, one inside.
    fs::create_symlink(outside_.Sub("secret.txt"), root() + "/leak.js");
    fs::create_symlink(outside_.Sub("dir"), root() + "/outdir");
    fs::create_symlink(root() + "/app/main.js", root() + "/alias.js");
    server_ = std::make_unique<TestServer>(ConsoleConfig({.directory = root()}));
  }

  std::string root() const { return dir_.Sub("console"); }
  HttpReply Get(const std::string& target, const testing_util::HeaderList& headers = {}) {
    return server_->Client().Get(target, headers);
  }

  testing_util::TempDir dir_, outside_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(ConsoleFromADirectory, ServesItsFilesWithTheirTypesAndTheSameHeaders) {
  struct Case {
    std::string target, type, body;
  };
  for (const Case& c : std::vector<Case>{
           {"/ui/", "text/html; charset=utf-8", "<!doctype html><title>console</title>"},
           {"/ui/index.html", "text/html; charset=utf-8", "<!doctype html><title>console</title>"},
           {"/ui/app/main.js", "text/javascript; charset=utf-8", "export const answer = 42;\n"},
           {"/ui/app.css", "text/css; charset=utf-8", "body { margin: 0 }\n"},
           {"/ui/i18n/en.json", "application/json; charset=utf-8", "{\"hello\": \"Hello\"}"},
           {"/ui/vendor/LICENSE.x", "text/plain; charset=utf-8", "MIT"},
           {"/ui/logo.png", "image/png", std::string("\x89PNG\r\n\x1a\n", 8)},
           {"/ui/alias.js", "text/javascript; charset=utf-8", "export const answer = 42;\n"}}) {
    SCOPED_TRACE(c.target);
    HttpReply r = Get(c.target, {{"Accept-Encoding", "gzip"}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.Header("Content-Type"), c.type);
    EXPECT_EQ(r.body, c.body);
    EXPECT_EQ(r.Header("ETag"), "\"" + ledger::ToHex(ledger::Sha256(c.body)) + "\"");
    EXPECT_EQ(r.Header("Cache-Control"), "no-cache");
    EXPECT_EQ(r.Header("Vary"), "Accept-Encoding");
    ExpectSecurityHeaders(r);
  }
}

TEST_F(ConsoleFromADirectory, AnEditShowsOnTheNextRequest) {
  HttpReply before = Get("/ui/app/main.js");
  ASSERT_EQ(before.status, 200u);
  EXPECT_EQ(Get("/ui/app/main.js", {{"If-None-Match", before.Header("ETag")}}).status, 304u);
  WriteFile(root() + "/app/main.js", "export const answer = 43;\n");
  WriteFile(root() + "/app/new.js", "export {};\n");
  HttpReply after = Get("/ui/app/main.js", {{"If-None-Match", before.Header("ETag")}});
  EXPECT_EQ(after.status, 200u);
  EXPECT_EQ(after.body, "export const answer = 43;\n");
  EXPECT_NE(after.Header("ETag"), before.Header("ETag"));
  EXPECT_EQ(Get("/ui/app/new.js").status, 200u);
}

TEST_F(ConsoleFromADirectory, NoListingNoDotFilesNoPackageFilesNoWayOut) {
  for (const char* target : {"/ui/app", "/ui/app/", "/ui/i18n", "/ui/.env", "/ui/package.json",
                             "/ui/leak.js", "/ui/outdir/x.js", "/ui/missing.js"}) {
    SCOPED_TRACE(target);
    HttpReply r = Get(target);
    EXPECT_EQ(r.status, 404u);
    for (const char* secret : {"SECRET", "answer", "dependencies"})
      EXPECT_EQ(r.body.find(secret), std::string::npos);
  }
  std::vector<std::string> targets = kTraversals;
  targets.push_back("/ui/outdir/../secret.txt");
  targets.push_back("/ui/outdir/%2e%2e/secret.txt");
  ExpectNoTraversal(*server_, targets,
                    {"SECRET_OUTSIDE", "SECRET_DOT", "cmake_minimum_required", "root:x:0:0"});
}

}  // namespace
}  // namespace api
