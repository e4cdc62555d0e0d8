"""Proofs built from C2SP tlog-tiles, by the verifier itself.

The ledger serves its tree as tiles (docs/api.md "Tiles"): under a prefix (the ledger's is
`/v1/ledger/`), `checkpoint` is the signed checkpoint and

    tile/<L>/<N>[.p/<W>]        the hashes (32 bytes each) of tree level 8*L, indices
                                N*256 .. N*256+W-1; level 0 holds leaf hashes
    tile/entries/<N>[.p/<W>]    the leaves' data: each a big-endian uint16 length and the bytes

<N> is written in groups of three digits, all but the last prefixed with "x" (1234067 is
"x001/x234/067"); W is present (1..255) only for a partial tile, the right edge of the tree.

This module asks for nothing but the checkpoint and tiles, computes the RFC 9162 inclusion and
consistency proofs from them, and checks them with ledger_verify's RFC 9162 verifiers against the
signed roots. A server that hands out a wrong hash therefore produces a proof that fails: tiles
are trusted only through the signed root.

    client = TileClient(fetch, size)           # fetch("tile/0/000") -> bytes
    proof = client.inclusion_proof(index)      # hashes, leaf's sibling first
    proof = client.consistency_proof(m)        # from size m to `size`
    data = client.entry(index)                 # the leaf's data (an entry bundle)
"""

import base64
import urllib.error
import urllib.request

import ledger_verify as lv

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_TILE_BYTES = TILE_WIDTH * (2 + 65535)


def index_path(n):
    """The tlog-tiles encoding of a tile index: 1234067 -> "x001/x234/067"."""
    groups = []
    while True:
        groups.append(f"{n % 1000:03d}")
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


def tile_path(level, index, width):
    path = f"tile/{level}/{index_path(index)}"
    return path + (f".p/{width}" if width < TILE_WIDTH else "")


def entries_path(index, width):
    path = f"tile/entries/{index_path(index)}"
    return path + (f".p/{width}" if width < TILE_WIDTH else "")


def _split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


class TileClient:
    """Subtree hashes, proofs and entries of the tree of `size` leaves, read from tiles."""

    def __init__(self, fetch, size):
        self.fetch = fetch
        self.size = size
        self.tiles = {}  # (tile level, index) -> [hashes]

    def _tile(self, level, index):
        key = (level, index)
        if key not in self.tiles:
            whole = self.size >> (TILE_HEIGHT * level)  # nodes of that tree level, all whole
            width = min(TILE_WIDTH, whole - index * TILE_WIDTH)
            if width <= 0:
                raise lv.VerifyError(f"tile {level}/{index} is past the tree of {self.size}")
            data = self.fetch(tile_path(level, index, width))
            if len(data) != 32 * width:
                raise lv.VerifyError(f"tile {tile_path(level, index, width)} holds {len(data)} "
                                     f"bytes, not {32 * width}")
            self.tiles[key] = [data[i:i + 32] for i in range(0, len(data), 32)]
        return self.tiles[key]

    def node(self, level, index):
        """The hash of the perfect subtree of 2^level leaves starting at leaf index*2^level."""
        tile_level = level // TILE_HEIGHT
        base = TILE_HEIGHT * tile_level
        span = 1 << (level - base)  # hashes of tree level `base` under this node
        first = index * span
        hashes = self._tile(tile_level, first // TILE_WIDTH)
        offset = first % TILE_WIDTH
        if offset + span > len(hashes):
            raise lv.VerifyError(f"level {level} node {index} is not in its tile")
        row = hashes[offset:offset + span]
        while len(row) > 1:
            row = [lv.node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
        return row[0]

    def range_hash(self, begin, end):
        """MTH of leaves [begin, end) (end > begin), from perfect subtrees."""
        n = end - begin
        if n & (n - 1) == 0 and begin % n == 0:
            return self.node(n.bit_length() - 1, begin // n)
        k = _split(n)
        return lv.node_hash(self.range_hash(begin, begin + k), self.range_hash(begin + k, end))

    def root(self):
        return lv.EMPTY_ROOT if self.size == 0 else self.range_hash(0, self.size)

    def inclusion_proof(self, index):
        """RFC 9162 2.1.3.1 PATH(index, D[0:size]), the leaf's sibling first."""
        if not 0 <= index < self.size:
            raise lv.VerifyError(f"leaf {index} is not in the tree of {self.size}")
        proof = []

        def path(m, begin, end):
            n = end - begin
            if n == 1:
                return
            k = _split(n)
            if m < k:
                path(m, begin, begin + k)
                proof.append(self.range_hash(begin + k, end))
            else:
                path(m - k, begin + k, end)
                proof.append(self.range_hash(begin, begin + k))

        path(index, 0, self.size)
        return proof

    def consistency_proof(self, old_size):
        """RFC 9162 2.1.4.1 PROOF(old_size, D[0:size])."""
        if not 0 < old_size <= self.size:
            raise lv.VerifyError(f"no consistency proof from {old_size} to {self.size}")
        proof = []

        def subproof(m, begin, end, whole):
            n = end - begin
            if m == n:
                if not whole:
                    proof.append(self.range_hash(begin, end))
                return
            k = _split(n)
            if m <= k:
                subproof(m, begin, begin + k, whole)
                proof.append(self.range_hash(begin + k, end))
            else:
                subproof(m - k, begin + k, end, False)
                proof.append(self.range_hash(begin, begin + k))

        subproof(old_size, 0, self.size, True)
        return proof

    def entry(self, index):
        """The data of leaf `index`, from its entry bundle."""
        tile = index // TILE_WIDTH
        width = min(TILE_WIDTH, self.size - tile * TILE_WIDTH)
        data = self.fetch(entries_path(tile, width))
        entries, offset = [], 0
        while offset < len(data):
            if offset + 2 > len(data):
                raise lv.VerifyError("an entry bundle ends inside a length")
            n = int.from_bytes(data[offset:offset + 2], "big")
            if offset + 2 + n > len(data):
                raise lv.VerifyError("an entry bundle ends inside an entry")
            entries.append(data[offset + 2:offset + 2 + n])
            offset += 2 + n
        if len(entries) != width:
            raise lv.VerifyError(f"the entry bundle {entries_path(tile, width)} holds "
                                 f"{len(entries)} entries, not {width}")
        return entries[index % TILE_WIDTH]


def http_fetcher(prefix, token=None, timeout=30):
    """fetch(path) over HTTP(S) under `prefix` (e.g. http://host/v1/ledger/), with a bearer."""
    prefix = prefix if prefix.endswith("/") else prefix + "/"

    def fetch(path):
        request = urllib.request.Request(prefix + path)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                data = answer.read(MAX_TILE_BYTES + 1)
        except urllib.error.HTTPError as e:
            raise lv.VerifyError(f"{prefix}{path}: HTTP {e.code}") from None
        except (urllib.error.URLError, OSError) as e:
            raise lv.UsageError(f"{prefix}{path}: {e}") from None
        if len(data) > MAX_TILE_BYTES:
            raise lv.VerifyError(f"{prefix}{path}: larger than any tile")
        return data

    return fetch


def verify_from_tiles(fetch, vkeys, origin=None, positions=(), old_note=None):
    """Fetches the checkpoint, checks it, then proves `positions` and extends `old_note`.

    Returns (checkpoint, {position: event bytes or None}). Each position's inclusion proof is
    built from hash tiles and verified against the signed root; its event comes from the entry
    bundle when the caller may read it (None otherwise: the leaf hash alone was proved).
    """
    cp = lv.verify_note(fetch("checkpoint").decode("utf-8", "replace"), vkeys, origin)
    client = TileClient(fetch, cp.size)
    if client.root() != cp.root:
        raise lv.VerifyError(f"the tiles give root {base64.b64encode(client.root()).decode()}, "
                             f"the checkpoint {base64.b64encode(cp.root).decode()}")
    events = {}
    for position in positions:
        if not 1 <= position <= cp.size:
            raise lv.VerifyError(f"position {position} is not in the checkpoint of {cp.size}")
        index = position - 1
        leaf = client.node(0, index)
        lv.verify_inclusion(leaf, index, cp.size, client.inclusion_proof(index), cp.root)
        try:
            data = client.entry(index)
        except lv.VerifyError as e:
            if "HTTP 403" not in str(e):
                raise
            data = None
        if data is not None:
            if lv.leaf_hash(data) != leaf:
                raise lv.VerifyError(f"position {position}: the entry bundle's bytes are not "
                                     f"the leaf the tiles prove")
            if lv.envelope_position(data) != position:
                raise lv.VerifyError(f"position {position}: the event's bytes say position "
                                     f"{lv.envelope_position(data)}")
        events[position] = data
    if old_note is not None:
        old = lv.verify_note(old_note, vkeys, origin)
        if old.origin != cp.origin:
            raise lv.VerifyError(f"the checkpoints are of two logs: {old.origin!r} and "
                                 f"{cp.origin!r}")
        if old.size > cp.size:
            raise lv.VerifyError(f"the kept checkpoint ({old.size}) is larger than the served "
                                 f"one ({cp.size})")
        if old.size > 0:
            lv.verify_consistency(old.size, cp.size, client.consistency_proof(old.size),
                                  old.root, cp.root)
    return cp, events
