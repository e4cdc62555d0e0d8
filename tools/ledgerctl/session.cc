#include "tools/ledgerctl/session.h"

#include <cstdio>

#include "tools/ledgerctl/output.h"

namespace tools {

using ledger::Code;
using ledger::Result;
using ledger::Status;

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "ledgerctl: %s\n", Printable(message).c_str());
  return code;
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case Code::kOk:
      return kExitOk;
    case Code::kInvalidArgument:
      return kExitUsage;
    case Code::kUnavailable:
    case Code::kResourceExhausted:
      return kExitUnavailable;
    case Code::kInternal:
      return kExitInternal;
    default:
      return kExitFailed;
  }
}

std::string OneLine(const Status& status) {
  std::string line = status.message();
  for (const ledger::FieldError& e : status.errors()) {
    if (e.message == status.message() && status.errors().size() == 1 && !e.field.empty()) {
      line = e.field + ": " + e.message;  // the one problem, said once
      continue;
    }
    line += line.empty() ? "" : "; ";
    line += e.field.empty() ? e.message : e.field + ": " + e.message;
  }
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  return line;
}

int FailWith(const Status& status) { return Fail(ExitCodeFor(status), OneLine(status)); }

namespace {

// The open failures, each as the one line a person needs. RocksDB reports a held lock as an I/O
// error on the LOCK file; that is how a running server shows up.
Status Explain(const Status& s, const std::string& dir) {
  const std::string& m = s.message();
  if (s.code() == Code::kNotFound) return Status::Unavailable("no ledger in '" + dir + "'");
  if (m.find("lock file") != std::string::npos || m.find("LOCK:") != std::string::npos)
    return Status::Unavailable("the ledger in '" + dir +
                               "' is in use by another process (stop the server first)");
  if (s.code() == Code::kFailedPrecondition) return Status::Unavailable(m);
  return Status::Unavailable("cannot open the ledger in '" + dir + "': " + OneLine(s));
}

}  // namespace

Result<std::unique_ptr<Session>> Session::Open(const std::string& dir, Access access,
                                               ledger::Options options) {
  options.read_only = access == Access::kReadOnly;
  options.create_if_missing = access == Access::kCreate;
  Result<std::unique_ptr<ledger::EventLog>> log = ledger::EventLog::Open(dir, options);
  if (!log.ok()) return Explain(log.status(), dir);
  std::unique_ptr<Session> session(new Session());
  session->log_ = std::move(log).value();
  session->policies_ = std::make_unique<ledger::domain::PolicyStore>(session->log_.get());
  if (Status s = session->policies_->Load(); !s.ok())
    return Status::Unavailable("cannot read the ledger's policies: " + OneLine(s));
  session->default_ = ledger::domain::DefaultPolicy();
  session->privacy_ = std::make_unique<api::PrivacyRegister>(session->log_.get());
  session->reader_vault_ = std::make_unique<api::PersonalDataVault>(nullptr);
  session->reader_vault_->Attach(session->privacy_.get(), nullptr);
  return session;
}

Session::~Session() { (void)Close(); }

const ledger::domain::Policy& Session::current() const {
  // Published versions are never removed: the pointer stays valid while the store lives.
  const uint32_t v = policies_->current_version();
  return v == 0 ? *default_ : *policies_->ForVersion(v);
}

projections::PolicyLookup Session::lookup() const {
  ledger::domain::PolicyStore* store = policies_.get();
  return [store](uint32_t v) { return store->ForVersion(v); };
}

Status Session::Close() {
  if (!log_) return Status::Ok();
  Status s = log_->Close();
  return s;
}

Result<ledger::StoredCheckpoint> ChosenCheckpoint(ledger::EventLog& log, uint64_t size) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<ledger::StoredCheckpoint> c,
                          size ? log.CheckpointOfSize(size) : log.LatestCheckpoint());
  if (!c)
    return Status::NotFound(size ? "no signed checkpoint of size " + std::to_string(size)
                                 : std::string("no checkpoint has been signed yet (ledgerctl "
                                               "checkpoint, or serve --signing-key)"));
  return *c;
}

}  // namespace tools
