#!/usr/bin/env python3
"""The verifier's own fine rules (tools/verifier/fine_rules.py) agree with the ledger.

* Counting rules on the worked examples of docs/clocks.md, with the default policy's calendar.
* Decoding (tools/verifier/envelopes.py): the canonical bytes of an export decode, through the
  `capnp` tool, to what the export's own JSON says; bad bytes and a missing tool are refused.
* Differential: demo ledgers (`ledgerctl demo`, several seeds), exported; every complaint's
  fine lines recomputed from the decoded canonical bytes alone, at several evaluation times T
  (the recordedAt of an event: the last, the middle, the quartiles), must equal, field by field,
  the lines of `ledgerctl fines --format json --known-at T` over every month of the policy.
* Scenarios built with `ledgerctl import` (past occurred_at times): closed exactly 10 days, and
  9 days and 1 hour, after the closure deadline (7 x 100.00 + 3 x 200.00 = 1300.00 in ten lines,
  dated on the right days), a waiver, a weekend, a holiday and a make-up-day intake, a safety
  risk, pauses (before and after the deadline, one ended by the closing), an approved extension,
  a level change after a miss, a late transmission, corrections (a closing time, the receiving
  staff), working days over Golden Week, and a reopening judged under a policy version published
  later (by `ledgerctl serve --policy`). Each asserts concrete values and agrees with ledgerctl.
* Refusals: what the engine cannot model raises FineRulesError naming the position.

Usage: fine_rules_test.py REPO_ROOT [LEDGERCTL] (or --ledgerctl LEDGERCTL)
"""
import argparse
import base64
import collections
import copy
import datetime
import json
import os
import select
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

sys.dont_write_bytecode = True

REPO = None
LEDGERCTL = None
fr = None         # tools/verifier/fine_rules.py
envelopes = None  # tools/verifier/envelopes.py

FIELDS = ("id", "complaint", "rule", "amount", "day", "accrued", "people", "departments",
          "derived", "reason", "evidence", "waived", "waiver_position")


def run(cmd, ok_codes=(0,)):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode not in ok_codes:
        raise AssertionError("%s exited %d: %s%s" % (" ".join(cmd), r.returncode,
                                                     r.stdout[-2000:], r.stderr[-2000:]))
    return r.stdout


def default_policy():
    with open(os.path.join(REPO, "ledger", "domain", "default_policy.json"), encoding="utf-8") as f:
        text = f.read()
    return text, fr.Policy(text, 1)


def t(text):
    return fr.parse_rfc3339(text)


H = 3600 * 1000000  # µs
DAY = 24 * H


# =============================================================================================
# A ledger directory driven through ledgerctl, read back through the verifier's own decoding.
# =============================================================================================

class Ledger:
    def __init__(self, data):
        self.data = data

    def demo(self, complaints, seed):
        run([LEDGERCTL, "--data", self.data, "demo", "--no-serve", "--complaints",
             str(complaints), "--seed", str(seed)])

    def import_actions(self, actions, name):
        path = self.data + "-" + name + ".jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for a in actions:
                f.write(json.dumps(a, ensure_ascii=False) + "\n")
        run([LEDGERCTL, "--data", self.data, "import", path])

    def export(self):
        """(export event lines, decoded envelopes), in position order."""
        path = self.data + "-export.jsonl"
        run([LEDGERCTL, "--data", self.data, "export", "--out", path])
        with open(path, encoding="utf-8") as f:
            objs = [json.loads(line) for line in f]
        lines = [o for o in objs if o.get("kind") == "event"]
        decoded = envelopes.decode_envelopes([base64.b64decode(o["canonical"]) for o in lines])
        return lines, decoded

    def fines(self, at, offset_min, months, option="--known-at"):
        """ledgerctl's lines as known at `at` (or, option "--as-of", as of the business time
        `at`), normalised like the engine's."""
        out = run([LEDGERCTL, "--data", self.data, "fines", "--format", "json", option,
                   fr.format_rfc3339(at, offset_min), "--from-month", months[0],
                   "--to-month", months[1]])
        return [normalise_ledger_line(line) for line in json.loads(out)["lines"]]

    def publish_policy(self, document_path):
        """Publishes a policy version the way an operator does: `serve --policy FILE`, which
        publishes it at start; the server is stopped once it listens."""
        p = subprocess.Popen([LEDGERCTL, "--data", self.data, "serve", "--policy", document_path,
                              "--listen", "127.0.0.1:0", "--no-ui"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            seen = ""
            while "listening on" not in seen:
                left = deadline - time.monotonic()
                if left <= 0 or p.poll() is not None:
                    raise AssertionError("serve did not start: " + seen + p.stderr.read())
                ready, _, _ = select.select([p.stdout], [], [], left)
                if ready:  # what the pipe holds (a buffered readline could keep a line back)
                    seen += os.read(p.stdout.fileno(), 65536).decode()
        finally:
            p.terminate()  # the server this test started, by its own handle
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            p.stdout.close()
            p.stderr.close()


def normalise_ledger_line(line):
    amount = -1 if line["amount"] is None else fr._parse_money(line["amount"], "amount")
    return {"id": line["id"], "complaint": line["complaint"], "rule": line["rule"],
            "amount": amount, "day": line["day"], "accrued": t(line["accrued_at"]),
            "people": line["people"], "departments": line["departments"],
            "derived": line["derived"], "reason": line["reason"], "evidence": line["evidence"],
            "waived": line["waived"],
            "waiver_position": line["waiver"]["event"] if line["waived"] else 0}


def streams_of(decoded, known_at=None):
    """The complaint streams, each with its events recorded at or before known_at (what
    `--known-at` folds), and every published policy version (the ledger reads them all)."""
    complaints = collections.OrderedDict()
    policies = []
    for e in decoded:
        if e["streamId"] == "policy":
            policies.append(e)
        elif e["streamId"].startswith("CMP-") and (known_at is None
                                                   or e["recordedAt"] <= known_at):
            complaints.setdefault(e["streamId"], []).append(e)
    return complaints, policies


def policy_months(policy_events):
    """The whole span a report may ask: first_year-01 .. last_year-12 of the latest version."""
    doc = json.loads(policy_events[-1]["payload"]["policyPublished"]["document"])
    cal = doc["calendar"]
    return "%d-01" % cal["first_year"], "%d-12" % cal["last_year"]


def month_span(months, offset_min):
    first = fr.day_of_date(datetime.date.fromisoformat(months[0] + "-01"))
    last_year = int(months[1][:4])
    end = fr.day_of_date(datetime.date(last_year + 1, 1, 1))
    return fr.at_local(first, 0, offset_min), fr.at_local(end, 0, offset_min)


def engine_lines(decoded, at, as_of=False):
    """The engine's lines for every complaint, in the report's span, and the number of
    complaints evaluated: known at `at` (the events recorded by then), or with `as_of` as of
    the business time `at` (every event recorded; those that occurred by then count)."""
    complaints, policy_events = streams_of(decoded, None if as_of else at)
    policies = fr.load_policies(policy_events)
    offset = policies[max(policies)].calendar.utc_offset
    start, end = month_span(policy_months(policy_events), offset)
    lines = []
    for events in complaints.values():
        for line in fr.fine_lines(events, None, at, policies=policies, as_of=as_of):
            if start <= line["accrued"] < end:
                lines.append({k: line[k] for k in FIELDS})
    return lines, len(complaints)


def compare_lines(test, mine, theirs, label):
    """Every line and every field equal; on a mismatch, the complaint and both lines."""
    mine_by_id = {line["id"]: line for line in mine}
    theirs_by_id = {line["id"]: line for line in theirs}
    test.assertEqual(len(mine_by_id), len(mine), label + ": the engine repeats a line id")
    problems = []
    for line_id in sorted(set(mine_by_id) | set(theirs_by_id)):
        a, b = mine_by_id.get(line_id), theirs_by_id.get(line_id)
        if a != b:
            problems.append("complaint %s, line %s:\n  verifier: %s\n  ledger:   %s"
                            % ((a or b)["complaint"], line_id, a, b))
    if problems:
        test.fail("%s: %d of %d lines differ\n%s" % (label, len(problems), len(theirs_by_id),
                                                     "\n".join(problems[:20])))
    order = sorted(mine, key=lambda line: (line["accrued"], line["id"]))
    test.assertEqual([line["id"] for line in order], [line["id"] for line in theirs],
                     label + ": the report's order (accrued, id)")


# =============================================================================================
# Counting rules (docs/clocks.md), under the default policy.
# =============================================================================================

class CountingRules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.policy = default_policy()[1]
        cls.cal = cls.policy.calendar

    def test_overdue_periods(self):
        due = t("2026-03-06T10:00:00+08:00")
        self.assertEqual(fr.overdue_period_starts(due, due, []), [])
        self.assertEqual(len(fr.overdue_period_starts(due, due + 1000000, [])), 1)  # 1 s late
        self.assertEqual(len(fr.overdue_period_starts(due, due + H, [])), 1)
        self.assertEqual(len(fr.overdue_period_starts(due, due + DAY, [])), 1)  # exactly 24 h
        self.assertEqual(fr.overdue_period_starts(due, due + DAY + 1000000, []),
                         [due, due + DAY])
        self.assertEqual(len(fr.overdue_period_starts(due, due + 10 * DAY, [])), 10)
        self.assertEqual(len(fr.overdue_period_starts(due, due + 9 * DAY + H, [])), 10)
        # A pause after the deadline stops the count; a period would begin inside it: at its end.
        pause = fr.Pause(fr.Stamp(due + 2 * H, 1), "awaiting_customer")
        pause.end = fr.Stamp(due + 26 * H, 2)
        self.assertEqual(fr.overdue_period_starts(due, due + 50 * H, [pause]),
                         [due, due + 48 * H])

    def test_overdue_amounts(self):
        self.assertEqual([self.policy.overdue_day_amount(d) for d in range(1, 17)],
                         [10000] * 7 + [20000] * 8 + [0])
        self.assertEqual(sum(self.policy.overdue_day_amount(d) for d in range(1, 11)), 130000)

    def test_clock_start(self):
        # Saturday 10:00 -> Monday 09:00; a working day at any hour is the intake itself.
        self.assertEqual(fr.clock_start(t("2026-03-07T10:00:00+08:00"), self.cal),
                         t("2026-03-09T09:00:00+08:00"))
        self.assertEqual(fr.clock_start(t("2026-03-03T23:30:00+08:00"), self.cal),
                         t("2026-03-03T23:30:00+08:00"))
        # New Year's Day 2027 (a Friday) -> Monday 4 January 09:00.
        self.assertEqual(fr.clock_start(t("2027-01-01T10:00:00+08:00"), self.cal),
                         t("2027-01-04T09:00:00+08:00"))
        # A make-up Saturday is a working day.
        self.assertEqual(fr.clock_start(t("2026-02-28T10:00:00+08:00"), self.cal),
                         t("2026-02-28T10:00:00+08:00"))

    def test_allowances(self):
        a = lambda text: fr.Allowance(text, "test")  # noqa: E731
        self.assertEqual(fr.add_allowance(t("2026-03-03T23:00:00+08:00"), a("2 hours"), self.cal),
                         t("2026-03-04T01:00:00+08:00"))
        self.assertEqual(fr.add_allowance(t("2026-09-30T10:00:00+08:00"), a("3 days"), self.cal),
                         t("2026-10-03T10:00:00+08:00"))
        # Golden Week 2026: Oct 8, 9, Sat 10 (make-up), 12, 13.
        self.assertEqual(fr.add_allowance(t("2026-09-30T10:00:00+08:00"), a("5 working days"),
                                          self.cal), t("2026-10-13T10:00:00+08:00"))
        # Civil days of the policy's offset: Friday 16:30Z is Saturday 00:30 local.
        self.assertEqual(fr.add_allowance(t("2026-03-06T16:30:00Z"), a("1 working day"),
                                          self.cal), t("2026-03-09T00:30:00+08:00"))

    def test_times(self):
        self.assertEqual(fr.format_rfc3339(t("2026-03-06T10:00:00.25+08:00"), 480),
                         "2026-03-06T10:00:00.250000+08:00")
        self.assertEqual(fr.format_rfc3339(0, 0), "1970-01-01T00:00:00Z")
        self.assertIsNone(fr.parse_rfc3339("2026-03-06T10:00:00"))
        self.assertIsNone(fr.parse_rfc3339("2026-02-30T10:00:00Z"))


# =============================================================================================
# Decoding and refusals.
# =============================================================================================

class Decoding(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.ledger = Ledger(os.path.join(cls.tmp.name, "ledger"))
        cls.ledger.demo(12, 9)
        cls.lines, cls.decoded = cls.ledger.export()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_decoded_envelopes_say_what_the_export_says(self):
        self.assertEqual(len(self.decoded), len(self.lines))
        types = collections.Counter()
        for line, e in zip(self.lines, self.decoded):
            self.assertEqual(e["position"], line["position"])
            self.assertEqual(e["streamId"], line["stream"])
            self.assertEqual(e["streamVersion"], line["version"])
            self.assertEqual(e["type"], line["type"])
            self.assertEqual(e["recordedAt"], t(line["recorded_at"]))
            self.assertEqual(e["occurredAt"], t(line["occurred_at"]))
            self.assertEqual(e["policyVersion"], line["policy_version"])
            self.assertEqual(e["imported"], line["imported"])
            self.assertEqual(e["actor"], line["actor"])
            self.assertEqual(e["prevHash"].hex(), line["prev_hash"])
            member, _ = envelopes.payload_member(e)  # exactly one union member
            if e["type"] in fr.EVENT_MEMBERS:
                self.assertEqual(member, fr.EVENT_MEMBERS[e["type"]])
            types[e["type"]] += 1
            if e["type"] == "ComplaintReceived":
                r = e["payload"]["received"]
                self.assertEqual(r["receivingDepartment"], line["payload"]["receiving_department"])
                self.assertEqual(r["headcount"], line["payload"]["headcount"])
                self.assertIsInstance(r["claimedCompensation"], int)
        self.assertGreater(types["ComplaintReceived"], 0)
        self.assertEqual(types["PolicyPublished"], 1)

    def test_bad_bytes_are_refused(self):
        with self.assertRaisesRegex(envelopes.EnvelopeError, "8-byte words"):
            envelopes.decode_envelopes([b"\x00" * 7])
        with self.assertRaisesRegex(envelopes.EnvelopeError, "capnp could not decode"):
            envelopes.decode_envelopes([b"\xff" * 16])
        with self.assertRaisesRegex(envelopes.EnvelopeError, "not found"):
            envelopes.decode_envelopes([b"\x00" * 8], capnp="/nonexistent/capnp")
        with self.assertRaisesRegex(envelopes.EnvelopeError, "not found"):
            envelopes.decode_envelopes([b"\x00" * 8], envelope_schema="/nonexistent.capnp")

    def test_what_the_engine_cannot_model_is_refused(self):
        complaints, policy_events = streams_of(self.decoded)
        events = next(iter(complaints.values()))
        at = self.decoded[-1]["recordedAt"]
        self.assertIsInstance(fr.fine_lines(events, policy_events, at), list)

        def refused(pattern, events):
            with self.assertRaisesRegex(fr.FineRulesError, pattern):
                fr.fine_lines(events, policy_events, at)

        bad = copy.deepcopy(events)
        bad[1]["type"] = "ComplaintTeleported"
        refused("position %d: unknown event type" % bad[1]["position"], bad)
        bad = copy.deepcopy(events)
        bad[0]["payload"] = {"transmitted": {}, "note": ""}
        refused("position %d: a ComplaintReceived whose payload" % bad[0]["position"], bad)
        headless = copy.deepcopy(events[1:])
        for i, e in enumerate(headless):
            e["streamVersion"] = i + 1
        refused("does not start with ComplaintReceived", headless)
        bad = copy.deepcopy(events)
        bad[-1]["streamVersion"] += 1
        refused("position %d: stream version" % bad[-1]["position"], bad)
        correction = copy.deepcopy(events[-1])
        correction.update(type="EventCorrected", streamVersion=len(events) + 1,
                          position=events[-1]["position"] + 100000,
                          payload={"corrected": {"event": events[0]["position"],
                                                 "field": "colour", "value": "red"}, "note": ""})
        refused("position %d: correction of field 'colour'" % correction["position"],
                copy.deepcopy(events) + [correction])
        correction["payload"]["corrected"].update(field="occurred_at", value="yesterday")
        refused("corrected time 'yesterday'", copy.deepcopy(events) + [correction])
        with self.assertRaisesRegex(fr.FineRulesError, "no policy"):
            fr.fine_lines(events, [], at)


# =============================================================================================
# Differential: demo ledgers, every complaint, several evaluation times.
# =============================================================================================

class Differential(unittest.TestCase):
    SEEDS = ((1, 150), (2, 150), (3, 150), (4, 120), (5, 200), (6, 100))

    def test_demo_ledgers_agree(self):
        totals = collections.Counter()
        with tempfile.TemporaryDirectory() as tmp:
            for seed, complaints in self.SEEDS:
                ledger = Ledger(os.path.join(tmp, "demo-%d" % seed))
                ledger.demo(complaints, seed)
                _, decoded = ledger.export()
                policy_events = streams_of(decoded)[1]
                months = policy_months(policy_events)
                offset = fr.load_policies(policy_events)[1].calendar.utc_offset
                n = len(decoded)
                for frac in (1.0, 0.5, 0.25, 0.75):
                    known_at = decoded[min(n - 1, int(n * frac))]["recordedAt"]
                    mine, evaluated = engine_lines(decoded, known_at)
                    theirs = ledger.fines(known_at, offset, months)
                    compare_lines(self, mine, theirs, "seed %d, known at %s" % (
                        seed, fr.format_rfc3339(known_at, offset)))
                    totals["evaluations"] += 1
                    totals["complaint evaluations"] += evaluated
                    totals["lines"] += len(theirs)
                    totals["waived"] += sum(1 for line in theirs if line["waived"])
                    totals["recorded"] += sum(1 for line in theirs if not line["derived"])
                totals["complaints"] += complaints
        self.assertGreater(totals["lines"], 500)
        self.assertGreater(totals["waived"], 0)
        self.assertGreater(totals["recorded"], 0)
        sys.stderr.write("\ndifferential: seeds %s, %d complaints, %d evaluations (%d complaint "
                         "evaluations), %d lines equal (%d waived, %d recorded)\n"
                         % ([s for s, _ in self.SEEDS], totals["complaints"],
                            totals["evaluations"], totals["complaint evaluations"],
                            totals["lines"], totals["waived"], totals["recorded"]))


# =============================================================================================
# Scenarios entered with `ledgerctl import` (past occurred_at times).
# =============================================================================================

CS = {"id": "u-cs-01", "role": "cs_agent", "department": "customer_service"}
CS_HEAD = {"id": "u-head-customer-service", "role": "cs_head", "department": "customer_service"}
HANDLER = {"id": "u-handler-property-1", "role": "handler", "department": "property"}
HEAD = {"id": "u-head-property", "role": "dept_head", "department": "property"}
DEPUTY_GM = {"id": "u-deputy-gm", "role": "deputy_gm", "department": ""}
INTAKE = {"id": "u-intake-1", "role": "intake", "department": "property"}


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


def handled(ref, day, received="10:00", category="property_service", respond="10:30",
            assign="10:20", plan="11:00", review="11:30", **receive_fields):
    """Received at `day`T`received` by customer service, assessed 5 and classified 10 minutes
    later, then assigned, answered and planned at the times given, the plan approved."""
    at = lambda hhmm: "%sT%s:00+08:00" % (day, hhmm)  # noqa: E731
    h, m = (int(x) for x in received.split(":"))
    later = lambda minutes: "%02d:%02d" % divmod(h * 60 + m + minutes, 60)  # noqa: E731
    return [receive(ref, at(received), **receive_fields),
            act("assess_validity", ref, CS, at(later(5)), valid=True),
            act("classify", ref, CS, at(later(10)), category=category),
            act("assign", ref, CS, at(assign), department="property", handler=HANDLER["id"]),
            act("respond", ref, CS, at(respond), channel="phone", summary="called back"),
            act("propose_plan", ref, HANDLER, at(plan), plan_type="repair",
                description="fix the pipe"),
            act("review_plan", ref, HEAD, at(review), approved=True)]


def close(ref, at):
    return act("close", ref, CS, at, basis="plan_issued_no_agreement")


class Scenarios(unittest.TestCase):
    """One ledger, every scenario in it, checked against concrete values and against ledgerctl."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.ledger = Ledger(os.path.join(cls.tmp.name, "scenarios"))
        phase1 = []
        # Closed exactly 10 days after the deadline (due Friday 2026-03-06 10:00, property class:
        # 3 days), and 9 days and 1 hour after it: ten overdue days each.
        phase1 += handled("LATE-10D", "2026-03-03") + [close("LATE-10D",
                                                             "2026-03-16T10:00:00+08:00")]
        phase1 += handled("LATE-9D1H", "2026-03-03") + [close("LATE-9D1H",
                                                              "2026-03-15T11:00:00+08:00")]
        # Received on Saturday: clocks start Monday 09:00; the response (due 10:00) is late.
        phase1 += [receive("WEEKEND", "2026-03-07T10:00:00+08:00")]
        phase1 += handled("WEEKEND", "2026-03-09", received="09:00", assign="09:30",
                          respond="10:30", plan="10:45", review="11:00")[1:]
        phase1 += [close("WEEKEND", "2026-03-11T10:00:00+08:00")]
        # A safety risk on Saturday: the response is due Saturday 11:00, whatever the calendar.
        phase1 += [receive("SAFETY", "2026-03-07T10:00:00+08:00", flags=["safety_risk"])]
        phase1 += handled("SAFETY", "2026-03-09", received="09:00", assign="09:30",
                          respond="09:10", plan="10:45", review="11:00")[1:]
        phase1 += [close("SAFETY", "2026-03-11T10:00:00+08:00")]
        # A Spring Festival intake (Friday 2026-02-20): clocks start Tuesday 24 February 09:00.
        phase1 += [receive("HOLIDAY", "2026-02-20T10:00:00+08:00")]
        phase1 += handled("HOLIDAY", "2026-02-24", received="09:00", assign="09:30",
                          respond="10:30", plan="10:45", review="11:00")[1:]
        phase1 += [close("HOLIDAY", "2026-02-25T10:00:00+08:00")]
        # A make-up Saturday (2026-02-28) is a working day: the response is due 11:00 that day.
        phase1 += handled("MAKEUP", "2026-02-28", respond="11:30") + [
            close("MAKEUP", "2026-03-02T10:00:00+08:00")]
        # Pauses: one before the deadline moves it (due Saturday 10:00), one after it stops the
        # overdue count: 2 h + 24 h overdue = two days, dated 7 and 9 March.
        phase1 += handled("PAUSED", "2026-03-03") + [
            act("pause_clock", "PAUSED", CS, "2026-03-04T10:00:00+08:00",
                reason="awaiting_customer"),
            act("resume_clock", "PAUSED", CS, "2026-03-05T10:00:00+08:00",
                reason="awaiting_customer"),
            act("pause_clock", "PAUSED", CS, "2026-03-07T12:00:00+08:00",
                reason="awaiting_customer"),
            act("resume_clock", "PAUSED", CS, "2026-03-08T12:00:00+08:00",
                reason="awaiting_customer"),
            close("PAUSED", "2026-03-09T12:00:00+08:00")]
        # A pause still running when the complaint is closed: the closing ends it; on time.
        phase1 += handled("PAUSE-OPEN", "2026-03-03") + [
            act("pause_clock", "PAUSE-OPEN", CS, "2026-03-05T10:00:00+08:00",
                reason="awaiting_customer"),
            close("PAUSE-OPEN", "2026-03-10T10:00:00+08:00")]
        # An extension of the closure clock to Sunday 10:00, approved before the deadline.
        phase1 += handled("EXTENDED", "2026-03-03") + [
            act("request_extension", "EXTENDED", HANDLER, "2026-03-05T09:00:00+08:00",
                clock="closure", until="2026-03-08T10:00:00+08:00", reason="parts on order")]
        # Raised to major at 11:30, after the general response deadline (11:00): stays missed.
        phase1 += [receive("LEVEL", "2026-03-03T10:00:00+08:00"),
                   act("set_level", "LEVEL", CS, "2026-03-03T11:30:00+08:00", level="major",
                       reason="the customer is a journalist"),
                   act("respond", "LEVEL", CS, "2026-03-03T11:45:00+08:00", channel="phone",
                       summary="called back"),
                   act("assess_validity", "LEVEL", CS, "2026-03-03T11:50:00+08:00", valid=True),
                   act("classify", "LEVEL", CS, "2026-03-03T11:51:00+08:00",
                       category="property_service"),
                   act("assign", "LEVEL", CS, "2026-03-03T11:55:00+08:00", department="property",
                       handler=HANDLER["id"]),
                   act("propose_plan", "LEVEL", HANDLER, "2026-03-03T16:00:00+08:00",
                       plan_type="repair", description="fix the pipe"),
                   act("review_plan", "LEVEL", CS_HEAD, "2026-03-03T16:30:00+08:00",
                       approved=True),
                   close("LEVEL", "2026-03-05T10:00:00+08:00")]
        # Received by the property department, transmitted late to customer service (13:00, due
        # 12:00), assigned late (due 15:00, two hours from the transmission), answered late
        # before assignment, planned late.
        phase1 += [receive("TRANSMIT", "2026-03-03T10:00:00+08:00", actor=INTAKE),
                   act("transmit", "TRANSMIT", INTAKE, "2026-03-03T13:00:00+08:00",
                       to_department="customer_service", to_person="u-cs-02"),
                   act("assess_validity", "TRANSMIT", CS, "2026-03-03T13:05:00+08:00",
                       valid=True),
                   act("classify", "TRANSMIT", CS, "2026-03-03T13:06:00+08:00",
                       category="property_service"),
                   act("respond", "TRANSMIT", CS, "2026-03-03T13:10:00+08:00", channel="phone",
                       summary="called back"),
                   act("assign", "TRANSMIT", CS, "2026-03-03T15:30:00+08:00",
                       department="property", handler=HANDLER["id"]),
                   act("propose_plan", "TRANSMIT", HANDLER, "2026-03-03T16:00:00+08:00",
                       plan_type="repair", description="fix the pipe"),
                   act("review_plan", "TRANSMIT", HEAD, "2026-03-03T16:30:00+08:00",
                       approved=True),
                   close("TRANSMIT", "2026-03-05T10:00:00+08:00")]
        # Closed one hour late; the closing time is corrected later (phase 2) to 3 days 30 min.
        phase1 += handled("CORRECTED", "2026-03-03") + [close("CORRECTED",
                                                              "2026-03-06T11:00:00+08:00")]
        # Maintenance (engineering class: 15 working days) over Golden Week: due 23 October.
        phase1 += handled("GOLDEN", "2026-09-28", category="maintenance") + [
            close("GOLDEN", "2026-10-25T12:00:00+08:00")]
        phase1 += cls.more_scenarios()
        cls.ledger.import_actions(phase1, "phase1")

        _, decoded = cls.ledger.export()
        ids = cls.ids_by_ref(decoded)
        request = cls.position_of(decoded, ids["EXTENDED"], "ExtensionRequested")
        closing = cls.position_of(decoded, ids["CORRECTED"], "ComplaintClosed")
        transmit_intake = cls.position_of(decoded, ids["TRANSMIT"], "ComplaintReceived")
        phase2 = [
            act("decide_extension", "EXTENDED", HEAD, "2026-03-05T10:00:00+08:00",
                request=request, approved=True),
            close("EXTENDED", "2026-03-09T11:00:00+08:00"),
            act("correct", "CORRECTED", CS, "2026-03-10T09:00:00+08:00", event=closing,
                field="occurred_at", value="2026-03-09T10:30:00+08:00",
                reason="the closing was entered with the wrong date"),
            act("correct", "TRANSMIT", CS, "2026-03-10T09:00:00+08:00", event=transmit_intake,
                field="receiving_staff", value="u-intake-2",
                reason="received by a colleague"),
            act("waive_fine", "LATE-10D", DEPUTY_GM, "2026-03-20T10:00:00+08:00",
                fine=ids["LATE-10D"] + ":closure_overdue:c0:d3",
                reason="the customer was away for a day"),
        ]
        phase2 += cls.more_decisions(decoded, ids)
        cls.ledger.import_actions(phase2, "phase2")
        cls.ids = ids
        _, cls.decoded = cls.ledger.export()
        cls.known_at = cls.decoded[-1]["recordedAt"]
        cls.mine, _ = engine_lines(cls.decoded, cls.known_at)
        cls.months = policy_months(streams_of(cls.decoded)[1])
        cls.theirs = cls.ledger.fines(cls.known_at, 480, cls.months)

    @staticmethod
    def more_scenarios():
        """Rarer paths, checked mostly by agreement (and a few values below)."""
        at = lambda day, hhmm: "%sT%s:00+08:00" % (day, hhmm)  # noqa: E731
        d = "2026-03-03"
        return (
            # A closure extension approved during a pause, kept over a later rise to crisis.
            handled("EXT-PAUSED", d) + [
                act("pause_clock", "EXT-PAUSED", CS, at("2026-03-04", "10:00"),
                    reason="awaiting_customer"),
                act("request_extension", "EXT-PAUSED", HANDLER, at("2026-03-04", "11:00"),
                    clock="closure", until=at("2026-03-12", "10:00"), reason="parts")]
            # A response extension approved after the deadline; a plan extension never decided.
            + handled("EXT-LATE", d, respond="12:00", plan="15:00", review="15:30") + [
                act("request_extension", "EXT-LATE", HANDLER, at(d, "10:40"), clock="response",
                    until=at(d, "13:00"), reason="the customer is abroad"),
                act("request_extension", "EXT-LATE", HANDLER, at(d, "11:05"), clock="plan",
                    until=at(d, "18:00"), reason="waiting for a survey")]
            # Crisis, then lowered to general at 11:30: the response (general: 11:00) is missed.
            + [receive("LOWERED", at(d, "10:00")),
               act("set_level", "LOWERED", CS, at(d, "10:01"), level="crisis", reason="r"),
               act("set_level", "LOWERED", CS, at(d, "11:30"), level="general", reason="r"),
               act("respond", "LOWERED", CS, at(d, "12:00"), channel="phone", summary="s")]
            # Found invalid: assignment and plan lapse; the first response is still owed.
            + [receive("INVALID", at(d, "10:00")),
               act("assess_validity", "INVALID", CS, at(d, "10:30"), valid=False,
                   reason="suggestion"),
               act("respond", "INVALID", CS, at(d, "13:00"), channel="phone", summary="s"),
               act("close", "INVALID", CS, at(d, "13:30"), basis="invalid_explained")]
            # Transmitted to marketing, then to customer service with nobody named: the head of
            # customer service holds it.
            + [receive("NOBODY", at("2026-03-06", "17:00"), actor=INTAKE),
               act("transmit", "NOBODY", INTAKE, at("2026-03-07", "10:00"),
                   to_department="marketing", to_person="u-marketing-1"),
               act("transmit", "NOBODY", INTAKE, at("2026-03-09", "12:00"),
                   to_department="customer_service")]
            # About a staff member of marketing, corrected to property; never assigned.
            + [receive("STAFF", at(d, "10:00"),
                       target={"kind": "person", "id": "u-agent-9", "department": "marketing"}),
               act("assess_validity", "STAFF", CS, at(d, "10:05"), valid=True),
               act("classify", "STAFF", CS, at(d, "10:10"), category="service_attitude")]
            # Reopened on a Saturday, then paused (litigation) and never resumed.
            + handled("REOPENED", d) + [
                close("REOPENED", at("2026-03-04", "10:00")),
                act("reopen", "REOPENED", CS, at("2026-03-07", "10:00"), reason="again"),
                act("pause_clock", "REOPENED", CS, at("2026-03-10", "10:00"),
                    reason="litigation")]
            # Never closed: overdue days stop at day 15; recorded fines; a waiver.
            + handled("OPEN", d)
            # The intake time corrected (phase 2) from Monday to Tuesday 09:00.
            + [receive("INTAKE-MOVED", at("2026-03-02", "10:00")),
               act("assess_validity", "INTAKE-MOVED", CS, at(d, "10:05"), valid=True)])

    @classmethod
    def more_decisions(cls, decoded, ids):
        at = lambda day, hhmm: "%sT%s:00+08:00" % (day, hhmm)  # noqa: E731
        gm = {"id": "u-gm", "role": "gm", "department": ""}
        requests = [e["position"] for e in decoded if e["type"] == "ExtensionRequested"]
        ext_paused = [p for p in requests if p in cls.positions(decoded, ids["EXT-PAUSED"])][0]
        ext_late = [p for p in requests if p in cls.positions(decoded, ids["EXT-LATE"])][0]
        return [
            act("decide_extension", "EXT-PAUSED", HEAD, at("2026-03-05", "10:00"),
                request=ext_paused, approved=True),
            act("resume_clock", "EXT-PAUSED", CS, at("2026-03-06", "10:00"),
                reason="awaiting_customer"),
            act("set_level", "EXT-PAUSED", CS, at("2026-03-07", "10:00"), level="crisis",
                reason="r"),
            act("decide_extension", "EXT-LATE", HEAD, at("2026-03-03", "11:10"),
                request=ext_late, approved=True),
            act("correct", "INTAKE-MOVED", CS, at("2026-03-03", "11:00"),
                event=cls.position_of(decoded, ids["INTAKE-MOVED"], "ComplaintReceived"),
                field="occurred_at", value=at("2026-03-03", "09:00"), reason="r"),
            act("correct", "STAFF", CS, at("2026-03-03", "11:00"),
                event=cls.position_of(decoded, ids["STAFF"], "ComplaintReceived"),
                field="target.department", value="property", reason="r"),
            act("record_fine", "OPEN", gm, at("2026-04-01", "10:00"), rule="closure_overdue_15",
                amount="800.00", people=[HANDLER["id"]], reason="more than 15 days"),
            act("record_fine", "OPEN", gm, at("2026-04-01", "11:00"),
                rule="media_investigation", people=[HANDLER["id"]], reason="in the news"),
            act("waive_fine", "OPEN", DEPUTY_GM, at("2026-04-02", "10:00"),
                fine=ids["OPEN"] + ":closure_overdue:c0:d2", reason="r"),
        ]

    @staticmethod
    def positions(decoded, stream):
        return {e["position"] for e in decoded if e["streamId"] == stream}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @staticmethod
    def ids_by_ref(decoded):
        return {e["payload"]["received"]["externalRef"]: e["streamId"]
                for e in decoded if e["type"] == "ComplaintReceived"}

    @staticmethod
    def position_of(decoded, stream, kind):
        found = [e["position"] for e in decoded if e["streamId"] == stream and e["type"] == kind]
        assert len(found) == 1, (stream, kind, found)
        return found[0]

    def lines_of(self, ref):
        return [line for line in self.mine if line["complaint"] == self.ids[ref]]

    def test_agrees_with_ledgerctl(self):
        compare_lines(self, self.mine, self.theirs, "scenarios")
        self.assertGreater(len(self.theirs), 30)

    def assert_overdue_days(self, ref, days, amounts, cycle=0):
        lines = self.lines_of(ref)
        self.assertEqual([line["id"] for line in lines],
                         ["%s:closure_overdue:c%d:d%d" % (self.ids[ref], cycle, i + 1)
                          for i in range(len(days))])
        self.assertEqual([line["day"] for line in lines], days)
        self.assertEqual([line["amount"] for line in lines], amounts)
        return lines

    def test_ten_days_late_is_1300(self):
        days = ["2026-03-%02d" % d for d in range(6, 16)]
        amounts = [10000] * 7 + [20000] * 3
        for ref in ("LATE-10D", "LATE-9D1H"):
            lines = self.assert_overdue_days(ref, days, amounts)
            self.assertEqual(sum(line["amount"] for line in lines), 130000)
            due = t("2026-03-06T10:00:00+08:00")
            self.assertEqual([line["accrued"] for line in lines],
                             [due + i * DAY for i in range(10)])
            for line in lines:
                self.assertEqual(line["people"], [HANDLER["id"]])
                self.assertEqual(line["departments"], ["property"])
                self.assertEqual(line["rule"], "closure_overdue")
                self.assertTrue(line["derived"])
                self.assertIn("(due 2026-03-06T10:00:00+08:00)", line["reason"])
        # The waiver marks the third day, keeps it, and names its event.
        lines = self.lines_of("LATE-10D")
        waiver = self.position_of(self.decoded, self.ids["LATE-10D"], "FineWaived")
        self.assertEqual([line["waived"] for line in lines], [False, False, True] + [False] * 7)
        self.assertEqual(lines[2]["waiver_position"], waiver)
        self.assertEqual(sum(line["amount"] for line in lines if not line["waived"]), 120000)

    def test_weekend_holiday_and_makeup_intakes(self):
        expected = {"WEEKEND": "2026-03-09T10:00:00+08:00",   # Monday 09:00 + 1 hour
                    "HOLIDAY": "2026-02-24T10:00:00+08:00",   # after the Spring Festival
                    "MAKEUP": "2026-02-28T11:00:00+08:00"}    # a make-up Saturday works
        for ref, due in expected.items():
            lines = self.lines_of(ref)
            self.assertEqual([line["rule"] for line in lines], ["response_late"], ref)
            self.assertEqual(lines[0]["accrued"], t(due), ref)
            self.assertEqual(lines[0]["day"], due[:10], ref)
            self.assertEqual(lines[0]["amount"], 20000)
        self.assertEqual(self.lines_of("WEEKEND")[0]["people"], [HANDLER["id"]])  # assigned 09:30

    def test_safety_risk(self):
        lines = self.lines_of("SAFETY")
        self.assertEqual([line["id"] for line in lines], [self.ids["SAFETY"] + ":response_late"])
        self.assertEqual(lines[0]["accrued"], t("2026-03-07T11:00:00+08:00"))
        self.assertEqual(lines[0]["day"], "2026-03-07")
        # Nobody assigned by then: the customer-service staff member who received it.
        self.assertEqual(lines[0]["people"], [CS["id"]])
        self.assertEqual(lines[0]["departments"], ["customer_service"])

    def test_pauses(self):
        lines = self.assert_overdue_days("PAUSED", ["2026-03-07", "2026-03-09"], [10000, 10000])
        self.assertEqual([line["accrued"] for line in lines],
                         [t("2026-03-07T10:00:00+08:00"), t("2026-03-09T10:00:00+08:00")])
        pauses = [e["position"] for e in self.decoded if e["streamId"] == self.ids["PAUSED"]
                  and e["type"] in ("ClockPaused", "ClockResumed")]
        self.assertTrue(set(pauses[:2]) <= set(lines[0]["evidence"]))
        self.assertEqual(self.lines_of("PAUSE-OPEN"), [])

    def test_extension(self):
        lines = self.assert_overdue_days("EXTENDED", ["2026-03-08", "2026-03-09"],
                                         [10000, 10000])
        self.assertIn("(due 2026-03-08T10:00:00+08:00)", lines[0]["reason"])
        for kind in ("ExtensionRequested", "ExtensionDecided"):
            self.assertIn(self.position_of(self.decoded, self.ids["EXTENDED"], kind),
                          lines[0]["evidence"])

    def test_level_change_after_the_miss(self):
        lines = self.lines_of("LEVEL")
        self.assertEqual([line["rule"] for line in lines], ["response_late"])
        self.assertEqual(lines[0]["accrued"], t("2026-03-03T11:00:00+08:00"))
        self.assertIn(self.position_of(self.decoded, self.ids["LEVEL"], "LevelSet"),
                      lines[0]["evidence"])

    def test_transmission_and_who_is_charged(self):
        lines = {line["rule"]: line for line in self.lines_of("TRANSMIT")}
        self.assertEqual(sorted(lines), ["cs_transmission_late", "no_plan", "response_late",
                                         "transmission_late"])
        tl = lines["transmission_late"]
        self.assertEqual((tl["accrued"], tl["people"], tl["departments"], tl["amount"]),
                         (t("2026-03-03T12:00:00+08:00"), ["u-intake-2"], ["property"], 10000))
        cs = lines["cs_transmission_late"]
        self.assertEqual((cs["accrued"], cs["people"], cs["departments"], cs["amount"]),
                         (t("2026-03-03T15:00:00+08:00"), ["u-cs-02"], ["customer_service"],
                          20000))
        rl = lines["response_late"]
        self.assertEqual((rl["accrued"], rl["people"], rl["departments"]),
                         (t("2026-03-03T11:00:00+08:00"), ["u-cs-02"], ["customer_service"]))
        np = lines["no_plan"]
        self.assertEqual((np["accrued"], np["people"], np["departments"], np["amount"]),
                         (t("2026-03-03T14:00:00+08:00"), ["u-head-property"], ["property"],
                          30000))

    def test_corrected_closing_time(self):
        self.assert_overdue_days("CORRECTED", ["2026-03-06", "2026-03-07", "2026-03-08",
                                               "2026-03-09"], [10000] * 4)

    def test_working_days_over_golden_week(self):
        lines = self.assert_overdue_days("GOLDEN", ["2026-10-23", "2026-10-24", "2026-10-25"],
                                         [10000] * 3)
        self.assertEqual(lines[0]["accrued"], t("2026-10-23T10:00:00+08:00"))


    def test_rarer_paths(self):
        def rules(ref):
            return [(line["rule"], fr.format_rfc3339(line["accrued"], 480), line["people"])
                    for line in self.lines_of(ref) if line["rule"] != "closure_overdue"]
        # Paused 4 to 6 March, extended (during the pause) to 12 March: due 13 March 10:00; the
        # rise to crisis recomputes an earlier deadline, and the extension's stands.
        self.assertEqual(self.lines_of("EXT-PAUSED")[0]["accrued"],
                         t("2026-03-13T10:00:00+08:00"))
        self.assertEqual(rules("EXT-LATE")[:2], [
            ("response_late", "2026-03-03T11:00:00+08:00", [HANDLER["id"]]),
            ("no_plan", "2026-03-03T14:00:00+08:00", ["u-head-property"])])
        self.assertEqual(rules("LOWERED")[1], ("response_late", "2026-03-03T11:00:00+08:00",
                                               [CS["id"]]))
        self.assertEqual(rules("INVALID"), [("response_late", "2026-03-03T11:00:00+08:00",
                                             [CS["id"]])])
        self.assertEqual(self.lines_of("INVALID")[1:], [])
        nobody = rules("NOBODY")
        self.assertEqual(nobody[:2], [
            ("transmission_late", "2026-03-06T19:00:00+08:00", [INTAKE["id"]]),
            ("cs_transmission_late", "2026-03-09T14:00:00+08:00", ["u-head-customer-service"])])
        self.assertIn(("no_plan", "2026-03-03T14:00:00+08:00", ["u-head-property"]),
                      rules("STAFF"))
        self.assertEqual(self.lines_of("REOPENED"), [])  # cycle 1 paused, nothing overdue
        self.assertEqual(rules("INTAKE-MOVED")[1],
                         ("response_late", "2026-03-03T10:00:00+08:00", [CS["id"]]))
        opened = self.lines_of("OPEN")
        overdue = [line for line in opened if line["rule"] == "closure_overdue"]
        self.assertEqual(len(overdue), 15)
        self.assertEqual([line["waived"] for line in overdue][:3], [False, True, False])
        recorded = [(line["rule"], line["amount"], line["derived"]) for line in opened
                    if not line["derived"]]
        self.assertEqual(recorded, [("closure_overdue_15", 80000, False),
                                    ("media_investigation", -1, False)])

    def test_as_of_sweep(self):
        """The business-time view (`--as-of`) at many instants: deadlines, pauses and
        extensions half-way through."""
        instants = sorted({e["occurredAt"] + delta for e in self.decoded
                           if e["streamId"].startswith("CMP-")
                           for delta in (-1, 0, 30 * 60 * 1000000, 25 * H)})
        compared = 0
        for at in instants[::max(1, len(instants) // 40)]:
            mine, _ = engine_lines(self.decoded, at, as_of=True)
            theirs = self.ledger.fines(at, 480, self.months, option="--as-of")
            compare_lines(self, mine, theirs, "as of " + fr.format_rfc3339(at, 480))
            compared += len(theirs)
        self.assertGreater(compared, 100)


class PolicyVersions(unittest.TestCase):
    """A reopened cycle's closure clock is judged under the version in force at the reopening
    (its allowance and calendar); amounts stay those of the complaint's own (intake) version."""

    def test_reopening_under_a_later_policy(self):
        with tempfile.TemporaryDirectory() as tmp:
            ledger = Ledger(os.path.join(tmp, "versions"))
            ledger.import_actions(handled("V1", "2026-03-03") + [
                close("V1", "2026-03-05T10:00:00+08:00")], "v1")
            text, _ = default_policy()
            doc = json.loads(text)
            doc["name"] = "version two"
            doc["closure"]["property"]["standard"] = "5 days"
            doc["fines"]["closure_overdue"] = [
                {"from_day": 1, "to_day": 3, "per_day": "50.00"},
                {"from_day": 4, "to_day": 20, "per_day": "150.00"}]
            path = os.path.join(tmp, "v2.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False, indent=2)
            ledger.publish_policy(path)
            ledger.import_actions([
                act("reopen", "V1", CS, "2026-03-10T10:00:00+08:00", reason="leaks again"),
                close("V1", "2026-03-17T11:00:00+08:00")]
                + handled("V2", "2026-03-10") + [close("V2", "2026-03-17T11:00:00+08:00")], "v2")
            _, decoded = ledger.export()
            self.assertEqual([e["payload"]["policyPublished"]["version"] for e in decoded
                              if e["type"] == "PolicyPublished"], [1, 2])
            known_at = decoded[-1]["recordedAt"]
            mine, _ = engine_lines(decoded, known_at)
            theirs = ledger.fines(known_at, 480, policy_months(streams_of(decoded)[1]))
            compare_lines(self, mine, theirs, "policy versions")
            ids = Scenarios.ids_by_ref(decoded)
            # Cycle 1 of V1: due 2026-03-15 10:00 (5 days, version 2), priced by version 1.
            v1 = [line for line in mine if line["complaint"] == ids["V1"]]
            self.assertEqual([line["id"] for line in v1],
                             [ids["V1"] + ":closure_overdue:c1:d%d" % d for d in (1, 2, 3)])
            self.assertEqual([line["day"] for line in v1],
                             ["2026-03-15", "2026-03-16", "2026-03-17"])
            self.assertEqual([line["amount"] for line in v1], [10000] * 3)
            # V2, received under version 2: its own allowance and prices.
            v2 = [line for line in mine if line["complaint"] == ids["V2"]]
            self.assertEqual([line["day"] for line in v2],
                             ["2026-03-15", "2026-03-16", "2026-03-17"])
            self.assertEqual([line["amount"] for line in v2], [5000] * 3)


def main():
    global REPO, LEDGERCTL, fr, envelopes
    parser = argparse.ArgumentParser()
    parser.add_argument("repo")
    parser.add_argument("ledgerctl_path", nargs="?")
    parser.add_argument("--ledgerctl")
    args, rest = parser.parse_known_args()
    REPO = os.path.abspath(args.repo)
    LEDGERCTL = args.ledgerctl or args.ledgerctl_path or os.path.join(
        REPO, "build", "tools", "ledgerctl", "ledgerctl")
    if not os.access(LEDGERCTL, os.X_OK):
        sys.exit("fine_rules_test: no ledgerctl at %s (give its path)" % LEDGERCTL)
    sys.path.insert(0, os.path.join(REPO, "tools", "verifier"))
    import envelopes as envelopes_module  # noqa: E402 (the modules under test)
    import fine_rules as fine_rules_module  # noqa: E402
    envelopes, fr = envelopes_module, fine_rules_module
    started = time.monotonic()
    program = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    sys.stderr.write("fine_rules_test: %.1f s\n" % (time.monotonic() - started))
    sys.exit(0 if program.result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
