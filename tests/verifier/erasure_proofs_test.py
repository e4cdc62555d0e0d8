#!/usr/bin/env python3
"""After an erasure, every proof and every fine statement still verifies (docs/privacy.md).

A demo ledger generated sealed (`ledgerctl demo --kek`), served with a policy whose retention
period is 0 years, so that a subject whose complaints are all closed is erased at once:

* before the erasure: a signed checkpoint, a proved fine statement over the demo's months and the
  offline proof bundle (C2SP tlog-proof) of the subject's complaint's intake event, each accepted
  by the independent verifier (tools/verifier/ledger_verify.py, no code of the ledger);
* the erasure (`POST /v1/privacy/actions` request_erasure, outcome "erased"): the ticket shows
  "[erased]";
* after it: the statement and the bundle made before still verify; a new checkpoint's statement
  over the same months verifies with the same totals; the intake's proof against the new
  checkpoint verifies and carries the same event bytes as before (the erasure changed no byte of
  the log); `ledgerctl verify` passes.

Usage: erasure_proofs_test.py --ledgerctl LEDGERCTL REPO_ROOT
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ORIGIN = "test.example/ledger"
FROM_MONTH, TO_MONTH = "2026-05", "2026-11"


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise AssertionError("%s exited %d: %s%s" % (" ".join(cmd), r.returncode,
                                                     r.stdout[-2000:], r.stderr[-2000:]))
    return r.stdout


def verifier(repo, *args):
    r = subprocess.run([sys.executable, os.path.join(repo, "tools", "verifier", "ledger_verify.py")]
                       + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise AssertionError("the verifier refused %s: %s%s" % (args, r.stdout, r.stderr))
    return r.stdout


class Server:
    def __init__(self, ledgerctl, data, extra, tmp):
        self.log = open(os.path.join(tmp, "serve.log"), "w+")
        self.p = subprocess.Popen([ledgerctl, "--data", data, "serve", "--listen", "127.0.0.1:0",
                                   "--min-free-bytes", "0"] + extra,
                                  stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            self.log.seek(0)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", self.log.read())
            if m:
                self.base = "http://127.0.0.1:" + m.group(1)
                return
            if self.p.poll() is not None:
                break
            time.sleep(0.1)
        self.log.seek(0)
        raise AssertionError("serve did not start: " + self.log.read()[-2000:])

    def call(self, method, path, token, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        if self.p.wait(timeout=60) != 0:
            self.log.seek(0)
            raise AssertionError("serve exited %d: %s" % (self.p.returncode, self.log.read()[-2000:]))


def extra_line(bundle_path):
    with open(bundle_path) as f:
        return [line for line in f.read().splitlines() if line.startswith("extra ")]


def totals(statement_output):
    m = re.search(r"fines [0-9.]+, waived [0-9.]+", statement_output)
    assert m, statement_output
    return m.group(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ledgerctl", required=True)
    ap.add_argument("repo")
    args = ap.parse_args()
    ctl, repo = args.ledgerctl, args.repo
    with tempfile.TemporaryDirectory() as tmp:
        data, kek = os.path.join(tmp, "data"), os.path.join(tmp, "ledger.kek")
        key = os.path.join(tmp, "signing.key")
        run([ctl, "keystore", "new-kek", "--out", kek])
        run([ctl, "--data", data, "demo", "--complaints", "80", "--seed", "3", "--kek", kek,
             "--no-serve"])
        vkey = run([ctl, "keys", "generate", "--origin", ORIGIN, "--out", key]).strip()
        auditor = run([ctl, "--data", data, "token", "add", "--actor", "u-audit", "--role",
                       "auditor"]).splitlines()[0]
        dpo = run([ctl, "--data", data, "token", "add", "--actor", "u-dpo", "--role",
                   "data_protection"]).splitlines()[0]
        with open(os.path.join(repo, "ledger", "domain", "default_policy.json")) as f:
            policy = json.load(f)
        policy["privacy"]["retention_years_after_closure"] = 0
        policy_file = os.path.join(tmp, "policy.json")
        with open(policy_file, "w") as f:
            json.dump(policy, f)

        # A subject whose complaints are all closed, and its complaint's intake position.
        server = Server(ctl, data, ["--kek", kek, "--policy", policy_file], tmp)
        chosen = None
        for c in server.call("GET", "/v1/complaints?status=closed&limit=50", auditor)["complaints"]:
            ticket = server.call("GET", "/v1/complaints/" + c["id"], auditor)
            subject = ticket["complainant"]["data_subject"]
            sar = server.call("GET", "/v1/privacy/subjects/" + subject, dpo)
            if all(x["closed_at"] for x in sar["complaints"]):
                events = server.call("GET", "/v1/complaints/%s/events" % c["id"], auditor)
                chosen = (c["id"], subject, events["events"][0]["position"])
                break
        server.stop()
        assert chosen, "no subject with every complaint closed in the demo"
        complaint, subject, intake = chosen

        def prove(tag):
            """A new signed checkpoint, the statement over the demo's months and the intake's
            proof bundle against it: their files."""
            run([ctl, "--data", data, "checkpoint", "--signing-key", key])
            statement = os.path.join(tmp, "statement-%s.json" % tag)
            bundle = os.path.join(tmp, "intake-%s.proof" % tag)
            run([ctl, "--data", data, "statement", "--from-month", FROM_MONTH, "--to-month",
                 TO_MONTH, "--out", statement])
            run([ctl, "--data", data, "prove", str(intake), "--out", bundle])
            return statement, bundle

        s1, b1 = prove("before")
        before = totals(verifier(repo, "statement", s1, "--key", vkey))
        verifier(repo, "inclusion", "--bundle", b1, "--key", vkey)

        server = Server(ctl, data, ["--kek", kek, "--policy", policy_file], tmp)
        erased = server.call("POST", "/v1/privacy/actions", dpo,
                             {"type": "request_erasure", "subject": subject, "reason": "asked"})
        assert erased["outcome"] == "erased", erased
        ticket = server.call("GET", "/v1/complaints/" + complaint, auditor)
        assert ticket["complainant"]["name"] == "[erased]", ticket["complainant"]
        server.stop()

        # What was proved before still verifies; what is proved now verifies, with the same bytes.
        assert totals(verifier(repo, "statement", s1, "--key", vkey)) == before
        verifier(repo, "inclusion", "--bundle", b1, "--key", vkey)
        s2, b2 = prove("after")
        after = totals(verifier(repo, "statement", s2, "--key", vkey))
        assert after == before, (before, after)
        verifier(repo, "inclusion", "--bundle", b2, "--key", vkey)
        assert extra_line(b1) == extra_line(b2) and extra_line(b1), "the intake's bytes changed"
        verified = run([ctl, "--data", data, "verify"])
        assert verified.startswith("ok"), verified
        print("ok: %s erased (complaint %s); statement %s before and after; the intake's proof "
              "verifies against both checkpoints with the same bytes" % (subject, complaint, before))


if __name__ == "__main__":
    main()
