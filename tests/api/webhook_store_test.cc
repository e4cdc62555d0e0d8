// The webhook registry (api/services/webhook_store.h): what it accepts, the file (0600, atomic,
// under a lock), and a running server's view of it when the file changes.
#include "api/services/webhook_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "testing/temp_dir.h"

namespace {

using api::WebhookStore;
using ledger::Code;
using std::chrono::milliseconds;

class WebhookStoreTest : public ::testing::Test {
 protected:
  std::string Path() const { return WebhookStore::PathInDirectory(dir_.path()); }
  WebhookStore Store() {
    return WebhookStore(Path(), {&clock_, milliseconds(1000),
                                 [this](std::string_view w) { warnings_.emplace_back(w); }});
  }

  testing_util::TempDir dir_;
  ledger::ManualClock clock_{ledger::FromMicros(1'767'225'600'000'000)};
  std::vector<std::string> warnings_;
};

TEST_F(WebhookStoreTest, RefusesBadUrlsShortSecretsAndOddNames) {
  WebhookStore store = Store();
  auto bad = [&](api::WebhookSpec spec, const std::string& field) {
    auto r = store.Add(spec);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.status().errors().at(0).field, field) << r.status().ToString();
  };
  bad({"http://192.168.1.5/hook", "0123456789abcdef", ""}, "url");
  bad({"ftp://127.0.0.1/hook", "0123456789abcdef", ""}, "url");
  bad({"http://127.0.0.1/hook", "too-short", ""}, "secret");
  bad({"http://127.0.0.1/hook", "0123456789 abcdef", ""}, "secret");
  bad({"http://127.0.0.1/hook", "0123456789abcdef", "a\nb"}, "name");
  EXPECT_TRUE(store.List()->empty());
  EXPECT_FALSE(std::filesystem::exists(Path()));
}

TEST_F(WebhookStoreTest, KeepsWebhooksInAPrivateFileAndGeneratesSecrets) {
  WebhookStore store = Store();
  auto given = store.Add({"http://127.0.0.1:9000/a", "0123456789abcdef", "ops"});
  ASSERT_TRUE(given.ok()) << given.status().ToString();
  EXPECT_FALSE(given->secret_generated);
  EXPECT_EQ(given->record.id.rfind("wh_", 0), 0u);
  EXPECT_EQ(given->record.id.size(), 11u);
  auto generated = store.Add({"http://localhost:9001/b", "", ""});
  ASSERT_TRUE(generated.ok());
  EXPECT_TRUE(generated->secret_generated);
  EXPECT_GE(generated->record.secret.size(), api::kMinWebhookSecretBytes);

  struct stat st;
  ASSERT_EQ(::stat(Path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto list = Store().List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0], given->record);
  EXPECT_EQ((*list)[1], generated->record);

  EXPECT_EQ(store.Remove("wh_00000000").status().code(), Code::kNotFound);
  auto removed = store.Remove(given->record.id);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->url, "http://127.0.0.1:9000/a");
  EXPECT_EQ(Store().List()->size(), 1u);
}

TEST_F(WebhookStoreTest, ConcurrentWritersLoseNothing) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      WebhookStore store(Path(), {&clock_, milliseconds(1000), {}});
      for (int i = 0; i < 10; ++i) EXPECT_TRUE(store.Add({"http://127.0.0.1/x", "", ""}).ok());
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(Store().List()->size(), 40u);
}

TEST_F(WebhookStoreTest, ARunningReaderSeesChangesAndKeepsTheLastGoodFile) {
  WebhookStore server = Store();
  ASSERT_TRUE(server.Load().ok());
  EXPECT_TRUE(server.Current().empty());
  WebhookStore cli = Store();
  ASSERT_TRUE(cli.Add({"http://127.0.0.1/x", "", ""}).ok());
  EXPECT_TRUE(server.Current().empty());  // not before the reload interval
  clock_.Advance(milliseconds(1000));
  ASSERT_EQ(server.Current().size(), 1u);
  // Damaged by hand: the previous webhooks stay, and the server says so.
  std::ofstream(Path()) << "{ not json";
  clock_.Advance(milliseconds(1000));
  EXPECT_EQ(server.Current().size(), 1u);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("not reloaded"), std::string::npos);
  // And at start a damaged file is an error, not an empty list.
  EXPECT_EQ(Store().Load().code(), Code::kDataLoss);
}

}  // namespace
