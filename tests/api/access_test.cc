// Auth header parsing, the object- and property-level hooks, and event rendering.
#include "api/access.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/auth.h"
#include "api/event_json.h"
#include "ledger/clock.h"
#include "ledger/event_log.h"
#include "testing/log_util.h"
#include "testing/temp_dir.h"

namespace api {
namespace {

Principal Who(Role role, std::string id = "u-1", std::string department = "engineering") {
  return Principal{
      {std::move(id), std::string(RoleName(role)), std::move(department)}, role, "tk_1"};
}

Request WithAuthorization(std::string value) {
  Request r;
  r.headers.Add("Authorization", std::move(value));
  return r;
}

TEST(Auth, ParsesBearerTokensOnly) {
  EXPECT_EQ(BearerToken(WithAuthorization("Bearer lgr_abc-_9")).value(), "lgr_abc-_9");
  EXPECT_EQ(BearerToken(WithAuthorization("bearer   lgr_x  ")).value(), "lgr_x");
  EXPECT_EQ(BearerToken(Request()).status().code(), ledger::Code::kUnauthenticated);
  EXPECT_EQ(BearerToken(WithAuthorization("Basic dTpw")).status().code(),
            ledger::Code::kUnauthenticated);
  EXPECT_EQ(BearerToken(WithAuthorization("Bearer")).status().code(),
            ledger::Code::kUnauthenticated);
  EXPECT_EQ(BearerToken(WithAuthorization("Bearer a b")).status().code(),
            ledger::Code::kUnauthenticated);
  EXPECT_EQ(BearerToken(WithAuthorization("Bearer a\"b")).status().code(),
            ledger::Code::kUnauthenticated);
}

TEST(Access, ComplaintReadersFollowWhoHoldsTheComplaint) {
  ComplaintHolders c{"CMP-1", "front_desk", "engineering", {"property"}, "u-h1"};
  EXPECT_TRUE(CheckCanReadComplaint(Who(Role::kCsAgent, "u-9", "customer_service"), c).ok());
  EXPECT_TRUE(CheckCanReadComplaint(Who(Role::kAuditor, "u-9", ""), c).ok());
  EXPECT_TRUE(CheckCanReadComplaint(Who(Role::kReader, "u-9", ""), c).ok());
  EXPECT_TRUE(CheckCanReadComplaint(Who(Role::kDeptHead, "u-9", "engineering"), c).ok());
  EXPECT_TRUE(CheckCanReadComplaint(Who(Role::kDeptHead, "u-9", "property"), c).ok());
  EXPECT_FALSE(CheckCanReadComplaint(Who(Role::kDeptHead, "u-9", "finance"), c).ok());
  EXPECT_TRUE(CheckCanReadComplaint(Who(Role::kHandler, "u-h1", "other"), c).ok());
  EXPECT_TRUE(CheckCanReadComplaint(Who(Role::kHandler, "u-h2", "engineering"), c).ok());
  EXPECT_FALSE(CheckCanReadComplaint(Who(Role::kHandler, "u-h2", "finance"), c).ok());
  EXPECT_TRUE(CheckCanReadComplaint(Who(Role::kIntake, "u-i", "front_desk"), c).ok());
  EXPECT_FALSE(CheckCanReadComplaint(Who(Role::kIntake, "u-i", "engineering2"), c).ok());
  ledger::Status denied = CheckCanReadComplaint(Who(Role::kAdmin, "u-a", ""), c);
  EXPECT_EQ(denied.code(), ledger::Code::kPermissionDenied);
  EXPECT_NE(denied.message().find("CMP-1"), std::string::npos);
  // Empty departments never match each other.
  ComplaintHolders unassigned{"CMP-2", "", "", {}, ""};
  EXPECT_FALSE(CheckCanReadComplaint(Who(Role::kDeptHead, "u-9", ""), unassigned).ok());
}

TEST(Access, ReadersSeePersonalDataRedacted) {
  boost::json::value doc = boost::json::parse(
      R"({"complainant": {"name": "Li Wei", "phone": "138", "unit": "3-2-1", "is_owner": true},
          "list": [{"complainant": {"phone": "139"}}, {"complainant": {"phone": null}}]})");
  boost::json::value for_reader = doc;
  Principal reader = Who(Role::kReader);
  RedactPersonalData(&reader, for_reader);
  EXPECT_EQ(for_reader.at("complainant").at("name").as_string(), kRedacted);
  EXPECT_EQ(for_reader.at("complainant").at("phone").as_string(), kRedacted);
  EXPECT_EQ(for_reader.at("complainant").at("unit").as_string(), kRedacted);
  EXPECT_EQ(for_reader.at("complainant").at("is_owner"), true);
  boost::json::value for_agent = doc;
  Principal agent = Who(Role::kCsAgent);
  RedactPersonalData(&agent, for_agent);
  EXPECT_EQ(for_agent, doc);
  std::vector<std::string_view> paths = {"list.*.complainant.phone"};
  RedactPaths(doc, paths);
  EXPECT_EQ(doc.at("list").at(0).at("complainant").at("phone").as_string(), kRedacted);
  EXPECT_TRUE(doc.at("list").at(1).at("complainant").at("phone").is_null());
}

TEST(EventJson, RendersEveryEnvelopeFieldAndAPluggablePayload) {
  testing_util::TempDir dir;
  ledger::ManualClock clock(ledger::FromMicros(1'767'225'600'250'000));
  ledger::Options o;
  o.clock = &clock;
  auto log = ledger::EventLog::Open(dir.path(), o);
  ASSERT_TRUE(log.ok());
  ledger::AppendRequest r = testing_util::Request("CMP-1", 2);
  r.correlation_id = "corr-1";
  r.idempotency_key = "key-1";
  r.events[1].policy_version = 4;
  ASSERT_TRUE((*log)->Append(r).ok());
  auto events = (*log)->ReadAll(1, 10);
  ASSERT_TRUE(events.ok());
  PayloadRenderer render = [](const ledger::RecordedEvent& e,
                              const Principal*) -> ledger::Result<boost::json::value> {
    return boost::json::value{{"text", e.payload<ledger::schema::Actor>().getId().cStr()},
                              {"complainant", {{"phone", "138"}}}};
  };
  Principal reader = Who(Role::kReader);
  boost::json::object j = EventToJson((*events)[1], render, &reader);
  EXPECT_EQ(j.at("position"), 2);
  EXPECT_EQ(j.at("stream"), "CMP-1");
  EXPECT_EQ(j.at("version"), 2);
  EXPECT_EQ(j.at("recorded_at"), "2026-01-01T00:00:00.250000Z");
  EXPECT_EQ(j.at("occurred_at"), "2026-01-01T00:00:00.250000Z");
  EXPECT_EQ(j.at("actor").at("id"), "u-1");
  EXPECT_EQ(j.at("actor").at("role"), "tester");
  EXPECT_EQ(j.at("type"), "ThingHappened");
  EXPECT_EQ(j.at("policy_version"), 4);
  EXPECT_EQ(j.at("correlation_id"), "corr-1");
  EXPECT_EQ(j.at("causation_id"), "");
  EXPECT_EQ(j.at("idempotency_key"), "key-1");
  EXPECT_EQ(j.at("imported"), false);
  EXPECT_EQ(j.at("prev_hash").as_string(), ledger::ToHex((*events)[0].hash()));
  EXPECT_EQ(j.at("hash").as_string(), ledger::ToHex((*events)[1].hash()));
  EXPECT_EQ(j.at("payload").at("text"), "1");
  EXPECT_EQ(j.at("payload").at("complainant").at("phone").as_string(),
            kRedacted);                                                         // the reader's view
  EXPECT_TRUE(EventToJson((*events)[0], {}, nullptr).at("payload").is_null());  // default renderer
  PayloadRenderer broken = [](const ledger::RecordedEvent&,
                              const Principal*) -> ledger::Result<boost::json::value> {
    return ledger::Status::DataLoss("cannot decode");
  };
  boost::json::object b = EventToJson((*events)[0], broken, nullptr);
  EXPECT_TRUE(b.at("payload").is_null());
  EXPECT_NE(b.at("payload_error").as_string().find("cannot decode"), std::string::npos);
}

}  // namespace
}  // namespace api
