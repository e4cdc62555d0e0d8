# The API's binary representations: what a client that sends `Accept: application/x-capnp` gets
# instead of JSON. docs/api.md ("Content negotiation") shows how to decode them.
#
# Framing: each response body is ONE Cap'n Proto message in the standard stream framing (segment
# table, then segments; unpacked) — what capnp::messageToFlatArray() writes and
# capnp::FlatArrayMessageReader / `capnp decode` read. The root type depends on the resource and
# is named in the Content-Type: `application/x-capnp; type=EventPage`.
# Errors are always application/problem+json, also for clients that asked for Cap'n Proto.
#
# Evolution rules (Cap'n Proto "Evolving Your Protocol"): a field's number is forever. New fields
# are added at the end with the next number; a retired field is renamed `obsoleteXxx` and kept,
# never reused. New resources get new structs; add them at the end of this file (the complaint
# state, timeline and projection messages go below the marked line).

@0xc953ee23b323276e;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("api::schema");

using Ledger = import "/ledger/envelope.capnp";

# A reference to an event in the chain: what the head record holds, as a client sees it.
struct ChainHead {
  position @0 :UInt64;  # Position of the last event; 0 for an empty log.
  hash @1 :Data;        # SHA-256 of that event (32 bytes); 32 zero bytes for an empty log.
}

# GET /v1/events: one page of the global log.
struct EventPage {
  events @0 :List(Ledger.Envelope);
  # The page's events in position order, each exactly as stored, with `hash` set (and `payload`
  # as stored: decode it with the schema its `type` names, ledger/domain/events.capnp).

  next @1 :UInt64;
  # The `from` of the following page: last position in this page + 1 (or the `from` asked for
  # when the page is empty). Always set, so a client can poll for new events with it.

  hasMore @2 :Bool;
  # True when events at or after `next` already existed when the page was read.

  head @3 :ChainHead;
  # The log's head when the page was read.
}

# GET /v1/ledger/verify: the result of walking the integrity chain.
struct VerifyResult {
  ok @0 :Bool;                 # True when every event and the head record check out.
  checked @1 :UInt64;          # Events whose hash was recomputed and matched.
  head @2 :ChainHead;          # The head record, as stored.
  firstBadPosition @3 :UInt64; # When not ok: the first position missing, damaged or out of chain.
  problem @4 :Text;            # When not ok: what is wrong there, in one line.
}

# ---- Domain resources (complaint state, timeline, lists, projections) are added below. ----
