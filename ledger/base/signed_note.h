// Signed checkpoints of the log: the C2SP tlog-checkpoint text, signed as a C2SP signed note with
// Ed25519 (OpenSSL 3.0 EVP). docs/event-format.md, "Checkpoints"; docs/verify.md for reviewers.
//
//   checkpoint text   "<origin>\n<size>\n<base64 root>\n"  (no extension lines)
//   signed note       text, "\n", then one line per signature: "— <name> <base64(key id || sig)>\n"
//   key id            SHA-256(name || 0x0A || 0x01 || public key)[0:4]
//   verifier key      "<name>+<8 hex key id>+<base64(0x01 || public key)>"
//   private key file  "PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 || 32-byte seed)>\n"
//
// The signature covers the text including its final newline. A verifier ignores signature lines
// of keys it does not know, rejects a note that no known key signed, and rejects one where a
// known key's signature fails.
//
// Thread-safety: values; a NoteSigner may sign from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/hash.h"
#include "ledger/base/status.h"

namespace ledger::note {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  bool operator==(const Checkpoint&) const = default;
};

// An origin: 1 to 255 printable ASCII characters without spaces or '+' (a schema-less URL).
Status CheckOrigin(std::string_view origin);
std::string CheckpointText(const Checkpoint& c);
// Strict: exactly three lines, a decimal size without leading zeros, a 32-byte root in standard
// base64. DataLoss naming what is wrong otherwise.
Result<Checkpoint> ParseCheckpointText(std::string_view text);

std::string Base64(std::string_view bytes);
// Standard base64 with padding, canonical (no stray bits); nullopt-like error otherwise.
Result<std::string> FromBase64(std::string_view text);

class NoteSigner {
 public:
  ~NoteSigner();
  NoteSigner(NoteSigner&&) noexcept;
  NoteSigner& operator=(NoteSigner&&) noexcept;

  // A new key for `name` (an origin): the private key file's text.
  static Result<std::string> GenerateKeyFile(std::string_view name);
  // Reads a private key file. FailedPrecondition when the file is readable by anyone but its
  // owner (mode looser than 0600) or lies inside `forbidden_dir` (the ledger's directory: a
  // backup of the ledger must not carry the key); InvalidArgument when it is not a key file.
  static Result<NoteSigner> FromKeyFile(const std::string& path, const std::string& forbidden_dir);
  static Result<NoteSigner> FromKeyText(std::string_view text);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  std::string VerifierKey() const;

  // `text` with this key's signature line: a signed note.
  Result<std::string> Sign(std::string_view text) const;
  // This key's signature line of `text` ("— <name> <base64(id || signature)>\n").
  Result<std::string> SignatureLine(std::string_view text) const;

 private:
  NoteSigner() = default;
  std::string name_;
  uint32_t key_id_ = 0;
  std::string public_key_;  // 32 bytes
  struct Key;
  std::unique_ptr<Key> key_;
};

struct NoteVerifier {
  std::string name;
  uint32_t key_id = 0;
  std::string public_key;  // 32 bytes
  // Parses "<name>+<hex id>+<base64(0x01 || key)>"; InvalidArgument when it is not one, or when
  // the id does not match the key.
  static Result<NoteVerifier> FromVerifierKey(std::string_view vkey);
};

// `text` signed by every one of `signers` (in order): a note with one signature line each, as
// during a key rotation, when the old and the new key both sign.
Result<std::string> SignWithAll(std::string_view text,
                                const std::vector<const NoteSigner*>& signers);

// The note's text when at least one of `known` signed it and none of theirs failed; DataLoss
// saying why otherwise (also for a malformed note).
Result<std::string> OpenNote(std::string_view note, const std::vector<NoteVerifier>& known);

}  // namespace ledger::note
