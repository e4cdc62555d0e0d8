#!/usr/bin/env python3
"""Checks the console's domain-code labels: api/console/i18n/codes.en.json and codes.zh-CN.json.

The console shows every domain code through code(vocabulary, value), which looks up the key
"code.<vocabulary>.<value>" (api/console/app/i18n.js). This script lists the codes the console
can meet and reports:
  - codes with no label in either file (missing),
  - keys present in one file but not in the other (parity),
  - files that are not UTF-8 JSON objects of non-empty strings, sorted by key, 2-space indent,
    ending in a newline (format; --format rewrites them so).
Keys that no source asks for are listed as a note only (extra vocabularies are allowed).

Where the codes come from:
  - the catalogue (GET /v1/catalogue, or a saved copy): every vocabulary, every action type
    (vocabulary "actions") and every event an action causes (vocabulary "events");
  - the policy document (GET /v1/policies?version=N, or a saved copy): departments, categories,
    projects, recorded fine rules, escalation rule codes, roles;
  - the ledger's own values, listed below with the source file that defines them.

Usage:
  tools/ui/codes.py --check --base http://127.0.0.1:18080 --token-file FILE
  tools/ui/codes.py --check --catalogue catalogue.json [--policy policy.json]
  tools/ui/codes.py --format
The token may also come from --token or the environment variable LEDGER_TOKEN. Standard library only.
Exit status: 0 clean, 1 on any problem, 2 on a usage or fetch error.
"""

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "api", "console", "i18n"))
LANGS = ("en", "zh-CN")

# Values the ledger itself produces (not in the catalogue). Keep in step with the sources named.
LEDGER_VALUES = {
    # api/services/views_json.cc: "status"
    "statuses": ["open", "closed"],
    # ledger/domain/state.cc: StageName
    "stages": ["received", "transmitted", "assessed", "classified", "assigned", "plan_proposed",
               "plan_sent_back", "plan_approved", "resolved", "confirmed", "closed"],
    # ledger/domain/clocks_counting.cc: ClockStateName
    "clock_states": ["pending", "met", "missed", "paused", "not_applicable", "not_started"],
    # api/services/views_json.cc: "validity" (null until assessed: "unassessed" is the console's)
    "validity": ["valid", "invalid", "unassessed"],
    # api/services/views_json.cc: a responsibility record's "outcome" {met, missed, fines}
    "outcomes": ["met", "missed", "fines"],
    # projections/derive.cc and projections/tracked.cc: finding kinds (docs/rules.md#findings)
    "finding_kinds": ["late_entry", "level_below_rule", "closure_without_confirmation",
                      "overdue_15_unfined", "late_transmission_major",
                      "correction_moves_deadline"],
    # projections/derive.cc: roles on responsibility records; "system" is the ledger's own actor
    "roles": ["system", "receiver", "customer_service", "first_responsible", "cooperating",
              "first_responsible_person", "plan_approver", "extension_approver"],
    # events no action causes (docs/events.md): the ledger's escalations, the policy, import,
    # statement and key streams
    "events": ["LevelEscalated", "PolicyPublished", "ImportRecorded", "FineStatementPublished",
               "SigningKeyChanged"],
    # api/services/views_json.cc: level_history[].by
    "level_sources": ["intake", "customer_service", "system"],
}


def fail_usage(msg):
    print(f"codes.py: {msg}", file=sys.stderr)
    sys.exit(2)


def fetch(base, path, token):
    req = urllib.request.Request(base.rstrip("/") + path,
                                 headers={"Authorization": f"Bearer {token}",
                                          "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.load(res)
    except (urllib.error.URLError, OSError, ValueError) as e:
        fail_usage(f"GET {path}: {e}")


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail_usage(f"{path}: {e}")


def policy_document(p):
    """Accepts a policy document, or a GET /v1/policies answer carrying one."""
    if isinstance(p, dict) and "policies" in p:
        for v in p["policies"]:
            if "document" in v:
                doc = v["document"]
                return json.loads(doc) if isinstance(doc, str) else doc
        return None
    return p


def from_catalogue(cat, want):
    for vocab, body in cat.get("vocabularies", {}).items():
        for c in body.get("codes", []):
            want.setdefault(vocab, set()).add(c["code"])
    for a in cat.get("actions", []):
        want.setdefault("actions", set()).add(a["type"])
        for e in a.get("events", []):
            want.setdefault("events", set()).add(e)


def from_policy(doc, want):
    org = doc.get("organisation", {})
    deps = want.setdefault("departments", set())
    if org.get("customer_service"):
        deps.add(org["customer_service"])
    for d in org.get("departments", []):
        deps.add(d["id"])
    for p in org.get("projects", []):
        want.setdefault("projects", set()).add(p["id"])
    for c in doc.get("categories", []):
        want.setdefault("categories", set()).add(c["id"])
        # first_responsible may be a stand-in such as target_department or case_by_case
        if c.get("first_responsible"):
            deps.add(c["first_responsible"])
        deps.update(c.get("cooperating", []))
    fines = doc.get("fines", {})
    rules = want.setdefault("fine_rules", set())
    for k, v in fines.items():
        if k in ("recorded", "beyond_tiers_rule"):
            continue
        rules.add(k)  # the derived rules are the keys holding amounts
    if fines.get("beyond_tiers_rule"):
        rules.add(fines["beyond_tiers_rule"])
    for r in fines.get("recorded", []):
        rules.add(r["rule"])
    for r in doc.get("escalation", []):
        want.setdefault("escalation_rules", set()).add(r["code"])
    want.setdefault("roles", set()).update(doc.get("permissions", {}).keys())


def check_file(path, problems):
    """Loads one labels file; appends format problems. Returns the dict (or {})."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        problems.append(f"{path}: not readable UTF-8 JSON: {e}")
        return {}
    if not isinstance(data, dict):
        problems.append(f"{path}: not a JSON object")
        return {}
    for k, v in data.items():
        if not isinstance(v, str) or not v.strip():
            problems.append(f"{path}: {k}: the label must be a non-empty string")
        parts = k.split(".", 2)
        if len(parts) != 3 or parts[0] != "code" or not parts[1] or not parts[2]:
            problems.append(f"{path}: {k}: a key must be code.<vocabulary>.<value>")
    if text != canonical(data):
        problems.append(f"{path}: not in the canonical form (sorted keys, 2-space indent, "
                        f"final newline): run tools/ui/codes.py --format")
    return data


def canonical(data):
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="check the files (the default)")
    ap.add_argument("--format", action="store_true", help="rewrite the files in canonical form")
    ap.add_argument("--dir", default=DEFAULT_DIR, help="the i18n directory")
    ap.add_argument("--base", help="the API's base URL, e.g. http://127.0.0.1:18080")
    ap.add_argument("--token", help="a bearer token for --base (or LEDGER_TOKEN)")
    ap.add_argument("--token-file", help="a file whose first word is the token")
    ap.add_argument("--catalogue", help="a saved GET /v1/catalogue answer")
    ap.add_argument("--policy", help="a saved policy document or GET /v1/policies?version=N answer")
    args = ap.parse_args()

    paths = {lang: os.path.join(args.dir, f"codes.{lang}.json") for lang in LANGS}
    if args.format:
        for p in paths.values():
            data = load_json(p)
            with open(p, "w", encoding="utf-8") as f:
                f.write(canonical(data))
            print(f"formatted {p}")
        if not args.check:
            return 0

    want = {v: set(vals) for v, vals in LEDGER_VALUES.items()}
    sources = ["the ledger's own values"]
    if args.base:
        token = args.token or os.environ.get("LEDGER_TOKEN")
        if args.token_file:
            with open(args.token_file, encoding="utf-8") as f:
                token = f.read().split()[0]
        if not token:
            fail_usage("--base needs --token, --token-file or LEDGER_TOKEN")
        from_catalogue(fetch(args.base, "/v1/catalogue", token), want)
        sources.append(f"{args.base}/v1/catalogue")
        if not args.policy:
            # The policy needs a role that may read it (admin, auditor...): skipped otherwise.
            req = urllib.request.Request(args.base.rstrip("/") + "/v1/policies",
                                         headers={"Authorization": f"Bearer {token}"})
            try:
                with urllib.request.urlopen(req, timeout=30) as res:
                    current = json.load(res)["current"]
                q = urllib.parse.urlencode({"version": current})
                doc = policy_document(fetch(args.base, f"/v1/policies?{q}", token))
                if doc:
                    from_policy(doc, want)
                    sources.append(f"{args.base}/v1/policies?{q}")
            except (urllib.error.URLError, OSError, ValueError, KeyError) as e:
                print(f"note: policy not read ({e}): departments, categories, projects, "
                      f"fine rules and escalation rules not checked")
    elif args.catalogue:
        from_catalogue(load_json(args.catalogue), want)
        sources.append(args.catalogue)
    else:
        fail_usage("give --base (with a token) or --catalogue")
    if args.policy:
        doc = policy_document(load_json(args.policy))
        if not doc:
            fail_usage(f"{args.policy}: no policy document in it")
        from_policy(doc, want)
        sources.append(args.policy)

    problems = []
    files = {lang: check_file(p, problems) for lang, p in paths.items()}

    # Parity between the two files.
    en, zh = files["en"], files["zh-CN"]
    for k in sorted(set(en) - set(zh)):
        problems.append(f"parity: {k} is in codes.en.json only")
    for k in sorted(set(zh) - set(en)):
        problems.append(f"parity: {k} is in codes.zh-CN.json only")

    # Every wanted code labelled in both files.
    wanted_keys = set()
    for vocab in sorted(want):
        for value in sorted(want[vocab]):
            k = f"code.{vocab}.{value}"
            wanted_keys.add(k)
            for lang in LANGS:
                if k not in files[lang]:
                    problems.append(f"missing: {k} in codes.{lang}.json")

    print("sources: " + "; ".join(sources))
    n = len(set(en) | set(zh))
    print(f"{len(en)} keys in codes.en.json, {len(zh)} in codes.zh-CN.json; "
          f"{len(wanted_keys)} codes required from {len(want)} vocabularies")
    extra = sorted((set(en) | set(zh)) - wanted_keys)
    if extra:
        fams = sorted({k.split(".")[1] for k in extra})
        print(f"note: {len(extra)} of {n} keys are not asked for by these sources "
              f"(vocabularies: {', '.join(fams)})")
    for p in problems:
        print(p)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
