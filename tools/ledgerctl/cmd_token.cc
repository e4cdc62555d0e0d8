// ledgerctl token add | list | revoke: the API's bearer tokens (api/services/token_store.h).
#include <cstdio>
#include <filesystem>
#include <memory>

#include "api/services/token_store.h"
#include "ledger/base/clock.h"
#include "ledger/base/time.h"
#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/session.h"

namespace tools {
namespace {

struct TokenFlags {
  std::string tokens;  // the token file; "" = DIR/tokens.json
  ledger::Actor actor;
  std::string id;  // revoke: token id or actor id
};

std::string Seconds(ledger::Time t) {
  return ledger::FormatRfc3339(std::chrono::floor<std::chrono::seconds>(t));
}

std::string PathOf(const Globals& g, const TokenFlags& f) {
  return f.tokens.empty() ? api::TokenStore::PathInDirectory(g.data_dir) : f.tokens;
}

// A department the ledger's policy does not know would scope the token to nothing: refuse it
// when there is a ledger to ask (a token file kept elsewhere, without one, is taken as given).
ledger::Status CheckDepartment(const Globals& g, const ledger::Actor& actor) {
  if (actor.department.empty()) return ledger::Status::Ok();
  auto session = Session::Open(g.data_dir, Access::kReadOnly);
  if (!session.ok() || (*session)->policies().current() == nullptr) return ledger::Status::Ok();
  const auto& org = (*session)->current().organisation;
  if (org.FindDepartment(actor.department) != nullptr) return ledger::Status::Ok();
  std::string known;
  for (const auto& d : org.departments) known += (known.empty() ? "" : ", ") + d.id;
  return ledger::Status::InvalidArgument("--department '" + actor.department +
                                         "' is not a department of the ledger's policy (" + known +
                                         ")");
}

int Add(const Globals& g, const TokenFlags& f) {
  if (ledger::Status s = CheckDepartment(g, f.actor); !s.ok()) return FailWith(s);
  std::error_code ec;
  std::string path = PathOf(g, f);
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  ledger::SystemClock clock;
  api::TokenStore store(path, {&clock, std::chrono::milliseconds(1000), {}});
  auto issued = store.Add(f.actor);
  if (!issued.ok()) return FailWith(issued.status());
  // The token alone on stdout (for TOKEN=$(ledgerctl token add ...)); the note on stderr.
  std::printf("%s\n", issued->token.c_str());
  std::fprintf(stderr, "ledgerctl: issued %s for %s (%s%s%s); it is not shown again\n",
               issued->record.id.c_str(), f.actor.id.c_str(), f.actor.role.c_str(),
               f.actor.department.empty() ? "" : ", ", f.actor.department.c_str());
  return 0;
}

int List(const Globals& g, const TokenFlags& f) {
  ledger::SystemClock clock;
  api::TokenStore store(PathOf(g, f), {&clock, std::chrono::milliseconds(1000), {}});
  auto records = store.List();
  if (!records.ok()) return FailWith(records.status());
  std::printf("%-12s %-20s %-15s %-20s %-20s %s\n", "ID", "ACTOR", "ROLE", "DEPARTMENT", "CREATED",
              "STATUS");
  for (const api::TokenRecord& r : *records) {
    std::string status = r.revoked ? "revoked " + Seconds(r.revoked_at) : "active";
    std::printf("%-12s %-20s %-15s %-20s %-20s %s\n", r.id.c_str(), r.actor.id.c_str(),
                r.actor.role.c_str(), r.actor.department.empty() ? "-" : r.actor.department.c_str(),
                Seconds(r.created_at).c_str(), status.c_str());
  }
  return 0;
}

int Revoke(const Globals& g, const TokenFlags& f) {
  ledger::SystemClock clock;
  api::TokenStore store(PathOf(g, f), {&clock, std::chrono::milliseconds(1000), {}});
  auto revoked = store.Revoke(f.id);
  if (!revoked.ok()) return FailWith(revoked.status());
  if (revoked->empty()) std::printf("%s was already revoked\n", f.id.c_str());
  for (const api::TokenRecord& r : *revoked)
    std::printf("revoked %s (%s)\n", r.id.c_str(), r.actor.id.c_str());
  return 0;
}

}  // namespace

void RegisterTokenCommands(CLI::App& app, Globals& g, Runner& run) {
  auto* token = app.add_subcommand("token", "API bearer tokens: add, list, revoke");
  token->require_subcommand(1);
  token->fallthrough();
  auto f = std::make_shared<TokenFlags>();
  token->add_option("--tokens", f->tokens, "the token file (default: DIR/tokens.json)");

  auto* add = token->add_subcommand("add", "issue a token for an actor; prints it once");
  add->fallthrough();
  add->add_option("--actor", f->actor.id, "the actor's person id")->required();
  add->add_option("--role", f->actor.role,
                  "the actor's role (intake, cs_agent, cs_head, handler, "
                  "dept_head, deputy_gm, gm, auditor, reader, admin)")
      ->required();
  add->add_option("--department", f->actor.department,
                  "the actor's department (required for intake, cs_agent, cs_head, handler and "
                  "dept_head: their access is their department's)");
  add->callback([&g, &run, f] { run = [&g, f] { return Add(g, *f); }; });

  auto* list = token->add_subcommand("list", "list tokens (ids, actors, status; never secrets)");
  list->fallthrough();
  list->callback([&g, &run, f] { run = [&g, f] { return List(g, *f); }; });

  auto* revoke =
      token->add_subcommand("revoke", "revoke a token by its id, or every token of an actor");
  revoke->fallthrough();
  revoke->add_option("ID", f->id, "a token id (tk_...) or an actor id")->required();
  revoke->callback([&g, &run, f] { run = [&g, f] { return Revoke(g, *f); }; });
}

}  // namespace tools
