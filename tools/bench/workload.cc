#include "tools/bench/workload.h"

#include <capnp/message.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "ledger/base/capnp_util.h"
#include "ledger/log/envelope.capnp.h"

namespace bench {
namespace {

// Words of complaint notes: payload text compresses about as well as real notes would.
constexpr const char* kWords[] = {
    "customer",  "reported", "the",        "invoice",  "was",          "charged",   "twice",
    "for",       "March",    "agent",      "called",   "back",         "and",       "promised",
    "a",         "refund",   "within",     "ten",      "working",      "days",      "meter",
    "reading",   "disputed", "technician", "visit",    "scheduled",    "on",        "Tuesday",
    "escalated", "to",       "billing",    "team",     "no",           "response",  "after",
    "second",    "reminder", "letter",     "sent",     "by",           "post",      "phone",
    "line",      "outage",   "since",      "Monday",   "compensation", "requested", "per",
    "contract",  "clause",   "7.2",        "account",  "number",       "verified",  "address",
    "changed",   "last",     "month",      "delivery", "late",         "damaged",   "parcel"};

std::string Note(std::mt19937_64& rng, size_t bytes) {
  std::string text;
  std::uniform_int_distribution<size_t> pick(0, std::size(kWords) - 1);
  while (text.size() < bytes) {
    if (!text.empty()) text += ' ';
    text += kWords[pick(rng)];
  }
  text.resize(bytes);
  return text;
}

// An Actor struct (as the payload) whose department holds a note, sized so that the flat-array
// message is about `target` bytes.
std::string Payload(std::mt19937_64& rng, size_t index, size_t target) {
  char id[32];
  std::snprintf(id, sizeof(id), "CMP-2026-%06zu", index);
  // Flat-array bytes: segment table 8, root pointer 8, the struct's 3 pointers 24, id and role
  // texts 16 each (with NUL and padding), and the note with its NUL, padded to a word.
  constexpr size_t kOverhead = 8 + 8 + 24 + 16 + 16;
  size_t note = target > kOverhead + 8 ? (target - kOverhead + 7) / 8 * 8 - 1 : 7;
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<ledger::schema::Actor>();
  root.setId(id);
  root.setRole("note_added");
  root.setDepartment(Note(rng, note));
  return ledger::ToFlatBytes(message);
}

}  // namespace

EventPool::EventPool(size_t count, size_t payload_bytes, uint64_t seed) {
  std::mt19937_64 rng(seed);
  events_.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    Event e;
    e.index = i;
    e.type = "ComplaintNoteAdded";
    e.payload = Payload(rng, i, payload_bytes);
    e.actor_id = "u-cs-" + std::to_string(i % 40);
    e.actor_role = "cs_agent";
    e.actor_department = "customer_service";
    events_.push_back(std::move(e));
  }
}

double EventPool::mean_payload_bytes() const {
  double total = 0;
  for (const Event& e : events_) total += static_cast<double>(e.payload.size());
  return events_.empty() ? 0 : total / static_cast<double>(events_.size());
}

Dataset::Dataset(const EventPool& pool, size_t events, size_t stream_events)
    : pool_(pool),
      events_(events),
      stream_events_(std::max<size_t>(stream_events, 1)),
      streams_(std::max<size_t>(events / stream_events_, 1)) {}

std::string Dataset::StreamName(size_t s) {
  char name[32];
  std::snprintf(name, sizeof(name), "CMP-2025-%07zu", s);
  return name;
}

}  // namespace bench
