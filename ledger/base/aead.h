// Aead: AES-256-GCM from OpenSSL 3.0, the authenticated encryption of personal data and of the
// keys that encrypt it (docs/privacy.md). A sealed value is nonce (12 bytes, random) || ciphertext
// || tag (16 bytes); the associated data is authenticated but not stored: opening with other
// associated data (another stream, subject or key version) fails like a changed byte does.
//
// A random 96-bit nonce is safe for far more messages than one key ever seals here (a subject's
// key seals a handful; NIST SP 800-38D allows 2^32 per key).
//
// Thread-safety: free functions and an immutable key; OpenSSL's cipher is fetched once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace ledger::aead {

inline constexpr size_t kKeyBytes = 32;
inline constexpr size_t kNonceBytes = 12;
inline constexpr size_t kTagBytes = 16;
inline constexpr size_t kOverhead = kNonceBytes + kTagBytes;

// 32 secret bytes, wiped when destroyed.
class SecretKey {
 public:
  SecretKey() = default;
  // The first 32 bytes of `bytes`; InvalidArgument unless it holds exactly 32.
  static Result<SecretKey> FromBytes(std::string_view bytes);
  // As FromBytes, then wipes `bytes` (a key just unwrapped or decoded into a temporary string),
  // whatever the result.
  static Result<SecretKey> Take(std::string& bytes);
  // 32 bytes from OpenSSL's generator (Unavailable if it fails).
  static Result<SecretKey> Random();
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey();

  std::string_view bytes() const {
    return {reinterpret_cast<const char*>(key_.data()), key_.size()};
  }
  bool operator==(const SecretKey& other) const;

 private:
  std::array<uint8_t, kKeyBytes> key_{};
};

// Encrypts `plaintext` under `key`, authenticating `aad` too.
Result<std::string> Seal(const SecretKey& key, std::string_view plaintext, std::string_view aad);

// Decrypts what Seal() made with the same key and associated data. DataLoss when the key, the
// associated data or any byte differs; InvalidArgument when `sealed` is too short to be sealed.
Result<std::string> Open(const SecretKey& key, std::string_view sealed, std::string_view aad);

// `n` random bytes from OpenSSL's generator.
Result<std::string> RandomBytes(size_t n);

}  // namespace ledger::aead
