#include "ledger/base/signed_note.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ledger/base/files.h"

namespace ledger::note {

namespace {

constexpr uint8_t kEd25519 = 0x01;                   // the signature type byte of C2SP signed notes
constexpr std::string_view kDash = "\xE2\x80\x94 ";  // U+2014 and a space
constexpr std::string_view kPrivatePrefix = "PRIVATE+KEY+";

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

uint32_t KeyId(std::string_view name, std::string_view public_key) {
  std::string data(name);
  data += '\n';
  data += char(kEd25519);
  data += public_key;
  Hash h = Sha256(data);
  return uint32_t(h[0]) << 24 | uint32_t(h[1]) << 16 | uint32_t(h[2]) << 8 | h[3];
}

std::string Hex8(uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, v >>= 4) out[size_t(i)] = kDigits[v & 15];
  return out;
}

Result<uint32_t> ParseHex8(std::string_view s) {
  uint32_t v = 0;
  if (s.size() != 8) return Status::InvalidArgument("a key id is 8 hexadecimal digits");
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return Status::InvalidArgument("a key id is 8 lower-case hexadecimal digits");
    v = v << 4 | uint32_t(d);
  }
  return v;
}

bool Verify(std::string_view public_key, std::string_view text, std::string_view sig) {
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                       reinterpret_cast<const unsigned char*>(public_key.data()),
                                       public_key.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1)
    return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1;
}

Status Malformed(const std::string& why) { return Status::DataLoss("not a signed note: " + why); }

}  // namespace

struct NoteSigner::Key {
  Pkey pkey;
};

Status CheckOrigin(std::string_view origin) {
  bool ok = !origin.empty() && origin.size() <= 255;
  for (char c : origin) ok = ok && c > ' ' && c < 0x7f && c != '+';
  if (!ok)
    return Status::WithErrors(Code::kInvalidArgument, "not an origin",
                              {{"origin", "format",
                                "1 to 255 printable ASCII characters, no spaces or '+' (e.g. "
                                "ledger.example.com/complaints)"}});
  return Status::Ok();
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 |
                 uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(n >> s) & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

Result<std::string> FromBase64(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return Status::InvalidArgument("not base64");
  std::string out;
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      char c = text[i + size_t(j)];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        v[j] = 0;
        ++pad;
      } else {
        v[j] = pad ? -1 : value(c);
        if (v[j] < 0) return Status::InvalidArgument("not base64");
      }
    }
    uint32_t n = uint32_t(v[0]) << 18 | uint32_t(v[1]) << 12 | uint32_t(v[2]) << 6 | uint32_t(v[3]);
    out += char(n >> 16);
    if (pad < 2) out += char(n >> 8 & 0xff);
    if (pad < 1) out += char(n & 0xff);
    // Canonical: the bits a padded group drops are zero, so one byte string has one encoding.
    if ((pad == 1 && (n & 0xff) != 0) || (pad == 2 && (n & 0xffff) != 0))
      return Status::InvalidArgument("not canonical base64");
  }
  return out;
}

std::string CheckpointText(const Checkpoint& c) {
  return c.origin + "\n" + std::to_string(c.size) + "\n" + Base64(AsBytes(c.root)) + "\n";
}

Result<Checkpoint> ParseCheckpointText(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return Status::DataLoss("a checkpoint line without its end");
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  if (lines.size() != 3)
    return Status::DataLoss("a checkpoint has three lines (origin, size, root), not " +
                            std::to_string(lines.size()));
  Checkpoint c;
  c.origin = std::string(lines[0]);
  if (!CheckOrigin(c.origin).ok()) return Status::DataLoss("the checkpoint's origin is malformed");
  std::string_view size = lines[1];
  auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), c.size);
  if (ec != std::errc() || end != size.data() + size.size() || size.empty() ||
      (size.size() > 1 && size[0] == '0'))
    return Status::DataLoss("the checkpoint's size is not a decimal number");
  Result<std::string> root = FromBase64(lines[2]);
  if (!root.ok() || root->size() != 32)
    return Status::DataLoss("the checkpoint's root is not a base64 SHA-256 hash");
  std::copy(root->begin(), root->end(), c.root.begin());
  return c;
}

NoteSigner::~NoteSigner() = default;
NoteSigner::NoteSigner(NoteSigner&&) noexcept = default;
NoteSigner& NoteSigner::operator=(NoteSigner&&) noexcept = default;

Result<std::string> NoteSigner::GenerateKeyFile(std::string_view name) {
  LEDGER_RETURN_IF_ERROR(CheckOrigin(name));
  unsigned char seed[32];
  if (RAND_bytes(seed, sizeof seed) != 1) return Status::Internal("no random bytes for a key");
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed, sizeof seed));
  unsigned char pub[32];
  size_t pub_len = sizeof pub;
  if (!key || EVP_PKEY_get_raw_public_key(key.get(), pub, &pub_len) != 1 || pub_len != 32)
    return Status::Internal("OpenSSL could not make an Ed25519 key");
  std::string pub_bytes(reinterpret_cast<char*>(pub), 32);
  std::string private_part(1, char(kEd25519));
  private_part.append(reinterpret_cast<char*>(seed), 32);
  return std::string(kPrivatePrefix) + std::string(name) + "+" + Hex8(KeyId(name, pub_bytes)) +
         "+" + Base64(private_part) + "\n";
}

Result<NoteSigner> NoteSigner::FromKeyText(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  const Status bad = Status::InvalidArgument(
      "not a signing key file (PRIVATE+KEY+<name>+<id>+<key>, as `ledgerctl keys generate` "
      "writes)");
  if (text.substr(0, kPrivatePrefix.size()) != kPrivatePrefix) return bad;
  text.remove_prefix(kPrivatePrefix.size());
  // A name has no '+'; the key's base64 may: split from the left.
  size_t middle = text.find('+');
  if (middle == std::string_view::npos) return bad;
  size_t last = text.find('+', middle + 1);
  if (last == std::string_view::npos) return bad;
  std::string_view name = text.substr(0, middle), id = text.substr(middle + 1, last - middle - 1);
  Result<std::string> key = FromBase64(text.substr(last + 1));
  Result<uint32_t> key_id = ParseHex8(id);
  if (!CheckOrigin(name).ok() || !key.ok() || key->size() != 33 || uint8_t((*key)[0]) != kEd25519 ||
      !key_id.ok())
    return bad;
  NoteSigner s;
  s.key_ = std::make_unique<Key>();
  s.key_->pkey.reset(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(key->data() + 1), 32));
  unsigned char pub[32];
  size_t pub_len = sizeof pub;
  if (!s.key_->pkey || EVP_PKEY_get_raw_public_key(s.key_->pkey.get(), pub, &pub_len) != 1)
    return bad;
  s.name_ = std::string(name);
  s.public_key_ = std::string(reinterpret_cast<char*>(pub), 32);
  s.key_id_ = KeyId(s.name_, s.public_key_);
  if (s.key_id_ != *key_id)
    return Status::InvalidArgument("the signing key file's id does not match its key");
  return s;
}

Result<NoteSigner> NoteSigner::FromKeyFile(const std::string& path,
                                           const std::string& forbidden_dir) {
  LEDGER_ASSIGN_OR_RETURN(std::string text,
                          ReadSecretFile(path, forbidden_dir, "the signing key file"));
  return FromKeyText(text);
}

std::string NoteSigner::VerifierKey() const {
  return name_ + "+" + Hex8(key_id_) + "+" + Base64(std::string(1, char(kEd25519)) + public_key_);
}

Result<std::string> NoteSigner::Sign(std::string_view text) const {
  LEDGER_ASSIGN_OR_RETURN(std::string line, SignatureLine(text));
  return std::string(text) + "\n" + line;
}

Result<std::string> SignWithAll(std::string_view text,
                                const std::vector<const NoteSigner*>& signers) {
  if (signers.empty()) return Status::InvalidArgument("a note needs at least one signature");
  std::string note = std::string(text) + "\n";
  for (const NoteSigner* s : signers) {
    LEDGER_ASSIGN_OR_RETURN(std::string line, s->SignatureLine(text));
    note += line;
  }
  return note;
}

Result<std::string> NoteSigner::SignatureLine(std::string_view text) const {
  if (text.empty() || text.back() != '\n')
    return Status::InvalidArgument("a note's text ends with a newline");
  MdCtx ctx(EVP_MD_CTX_new());
  unsigned char sig[64];
  size_t sig_len = sizeof sig;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &sig_len, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size()) != 1 ||
      sig_len != 64)
    return Status::Internal("OpenSSL could not sign");
  std::string blob;
  for (int s = 24; s >= 0; s -= 8) blob += char((key_id_ >> s) & 0xff);
  blob.append(reinterpret_cast<char*>(sig), 64);
  return std::string(kDash) + name_ + " " + Base64(blob) + "\n";
}

Result<NoteVerifier> NoteVerifier::FromVerifierKey(std::string_view vkey) {
  const Status bad = Status::InvalidArgument("not a verifier key (<name>+<id>+<key>)");
  // A name has no '+'; the key's base64 may: split from the left.
  size_t middle = vkey.find('+');
  if (middle == std::string_view::npos) return bad;
  size_t last = vkey.find('+', middle + 1);
  if (last == std::string_view::npos) return bad;
  NoteVerifier v;
  v.name = std::string(vkey.substr(0, middle));
  Result<uint32_t> id = ParseHex8(vkey.substr(middle + 1, last - middle - 1));
  Result<std::string> key = FromBase64(vkey.substr(last + 1));
  if (!CheckOrigin(v.name).ok() || !id.ok() || !key.ok() || key->size() != 33 ||
      uint8_t((*key)[0]) != kEd25519)
    return bad;
  v.key_id = *id;
  v.public_key = key->substr(1);
  if (KeyId(v.name, v.public_key) != v.key_id)
    return Status::InvalidArgument("the verifier key's id does not match its key");
  return v;
}

Result<std::string> OpenNote(std::string_view note, const std::vector<NoteVerifier>& known) {
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) return Malformed("no blank line before the signatures");
  // The text ends with the first newline of the blank line; signatures follow it.
  std::string_view text = note.substr(0, split + 1);
  std::string_view sigs = note.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n') return Malformed("no signature line");
  bool verified = false;
  size_t lines = 0;
  while (!sigs.empty()) {
    size_t nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (++lines > 100) return Malformed("too many signature lines");
    if (line.substr(0, kDash.size()) != kDash) return Malformed("a signature line without '— '");
    line.remove_prefix(kDash.size());
    size_t space = line.rfind(' ');
    if (space == std::string_view::npos) return Malformed("a signature line without a signature");
    std::string_view name = line.substr(0, space);
    Result<std::string> blob = FromBase64(line.substr(space + 1));
    if (!blob.ok() || blob->size() < 5) return Malformed("a signature that is not base64");
    uint32_t id = uint32_t(uint8_t((*blob)[0])) << 24 | uint32_t(uint8_t((*blob)[1])) << 16 |
                  uint32_t(uint8_t((*blob)[2])) << 8 | uint8_t((*blob)[3]);
    for (const NoteVerifier& k : known) {
      if (k.name != name || k.key_id != id) continue;
      if (blob->size() != 68 || !Verify(k.public_key, text, std::string_view(*blob).substr(4)))
        return Status::DataLoss("the signature of key " + k.name + "+" + Hex8(k.key_id) +
                                " does not verify: the note was changed or forged");
      verified = true;
    }
  }
  if (!verified) return Status::DataLoss("no key we know signed this note");
  return std::string(text);
}

}  // namespace ledger::note
