// The benchmark's work, the same for every store: the events it appends and the data set it reads.
//
// An event is a ComplaintNoteAdded-like record: a type, an actor and a Cap'n Proto payload of
// about `payload_bytes` (an Actor struct whose department field holds words of a note; the log
// takes any struct). Payloads come from a fixed pool built from a seed, so every store gets the
// same bytes.
//
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

inline constexpr int64_t kAnyVersion = -1;

struct Event {
  size_t index = 0;  // in the pool
  std::string type;
  std::string payload;  // Cap'n Proto flat-array bytes
  std::string actor_id;
  std::string actor_role;
  std::string actor_department;
};

class EventPool {
 public:
  EventPool(size_t count, size_t payload_bytes, uint64_t seed);

  size_t size() const { return events_.size(); }
  const Event& at(size_t i) const { return events_[i % events_.size()]; }
  double mean_payload_bytes() const;

 private:
  std::vector<Event> events_;
};

// The read data set: `events` events in `events / stream_events` streams of `stream_events`
// events each, interleaved in rounds the way complaints progress side by side: event i belongs to
// stream i % streams() at version i / streams() + 1.
class Dataset {
 public:
  Dataset(const EventPool& pool, size_t events, size_t stream_events);

  size_t events() const { return events_; }
  size_t streams() const { return streams_; }
  size_t stream_events() const { return stream_events_; }
  static std::string StreamName(size_t s);
  std::string StreamOf(size_t i) const { return StreamName(i % streams_); }
  uint64_t VersionOf(size_t i) const { return i / streams_ + 1; }
  const Event& EventOf(size_t i) const { return pool_.at(i); }

 private:
  const EventPool& pool_;
  size_t events_;
  size_t stream_events_;
  size_t streams_;
};

}  // namespace bench
