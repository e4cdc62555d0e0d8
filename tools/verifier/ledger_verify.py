#!/usr/bin/python3
"""ledger_verify: an independent verifier of the complaint ledger's transparency artefacts.

A reviewer's tool. It shares no code with the ledger (C++): it is a second implementation, in
Python 3's standard library plus python3-cryptography (Ed25519 only), of the published formats
below, so that a bug in the ledger is not silently repeated here. See docs/verify.md.

Formats (all base64 is standard base64, RFC 4648 section 4, canonical: padded, no line breaks,
zero padding bits; all text is UTF-8 with "\\n" line ends, never "\\r\\n"):

* Leaves and the tree (RFC 9162 section 2.1, the RFC 6962 Merkle tree with SHA-256).
  The leaf of position p (positions start at 1) is the event's canonical bytes; its leaf index
  is p - 1.
      MTH({})        = SHA-256("")
      leaf hash      = SHA-256(0x00 || canonical bytes)
      node hash      = SHA-256(0x01 || left || right)
      MTH(D[n]), n>1 = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n
  Inclusion proofs are verified with RFC 9162 section 2.1.3.2, consistency proofs between
  sizes 0 < m < n with section 2.1.4.2.

* The hash chain (docs/event-format.md of the ledger's repository):
      hash(p) = SHA-256(hash(p-1) || canonical bytes(p)),  hash(0) = 32 zero bytes

* Checkpoints (C2SP tlog-checkpoint): the note text is three lines, each ending in "\\n":
  the origin, the tree size in ASCII decimal without leading zeros or sign, the base64 root
  hash. Extension lines are rejected unless the caller allows them (the ledger writes none).

* Signed notes (C2SP signed-note, Ed25519): the text, an empty line, then one or more lines
  "\\u2014 <key name> <base64(4-byte key id || 64-byte signature)>" (EM DASH, space). The signature
  covers the text including its final "\\n". Key id = SHA-256(name || 0x0A || 0x01 || public
  key)[:4], big-endian. A verifier key ("vkey") is name + "+" + 8 lowercase hex digits of the key
  id + "+" + base64(0x01 || 32-byte public key). Signature lines of unknown keys are ignored; a
  known key's signature that fails rejects the note; a note no known key verifies is rejected.

* Proof bundles (C2SP tlog-proof@v1):
      c2sp.org/tlog-proof@v1
      extra <base64 of the event's canonical bytes>
      index <leaf index, decimal>
      <inclusion proof hashes, base64, one per line, from the leaf's sibling upwards>
      <empty line>
      <the signed checkpoint, verbatim>

* `ledgerctl export --format jsonl` files: a header line {"kind":"export","format":1,...}, one
  {"kind":"event",...} line per event with "position", "prev_hash" and "hash" (64 lowercase hex
  digits) and "canonical" (base64 of the hashed bytes), then a {"kind":"head",...} line.

The canonical bytes are a Cap'n Proto message in canonical form (one segment, no segment table,
the root struct right after the root pointer); the envelope's field 0, `position` (UInt64), is
the first word of the root struct's data section. That one field is read here, to check that an
event says the position it is proven at. The commands that need an event's contents (`statement`,
`rotation`) decode it whole with envelopes.py (the `capnp` tool and the published schemas);
statement.py checks fine statements with fine_rules.py, tiles.py builds proofs from tiles.

As a module: leaf_hash, node_hash, root_from_leaves, TreeBuilder, verify_inclusion,
verify_consistency, parse_vkey, parse_signed_note, parse_checkpoint, verify_note,
parse_bundle, verify_bundle, verify_export, verify_rotation, strict_json_object. Every check raises VerifyError with a one-line
reason on rejection. As a command: `ledger_verify.py --help`; exit 0 when everything checks,
1 when something is rejected, 2 for usage errors (bad arguments, an unreadable file, a
malformed verifier key).
"""

import argparse
import base64
import binascii
import collections
import hashlib
import json
import re
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()  # MTH({}), the root of the empty tree
ZERO_HASH = bytes(HASH_SIZE)  # hash(0), the chain's start
MAX_UINT64 = (1 << 64) - 1

ED25519_TYPE = 0x01  # the signed-note signature type byte of Ed25519
SIGNATURE_PREFIX = "\u2014 "  # EM DASH, space
MAX_SIGNATURES = 100  # signed-note: verifiers limit the signatures of a note (at least 16)
MAX_NOTE_BYTES = 1 << 20  # notes, bundles and proof files are small; refuse anything huge
PROOF_HEADER = "c2sp.org/tlog-proof@v1"


class VerifyError(Exception):
    """The input was checked and is rejected (exit code 1). The message is one line."""


class UsageError(Exception):
    """The verifier was called wrongly: arguments, a malformed key, an unreadable file (exit 2)."""


# --------------------------------------------------------------------------------------------
# Strict decoding of the small pieces every format is made of.

_BASE64_RE = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_DECIMAL_RE = re.compile(r"0|[1-9][0-9]*")  # ASCII digits only; no sign, no leading zeros
_HEX64_RE = re.compile(r"[0-9a-f]{64}")


def b64decode_strict(text, what):
    """Decodes canonical standard base64 (padded, no whitespace, zero padding bits)."""
    if not isinstance(text, str) or len(text) % 4 or not _BASE64_RE.fullmatch(text):
        raise VerifyError(f"{what} is not standard base64")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise VerifyError(f"{what} is not standard base64") from None
    # Re-encoding catches non-zero padding bits: two spellings of the same bytes are refused.
    if base64.b64encode(data).decode("ascii") != text:
        raise VerifyError(f"{what} is not canonical base64")
    return data


def decode_hash(text, what):
    """A base64 SHA-256 hash: exactly 32 bytes."""
    data = b64decode_strict(text, what)
    if len(data) != HASH_SIZE:
        raise VerifyError(f"{what} is {len(data)} bytes, not a {HASH_SIZE}-byte SHA-256 hash")
    return data


def parse_decimal(text, what):
    """A uint64 in ASCII decimal: no sign, no leading zeros (except "0"), no spaces."""
    if not isinstance(text, str) or not _DECIMAL_RE.fullmatch(text):
        raise VerifyError(f"{what} {text!r} is not a decimal number without sign or leading zeros")
    value = int(text)
    if value > MAX_UINT64:
        raise VerifyError(f"{what} {text} does not fit in 64 bits")
    return value


def decode_text(data, what):
    """Bytes to text for the line formats: UTF-8, no control character but "\\n" (so no CR)."""
    if isinstance(data, str):
        text = data
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise VerifyError(f"{what} is not valid UTF-8") from None
    if len(text.encode("utf-8")) > MAX_NOTE_BYTES:
        raise VerifyError(f"{what} is larger than {MAX_NOTE_BYTES} bytes")
    for ch in text:
        if ch < " " and ch != "\n":
            if ch == "\r":
                raise VerifyError(f"{what} contains a carriage return (CRLF line ends?)")
            raise VerifyError(f"{what} contains control character {ord(ch):#04x}")
    return text


def _check_hash_arg(value, what):
    """Hashes given to the proof primitives must be 32-byte bytes objects."""
    if not isinstance(value, (bytes, bytearray)) or len(value) != HASH_SIZE:
        size = len(value) if isinstance(value, (bytes, bytearray)) else type(value).__name__
        raise VerifyError(f"{what} is not a {HASH_SIZE}-byte hash ({size})")
    return bytes(value)


def _check_size_arg(value, what):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_UINT64:
        raise VerifyError(f"{what} {value!r} is not a 64-bit unsigned integer")
    return value


# --------------------------------------------------------------------------------------------
# The Merkle tree (RFC 9162 section 2.1).


def leaf_hash(data):
    """SHA-256(0x00 || data): the hash of a leaf."""
    return hashlib.sha256(b"\x00" + bytes(data)).digest()


def node_hash(left, right):
    """SHA-256(0x01 || left || right): the hash of an interior node."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class TreeBuilder:
    """The root of a growing log, one leaf at a time, in O(log n) memory.

    It keeps the roots of the perfect subtrees the leaves so far make, largest (leftmost) first:
    for n = 6 = 4 + 2, the roots of leaves 0..3 and 4..5. RFC 9162's MTH splits off the largest
    power of two, so MTH(D[n]) is those roots folded from the right: node(r4, r2).
    """

    def __init__(self):
        self.size = 0
        self._stack = []  # (height, hash), heights strictly decreasing

    def append(self, data):
        """Appends a leaf given by its data (an event's canonical bytes)."""
        self.append_hash(leaf_hash(data))

    def append_hash(self, hash_):
        """Appends a leaf given by its leaf hash."""
        height = 0
        while self._stack and self._stack[-1][0] == height:
            hash_ = node_hash(self._stack.pop()[1], hash_)
            height += 1
        self._stack.append((height, hash_))
        self.size += 1

    def root(self):
        """MTH of the leaves appended so far."""
        if not self._stack:
            return EMPTY_ROOT
        root = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            root = node_hash(left, root)
        return root


def root_from_leaves(leaves):
    """MTH of an iterable of leaf data (for a replay of the whole log)."""
    builder = TreeBuilder()
    for data in leaves:
        builder.append(data)
    return builder.root()


def _inclusion_proof_size(index, size):
    """How many hashes the inclusion proof of `index` in a tree of `size` leaves has.

    Below the level where the paths to `index` and to the last leaf part, every level has a
    sibling ("inner" hashes); above it, only the levels where `index` is a right child do.
    """
    inner = (index ^ (size - 1)).bit_length()
    border = bin(index >> inner).count("1")
    return inner, border


def verify_inclusion(leaf_hash_, index, size, proof, root):
    """Checks that `leaf_hash_` is leaf `index` of the tree of `size` leaves whose root is `root`.

    RFC 9162 section 2.1.3.2, after checking the proof has exactly the expected number of hashes.
    Note that the proof binds the index; the size is bound only together with the root, which
    is why sizes and roots must come from a signed checkpoint. Raises VerifyError.
    """
    _check_size_arg(index, "leaf index")
    _check_size_arg(size, "tree size")
    leaf_hash_ = _check_hash_arg(leaf_hash_, "the leaf hash")
    root = _check_hash_arg(root, "the root hash")
    proof = [_check_hash_arg(p, f"inclusion proof hash {i}") for i, p in enumerate(proof)]
    if index >= size:
        raise VerifyError(f"leaf index {index} is not below the tree size {size}")
    inner, border = _inclusion_proof_size(index, size)
    if len(proof) != inner + border:
        raise VerifyError(f"the inclusion proof has {len(proof)} hashes; index {index} in a tree "
                          f"of {size} needs {inner + border}")
    fn, sn, r = index, size - 1, leaf_hash_
    for p in proof:
        if sn == 0:
            raise VerifyError("the inclusion proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerifyError("the inclusion proof is shorter than the path to the root")
    if r != root:
        raise VerifyError(f"the inclusion proof of index {index} leads to root {_b64(r)}, "
                          f"not {_b64(root)}")


def verify_consistency(size1, size2, proof, root1, root2):
    """Checks that the tree of `size2` leaves with `root2` extends the tree of `size1` with `root1`.

    RFC 9162 section 2.1.4.2 for 0 < size1 < size2. Equal sizes need an empty proof and equal
    roots (and, for size 0, the empty tree's root). A proof from the empty tree is refused: it
    would prove nothing (RFC 9162 requires 0 < first). Raises VerifyError.
    """
    _check_size_arg(size1, "the old tree size")
    _check_size_arg(size2, "the new tree size")
    root1 = _check_hash_arg(root1, "the old root hash")
    root2 = _check_hash_arg(root2, "the new root hash")
    proof = [_check_hash_arg(p, f"consistency proof hash {i}") for i, p in enumerate(proof)]
    if size1 > size2:
        raise VerifyError(f"the old tree size {size1} is larger than the new {size2}")
    if size1 == size2:
        if proof:
            raise VerifyError(f"both trees have {size1} leaves, but the proof is not empty")
        if size1 == 0 and root1 != EMPTY_ROOT:
            raise VerifyError("a tree of size 0 has a root other than SHA-256(\"\")")
        if root1 != root2:
            raise VerifyError(f"both trees have {size1} leaves but their roots differ")
        return
    if size1 == 0:
        raise VerifyError("a consistency proof from the empty tree proves nothing")
    if not proof:
        raise VerifyError("the consistency proof is empty")

    # The expected length: the inclusion proof of leaf size1-1 in the new tree, less the levels
    # below the largest perfect subtree that ends at size1, plus that subtree's root unless it
    # is the whole old tree (size1 a power of two: then the verifier knows it, it is root1).
    inner, border = _inclusion_proof_size(size1 - 1, size2)
    shift = (size1 & -size1).bit_length() - 1  # trailing zero bits of size1
    seeded = size1 == 1 << shift
    want = (0 if seeded else 1) + inner - shift + border
    if len(proof) != want:
        raise VerifyError(f"the consistency proof has {len(proof)} hashes; sizes {size1} to "
                          f"{size2} need {want}")

    path = [root1] + proof if seeded else list(proof)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerifyError("the consistency proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerifyError("the consistency proof is shorter than the path to the root")
    if fr != root1:
        raise VerifyError(f"the consistency proof rebuilds old root {_b64(fr)}, not {_b64(root1)}")
    if sr != root2:
        raise VerifyError(f"the consistency proof rebuilds new root {_b64(sr)}, not {_b64(root2)}")


# --------------------------------------------------------------------------------------------
# Signed notes and verifier keys (C2SP signed-note, Ed25519).

VerifierKey = collections.namedtuple("VerifierKey", "name key_id public_key vkey")
Signature = collections.namedtuple("Signature", "name key_id signature line")
SignedNote = collections.namedtuple("SignedNote", "text signatures")


def _valid_key_name(name):
    """signed-note: key names are non-empty, without Unicode spaces or "+"."""
    return bool(name) and not any(ch.isspace() or ch == "+" or ch < " " for ch in name)


def ed25519_key_id(name, public_key):
    """SHA-256(name || 0x0A || 0x01 || public key)[:4] as a big-endian integer."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ED25519_TYPE]) + public_key)
    return int.from_bytes(digest.digest()[:4], "big")


def parse_vkey(vkey):
    """Parses "name+hex8+base64(0x01 || public key)"; UsageError when malformed.

    The name cannot contain "+", so the first two "+" split the fields; the base64 may hold more.
    The key id must be the one the name and key give, in lowercase hex.
    """
    if not isinstance(vkey, str):
        raise UsageError("a verifier key must be a string")
    parts = vkey.split("+", 2)
    if len(parts) != 3:
        raise UsageError(f"verifier key {vkey!r} is not NAME+KEYID+KEY")
    name, hex_id, key_b64 = parts
    if not _valid_key_name(name):
        raise UsageError(f"verifier key {vkey!r}: invalid key name")
    if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
        raise UsageError(f"verifier key {vkey!r}: the key id is not 8 lowercase hex digits")
    try:
        key = b64decode_strict(key_b64, "the key")
    except VerifyError as e:
        raise UsageError(f"verifier key {vkey!r}: {e}") from None
    if len(key) != 33 or key[0] != ED25519_TYPE:
        raise UsageError(f"verifier key {vkey!r}: not an Ed25519 key (type 0x01, 32 bytes)")
    public_key = key[1:]
    if ed25519_key_id(name, public_key) != int(hex_id, 16):
        raise UsageError(f"verifier key {vkey!r}: the key id does not match the name and key")
    return VerifierKey(name, int(hex_id, 16), public_key, vkey)


def _known_keys(vkeys):
    """(name, key id) -> VerifierKey from vkey strings or VerifierKey tuples."""
    known = {}
    for k in vkeys:
        key = k if isinstance(k, VerifierKey) else parse_vkey(k)
        other = known.get((key.name, key.key_id))
        if other is not None and other.public_key != key.public_key:
            raise UsageError(f"two verifier keys share the name {key.name} and id "
                             f"{key.key_id:08x}")
        known[(key.name, key.key_id)] = key
    if not known:
        raise UsageError("no verifier key given")
    return known


def parse_signed_note(note):
    """Splits a signed note into its text and signature lines; VerifyError when malformed.

    The text is separated from the signatures by the last empty line; it ends in "\\n", which
    the signatures cover. Nothing is verified here.
    """
    text = decode_text(note, "the signed note")
    if not text.endswith("\n"):
        raise VerifyError("the signed note does not end in a newline")
    split = text.rfind("\n\n")
    if split < 0:
        raise VerifyError("the signed note has no empty line before its signatures")
    body, block = text[:split + 1], text[split + 2:]
    if not block:
        raise VerifyError("the signed note has no signature lines")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise VerifyError(f"the signed note has more than {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX):
            raise VerifyError(f"not a signature line (\u2014 NAME SIGNATURE): {line[:60]!r}")
        name, space, sig_b64 = line[len(SIGNATURE_PREFIX):].partition(" ")
        if not space or not _valid_key_name(name):
            raise VerifyError(f"a signature line has no valid key name: {line[:60]!r}")
        sig = b64decode_strict(sig_b64, f"the signature of {name}")
        if len(sig) < 5:
            raise VerifyError(f"the signature of {name} is too short")
        signatures.append(Signature(name, int.from_bytes(sig[:4], "big"), sig[4:], line))
    return SignedNote(body, signatures)


def verify_signed_note(note, vkeys):
    """Verifies a signed note with the known keys; returns (text, [names of verifying keys]).

    Signatures of unknown keys (a name or id no known key has) are ignored. A known key's
    signature that fails rejects the note, as does a note that no known key verifies.
    """
    known = _known_keys(vkeys)
    parsed = parse_signed_note(note)
    message = parsed.text.encode("utf-8")
    verified, unknown, seen = [], [], set()
    for sig in parsed.signatures:
        key = known.get((sig.name, sig.key_id))
        if key is None:
            unknown.append(f"{sig.name}+{sig.key_id:08x}")
            continue
        if (sig.name, sig.key_id) in seen:
            raise VerifyError(f"the note carries two signatures of key {key.name}")
        seen.add((sig.name, sig.key_id))
        try:
            if len(sig.signature) != 64:
                raise InvalidSignature()
            Ed25519PublicKey.from_public_bytes(key.public_key).verify(sig.signature, message)
        except InvalidSignature:
            raise VerifyError(f"the signature of known key {key.name} does not verify") from None
        verified.append(key.name)
    if not verified:
        seen = ", ".join(unknown) if unknown else "none"
        raise VerifyError(f"no known key signed the note (signatures by: {seen})")
    return parsed.text, verified


# --------------------------------------------------------------------------------------------
# Checkpoints (C2SP tlog-checkpoint).

Checkpoint = collections.namedtuple("Checkpoint", "origin size root extensions signers")


def parse_checkpoint(text, allow_extensions=False):
    """Parses checkpoint note text: origin, size, root and (only if allowed) extension lines."""
    text = decode_text(text, "the checkpoint")
    if not text.endswith("\n"):
        raise VerifyError("the checkpoint text does not end in a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise VerifyError("the checkpoint has fewer than three lines (origin, size, root)")
    origin, size_text, root_text, extensions = lines[0], lines[1], lines[2], lines[3:]
    if not origin:
        raise VerifyError("the checkpoint's origin line is empty")
    size = parse_decimal(size_text, "the checkpoint's tree size")
    root = decode_hash(root_text, "the checkpoint's root hash")
    if size == 0 and root != EMPTY_ROOT:
        raise VerifyError("a checkpoint of size 0 must have the empty tree's root SHA-256(\"\")")
    if any(not line for line in extensions):
        raise VerifyError("the checkpoint has an empty line")
    if extensions and not allow_extensions:
        raise VerifyError(f"the checkpoint has {len(extensions)} extra line(s) after its root "
                          f"(extension lines are not accepted): {extensions[0][:60]!r}")
    return Checkpoint(origin, size, root, tuple(extensions), ())


def verify_note(note, vkeys, origin=None, allow_extensions=False):
    """Verifies a signed checkpoint; returns its Checkpoint (origin, size, root, ...).

    The origin must be `origin` when given; otherwise it must be the name of a key that
    verified the note (tlog-checkpoint: the log's key is named after its origin). So a note
    validly signed by a known key of another log, or for another origin, is refused.
    """
    text, signers = verify_signed_note(note, vkeys)
    cp = parse_checkpoint(text, allow_extensions)
    if origin is not None:
        if cp.origin != origin:
            raise VerifyError(f"the checkpoint is for origin {cp.origin!r}, not {origin!r}")
    elif cp.origin not in signers:
        raise VerifyError(f"the checkpoint's origin {cp.origin!r} is not the name of a key that "
                          f"signed it ({', '.join(signers)})")
    return cp._replace(signers=tuple(signers))


# --------------------------------------------------------------------------------------------
# Events: the one envelope field read here.


def envelope_position(canonical):
    """The `position` field of an envelope in Cap'n Proto canonical form.

    Word 0 is the root pointer: a struct pointer (low two bits 00) whose 30-bit offset is 0 in
    canonical form (the struct follows it), its data section size in words at bytes 4-5.
    Position is field 0, a UInt64 at data offset 0; a data section of 0 words means 0.
    """
    if len(canonical) < 8 or len(canonical) % 8:
        raise VerifyError("the event's bytes are not a Cap'n Proto message (whole 8-byte words)")
    pointer = int.from_bytes(canonical[0:4], "little")
    data_words = int.from_bytes(canonical[4:6], "little")
    if pointer != 0:  # kind 0 (struct), offset 0: anything else is not canonical form
        raise VerifyError("the event's bytes do not start with a canonical root struct pointer")
    if data_words == 0:
        return 0
    if len(canonical) < 16:
        raise VerifyError("the event's bytes end inside the envelope's data section")
    return int.from_bytes(canonical[8:16], "little")


# --------------------------------------------------------------------------------------------
# Proof bundles (C2SP tlog-proof@v1).

Bundle = collections.namedtuple("Bundle", "index event proof note")
VerifiedBundle = collections.namedtuple("VerifiedBundle", "index event checkpoint")


def parse_bundle(bundle):
    """Splits a tlog-proof@v1 bundle into index, event bytes (extra), proof hashes and note."""
    text = decode_text(bundle, "the proof bundle")
    split = text.find("\n\n")
    if split < 0:
        raise VerifyError("the proof bundle has no empty line before its checkpoint")
    lines, note = text[:split].split("\n"), text[split + 2:]
    if lines[0] != PROOF_HEADER:
        raise VerifyError(f"the proof bundle does not start with {PROOF_HEADER!r}")
    if len(lines) < 2 or not lines[1].startswith("extra "):
        raise VerifyError("the proof bundle has no 'extra' line with the event's bytes")
    event = b64decode_strict(lines[1][len("extra "):], "the bundle's extra data")
    if not event:
        raise VerifyError("the bundle's extra data (the event's bytes) is empty")
    if len(lines) < 3 or not lines[2].startswith("index "):
        raise VerifyError("the proof bundle has no 'index' line after 'extra'")
    index = parse_decimal(lines[2][len("index "):], "the bundle's index")
    proof = [decode_hash(line, f"proof line {i + 1}") for i, line in enumerate(lines[3:])]
    if not note:
        raise VerifyError("the proof bundle has no checkpoint after its empty line")
    return Bundle(index, event, proof, note)


def verify_bundle(bundle_text, vkeys, origin=None):
    """Verifies a proof bundle: its checkpoint's signature, then the event's inclusion in it.

    Returns (index, event bytes, checkpoint). The event must also say it is at position
    index + 1. The extra data is untrusted until the inclusion proof has verified it.
    """
    b = parse_bundle(bundle_text)
    cp = verify_note(b.note, vkeys, origin)
    if b.index >= cp.size:
        raise VerifyError(f"the bundle's index {b.index} is not below the checkpoint's tree size "
                          f"{cp.size}")
    verify_inclusion(leaf_hash(b.event), b.index, cp.size, b.proof, cp.root)
    position = envelope_position(b.event)
    if position != b.index + 1:
        raise VerifyError(f"the event says position {position}, but it is proven at index "
                          f"{b.index} (position {b.index + 1})")
    return VerifiedBundle(b.index, b.event, cp)


def parse_proof_file(text):
    """A consistency proof file: base64 hashes, one per line, each line ending in "\\n"."""
    text = decode_text(text, "the proof file")
    if not text:
        return []
    if not text.endswith("\n"):
        raise VerifyError("the proof file does not end in a newline")
    lines = text[:-1].split("\n")
    return [decode_hash(line, f"proof line {i + 1}") for i, line in enumerate(lines)]


# --------------------------------------------------------------------------------------------
# Replay of a `ledgerctl export --format jsonl` file.

ExportReport = collections.namedtuple(
    "ExportReport",
    "events first_position last_position contiguous head_position head_hash ledger_verified "
    "root checkpoint proved proof_checkpoint")


def strict_json_object(text, where):
    """A JSON object with no key twice and no NaN or Infinity; VerifyError naming `where`."""
    def no_duplicates(pairs):
        obj = {}
        for key, value in pairs:
            if key in obj:
                raise VerifyError(f"{where}: the key {key!r} appears twice")
            obj[key] = value
        return obj

    def no_constants(name):
        raise VerifyError(f"{where}: {name} is not JSON")

    try:
        value = json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constants)
    except (ValueError, RecursionError):
        raise VerifyError(f"{where}: not a JSON object") from None
    if not isinstance(value, dict):
        raise VerifyError(f"{where}: not a JSON object")
    return value


def _json_object(line, line_no):
    return strict_json_object(line, f"line {line_no}")


def _int_field(obj, key, where):
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_UINT64:
        raise VerifyError(f"{where}: {key!r} is not a non-negative integer")
    return value


def _hex_hash_field(obj, key, where):
    value = obj.get(key)
    if not isinstance(value, str) or not _HEX64_RE.fullmatch(value):
        raise VerifyError(f"{where}: {key!r} is not 64 lowercase hex digits")
    return bytes.fromhex(value)


def _read_lines(source):
    """Yields (line number, text) of a jsonl file, strictly: UTF-8, "\\n" ends, no CR."""
    for line_no, raw in enumerate(source, 1):
        if not raw.endswith(b"\n"):
            raise VerifyError(f"line {line_no}: the file ends without a newline (truncated?)")
        try:
            line = raw[:-1].decode("utf-8")
        except UnicodeDecodeError:
            raise VerifyError(f"line {line_no}: not valid UTF-8") from None
        if "\r" in line:
            raise VerifyError(f"line {line_no}: a carriage return (CRLF line ends?)")
        yield line_no, line


def verify_export(jsonl_path, checkpoint=None, vkeys=None, origin=None):
    """Replays an export: every hash, every link, contiguous positions; optionally the tree root.

    `jsonl_path` is a path, or a binary file object. For each event it recomputes
    SHA-256(prev_hash || canonical) and compares it with "hash", and checks the canonical bytes
    say the line's position. In a contiguous export (the whole log, a month) positions must
    follow one another from first_position, each prev_hash must be the previous hash, and
    position 1's prev_hash 32 zero bytes. With `checkpoint` (a verified Checkpoint) the export
    must hold positions 1..checkpoint.size, and the root of those leaves must be the
    checkpoint's. With `vkeys`, the signed checkpoint the export carries in its header (the
    log's latest when exported) is verified, and every event it covers must carry an inclusion
    proof ("proof") leading to its root: the events are in the signed log, whatever the scope.
    Raises VerifyError naming the first bad position; returns an ExportReport.
    """
    if isinstance(jsonl_path, (str, bytes)) or hasattr(jsonl_path, "__fspath__"):
        with open(jsonl_path, "rb") as source:
            return _verify_export_lines(_read_lines(source), checkpoint, vkeys, origin)
    return _verify_export_lines(_read_lines(jsonl_path), checkpoint, vkeys, origin)


def _verify_export_lines(lines, checkpoint, vkeys=None, origin=None):
    header = None
    head = None
    events = 0
    last_position, last_hash = None, None
    tree = TreeBuilder()
    root_at_checkpoint = None
    carried = None  # the verified checkpoint the export carries (with vkeys)
    proved = 0
    for line_no, line in lines:
        obj = _json_object(line, line_no)
        kind = obj.get("kind")
        if header is None:
            if kind != "export" or obj.get("format") != 1 or isinstance(obj.get("format"), bool):
                raise VerifyError(f"line {line_no}: not a ledger export (format 1) header")
            contiguous = obj.get("contiguous")
            if not isinstance(contiguous, bool):
                raise VerifyError(f"line {line_no}: 'contiguous' is not true or false")
            first = _int_field(obj, "first_position", f"line {line_no}")
            last = _int_field(obj, "last_position", f"line {line_no}")
            header = obj
            note = obj.get("checkpoint")
            if note is not None and not isinstance(note, str):
                raise VerifyError(f"line {line_no}: 'checkpoint' is not a signed note's text")
            if vkeys:
                if note is None:
                    raise VerifyError("the export carries no signed checkpoint (none had been "
                                      "signed when it was exported)")
                try:
                    carried = verify_note(note, vkeys, origin)
                except VerifyError as e:
                    raise VerifyError(f"the export's checkpoint: {e}") from None
            if checkpoint is not None:
                if not contiguous or first != 1:
                    raise VerifyError("the export does not hold the log from position 1, so the "
                                      "checkpoint's root cannot be recomputed from it")
                if checkpoint.size == 0:
                    root_at_checkpoint = EMPTY_ROOT
            continue
        if head is not None:
            raise VerifyError(f"line {line_no}: a line after the head line")
        if kind == "event":
            where = f"line {line_no}"
            position = _int_field(obj, "position", where)
            where = f"position {position} (line {line_no})"
            canonical = b64decode_strict(obj.get("canonical"), f"{where}: 'canonical'")
            prev_hash = _hex_hash_field(obj, "prev_hash", where)
            hash_ = _hex_hash_field(obj, "hash", where)
            if not first <= position <= last:
                raise VerifyError(f"{where}: outside the export's range {first}..{last}")
            if last_position is not None and position <= last_position:
                raise VerifyError(f"{where}: positions out of order (after {last_position})")
            if contiguous:
                expected = first if last_position is None else last_position + 1
                if position != expected:
                    raise VerifyError(f"{where}: position {expected} is missing before it")
                if last_hash is not None and prev_hash != last_hash:
                    raise VerifyError(f"{where}: prev_hash is not the hash of position "
                                      f"{last_position}")
            if position == 1 and prev_hash != ZERO_HASH:
                raise VerifyError(f"{where}: the first event's prev_hash is not 32 zero bytes")
            if hashlib.sha256(prev_hash + canonical).digest() != hash_:
                raise VerifyError(f"{where}: hash is not SHA-256(prev_hash || canonical)")
            try:
                said = envelope_position(canonical)
            except VerifyError as e:
                raise VerifyError(f"{where}: {e}") from None
            if said != position:
                raise VerifyError(f"{where}: the canonical bytes say position {said}")
            if carried is not None and position <= carried.size:
                proof = obj.get("proof")
                if not isinstance(proof, list) or not all(isinstance(h, str) for h in proof):
                    raise VerifyError(f"{where}: no inclusion proof, though the export's "
                                      f"checkpoint (size {carried.size}) covers it")
                try:
                    verify_inclusion(leaf_hash(canonical), position - 1, carried.size,
                                     [decode_hash(h, f"{where}: a proof hash") for h in proof],
                                     carried.root)
                except VerifyError as e:
                    raise VerifyError(f"{where}: its inclusion proof fails: {e}") from None
                proved += 1
            if checkpoint is not None and tree.size < checkpoint.size:
                tree.append(canonical)
                if tree.size == checkpoint.size:
                    root_at_checkpoint = tree.root()
            events += 1
            last_position, last_hash = position, hash_
        elif kind == "head":
            where = f"line {line_no} (head)"
            head = obj
            if _int_field(obj, "events", where) != events:
                raise VerifyError(f"{where}: it counts {obj['events']} events, the file holds "
                                  f"{events}")
            head_position = _int_field(obj, "position", where)
            head_hash = _hex_hash_field(obj, "hash", where)
            if contiguous and events and last_position != last:
                raise VerifyError(f"{where}: the export ends at position {last_position}, its "
                                  f"header says {last}: events are missing at the end")
            if last_position is not None and head_position < last_position:
                raise VerifyError(f"{where}: the head {head_position} is before the last "
                                  f"event {last_position}")
            if last_position == head_position and last_hash != head_hash:
                raise VerifyError(f"{where}: the last event, position {last_position}, is not "
                                  f"the head it names")
        else:
            raise VerifyError(f"line {line_no}: unknown line kind {kind!r}")
    if header is None:
        raise VerifyError("the export is empty")
    if head is None:
        raise VerifyError("the export has no head line: it is truncated")
    if checkpoint is not None:
        if root_at_checkpoint is None:
            raise VerifyError(f"the checkpoint is of size {checkpoint.size}, but the export ends "
                              f"at position {last_position or 0}")
        if root_at_checkpoint != checkpoint.root:
            raise VerifyError(f"the tree root of positions 1..{checkpoint.size} is "
                              f"{_b64(root_at_checkpoint)}, the checkpoint says "
                              f"{_b64(checkpoint.root)}")
    verify = head.get("verify")
    ledger_verified = isinstance(verify, dict) and verify.get("ok") is True
    return ExportReport(events, first, last, contiguous, head_position, head_hash.hex(),
                        ledger_verified, root_at_checkpoint, checkpoint, proved, carried)


# --------------------------------------------------------------------------------------------
# The command line.


def _b64(data):
    return base64.b64encode(data).decode("ascii")


def _read_file(path, binary=False):
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_NOTE_BYTES + 1)
        else:
            with open(path, "rb") as f:
                data = f.read(MAX_NOTE_BYTES + 1)
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror}") from None
    if len(data) > MAX_NOTE_BYTES:
        raise VerifyError(f"{path} is larger than {MAX_NOTE_BYTES} bytes")
    return data


def _describe(cp):
    return f"{cp.origin} size {cp.size} root {_b64(cp.root)}, signed by {', '.join(cp.signers)}"


def _cmd_note(args):
    cp = verify_note(_read_file(args.file), args.key, args.origin, args.allow_extensions)
    print(f"ok: checkpoint {_describe(cp)}")


def _cmd_inclusion(args):
    b = verify_bundle(_read_file(args.bundle), args.key, args.origin)
    print(f"ok: the event at position {b.index + 1} (index {b.index}, leaf hash "
          f"{_b64(leaf_hash(b.event))}) is in checkpoint {_describe(b.checkpoint)}")


def _cmd_consistency(args):
    old = verify_note(_read_file(args.old), args.key, args.origin)
    new = verify_note(_read_file(args.new), args.key, args.origin)
    if old.origin != new.origin:
        raise VerifyError(f"the checkpoints are of two logs: {old.origin!r} and {new.origin!r}")
    proof = parse_proof_file(_read_file(args.proof))
    verify_consistency(old.size, new.size, proof, old.root, new.root)
    print(f"ok: {new.origin} at size {new.size} (root {_b64(new.root)}) extends size {old.size} "
          f"(root {_b64(old.root)})")


def _cmd_export(args):
    checkpoint = None
    if args.checkpoint is not None:
        if not args.key:
            raise UsageError("--checkpoint needs --key")
        checkpoint = verify_note(_read_file(args.checkpoint), args.key, args.origin)
    # --key alone: the checkpoint the export carries, and each event's proof against it.
    carried_keys = args.key if args.checkpoint is None else None
    try:
        if args.file == "-":
            report = verify_export(sys.stdin.buffer, checkpoint, carried_keys, args.origin)
        else:
            with open(args.file, "rb") as source:
                report = verify_export(source, checkpoint, carried_keys, args.origin)
    except OSError as e:
        raise UsageError(f"cannot read {args.file}: {e.strerror}") from None
    if not report.ledger_verified:
        print("ledger_verify: note: the ledger itself did not verify when exported",
              file=sys.stderr)
    links = ", every link" if report.contiguous else " (not contiguous: links not checked)"
    message = (f"ok: {report.events} events; every hash recomputed{links}; head "
               f"{report.head_position}:{report.head_hash}")
    if checkpoint is not None:
        message += (f"; the tree root of 1..{checkpoint.size} is checkpoint "
                    f"{_describe(checkpoint)}")
    if report.proof_checkpoint is not None:
        later = report.events - report.proved
        message += (f"; {report.proved} events proved in the export's checkpoint "
                    f"{_describe(report.proof_checkpoint)}"
                    + (f" ({later} recorded after it: not covered)" if later else ""))
    print(message)


def _cmd_statement(args):
    import statement  # the fine rules need the capnp tool; the other commands do not

    if args.export is not None and args.export == "-":
        raise UsageError("--export needs a file")
    try:
        if args.file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.file, "rb") as f:
                data = f.read()
    except OSError as e:
        raise UsageError(f"cannot read {args.file}: {e.strerror}") from None
    try:
        published = _read_file(args.published) if args.published is not None else None
        r = statement.verify_statement(data, args.key, args.origin, args.export, published)
    except statement.lv.VerifyError as e:  # the module's class, when this file runs as a script
        raise VerifyError(str(e)) from None
    print(f"ok: fine statement {r.from_month}..{r.to_month} (sha256 {r.statement_sha256}) at "
          f"checkpoint {_describe(r.checkpoint)}: {r.lines} lines of {r.complaints} complaints "
          f"recomputed from {r.events} proved events; fines {_money(r.fine)}, waived "
          f"{_money(r.waived)}; sum root {r.sum_root}"
          + ("; the whole log gives no other line and the same heads" if r.full else
             " (light mode: --export checks that no other complaint has a line)")
          + (f"; published by the ledger at position {r.published_at}"
             if r.published_at is not None else ""))
    for name, (fine, waived, count) in r.departments.items():
        if args.department is None or args.department == name:
            print(f"  {name or '(no department)'}: {count} lines, fines {_money(fine)}, waived "
                  f"{_money(waived)}")
    if args.department is not None and args.department not in r.departments:
        print(f"  {args.department}: no lines")


def verify_rotation(bundle_text, vkeys, origin=None):
    """A proof bundle of a SigningKeyChanged event, checked with the keys trusted now.

    The bundle's checkpoint must verify with a trusted key (during a rotation the old key
    co-signs, so a reader who trusts only it verifies the checkpoint that announces the new one).
    The event (decoded with envelopes.py) must be a SigningKeyChanged of the checkpoint's origin
    whose previous key is a trusted key. Returns (new verifier key, event dict, position).
    """
    import envelopes

    bundle = verify_bundle(bundle_text, vkeys, origin)
    event = envelopes.decode_envelopes([bundle.event])[0]
    position = bundle.index + 1
    if event.get("type") != "SigningKeyChanged":
        raise VerifyError(f"the event at position {position} is a {event.get('type')}, not a "
                          f"SigningKeyChanged")
    change = event["payload"].get("signingKeyChanged") or {}
    new_key = change.get("key", "")
    parsed = parse_vkey(new_key)
    if change.get("origin") != bundle.checkpoint.origin or parsed.name != bundle.checkpoint.origin:
        raise VerifyError(f"the new key {new_key!r} is not named after the log's origin "
                          f"{bundle.checkpoint.origin!r}")
    trusted = {k.strip() for k in vkeys}
    if change.get("previousKey", "") not in trusted:
        raise VerifyError(f"the rotation replaces {change.get('previousKey') or 'no key'}, which "
                          f"is not a key you trust: it does not extend your trust")
    return new_key, change, position


def _cmd_rotation(args):
    import envelopes

    try:
        new_key, change, position = verify_rotation(_read_file(args.bundle), args.key,
                                                    args.origin)
    except envelopes.EnvelopeError as e:  # bytes the decoder refuses
        raise VerifyError(str(e)) from None
    cosigned = "co-signed by the previous key" if change.get("cosigned") else \
        f"not co-signed (reason: {change.get('reason', '')})"
    print(f"ok: at position {position} the log replaced {change.get('previousKey')} with\n"
          f"{new_key}\n({cosigned}); checkpoints from then on are signed by the new key: add it "
          f"to your trusted keys")


def _cmd_tiles(args):
    import os

    import tiles

    token = None
    if args.token_file:
        try:
            with open(args.token_file, encoding="utf-8") as f:
                token = f.readline().strip()
        except OSError as e:
            raise UsageError(f"cannot read {args.token_file}: {e.strerror}") from None
    else:
        token = os.environ.get("LEDGER_TOKEN") or None
    old_note = _read_file(args.since).decode("utf-8", "replace") if args.since else None
    try:
        cp, events = tiles.verify_from_tiles(tiles.http_fetcher(args.url, token), args.key,
                                             args.origin, args.position, old_note)
    except tiles.lv.VerifyError as e:  # the module's class, when this file runs as a script
        raise VerifyError(str(e)) from None
    except tiles.lv.UsageError as e:
        raise UsageError(str(e)) from None
    print(f"ok: checkpoint {_describe(cp)}; its root rebuilt from tiles")
    for position, data in events.items():
        what = (f"its event ({len(data)} bytes, leaf hash {_b64(leaf_hash(data))}) from the entry "
                f"bundle" if data is not None else "its leaf hash (entries not readable)")
        print(f"  position {position}: inclusion proof built from tiles verified; {what}")
    if old_note is not None:
        print(f"  extends the kept checkpoint {args.since} (consistency proof built from tiles "
              f"verified)")


def _money(fen):
    return f"{fen // 100}.{fen % 100:02d}"


def _parser():
    parser = argparse.ArgumentParser(
        prog="ledger_verify.py",
        description="Independent verifier of the complaint ledger's signed checkpoints, proof "
                    "bundles, exports, fine statements, key rotations and tiles (RFC 9162 Merkle "
                    "proofs, C2SP signed notes). "
                    "Exit 0: verified; 1: rejected (one line on stderr says why); 2: usage.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def keys(p, required=True):
        p.add_argument("--key", metavar="VKEY", nargs="+", action="extend", required=required,
                       default=[],
                       help="trusted verifier keys NAME+KEYID+BASE64 (after the FILE argument, "
                            "or repeat --key)")
        p.add_argument("--origin", help="the checkpoint's expected origin (default: the name of "
                                        "a key that verified it)")

    p = sub.add_parser("note", help="verify a signed checkpoint",
                       description="Verify a signed checkpoint (C2SP tlog-checkpoint note).")
    p.add_argument("file", metavar="FILE", help="the signed checkpoint (- for stdin)")
    keys(p)
    p.add_argument("--allow-extensions", action="store_true",
                   help="accept extension lines after the root hash")
    p.set_defaults(run=_cmd_note)

    p = sub.add_parser("inclusion", help="verify a proof bundle (tlog-proof@v1)",
                       description="Verify that a proof bundle's event is in its signed "
                                   "checkpoint (C2SP tlog-proof@v1).")
    p.add_argument("--bundle", metavar="FILE", required=True, help="the proof bundle")
    keys(p)
    p.set_defaults(run=_cmd_inclusion)

    p = sub.add_parser("consistency", help="verify that a new checkpoint extends an old one",
                       description="Verify an RFC 9162 consistency proof between two signed "
                                   "checkpoints of the same log.")
    p.add_argument("--old", metavar="CHECKPOINT_FILE", required=True)
    p.add_argument("--new", metavar="CHECKPOINT_FILE", required=True)
    p.add_argument("--proof", metavar="FILE", required=True,
                   help="the consistency proof: base64 hashes, one per line")
    keys(p)
    p.set_defaults(run=_cmd_consistency)

    p = sub.add_parser("export", help="replay a `ledgerctl export --format jsonl` file",
                       description="Recompute every hash and link of an export; with "
                                   "--checkpoint, also the Merkle root of positions 1..size; "
                                   "with --key alone, the signed checkpoint the export carries "
                                   "and every event's inclusion proof against it (any scope: a "
                                   "complaint's export is then proved to be in the signed log).")
    p.add_argument("file", metavar="FILE", help="the export (- for stdin)")
    p.add_argument("--checkpoint", metavar="FILE", help="a signed checkpoint to compare with")
    keys(p, required=False)
    p.set_defaults(run=_cmd_export)

    p = sub.add_parser("statement", help="verify a proved fine statement (ledgerctl statement)",
                       description="Verify a fine statement: its checkpoint's signature, every "
                                   "event's inclusion proof, the cited complaints' heads, every "
                                   "line recomputed by this verifier's own clocks and fine rules, "
                                   "and the sum tree. Needs the capnp tool (Debian: capnproto).")
    p.add_argument("file", metavar="FILE", help="the statement (- for stdin)")
    keys(p)
    p.add_argument("--export", metavar="FILE",
                   help="a `ledgerctl export` of the whole log (positions 1..size at least): "
                        "also check that no other complaint has a line in the period, and the "
                        "heads tree")
    p.add_argument("--published", metavar="BUNDLE",
                   help="a proof bundle (ledgerctl prove POSITION) of the statement's "
                        "FineStatementPublished event: check the ledger published this file")
    p.add_argument("--department", metavar="ID", help="print only this department's totals")
    p.set_defaults(run=_cmd_statement)

    p = sub.add_parser("rotation", help="verify a key rotation the log recorded, and learn the "
                                        "new key",
                       description="Verify a proof bundle (ledgerctl prove POSITION) of a "
                                   "SigningKeyChanged event with the key you trust now: the "
                                   "checkpoint must verify with it (the old key co-signs during a "
                                   "rotation) and the event must replace it. Prints the new "
                                   "verifier key to trust. Needs the capnp tool.")
    p.add_argument("--bundle", metavar="FILE", required=True, help="the rotation event's bundle")
    keys(p)
    p.set_defaults(run=_cmd_rotation)

    p = sub.add_parser("tiles", help="build and check proofs from a ledger's C2SP tlog-tiles",
                       description="Fetch the signed checkpoint and tiles under URL (the log's "
                                   "prefix, e.g. http://HOST/v1/ledger/), rebuild the root from "
                                   "tiles, and build and verify inclusion proofs (--position) "
                                   "and a consistency proof from a kept checkpoint (--since). "
                                   "The bearer token comes from --token-file or $LEDGER_TOKEN.")
    p.add_argument("url", metavar="URL", help="the tiles' prefix, e.g. http://HOST/v1/ledger/")
    keys(p)
    p.add_argument("--position", type=int, nargs="+", action="extend", default=[],
                   help="events to prove (positions)")
    p.add_argument("--since", metavar="CHECKPOINT_FILE",
                   help="a signed checkpoint kept earlier: prove the served log extends it")
    p.add_argument("--token-file", metavar="FILE", help="a file whose first line is the token")
    p.set_defaults(run=_cmd_tiles)
    return parser


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except UsageError as e:
        print(f"ledger_verify: {e}", file=sys.stderr)
        return 2
    except VerifyError as e:
        print(f"ledger_verify: rejected: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
