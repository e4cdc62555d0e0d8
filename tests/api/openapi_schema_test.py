#!/usr/bin/python3
"""docs/openapi.yaml against the real server: every operation, its answers validated by schema.

It builds its own world, as tests/ui/run.py does: a seeded demo ledger in a temporary directory
(`ledgerctl demo --complaints 200 --seed 1 --no-serve`), a token per role (`ledgerctl token add`)
and `ledgerctl serve --listen 127.0.0.1:0 --rate-limit 0 --auth-failure-rate 0 --no-ui`. Then it
calls every operation of the document: its success cases with a role that may call it, and its
errors where they are cheap to cause (401 without a token, 403 with a role the access table
refuses, 400, 404, 406, 409, 413, 422), and 429 against a second server started with a tiny rate
limit. Each answer must be listed in the operation's `responses` under its exact status code
(`default` does not count) with its media type; a JSON body must validate against that schema
(OpenAPI 3.0 turned into JSON Schema: `nullable`, $refs into the document, formats date-time and
date checked); headers the response declares (Location, WWW-Authenticate, Retry-After) must be
sent. Operations marked `x-capnp` are also asked for application/x-capnp and must name that root
struct. The event streams are read up to their first event (or their opening comment) and checked
for text/event-stream.

It also checks that the Action schemas are the live catalogue's (GET /v1/catalogue): one schema
per action type, the discriminator's mapping, the required fields, each field's type, limits and
vocabulary; and that every request body this test sends validates against the operation's
request schema. At the end every operation must have answered a success.

Prints PASS/FAIL per check, then "N passed, N failed"; exit 1 on any failure. Exit 77 (CTest:
skipped) when python3-jsonschema is missing, unless CI=true: there that is a failure.

usage: openapi_schema_test.py --ledgerctl build/tools/ledgerctl/ledgerctl [--keep] [--verbose]
"""
import argparse
import copy
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
SKIP = 77

try:
    import yaml
except ImportError:  # python3-yaml
    yaml = None
try:
    import jsonschema
except ImportError:  # python3-jsonschema
    jsonschema = None

# role -> department (ledgerctl token add refuses department-scoped roles without one).
ROLES = {
    "admin": None, "auditor": None, "reader": None, "gm": None, "deputy_gm": None,
    "cs_agent": "customer_service", "cs_head": "customer_service", "intake": "customer_service",
    "handler": "property", "dept_head": "property", "data_protection": None,
}
MONTH = "2026-06"  # a month of the seeded demo with fines, rewards and responsibility records
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def die_with_parent():
    """In the child: SIGTERM when this script dies, even by SIGKILL (a CTest timeout)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def log(msg):
    print(msg, flush=True)


class Failure(Exception):
    pass


# ---- the document as JSON Schema -----------------------------------------------------------------

def to_json_schema(node):
    """OpenAPI 3.0 schema objects (the whole document, recursively) as JSON Schema (draft 7):
    `nullable: true` adds "null" to the type (and to an enum); OpenAPI-only keywords go."""
    if isinstance(node, list):
        return [to_json_schema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k in ("discriminator", "example", "examples", "xml", "externalDocs", "deprecated",
                 "x-capnp"):
            continue
        out[k] = to_json_schema(v)
    if out.pop("nullable", False) is True:
        t = out.get("type")
        if isinstance(t, str):
            out["type"] = [t, "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = out["enum"] + [None]
        if "type" not in out and ("$ref" in out or "allOf" in out or "oneOf" in out):
            out = {"anyOf": [{"type": "null"}, out]}
    if out.get("format") == "binary":
        out.pop("format")
    return out


def format_checker():
    fc = jsonschema.FormatChecker(formats=())

    @fc.checks("date-time")
    def _dt(value):
        return not isinstance(value, str) or bool(RFC3339.match(value))

    @fc.checks("date")
    def _date(value):
        return not isinstance(value, str) or bool(DATE.match(value))

    return fc


class Contract:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        self.root = to_json_schema(self.doc)
        self.resolver = jsonschema.RefResolver.from_schema(self.root)
        self.formats = format_checker()
        # (METHOD, template) -> operation; templates as regexes for lookup.
        self.ops = {}
        self.patterns = []
        for template, item in self.doc["paths"].items():
            rx = re.compile("^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)) + "$")
            self.patterns.append((rx, template))
            for method, op in item.items():
                if method in HTTP_METHODS:
                    self.ops[(method.upper(), template)] = op

    def template(self, path):
        path = path.split("?", 1)[0]
        for rx, template in self.patterns:
            if rx.match(path):
                return template
        raise Failure(f"{path} matches no path of the document")

    def deref(self, node):
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            assert ref.startswith("#/"), ref
            cur = self.doc
            for part in ref[2:].split("/"):
                cur = cur[part.replace("~1", "/").replace("~0", "~")]
            node = cur
        return node

    def validate(self, schema, instance, what):
        """Raises Failure with the first few errors of `instance` against `schema` (OpenAPI)."""
        js = to_json_schema(schema)
        validator = jsonschema.Draft7Validator(js, resolver=self.resolver,
                                               format_checker=self.formats)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            lines = []
            for e in errors[:5]:
                where = "/".join(str(p) for p in e.absolute_path) or "(root)"
                lines.append(f"  at {where}: {e.message[:300]}")
            raise Failure(f"{what}: {len(errors)} schema error(s)\n" + "\n".join(lines))

    def response(self, method, template, status):
        op = self.ops.get((method, template))
        if op is None:
            raise Failure(f"{method} {template} is not an operation of the document")
        responses = op.get("responses", {})
        r = responses.get(str(status))
        if r is None:
            raise Failure(f"{method} {template} answered {status}, which its responses do not list "
                          f"(listed: {', '.join(sorted(responses))})")
        return op, self.deref(r)


# ---- the ledger ----------------------------------------------------------------------------------

class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case name -> value
        self.body = body

    @property
    def media_type(self):
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class Ledger:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="ledger-openapi-test-")
        self.data = os.path.join(self.tmp, "ledger")
        self.tokens = {}
        self.proc = None
        self.port = None

    def run_ctl(self, cmd):
        full = [self.args.ledgerctl, "--data", self.data] + cmd
        r = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=300)
        if r.returncode != 0:
            raise Failure(f"{' '.join(full)} exited {r.returncode}: {r.stderr.strip()[-2000:]}")
        return r.stdout

    def create(self):
        self.run_ctl(["demo", "--complaints", str(self.args.complaints), "--seed", "1",
                      "--no-serve"])
        for role, dept in ROLES.items():
            cmd = ["token", "add", "--actor", f"oa-{role}", "--role", role]
            if dept:
                cmd += ["--department", dept]
            out = self.run_ctl(cmd).strip().splitlines()
            if not out or not out[-1].startswith("lgr_"):
                raise Failure(f"token add for {role} printed no token: {out!r}")
            self.tokens[role] = out[-1].strip()
        # The log's signing key (outside the ledger, 0600): the server signs checkpoints, so
        # that the proof routes answer.
        self.signing_key = os.path.join(self.tmp, "signing.key")
        self.run_ctl(["keys", "generate", "--origin", "ledger.test/openapi",
                      "--out", self.signing_key])
        # Personal data sealed from here on (docs/privacy.md): the privacy routes have subjects.
        self.kek = os.path.join(self.tmp, "ledger.kek")
        self.run_ctl(["keystore", "new-kek", "--out", self.kek])
        self.run_ctl(["keystore", "init", "--kek", self.kek])

    def serve(self, *flags):
        cmd = [self.args.ledgerctl, "--data", self.data, "serve", "--listen", "127.0.0.1:0",
               "--no-ui", "--signing-key", self.signing_key, "--kek", self.kek] + list(flags)
        self.log_path = os.path.join(self.tmp, f"serve-{int(time.time() * 1000)}.log")
        with open(self.log_path, "w") as logf:
            self.proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT,
                                         start_new_session=True, preexec_fn=die_with_parent)
        deadline = time.time() + 30
        while time.time() < deadline:
            text = open(self.log_path, encoding="utf-8", errors="replace").read()
            m = re.search(r"listening on http://([0-9.]+):(\d+)", text)
            if m:
                self.port = int(m.group(2))
                break
            if self.proc.poll() is not None:
                raise Failure(f"ledgerctl serve exited {self.proc.returncode}:\n{text[-3000:]}")
            time.sleep(0.05)
        else:
            raise Failure("ledgerctl serve printed no address in 30 s")
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if self.request("GET", "/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise Failure("/healthz did not answer 200 in 30 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def close(self):
        self.stop()
        if self.args.keep:
            log(f"kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def request(self, method, path, role=None, body=None, headers=None, token=None, raw=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = dict(headers or {})
        if token is None and role is not None:
            token = self.tokens[role]
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            payload = r.read()
            return Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, payload)
        finally:
            conn.close()

    def first_sse(self, path, role, want_event, headers=None):
        """The status, headers and the first message (comment or event) of an event stream."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        h = {"Authorization": f"Bearer {self.tokens[role]}", **(headers or {})}
        try:
            conn.request("GET", path, headers=h)
            r = conn.getresponse()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            if r.status != 200:
                return Answer(r.status, hdrs, r.read()), []
            # Messages up to the first event; after the opening comment a quiet second ends the
            # wait (the alert stream sends nothing until an alert arises).
            messages, current = [], []
            r.fp.raw._sock.settimeout(1.0 if not want_event else 10.0)
            try:
                while True:
                    line = r.fp.readline()
                    if not line:
                        break
                    line = line.decode("utf-8").rstrip("\r\n")
                    if line:
                        current.append(line)
                        continue
                    if current:
                        messages.append(current)
                        if any(x.startswith("data:") for x in current):
                            break
                        current = []
            except (TimeoutError, OSError):
                pass
            return Answer(200, hdrs, b""), messages
        finally:
            conn.close()


# ---- the checks ----------------------------------------------------------------------------------

class Run:
    def __init__(self, contract, ledger, verbose):
        self.c = contract
        self.l = ledger
        self.verbose = verbose
        self.passed = 0
        self.failed = 0
        self.seen = {}  # (METHOD, template) -> set of statuses validated

    def fail(self, what, why):
        self.failed += 1
        log(f"FAIL {what}\n{why}")

    def ok(self, what):
        self.passed += 1
        if self.verbose:
            log(f"PASS {what}")

    def check_request_body(self, method, template, body):
        op = self.c.ops[(method, template)]
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        self.c.validate(schema, body, f"the request body sent to {method} {template}")

    def call(self, method, path, role=None, expect=None, body=None, headers=None, token=None,
             raw=None, valid_body=True, note=""):
        """One request; its answer validated against the document. `expect`: the status wanted."""
        template = self.c.template(path)
        what = f"{method} {path} as {role or 'nobody'}{' (' + note + ')' if note else ''}"
        try:
            if body is not None and valid_body:
                self.check_request_body(method, template, body)
            a = self.l.request(method, path, role, body, headers, token, raw)
            if expect is not None and a.status != expect:
                raise Failure(f"expected {expect}, got {a.status}: {a.body[:500]!r}")
            self.validate_answer(method, template, a)
            self.seen.setdefault((method, template), set()).add(a.status)
            self.ok(f"{what} -> {a.status}")
            return a
        except Failure as e:
            self.fail(what, str(e))
            return None

    def validate_answer(self, method, template, a):
        op, resp = self.c.response(method, template, a.status)
        for name in (resp.get("headers") or {}):
            if name.lower() not in a.headers:
                raise Failure(f"{a.status} lacks the header {name} its response declares")
        content = resp.get("content") or {}
        if not content:
            if a.body:
                raise Failure(f"{a.status} has a body but its response declares no content")
            return
        if a.media_type not in content:
            raise Failure(f"{a.status} came as {a.media_type!r}; the document lists "
                          f"{', '.join(content)}")
        schema = content[a.media_type].get("schema")
        if schema is None:
            raise Failure(f"{a.status} {a.media_type} has no schema")
        if a.media_type in ("application/json", "application/problem+json"):
            try:
                doc = a.json()
            except ValueError as e:
                raise Failure(f"{a.status} {a.media_type} is not JSON: {e}")
            self.c.validate(schema, doc, f"{a.status} {a.media_type}")
        elif a.media_type == "application/x-capnp":
            want = op.get("x-capnp")
            got = a.headers.get("content-type", "")
            if not want or f"type={want}" not in got.replace(" ", ""):
                raise Failure(f"Content-Type {got!r}, the operation's x-capnp is {want!r}")
            if not a.body or len(a.body) % 8:
                raise Failure(f"a Cap'n Proto message of {len(a.body)} bytes (not whole words)")
        elif a.media_type == "text/plain":
            self.c.validate(schema, a.body.decode("utf-8"), f"{a.status} text/plain")

    def stream(self, path, role, schema_ref, expect_event):
        template = self.c.template(path)
        what = f"GET {path} as {role} (event stream)"
        try:
            a, messages = self.l.first_sse(path, role, expect_event)
            if a.status != 200:
                raise Failure(f"expected 200, got {a.status}: {a.body[:300]!r}")
            op, resp = self.c.response("GET", template, 200)
            if a.media_type not in (resp.get("content") or {}):
                raise Failure(f"came as {a.media_type!r}; the document lists "
                              f"{', '.join(resp.get('content') or {})}")
            if not messages:
                raise Failure("the stream sent nothing")
            if not messages[0][0].startswith(":"):
                raise Failure(f"the stream does not open with a comment: {messages[0]!r}")
            lines = messages[-1]
            data = [ln[5:].lstrip(" ") for ln in lines if ln.startswith("data:")]
            if expect_event and not data:
                raise Failure(f"no event in the first messages: {messages!r}")
            if data:
                if not any(ln.startswith("id:") for ln in lines):
                    raise Failure(f"an event without id: {lines!r}")
                self.c.validate({"$ref": schema_ref}, json.loads("\n".join(data)),
                                "the first event's data")
            self.seen.setdefault(("GET", template), set()).add(200)
            self.ok(f"{what} -> 200 {lines[-1][:60]!r}")
        except Failure as e:
            self.fail(what, str(e))

    def check(self, what, fn):
        try:
            fn()
            self.ok(what)
        except Failure as e:
            self.fail(what, str(e))


def check_catalogue_in_sync(run, catalogue):
    """The document's Action schemas are the live catalogue's (tests/domain/catalogue_docs_test.cc
    renders them from the same table; this holds the rendering to what the server serves)."""
    c = run.c
    schemas = c.doc["components"]["schemas"]
    action = schemas["Action"]
    types = [a["type"] for a in catalogue["actions"]]
    refs = [x["$ref"].rsplit("/", 1)[1] for x in action["oneOf"]]
    if refs != [f"Action_{t}" for t in types]:
        raise Failure(f"Action.oneOf {refs} is not the catalogue's {types}")
    mapping = action["discriminator"]["mapping"]
    if action["discriminator"]["propertyName"] != "type" or \
            mapping != {t: f"#/components/schemas/Action_{t}" for t in types}:
        raise Failure(f"Action.discriminator is not `type` mapping every type: {mapping}")
    extra = sorted(k for k in schemas if k.startswith("Action_") and k[7:] not in types)
    if extra:
        raise Failure(f"schemas of no action type: {extra}")
    vocab = catalogue["vocabularies"]
    problems = []

    def field(f, prop, where):
        t = f["type"]
        if t == "text":
            ok = prop.get("type") == "string" and prop.get("maxLength") == f["max_bytes"]
        elif t == "code":
            ok = prop.get("enum") == [x["code"] for x in vocab[f["vocabulary"]]["codes"]]
        elif t == "code_list":
            ok = (prop.get("type") == "array" and prop.get("maxItems") == f["max_items"] and
                  prop["items"].get("enum") == [x["code"] for x in vocab[f["vocabulary"]]["codes"]])
        elif t == "text_list":
            ok = prop.get("type") == "array" and prop.get("maxItems") == f["max_items"]
        elif t == "bool":
            ok = prop.get("type") == "boolean"
        elif t in ("integer", "number"):
            ok = prop.get("type") == t and (
                "policy's survey range" in prop.get("description", "") or
                (prop.get("minimum") == f["min"] and prop.get("maximum", f["max"]) == f["max"]))
        elif t == "money":
            ok = prop.get("type") == "string" and "pattern" in prop
        elif t == "time":
            ok = prop.get("format") == "date-time"
        elif t == "version":
            ok = "oneOf" in prop
        elif t == "object":
            ok = prop.get("type") == "object"
            members(f["fields"], prop, f"{where}.{f['name']}")
        else:
            ok = False
        if not ok:
            problems.append(f"{where}.{f['name']} ({t}) is {prop}")

    def members(fields, schema, where):
        props = schema.get("properties", {})
        names = [f["name"] for f in fields]
        for n in props:
            if n not in names and not (where.count(".") == 0 and n in common):
                problems.append(f"{where} has a property {n} the catalogue does not")
        required = [f["name"] for f in fields if f["required"]]
        if where.count(".") == 0:
            required = ["type"] + required
        if sorted(schema.get("required", [])) != sorted(required):
            problems.append(f"{where}.required {schema.get('required')} is not {required}")
        for f in fields:
            if f["name"] not in props:
                problems.append(f"{where} lacks {f['name']}")
            else:
                field(f, props[f["name"]], where)

    common = [f["name"] for f in catalogue["common_fields"]]
    for a in catalogue["actions"]:
        s = schemas.get(f"Action_{a['type']}")
        if s is None:
            problems.append(f"no schema Action_{a['type']}")
            continue
        where = f"Action_{a['type']}"
        if s.get("description") != a["summary"]:
            problems.append(f"{where}.description {s.get('description')!r} is not {a['summary']!r}")
        if s["properties"]["type"].get("enum") != [a["type"]]:
            problems.append(f"{where}.type is not the constant {a['type']}")
        if s.get("additionalProperties") is not False:
            problems.append(f"{where} admits unknown fields")
        members(a["fields"], s, where)
        for f in catalogue["common_fields"]:
            if f["name"] == "type":
                continue
            if f["name"] not in s["properties"]:
                problems.append(f"{where} lacks the common field {f['name']}")
            else:
                field(f, s["properties"][f["name"]], where)
    if problems:
        raise Failure("the Action schemas differ from GET /v1/catalogue:\n  " +
                      "\n  ".join(problems[:20]))


def scenario(run, limits_flags):
    l, call = run.l, run.call
    # --- health
    call("GET", "/healthz", expect=200)
    call("GET", "/metrics", expect=200)

    # --- the catalogue, me, policies
    cat = call("GET", "/v1/catalogue", "reader", expect=200)
    if cat:
        run.check("the Action schemas are GET /v1/catalogue's",
                  lambda: check_catalogue_in_sync(run, cat.json()))
    for role in ROLES:
        call("GET", "/v1/me", role, expect=200)
    call("GET", "/v1/me", expect=401, note="no token")
    call("GET", "/v1/me", token="lgr_" + "A" * 43, expect=401, note="unknown token")
    call("GET", "/v1/catalogue", expect=401, note="no token")
    call("GET", "/v1/me", "reader", headers={"Accept": "text/html"}, expect=406)
    call("GET", "/v1/catalogue", "reader", headers={"Accept": "application/x-capnp"}, expect=406)
    call("GET", "/v1/policies", "reader", expect=200)
    call("GET", "/v1/policies?version=1", "admin", expect=200)
    call("GET", "/v1/policies?version=99", "admin", expect=404)
    call("GET", "/v1/policies?version=x", "admin", expect=400)
    call("GET", "/v1/policies", expect=401)
    policy = l.request("GET", "/v1/policies?version=1", "admin").json()["policies"][0]["document"]
    policy_doc = json.loads(policy)
    run.check_request_body("POST", "/v1/policies", policy_doc)
    call("POST", "/v1/policies", "admin", raw=policy.encode(),
         headers={"Content-Type": "application/json"}, expect=200, note="the current policy")
    call("POST", "/v1/policies", "admin", body={"format": 1}, expect=400, valid_body=False,
         note="an incomplete policy")
    call("POST", "/v1/policies", "cs_head", body=policy_doc, expect=403)
    call("POST", "/v1/policies", body=policy_doc, expect=401)

    # --- the log
    call("GET", "/v1/events?limit=5", "auditor", expect=200)
    call("GET", "/v1/events?from=0&limit=1000", "cs_head", expect=200)
    call("GET", "/v1/events?limit=0", "auditor", expect=400)
    call("GET", "/v1/events", "admin", expect=403)
    call("GET", "/v1/events", expect=401)
    call("GET", "/v1/ledger/verify", "auditor", expect=200)
    call("GET", "/v1/ledger/verify", "admin", expect=200)
    call("GET", "/v1/ledger/verify", "reader", expect=403)
    call("GET", "/v1/ledger/verify", expect=401)
    # --- checkpoints and proofs (every proof against a signed checkpoint)
    call("GET", "/v1/ledger/checkpoint", "auditor", expect=200)
    call("GET", "/v1/ledger/checkpoint?size=1", "auditor", expect=404)
    call("GET", "/v1/ledger/checkpoint", "reader", expect=403)
    call("GET", "/v1/ledger/checkpoint", expect=401)
    call("POST", "/v1/ledger/checkpoint", "auditor", expect=200)
    call("POST", "/v1/ledger/checkpoint", "admin", expect=200)
    call("POST", "/v1/ledger/checkpoint", "reader", expect=403)
    call("POST", "/v1/ledger/checkpoint", expect=401)
    call("GET", "/v1/ledger/proof/inclusion?position=3", "auditor", expect=200)
    call("GET", "/v1/ledger/proof/inclusion?position=3", "admin", expect=200)
    call("GET", "/v1/ledger/proof/inclusion?position=0", "auditor", expect=400)
    call("GET", "/v1/ledger/proof/inclusion?position=99999999", "auditor", expect=404)
    call("GET", "/v1/ledger/proof/inclusion?position=x", "auditor", expect=400)
    call("GET", "/v1/ledger/proof/inclusion?position=3", "reader", expect=403)
    call("GET", "/v1/ledger/proof/consistency?from=10", "auditor", expect=200)
    call("GET", "/v1/ledger/proof/consistency?from=0", "auditor", expect=400)
    call("GET", "/v1/ledger/proof/consistency?from=10", expect=401)
    call("GET", "/v1/ledger/proof/bundle?position=3", "auditor", expect=200)
    call("GET", "/v1/ledger/proof/bundle?position=3", "admin", expect=403)
    call("GET", "/v1/ledger/proof/bundle?position=99999999", "auditor", expect=404)
    run.stream("/v1/events/stream?from=1", "auditor", "#/components/schemas/Event", True)
    call("GET", "/v1/events/stream?from=x", "auditor", expect=400)
    call("GET", "/v1/events/stream", "reader", expect=403)
    call("GET", "/v1/events/stream", expect=401)

    # --- complaints: read
    page = call("GET", "/v1/complaints?limit=5", "auditor", expect=200)
    call("GET", "/v1/complaints?status=closed&limit=3", "reader", expect=200)
    call("GET", "/v1/complaints?overdue=true&limit=3", "handler", expect=200)
    call("GET", "/v1/complaints?level=urgent", "auditor", expect=400)
    call("GET", "/v1/complaints", "admin", expect=403)
    call("GET", "/v1/complaints", expect=401)
    ids = [c["id"] for c in page.json()["complaints"]] if page else ["CMP-2026-000001"]
    # Every complaint's state and timeline once, as an auditor (all of them), so the schemas
    # meet every shape the demo has (closed, reopened, paused, fined, surveyed, ...).
    all_ids, cursor = [], None
    while True:
        q = "/v1/complaints?limit=1000" + (f"&cursor={cursor}" if cursor else "")
        p = l.request("GET", q, "auditor").json()
        all_ids += [c["id"] for c in p["complaints"]]
        cursor = p["next_cursor"]
        if not cursor:
            break
    for cid in all_ids:
        call("GET", f"/v1/complaints/{cid}", "auditor", expect=200)
        call("GET", f"/v1/complaints/{cid}/timeline", "auditor", expect=200)
        call("GET", f"/v1/complaints/{cid}/events", "auditor", expect=200)
    first = ids[0]
    call("GET", f"/v1/complaints/{first}", "reader", expect=200, note="personal data redacted")
    call("GET", f"/v1/complaints/{first}?as_of=2026-06-30T18:00:00%2B08:00", "auditor",
         expect=200)
    call("GET", f"/v1/complaints/{first}?known_at=2026-06-30T18:00:00%2B08:00&policy=1",
         "auditor", expect=200)
    call("GET", f"/v1/complaints/{first}?as_of=yesterday", "auditor", expect=400)
    call("GET", f"/v1/complaints/{first}?policy=99", "auditor", expect=400)
    call("GET", "/v1/complaints/CMP-2026-999999", "auditor", expect=404)
    call("GET", f"/v1/complaints/{first}", "admin", expect=403)
    call("GET", f"/v1/complaints/{first}", expect=401)
    call("GET", f"/v1/complaints/{first}/events?limit=2", "auditor", expect=200)
    call("GET", f"/v1/complaints/{first}/events?limit=0", "auditor", expect=400)
    call("GET", "/v1/complaints/CMP-2026-999999/events", "auditor", expect=404)
    call("GET", f"/v1/complaints/{first}/events", "admin", expect=403)
    call("GET", f"/v1/complaints/{first}/events", expect=401)
    call("GET", f"/v1/complaints/{first}/timeline?limit=2&from_version=2", "auditor", expect=200)
    call("GET", f"/v1/complaints/{first}/timeline?limit=999", "auditor", expect=400)
    call("GET", "/v1/complaints/CMP-2026-999999/timeline", "auditor", expect=404)
    call("GET", f"/v1/complaints/{first}/timeline", "admin", expect=403)
    call("GET", f"/v1/complaints/{first}/timeline", expect=401)

    # --- complaints: write
    receive = {"type": "receive", "channel": "hotline",
               "complainant": {"name": "Li Lei", "phone": "13800000000", "is_owner": True},
               "project": "p-lakeside", "subject": "Leaking roof", "description": "Water drips",
               "receiving_department": "customer_service", "receiving_staff": "oa-cs_agent",
               "external_ref": "OA-EXT-1", "idempotency_key": "oa-receive-1"}
    r = call("POST", "/v1/complaints", "cs_agent", body=receive, expect=201)
    new_id = r.json()["id"] if r else None
    call("POST", "/v1/complaints", "cs_agent", body=receive, expect=201,
         note="the same idempotency key: the first result again")
    again = dict(receive, idempotency_key="oa-receive-2")
    call("POST", "/v1/complaints", "cs_agent", body=again, expect=200,
         note="external_ref on record: existing")
    other = dict(again, receiving_staff="oa-intake", idempotency_key="oa-receive-3")
    call("POST", "/v1/complaints", "handler", body=other, expect=403)
    call("POST", "/v1/complaints", "cs_agent", body={"type": "receive"}, valid_body=False,
         expect=400, note="missing fields")

    # --- personal data: the sealed complainant's subject, its record, holds, the record of reads
    call("GET", f"/v1/complaints/{new_id}", "auditor", expect=200, note="a recorded read")
    found = call("POST", "/v1/privacy/lookup", "data_protection", body={"phone": "13800000000"},
                 expect=200)
    subject = found.json()["subject"] if found else "none"
    call("POST", "/v1/privacy/lookup", "data_protection", body={"phone": "13900000000"},
         expect=404, note="nobody has this phone")
    call("POST", "/v1/privacy/lookup", "data_protection", body={}, valid_body=False, expect=400)
    call("POST", "/v1/privacy/lookup", "reader", body={"phone": "13800000000"}, expect=403)
    call("GET", f"/v1/privacy/subjects/{subject}", "data_protection", expect=200)
    call("GET", "/v1/privacy/subjects/s-none", "data_protection", expect=404)
    call("GET", f"/v1/privacy/subjects/{subject}", "cs_agent", expect=403)
    hold = {"type": "place_legal_hold", "subject": subject, "reason": "litigation",
            "reference": "case 1"}
    call("POST", "/v1/privacy/actions", "data_protection", body=hold, expect=200)
    call("POST", "/v1/privacy/actions", "data_protection", body=hold, expect=422,
         note="already held")
    call("POST", "/v1/privacy/actions", "data_protection",
         body={"type": "request_erasure", "subject": subject, "reason": "asked"}, expect=200,
         note="restricted: a legal hold and an open complaint")
    call("POST", "/v1/privacy/actions", "cs_agent", body=hold, expect=403)
    call("POST", "/v1/privacy/actions", "data_protection", body={"type": "add_flag"},
         valid_body=False, expect=400, note="not a privacy action")
    call("GET", f"/v1/privacy/reads?subject={subject}", "auditor", expect=200)
    call("GET", "/v1/privacy/reads?limit=2", "data_protection", expect=200)
    call("GET", "/v1/privacy/reads?from=yesterday", "data_protection", expect=400)
    call("GET", "/v1/privacy/reads", "reader", expect=403)
    call("POST", "/v1/complaints", "cs_agent", body={"type": "add_flag", "flag": "media"},
         valid_body=False, expect=400, note="not a receive")
    call("POST", "/v1/complaints", "cs_agent", raw=b"{not json",
         headers={"Content-Type": "application/json"}, expect=400, note="malformed JSON")
    call("POST", "/v1/complaints", "cs_agent", raw=b"{" + b" " * (70 * 1024) + b"}",
         headers={"Content-Type": "application/json"}, expect=413)
    call("POST", "/v1/complaints", body=receive, expect=401)
    capnp = l.request("POST", "/v1/complaints", "cs_agent",
                      body=dict(receive, idempotency_key="oa-receive-capnp",
                                external_ref="OA-EXT-CAPNP"),
                      headers={"Accept": "application/x-capnp"})
    run.check("POST /v1/complaints (application/x-capnp) -> 201",
              lambda: (capnp.status == 201 or (_ for _ in ()).throw(
                  Failure(f"got {capnp.status}"))) and
              run.validate_answer("POST", "/v1/complaints", capnp))
    if new_id:
        act = f"/v1/complaints/{new_id}/actions"
        call("POST", act, "cs_agent", body={"type": "add_flag", "flag": "media",
                                            "expected_version": 1}, expect=200)
        call("POST", act, "cs_agent", body={"type": "add_flag", "flag": "litigation",
                                            "expected_version": 1}, expect=409)
        call("POST", act, "cs_agent", body={"type": "close", "basis": "customer_confirmed"},
             expect=422)
        call("POST", act, "cs_agent", body={"type": "add_flag", "flag": "not-a-flag"},
             valid_body=False, expect=400, note="a code outside its vocabulary")
        call("POST", act, "cs_agent", body={"type": "rate_department", "department": "property",
                                            "month": "2026-11", "score": 80}, expect=400,
             note="rate_department goes to /v1/ratings")
        call("POST", act, "reader", body={"type": "add_flag", "flag": "media"}, expect=403)
        call("POST", act, body={"type": "add_flag", "flag": "media"}, expect=401)
        call("POST", act, "cs_agent", body={"type": "add_flag", "flag": "government"},
             headers={"Accept": "application/x-capnp"}, expect=200)
        call("POST", "/v1/complaints/CMP-2026-999999/actions", "cs_agent",
             body={"type": "add_flag", "flag": "media"}, expect=404)
        call("GET", f"/v1/complaints/{new_id}", "reader", expect=200)
        call("GET", f"/v1/complaints/{new_id}/timeline", "cs_agent", expect=200)

    # --- ratings
    rating = {"type": "rate_department", "department": "property", "month": "2026-11",
              "score": 88.5}
    call("POST", "/v1/ratings", "cs_agent", body=rating, expect=201)
    call("POST", "/v1/ratings", "cs_agent", body=dict(rating, score=101), valid_body=False,
         expect=400)
    call("POST", "/v1/ratings", "cs_agent", body={"type": "add_flag", "flag": "media"},
         valid_body=False, expect=400, note="not a rate_department")
    call("POST", "/v1/ratings", "handler", body=rating, expect=403)
    call("POST", "/v1/ratings", body=rating, expect=401)

    # --- reports
    for role in ("auditor", "cs_agent", "dept_head"):
        call("GET", f"/v1/responsibility?month={MONTH}", role, expect=200)
        call("GET", f"/v1/fines?month={MONTH}&limit=3", role, expect=200)
        call("GET", f"/v1/rewards?month={MONTH}", role, expect=200)
        call("GET", f"/v1/metrics?month={MONTH}", role, expect=200)
        call("GET", "/v1/findings", role, expect=200)
        call("GET", "/v1/alerts", role, expect=200)
    call("GET", "/v1/responsibility?limit=2", "auditor", expect=200)
    call("GET", f"/v1/fines?month={MONTH}&as_of=2026-06-30T18:00:00%2B08:00", "auditor",
         expect=200)
    fines = l.request("GET", f"/v1/fines?month={MONTH}&limit=1", "auditor").json()
    if fines.get("next_cursor"):
        call("GET", f"/v1/fines?month={MONTH}&limit=1&cursor={fines['next_cursor']}", "auditor",
             expect=200)
    call("GET", "/v1/metrics?month=2026", "gm", expect=200)
    call("GET", "/v1/metrics?month=2026-06&project=p-lakeside", "reader", expect=200)
    call("GET", "/v1/findings?limit=1", "auditor", expect=200)
    call("GET", "/v1/alerts?limit=1&state=missed", "auditor", expect=200)
    call("GET", "/v1/alerts?person=nobody", "handler", expect=200)
    call("GET", "/v1/fines", "auditor", expect=400, note="month is required")
    call("GET", "/v1/fines?month=1999-01", "auditor", expect=400, note="outside the calendar")
    call("GET", "/v1/rewards?month=June", "auditor", expect=400)
    call("GET", "/v1/metrics", "auditor", expect=400)
    call("GET", "/v1/responsibility?cursor=zz", "auditor", expect=400)
    call("GET", "/v1/findings?from=x", "auditor", expect=400)
    call("GET", "/v1/alerts?clock=nope", "auditor", expect=400)
    for path in ("/v1/responsibility", f"/v1/fines?month={MONTH}", f"/v1/rewards?month={MONTH}",
                 f"/v1/metrics?month={MONTH}", "/v1/findings", "/v1/alerts"):
        call("GET", path, "admin", expect=403)
        call("GET", path, expect=401)
        call("GET", path, "auditor", headers={"Accept": "application/x-capnp"}, expect=200)
    call("GET", "/v1/responsibility", "intake", expect=403)
    run.stream("/v1/alerts/stream", "auditor", "#/components/schemas/Alert", False)
    call("GET", "/v1/alerts/stream?from=0", "auditor", expect=400)
    call("GET", "/v1/alerts/stream", "admin", expect=403)
    call("GET", "/v1/alerts/stream", expect=401)

    # --- Cap'n Proto where offered
    for path in ("/v1/events?limit=3", "/v1/ledger/verify", "/v1/complaints?limit=3",
                 f"/v1/complaints/{first}", f"/v1/complaints/{first}/events",
                 f"/v1/complaints/{first}/timeline", "/v1/policies"):
        call("GET", path, "auditor", headers={"Accept": "application/x-capnp"}, expect=200)
    call("GET", "/v1/events", "auditor", headers={"Accept": "image/png"}, expect=406)

    # --- a policy published again in other bytes is a new version (201; the same content)
    call("POST", "/v1/policies", "admin", body=policy_doc, expect=201, note="reformatted")

    # --- 429: a server whose tokens may make two requests, whose addresses fail twice
    l.stop()
    l.serve(*limits_flags)
    call("GET", "/v1/me", "reader", expect=200)
    call("GET", "/v1/me", "reader", expect=200)
    call("GET", "/v1/me", "reader", expect=429, note="over the token's rate")
    for path in ("/v1/events", "/v1/complaints", f"/v1/complaints/{first}", "/v1/alerts"):
        call("GET", path, "reader", expect=429, note="over the token's rate")
    call("POST", "/v1/ratings", "reader", body=rating, expect=429, note="over the token's rate")
    call("GET", "/v1/catalogue", token="lgr_" + "B" * 43, expect=401)
    call("GET", "/v1/catalogue", token="lgr_" + "C" * 43, expect=401)
    call("GET", "/v1/catalogue", "cs_agent", expect=429, note="the address failed too often")
    call("GET", "/healthz", expect=200, note="exempt from every limit")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ledgerctl", required=True)
    ap.add_argument("--openapi", default=os.path.join(REPO, "docs", "openapi.yaml"))
    ap.add_argument("--complaints", type=int, default=200,
                    help="the demo ledger's size: 200 has every shape (waivers, extensions, "
                         "links, ...)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary ledger")
    ap.add_argument("--verbose", action="store_true", help="print every PASS")
    args = ap.parse_args()

    missing = [name for name, mod in (("python3-yaml", yaml), ("python3-jsonschema", jsonschema))
               if mod is None]
    if missing:
        why = f"{', '.join(missing)} not installed"
        if os.environ.get("CI") == "true":
            log(f"FAIL {why} (CI=true)")
            return 1
        log(f"SKIP {why} (tools/setup.sh installs it; under CI=true this fails)")
        return SKIP

    contract = Contract(args.openapi)
    ledger = Ledger(args)
    run = Run(contract, ledger, args.verbose)
    t0 = time.time()
    try:
        ledger.create()
        ledger.serve("--rate-limit", "0", "--auth-failure-rate", "0")
        scenario(run, ["--rate-limit", "0.001", "--rate-burst", "2",
                       "--auth-failure-rate", "0.001", "--auth-failure-burst", "2"])
    except Failure as e:
        run.fail("setup", str(e))
    finally:
        ledger.close()

    never = []
    for (method, template), op in sorted(contract.ops.items()):
        statuses = run.seen.get((method, template), set())
        if not any(200 <= s < 300 for s in statuses):
            never.append(f"{method} {template}")
        elif args.verbose:
            log(f"     {method} {template}: {', '.join(str(s) for s in sorted(statuses))}")
    if never:
        run.fail("coverage", "operations never answered a success: " + ", ".join(never))
    else:
        run.ok("coverage")
    covered = sum(len(s) for s in run.seen.values())
    log(f"{run.passed} passed, {run.failed} failed ({len(contract.ops)} operations, "
        f"{covered} operation/status pairs, {time.time() - t0:.1f} s)")
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main())
