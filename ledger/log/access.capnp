# The record of reads of personal data (ledger/log/access_record.h): one entry per answer that
# returned a complainant's personal data. Stored canonical in column family "access".
@0xfd35753adcd2f386;

$import "/capnp/c++.capnp".namespace("ledger::schema");

# One read of one complainant's personal data.
struct AccessEntry {
  at @0 :Int64;              # when (µs since the epoch, UTC), the ledger's clock
  actorId @1 :Text;          # who read it (the token's actor)
  actorRole @2 :Text;        # their role
  actorDepartment @3 :Text;  # their department (may be empty)
  route @4 :Text;            # why: the route or command ("GET /v1/complaints/{id}", "ledgerctl export")
  subject @5 :Text;          # the data subject; empty for personal data recorded in the clear
  complaint @6 :Text;        # the complaint whose complainant it is
  previous @7 :Data;         # the hash of the entry before (32 zero bytes for the first)
}
