#!/usr/bin/env python3
"""Proofs the verifier builds from C2SP tlog-tiles (tools/verifier/tiles.py).

1. In memory: tiles made here from random leaves by the RFC's definition, at many tree sizes
   (partial tiles, level-1 and level-2 tiles): the root, every inclusion proof and consistency
   proofs built from tiles verify; a tile with one byte changed makes them fail.
2. Against a real server (`ledgerctl serve --signing-key`): `ledger_verify.py tiles` rebuilds the
   root, proves events (with the entry bundle as an auditor, the leaf hash alone as admin, who
   may not read events), and proves the log extends a checkpoint kept before an import; the
   proofs it builds equal the server's own /v1/ledger/proof/inclusion. `ledgerctl checkpoint`
   without a key, while the server runs, has the server sign (and POST /v1/ledger/checkpoint
   answers the same note).

Usage: tiles_test.py --ledgerctl PATH REPO_ROOT
"""
import argparse
import base64
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.dont_write_bytecode = True
ARGS = None


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def perfect_root(hashes):
    row = list(hashes)
    while len(row) > 1:
        row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
    return row[0]


def memory_fetcher(leaves, size, flip=None):
    """Tiles of the tree of the first `size` leaves, computed by definition. `flip`: a path whose
    answer gets one byte changed."""
    hashes = [leaf_hash(d) for d in leaves[:size]]
    levels = [hashes]  # levels[8 * t]: tree level 8t, whole nodes only
    for _ in range(3):
        below = levels[-1]
        row = below
        for _ in range(8):
            row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
        levels.append(row)

    def fetch(path):
        m = re.fullmatch(r"tile/(\d)/((?:x\d{3}/)*\d{3})(?:\.p/(\d+))?", path)
        if not m:
            raise AssertionError("unexpected path " + path)
        level, width = int(m.group(1)), int(m.group(3) or 256)
        index = int(m.group(2).replace("x", "").replace("/", ""))
        row = levels[level][index * 256:index * 256 + width]
        assert len(row) == width, (path, len(row))
        data = b"".join(row)
        if path == flip:
            data = bytes([data[0] ^ 1]) + data[1:]
        return data

    return fetch


class InMemory(unittest.TestCase):
    def test_roots_and_proofs_at_many_sizes(self):
        rng = random.Random(20261207)
        leaves = [rng.randbytes(rng.randint(1, 40)) for _ in range(70000)]
        sizes = [1, 2, 3, 255, 256, 257, 511, 512, 513, 1000, 65535, 65536, 65537, 70000]
        checked = 0
        for size in sizes:
            client = tiles.TileClient(memory_fetcher(leaves, size), size)
            root = lv.root_from_leaves(leaves[:size])
            self.assertEqual(client.root(), root, size)
            for index in sorted({0, size - 1, size // 2, rng.randrange(size)}):
                proof = client.inclusion_proof(index)
                lv.verify_inclusion(leaf_hash(leaves[index]), index, size, proof, root)
                checked += 1
            for old in sorted({1, size, max(1, size // 3), rng.randint(1, size)}):
                old_root = lv.root_from_leaves(leaves[:old])
                lv.verify_consistency(old, size, client.consistency_proof(old), old_root, root)
                checked += 1
        self.assertGreater(checked, 80)

    def test_a_changed_tile_breaks_the_proof(self):
        rng = random.Random(7)
        leaves = [rng.randbytes(16) for _ in range(600)]
        root = lv.root_from_leaves(leaves)
        # What a verifier does: each leaf hash the tiles give, with the proof built from them,
        # must lead to the signed root. The first byte of each tile is flipped: that node's
        # leaf (or a subtree above it) no longer proves.
        for path, index in (("tile/0/000", 0), ("tile/0/002.p/88", 512), ("tile/1/000.p/2", 300)):
            client = tiles.TileClient(memory_fetcher(leaves, 600, flip=path), 600)
            with self.assertRaises(lv.VerifyError, msg=path):
                lv.verify_inclusion(client.node(0, index), index, 600,
                                    client.inclusion_proof(index), root)
            # The honest tiles prove the same leaf.
            honest = tiles.TileClient(memory_fetcher(leaves, 600), 600)
            lv.verify_inclusion(honest.node(0, index), index, 600, honest.inclusion_proof(index),
                                root)

    def test_index_paths(self):
        self.assertEqual(tiles.index_path(0), "000")
        self.assertEqual(tiles.index_path(1234067), "x001/x234/067")
        self.assertEqual(tiles.tile_path(1, 5, 256), "tile/1/005")
        self.assertEqual(tiles.tile_path(0, 1000, 7), "tile/0/x001/000.p/7")
        self.assertEqual(tiles.entries_path(2, 200), "tile/entries/002.p/200")


def run(cmd, env=None):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if r.returncode != 0:
        raise AssertionError("%s exited %d: %s %s" % (" ".join(cmd), r.returncode, r.stdout,
                                                      r.stderr))
    return r.stdout


class AgainstTheServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.tmp.cleanup)
        d = cls.tmp.name
        L = ARGS.ledgerctl
        cls.data = os.path.join(d, "data")
        run([L, "--data", cls.data, "demo", "--no-serve", "--complaints", "60", "--seed", "5"])
        cls.key = os.path.join(d, "key")
        cls.vkey = run([L, "keys", "generate", "--origin", "ledger.test/tiles", "--out",
                        cls.key]).strip()
        cls.old = os.path.join(d, "old.checkpoint")
        with open(cls.old, "w") as f:
            f.write(run([L, "--data", cls.data, "checkpoint", "--signing-key", cls.key]))
        # The log grows after the kept checkpoint: one more complaint, imported.
        line = {"type": "receive", "actor": {"id": "u-cs-01", "role": "cs_agent",
                                             "department": "customer_service"},
                "occurred_at": "2026-11-02T10:00:00+08:00", "channel": "hotline",
                "complainant": {"name": "T", "phone": "13800000000"}, "project": "p-riverside",
                "subject": "tiles", "description": "tiles", "receiving_department":
                "customer_service"}
        imports = os.path.join(d, "more.jsonl")
        with open(imports, "w") as f:
            f.write(json.dumps(line) + "\n")
        run([L, "--data", cls.data, "import", imports])
        # No server yet and no key: `checkpoint` says what it needs.
        r = subprocess.run([L, "--data", cls.data, "checkpoint"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode != 2 or "--signing-key" not in r.stderr:
            raise AssertionError("checkpoint without a server or key: %d %s" % (r.returncode,
                                                                                 r.stderr))
        cls.tokens = {}
        for role in ("auditor", "admin"):
            out = run([L, "--data", cls.data, "token", "add", "--actor", "t-" + role, "--role",
                       role]).strip().splitlines()
            cls.tokens[role] = out[-1].strip()
        log_path = os.path.join(d, "serve.log")
        cls.log = open(log_path, "w")
        cls.proc = subprocess.Popen([L, "--data", cls.data, "serve", "--listen", "127.0.0.1:0",
                                     "--no-ui", "--signing-key", cls.key, "--rate-limit", "0"],
                                    stdout=cls.log, stderr=subprocess.STDOUT)
        cls.addClassCleanup(cls.stop)
        deadline = time.time() + 30
        cls.base = None
        while time.time() < deadline and cls.base is None:
            with open(log_path) as f:
                m = re.search(r"listening on (http://[0-9.]+:\d+)", f.read())
            if m:
                cls.base = m.group(1)
            elif cls.proc.poll() is not None:
                raise AssertionError("serve exited: " + open(log_path).read())
            else:
                time.sleep(0.1)
        if cls.base is None:
            raise AssertionError("serve printed no address")

    @classmethod
    def stop(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=30)
        cls.log.close()

    def get(self, path, role="auditor"):
        request = urllib.request.Request(self.base + path)
        request.add_header("Authorization", "Bearer " + self.tokens[role])
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.read()

    def signed_size(self):
        # The server signs at start; wait for the checkpoint of the grown log.
        deadline = time.time() + 30
        while time.time() < deadline:
            cp = lv.verify_note(self.get("/v1/ledger/checkpoint").decode(), [self.vkey])
            old = lv.verify_note(self.old_note(), [self.vkey])
            if cp.size > old.size:
                return cp
            time.sleep(0.1)
        raise AssertionError("the server signed no checkpoint of the grown log")

    def old_note(self):
        with open(self.old) as f:
            return f.read()

    def verifier(self, *args, role="auditor"):
        env = dict(os.environ, LEDGER_TOKEN=self.tokens[role])
        r = subprocess.run([sys.executable, os.path.join(ARGS.repo, "tools", "verifier",
                                                         "ledger_verify.py"), *args],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        return r.returncode, r.stdout, r.stderr

    def test_the_verifier_proves_events_and_extension_from_tiles(self):
        cp = self.signed_size()
        positions = sorted({1, 2, cp.size // 2, cp.size})
        code, out, err = self.verifier("tiles", self.base + "/v1/ledger/", "--key", self.vkey,
                                       "--position", *map(str, positions), "--since", self.old)
        self.assertEqual(code, 0, err)
        self.assertIn("its root rebuilt from tiles", out)
        self.assertEqual(out.count("from the entry bundle"), len(positions), out)
        self.assertIn("extends the kept checkpoint", out)
        # Admin verifies but may not read events: the leaf hashes alone are proved.
        code, out, err = self.verifier("tiles", self.base + "/v1/ledger/", "--key", self.vkey,
                                       "--position", "1", role="admin")
        self.assertEqual(code, 0, err)
        self.assertIn("entries not readable", out)
        # Another log's key: refused.
        other = run([ARGS.ledgerctl, "keys", "generate", "--origin", "ledger.test/tiles",
                     "--out", os.path.join(self.tmp.name, "other")]).strip()
        code, out, err = self.verifier("tiles", self.base + "/v1/ledger/", "--key", other)
        self.assertEqual(code, 1, out)

    def test_checkpoint_while_serving_is_signed_by_the_server(self):
        # `ledgerctl checkpoint` without a key asks the server holding the ledger (its control
        # socket); the note verifies with the server's key and states the head.
        note = run([ARGS.ledgerctl, "--data", self.data, "checkpoint"])
        cp = lv.verify_note(note, [self.vkey])
        head = run([ARGS.ledgerctl, "--data", self.data, "head"]).strip()
        self.assertEqual(cp.size, int(head.split(":")[0]))
        # And POST /v1/ledger/checkpoint answers the same checkpoint (the log has not grown).
        request = urllib.request.Request(self.base + "/v1/ledger/checkpoint", data=b"",
                                         method="POST")
        request.add_header("Authorization", "Bearer " + self.tokens["auditor"])
        with urllib.request.urlopen(request, timeout=30) as answer:
            self.assertEqual(answer.read().decode(), note)

    def test_proofs_from_tiles_equal_the_servers(self):
        cp = self.signed_size()

        def fetch(path):
            return self.get("/v1/ledger/" + path)

        client = tiles.TileClient(fetch, cp.size)
        for position in sorted({1, 3, cp.size // 3, cp.size}):
            served = json.loads(self.get("/v1/ledger/proof/inclusion?position=%d&size=%d"
                                         % (position, cp.size)))
            mine = [base64.b64encode(h).decode() for h in client.inclusion_proof(position - 1)]
            self.assertEqual(mine, served["proof"], position)
        old = lv.verify_note(self.old_note(), [self.vkey])
        served = json.loads(self.get("/v1/ledger/proof/consistency?from=%d&size=%d"
                                     % (old.size, cp.size)))
        mine = [base64.b64encode(h).decode() for h in client.consistency_proof(old.size)]
        self.assertEqual(mine, served["proof"])


def main():
    global ARGS, lv, tiles
    parser = argparse.ArgumentParser()
    parser.add_argument("--ledgerctl", required=True)
    parser.add_argument("repo")
    ARGS, rest = parser.parse_known_args()
    sys.path.insert(0, os.path.join(ARGS.repo, "tools", "verifier"))
    import ledger_verify as lv  # noqa: E402
    import tiles  # noqa: E402
    started = time.time()
    result = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=1).result
    print("tiles_test: %.1f s" % (time.time() - started))
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
