#!/usr/bin/env python3
"""The two implementations agree: the ledger (C++) and the independent verifier (Python).

On real ledgers made by `ledgerctl demo` (several sizes and seeds, so the trees end at many
different shapes), the Merkle root that `ledgerctl verify` rebuilds and prints must equal the
root the verifier computes from a whole-log export's canonical bytes alone, and the one the
export's head line states; the export must replay (every hash, every link); a checkpoint that
`ledgerctl checkpoint` signs must verify with the published key and state that root; and the
proof bundles `ledgerctl prove` writes must verify offline (and fail with a changed event); and
a complaint's export made after it carries the checkpoint and each event's inclusion proof, which
verify with the published key (and fail with a changed proof hash or a foreign key); and a key
rotation the log records teaches a verifier that trusts the old key the new one, only when the
old key co-signed it.

Usage: cross_check_test.py --ledgerctl PATH REPO_ROOT
"""
import argparse
import base64
import json
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit("FAIL: %s exited %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()))
    return r.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ledgerctl", required=True)
    parser.add_argument("repo")
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(args.repo, "tools", "verifier"))
    import ledger_verify as lv  # noqa: E402 (the module under test, from the repository)

    checks = 0
    with tempfile.TemporaryDirectory() as tmp:
        for complaints, seed in ((1, 1), (7, 2), (40, 3), (130, 4)):
            data = os.path.join(tmp, "ledger-%d-%d" % (complaints, seed))
            run([args.ledgerctl, "--data", data, "demo", "--no-serve", "--complaints",
                 str(complaints), "--seed", str(seed)])
            out = run([args.ledgerctl, "--data", data, "verify"])
            m = re.search(r"head (\d+):([0-9a-f]{64})\nmerkle tree: (\d+) leaves.*root ([0-9a-f]{64})",
                          out)
            if not m:
                raise SystemExit("FAIL: no tree root in `ledgerctl verify`:\n" + out)
            size, c_root = int(m.group(1)), bytes.fromhex(m.group(4))
            export = os.path.join(tmp, "all-%d.jsonl" % complaints)
            run([args.ledgerctl, "--data", data, "export", "--out", export])
            report = lv.verify_export(export)  # raises on any bad hash or link
            leaves = []
            with open(export, "rb") as f:
                for line in f:
                    obj = json.loads(line)
                    if obj.get("kind") == "event":
                        leaves.append(base64.b64decode(obj["canonical"]))
            if len(leaves) != size:
                raise SystemExit("FAIL: the export holds %d events, the head is %d" % (len(leaves), size))
            py_root = lv.root_from_leaves(leaves)
            if py_root != c_root:
                raise SystemExit("FAIL: %d events: the ledger's root %s, the verifier's %s"
                                 % (size, c_root.hex(), py_root.hex()))
            checks += 1
            # The export's own head line carries the ledger's root too.
            with open(export, "rb") as f:
                head = json.loads(f.read().splitlines()[-1])
            if bytes.fromhex(head["verify"]["tree_root"]) != py_root:
                raise SystemExit("FAIL: the export's head line states another root")
            checks += 1
            del report
            # A checkpoint signed by ledgerctl, and its proof bundles, verify with the verifier
            # alone; a bundle with one byte of its event changed does not.
            key = os.path.join(tmp, "key-%d" % complaints)
            vkey = run([args.ledgerctl, "keys", "generate", "--origin", "ledger.test/cross",
                        "--out", key]).strip()
            note = run([args.ledgerctl, "--data", data, "checkpoint", "--signing-key", key])
            cp = lv.verify_note(note, [vkey])
            # The ledger records its first signing key (one event) before it signs.
            out = run([args.ledgerctl, "--data", data, "verify"])
            m = re.search(r"root ([0-9a-f]{64})", out)
            if cp.size != size + 1 or not m or cp.root != bytes.fromhex(m.group(1)):
                raise SystemExit("FAIL: the signed checkpoint states %d/%s, not %d/%s"
                                 % (cp.size, cp.root.hex(), size + 1, m and m.group(1)))
            checks += 1
            for position in sorted({1, (size + 1) // 2, size}):
                bundle = run([args.ledgerctl, "--data", data, "prove", str(position)])
                verified = lv.verify_bundle(bundle, [vkey])
                if verified.index != position - 1 or verified.event != leaves[position - 1]:
                    raise SystemExit("FAIL: the bundle of %d proves another event" % position)
                lines = bundle.split("\n")
                extra = bytearray(base64.b64decode(lines[1].split(" ", 1)[1]))
                extra[len(extra) // 2] ^= 1
                lines[1] = "extra " + base64.b64encode(bytes(extra)).decode()
                try:
                    lv.verify_bundle("\n".join(lines), [vkey])
                    raise SystemExit("FAIL: a bundle with a changed event verified")
                except lv.VerifyError:
                    pass
                checks += 2
            # Exports made after the checkpoint carry it, and each event its inclusion proof: a
            # complaint's export is then proved to be in the signed log, event by event.
            complaint = "CMP-2026-%06d" % complaints
            cexport = os.path.join(tmp, "complaint-%d.jsonl" % complaints)
            run([args.ledgerctl, "--data", data, "export", "--complaint", complaint, "--out",
                 cexport])
            report = lv.verify_export(cexport, vkeys=[vkey])
            if report.proved != report.events or report.events == 0 or \
                    report.proof_checkpoint.size != cp.size:
                raise SystemExit("FAIL: %s: %d of %d events proved against size %s"
                                 % (complaint, report.proved, report.events,
                                    report.proof_checkpoint and report.proof_checkpoint.size))
            checks += 1
            with open(cexport, "rb") as f:
                original = f.read().split(b"\n")
            event = json.loads(original[1])
            if event["proof"]:
                event["proof"][0] = base64.b64encode(bytes(32)).decode()
                tampered = [original[0], json.dumps(event).encode()] + original[2:]
                bad = os.path.join(tmp, "tampered-%d.jsonl" % complaints)
                with open(bad, "wb") as f:
                    f.write(b"\n".join(tampered))
                try:
                    lv.verify_export(bad, vkeys=[vkey])
                    raise SystemExit("FAIL: an export with a changed proof hash verified")
                except lv.VerifyError as e:
                    if "position %d" % event["position"] not in str(e):
                        raise SystemExit("FAIL: the rejection does not name the position: %s" % e)
                checks += 1
            # Another key's checkpoint is refused.
            other = os.path.join(tmp, "other-%d" % complaints)
            other_vkey = run([args.ledgerctl, "keys", "generate", "--origin", "ledger.test/other",
                              "--out", other]).strip()
            try:
                lv.verify_export(cexport, vkeys=[other_vkey])
                raise SystemExit("FAIL: an export's checkpoint verified with a foreign key")
            except lv.VerifyError:
                checks += 1
        # A key rotation the log records: the verifier, trusting the old key, checks the
        # rotation's bundle (its checkpoint co-signed by both keys) and learns the new key. A
        # rotation without the old key's signature cannot extend that trust.
        new_key = os.path.join(tmp, "rotated-key")
        new_vkey = run([args.ledgerctl, "keys", "generate", "--origin", "ledger.test/cross",
                        "--out", new_key]).strip()
        run([args.ledgerctl, "--data", data, "keys", "rotate", "--to", new_key, "--from", key])
        head = int(run([args.ledgerctl, "--data", data, "head"]).split(":")[0])
        bundle = run([args.ledgerctl, "--data", data, "prove", str(head), "--size", str(head)])
        learned, change, position = lv.verify_rotation(bundle, [vkey])
        if learned != new_vkey or position != head or not change["cosigned"]:
            raise SystemExit("FAIL: the rotation taught %r at %d" % (learned, position))
        checks += 1
        try:
            lv.verify_rotation(bundle, [new_vkey])  # the new key alone: its previous is unknown
            raise SystemExit("FAIL: a rotation from an untrusted key extended trust")
        except lv.VerifyError:
            checks += 1
        lost_key = os.path.join(tmp, "lost-key")
        run([args.ledgerctl, "keys", "generate", "--origin", "ledger.test/cross", "--out",
             lost_key])
        run([args.ledgerctl, "--data", data, "keys", "rotate", "--to", lost_key, "--reason",
             "the rotated key was lost"])
        head = int(run([args.ledgerctl, "--data", data, "head"]).split(":")[0])
        bundle = run([args.ledgerctl, "--data", data, "prove", str(head), "--size", str(head)])
        try:
            lv.verify_rotation(bundle, [new_vkey])  # signed by the lost key's successor only
            raise SystemExit("FAIL: a rotation no trusted key signed was accepted")
        except lv.VerifyError:
            checks += 1
        out = run([args.ledgerctl, "--data", data, "verify"])
        if "checkpoints:" not in out:
            raise SystemExit("FAIL: verify did not check the stored checkpoints:\n" + out)
        checks += 1
    print("cross-check: %d agreements between ledgerctl and the independent verifier" % checks)


if __name__ == "__main__":
    main()
