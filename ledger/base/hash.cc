#include "ledger/base/hash.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace ledger {

namespace {

// One digest context per thread, reused for every hash and freed when the thread ends.
struct DigestContext {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  DigestContext() = default;
  DigestContext(const DigestContext&) = delete;
  DigestContext& operator=(const DigestContext&) = delete;
  ~DigestContext() { EVP_MD_CTX_free(ctx); }
};

// SHA-256 fetched once: EVP_sha256() makes every EVP_DigestInit_ex() fetch the algorithm again
// (OpenSSL 3's implicit fetch, about 0.3 µs a call: openssl#21005), which is most of the cost of
// hashing a 65-byte Merkle node.
const EVP_MD* FetchedSha256() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md != nullptr ? md : EVP_sha256();
}

}  // namespace

Hash Sha256(std::string_view a, std::string_view b) {
  // EVP is the OpenSSL 3 interface; it uses the CPU's SHA extensions when present.
  static thread_local DigestContext context;
  EVP_MD_CTX* ctx = context.ctx;
  Hash out;
  unsigned int len = 0;
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, FetchedSha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(ctx, b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != out.size()) {
    throw std::runtime_error(
        "OpenSSL SHA-256 failed");  // a broken environment, not a business error
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string ToHex(const Hash& h) { return ToHex(AsBytes(h)); }

Result<Hash> HashFromHex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Hash h{};
  bool good = hex.size() == 64;
  for (size_t i = 0; good && i < 32; ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      good = false;
    else
      h[i] = uint8_t(hi << 4 | lo);
  }
  if (!good)
    return Status::WithErrors(Code::kInvalidArgument, "not a SHA-256 hash",
                              {{"hash", "hex64", "a hash is 64 hexadecimal characters"}});
  return h;
}

}  // namespace ledger
