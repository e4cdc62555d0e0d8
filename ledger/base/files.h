// Files the project writes itself. A ledger holds personal data, so its directory and everything
// in it belong to the service's user alone (0700 directories, 0600 files), whatever the umask
// (docs/operations.md, "File modes").
//
// Thread-safety: free functions.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace ledger {

// Creates directory `dir` (not its parents) with mode 0700; OK when it exists.
Status CreatePrivateDirectory(const std::string& dir);

// Sets `dir` to 0700 and removes the group and other permissions of everything in it, descending
// into subdirectories; symbolic links are left alone.
Status MakePrivate(const std::string& dir);

// Opens `path` for writing, created or truncated, with exactly `mode` (not reduced by the umask,
// and also when the file existed with another mode). Returns the descriptor (close it), or
// Unavailable with errno's message.
Result<int> OpenForWriting(const std::string& path, mode_t mode);

// Writes all of `bytes` to `fd`, retrying short writes and EINTR.
Status WriteAll(int fd, std::string_view bytes);

// Reads a secret (a signing key, a key-encryption key) from `path`, which only its owner may read:
// NotFound without the file; FailedPrecondition when its group or others have any permission, or
// when it lies inside `forbidden_dir` (the ledger's directory: a backup of the ledger must not
// carry it; empty: anywhere). `what` names the file in the messages ("the signing key file").
Result<std::string> ReadSecretFile(const std::string& path, const std::string& forbidden_dir,
                                   const std::string& what);

}  // namespace ledger
