#include "ledger/base/aead.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace ledger::aead {
namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

// Fetched once: an implicit fetch on every call costs more than sealing a short field.
const EVP_CIPHER* Cipher() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

int Len(std::string_view s) { return static_cast<int>(s.size()); }

Status Failed(const char* what) {
  return Status::Internal(std::string("AES-256-GCM: ") + what + " failed");
}

}  // namespace

Result<SecretKey> SecretKey::FromBytes(std::string_view bytes) {
  if (bytes.size() != kKeyBytes)
    return Status::InvalidArgument("a key is 32 bytes, not " + std::to_string(bytes.size()));
  SecretKey k;
  for (size_t i = 0; i < kKeyBytes; ++i) k.key_[i] = static_cast<uint8_t>(bytes[i]);
  return k;
}

Result<SecretKey> SecretKey::Take(std::string& bytes) {
  Result<SecretKey> key = FromBytes(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  bytes.clear();
  return key;
}

Result<SecretKey> SecretKey::Random() {
  SecretKey k;
  if (RAND_bytes(k.key_.data(), static_cast<int>(k.key_.size())) != 1)
    return Status::Unavailable("the random generator failed");
  return k;
}

SecretKey::~SecretKey() { OPENSSL_cleanse(key_.data(), key_.size()); }

bool SecretKey::operator==(const SecretKey& other) const {
  return CRYPTO_memcmp(key_.data(), other.key_.data(), kKeyBytes) == 0;
}

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    return Status::Unavailable("the random generator failed");
  return out;
}

Result<std::string> Seal(const SecretKey& key, std::string_view plaintext, std::string_view aad) {
  if (Cipher() == nullptr) return Failed("fetching the cipher");
  LEDGER_ASSIGN_OR_RETURN(std::string out, RandomBytes(kNonceBytes));
  out.resize(kNonceBytes + plaintext.size() + kTagBytes);
  Ctx ctx(EVP_CIPHER_CTX_new());
  auto* iv = reinterpret_cast<unsigned char*>(out.data());
  if (!ctx || EVP_EncryptInit_ex2(ctx.get(), Cipher(), U(key.bytes()), iv, nullptr) != 1)
    return Failed("init");
  int n = 0;
  if (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &n, U(aad), Len(aad)) != 1)
    return Failed("the associated data");
  auto* body = iv + kNonceBytes;
  if (!plaintext.empty() &&
      EVP_EncryptUpdate(ctx.get(), body, &n, U(plaintext), Len(plaintext)) != 1)
    return Failed("encrypting");
  int tail = 0;
  if (EVP_EncryptFinal_ex(ctx.get(), body + plaintext.size(), &tail) != 1) return Failed("final");
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kTagBytes),
                          body + plaintext.size()) != 1)
    return Failed("the tag");
  return out;
}

Result<std::string> Open(const SecretKey& key, std::string_view sealed, std::string_view aad) {
  if (Cipher() == nullptr) return Failed("fetching the cipher");
  if (sealed.size() < kOverhead)
    return Status::InvalidArgument("a sealed value has at least 28 bytes, this one " +
                                   std::to_string(sealed.size()));
  const std::string_view body = sealed.substr(kNonceBytes, sealed.size() - kOverhead);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  Ctx ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_DecryptInit_ex2(ctx.get(), Cipher(), U(key.bytes()), U(sealed), nullptr) != 1)
    return Failed("init");
  int n = 0;
  if (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &n, U(aad), Len(aad)) != 1)
    return Failed("the associated data");
  std::string out(body.size(), '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  if (!body.empty() && EVP_DecryptUpdate(ctx.get(), dst, &n, U(body), Len(body)) != 1)
    return Failed("decrypting");
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kTagBytes),
                          tag.data()) != 1)
    return Failed("the tag");
  int tail = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), dst + body.size(), &tail) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return Status::DataLoss(
        "the sealed value does not open: another key, other associated data, or changed bytes");
  }
  return out;
}

}  // namespace ledger::aead
