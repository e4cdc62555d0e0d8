#!/usr/bin/env python3
"""Random tampering with what the ledger hands out: exports, proof bundles and checkpoints.

A demo ledger with a signed checkpoint gives three kinds of artefact; each mutation changes one
of them at random, in the bytes a reviewer relies on, and the independent verifier must reject
it, naming the first bad position where the artefact has positions:

* an export (the whole log, and one complaint's, each carrying the checkpoint and every event's
  inclusion proof): a bit of an event's canonical bytes, a hex digit of its hash or prev_hash, a
  hash of its proof, its position, a byte of the carried checkpoint note, a line removed or two
  lines swapped. Checked by `verify_export(..., vkeys=[key])`.
* a proof bundle (`ledgerctl prove`): any single byte changed.
* a signed checkpoint note: any single byte changed.

The ledger's own files are tampered with by ledger_tamper_scale_test (C++) and the stored
checkpoints by key_record_test; docs/operations.md reports the soaks.

Usage: tamper_test.py --ledgerctl PATH REPO_ROOT [--mutations N] (default 3000)
"""
import argparse
import base64
import json
import os
import random
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit("FAIL: %s exited %d: %s" % (" ".join(cmd), r.returncode, r.stderr))
    return r.stdout


def flip_b64(text, rng):
    data = bytearray(base64.b64decode(text))
    i = rng.randrange(len(data))
    data[i] ^= 1 << rng.randrange(8)
    return base64.b64encode(bytes(data)).decode()


def flip_hex(text, rng):
    i = rng.randrange(len(text))
    digits = "0123456789abcdef".replace(text[i], "")
    return text[:i] + rng.choice(digits) + text[i + 1:]


def mutate_export(lines, rng):
    """(mutated lines, what, the position a rejection should name or None)."""
    lines = list(lines)
    events = [i for i, l in enumerate(lines) if l.get("kind") == "event"]
    i = rng.choice(events)
    line = dict(lines[i])
    position = line["position"]
    kind = rng.randrange(8)
    if kind == 0:
        line["canonical"] = flip_b64(line["canonical"], rng)
        what = "a bit of an event's bytes"
    elif kind == 1:
        line["hash"] = flip_hex(line["hash"], rng)
        what = "a digit of an event's hash"
    elif kind == 2:
        line["prev_hash"] = flip_hex(line["prev_hash"], rng)
        what = "a digit of an event's prev_hash"
    elif kind == 3 and line.get("proof"):
        proof = list(line["proof"])
        j = rng.randrange(len(proof))
        proof[j] = flip_b64(proof[j], rng)
        line["proof"] = proof
        what = "a hash of an event's proof"
    elif kind == 4:
        line["position"] = position + rng.choice([-1, 1, 7])
        what = "an event's position"
    elif kind == 5:
        header = dict(lines[0])
        note = bytearray(header["checkpoint"].encode())
        note[rng.randrange(len(note))] ^= 1 << rng.randrange(7)
        header["checkpoint"] = note.decode("utf-8", "replace")
        lines[0] = header
        return lines, "a byte of the carried checkpoint", None
    elif kind == 6:
        del lines[i]
        return lines, "an event line removed", None
    else:
        j = rng.choice(events)
        if j == i:
            line["canonical"] = flip_b64(line["canonical"], rng)
            what = "a bit of an event's bytes"
        else:
            lines[i], lines[j] = lines[j], lines[i]
            return lines, "two event lines swapped", None
    lines[i] = line
    return lines, what, position


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ledgerctl", required=True)
    parser.add_argument("--mutations", type=int, default=3000)
    parser.add_argument("repo")
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(args.repo, "tools", "verifier"))
    import ledger_verify as lv  # noqa: E402

    started = time.time()
    rng = random.Random(20261207)
    counts = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        run([args.ledgerctl, "--data", data, "demo", "--no-serve", "--complaints", "40",
             "--seed", "9"])
        key = os.path.join(tmp, "key")
        vkey = run([args.ledgerctl, "keys", "generate", "--origin", "ledger.test/tamper", "--out",
                    key]).strip()
        note = run([args.ledgerctl, "--data", data, "checkpoint", "--signing-key", key])
        cp = lv.verify_note(note, [vkey])
        exports = {}
        for name, extra in (("all", []), ("complaint", ["--complaint", "CMP-2026-000007"])):
            path = os.path.join(tmp, name + ".jsonl")
            run([args.ledgerctl, "--data", data, "export", "--out", path] + extra)
            with open(path, "rb") as f:
                exports[name] = [json.loads(l) for l in f.read().splitlines()]
            report = lv.verify_export(path, vkeys=[vkey])  # the honest export verifies
            if report.proved != report.events:
                raise SystemExit("FAIL: the %s export: %d of %d events proved"
                                 % (name, report.proved, report.events))
        bundles = [run([args.ledgerctl, "--data", data, "prove", str(p)])
                   for p in sorted({1, cp.size // 2, cp.size})]
        for b in bundles:
            lv.verify_bundle(b, [vkey])

        def rejected(fn, what):
            try:
                fn()
            except lv.VerifyError as e:
                return str(e)
            raise SystemExit("FAIL: %s went unnoticed" % what)

        for m in range(args.mutations):
            target = rng.randrange(10)
            if target < 7:
                name = "all" if target < 3 else "complaint"
                lines, what, position = mutate_export(exports[name], rng)
                blob = b"\n".join(json.dumps(l).encode() for l in lines) + b"\n"
                path = os.path.join(tmp, "mutated.jsonl")
                with open(path, "wb") as f:
                    f.write(blob)
                message = rejected(lambda: lv.verify_export(path, vkeys=[vkey]),
                                   "%s in the %s export (mutation %d)" % (what, name, m))
                if position is not None and "position" not in message:
                    raise SystemExit("FAIL: %s: the rejection names no position: %s"
                                     % (what, message))
                what = "export (%s): %s" % (name, what)
            elif target < 9:
                bundle = bytearray(rng.choice(bundles).encode())
                i = rng.randrange(len(bundle))
                bundle[i] = (bundle[i] + 1 + rng.randrange(255)) % 256
                text = bytes(bundle).decode("utf-8", "replace")
                rejected(lambda: lv.verify_bundle(text, [vkey]),
                         "a changed byte in a bundle (mutation %d)" % m)
                what = "bundle: a byte changed"
            else:
                raw = bytearray(note.encode())
                i = rng.randrange(len(raw))
                raw[i] = (raw[i] + 1 + rng.randrange(255)) % 256
                text = bytes(raw).decode("utf-8", "replace")
                rejected(lambda: lv.verify_note(text, [vkey]),
                         "a changed byte in a checkpoint (mutation %d)" % m)
                what = "checkpoint: a byte changed"
            counts[what] = counts.get(what, 0) + 1
    for what, n in sorted(counts.items()):
        print("  %6d  %s" % (n, what))
    print("tamper: %d mutations of exports, bundles and checkpoints, every one rejected (%.1f s)"
          % (args.mutations, time.time() - started))


if __name__ == "__main__":
    main()
