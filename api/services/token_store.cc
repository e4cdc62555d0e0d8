#include "api/services/token_store.h"

#include <openssl/rand.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "api/services/authorization.h"
#include "api/services/token_file.h"
#include "ledger/base/hash.h"

namespace api {
namespace {

using ledger::Status;

ledger::Result<std::string> RandomBytes(size_t n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1)
    return Status::Internal("the random generator failed (RAND_bytes)");
  return bytes;
}

std::string Base64Url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : bytes) {
    acc = (acc << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 0x3F];
  return out;
}

bool AllOf(std::string_view s, std::string_view extra) {
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

std::string HashOf(std::string_view token) { return ledger::ToHex(ledger::Sha256(token)); }

ledger::Time Now(ledger::Clock* clock) {
  if (clock != nullptr) return clock->Now();
  return ledger::SystemClock().Now();
}

}  // namespace

ledger::Result<std::string> GenerateToken() {
  LEDGER_ASSIGN_OR_RETURN(std::string bytes, RandomBytes(32));
  return std::string(kTokenPrefix) + Base64Url(bytes);
}

Status ValidateTokenActor(const ledger::Actor& actor) {
  std::vector<ledger::FieldError> errors;
  if (actor.id.empty() || actor.id.size() > 128 || !AllOf(actor.id, "._@:-"))
    errors.push_back({"actor", "format", "the actor id must be 1-128 of A-Z a-z 0-9 . _ @ : -"});
  std::optional<Role> role = ParseRole(actor.role);
  if (!role)
    errors.push_back(
        {"role", "enum",
         "unknown role '" + actor.role + "' (one of: " + RoleSet::All().ToString() + ")"});
  // Department-scoped roles see and act on their department's complaints and rows: without one
  // such a token would be scoped to nothing at best, and read as "every department" at worst.
  if (role && RoleNeedsDepartment(*role) && actor.department.empty())
    errors.push_back({"department", "required",
                      "role '" + actor.role + "' acts for a department: give --department"});
  if (actor.department.size() > 128 || !AllOf(actor.department, "._-"))
    errors.push_back({"department", "format", "the department must be 0-128 of A-Z a-z 0-9 . _ -"});
  if (errors.empty()) return Status::Ok();
  std::string message = errors.front().message;
  return Status::WithErrors(ledger::Code::kInvalidArgument, message, std::move(errors));
}

TokenStore::TokenStore(std::string path, Options options)
    : path_(std::move(path)), options_(std::move(options)) {}

std::string TokenStore::PathInDirectory(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / kTokenFileName).string();
}

Status TokenStore::LoadLocked(const Stamp& stamp) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadFileIfExists(path_));
  std::unordered_map<std::string, TokenRecord> by_hash;
  if (text) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<TokenRecord> records, DecodeTokenFile(*text));
    for (TokenRecord& r : records) by_hash[r.sha256] = std::move(r);
  }
  by_hash_ = std::move(by_hash);
  stamp_ = stamp;
  loaded_ = true;
  return Status::Ok();
}

// Identity of the file's current version. A rename gives a new inode; an in-place edit changes
// size or mtime.
TokenStore::Stamp TokenStore::StatFile(const std::string& path) {
  Stamp s;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return s;
  s.exists = true;
  s.inode = st.st_ino;
  s.size = st.st_size;
  s.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
  return s;
}

Status TokenStore::Load() {
  std::lock_guard<std::mutex> lock(mu_);
  last_check_ = Now(options_.clock);
  return LoadLocked(StatFile(path_));
}

Status TokenStore::ReloadIfChangedLocked() {
  ledger::Time now = Now(options_.clock);
  if (loaded_ && now >= last_check_ && now - last_check_ < options_.reload_interval)
    return Status::Ok();
  last_check_ = now;
  Stamp stamp = StatFile(path_);
  if (loaded_ && stamp == stamp_) return Status::Ok();
  Status s = LoadLocked(stamp);
  if (!s.ok()) {
    stamp_ = stamp;  // do not retry a broken file until it changes again
    loaded_ = true;
    if (options_.warn)
      options_.warn("token file " + path_ +
                    " not reloaded, previous tokens stay in force: " + s.ToString());
  }
  return s;
}

ledger::Result<Principal> TokenStore::Authenticate(std::string_view token) {
  std::string hash = HashOf(token);
  std::lock_guard<std::mutex> lock(mu_);
  (void)ReloadIfChangedLocked();  // a failure keeps the previous tokens; reported through warn
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return Status::Unauthenticated("unknown bearer token");
  const TokenRecord& r = it->second;
  if (r.revoked) return Status::Unauthenticated("the bearer token " + r.id + " was revoked");
  std::optional<Role> role = ParseRole(r.actor.role);
  if (!role) return Status::Unauthenticated("the bearer token " + r.id + " names an unknown role");
  if (RoleNeedsDepartment(*role) && r.actor.department.empty())
    return Status::Unauthenticated("the bearer token " + r.id + " has role " + r.actor.role +
                                   " but no department; issue a new one with --department");
  return Principal{r.actor, *role, r.id, ""};
}

Status TokenStore::Modify(const std::function<Status(std::vector<TokenRecord>&)>& change) {
  LEDGER_ASSIGN_OR_RETURN(FileLock file_lock, FileLock::Acquire(path_ + ".lock"));
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadFileIfExists(path_));
  std::vector<TokenRecord> records;
  if (text) {
    LEDGER_ASSIGN_OR_RETURN(records, DecodeTokenFile(*text));
  }
  LEDGER_RETURN_IF_ERROR(change(records));
  LEDGER_RETURN_IF_ERROR(WriteFileAtomically(path_, EncodeTokenFile(records)));
  std::lock_guard<std::mutex> lock(mu_);
  loaded_ = false;  // the next Authenticate() reads the new file
  return Status::Ok();
}

ledger::Result<IssuedToken> TokenStore::Add(const ledger::Actor& actor) {
  LEDGER_RETURN_IF_ERROR(ValidateTokenActor(actor));
  IssuedToken issued;
  LEDGER_ASSIGN_OR_RETURN(issued.token, GenerateToken());
  issued.record.sha256 = HashOf(issued.token);
  issued.record.actor = actor;
  issued.record.created_at = Now(options_.clock);
  LEDGER_RETURN_IF_ERROR(Modify([&](std::vector<TokenRecord>& records) -> Status {
    for (int attempt = 0; attempt < 8; ++attempt) {
      LEDGER_ASSIGN_OR_RETURN(std::string id_bytes, RandomBytes(4));
      std::string id = std::string(kTokenIdPrefix) + ledger::ToHex(id_bytes);
      bool taken = std::any_of(records.begin(), records.end(),
                               [&](const TokenRecord& r) { return r.id == id; });
      if (taken) continue;
      issued.record.id = id;
      records.push_back(issued.record);
      return Status::Ok();
    }
    return Status::Internal("could not find a free token id");
  }));
  return issued;
}

ledger::Result<std::vector<TokenRecord>> TokenStore::List() {
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadFileIfExists(path_));
  if (!text) return std::vector<TokenRecord>();
  return DecodeTokenFile(*text);
}

ledger::Result<std::vector<TokenRecord>> TokenStore::Revoke(std::string_view id_or_actor) {
  std::vector<TokenRecord> revoked;
  ledger::Time now = Now(options_.clock);
  LEDGER_RETURN_IF_ERROR(Modify([&](std::vector<TokenRecord>& records) -> Status {
    auto by_id = std::find_if(records.begin(), records.end(),
                              [&](const TokenRecord& r) { return r.id == id_or_actor; });
    for (TokenRecord& r : records) {
      bool match = by_id != records.end() ? &r == &*by_id : r.actor.id == id_or_actor;
      if (!match || r.revoked) continue;
      r.revoked = true;
      r.revoked_at = now;
      revoked.push_back(r);
    }
    if (revoked.empty() && by_id != records.end()) return Status::Ok();  // already revoked
    if (revoked.empty())
      return Status::NotFound("no active token has id or actor '" + std::string(id_or_actor) + "'");
    return Status::Ok();
  }));
  return revoked;
}

}  // namespace api
