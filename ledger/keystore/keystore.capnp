# The keystore's records (docs/privacy.md, "The keystore"). Field numbers are forever.
@0xc4b1f0a7e2d35a91;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("ledger::keystore::schema");

# A data subject's data key, wrapped by the key-encryption key (KEK). Stored under
# "k/" <subject> "/" <version, 4 bytes big-endian>.
struct WrappedKey {
  subject @0 :Text;     # the subject id (a random UUID, never derived from personal data)
  keyVersion @1 :UInt32;  # 1 for a subject's first key
  kekId @2 :Text;       # which KEK wrapped it: hex of the first 4 bytes of SHA-256(KEK)
  wrapped @3 :Data;     # AES-256-GCM(KEK, data key), associated data
                        # "ledger-dek/v1" 0 subject 0 keyVersion (decimal)
  createdAt @4 :Int64;  # µs since the epoch
  commitment @5 :Data;  # SHA-256("dek/v1" 0 subject 0 data key): what the ledger records
}
