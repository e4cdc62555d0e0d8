#include "ledger/base/sym.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <vector>

namespace ledger {

namespace sym_internal {
std::atomic<const std::string*> chunks[kChunks];
}  // namespace sym_internal

namespace {

using sym_internal::kChunkBits;
using sym_internal::kChunkMask;

// The pool: texts in chunks that never move (readers index them without the lock), and an
// open-addressing table of indices by hash (writers only, under the lock).
class Pool {
 public:
  // `h`: the text's std::hash.
  uint32_t Intern(std::string_view text, uint64_t h) {
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    std::lock_guard lock(mu_);
    if (2 * (count_ + 1) > slots_.size()) Grow();
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.index == 0) {
        s = {Add(text), tag, static_cast<uint32_t>(h)};
        return s.index;
      }
      if (s.tag == tag && s.low == static_cast<uint32_t>(h) && Text(s.index) == text)
        return s.index;
    }
  }

  SymPoolStats Stats() {
    std::lock_guard lock(mu_);
    SymPoolStats stats;
    stats.texts = count_;
    stats.bytes =
        slots_.size() * sizeof(Slot) + chunk_count_ * (kChunkMask + 1) * sizeof(std::string);
    for (uint32_t i = 1; i <= count_; ++i) {
      const std::string& s = Text(i);
      if (s.capacity() > 15) stats.bytes += s.capacity() + 1;
    }
    return stats;
  }

 private:
  struct Slot {
    uint32_t index = 0;  // 0: free
    uint32_t tag = 0;    // the hash's high half, then its low half: most misses skip the compare
    uint32_t low = 0;
  };

  const std::string& Text(uint32_t index) const {
    const std::string* chunk =
        sym_internal::chunks[index >> kChunkBits].load(std::memory_order_relaxed);
    return chunk[index & kChunkMask];
  }

  uint32_t Add(std::string_view text) {
    const uint32_t index = ++count_;
    if (index == 0) throw std::length_error("Sym pool: more than 2^32 - 1 distinct texts");
    const size_t chunk = index >> kChunkBits;
    std::string* texts;
    if (chunk >= chunk_count_) {
      texts = new std::string[kChunkMask + 1];  // kept for the process's life
      chunk_count_ = chunk + 1;
      texts[index & kChunkMask].assign(text);
      sym_internal::chunks[chunk].store(texts, std::memory_order_release);
    } else {
      texts = const_cast<std::string*>(sym_internal::chunks[chunk].load(std::memory_order_relaxed));
      texts[index & kChunkMask].assign(text);
    }
    return index;
  }

  void Grow() {
    std::vector<Slot> old(slots_.empty() ? 1024 : slots_.size() * 2);
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.index == 0) continue;
      const uint64_t h = (uint64_t{s.tag} << 32) | s.low;
      size_t i = h & mask;
      while (slots_[i].index != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::mutex mu_;
  std::vector<Slot> slots_;
  uint32_t count_ = 0;  // texts 1..count_
  size_t chunk_count_ = 0;
};

// The text of an index this thread has seen interned.
const std::string& TextAt(uint32_t index) {
  const std::string* chunk =
      sym_internal::chunks[index >> kChunkBits].load(std::memory_order_acquire);
  return chunk[index & kChunkMask];
}

Pool& ThePool() {
  static Pool* pool = new Pool;  // never destroyed: Syms may be read during static destruction
  return *pool;
}

}  // namespace

// A per-thread cache of recent texts in front of the pool: a fold interns the same few hundred
// texts (departments, people, roles, categories) over and over, and a hit here takes neither the
// pool's lock nor a probe of its table, which for a million complaints holds 153,000 texts
// (docs/performance.md, "The rebuild, second pass"). An entry, found by the text's hash, holds
// where the pool keeps the text (strings in chunks that never move, never changed once written)
// and its index; a hit is confirmed by comparing the texts there, so an entry that another text
// took over only costs a trip to the pool. Indices never change, so an entry never points at the
// wrong text.
uint32_t Sym::Intern(std::string_view text) {
  if (text.empty()) return 0;
  const uint64_t h = std::hash<std::string_view>()(text);
  if (text.size() > UINT32_MAX) return ThePool().Intern(text, h);  // longer than an entry holds
  struct Recent {
    const char* data = nullptr;  // the pool's copy of the text (it never moves)
    uint32_t size = 0;
    uint32_t index = 0;  // 0: empty
  };
  constexpr size_t kRecent = 16384;  // 256 KiB a thread
  thread_local Recent recent[kRecent];
  Recent& r = recent[(h >> 40) % kRecent];  // other bits than the pool's table uses
  if (r.size == text.size() && r.index != 0 && std::memcmp(r.data, text.data(), r.size) == 0)
    return r.index;
  const uint32_t index = ThePool().Intern(text, h);
  r = {TextAt(index).data(), static_cast<uint32_t>(text.size()), index};
  return index;
}

std::vector<Sym> ToSyms(const std::vector<std::string>& texts) {
  return std::vector<Sym>(texts.begin(), texts.end());
}

std::vector<std::string> ToStrings(const std::vector<Sym>& syms) {
  std::vector<std::string> out;
  out.reserve(syms.size());
  for (Sym s : syms) out.push_back(s.str());
  return out;
}

SymPoolStats SymPool() { return ThePool().Stats(); }

}  // namespace ledger
