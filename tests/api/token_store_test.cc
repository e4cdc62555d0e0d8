// TokenStore: issuing, listing and revoking tokens; only hashes on disk; reloading on change.
#include "api/services/token_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "ledger/base/hash.h"
#include "testing/temp_dir.h"

namespace api {
namespace {

class TokenStoreTest : public ::testing::Test {
 protected:
  TokenStore::Options Opts() {
    return {&clock_, std::chrono::milliseconds(1000),
            [this](std::string_view w) { warnings_.emplace_back(w); }};
  }
  std::string Path() const { return TokenStore::PathInDirectory(dir_.path()); }
  std::string FileText() const {
    std::ifstream in(Path());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  testing_util::TempDir dir_;
  ledger::ManualClock clock_{ledger::FromMicros(1'767'225'600'000'000)};
  std::vector<std::string> warnings_;
};

TEST_F(TokenStoreTest, AddListRevokeRoundTrip) {
  TokenStore store(Path(), Opts());
  auto a = store.Add({"u-cs-01", "cs_agent", "customer_service"});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = store.Add({"u-aud-01", "auditor", ""});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(store.Authenticate(a->token).value().actor.id, "u-cs-01");
  EXPECT_EQ(store.Authenticate(a->token).value().role, Role::kCsAgent);
  EXPECT_EQ(store.Authenticate(b->token).value().actor.department, "");

  auto list = store.List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, a->record.id);
  EXPECT_EQ((*list)[0].actor.role, "cs_agent");
  EXPECT_EQ((*list)[0].created_at, clock_.Now());
  EXPECT_FALSE((*list)[0].revoked);

  auto revoked = store.Revoke(a->record.id);
  ASSERT_TRUE(revoked.ok());
  ASSERT_EQ(revoked->size(), 1u);
  auto denied = store.Authenticate(a->token);
  EXPECT_EQ(denied.status().code(), ledger::Code::kUnauthenticated);
  EXPECT_NE(denied.status().message().find("revoked"), std::string::npos);
  EXPECT_TRUE(store.Authenticate(b->token).ok());
  EXPECT_TRUE(store.List().value()[0].revoked);
  EXPECT_EQ(store.Authenticate("lgr_not-a-token").status().code(), ledger::Code::kUnauthenticated);
}

TEST_F(TokenStoreTest, OnlyHashesReachTheDisk) {
  TokenStore store(Path(), Opts());
  auto issued = store.Add({"u-1", "admin", ""});
  ASSERT_TRUE(issued.ok());
  std::string text = FileText();
  EXPECT_EQ(text.find(issued->token), std::string::npos);
  EXPECT_EQ(text.find(issued->token.substr(4)), std::string::npos);
  EXPECT_NE(text.find(ledger::ToHex(ledger::Sha256(issued->token))), std::string::npos);
  struct stat st;
  ASSERT_EQ(::stat(Path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(TokenStoreTest, TokensAreLongRandomAndPrefixed) {
  auto a = GenerateToken();
  auto b = GenerateToken();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->rfind("lgr_", 0), 0u);
  EXPECT_EQ(a->size(), 4u + 43u);  // 32 bytes in unpadded base64url
  EXPECT_EQ(
      a->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 4),
      std::string::npos);
  EXPECT_NE(*a, *b);
}

TEST_F(TokenStoreTest, RefusesUnknownRolesAndBadActors) {
  TokenStore store(Path(), Opts());
  auto bad_role = store.Add({"u-1", "superuser", ""});
  EXPECT_EQ(bad_role.status().code(), ledger::Code::kInvalidArgument);
  EXPECT_EQ(bad_role.status().errors()[0].field, "role");
  EXPECT_EQ(store.Add({"", "admin", ""}).status().errors()[0].field, "actor");
  EXPECT_EQ(store.Add({"u 1", "admin", ""}).status().errors()[0].field, "actor");
  EXPECT_EQ(store.Add({"u-1", "admin", "a/b"}).status().errors()[0].field, "department");
  EXPECT_TRUE(store.List().value().empty());
}

TEST_F(TokenStoreTest, RevokeByActorRevokesAllItsTokens) {
  TokenStore store(Path(), Opts());
  auto a1 = store.Add({"u-1", "handler", "eng"});
  auto a2 = store.Add({"u-1", "handler", "eng"});
  auto other = store.Add({"u-2", "handler", "eng"});
  ASSERT_TRUE(a1.ok() && a2.ok() && other.ok());
  auto revoked = store.Revoke("u-1");
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->size(), 2u);
  EXPECT_FALSE(store.Authenticate(a1->token).ok());
  EXPECT_FALSE(store.Authenticate(a2->token).ok());
  EXPECT_TRUE(store.Authenticate(other->token).ok());
  EXPECT_EQ(store.Revoke("u-nobody").status().code(), ledger::Code::kNotFound);
}

TEST_F(TokenStoreTest, NoticesChangesByAnotherWriterAfterTheReloadInterval) {
  TokenStore server(Path(), Opts());
  ASSERT_TRUE(server.Load().ok());
  TokenStore cli(Path(), Opts());  // as `ledgerctl token add` in another process
  auto issued = cli.Add({"u-1", "auditor", ""});
  ASSERT_TRUE(issued.ok());
  EXPECT_FALSE(server.Authenticate(issued->token).ok());  // not re-read within the interval
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_TRUE(server.Authenticate(issued->token).ok());
  ASSERT_TRUE(cli.Revoke(issued->record.id).ok());
  EXPECT_TRUE(server.Authenticate(issued->token).ok());
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_FALSE(server.Authenticate(issued->token).ok());
}

TEST_F(TokenStoreTest, ABrokenFileKeepsThePreviousTokensAndWarns) {
  TokenStore server(Path(), Opts());
  auto issued = server.Add({"u-1", "auditor", ""});
  ASSERT_TRUE(issued.ok());
  ASSERT_TRUE(server.Authenticate(issued->token).ok());
  {
    std::ofstream out(Path() + ".new");
    out << "{ not json";
  }
  ASSERT_EQ(std::rename((Path() + ".new").c_str(), Path().c_str()), 0);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_TRUE(server.Authenticate(issued->token).ok());
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("previous tokens stay in force"), std::string::npos);
  TokenStore fresh(Path(), Opts());
  EXPECT_EQ(fresh.Load().code(), ledger::Code::kDataLoss);
}

TEST_F(TokenStoreTest, ConcurrentWritersDoNotLoseTokens) {
  constexpr int kThreads = 4, kEach = 5;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      TokenStore store(Path(), Opts());  // one per thread, like separate processes
      for (int i = 0; i < kEach; ++i) {
        EXPECT_TRUE(
            store.Add({"u-" + std::to_string(t) + "-" + std::to_string(i), "reader", ""}).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  TokenStore store(Path(), Opts());
  EXPECT_EQ(store.List().value().size(), static_cast<size_t>(kThreads * kEach));
}

TEST_F(TokenStoreTest, AMissingFileIsAnEmptyStore) {
  TokenStore store(Path(), Opts());
  EXPECT_TRUE(store.Load().ok());
  EXPECT_TRUE(store.List().value().empty());
  EXPECT_EQ(store.Authenticate("lgr_x").status().code(), ledger::Code::kUnauthenticated);
}

}  // namespace
}  // namespace api
