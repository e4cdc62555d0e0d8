// WebhookStore: the registered webhooks, kept in a JSON file in the ledger's directory
// (DIR/webhooks.json) and managed with `ledgerctl webhook add | list | remove` (docs/cli.md).
//
//   {"format": "ledger-webhooks/1",
//    "webhooks": [{"id": "wh_0c1d2e3f", "name": "ops", "url": "http://127.0.0.1:9000/hook",
//                  "secret": "<the HMAC key>", "created_at": "2026-01-05T08:00:00Z"}]}
//
// The file holds the secrets themselves (a signature needs the key), so it is written 0600, like
// tokens.json, and nothing prints a secret except `webhook add`, once, when it generated it.
// Unknown fields are ignored.
//
// Writes (Add, Remove) read the file, change it and replace it atomically under an exclusive
// flock on FILE.lock (token_file.h). A running server sees a replaced file: Current() stats it at
// most once per reload interval (on the injected clock) and reloads it when its inode, size or
// mtime changed; a file that fails to parse keeps the previous webhooks and reports via `warn`.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/clock.h"
#include "ledger/base/status.h"
#include "ledger/base/time.h"

namespace api {

inline constexpr char kWebhookFileName[] = "webhooks.json";
inline constexpr std::string_view kWebhookFileFormat = "ledger-webhooks/1";
inline constexpr std::string_view kWebhookIdPrefix = "wh_";
inline constexpr size_t kMinWebhookSecretBytes = 16;
inline constexpr size_t kMaxWebhookSecretBytes = 256;

struct WebhookRecord {
  std::string id;    // "wh_" + 8 hex digits; also the outbox cursor's name
  std::string name;  // for people; may be empty
  std::string url;   // checked by ParseWebhookUrl (webhook_sender.h)
  std::string secret;
  ledger::Time created_at{};
  bool operator==(const WebhookRecord&) const = default;
};

// What to register. An empty secret: one is generated.
struct WebhookSpec {
  std::string url;
  std::string secret;
  std::string name;
};

struct AddedWebhook {
  WebhookRecord record;
  bool secret_generated = false;  // then show record.secret once
};

// Checks a spec: the URL (ParseWebhookUrl), a secret of 16..256 printable ASCII characters
// (no spaces) unless empty, a name of 0..64 of [A-Za-z0-9._ -]. InvalidArgument naming each.
ledger::Status ValidateWebhookSpec(const WebhookSpec& spec);

std::string EncodeWebhookFile(const std::vector<WebhookRecord>& records);
// DataLoss naming what is wrong when `text` is not a webhook file.
ledger::Result<std::vector<WebhookRecord>> DecodeWebhookFile(std::string_view text);

class WebhookStore {
 public:
  struct Options {
    ledger::Clock* clock = nullptr;  // not owned; created_at and reload pacing
    std::chrono::milliseconds reload_interval{1000};
    std::function<void(std::string_view)> warn;  // reload problems; may be empty
  };

  // `path` need not exist yet (no webhooks). Nothing is read until Load(), a write or Current().
  WebhookStore(std::string path, Options options);

  // DIR/webhooks.json.
  static std::string PathInDirectory(const std::string& data_dir);

  // Reads the file now: OK for a missing file; DataLoss for one that does not parse;
  // Unavailable when it cannot be read. The server calls it at start to fail early.
  ledger::Status Load();

  // Registers a webhook (a new id; a generated secret when spec.secret is empty).
  // InvalidArgument for a bad spec.
  ledger::Result<AddedWebhook> Add(const WebhookSpec& spec);

  // Every webhook in the file, oldest first (with secrets: callers must not print them).
  ledger::Result<std::vector<WebhookRecord>> List();

  // Removes the webhook with `id`; NotFound when there is none.
  ledger::Result<WebhookRecord> Remove(std::string_view id);

  // The webhooks in force, reloaded when the file changed (see above).
  std::vector<WebhookRecord> Current();

  const std::string& path() const { return path_; }

 private:
  struct Stamp {
    bool exists = false;
    ino_t inode = 0;
    off_t size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };

  static Stamp StatFile(const std::string& path);
  ledger::Status LoadLocked(const Stamp& stamp);
  ledger::Status Modify(const std::function<ledger::Status(std::vector<WebhookRecord>&)>& change);
  ledger::Time Now() const;

  const std::string path_;
  Options options_;

  std::mutex mu_;
  bool loaded_ = false;
  Stamp stamp_;
  ledger::Time last_check_{};
  std::vector<WebhookRecord> current_;
};

}  // namespace api
