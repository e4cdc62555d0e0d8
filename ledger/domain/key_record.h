// The log's record of the keys that sign its checkpoints (docs/operations.md, "Rotating the
// signing key"): SigningKeyChanged events on the "keys" stream. The first key a ledger signs with
// is recorded before its first checkpoint; a rotation is recorded before the new key signs, and
// the old key co-signs while the rotation lasts. So every checkpoint is signed by a key the log
// itself announced at or before its size, and `ledgerctl verify` checks each stored checkpoint
// against the key in force at its size.
//
// Thread-safety: free functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/base/signed_note.h"
#include "ledger/log/event_log.h"

namespace ledger::domain {

inline constexpr char kKeyStream[] = "keys";

struct RecordedKey {
  std::string key;           // verifier key
  std::string previous_key;  // empty for the first
  bool cosigned = false;
  std::string reason;
  uint64_t position = 0;
};

// Every key change the log records, oldest first.
Result<std::vector<RecordedKey>> SigningKeyHistory(EventLog& log);

// Makes the log's record agree with signing by `signer` (and `previous`, co-signing), appending
// as `actor` when needed:
//   - no key recorded yet: records `signer` as the first key;
//   - `signer` recorded last: nothing (with `previous`: it must be the key `signer` replaced);
//   - `previous` recorded last: records the rotation from it to `signer`, co-signed;
// and FailedPrecondition, naming the recorded key and what to do, for any other key. `said`
// receives a line for the operator when something was recorded.
Status AdoptSigningKey(EventLog& log, const note::NoteSigner& signer,
                       const note::NoteSigner* previous, const Actor& actor,
                       uint32_t policy_version, std::string* said);

// Records a rotation to `signer` from the key recorded last, without its co-signature (that key
// was lost, or is retired unused). `reason` is required. FailedPrecondition when no key is
// recorded yet, or `signer` is that key.
Status RotateWithoutPrevious(EventLog& log, const note::NoteSigner& signer,
                             const std::string& reason, const Actor& actor, uint32_t policy_version,
                             std::string* said);

// Checks every stored checkpoint (the latest and the series): its note states its size and root,
// that root is the tree's at that size, and it carries a valid signature of the key the log
// records as in force at that size (the last SigningKeyChanged at or before it). DataLoss naming
// the checkpoint's size otherwise. `unsigned_checked` counts checkpoints made before the log
// recorded any key (their signature cannot be checked against the log; their root is).
Status VerifyStoredCheckpoints(EventLog& log, uint64_t* checked, uint64_t* unsigned_checked);

}  // namespace ledger::domain
