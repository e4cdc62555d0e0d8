// Sym: an interned, immutable string in 4 bytes, where a std::string takes 32.
//
// A complaint's state holds some hundred strings, nearly all of them drawn from a small
// vocabulary that repeats across complaints: department and person ids, categories, channels,
// codes, roles, rule names. A million complaints held as std::strings spend a third of their
// memory on the strings' own headers. A Sym is an index into one process-wide pool where each
// distinct text is kept once; equal texts have equal indices, so equality is an integer compare
// and a copy is a 4-byte copy. Index 0 is the empty string.
//
// The pool only grows: a text, once interned, stays until the process ends (a rebuild interns the
// same texts again and gets the same indices). Free texts that never repeat (a complaint's
// description) cost a pool entry each: 32 bytes, their characters and ~20 bytes of hash table,
// which is about 16 bytes more than a std::string field; docs/performance.md measures both.
//
// Reads convert to `const std::string&` and `std::string_view` without copying, so a Sym reads
// where a std::string did. Serialized (cereal, JSON) as its text, never as its index: indices
// differ between processes.
//
// Thread-safety: interning looks in a small per-thread cache of recent texts first, then takes the
// pool's mutex; reading a Sym's text takes none (the pool's storage never moves). A Sym handed to
// another thread is published by whatever hands it over.
#pragma once

#include <atomic>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace ledger {

namespace sym_internal {
inline constexpr unsigned kChunkBits = 12;  // 4,096 texts a chunk
inline constexpr uint32_t kChunkMask = (1u << kChunkBits) - 1;
inline constexpr size_t kChunks = size_t{1} << (32 - kChunkBits);  // every uint32 index
// The pool's chunks, published with release once their text is in place. 8 MiB of zeroed
// storage that the system maps only as chunks are allocated.
extern std::atomic<const std::string*> chunks[kChunks];
inline const std::string kEmpty;
}  // namespace sym_internal

class Sym {
 public:
  constexpr Sym() = default;
  // Implicit, so that a Sym is filled where a std::string was: interning is a hash and a probe.
  Sym(std::string_view text) : id_(Intern(text)) {}
  Sym(const std::string& text) : id_(Intern(text)) {}
  Sym(const char* text) : id_(Intern(text)) {}

  const std::string& str() const {
    if (id_ == 0) return sym_internal::kEmpty;
    return sym_internal::chunks[id_ >> sym_internal::kChunkBits].load(
        std::memory_order_acquire)[id_ & sym_internal::kChunkMask];
  }
  operator const std::string&() const { return str(); }
  operator std::string_view() const { return str(); }

  bool empty() const { return id_ == 0; }
  size_t size() const { return str().size(); }
  const char* c_str() const { return str().c_str(); }
  uint32_t index() const { return id_; }

  friend bool operator==(Sym a, Sym b) { return a.id_ == b.id_; }
  friend bool operator==(Sym a, std::string_view b) { return a.str() == b; }
  friend bool operator==(Sym a, const std::string& b) { return a.str() == b; }
  friend bool operator==(Sym a, const char* b) { return a.str() == b; }
  friend std::strong_ordering operator<=>(Sym a, Sym b) {
    if (a.id_ == b.id_) return std::strong_ordering::equal;
    return a.str() <=> b.str();
  }
  friend std::string operator+(const std::string& a, Sym b) { return a + b.str(); }
  friend std::string operator+(const char* a, Sym b) { return a + b.str(); }
  friend std::string operator+(Sym a, const std::string& b) { return a.str() + b; }
  friend std::string operator+(Sym a, const char* b) { return a.str() + b; }
  friend std::string operator+(Sym a, Sym b) { return a.str() + b.str(); }
  friend std::ostream& operator<<(std::ostream& o, Sym s) { return o << s.str(); }

 private:
  static uint32_t Intern(std::string_view text);

  uint32_t id_ = 0;
};

// Lists of texts, both ways.
std::vector<Sym> ToSyms(const std::vector<std::string>& texts);
std::vector<std::string> ToStrings(const std::vector<Sym>& syms);

// What the pool holds: distinct texts and the bytes they take (texts, their strings, the table).
struct SymPoolStats {
  size_t texts = 0;
  size_t bytes = 0;
};
SymPoolStats SymPool();

}  // namespace ledger

template <>
struct std::hash<ledger::Sym> {
  size_t operator()(ledger::Sym s) const noexcept { return std::hash<uint32_t>()(s.index()); }
};
