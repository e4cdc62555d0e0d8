# The on-disk envelope of every event in the ledger. docs/event-format.md describes it field by
# field.
#
# Evolution rules (Cap'n Proto "Evolving Your Protocol"): a field's number is forever. New fields
# are added at the end with the next number; a retired field is renamed `obsoleteXxx` and kept,
# never reused. The canonical encoding of this struct (with `hash` null) is what the chain hashes,
# so a change here is a change of the ledger format: bump `kFormatVersion` in
# ledger/log/record_format.h.
#
# Comments: every struct has one on the lines above it; every field has one after it, on its own
# line or on the lines directly below (tests/ledger/schema_comments_test.cc checks this).

@0xd89e7699ce8917d8;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("ledger::schema");

# Who caused an event. Events the ledger appends by itself (automatic escalation) name actor id
# "system" with role "system".
struct Actor {
  id @0 :Text;          # A person id from the organisation (e.g. "u-cs-01"), or "system".
  role @1 :Text;        # The role the actor acted in (docs/rules.md#roles), e.g. "cs_agent".
  department @2 :Text;  # The actor's department id (e.g. "customer_service"); empty if none.
}

# One event: where it sits in the log and in its stream, when and by whom it happened, what it
# says (`type` and `payload`), and the hash chain that seals it.
struct Envelope {
  position @0 :UInt64;
  # Global position in the log: 1 for the first event, then +1 per event with no gaps, assigned at
  # commit in commit order. Also the event's key in RocksDB.

  streamId @1 :Text;
  # The stream (aggregate) the event belongs to, e.g. "CMP-2026-000123". 1..kMaxStreamIdBytes of
  # valid UTF-8 without control characters.

  streamVersion @2 :UInt64;
  # The event's 1-based index within its stream. A stream's version is that of its last event;
  # a stream that does not exist has version 0.

  recordedAt @3 :Int64;
  # Microseconds since the Unix epoch (UTC), read from the ledger's clock at commit. Never
  # decreases along the log (the committer takes max(clock, previous recordedAt)).

  occurredAt @4 :Int64;
  # Microseconds since the Unix epoch (UTC): when it happened, as the actor states. Defaults to
  # recordedAt. Business clocks (deadlines) use this time.

  actor @5 :Actor;
  # Who caused the event.

  type @6 :Text;
  # The event's type name, past tense (e.g. "ComplaintReceived"); says how to read `payload`.

  payload @7 :AnyPointer;
  # The event's data: a struct whose schema `type` names (ledger/domain/events.capnp for complaint
  # events). Null for events that carry nothing beyond the envelope.

  policyVersion @8 :UInt32;
  # The policy version in force when the event was decided; 0 when no policy applies.

  correlationId @9 :Text;
  # Shared by every event appended by one request (one action); empty if the caller gave none.

  causationId @10 :Text;
  # What caused this event: for an event the ledger appends by itself, "pos:<n>" or the type of
  # the event in the same batch that triggered it; otherwise the caller's request id or empty.

  idempotencyKey @11 :Text;
  # The caller's idempotency key for the append that wrote this event; empty if none.

  imported @12 :Bool;
  # True when the event was written by `ledgerctl import` from another system's records.

  prevHash @13 :Data;
  # The hash of the event at position-1 (32 bytes); 32 zero bytes for position 1.

  hash @14 :Data;
  # SHA-256(prevHash || canonical bytes of this envelope with `hash` null). Null inside the stored
  # and hashed bytes: on disk the 32-byte hash follows the canonical bytes (docs/event-format.md).
  # Set when an envelope is handed to a client (the API's binary encoding).
}

# The log's head, stored in its own record and updated in the same atomic write as the events.
struct Head {
  position @0 :UInt64;   # Position of the last event; 0 for an empty log.
  hash @1 :Data;         # Hash of the last event; 32 zero bytes for an empty log.
  recordedAt @2 :Int64;  # recordedAt of the last event; 0 for an empty log.
  formatVersion @3 :UInt32;  # The ledger format version that wrote this head.
}

# What an append with an idempotency key produced; stored under the key so that a retry returns it.
struct AppendOutcome {
  streamId @0 :Text;          # The stream the append wrote to.
  firstVersion @1 :UInt64;    # Stream version of its first event.
  lastVersion @2 :UInt64;     # Stream version of its last event.
  firstPosition @3 :UInt64;   # Position of its first event.
  lastPosition @4 :UInt64;    # Position of its last event.
  recordedAt @5 :Int64;       # recordedAt of its events (microseconds since the epoch).
  requestDigest @6 :Data;     # SHA-256 of what the request asked (AppendRequest.request_digest);
                              # empty when the writer gave none. A retry with the same key and
                              # another digest is refused: a key names one request, not a slot.
}
