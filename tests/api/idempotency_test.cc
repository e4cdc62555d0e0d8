// Idempotency keys over the real server: a key is scoped to its caller and its target, and names
// one request. A retry answers the first result; the same key from another caller, on another
// complaint, or with another request never answers with someone else's result — another caller
// or target is a new request, and the same caller's key with a different body is refused (422,
// naming the key) with nothing appended. Also over Cap'n Proto, and when two differing requests
// race with one key.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "api/services/command_service.h"
#include "test_server.h"

namespace api {
namespace {

namespace json = boost::json;
using testing_util::HttpReply;

const ledger::Actor kCs{"u-cs-01", "cs_agent", "customer_service"};
const ledger::Actor kCs2{"u-cs-02", "cs_agent", "customer_service"};
const ledger::Actor kIntakeMarketing{"u-intake-marketing-1", "intake", "marketing"};
const ledger::Actor kIntakeProperty{"u-intake-property-1", "intake", "property"};

// A receive whose complainant and subject both name `name` (a request differing only in the
// complainant's personal data is a retry: see ComplainantsPersonalDataIsNotInTheDigest).
std::string Receive(const std::string& department, const std::string& name, const std::string& key,
                    const std::string& phone = "13800000001") {
  return R"({"type":"receive","channel":"hotline","complainant":{"name":")" + name +
         R"(","phone":")" + phone + R"("},"project":"p-lakeside","subject":"Leak at )" + name +
         R"(","description":"d","receiving_department":")" + department +
         R"(","idempotency_key":")" + key + R"("})";
}

class Idempotency : public ::testing::Test {
 protected:
  Idempotency() : server_(api_testing::ProductConfig()) {
    server_.clock().Set(*ledger::ParseRfc3339("2026-01-06T10:00:00+08:00"));
  }
  testing_util::HttpClient As(const ledger::Actor& who) { return server_.ClientAs(who); }

  api_testing::TestServer server_;
};

TEST_F(Idempotency, AKeyIsScopedToItsCaller) {
  HttpReply mine =
      As(kIntakeMarketing).Post("/v1/complaints", Receive("marketing", "Secret Li", "k-1"));
  ASSERT_EQ(mine.status, 201u) << mine.body;
  // Another caller of another department sends the same key with another request: it is a new
  // request of theirs, never an answer with the first caller's complaint.
  HttpReply theirs =
      As(kIntakeProperty).Post("/v1/complaints", Receive("property", "Other Zhang", "k-1"));
  ASSERT_EQ(theirs.status, 201u) << theirs.body;
  EXPECT_NE(theirs.Json().at("id"), mine.Json().at("id"));
  EXPECT_EQ(theirs.body.find("Secret Li"), std::string::npos);
  EXPECT_FALSE(theirs.Json().as_object().contains("deduplicated"));
  // Even the very same body from another caller of the same department is that caller's own.
  HttpReply same = As(kCs).Post("/v1/complaints", Receive("customer_service", "A", "k-2"));
  HttpReply colleague = As(kCs2).Post("/v1/complaints", Receive("customer_service", "A", "k-2"));
  ASSERT_EQ(colleague.status, 201u) << colleague.body;
  EXPECT_NE(colleague.Json().at("id"), same.Json().at("id"));
  EXPECT_EQ(colleague.Json().at("events").at(0).at("actor").at("id"), "u-cs-02");
}

TEST_F(Idempotency, AKeyIsScopedToItsComplaint) {
  std::string a(As(kCs)
                    .Post("/v1/complaints", Receive("customer_service", "A", "r-a"))
                    .Json()
                    .at("id")
                    .as_string());
  std::string b(As(kCs)
                    .Post("/v1/complaints", Receive("customer_service", "B", "r-b"))
                    .Json()
                    .at("id")
                    .as_string());
  const std::string act = R"({"type":"assess_validity","valid":true,"idempotency_key":"same"})";
  HttpReply on_a = As(kCs).Post("/v1/complaints/" + a + "/actions", act);
  HttpReply on_b = As(kCs).Post("/v1/complaints/" + b + "/actions", act);
  ASSERT_EQ(on_a.status, 200u) << on_a.body;
  ASSERT_EQ(on_b.status, 200u) << on_b.body;
  EXPECT_EQ(on_b.Json().at("id").as_string(), b);  // decided on b, not answered with a's result
  EXPECT_FALSE(on_b.Json().as_object().contains("deduplicated"));
  EXPECT_EQ(server_.log().StreamVersion(b).value(), 2u);
}

TEST_F(Idempotency, AKeyReusedWithAnotherRequestIsRefused) {
  HttpReply first = As(kCs).Post("/v1/complaints", Receive("customer_service", "First", "k-9"));
  ASSERT_EQ(first.status, 201u) << first.body;
  const uint64_t head = server_.Head();
  // The same key with a different body: 422 naming the key; nothing appended, no old result.
  HttpReply reused = As(kCs).Post("/v1/complaints", Receive("customer_service", "Second", "k-9"));
  EXPECT_EQ(reused.status, 422u) << reused.body;
  json::value p = reused.Json();
  EXPECT_EQ(p.at("errors").at(0).at("field"), "idempotency_key");
  EXPECT_EQ(p.at("errors").at(0).at("rule"), "reused");
  EXPECT_NE(p.at("detail").as_string().find("k-9"), std::string::npos);
  EXPECT_EQ(reused.body.find(std::string(first.Json().at("id").as_string())), std::string::npos);
  EXPECT_EQ(server_.Head(), head);
  // The exact request again is a retry: the first result, deduplicated. Field order and the
  // spelling of JSON do not make it another request.
  HttpReply retry = As(kCs).Post("/v1/complaints", Receive("customer_service", "First", "k-9"));
  EXPECT_EQ(retry.status, 201u) << retry.body;  // the first answer, again
  EXPECT_TRUE(retry.Json().at("deduplicated").as_bool());
  std::string id(first.Json().at("id").as_string());
  const std::string act1 = R"({"type":"assess_validity","valid":true,"idempotency_key":"v"})";
  const std::string act2 = R"({"idempotency_key":"v","valid":true,"type":"assess_validity"})";
  ASSERT_EQ(As(kCs).Post("/v1/complaints/" + id + "/actions", act1).status, 200u);
  HttpReply reordered = As(kCs).Post("/v1/complaints/" + id + "/actions", act2);
  EXPECT_EQ(reordered.status, 200u) << reordered.body;
  EXPECT_TRUE(reordered.Json().at("deduplicated").as_bool());
  HttpReply changed = As(kCs).Post("/v1/complaints/" + id + "/actions",
                                   R"({"type":"assess_validity","valid":false,
                                       "reason":"suggestion","idempotency_key":"v"})");
  EXPECT_EQ(changed.status, 422u) << changed.body;
  // Over Cap'n Proto too: the refusal is a problem document.
  HttpReply capnp =
      As(kCs).Request("POST", "/v1/complaints", Receive("customer_service", "Third", "k-9"),
                      {{"Accept", "application/x-capnp"}});
  EXPECT_EQ(capnp.status, 422u);
  EXPECT_EQ(capnp.body.find("First"), std::string::npos);
}

// The digest the log keeps with a key for good holds nothing derived from personal data (it
// would outlive an erasure, and a phone's digest is reversed by trying every number): the same
// key with only the complainant's name, phone or unit changed is a retry.
TEST_F(Idempotency, ComplainantsPersonalDataIsNotInTheDigest) {
  auto parse = [](const std::string& text) { return *ledger::domain::ParseActionText(text); };
  const ledger::domain::Action a = parse(Receive("customer_service", "Wang", "k", "13800000001"));
  const ledger::domain::Action b = parse(Receive("customer_service", "Wang", "k", "13900000009"));
  EXPECT_EQ(ScopeIdempotencyKey(a, kCs, "receive").digest,
            ScopeIdempotencyKey(b, kCs, "receive").digest);
  const ledger::domain::Action other_subject = parse(Receive("customer_service", "Li", "k"));
  EXPECT_NE(ScopeIdempotencyKey(a, kCs, "receive").digest,
            ScopeIdempotencyKey(other_subject, kCs, "receive").digest);
  const ledger::domain::Action fix1 = parse(
      R"({"type":"correct","event":1,"field":"complainant.phone","value":"1","reason":"r","idempotency_key":"k"})");
  const ledger::domain::Action fix2 = parse(
      R"({"type":"correct","event":1,"field":"complainant.phone","value":"2","reason":"r","idempotency_key":"k"})");
  EXPECT_EQ(ScopeIdempotencyKey(fix1, kCs, "c").digest, ScopeIdempotencyKey(fix2, kCs, "c").digest);
  const ledger::domain::Action count1 = parse(
      R"({"type":"correct","event":1,"field":"headcount","value":"1","reason":"r","idempotency_key":"k"})");
  const ledger::domain::Action count2 = parse(
      R"({"type":"correct","event":1,"field":"headcount","value":"2","reason":"r","idempotency_key":"k"})");
  EXPECT_NE(ScopeIdempotencyKey(count1, kCs, "c").digest,
            ScopeIdempotencyKey(count2, kCs, "c").digest);
  // Over the server: the second request is answered with the first result.
  HttpReply first = As(kCs).Post("/v1/complaints", Receive("customer_service", "Wang", "k-p"));
  ASSERT_EQ(first.status, 201u) << first.body;
  HttpReply again =
      As(kCs).Post("/v1/complaints", Receive("customer_service", "Wang", "k-p", "13900000009"));
  EXPECT_EQ(again.status, 201u) << again.body;
  EXPECT_TRUE(again.Json().at("deduplicated").as_bool());
}

TEST_F(Idempotency, TwoDifferentRequestsRacingWithOneKeyAppendOnce) {
  for (int round = 0; round < 10; ++round) {
    const std::string key = "race-" + std::to_string(round);
    const uint64_t head = server_.Head();
    HttpReply r1, r2;
    std::thread t1(
        [&] { r1 = As(kCs).Post("/v1/complaints", Receive("customer_service", "One", key)); });
    std::thread t2(
        [&] { r2 = As(kCs).Post("/v1/complaints", Receive("customer_service", "Two", key)); });
    t1.join();
    t2.join();
    // Exactly one appended; the other is refused (never answered with the winner's result).
    EXPECT_EQ(server_.Head(), head + 1);
    std::multiset<unsigned> statuses{r1.status, r2.status};
    EXPECT_EQ(statuses, (std::multiset<unsigned>{201u, 422u})) << r1.body << "\n" << r2.body;
  }
}

}  // namespace
}  // namespace api
