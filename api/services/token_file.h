// The token file's format and the file operations behind TokenStore (token_store.h).
//
//   {"format": "ledger-tokens/1",
//    "tokens": [{"id": "tk_0c1d2e3f", "sha256": "<64 hex>",
//                "actor": {"id": "u-cs-01", "role": "cs_agent", "department": "customer_service"},
//                "created_at": "2026-01-05T08:00:00Z", "revoked": false}]}
//
// A revoked record also has "revoked_at". Unknown fields are ignored (later versions may add).
//
// Thread-safety: free functions; FileLock is owned by one thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/services/token_store.h"
#include "ledger/base/status.h"

namespace api {

inline constexpr std::string_view kTokenFileFormat = "ledger-tokens/1";

std::string EncodeTokenFile(const std::vector<TokenRecord>& records);

// DataLoss naming what is wrong when `text` is not a token file.
ledger::Result<std::vector<TokenRecord>> DecodeTokenFile(std::string_view text);

// The file's contents, or nullopt when it does not exist. Unavailable on other errors.
ledger::Result<std::optional<std::string>> ReadFileIfExists(const std::string& path);

// Replaces `path` with `contents` atomically: writes `path`.tmp.PID (mode 0600), fsyncs it,
// renames it over `path` and fsyncs the directory. Unavailable on failure (`path` unchanged).
ledger::Status WriteFileAtomically(const std::string& path, std::string_view contents);

// An exclusive advisory lock (flock) on a lock file, held until destruction.
class FileLock {
 public:
  static ledger::Result<FileLock> Acquire(const std::string& lock_path);
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace api
