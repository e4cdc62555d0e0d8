#!/usr/bin/env python3
"""Proved fine statements: `ledgerctl statement` and the verifier's check of them.

The statement format and what the verifier checks are defined by the module docstring of
tools/verifier/statement.py; `ledgerctl statement` is tools/ledgerctl/cmd_statement.cc.

* Honest statements are accepted: a demo ledger's statement over 2026-05..2026-11, in light mode
  and in full mode (`--export`), whose totals are those of `ledgerctl fines --known-at` the
  recordedAt of the checkpoint's last event; `--publish` appends a FineStatementPublished event
  (stream "statements") naming the file's SHA-256 and roots, and a second publication is a second
  event. A `--month` statement at the same checkpoint lists exactly the range's lines of that
  month.
* An imported ledger: a complaint closed ten days late gives 7 x 100.00 + 3 x 200.00 = 1300.00 in
  a statement that verifies; a statement made at an older checkpoint verifies, and does not with
  a later checkpoint's note spliced in.
* Tampering, case by case (test_a_* .. test_t_*: lines, sums, departments, heads, events, the
  checkpoint, times, months, order, duplicate keys, an older checkpoint), is rejected with a
  message naming what is wrong; a complaint left out entirely is accepted in light mode (the
  documented limit) and rejected with --export.
* Random single-bit flips of the statement file: every one is rejected, or changed only a line's
  free-text `reason` (which is not checked).

Five tampered statements were first accepted (a line of the policy stream, a complaint's lines
moved there, a department listed twice, a month spelled " 5", a forged heads tree); the first
four are now refused, and the last is light mode's documented limit (full mode finds it).

Usage: statement_test.py REPO_ROOT [LEDGERCTL] (or --ledgerctl LEDGERCTL)
"""
import argparse
import base64
import collections
import copy
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

sys.dont_write_bytecode = True

REPO = None
LEDGERCTL = None
lv = None         # tools/verifier/ledger_verify.py
st = None         # tools/verifier/statement.py
envelopes = None  # tools/verifier/envelopes.py
fr = None         # tools/verifier/fine_rules.py

ORIGIN = "test.example/ledger"
FROM_MONTH, TO_MONTH = "2026-05", "2026-11"


def run(cmd, ok_codes=(0,)):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode not in ok_codes:
        raise AssertionError("%s exited %d: %s%s" % (" ".join(cmd), r.returncode,
                                                     r.stdout[-2000:], r.stderr[-2000:]))
    return r.stdout


def verifier_cli(*args):
    """Runs tools/verifier/ledger_verify.py; (exit code, stdout, stderr)."""
    r = subprocess.run([sys.executable, os.path.join(REPO, "tools", "verifier", "ledger_verify.py")]
                       + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return r.returncode, r.stdout, r.stderr


def fen(money):
    """"1300.00" -> 130000."""
    units, _, cents = money.partition(".")
    assert len(cents) == 2 and units.isdigit() and cents.isdigit(), money
    return int(units) * 100 + int(cents)


def money(fen_amount):
    return "%d.%02d" % divmod(fen_amount, 100)


def dumps(doc):
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def b64(data):
    return base64.b64encode(data).decode("ascii")


def flip_b64(text, index=0):
    """The base64 of the same bytes with byte `index` changed."""
    data = bytearray(base64.b64decode(text))
    data[index] ^= 0x01
    return b64(bytes(data))


def checkpoint_root_hex(note):
    return base64.b64decode(note.split("\n")[2]).hex()


def resum(doc):
    """Recomputes the sum root, the departments and the total from the lines, as the ledger
    does (with statement.py's own sum_leaves/sum_root): a forger's consistent sums."""
    lines = doc["lines"]
    leaves = st.sum_leaves(lines)
    root = st.sum_root([leaf[2] for leaf in leaves])
    doc["sum_root"] = {"hash": b64(root.hash), "fine": root.fine, "waived": root.waived,
                       "leaves": len(leaves)}
    departments = collections.OrderedDict()
    for department, _, node in leaves:
        d = departments.setdefault(department.decode("utf-8"), [0, 0, 0])
        d[0] += node.fine
        d[1] += node.waived
        d[2] += 1
    doc["departments"] = [{"department": name, "fine": f, "waived": w, "lines": n}
                          for name, (f, w, n) in departments.items()]
    doc["total"] = {"fine": sum(l["amount"] for l in lines if not l["waived"] and l["amount"] > 0),
                    "waived": sum(l["amount"] for l in lines if l["waived"] and l["amount"] > 0),
                    "lines": len(lines)}
    return doc


def sort_lines(doc):
    doc["lines"].sort(key=lambda l: (l["accrued"], l["id"].encode("utf-8")))
    return doc


def needed_head_leaves(cited):
    need = set()
    for c in cited:
        need |= {c["heads_index"] - 1, c["heads_index"], c["heads_index"] + 1}
    return need


def drop_complaint(doc, complaint, events_by_stream):
    """Leaves a complaint out entirely: its lines, its events, its cited entry and the heads
    leaves no other cited stream needs; the sums recomputed."""
    positions = {e["position"] for e in events_by_stream[complaint]}
    assert doc["size"] not in positions
    doc["lines"] = [l for l in doc["lines"] if l["complaint"] != complaint]
    doc["events"] = [e for e in doc["events"] if e["position"] not in positions]
    doc["heads"]["cited"] = [c for c in doc["heads"]["cited"] if c["stream"] != complaint]
    need = needed_head_leaves(doc["heads"]["cited"])
    doc["heads"]["leaves"] = [l for l in doc["heads"]["leaves"] if l["index"] in need]
    return resum(doc)


# RFC 6962 trees, to build a forger's own heads tree.

def _split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaf_hashes):
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    k = _split(len(leaf_hashes))
    return lv.node_hash(mth(leaf_hashes[:k]), mth(leaf_hashes[k:]))


def inclusion_path(m, leaf_hashes):
    if len(leaf_hashes) == 1:
        return []
    k = _split(len(leaf_hashes))
    if m < k:
        return inclusion_path(m, leaf_hashes[:k]) + [mth(leaf_hashes[k:])]
    return inclusion_path(m - k, leaf_hashes[k:]) + [mth(leaf_hashes[:k])]


def forged_heads(heads_by_stream, cited_streams):
    """A complete, sorted heads tree of the given heads, citing `cited_streams`."""
    leaves = [st.LOW_SENTINEL] + sorted(st.head_leaf(s, v, p)
                                        for s, (v, p) in heads_by_stream.items()) + \
        [st.HIGH_SENTINEL]
    hashes = [lv.leaf_hash(leaf) for leaf in leaves]
    index = {leaf[:32]: i for i, leaf in enumerate(leaves)}
    cited = []
    for s in cited_streams:
        v, p = heads_by_stream[s]
        cited.append({"stream": s, "version": v, "position": p,
                      "heads_index": index[hashlib.sha256(s.encode("utf-8")).digest()]})
    return {"root": b64(mth(hashes)), "size": len(leaves), "cited": cited,
            "leaves": [{"index": i, "leaf": b64(leaves[i]),
                        "proof": [b64(h) for h in inclusion_path(i, hashes)]}
                       for i in sorted(needed_head_leaves(cited))]}


def sign_note(text, key_file):
    """`text` signed with a ledgerctl key file (PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    with open(key_file) as f:
        _, _, name, key_id, blob = f.read().strip().split("+", 4)
    seed = base64.b64decode(blob)[1:]
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(text.encode())
    line = base64.b64encode(bytes.fromhex(key_id) + signature).decode()
    return text + "\n\u2014 " + name + " " + line + "\n"


def decode_events(doc):
    """{position: decoded envelope} of a statement's events."""
    entries = doc["events"]
    decoded = envelopes.decode_envelopes([base64.b64decode(e["canonical"]) for e in entries])
    return {e["position"]: d for e, d in zip(entries, decoded)}


def by_stream(events):
    out = collections.defaultdict(list)
    for p in sorted(events):
        out[events[p]["streamId"]].append(events[p])
    return out


def read_export(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


class VerifierAssertions:
    def verify(self, doc, export=None, keys=None):
        data = doc if isinstance(doc, bytes) else dumps(doc)
        return st.verify_statement(data, keys or [self.vkey], None, export)

    def assertRejected(self, case, doc, *fragments, export=None, keys=None):
        """The verifier rejects; its message holds every fragment. Returns the message."""
        try:
            report = self.verify(doc, export, keys)
        except lv.VerifyError as e:
            message = str(e)
        else:
            self.fail("%s: a tampered statement was ACCEPTED (%s mode: %d lines, fines %s)"
                      % (case, "full" if export else "light", report.lines, money(report.fine)))
        for fragment in fragments:
            self.assertIn(fragment, message, "%s: rejected, but the message does not name %r"
                          % (case, fragment))
        return message


# =============================================================================================
# A demo ledger: honest statements and tampered ones.
# =============================================================================================

class DemoStatement(unittest.TestCase, VerifierAssertions):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()  # 0700: keys may live here, outside the data
        cls.addClassCleanup(cls.tmp.cleanup)
        d = cls.tmp.name
        cls.data = os.path.join(d, "data")
        run([LEDGERCTL, "demo", "--data", cls.data, "--complaints", "150", "--seed", "3",
             "--no-serve"])
        cls.key, cls.other_key = os.path.join(d, "key"), os.path.join(d, "other-key")
        cls.vkey = run([LEDGERCTL, "keys", "generate", "--origin", ORIGIN, "--out",
                        cls.key]).strip()
        cls.other_vkey = run([LEDGERCTL, "keys", "generate", "--origin", ORIGIN, "--out",
                              cls.other_key]).strip()
        cls.note = run([LEDGERCTL, "--data", cls.data, "checkpoint", "--signing-key", cls.key])
        # The same checkpoint (same tree) signed by another key of the same name (case k): the
        # ledger would not sign with a key it does not record, so the test signs it itself.
        cls.other_note = sign_note(cls.note.split("\n\n", 1)[0] + "\n", cls.other_key)
        cls.size = lv.verify_note(cls.note, [cls.vkey]).size

        # The range statement, published; the single month at the same checkpoint.
        cls.path = os.path.join(d, "s.json")
        cls.published = run([LEDGERCTL, "--data", cls.data, "statement", "--from-month",
                             FROM_MONTH, "--to-month", TO_MONTH, "--out", cls.path, "--publish"])
        cls.month_path = os.path.join(d, "month.json")
        run([LEDGERCTL, "--data", cls.data, "statement", "--month", "2026-08", "--size",
             str(cls.size), "--out", cls.month_path])
        # A second statement of the same period, at a later checkpoint (which holds the first
        # publication), published too.
        run([LEDGERCTL, "--data", cls.data, "checkpoint", "--signing-key", cls.key])
        cls.path2 = os.path.join(d, "s2.json")
        cls.published2 = run([LEDGERCTL, "--data", cls.data, "statement", "--from-month",
                              FROM_MONTH, "--to-month", TO_MONTH, "--out", cls.path2,
                              "--publish"])
        cls.export = os.path.join(d, "all.jsonl")
        run([LEDGERCTL, "--data", cls.data, "export", "--out", cls.export])

        with open(cls.path, "rb") as f:
            cls.raw = f.read()
        with open(cls.month_path, "rb") as f:
            cls.month_raw = f.read()
        with open(cls.path2, "rb") as f:
            cls.raw2 = f.read()
        cls.doc = json.loads(cls.raw)
        cls.events = decode_events(cls.doc)
        cls.streams = by_stream(cls.events)
        cls.export_objs = read_export(cls.export)

    def tampered(self):
        return copy.deepcopy(self.doc)

    def lines_of(self, doc, complaint):
        return [l for l in doc["lines"] if l["complaint"] == complaint]

    def charged_line(self, doc=None, department="property"):
        """A line with an amount, not waived, charging `department`, of a complaint whose
        events do not hold the statement's last event."""
        doc = doc or self.doc
        last = self.events[doc["size"]]["streamId"]
        for i, l in enumerate(doc["lines"]):
            if l["amount"] > 0 and not l["waived"] and department in l["departments"] and \
                    l["complaint"] != last:
                return i, l
        self.fail("no charged line")

    # -- 1. The honest statement. ---------------------------------------------------------

    def test_honest_statement_light_and_full(self):
        self.assertEqual((self.doc["kind"], self.doc["format"], self.doc["from_month"],
                          self.doc["to_month"], self.doc["size"], self.doc["checkpoint"]),
                         ("fine_statement", 1, FROM_MONTH, TO_MONTH, self.size, self.note))
        self.assertGreater(len(self.doc["lines"]), 50)
        self.assertTrue(any(l["waived"] for l in self.doc["lines"]))
        # ledgerctl fines, known at the recordedAt of the checkpoint's last event.
        last = [o for o in self.export_objs
                if o.get("kind") == "event" and o["position"] == self.size][0]
        self.assertEqual(fr.parse_rfc3339(last["recorded_at"]), self.doc["at"])
        fines = json.loads(run([LEDGERCTL, "--data", self.data, "fines", "--format", "json",
                                "--from-month", FROM_MONTH, "--to-month", TO_MONTH,
                                "--known-at", last["recorded_at"]]))
        for key in ("total", "waived", "by_department", "lines"):
            self.assertIn(key, fines)
        self.assertEqual(fr.parse_rfc3339(fines["evaluated"]["known_at"]),
                         self.doc["at"])
        self.assertEqual([l["id"] for l in fines["lines"]], [l["id"] for l in self.doc["lines"]])
        self.assertEqual((fen(fines["total"]), fen(fines["waived"])),
                         (self.doc["total"]["fine"], self.doc["total"]["waived"]))
        by_department = {d["name"]: (fen(d["total"]), fen(d["waived"]), d["lines"])
                         for d in fines["by_department"]}
        self.assertEqual(by_department, {d["department"]: (d["fine"], d["waived"], d["lines"])
                                         for d in self.doc["departments"]})

        expected = "fines %s, waived %s" % (fines["total"], fines["waived"])
        rc, out, err = verifier_cli("statement", self.path, "--key", self.vkey)
        self.assertEqual(rc, 0, err)
        self.assertIn(expected, out)
        self.assertIn("light mode", out)
        self.assertIn("sha256 " + hashlib.sha256(self.raw).hexdigest(), out)
        rc, out, err = verifier_cli("statement", self.path, "--key", self.vkey, "--export",
                                    self.export, "--department", "property")
        self.assertEqual(rc, 0, err)
        self.assertIn(expected, out)
        self.assertIn("the whole log gives no other line and the same heads", out)
        total, waived, count = by_department["property"]
        self.assertIn("  property: %d lines, fines %s, waived %s" % (count, money(total),
                                                                     money(waived)), out)
        self.assertNotIn("customer_service", out)
        # The command line's rejection and usage exits.
        bad = os.path.join(self.tmp.name, "bad.json")
        doc = self.tampered()
        doc["total"]["fine"] += 100
        with open(bad, "wb") as f:
            f.write(dumps(doc))
        rc, out, err = verifier_cli("statement", bad, "--key", self.vkey)
        self.assertEqual((rc, out), (1, ""))
        self.assertEqual(len(err.strip().splitlines()), 1)
        self.assertTrue(err.startswith("ledger_verify: rejected: the total is"), err)
        rc, _, _ = verifier_cli("statement", self.path, "--key", self.vkey, "--export", "-")
        self.assertEqual(rc, 2)

    def test_reserialized_statement_is_accepted(self):
        """The baseline of every tampered case: the parsed file, serialized again, verifies (so
        a rejection below is the tampering's, not the serialization's)."""
        report = self.verify(self.doc)
        self.assertFalse(report.full)
        self.assertEqual((report.lines, report.fine, report.waived, report.sum_root),
                         (len(self.doc["lines"]), self.doc["total"]["fine"],
                          self.doc["total"]["waived"], self.doc["sum_root"]["hash"]))
        # And the sums this test recomputes for forgeries are the ledger's own.
        self.assertEqual(resum(self.tampered()), self.doc)
        self.assertTrue(self.verify(self.raw, export=self.export).full)

    def test_published_events(self):
        published = [o for o in self.export_objs
                     if o.get("kind") == "event" and o.get("type") == "FineStatementPublished"]
        self.assertEqual([(o["stream"], o["version"], o["position"]) for o in published],
                         [("statements", 1, self.size + 1), ("statements", 2, self.size + 2)])
        self.assertIn("published at position %d" % (self.size + 1), self.published)
        self.assertIn("published at position %d" % (self.size + 2), self.published2)
        decoded = envelopes.decode_envelopes([base64.b64decode(o["canonical"])
                                              for o in published])
        shas = []
        for obj, event, raw in zip(published, decoded, (self.raw, self.raw2)):
            doc = json.loads(raw)
            sha = hashlib.sha256(raw).hexdigest()
            shas.append(sha)
            self.assertEqual(obj["payload"], {
                "from_month": FROM_MONTH, "to_month": TO_MONTH, "tree_size": doc["size"],
                "tree_root": checkpoint_root_hex(doc["checkpoint"]), "statement_sha256": sha,
                "sum_root": base64.b64decode(doc["sum_root"]["hash"]).hex(),
                "fines": money(doc["total"]["fine"]), "waived": money(doc["total"]["waived"]),
                "heads_root": base64.b64decode(doc["heads"]["root"]).hex(),
                "lines": doc["total"]["lines"]})
            p = event["payload"]["statementPublished"]
            self.assertEqual((p["statementSha256"], p["sumRoot"], p["fines"], p["waived"],
                              p["treeSize"]),
                             (sha, obj["payload"]["sum_root"], doc["sum_root"]["fine"],
                              doc["sum_root"]["waived"], doc["size"]))
            self.assertEqual(self.verify(raw).statement_sha256, sha)
        # The second publication did not replace the first: two events, two statements.
        self.assertNotEqual(shas[0], shas[1])
        self.assertEqual(json.loads(self.raw2)["size"], self.size + 1)

    def test_published_bundle_ties_the_file_to_the_log(self):
        # A proof bundle of the publication event (against the latest checkpoint, which covers
        # it) shows the ledger published exactly this file.
        bundle = os.path.join(self.tmp.name, "published.proof")
        later = os.path.join(self.tmp.name, "later-data")
        shutil.copytree(self.data, later)
        run([LEDGERCTL, "--data", later, "checkpoint", "--signing-key", self.key])
        run([LEDGERCTL, "--data", later, "prove", str(self.size + 1), "--out", bundle])
        code, out, err = verifier_cli("statement", self.path, "--key", self.vkey,
                                      "--published", bundle)
        self.assertEqual(code, 0, err)
        self.assertIn("published by the ledger at position %d" % (self.size + 1), out)
        # The other statement's publication does not name this file.
        other = os.path.join(self.tmp.name, "published2.proof")
        run([LEDGERCTL, "--data", later, "prove", str(self.size + 2), "--out", other])
        code, out, err = verifier_cli("statement", self.path, "--key", self.vkey,
                                      "--published", other)
        self.assertEqual(code, 1, out)
        self.assertIn("records statementSha256", err)
        # Nor does an event of another type.
        third = os.path.join(self.tmp.name, "not-published.proof")
        run([LEDGERCTL, "--data", later, "prove", str(self.size), "--out", third])
        code, out, err = verifier_cli("statement", self.path, "--key", self.vkey,
                                      "--published", third)
        self.assertEqual(code, 1, out)
        self.assertIn("not a FineStatementPublished", err)

    # -- 2. A single month at the same checkpoint. -----------------------------------------

    def test_single_month_statement(self):
        month = json.loads(self.month_raw)
        report = self.verify(self.month_raw)
        self.assertEqual((month["from_month"], month["to_month"], month["size"], month["at"],
                          month["checkpoint"]),
                         ("2026-08", "2026-08", self.size, self.doc["at"], self.note))
        self.assertGreater(report.lines, 5)
        by_id = {l["id"]: l for l in self.doc["lines"]}
        for line in month["lines"]:
            self.assertEqual(line, by_id.get(line["id"]), line["id"])
        self.assertEqual([l["id"] for l in month["lines"]],
                         [l["id"] for l in self.doc["lines"]
                          if month["start"] <= l["accrued"] < month["end"]])
        rc, out, err = verifier_cli("statement", self.month_path, "--key", self.vkey,
                                    "--export", self.export)
        self.assertEqual(rc, 0, err)
        self.assertIn("fine statement 2026-08..2026-08", out)

    # -- 4. Tampering, case by case. ------------------------------------------------------

    def test_a_amount_changed(self):
        doc = self.tampered()
        i, line = self.charged_line(doc)
        line["amount"] += 10000
        self.assertRejected("a", doc, "complaint %s, line %s: 'amount'" % (line["complaint"],
                                                                          line["id"]))

    def test_b_amount_changed_with_consistent_sums(self):
        doc = self.tampered()
        i, line = self.charged_line(doc)
        line["amount"] += 10000
        resum(doc)
        self.assertEqual(doc["total"]["fine"], self.doc["total"]["fine"] + 10000)
        self.assertRejected("b", doc, "complaint %s, line %s: 'amount'" % (line["complaint"],
                                                                          line["id"]))
        self.assertRejected("b, full", doc, "line %s: 'amount'" % line["id"],
                            export=self.export)

    def test_c_line_removed(self):
        doc = self.tampered()
        i, line = self.charged_line(doc)
        del doc["lines"][i]
        resum(doc)
        self.assertRejected("c", doc, "complaint %s: the statement lists" % line["complaint"],
                            "left out: %s" % line["id"])

    def test_d_waived_flipped(self):
        doc = self.tampered()
        i, line = self.charged_line(doc)
        line["waived"] = True
        self.assertRejected("d", doc, "line %s: 'waived'" % line["id"])
        resum(doc)
        self.assertRejected("d, sums recomputed", doc, "line %s: 'waived'" % line["id"])
        doc = self.tampered()
        waived = [l for l in doc["lines"] if l["waived"]][0]
        waived["waived"] = False
        resum(doc)
        self.assertRejected("d, unwaived", doc, "line %s: 'waived'" % waived["id"])

    def test_e_total_altered(self):
        for key, delta in (("fine", 100), ("waived", -100), ("lines", 1)):
            doc = self.tampered()
            doc["total"][key] += delta
            self.assertRejected("e " + key, doc, "the total is")

    def test_f_department_altered(self):
        doc = self.tampered()
        entry = [d for d in doc["departments"] if d["department"] == "property"][0]
        entry["fine"] += 10000
        self.assertRejected("f", doc, "department property")
        doc = self.tampered()
        del doc["departments"][0]
        self.assertRejected("f, removed", doc, "department %s"
                            % self.doc["departments"][0]["department"])

    def test_f_duplicate_department_entry(self):
        """A department listed twice, the first entry with made-up totals (171.00 more than the
        lines give), the second the true one. Found once (a later entry replaced the earlier):
        departments are listed once each, in order."""
        doc = self.tampered()
        i = [d["department"] for d in doc["departments"]].index("property")
        bogus = dict(doc["departments"][i], fine=doc["departments"][i]["fine"] + 17100)
        doc["departments"].insert(i, bogus)
        self.assertRejected("f, duplicated department", doc, "property")

    def test_g_sum_root_altered(self):
        doc = self.tampered()
        doc["sum_root"]["hash"] = flip_b64(doc["sum_root"]["hash"], 5)
        self.assertRejected("g", doc, "the sum root's hash")
        for key in ("fine", "waived"):
            doc = self.tampered()
            doc["sum_root"][key] += 100
            self.assertRejected("g " + key, doc, "the sum root's totals")
        doc = self.tampered()
        doc["sum_root"]["leaves"] -= 1
        self.assertRejected("g leaves", doc, "leaves")

    def waiver(self):
        """A complaint whose last event is a FineWaived waiving one of the statement's lines."""
        for stream, events in sorted(self.streams.items()):
            last = events[-1]
            waived = [l for l in self.doc["lines"] if l["complaint"] == stream and l["waived"]
                      and l["waiver_position"] == last["position"]]
            if last["type"] == "FineWaived" and waived and len(events) > 1 and \
                    self.doc["size"] != last["position"]:
                return stream, events, waived
        self.fail("no complaint ends with a waiver of a listed line")

    def test_h_waiver_left_out(self):
        stream, events, waived = self.waiver()
        version, position = events[-2]["streamVersion"], events[-2]["position"]
        # The waiver removed, its head lowered to the event before, the line shown unwaived.
        doc = self.tampered()
        doc["events"] = [e for e in doc["events"] if e["position"] != events[-1]["position"]]
        cited = [c for c in doc["heads"]["cited"] if c["stream"] == stream][0]
        cited.update(version=version, position=position)
        for l in self.lines_of(doc, stream):
            if l["waived"]:
                l.update(waived=False, waiver_position=0)
        resum(doc)
        self.assertRejected("h, head lowered", doc, "stream %s: heads leaf %d is not its head"
                            % (stream, cited["heads_index"]))
        # Also the head leaf replaced by the lowered one (its proof no longer leads to the root).
        leaf = [l for l in doc["heads"]["leaves"] if l["index"] == cited["heads_index"]][0]
        leaf["leaf"] = b64(st.head_leaf(stream, version, position))
        self.assertRejected("h, head leaf replaced", doc,
                            "heads leaf %d: its inclusion proof fails" % cited["heads_index"])
        # Only the event removed, the head kept.
        doc = self.tampered()
        doc["events"] = [e for e in doc["events"] if e["position"] != events[-1]["position"]]
        self.assertRejected("h, event removed", doc, "stream %s: its head is version %d"
                            % (stream, version + 1), "missing %d" % (version + 1))

    def test_h_waiver_left_out_with_a_forged_heads_tree(self):
        """A limit of light mode, documented (docs/verify.md): nothing signed binds the heads
        tree but the whole log. A forger drops a complaint's last event (a FineWaived), lowers its
        head, and rebuilds the whole heads tree (sorted, both sentinels, every stream's head,
        valid proofs against the new root), shows the waived line as not waived and recomputes
        the sums: light mode accepts it; --export rejects it, and a published statement's event
        would record the forged root for anyone to find."""
        stream, events, waived = self.waiver()
        doc = self.tampered()
        doc["events"] = [e for e in doc["events"] if e["position"] != events[-1]["position"]]
        heads = {}
        for o in self.export_objs:
            if o.get("kind") == "event" and o["position"] <= doc["size"]:
                heads[o["stream"]] = (o["version"], o["position"])
        heads[stream] = (events[-2]["streamVersion"], events[-2]["position"])
        doc["heads"] = forged_heads(heads, [c["stream"] for c in doc["heads"]["cited"]])
        for l in self.lines_of(doc, stream):
            if l["waived"]:
                l.update(waived=False, waiver_position=0)
        resum(doc)
        self.assertGreater(doc["total"]["fine"], self.doc["total"]["fine"])
        self.assertRejected("h, forged heads tree, full", doc, "the heads tree is not the one",
                            export=self.export)
        self.verify(doc)  # light mode: accepted (the limit the docs state)

    def cited_event(self):
        """An event of a cited complaint (not the last event of the statement)."""
        line = self.charged_line()[1]
        return self.streams[line["complaint"]][1]["position"]

    def test_i_event_bytes_flipped(self):
        position = self.cited_event()
        doc = self.tampered()
        entry = [e for e in doc["events"] if e["position"] == position][0]
        entry["canonical"] = flip_b64(entry["canonical"],
                                      len(base64.b64decode(entry["canonical"])) // 2)
        self.assertRejected("i", doc, "the event at position %d: its inclusion proof fails"
                            % position)

    def test_j_event_proof_altered(self):
        position = self.cited_event()
        doc = self.tampered()
        entry = [e for e in doc["events"] if e["position"] == position][0]
        entry["proof"][0] = flip_b64(entry["proof"][0], 7)
        self.assertRejected("j", doc, "the event at position %d: its inclusion proof fails"
                            % position)
        doc = self.tampered()
        entry = [e for e in doc["events"] if e["position"] == position][0]
        del entry["proof"][-1]
        self.assertRejected("j, shorter", doc, "the event at position %d" % position)

    def test_k_checkpoint_of_another_key(self):
        # The same log (a copy), the same origin, the same tree: only the key differs.
        other = lv.verify_note(self.other_note, [self.other_vkey])
        mine = lv.verify_note(self.note, [self.vkey])
        self.assertEqual((other.size, other.root), (mine.size, mine.root))
        doc = self.tampered()
        doc["checkpoint"] = self.other_note
        self.assertRejected("k", doc, "no known key signed the note")
        self.verify(doc, keys=[self.other_vkey])  # that key's reader accepts it

    def test_l_checkpoint_note_with_an_extra_line(self):
        note = self.doc["checkpoint"]
        body, sep, signatures = note.rpartition("\n\n")
        doc = self.tampered()
        doc["checkpoint"] = body + "\nextension line" + sep + signatures
        self.assertRejected("l, in the text", doc, "does not verify")
        doc = self.tampered()
        doc["checkpoint"] = note + "an extra line\n"
        self.assertRejected("l, after the signature", doc, "not a signature line")
        doc = self.tampered()
        doc["checkpoint"] = note.replace("\n", "\n\n", 1)
        self.assertRejected("l, an empty line", doc, "does not verify")

    def test_m_at_changed(self):
        for delta in (1, -1000000):
            doc = self.tampered()
            doc["at"] += delta
            self.assertRejected("m", doc, "'at' is %d" % doc["at"])

    def test_n_start_end_changed(self):
        for key, delta in (("start", -1), ("start", 1), ("end", 1), ("end", -86400000000)):
            doc = self.tampered()
            doc[key] += delta
            self.assertRejected("n " + key, doc, "'start'/'end'")
        # A later first month, its start consistent: the May lines lie outside it.
        doc = self.tampered()
        august = json.loads(self.month_raw)  # 2026-08, to reuse its start
        doc["from_month"], doc["start"] = "2026-08", august["start"]
        first = doc["lines"][0]
        self.assertRejected("n from_month", doc, "line %s: it accrued outside the period"
                            % first["id"])

    def test_n_month_spelled_another_way(self):
        """`from_month` "2026- 5" (or "2026-+5", "2026-5 "): not YYYY-MM. Found once (int()
        allows a sign and spaces); one bit flipped in "05" gives "2026- 5"."""
        for spelling in ("2026- 5", "2026-+5", "2026-5 "):
            doc = self.tampered()
            doc["from_month"] = spelling
            self.assertRejected("n, from_month %r" % spelling, doc, "month")

    def test_o_complaint_left_out(self):
        """The documented limit of light mode: a complaint left out entirely (lines, events,
        cited head, heads leaves) is not seen without the whole log; --export finds it."""
        line = self.charged_line()[1]
        doc = drop_complaint(self.tampered(), line["complaint"], self.streams)
        report = self.verify(doc)  # light mode accepts (statement.py's docstring says so)
        self.assertEqual(report.lines, len(self.doc["lines"]) - len(self.lines_of(self.doc,
                                                                              line["complaint"])))
        first = sorted(l["id"] for l in self.lines_of(self.doc, line["complaint"]))[0]
        self.assertRejected("o, full", doc, "left out: %s" % first, export=self.export)

    def test_p_line_moved_to_another_complaint(self):
        doc = self.tampered()
        i, line = self.charged_line(doc)
        other = sorted({l["complaint"] for l in doc["lines"]} - {line["complaint"]})[0]
        line["complaint"] = other
        resum(doc)
        message = self.assertRejected("p", doc, "the statement lists")
        self.assertTrue(line["id"] in message or other in message, message)
        doc = self.tampered()
        doc["lines"][i]["complaint"] = "CMP-2026-999999"
        resum(doc)
        self.assertRejected("p, not cited", doc, "line %s: its complaint 'CMP-2026-999999' is "
                            "not a complaint cited" % line["id"])

    def test_p_line_moved_to_the_policy_stream(self):
        """A made-up line whose `complaint` is "policy" (a cited stream, but not a complaint):
        99,999.00 charged to the head of property, the sums recomputed. Found once: only lines
        of cited complaint streams are accepted, and each is recomputed."""
        doc = self.tampered()
        line = dict(self.charged_line(doc)[1], complaint="policy", id="policy:made-up",
                    amount=9999900, people=["u-head-property"], departments=["property"])
        doc["lines"].append(line)
        resum(sort_lines(doc))
        self.assertRejected("p, full", doc, "policy:made-up", export=self.export)
        self.assertRejected("p, policy line, light", doc, "policy:made-up")

    def test_o_complaint_left_out_and_its_lines_moved_to_the_policy_stream(self):
        """A complaint left out (events, cited head, heads leaves), its lines kept with the same
        ids but `complaint` "policy" and every amount 50,000.00, the sums recomputed. Found once
        (also in full mode, which compares whole lines): lines must be of cited complaints."""
        line = self.charged_line()[1]
        complaint = line["complaint"]
        doc = self.tampered()
        kept = copy.deepcopy(self.lines_of(doc, complaint))
        drop_complaint(doc, complaint, self.streams)
        for l in kept:
            l["complaint"] = "policy"
            if l["amount"] > 0:
                l["amount"] = 5000000
        doc["lines"] += kept
        resum(sort_lines(doc))
        self.assertGreater(doc["total"]["fine"], self.doc["total"]["fine"])
        self.assertRejected("o/p, policy lines, full", doc, line["id"], export=self.export)

    def test_q_line_duplicated(self):
        doc = self.tampered()
        i, line = self.charged_line(doc)
        doc["lines"].insert(i + 1, copy.deepcopy(line))
        resum(doc)
        self.assertRejected("q", doc, "a line id is listed twice")

    def test_r_lines_reordered(self):
        doc = self.tampered()
        lines = doc["lines"]
        i = next(i for i in range(len(lines) - 1) if lines[i]["accrued"] != lines[i + 1]["accrued"])
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
        self.assertRejected("r", doc, "the lines are not ordered")
        doc = self.tampered()
        doc["lines"].reverse()
        self.assertRejected("r, reversed", doc, "the lines are not ordered")

    def test_s_duplicate_keys(self):
        text = self.raw.decode("utf-8")
        self.assertIn('"kind":"fine_statement"', text)
        once = text.replace('"kind":"fine_statement"',
                            '"kind":"fine_statement","kind":"fine_statement"', 1)
        self.assertRejected("s, top level", once.encode(), "'kind' appears twice")
        line = self.charged_line()[1]
        needle = '"id":"%s","complaint":"%s","rule":"%s","amount":%d' % (
            line["id"], line["complaint"], line["rule"], line["amount"])
        self.assertIn(needle, text)
        twice = text.replace(needle, needle + ',"amount":%d' % line["amount"], 1)
        self.assertRejected("s, in a line", twice.encode(), "'amount' appears twice")
        # The form a naive reader would take: the later value wins.
        sneaky = text.replace(needle, needle[:needle.rindex(":") + 1] + "1,"
                              + needle[needle.rindex('"amount"'):], 1)
        self.assertEqual(json.loads(sneaky)["lines"], self.doc["lines"])
        self.assertRejected("s, an earlier value", sneaky.encode(), "'amount' appears twice")

    def test_size_and_last_event(self):
        doc = self.tampered()
        doc["size"] -= 1
        self.assertRejected("size", doc, "the statement says size %d" % (self.size - 1))
        doc = self.tampered()
        doc["events"] = [e for e in doc["events"] if e["position"] != self.size]
        self.assertRejected("last event", doc, "the event at position %d" % self.size,
                            "not given")

    # -- 5. Random bit flips. -------------------------------------------------------------

    def test_random_byte_flips(self):
        """200 single-bit flips (seeded) of the statement file: half anywhere in the file (which
        is mostly events: base64 and proofs), half before its "events" member (the months, times,
        checkpoint, lines, sums and heads). Each is rejected, or leaves the parsed JSON the same
        but for a line's free-text `reason` (its value, or its key's spelling)."""
        raw = self.raw
        original = json.loads(raw)
        events_at = raw.index(b',"events":')
        rng = random.Random(20260507)
        keep = set(st.LINE_FIELDS)

        def semantic(doc):
            doc = copy.deepcopy(doc)
            doc["lines"] = [{k: v for k, v in l.items() if k in keep}
                            for l in doc.get("lines", [])]
            return doc

        rejected, accepted, reasons = 0, [], collections.Counter()
        for n in range(200):
            offset = rng.randrange(len(raw) if n % 2 else events_at)
            mutated = bytearray(raw)
            mutated[offset] ^= 1 << rng.randrange(8)
            try:
                self.verify(bytes(mutated))
            except lv.VerifyError as e:
                rejected += 1
                reasons[re.sub(r"[0-9]+", "N", str(e))[:40]] += 1
                continue
            accepted.append((offset, bytes(mutated)))
        sys.stderr.write("\nrandom flips: %d of 200 rejected, %d accepted; top reasons: %s\n"
                         % (rejected, len(accepted), reasons.most_common(4)))
        for offset, mutated in accepted:
            doc = json.loads(mutated)
            self.assertEqual(semantic(doc), semantic(original),
                             "a flip at byte %d was accepted and changed more than a reason: %r"
                             % (offset, raw[max(0, offset - 40):offset + 40]))
        self.assertGreater(rejected, 150)


# =============================================================================================
# An imported ledger: 1300.00 for ten days late; statements at an older checkpoint.
# =============================================================================================

CS = {"id": "u-cs-01", "role": "cs_agent", "department": "customer_service"}
HANDLER = {"id": "u-handler-property-1", "role": "handler", "department": "property"}
HEAD = {"id": "u-head-property", "role": "dept_head", "department": "property"}
DEPUTY_GM = {"id": "u-deputy-gm", "role": "deputy_gm", "department": ""}


def act(kind, ref, actor, at, **fields):
    a = {"type": kind, "actor": actor, "occurred_at": at}
    if ref is not None:
        a["complaint"] = "ref:" + ref
    a.update(fields)
    return a


def receive(ref, at, actor=CS, **fields):
    a = act("receive", None, actor, at, channel="hotline", project="p-lakeside",
            complainant={"name": "Customer " + ref,
                         "phone": "138%08d" % (zlib.crc32(ref.encode()) % 10 ** 8)},
            subject="Water leak", description="A water leak in the unit",
            receiving_department=actor["department"], external_ref=ref)
    a.update(fields)
    return a


def handled(ref, day):
    """Received at 10:00 by customer service, assessed, classified, assigned, answered, planned
    and the plan approved within the hour and a half: nothing late before the closure."""
    at = lambda hhmm: "%sT%s:00+08:00" % (day, hhmm)  # noqa: E731
    return [receive(ref, at("10:00")),
            act("assess_validity", ref, CS, at("10:05"), valid=True),
            act("classify", ref, CS, at("10:10"), category="property_service"),
            act("assign", ref, CS, at("10:20"), department="property", handler=HANDLER["id"]),
            act("respond", ref, CS, at("10:30"), channel="phone", summary="called back"),
            act("propose_plan", ref, HANDLER, at("11:00"), plan_type="repair",
                description="fix the pipe"),
            act("review_plan", ref, HEAD, at("11:30"), approved=True)]


def close(ref, at):
    return act("close", ref, CS, at, basis="plan_issued_no_agreement")


class ImportedStatement(unittest.TestCase, VerifierAssertions):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.tmp.cleanup)
        d = cls.tmp.name
        cls.data = os.path.join(d, "data")
        cls.key = os.path.join(d, "key")
        cls.vkey = run([LEDGERCTL, "keys", "generate", "--origin", ORIGIN, "--out",
                        cls.key]).strip()
        # Due Friday 2026-03-06 10:00 (property service: 3 days), closed exactly 10 days later;
        # another complaint closed in time.
        cls.import_actions(handled("LATE-10D", "2026-03-03")
                           + [close("LATE-10D", "2026-03-16T10:00:00+08:00")]
                           + handled("ON-TIME", "2026-03-03")
                           + [close("ON-TIME", "2026-03-05T10:00:00+08:00")], "phase1")
        cls.old_note = run([LEDGERCTL, "--data", cls.data, "checkpoint", "--signing-key",
                            cls.key])
        cls.old_size = lv.verify_note(cls.old_note, [cls.vkey]).size
        cls.old_raw = cls.statement("old.json")
        cls.complaint = json.loads(cls.old_raw)["lines"][0]["complaint"]
        # One more action, then a newer checkpoint: the third day waived.
        cls.import_actions([act("waive_fine", "LATE-10D", DEPUTY_GM, "2026-03-20T10:00:00+08:00",
                                fine=cls.complaint + ":closure_overdue:c0:d3",
                                reason="the customer was away for a day")], "phase2")
        cls.new_note = run([LEDGERCTL, "--data", cls.data, "checkpoint", "--signing-key",
                            cls.key])
        cls.new_size = lv.verify_note(cls.new_note, [cls.vkey]).size
        cls.new_raw = cls.statement("new.json")
        cls.old_again_raw = cls.statement("old-again.json", "--size", str(cls.old_size))

    @classmethod
    def import_actions(cls, actions, name):
        path = os.path.join(cls.tmp.name, name + ".jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for a in actions:
                f.write(json.dumps(a, ensure_ascii=False) + "\n")
        run([LEDGERCTL, "--data", cls.data, "import", path])

    @classmethod
    def statement(cls, name, *extra):
        path = os.path.join(cls.tmp.name, name)
        run([LEDGERCTL, "--data", cls.data, "statement", "--month", "2026-03", "--out", path]
            + list(extra))
        with open(path, "rb") as f:
            return f.read()

    def test_ten_days_late_is_1300(self):
        report = self.verify(self.old_raw)
        doc = json.loads(self.old_raw)
        lines = [l for l in doc["lines"] if l["complaint"] == self.complaint]
        self.assertEqual([l["id"] for l in lines],
                         ["%s:closure_overdue:c0:d%d" % (self.complaint, d) for d in range(1, 11)])
        self.assertEqual([l["day"] for l in lines], ["2026-03-%02d" % d for d in range(6, 16)])
        self.assertEqual([l["amount"] for l in lines], [10000] * 7 + [20000] * 3)
        self.assertEqual(sum(l["amount"] for l in lines), 130000)
        self.assertEqual(len(doc["lines"]), 10)  # the other complaint: nothing late
        self.assertEqual((report.fine, report.waived, doc["total"]),
                         (130000, 0, {"fine": 130000, "waived": 0, "lines": 10}))
        self.assertEqual(doc["departments"], [{"department": "property", "fine": 130000,
                                               "waived": 0, "lines": 10}])
        self.assertEqual(sorted(c["stream"] for c in doc["heads"]["cited"]),
                         sorted([self.complaint, "policy"]))
        path = os.path.join(self.tmp.name, "old.json")
        rc, out, err = verifier_cli("statement", path, "--key", self.vkey)
        self.assertEqual(rc, 0, err)
        self.assertIn("fines 1300.00, waived 0.00", out)
        # The waiver, at the newer checkpoint: the third day kept, marked, not counted.
        doc = json.loads(self.new_raw)
        report = self.verify(self.new_raw)
        self.assertEqual([l["waived"] for l in doc["lines"]], [False, False, True] + [False] * 7)
        waiver = [p for p, e in decode_events(doc).items() if e["type"] == "FineWaived"]
        self.assertEqual(len(waiver), 1)
        self.assertEqual(doc["lines"][2]["waiver_position"], waiver[0])
        self.assertEqual((report.fine, report.waived), (120000, 10000))

    def test_t_older_checkpoint(self):
        old, new = json.loads(self.old_raw), json.loads(self.new_raw)
        self.assertEqual((old["size"], new["size"]), (self.old_size, self.new_size))
        self.assertLess(self.old_size, self.new_size)
        # Made at the older size after the appends: the same statement, accepted.
        self.assertEqual(self.old_again_raw, self.old_raw)
        self.verify(self.old_again_raw)
        # The newer checkpoint's note spliced in: rejected; with its size too: the proofs fail.
        doc = copy.deepcopy(old)
        doc["checkpoint"] = self.new_note
        self.assertRejected("t", doc, "the statement says size %d, its checkpoint %d"
                            % (self.old_size, self.new_size))
        doc["size"] = self.new_size
        self.assertRejected("t, size too", doc, "position")
        # And the other way round: the newer statement with the older note.
        doc = copy.deepcopy(new)
        doc["checkpoint"] = self.old_note
        self.assertRejected("t, older note", doc, "the statement says size %d, its checkpoint %d"
                            % (self.new_size, self.old_size))
        # The newer statement without its waiver: rejected.
        doc = copy.deepcopy(new)
        waiver = [p for p, e in decode_events(doc).items() if e["type"] == "FineWaived"][0]
        doc["events"] = [e for e in doc["events"] if e["position"] != waiver]
        self.assertRejected("t, waiver left out", doc, "stream %s: its head is version"
                            % self.complaint)


def main():
    global REPO, LEDGERCTL, lv, st, envelopes, fr
    parser = argparse.ArgumentParser()
    parser.add_argument("repo")
    parser.add_argument("ledgerctl_path", nargs="?")
    parser.add_argument("--ledgerctl")
    args, rest = parser.parse_known_args()
    REPO = os.path.abspath(args.repo)
    LEDGERCTL = args.ledgerctl or args.ledgerctl_path or os.path.join(
        REPO, "build", "tools", "ledgerctl", "ledgerctl")
    if not os.access(LEDGERCTL, os.X_OK):
        sys.exit("statement_test: no ledgerctl at %s (give its path)" % LEDGERCTL)
    sys.path.insert(0, os.path.join(REPO, "tools", "verifier"))
    import ledger_verify as lv_module  # noqa: E402 (the modules under test)
    import statement as statement_module  # noqa: E402
    import envelopes as envelopes_module  # noqa: E402
    import fine_rules as fine_rules_module  # noqa: E402
    lv, st, envelopes, fr = lv_module, statement_module, envelopes_module, fine_rules_module
    started = time.monotonic()
    program = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    sys.stderr.write("statement_test: %.1f s\n" % (time.monotonic() - started))
    sys.exit(0 if program.result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
