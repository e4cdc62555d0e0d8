// Replays an audit export (`ledgerctl export --format jsonl`, docs/cli.md) into a fresh ledger:
// the same events, at the same positions, recorded at the same times — so the same chain, hash
// for hash. The golden log of the projection tests is such an export, checked in.
#pragma once

#include <capnp/message.h>

#include <boost/json.hpp>
#include <fstream>
#include <optional>
#include <string>

#include "ledger/base/capnp_util.h"
#include "ledger/base/clock.h"
#include "ledger/log/envelope.capnp.h"
#include "ledger/log/event_log.h"

namespace testing_util {

inline std::string DecodeBase64(std::string_view in) {
  auto value = [](char c) -> uint32_t {
    if (c >= 'A' && c <= 'Z') return uint32_t(c - 'A');
    if (c >= 'a' && c <= 'z') return uint32_t(c - 'a' + 26);
    if (c >= '0' && c <= '9') return uint32_t(c - '0' + 52);
    return c == '+' ? 62u : 63u;
  };
  std::string out;
  for (size_t i = 0; i + 3 < in.size(); i += 4) {
    uint32_t n = value(in[i]) << 18 | value(in[i + 1]) << 12 |
                 (in[i + 2] == '=' ? 0 : value(in[i + 2]) << 6) |
                 (in[i + 3] == '=' ? 0 : value(in[i + 3]));
    out += char(n >> 16);
    if (in[i + 2] != '=') out += char(n >> 8 & 0xFF);
    if (in[i + 3] != '=') out += char(n & 0xFF);
  }
  return out;
}

struct ReplayResult {
  ledger::Status status;
  uint64_t events = 0;
  std::string head_hash;  // the export's head line
  std::string last_hash;  // the hash the export gives its last event
};

// Appends every event of the export at `path` to `log` (which must be empty and use `clock`).
// Events of one stream recorded at the same instant with the same correlation and idempotency
// ids were one atomic append; they are appended together again.
inline ReplayResult ReplayExport(const std::string& path, ledger::EventLog& log,
                                 ledger::ManualClock& clock) {
  ReplayResult result;
  std::ifstream in(path);
  if (!in) {
    result.status = ledger::Status::NotFound("no export at " + path);
    return result;
  }
  std::optional<ledger::AppendRequest> pending;
  int64_t pending_at = 0;
  auto flush = [&]() -> ledger::Status {
    if (!pending) return ledger::Status::Ok();
    clock.Set(ledger::FromMicros(pending_at));
    auto appended = log.Append(std::move(*pending));
    pending.reset();
    return appended.ok() ? ledger::Status::Ok() : appended.status();
  };
  for (std::string line; std::getline(in, line);) {
    boost::json::value v = boost::json::parse(line);
    const boost::json::object& o = v.as_object();
    if (o.at("kind") == "head") result.head_hash = std::string(o.at("hash").as_string());
    if (o.at("kind") != "event") continue;
    result.last_hash = std::string(o.at("hash").as_string());
    std::string bytes = DecodeBase64(o.at("canonical").as_string());
    kj::ArrayPtr<const capnp::word> words(reinterpret_cast<const capnp::word*>(bytes.data()),
                                          bytes.size() / sizeof(capnp::word));
    kj::ArrayPtr<const capnp::word> segments[1] = {words};
    capnp::SegmentArrayMessageReader reader(kj::arrayPtr(segments, 1));
    auto env = reader.getRoot<ledger::schema::Envelope>();
    ledger::NewEvent e;
    e.type = env.getType();
    if (env.hasPayload()) {
      capnp::MallocMessageBuilder payload;
      payload.getRoot<capnp::AnyPointer>().set(env.getPayload());
      e.payload = ledger::ToFlatBytes(payload);
    }
    e.actor = {env.getActor().getId(), env.getActor().getRole(), env.getActor().getDepartment()};
    e.occurred_at = ledger::FromMicros(env.getOccurredAt());
    e.policy_version = env.getPolicyVersion();
    e.causation_id = env.getCausationId();
    e.imported = env.getImported();
    const std::string stream = env.getStreamId(), key = env.getIdempotencyKey(),
                      correlation = env.getCorrelationId();
    if (pending && (pending->stream != stream || pending_at != env.getRecordedAt() ||
                    pending->idempotency_key != key || pending->correlation_id != correlation)) {
      result.status = flush();
      if (!result.status.ok()) return result;
    }
    if (!pending) {
      pending.emplace();
      pending->stream = stream;
      pending->expected = ledger::ExpectedVersion::Exactly(env.getStreamVersion() - 1);
      if (env.getStreamVersion() == 1) pending->expected = ledger::ExpectedVersion::NoStream();
      pending->idempotency_key = key;
      pending->correlation_id = correlation;
      pending_at = env.getRecordedAt();
    }
    pending->events.push_back(std::move(e));
    ++result.events;
  }
  result.status = flush();
  return result;
}

}  // namespace testing_util
