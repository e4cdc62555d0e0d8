// `ledgerctl webhook add | list | remove` run as the real program: exit codes (usage errors are
// exit 2 with one line `ledgerctl: ...`), secrets never listed, the file private (0600).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "testing/process.h"
#include "testing/temp_dir.h"

namespace {

using testing_util::ProcessResult;
using testing_util::ReadWholeFile;
using testing_util::RunProcess;
using testing_util::TempDir;

const std::string kLedgerctl = std::string(LEDGER_BINARY_DIR) + "/tools/ledgerctl/ledgerctl";
const std::string kSecret = "given-secret-0123456789";

class WebhookCli : public ::testing::Test {
 protected:
  std::string Ledger() { return dir_.Sub("ledger"); }
  ProcessResult Ctl(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {kLedgerctl, "--data", Ledger()});
    return RunProcess(args, dir_.path(), input);
  }
  static void ExpectUsage(const ProcessResult& r, const std::string& says) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_EQ(r.err.rfind("ledgerctl: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  std::string File() { return Ledger() + "/webhooks.json"; }

  TempDir dir_;
};

TEST_F(WebhookCli, AddListRemove) {
  ProcessResult added = Ctl({"webhook", "add", "--url", "http://127.0.0.1:9000/hook", "--secret",
                             kSecret, "--name", "ops"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string id = added.out.substr(0, added.out.find('\n'));
  EXPECT_EQ(id.rfind("wh_", 0), 0u) << added.out;
  EXPECT_EQ(added.out, id + "\n");  // a given secret is not printed back

  ProcessResult generated = Ctl({"webhook", "add", "--url", "http://localhost:9001/x"});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  const size_t nl = generated.out.find('\n');
  const std::string id2 = generated.out.substr(0, nl);
  const std::string secret2 = generated.out.substr(nl + 1, generated.out.size() - nl - 2);
  EXPECT_EQ(secret2.rfind("whsec_", 0), 0u) << generated.out;
  EXPECT_NE(generated.err.find("not shown again"), std::string::npos);

  ProcessResult tls = Ctl({"webhook", "add", "--url", "https://hooks.example.com/ledger"});
  ASSERT_EQ(tls.exit_code, 0) << tls.err;

  ProcessResult from_stdin =
      Ctl({"webhook", "add", "--url", "http://127.0.0.1:9002/", "--secret", "-"},
          "stdin-secret-0123456789\n");
  ASSERT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
  EXPECT_NE(ReadWholeFile(File()).find("stdin-secret-0123456789"), std::string::npos);

  ProcessResult list = Ctl({"webhook", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(id), std::string::npos) << list.out;
  EXPECT_NE(list.out.find(id2), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("http://127.0.0.1:9000/hook"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("ops"), std::string::npos) << list.out;
  for (const std::string& secret : {kSecret, secret2, std::string("stdin-secret")}) {
    EXPECT_EQ(list.out.find(secret), std::string::npos) << list.out;
    EXPECT_EQ(list.err.find(secret), std::string::npos) << list.err;
  }

  struct stat st;
  ASSERT_EQ(::stat(File().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  ProcessResult removed = Ctl({"webhook", "remove", id});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_NE(removed.out.find("removed " + id), std::string::npos);
  EXPECT_EQ(Ctl({"webhook", "list"}).out.find(id), std::string::npos);
  ASSERT_EQ(::stat(File().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  ProcessResult again = Ctl({"webhook", "remove", id});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_EQ(again.err, "ledgerctl: no webhook has id '" + id + "' (see webhook list)\n");
}

TEST_F(WebhookCli, UsageErrorsExit2WithOneLine) {
  ExpectUsage(Ctl({"webhook", "add"}), "--url is required");
  ExpectUsage(Ctl({"webhook", "add", "--url", "http://10.1.2.3/hook"}), "loopback");
  ExpectUsage(Ctl({"webhook", "add", "--url", "http://example.com/hook"}), "use https://");
  ExpectUsage(Ctl({"webhook", "add", "--url", "http://127.0.0.1/", "--secret", "short"}),
              "16-256 printable");
  ExpectUsage(Ctl({"webhook", "add", "--url", "http://127.0.0.1/", "--secret", "-"}, ""),
              "no secret on standard input");
  ExpectUsage(Ctl({"webhook", "remove"}), "ID is required");
  ExpectUsage(Ctl({"webhook"}), "subcommand");
  ExpectUsage(Ctl({"webhook", "list", "--bogus"}), "--bogus");
  EXPECT_FALSE(std::filesystem::exists(File()));
  // Help is not an error.
  EXPECT_EQ(Ctl({"webhook", "add", "--help"}).exit_code, 0);
}

}  // namespace
