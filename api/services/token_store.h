// TokenStore: the API's bearer tokens, kept as SHA-256 hashes in a JSON file in the ledger's
// directory (DIR/tokens.json by default). docs/api.md ("Tokens") describes the file.
//
// A token is "lgr_" followed by 32 random bytes (OpenSSL RAND_bytes) in unpadded base64url. It is
// shown once, when issued; the file keeps only its hash, the actor it stands for, when it was
// created and whether it was revoked. Each token also has a public id ("tk_" + 8 hex digits) to
// list and revoke it by.
//
// Writes (Add, Revoke) read the file, change it and replace it atomically (temporary file, fsync,
// rename, fsync of the directory) under an exclusive flock on FILE.lock, so concurrent
// `ledgerctl token` commands do not lose each other's changes. A running server notices a
// replaced file on its own: Authenticate() stats the file at most once per reload interval
// (measured on the injected clock) and reloads it when its inode, size or mtime changed. A file
// that fails to parse on reload keeps the previous tokens in force and reports through `warn`.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/services/principal.h"
#include "ledger/base/clock.h"
#include "ledger/base/status.h"
#include "ledger/base/time.h"
#include "ledger/log/append.h"

namespace api {

inline constexpr std::string_view kTokenPrefix = "lgr_";
inline constexpr std::string_view kTokenIdPrefix = "tk_";
inline constexpr char kTokenFileName[] = "tokens.json";

struct TokenRecord {
  std::string id;      // public handle: "tk_" + 8 hex digits
  std::string sha256;  // lower-case hex SHA-256 of the token text
  ledger::Actor actor;
  ledger::Time created_at{};
  bool revoked = false;
  ledger::Time revoked_at{};
};

struct IssuedToken {
  TokenRecord record;
  std::string token;  // the secret; not stored anywhere
};

// A new token: "lgr_" + base64url(32 bytes from RAND_bytes). Internal if the generator fails.
ledger::Result<std::string> GenerateToken();

// Checks an actor for a token: id 1..128 of [A-Za-z0-9._@:-], a known role, department 0..128
// of [A-Za-z0-9._-], required for the roles that act for a department (RoleNeedsDepartment).
// InvalidArgument naming "actor", "role" or "department".
ledger::Status ValidateTokenActor(const ledger::Actor& actor);

class TokenStore final : public Authenticator {
 public:
  struct Options {
    ledger::Clock* clock = nullptr;  // not owned; created/revoked times and reload pacing
    std::chrono::milliseconds reload_interval{1000};
    std::function<void(std::string_view)> warn;  // reload problems; may be empty
  };

  // `path` is the token file; it need not exist yet (no tokens). Nothing is read until Load(),
  // a write or the first Authenticate().
  TokenStore(std::string path, Options options);

  // DIR/tokens.json.
  static std::string PathInDirectory(const std::string& data_dir);

  // Reads the file now. OK for a missing file (no tokens); DataLoss for one that does not parse;
  // Unavailable when it cannot be read. The server calls it at startup to fail early.
  ledger::Status Load();

  // Issues a token for `actor` and stores its hash. InvalidArgument for a bad actor.
  ledger::Result<IssuedToken> Add(const ledger::Actor& actor);

  // Every token record, oldest first (no secrets: there are none to show).
  ledger::Result<std::vector<TokenRecord>> List();

  // Revokes the token with public id `id`, or, when no token has that id, every active token of
  // the actor with that id. Returns the records revoked; NotFound when nothing matched.
  ledger::Result<std::vector<TokenRecord>> Revoke(std::string_view id_or_actor);

  // Authenticator: the principal for an active token; Unauthenticated otherwise.
  ledger::Result<Principal> Authenticate(std::string_view token) override;

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
  ledger::Status ReloadIfChangedLocked();
  ledger::Status LoadLocked(const Stamp& stamp);
  // Runs `change` on the file's records under the write lock and writes the result.
  ledger::Status Modify(const std::function<ledger::Status(std::vector<TokenRecord>&)>& change);

  const std::string path_;
  Options options_;

  std::mutex mu_;
  bool loaded_ = false;
  Stamp stamp_;
  ledger::Time last_check_{};
  std::unordered_map<std::string, TokenRecord> by_hash_;
};

}  // namespace api
