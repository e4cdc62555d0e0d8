// ledgerctl webhook add | list | remove: where the server delivers the outbox's notifications
// (api/services/webhook_store.h, api/services/webhook_delivery.h). A running server sees changes
// within a second.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>

#include "api/services/webhook_store.h"
#include "ledger/base/clock.h"
#include "ledger/base/time.h"
#include "tools/ledgerctl/commands.h"
#include "tools/ledgerctl/output.h"
#include "tools/ledgerctl/session.h"

namespace tools {
namespace {

struct WebhookFlags {
  api::WebhookSpec spec;
  std::string id;  // remove
};

std::string PathOf(const Globals& g) { return api::WebhookStore::PathInDirectory(g.data_dir); }

// "--secret -": the secret is the first line of standard input (kept out of `ps` and history).
int ReadSecretFromStdin(std::string* secret) {
  std::string line;
  if (!std::getline(std::cin, line))
    return Fail(kExitUsage, "--secret -: no secret on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  *secret = line;
  return kExitOk;
}

int Add(const Globals& g, WebhookFlags f) {
  if (f.spec.secret == "-")
    if (int code = ReadSecretFromStdin(&f.spec.secret); code != kExitOk) return code;
  std::error_code ec;
  std::filesystem::create_directories(g.data_dir, ec);
  ledger::SystemClock clock;
  api::WebhookStore store(PathOf(g), {&clock, std::chrono::milliseconds(1000), {}});
  auto added = store.Add(f.spec);
  if (!added.ok()) return FailWith(added.status());
  // The id alone on stdout (ID=$(ledgerctl webhook add ...)); a generated secret on the next line.
  std::printf("%s\n", added->record.id.c_str());
  if (added->secret_generated) std::printf("%s\n", added->record.secret.c_str());
  std::fprintf(
      stderr, "ledgerctl: registered %s for %s%s\n", added->record.id.c_str(),
      added->record.url.c_str(),
      added->secret_generated ? "; its generated secret (second line) is not shown again" : "");
  return kExitOk;
}

int List(const Globals& g) {
  ledger::SystemClock clock;
  api::WebhookStore store(PathOf(g), {&clock, std::chrono::milliseconds(1000), {}});
  auto records = store.List();
  if (!records.ok()) return FailWith(records.status());
  Table table({"ID", "NAME", "URL", "CREATED"});
  for (const api::WebhookRecord& r : *records)  // never the secret
    table.Add({r.id, r.name.empty() ? "-" : Printable(r.name), Printable(r.url),
               ledger::FormatRfc3339(std::chrono::floor<std::chrono::seconds>(r.created_at))});
  if (!WriteAll(stdout, table.Render())) return Fail(kExitFailed, "cannot write the list");
  return kExitOk;
}

int Remove(const Globals& g, const WebhookFlags& f) {
  ledger::SystemClock clock;
  api::WebhookStore store(PathOf(g), {&clock, std::chrono::milliseconds(1000), {}});
  auto removed = store.Remove(f.id);
  if (!removed.ok()) return FailWith(removed.status());
  std::printf("removed %s (%s)\n", removed->id.c_str(), Printable(removed->url).c_str());
  return kExitOk;
}

}  // namespace

void RegisterWebhookCommands(CLI::App& app, Globals& g, Runner& run) {
  auto* webhook = app.add_subcommand("webhook",
                                     "where notifications are delivered: add, list, "
                                     "remove (DIR/webhooks.json)");
  webhook->require_subcommand(1);
  webhook->fallthrough();
  auto f = std::make_shared<WebhookFlags>();

  auto* add = webhook->add_subcommand(
      "add", "register a receiver; prints its id (and a generated secret, once)");
  add->fallthrough();
  add->add_option("--url", f->spec.url,
                  "where to POST: https://HOST/PATH, or http:// to a loopback host only")
      ->required();
  add->add_option("--secret", f->spec.secret,
                  "the HMAC key, 16-256 printable characters; '-' reads it from stdin; "
                  "omitted: one is generated and printed once");
  add->add_option("--name", f->spec.name, "a name for people");
  add->callback([&g, &run, f] { run = [&g, f] { return Add(g, *f); }; });

  auto* list = webhook->add_subcommand("list", "list webhooks (ids, names, URLs; never secrets)");
  list->fallthrough();
  list->callback([&g, &run] { run = [&g] { return List(g); }; });

  auto* remove = webhook->add_subcommand("remove", "stop delivering to a webhook");
  remove->fallthrough();
  remove->add_option("ID", f->id, "its id (wh_...)")->required();
  remove->callback([&g, &run, f] { run = [&g, f] { return Remove(g, *f); }; });
}

}  // namespace tools
