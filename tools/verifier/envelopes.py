#!/usr/bin/env python3
"""Decodes ledger events from their canonical Cap'n Proto bytes, independently of the ledger.

The bytes are those the hash chain seals (an export's base64 ``canonical``, a proof bundle's
``extra``): one Cap'n Proto message of a single segment, without a segment table, whose root is
an ``Envelope`` (ledger/log/envelope.capnp). The envelope's ``payload @7 :AnyPointer`` holds a
``DomainEvent`` (ledger/domain/events.capnp) for complaint, policy, ratings and import events.

Nothing here is compiled from or shared with the C++ ledger. The decoding is done by the
``capnp`` command-line tool (Debian package capnproto) from the published schema files:

* ``capnp convert`` cannot print an AnyPointer as JSON, so a derived schema is written into a
  temporary directory: a copy of envelope.capnp whose ``payload @7 :AnyPointer;`` line names
  ``import "events.capnp".DomainEvent`` instead, next to a copy of events.capnp. A pointer field
  read as a struct is wire-compatible with AnyPointer, so the bytes are read as written.
* Many events are decoded by one ``capnp`` process: each canonical message gets the standard
  stream framing (a segment table: 4-byte little-endian segment count minus one, here 0, then the
  segment's size in 8-byte words), the messages are concatenated, ``capnp convert binary:json``
  prints one JSON object per message, and the output is split back into exactly as many objects.

The JSON is then normalised with the schema text itself (a small reader of the .capnp files):
64-bit integers, which capnp prints as strings, become Python ints; ``Data`` becomes bytes; a
pointer field capnp leaves out because it is null gets its default ("" for Text, [] for a list,
None for a struct). Field names stay as capnp prints them (camelCase); a union member appears as
its own key (``{"payload": {"received": {...}, "note": ""}}``).

Public API::

    decode_envelopes(list_of_canonical_bytes, envelope_schema=None, events_schema=None,
                     capnp="capnp", include_dir=None) -> list[dict]
    decode_envelope(canonical_bytes, ...) -> dict
    Decoder(...)  # the same, keeping the derived schema for many calls

Every problem raises ``EnvelopeError`` naming it (capnp missing, a schema file missing, bytes
that do not decode, a count mismatch).
"""
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile

_HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ENVELOPE_SCHEMA = os.path.normpath(os.path.join(_HERE, "..", "..", "ledger", "log",
                                                        "envelope.capnp"))
DEFAULT_EVENTS_SCHEMA = os.path.normpath(os.path.join(_HERE, "..", "..", "ledger", "domain",
                                                      "events.capnp"))
PAYLOAD_LINE = "payload @7 :AnyPointer;"
PAYLOAD_REPLACEMENT = 'payload @7 :import "events.capnp".DomainEvent;'


class EnvelopeError(Exception):
    """An event could not be decoded (or the tools to decode it are missing)."""


# --- A small reader of the schema text, for normalising capnp's JSON. ---

_FIELD = re.compile(r"^\s*(\w+)\s+@(\d+)\s*:\s*(.+?)\s*;")
_STRUCT = re.compile(r"^\s*struct\s+(\w+)\s*(@0x[0-9a-f]+)?\s*\{")
_UNION = re.compile(r"^\s*union\s*\{")

_INT64 = {"Int64", "UInt64"}
_SMALL_INTS = {"Int8", "Int16", "Int32", "UInt8", "UInt16", "UInt32"}
_PRIMITIVE_DEFAULTS = {"Bool": False, "Float32": 0.0, "Float64": 0.0}


class _Field:
    def __init__(self, name, type_text, default_text, in_union):
        self.name = name
        self.type = type_text
        self.default_text = default_text
        self.in_union = in_union


def _parse_schema_text(text, structs):
    """Adds the structs of one schema file to `structs`: name -> list of _Field."""
    stack = []  # ("struct", name) or ("union", None) or ("other", None)
    for raw in text.splitlines():
        line = raw.split("#", 1)[0]
        m = _STRUCT.match(line)
        if m:
            stack.append(("struct", m.group(1)))
            structs.setdefault(m.group(1), [])
            continue
        if _UNION.match(line):
            stack.append(("union", None))
            continue
        f = _FIELD.match(line)
        if f and stack:
            owner = next((n for kind, n in reversed(stack) if kind == "struct"), None)
            in_union = stack[-1][0] == "union"
            spec = f.group(3)
            spec = re.sub(r"\$\w+(\([^)]*\))?", "", spec).strip()  # annotations
            default = None
            if "=" in spec:
                spec, default = (s.strip() for s in spec.split("=", 1))
            structs[owner].append(_Field(f.group(1), spec, default, in_union))
        opens = line.count("{") - (1 if (m or _UNION.match(line)) else 0)
        for _ in range(max(opens, 0)):
            stack.append(("other", None))
        for _ in range(line.count("}")):
            if stack:
                stack.pop()


def _type_name(type_text):
    """'import "events.capnp".DomainEvent' -> 'DomainEvent'; 'List(Text)' stays."""
    if type_text.startswith("import"):
        return type_text.rsplit(".", 1)[-1]
    return type_text


class _Schema:
    def __init__(self, texts):
        self.structs = {}
        for t in texts:
            _parse_schema_text(t, self.structs)

    def normalise(self, value, struct_name):
        fields = {f.name: f for f in self.structs.get(struct_name, [])}
        if not isinstance(value, dict):
            raise EnvelopeError("expected a %s struct, found %r" % (struct_name, value))
        out = {}
        for key, v in value.items():
            f = fields.get(key)
            out[key] = self._value(v, _type_name(f.type)) if f else v
        for f in fields.values():
            if f.name not in out and not f.in_union:
                out[f.name] = self._default(f)
        return out

    def _value(self, v, t):
        if v is None:
            return None
        if t in _INT64:
            return int(v)
        if t in _SMALL_INTS:
            return int(v)
        if t == "Data":
            return bytes(v)
        if t.startswith("List(") and t.endswith(")"):
            inner = _type_name(t[5:-1].strip())
            return [self._value(x, inner) for x in v]
        if t in self.structs:
            return self.normalise(v, t)
        return v  # Text, Bool, AnyPointer, enums

    def _default(self, f):
        t = _type_name(f.type)
        if f.default_text is not None:
            d = f.default_text
            if t in _INT64 or t in _SMALL_INTS:
                return int(d)
            if t == "Bool":
                return d == "true"
            if d.startswith('"'):
                return json.loads(d)
            return d
        if t in _INT64 or t in _SMALL_INTS:
            return 0
        if t in _PRIMITIVE_DEFAULTS:
            return _PRIMITIVE_DEFAULTS[t]
        if t == "Text":
            return ""
        if t == "Data":
            return b""
        if t.startswith("List("):
            return []
        return None  # a struct or AnyPointer left null


# --- The decoder. ---

class Decoder:
    """Decodes canonical envelope bytes with the capnp tool; keeps the derived schema."""

    def __init__(self, envelope_schema=None, events_schema=None, capnp="capnp", include_dir=None):
        self.envelope_schema = envelope_schema or DEFAULT_ENVELOPE_SCHEMA
        self.events_schema = events_schema or DEFAULT_EVENTS_SCHEMA
        self.capnp = shutil.which(capnp) if not os.path.isabs(capnp) else capnp
        if not self.capnp or not os.access(self.capnp, os.X_OK):
            raise EnvelopeError("the capnp command-line tool (%s) was not found: install Debian's "
                                "capnproto package" % capnp)
        self.include_dir = include_dir or self._find_include_dir()
        for path in (self.envelope_schema, self.events_schema):
            if not os.path.isfile(path):
                raise EnvelopeError("schema file %s not found" % path)
        with open(self.envelope_schema, encoding="utf-8") as f:
            envelope_text = f.read()
        with open(self.events_schema, encoding="utf-8") as f:
            events_text = f.read()
        if envelope_text.count(PAYLOAD_LINE) != 1:
            raise EnvelopeError("%s does not declare `%s` exactly once: cannot derive a schema "
                                "that reads the payload" % (self.envelope_schema, PAYLOAD_LINE))
        derived = envelope_text.replace(PAYLOAD_LINE, PAYLOAD_REPLACEMENT)
        self._tmp = tempfile.TemporaryDirectory(prefix="ledger-envelopes-")
        self.derived_schema = os.path.join(self._tmp.name, "envelope.capnp")
        with open(self.derived_schema, "w", encoding="utf-8") as f:
            f.write(derived)
        with open(os.path.join(self._tmp.name, "events.capnp"), "w", encoding="utf-8") as f:
            f.write(events_text)
        self.schema = _Schema([derived, events_text])
        if "Envelope" not in self.schema.structs or "DomainEvent" not in self.schema.structs:
            raise EnvelopeError("the schema files do not define Envelope and DomainEvent")

    def _find_include_dir(self):
        for d in ("/usr/include", "/usr/local/include"):
            if os.path.isfile(os.path.join(d, "capnp", "c++.capnp")):
                return d
        raise EnvelopeError("capnp/c++.capnp (imported by the schemas) was not found under "
                            "/usr/include or /usr/local/include: install libcapnp-dev")

    def close(self):
        self._tmp.cleanup()

    def decode(self, canonical_list):
        """The envelopes of a list of canonical messages, in the same order, as dicts."""
        canonical_list = list(canonical_list)
        if not canonical_list:
            return []
        framed = []
        for i, b in enumerate(canonical_list):
            b = bytes(b)
            if not b or len(b) % 8 != 0:
                raise EnvelopeError("event %d: %d bytes is not a whole number of 8-byte words"
                                    % (i, len(b)))
            framed.append(struct.pack("<II", 0, len(b) // 8))
            framed.append(b)
        cmd = [self.capnp, "convert", "binary:json", "-I" + self.include_dir,
               self.derived_schema, "Envelope"]
        try:
            r = subprocess.run(cmd, input=b"".join(framed), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
        except OSError as e:
            raise EnvelopeError("cannot run %s: %s" % (self.capnp, e))
        if r.returncode != 0:
            raise EnvelopeError("capnp could not decode the events: %s"
                                % r.stderr.decode("utf-8", "replace").strip()[:2000])
        try:
            text = r.stdout.decode("utf-8")
        except UnicodeDecodeError as e:
            raise EnvelopeError("capnp printed invalid UTF-8: %s" % e)
        objects = _split_json_objects(text)
        if len(objects) != len(canonical_list):
            raise EnvelopeError("capnp printed %d objects for %d events"
                                % (len(objects), len(canonical_list)))
        return [self.schema.normalise(o, "Envelope") for o in objects]


def _split_json_objects(text):
    decoder = json.JSONDecoder()
    out, i, n = [], 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return out
        try:
            obj, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError as e:
            raise EnvelopeError("capnp printed something that is not JSON: %s" % e)
        out.append(obj)


def decode_envelopes(canonical_list, envelope_schema=None, events_schema=None, capnp="capnp",
                     include_dir=None):
    """Decodes canonical envelope bytes (a list of bytes) into normalised dicts, in order."""
    d = Decoder(envelope_schema, events_schema, capnp, include_dir)
    try:
        return d.decode(canonical_list)
    finally:
        d.close()


def decode_envelope(canonical, **kwargs):
    """One event."""
    return decode_envelopes([canonical], **kwargs)[0]


def payload_member(envelope):
    """(member name, member dict) of a decoded envelope's DomainEvent union; (None, None) when
    the payload is null."""
    p = envelope.get("payload")
    if p is None:
        return None, None
    members = [k for k in p if k != "note"]
    if len(members) != 1:
        raise EnvelopeError("position %s: the payload has %d union members"
                            % (envelope.get("position"), len(members)))
    return members[0], p[members[0]]
