// Auth header parsing, the authorization table (object, row and property level), redaction and
// event rendering. The table over the real server: tests/api/authorization_matrix_test.cc.
#include "api/services/authorization.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "api/http/auth.h"
#include "api/services/event_json.h"
#include "api/services/redaction.h"
#include "ledger/base/clock.h"
#include "ledger/log/event_log.h"
#include "testing/log_util.h"
#include "testing/temp_dir.h"

namespace api {
namespace {

Principal Who(Role role, std::string id = "u-1", std::string department = "engineering") {
  return Principal{
      {std::move(id), std::string(RoleName(role)), std::move(department)}, role, "tk_1", ""};
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

bool MayRead(const Principal& who, const ComplaintHolders& c) {
  return Authorize(who, Resource::kComplaint).MayReadComplaint(c);
}

TEST(Access, ComplaintReadersFollowWhoHoldsTheComplaint) {
  ComplaintHolders c{"CMP-1", "front_desk", "engineering", {"property"}, "u-h1"};
  EXPECT_TRUE(MayRead(Who(Role::kCsAgent, "u-9", "customer_service"), c));
  EXPECT_TRUE(MayRead(Who(Role::kAuditor, "u-9", ""), c));
  EXPECT_TRUE(MayRead(Who(Role::kReader, "u-9", ""), c));
  EXPECT_TRUE(MayRead(Who(Role::kDeptHead, "u-9", "engineering"), c));
  EXPECT_TRUE(MayRead(Who(Role::kDeptHead, "u-9", "property"), c));
  EXPECT_TRUE(MayRead(Who(Role::kDeptHead, "u-9", "front_desk"), c));
  EXPECT_FALSE(MayRead(Who(Role::kDeptHead, "u-9", "finance"), c));
  EXPECT_TRUE(MayRead(Who(Role::kHandler, "u-h1", "other"), c));
  EXPECT_TRUE(MayRead(Who(Role::kHandler, "u-h2", "engineering"), c));
  EXPECT_TRUE(MayRead(Who(Role::kHandler, "u-h2", "property"), c));
  EXPECT_FALSE(MayRead(Who(Role::kHandler, "u-h2", "front_desk"), c));
  EXPECT_FALSE(MayRead(Who(Role::kHandler, "u-h2", "finance"), c));
  EXPECT_TRUE(MayRead(Who(Role::kIntake, "u-i", "front_desk"), c));
  EXPECT_FALSE(MayRead(Who(Role::kIntake, "u-i", "engineering"), c));
  ledger::Status denied =
      Authorize(Who(Role::kAdmin, "u-a", ""), Resource::kComplaint).CheckComplaint(c);
  EXPECT_EQ(denied.code(), ledger::Code::kPermissionDenied);
  EXPECT_NE(denied.message().find("CMP-1"), std::string::npos);
  // Empty departments never match each other: a department-scoped actor without a department
  // reads nothing (and tokens for such roles need one: TokenStore).
  ComplaintHolders unassigned{"CMP-2", "", "", {}, ""};
  EXPECT_FALSE(MayRead(Who(Role::kDeptHead, "u-9", ""), unassigned));
  EXPECT_FALSE(MayRead(Who(Role::kIntake, "u-9", ""), unassigned));
  EXPECT_FALSE(MayRead(Who(Role::kHandler, "", ""), unassigned));
}

TEST(Access, ActionsFollowTheSameScopeAsReads) {
  ComplaintHolders c{"CMP-1", "front_desk", "engineering", {}, "u-h1"};
  for (Role role : AllRoles()) {
    Principal who = Who(role, "u-h2", "finance");
    Access act = Authorize(who, Resource::kAction);
    if (!act.allowed()) continue;
    EXPECT_EQ(act.MayReadComplaint(c), MayRead(who, c)) << RoleName(role);
    if (!act.MayReadComplaint(c)) {
      EXPECT_NE(act.CheckComplaint(c).message().find("may not act on"), std::string::npos)
          << RoleName(role);
    }
  }
}

TEST(Access, TheTableKeepsItsInvariants) {
  for (const AccessRule& rule : AccessTable()) {
    SCOPED_TRACE(std::string(RoleName(rule.role)) + " x " +
                 std::string(ResourceName(rule.resource)));
    EXPECT_TRUE(rule.grant.allowed);  // the table lists what is allowed; the rest is denied
    // Department-scoped roles never see every complaint, nor every row of a report.
    const bool report =
        rule.resource == Resource::kResponsibility || rule.resource == Resource::kFines ||
        rule.resource == Resource::kRewards || rule.resource == Resource::kMetrics ||
        rule.resource == Resource::kFindings || rule.resource == Resource::kAlerts ||
        rule.resource == Resource::kComplaintList;
    if (RoleNeedsDepartment(rule.role) && rule.role != Role::kCsAgent &&
        rule.role != Role::kCsHead) {
      EXPECT_NE(rule.grant.complaints, ComplaintScope::kAll);
      if (report) {
        EXPECT_NE(rule.grant.rows, RowScope::kAll);
      }
    }
    // Only roles that see every complaint read the raw log.
    if (rule.resource == Resource::kLog) {
      EXPECT_EQ(rule.grant.complaints, ComplaintScope::kAll);
    }
    // Whoever writes nothing (auditor, reader) has no write resource.
    if (rule.role == Role::kAuditor || rule.role == Role::kReader) {
      EXPECT_NE(rule.resource, Resource::kReceive);
      EXPECT_NE(rule.resource, Resource::kAction);
      EXPECT_NE(rule.resource, Resource::kRating);
    }
    // admin administers tokens and policies: no complaint, no report, no log.
    if (rule.role == Role::kAdmin) {
      EXPECT_TRUE(rule.resource == Resource::kVerify || rule.resource == Resource::kPolicies ||
                  rule.resource == Resource::kPublishPolicy ||
                  rule.resource == Resource::kCatalogue || rule.resource == Resource::kMe);
    }
  }
  // Each (role, resource) pair at most once.
  for (size_t i = 0; i < AccessTable().size(); ++i)
    for (size_t j = i + 1; j < AccessTable().size(); ++j)
      EXPECT_FALSE(AccessTable()[i].role == AccessTable()[j].role &&
                   AccessTable()[i].resource == AccessTable()[j].resource);
  EXPECT_FALSE(RoleSeesPersonalData(Role::kReader));
  EXPECT_FALSE(RoleSeesPersonalData(Role::kAdmin));
  EXPECT_TRUE(RoleSeesPersonalData(Role::kAuditor));
  EXPECT_EQ(RolesFor(Resource::kPublishPolicy), RoleSet{Role::kAdmin});
  EXPECT_EQ(RolesFor(Resource::kVerify),
            (RoleSet{Role::kAuditor, Role::kAdmin, Role::kDataProtection}));
  // Only the data-protection role acts on data subjects; it and the auditor read their records.
  EXPECT_EQ(RolesFor(Resource::kPrivacyAction), RoleSet{Role::kDataProtection});
  EXPECT_EQ(RolesFor(Resource::kPrivacy), (RoleSet{Role::kAuditor, Role::kDataProtection}));
  EXPECT_TRUE(RoleSeesPersonalData(Role::kDataProtection));
}

// docs/api.md's table, cell by cell, against the code's: the page says what the code does.
TEST(Access, TheApiPagesTableIsTheCodesTable) {
  std::ifstream in(std::string(LEDGER_SOURCE_DIR) + "/docs/api.md");
  ASSERT_TRUE(in.good());
  std::vector<std::string> header;
  std::map<std::string, std::vector<std::string>> rows;
  auto cells = [](const std::string& line) {
    std::vector<std::string> out;
    std::stringstream ss(line.substr(1));
    std::string cell;
    while (std::getline(ss, cell, '|')) {
      size_t a = cell.find_first_not_of(' '), b = cell.find_last_not_of(' ');
      out.push_back(a == std::string::npos ? "" : cell.substr(a, b - a + 1));
    }
    return out;
  };
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| role | complaint |", 0) == 0) header = cells(line);
    if (header.empty() || line.rfind("| ", 0) != 0) continue;
    std::vector<std::string> c = cells(line);
    if (ParseRole(c[0])) rows[c[0]] = c;
  }
  ASSERT_EQ(header.size(), size_t(kResourceCount) + 2) << "role, the resources, personal data";
  auto code = [](Resource r, const Grant& g) -> std::string {
    if (!g.allowed) return "—";
    switch (r) {
      case Resource::kComplaint:
      case Resource::kComplaintList:
      case Resource::kAction:
        switch (g.complaints) {
          case ComplaintScope::kAll:
            return "all";
          case ComplaintScope::kReceivedByDepartment:
            return "recv";
          case ComplaintScope::kHandlerOrDepartment:
            return "held";
          case ComplaintScope::kDepartment:
            return "dept";
          case ComplaintScope::kNone:
            return "none";
        }
        return "?";
      case Resource::kResponsibility:
      case Resource::kFines:
      case Resource::kRewards:
      case Resource::kMetrics:
      case Resource::kFindings:
      case Resource::kAlerts:
        return g.rows == RowScope::kAll       ? "all"
               : g.rows == RowScope::kInScope ? "in scope"
                                              : "own dept";
      default:
        return "yes";
    }
  };
  const std::vector<std::string> columns = {
      "complaint",      "list",  "receive", "action",        "rating",
      "responsibility", "fines", "rewards", "metrics",       "findings",
      "alerts",         "log",   "verify",  "policies",      "publish",
      "catalogue",      "me",    "privacy", "privacy action"};
  ASSERT_EQ(columns.size(), AllResources().size());
  for (size_t i = 0; i < columns.size(); ++i) EXPECT_EQ(header[i + 1], columns[i]);
  for (Role role : AllRoles()) {
    const std::string name(RoleName(role));
    ASSERT_TRUE(rows.count(name)) << name << " has no row in docs/api.md";
    const std::vector<std::string>& row = rows.at(name);
    ASSERT_EQ(row.size(), header.size()) << name;
    Principal who = Who(role);
    for (size_t i = 0; i < AllResources().size(); ++i) {
      Resource r = AllResources()[i];
      EXPECT_EQ(row[i + 1], code(r, Authorize(who, r).grant())) << name << " x " << ResourceName(r);
    }
    EXPECT_EQ(row.back(), RoleSeesPersonalData(role) ? "yes" : "—") << name;
  }
}

TEST(Access, ReportRowsOfADepartmentHead) {
  Principal head = Who(Role::kDeptHead, "u-dh", "property");
  EXPECT_EQ(Authorize(head, Resource::kFines).RowDepartment(), "property");
  EXPECT_EQ(Authorize(head, Resource::kResponsibility).RowDepartment(), "property");
  EXPECT_TRUE(Authorize(head, Resource::kFindings).RowsInScope());
  EXPECT_TRUE(Authorize(head, Resource::kMetrics).RowsInScope());
  EXPECT_TRUE(Authorize(head, Resource::kRewards).SeesDepartmentRow("property"));
  EXPECT_FALSE(Authorize(head, Resource::kRewards).SeesDepartmentRow("marketing"));
  // Without a department, a department's rows are nobody's.
  Principal nobody = Who(Role::kDeptHead, "u-dh", "");
  EXPECT_NE(Authorize(nobody, Resource::kFines).RowDepartment(), "");
  EXPECT_FALSE(Authorize(nobody, Resource::kRewards).SeesDepartmentRow(""));
  Principal agent = Who(Role::kCsAgent, "u-cs", "customer_service");
  EXPECT_EQ(Authorize(agent, Resource::kFines).RowDepartment(), "");
  EXPECT_FALSE(Authorize(agent, Resource::kFindings).RowsInScope());
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
