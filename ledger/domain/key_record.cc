#include "ledger/domain/key_record.h"

#include <capnp/message.h>

#include "ledger/domain/event_view.h"
#include "ledger/domain/own_event.h"

namespace ledger::domain {
namespace {

Result<AppendResult> Record(EventLog& log, const note::NoteSigner& signer,
                            const std::string& previous, bool cosigned, const std::string& reason,
                            const Actor& actor, uint32_t policy_version) {
  capnp::MallocMessageBuilder message;
  auto r = message.initRoot<schema::DomainEvent>().initSigningKeyChanged();
  r.setOrigin(signer.name());
  r.setKey(signer.VerifierKey());
  r.setPreviousKey(previous);
  r.setCosigned(cosigned);
  r.setReason(reason);
  return AppendOwnEvent(log, kKeyStream, schema::DomainEvent::SIGNING_KEY_CHANGED, message, actor,
                        policy_version);
}

// The key in force at `size`: the last change at or before it (null: none recorded by then).
const RecordedKey* InForce(const std::vector<RecordedKey>& history, uint64_t size) {
  const RecordedKey* found = nullptr;
  for (const RecordedKey& k : history)
    if (k.position <= size) found = &k;
  return found;
}

}  // namespace

Result<std::vector<RecordedKey>> SigningKeyHistory(EventLog& log) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> events,
                          log.ReadStreamForward(kKeyStream, 1, 1000000));
  std::vector<RecordedKey> out;
  for (const RecordedEvent& e : events) {
    LEDGER_ASSIGN_OR_RETURN(EventView view, ViewOf(e));
    if (view.event.which() != schema::DomainEvent::SIGNING_KEY_CHANGED)
      return Status::DataLoss("the keys stream holds a " + std::string(e.type()) + " at position " +
                              std::to_string(e.position()));
    auto k = view.event.getSigningKeyChanged();
    out.push_back({k.getKey(), k.getPreviousKey(), k.getCosigned(), k.getReason(), e.position()});
  }
  return out;
}

Status AdoptSigningKey(EventLog& log, const note::NoteSigner& signer,
                       const note::NoteSigner* previous, const Actor& actor,
                       uint32_t policy_version, std::string* said) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedKey> history, SigningKeyHistory(log));
  const std::string key = signer.VerifierKey();
  if (history.empty()) {
    if (previous != nullptr)
      return Status::FailedPrecondition(
          "the ledger records no signing key yet: there is nothing to rotate from (start "
          "without --previous-signing-key)");
    LEDGER_ASSIGN_OR_RETURN(
        AppendResult r,
        Record(log, signer, "", false, "the log's first signing key", actor, policy_version));
    if (said)
      *said = "recorded the log's first signing key at position " + std::to_string(r.last_position);
    return Status::Ok();
  }
  const RecordedKey& last = history.back();
  if (last.key == key) {
    if (previous != nullptr && previous->VerifierKey() != last.previous_key)
      return Status::FailedPrecondition("the previous key given is not the one " + key +
                                        " replaced (" +
                                        (last.previous_key.empty() ? "none" : last.previous_key) +
                                        ", position " + std::to_string(last.position) + ")");
    return Status::Ok();
  }
  if (previous != nullptr && previous->VerifierKey() == last.key) {
    LEDGER_ASSIGN_OR_RETURN(
        AppendResult r, Record(log, signer, last.key, true, "rotation: both keys sign during it",
                               actor, policy_version));
    if (said)
      *said = "recorded the rotation from " + last.key + " at position " +
              std::to_string(r.last_position) + "; both keys sign until the server " +
              "runs without --previous-signing-key";
    return Status::Ok();
  }
  return Status::FailedPrecondition(
      "this ledger's checkpoints are signed by " + last.key + " (recorded at position " +
      std::to_string(last.position) + "), not " + key +
      ": to rotate to it, run `ledgerctl keys rotate --to NEW --from CURRENT` or serve with "
      "--previous-signing-key CURRENT (both keys sign during the rotation); if the current key "
      "is lost, `ledgerctl keys rotate --to NEW --reason WHY` (docs/operations.md, \"Rotating "
      "the signing key\")");
}

Status RotateWithoutPrevious(EventLog& log, const note::NoteSigner& signer,
                             const std::string& reason, const Actor& actor, uint32_t policy_version,
                             std::string* said) {
  if (reason.empty())
    return Status::WithErrors(Code::kInvalidArgument,
                              "a rotation without the previous key needs a reason",
                              {{"reason", "required", "why the previous key does not co-sign"}});
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedKey> history, SigningKeyHistory(log));
  if (history.empty())
    return Status::FailedPrecondition(
        "the ledger records no signing key yet: sign a checkpoint with the new key instead");
  const RecordedKey& last = history.back();
  if (last.key == signer.VerifierKey())
    return Status::FailedPrecondition("the ledger's checkpoints are already signed by " + last.key);
  LEDGER_ASSIGN_OR_RETURN(AppendResult r,
                          Record(log, signer, last.key, false, reason, actor, policy_version));
  if (said)
    *said = "recorded the rotation from " + last.key + " (not co-signing) at position " +
            std::to_string(r.last_position);
  return Status::Ok();
}

Status VerifyStoredCheckpoints(EventLog& log, uint64_t* checked, uint64_t* unsigned_checked) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedKey> history, SigningKeyHistory(log));
  LEDGER_ASSIGN_OR_RETURN(std::vector<StoredCheckpoint> all, log.CheckpointSeries());
  LEDGER_ASSIGN_OR_RETURN(std::optional<StoredCheckpoint> latest, log.LatestCheckpoint());
  // The latest is at least as new as every checkpoint of the series (each was the latest once).
  if (!all.empty() && !latest)
    return Status::DataLoss("the latest stored checkpoint is missing, though the series holds " +
                            std::to_string(all.size()));
  if (!all.empty() && latest->size < all.back().size)
    return Status::DataLoss("the latest stored checkpoint (size " + std::to_string(latest->size) +
                            ") is older than the series' last (size " +
                            std::to_string(all.back().size) + ")");
  if (latest) all.push_back(*latest);
  for (const StoredCheckpoint& c : all) {
    const std::string where = "the stored checkpoint of size " + std::to_string(c.size);
    const size_t blank = c.note.find("\n\n");
    if (blank == std::string::npos) return Status::DataLoss(where + " is not a signed note");
    Result<note::Checkpoint> text = note::ParseCheckpointText(c.note.substr(0, blank + 1));
    if (!text.ok()) return Status::DataLoss(where + ": " + text.status().message());
    if (text->size != c.size || text->root != c.root)
      return Status::DataLoss(where + ": its note states size " + std::to_string(text->size) +
                              " and another root than its record");
    Result<Hash> root = log.TreeRoot(c.size);
    if (!root.ok()) return Status::DataLoss(where + ": " + root.status().message());
    if (*root != c.root) return Status::DataLoss(where + ": its root is not the tree's");
    const RecordedKey* key = InForce(history, c.size);
    if (key == nullptr) {
      ++*unsigned_checked;
      ++*checked;
      continue;
    }
    LEDGER_ASSIGN_OR_RETURN(note::NoteVerifier verifier,
                            note::NoteVerifier::FromVerifierKey(key->key));
    if (verifier.name != text->origin)
      return Status::DataLoss(where + ": its origin " + text->origin + " is not the key's name");
    // The key in force must have signed it (a co-signing previous key may sign too).
    Result<std::string> opened = note::OpenNote(c.note, {verifier});
    if (!opened.ok())
      return Status::DataLoss(where + " is not signed by the key in force at that size (" +
                              key->key + ", position " + std::to_string(key->position) +
                              "): " + opened.status().message());
    ++*checked;
  }
  return Status::Ok();
}

}  // namespace ledger::domain
