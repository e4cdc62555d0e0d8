// `ledgerctl keystore new-kek | init | audit | rotate-kek | copy` run as the real program
// (docs/privacy.md): KEK files private and never overwritten, loose or misplaced KEK files
// refused, the keystore opened only with the KEK that wraps it, and after a rotation a copy taken
// before does not open with the new KEK.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "testing/process.h"
#include "testing/temp_dir.h"

namespace {

using testing_util::ProcessResult;
using testing_util::RunProcess;
using testing_util::TempDir;

const std::string kLedgerctl = std::string(LEDGER_BINARY_DIR) + "/tools/ledgerctl/ledgerctl";

class KeystoreCli : public ::testing::Test {
 protected:
  std::string Ledger() { return dir_.Sub("ledger"); }
  ProcessResult Ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {kLedgerctl, "--data", Ledger()});
    return RunProcess(args, dir_.path(), "");
  }
  static void ExpectUsage(const ProcessResult& r, const std::string& says) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  // The id new-kek prints.
  std::string NewKek(const std::string& path) {
    ProcessResult r = Ctl({"keystore", "new-kek", "--out", path});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.size(), 9u) << r.out;
    return r.out.substr(0, 8);
  }

  TempDir dir_;
};

TEST_F(KeystoreCli, NewKekInitAuditRotateCopy) {
  std::filesystem::create_directories(Ledger());
  const std::string kek = dir_.Sub("kek"), next = dir_.Sub("kek-2");
  const std::string id = NewKek(kek);
  struct stat st {};
  ASSERT_EQ(::stat(kek.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ExpectUsage(Ctl({"keystore", "new-kek", "--out", kek}), "never overwritten");

  ProcessResult none = Ctl({"keystore", "audit", "--kek", kek});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("no keystore"), std::string::npos) << none.err;

  ProcessResult init = Ctl({"keystore", "init", "--kek", kek});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.err.find(id), std::string::npos) << init.err;
  ExpectUsage(Ctl({"keystore", "init", "--kek", kek}), "a keystore exists");
  ASSERT_EQ(::stat((Ledger() + "/keystore").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  ProcessResult audit = Ctl({"keystore", "audit", "--kek", kek});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_EQ(audit.out, "subject\tversion\tkek\tcreated\tcommitment\n");
  EXPECT_NE(audit.err.find("0 keys, wrapped by KEK " + id), std::string::npos) << audit.err;

  ProcessResult copied = Ctl({"keystore", "copy", "--kek", kek, "--out", dir_.Sub("copy")});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  EXPECT_NE(copied.err.find("Keep it briefly"), std::string::npos);

  const std::string next_id = NewKek(next);
  ExpectUsage(Ctl({"keystore", "rotate-kek", "--kek", kek, "--new-kek", kek}),
              "wraps the keys already");
  ProcessResult rotated = Ctl({"keystore", "rotate-kek", "--kek", kek, "--new-kek", next});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_NE(rotated.err.find("from KEK " + id + " to " + next_id), std::string::npos)
      << rotated.err;
  // The old KEK no longer opens the keystore; the new one does; the copy from before the
  // rotation opens only with the old one.
  ProcessResult old = Ctl({"keystore", "audit", "--kek", kek});
  EXPECT_EQ(old.exit_code, 1) << old.err;
  EXPECT_NE(old.err.find("wrapped by KEK " + next_id), std::string::npos) << old.err;
  EXPECT_EQ(Ctl({"keystore", "audit", "--kek", next}).exit_code, 0);
  ProcessResult copy_new =
      Ctl({"keystore", "--keystore", dir_.Sub("copy"), "audit", "--kek", next});
  EXPECT_EQ(copy_new.exit_code, 1) << copy_new.err;
  EXPECT_EQ(Ctl({"keystore", "--keystore", dir_.Sub("copy"), "audit", "--kek", kek}).exit_code, 0);
}

TEST_F(KeystoreCli, LooseOrMisplacedKekFilesAreRefused) {
  std::filesystem::create_directories(Ledger());
  const std::string kek = dir_.Sub("kek");
  NewKek(kek);
  ::chmod(kek.c_str(), 0644);
  ExpectUsage(Ctl({"keystore", "init", "--kek", kek}), "may be read by others");
  ::chmod(kek.c_str(), 0600);
  const std::string inside = Ledger() + "/kek";
  NewKek(inside);
  ExpectUsage(Ctl({"keystore", "init", "--kek", inside}), "inside the ledger's directory");
  ExpectUsage(Ctl({"keystore", "init", "--kek", dir_.Sub("missing")}), "does not exist");
  std::filesystem::remove(Ledger() + "/kek");
}

}  // namespace
