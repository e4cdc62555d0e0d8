// ledgerctl against abuse: tokens of department-scoped roles need a department the policy knows,
// months outside the policy are usage errors, and text holding control characters (written
// before they were refused) is printed escaped, never acted on by the terminal.
#include <gtest/gtest.h>

#include <filesystem>

#include "ledger/domain/action.h"
#include "ledger/domain/decide.h"
#include "ledger/domain/policy.h"
#include "ledger/log/event_log.h"
#include "testing/process.h"
#include "testing/temp_dir.h"

namespace {

using testing_util::ProcessResult;
using testing_util::RunProcess;
using testing_util::TempDir;

const std::string kLedgerctl = std::string(LEDGER_BINARY_DIR) + "/tools/ledgerctl/ledgerctl";

class CliHardening : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessResult r = RunProcess(
        {kLedgerctl, "--data", Ledger(), "demo", "--no-serve", "--complaints", "10", "--seed", "3"},
        dir_.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string Ledger() { return dir_.Sub("ledger"); }
  ProcessResult Ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {kLedgerctl, "--data", Ledger()});
    return RunProcess(args, dir_.path());
  }
  static void ExpectUsage(const ProcessResult& r, const std::string& says) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_EQ(r.err.rfind("ledgerctl: ", 0), 0u) << r.err;
  }

  TempDir dir_;
};

TEST_F(CliHardening, DepartmentRolesNeedADepartmentThePolicyKnows) {
  for (const char* role : {"intake", "cs_agent", "cs_head", "handler", "dept_head"})
    ExpectUsage(Ctl({"token", "add", "--actor", "u-x", "--role", role}), "give --department");
  ExpectUsage(
      Ctl({"token", "add", "--actor", "u-x", "--role", "dept_head", "--department", "kitchen"}),
      "'kitchen' is not a department of the ledger's policy");
  ProcessResult ok =
      Ctl({"token", "add", "--actor", "u-x", "--role", "dept_head", "--department", "property"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out.rfind("lgr_", 0), 0u);
  // Roles that see every department's complaints need none.
  EXPECT_EQ(Ctl({"token", "add", "--actor", "u-y", "--role", "auditor"}).exit_code, 0);
}

TEST_F(CliHardening, MonthsOutsideThePolicyAreUsageErrors) {
  ExpectUsage(Ctl({"fines", "--month", "0001-01"}), "outside the years the policy covers");
  ExpectUsage(Ctl({"metrics", "--month", "9999"}), "outside the years the policy covers");
}

// A receive whose subject holds ESC [ 2 (the start of a control sequence) and BEL, appended
// below the
// write path's checks, as a ledger written before they were refused may hold it.
void AppendRawReceive(const std::string& dir, const std::string& id) {
  using namespace ledger::domain;
  auto action = ParseActionText(
      R"({"type":"receive","channel":"hotline","complainant":{"name":"Li"},"project":"p-lakeside",
          "subject":"before@@@@after","description":"d","receiving_department":"customer_service",
          "occurred_at":"2026-06-01T10:00:00+08:00"})");
  ASSERT_TRUE(action.ok());
  ComplaintState empty;
  std::shared_ptr<const Policy> policy = DefaultPolicy();
  DecideInput in{&empty,
                 policy.get(),
                 1,
                 policy.get(),
                 {"u-cs-1", "cs_agent", "customer_service"},
                 *ledger::ParseRfc3339("2026-06-01T10:00:00+08:00"),
                 {},
                 false};
  auto decided = Decide(*action, in);
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  ledger::AppendRequest request;
  request.stream = id;
  request.events = ToNewEvents(*decided, 1, false);
  std::string& payload = request.events[0].payload;
  size_t at = payload.find("@@@@");
  ASSERT_NE(at, std::string::npos);
  // Four bytes for four, so the message stays well formed: ESC [ 2, then a bell.
  payload.replace(at, 4, "\x1b[2\x07");
  ledger::Options options;
  auto log = ledger::EventLog::Open(dir, options);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_TRUE((*log)->Append(request).ok());
}

TEST_F(CliHardening, ControlCharactersInOldTextArePrintedEscaped) {
  AppendRawReceive(Ledger(), "CMP-2026-009999");
  ASSERT_FALSE(HasFailure());
  ProcessResult r = Ctl({"replay", "CMP-2026-009999"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(r.out.find('\x07'), std::string::npos);
  EXPECT_NE(r.out.find("\\x1b[2\\x07"), std::string::npos) << r.out;
  // Errors that quote what was typed are escaped the same way.
  ProcessResult bad = Ctl({"state", "CMP-\x1b[2J"});
  EXPECT_EQ(bad.err.find('\x1b'), std::string::npos) << bad.err;
}

}  // namespace
