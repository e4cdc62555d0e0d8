// GET /v1/catalogue: the action catalogue as the web console reads it, against the domain's
// table and the policy in force.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "ledger/domain/catalogue.h"
#include "ledger/domain/vocabulary.h"
#include "test_server.h"

namespace api {
namespace {

namespace json = boost::json;
namespace domain = ledger::domain;

class CatalogueRoute : public ::testing::Test {
 protected:
  CatalogueRoute() : server_(api_testing::ProductConfig()) {}

  json::object Get(Role role) {
    testing_util::HttpReply r = server_.Client(role).Get("/v1/catalogue");
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.Json().as_object();
  }

  static const json::object* Action(const json::object& doc, std::string_view type) {
    for (const json::value& a : doc.at("actions").as_array())
      if (a.at("type").as_string() == type) return &a.as_object();
    return nullptr;
  }

  api_testing::TestServer server_;
};

TEST_F(CatalogueRoute, ListsEveryActionOfTheTableInOrder) {
  json::object doc = Get(Role::kReader);
  const json::array& actions = doc.at("actions").as_array();
  ASSERT_EQ(actions.size(), domain::Actions().size());
  for (size_t i = 0; i < actions.size(); ++i)
    EXPECT_EQ(actions[i].at("type").as_string(), domain::Actions()[i].type);
  EXPECT_GE(doc.at("policy_version").as_int64(), 1);
}

TEST_F(CatalogueRoute, FieldsCarryTypesLimitsVocabulariesAndMembers) {
  json::object doc = Get(Role::kIntake);
  const json::object* receive = Action(doc, "receive");
  ASSERT_NE(receive, nullptr);
  EXPECT_EQ(receive->at("target").as_string(), "new_complaint");
  std::set<std::string> names;
  for (const json::value& f : receive->at("fields").as_array()) {
    names.insert(std::string(f.at("name").as_string()));
    if (f.at("name").as_string() == "channel") {
      EXPECT_EQ(f.at("type").as_string(), "code");
      EXPECT_TRUE(f.at("required").as_bool());
      EXPECT_EQ(f.at("vocabulary").as_string(), "channels");
    }
    if (f.at("name").as_string() == "complainant") {
      const json::array& members = f.at("fields").as_array();
      ASSERT_FALSE(members.empty());
      EXPECT_EQ(members[0].at("name").as_string(), "name");
      EXPECT_EQ(members[0].at("max_bytes").as_int64(), 200);
    }
    if (f.at("name").as_string() == "headcount") {
      EXPECT_EQ(f.at("min").as_int64(), 1);
      EXPECT_EQ(f.at("max").as_int64(), 100000);
    }
  }
  EXPECT_TRUE(names.count("complainant") && names.count("flags") && names.count("external_ref"));
  // The survey's bounds are the policy's (0..10 in the default policy).
  const json::object* callback = Action(doc, "record_callback");
  ASSERT_NE(callback, nullptr);
  for (const json::value& f : callback->at("fields").as_array())
    if (f.at("name").as_string() == "timeliness") {
      EXPECT_EQ(f.at("min").as_int64(), 0);
      EXPECT_EQ(f.at("max").as_int64(), 10);
    }
  // Each vocabulary named by a field is served, with its codes and meanings.
  const json::object& vocabularies = doc.at("vocabularies").as_object();
  EXPECT_EQ(vocabularies.size(), domain::Vocabularies().size());
  const json::array& channels = vocabularies.at("channels").at("codes").as_array();
  EXPECT_EQ(channels.size(), domain::kChannelCodes.size());
  EXPECT_EQ(channels[0].at("code").as_string(), "hotline");
  EXPECT_FALSE(channels[0].at("meaning").as_string().empty());
}

TEST_F(CatalogueRoute, RolesAreThePolicysPermissions) {
  json::object doc = Get(Role::kAuditor);
  auto roles = [&](std::string_view type) {
    std::set<std::string> out;
    for (const json::value& r : Action(doc, type)->at("roles").as_array())
      out.insert(std::string(r.as_string()));
    return out;
  };
  EXPECT_TRUE(roles("receive").count("intake"));
  EXPECT_FALSE(roles("receive").count("reader"));
  EXPECT_TRUE(roles("waive_fine").count("gm"));
  EXPECT_FALSE(roles("waive_fine").count("handler"));
  EXPECT_TRUE(roles("rate_department").count("cs_agent") ||
              roles("rate_department").count("cs_head"));
}

TEST_F(CatalogueRoute, EveryRoleMayReadItAndNobodyUnauthenticated) {
  for (Role role : AllRoles()) {
    SCOPED_TRACE(std::string(RoleName(role)));
    EXPECT_EQ(server_.Client(role).Get("/v1/catalogue").status, 200u);
  }
  EXPECT_EQ(server_.Client().Get("/v1/catalogue").status, 401u);
}

}  // namespace
}  // namespace api
