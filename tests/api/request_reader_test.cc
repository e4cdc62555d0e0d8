// ReadRequest without sockets: what the server accepts as one request, what it refuses beyond
// Beast (folded lines, repeated singleton fields, transfer codings other than chunked, ambiguous
// framing), and the Request a valid one becomes. hardening_test.cc sends such bytes to a real
// server.
#include "api/http/request_reader.h"

#include <gtest/gtest.h>

namespace api {
namespace {

const RequestLimits kLimits{.max_header_bytes = 4096, .max_body_bytes = 1024};

// "field:rule" of each error of the refusal of `wire`, or "accepted".
std::string Refusal(const std::string& wire) {
  ledger::Result<Request> r = ReadRequest(wire, kLimits);
  if (r.ok()) return "accepted";
  std::string out;
  for (const ledger::FieldError& e : r.status().errors())
    out += (out.empty() ? "" : " ") + e.field + ":" + e.rule;
  return out.empty() ? std::string(ledger::CodeName(r.status().code())) : out;
}

TEST(RequestReader, AValidRequestBecomesARequest) {
  ledger::Result<Request> r = ReadRequest(
      "POST /v1/test/items%2Fx?from=3&q=caf%C3%A9 HTTP/1.1\r\nHost: x\r\n"
      "authorization: Bearer t\r\nAccept: a\r\nAccept: b\r\nTransfer-Encoding: Chunked\r\n\r\n"
      "2\r\n{}\r\n0\r\n\r\nGET /next HTTP/1.1\r\n\r\n",
      kLimits);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->path, "/v1/test/items%2Fx");
  EXPECT_EQ(r->segments, (std::vector<std::string>{"v1", "test", "items/x"}));
  EXPECT_EQ(r->QueryValue("q").value_or(""), "caf\xc3\xa9");
  EXPECT_EQ(r->headers.Get("Authorization").value_or(""), "Bearer t");
  EXPECT_EQ(r->body, "{}");
}

TEST(RequestReader, RefusesFoldedHeaderLines) {
  EXPECT_EQ(Refusal("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"), "X-A:obs_fold");
  EXPECT_EQ(Refusal("GET / HTTP/1.1\r\nAuthorization: Bearer\r\n\tt\r\nHost: x\r\n\r\n"),
            "Authorization:obs_fold");
  // A body may hold anything, also what would be a fold in a header.
  EXPECT_EQ(Refusal("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\na\r\n b"), "accepted");
}

TEST(RequestReader, RefusesRepeatsOfFieldsThatMayAppearOnce) {
  for (std::string_view name : kSingletonFields) {
    if (name == "Content-Length" || name == "Transfer-Encoding") continue;  // framing: below
    std::string field = std::string(name) + ": v\r\n";
    EXPECT_EQ(Refusal("GET / HTTP/1.1\r\n" + field + field + "\r\n"),
              std::string(name) + ":duplicate_header");
  }
  EXPECT_EQ(Refusal("GET / HTTP/1.1\r\nAuthorization: Bearer a\r\nauthorization: Bearer b\r\n\r\n"),
            "Authorization:duplicate_header");
  EXPECT_EQ(Refusal("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}"),
            "Content-Length:duplicate_header");
  EXPECT_EQ(Refusal("POST / HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\n{}"),
            "Content-Length:duplicate_header");
  // Beast refuses different lengths itself: malformed HTTP, no field error.
  EXPECT_EQ(Refusal("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x"),
            "invalid_argument");
  EXPECT_EQ(Refusal("GET / HTTP/1.1\r\nAccept: a\r\nAccept: b\r\nX-A: 1\r\nX-A: 2\r\n\r\n"),
            "accepted");
}

TEST(RequestReader, AcceptsOnlyChunkedAsTransferEncoding) {
  const std::string chunked_body = "\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
  auto post = [](const std::string& fields) { return "POST / HTTP/1.1\r\nHost: x\r\n" + fields; };
  EXPECT_EQ(Refusal(post("Transfer-Encoding: gzip, chunked") + chunked_body),
            "Transfer-Encoding:transfer_encoding");
  EXPECT_EQ(Refusal(post("Transfer-Encoding: chunked, chunked") + chunked_body),
            "Transfer-Encoding:transfer_encoding");
  EXPECT_EQ(Refusal(post("Transfer-Encoding: gzip\r\n\r\n{}")),
            "Transfer-Encoding:transfer_encoding");
  EXPECT_EQ(Refusal(post("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked") + chunked_body),
            "Transfer-Encoding:duplicate_header Transfer-Encoding:transfer_encoding");
  EXPECT_EQ(Refusal(post("Transfer-Encoding: identity\r\nContent-Length: 2\r\n\r\n{}")),
            "Transfer-Encoding:framing Transfer-Encoding:transfer_encoding");
  EXPECT_EQ(Refusal("POST / HTTP/1.0\r\nTransfer-Encoding: chunked" + chunked_body),
            "Transfer-Encoding:transfer_encoding");
  // Beast refuses chunked with Content-Length itself, in either order.
  EXPECT_EQ(Refusal(post("Transfer-Encoding: chunked\r\nContent-Length: 2") + chunked_body),
            "invalid_argument");
  EXPECT_EQ(Refusal(post("Content-Length: 2\r\nTransfer-Encoding: chunked") + chunked_body),
            "invalid_argument");
}

TEST(RequestReader, LimitsAndIncompleteRequestsAreErrorsNotExceptions) {
  EXPECT_EQ(Refusal("GET / HTTP/1.1\r\nX-A: " + std::string(5000, 'a') + "\r\n\r\n"),
            "resource_exhausted");
  EXPECT_EQ(Refusal("POST / HTTP/1.1\r\nContent-Length: 2000\r\n\r\n"), "resource_exhausted");
  EXPECT_EQ(Refusal("GET / HTTP/1.1\r\nHost: x\r\n"), "invalid_argument");
  EXPECT_EQ(Refusal("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n{}"), "invalid_argument");
  EXPECT_EQ(Refusal(""), "invalid_argument");
  constexpr char kNul[] = "GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n";  // a NUL inside a value
  EXPECT_EQ(Refusal(std::string(kNul, sizeof kNul - 1)), "invalid_argument");
  EXPECT_EQ(Refusal("GET /a%zz HTTP/1.1\r\n\r\n"), "target:uri");
  EXPECT_EQ(Refusal("GET /?a=%FF HTTP/1.1\r\n\r\n"), "a:utf8");
}

}  // namespace
}  // namespace api
