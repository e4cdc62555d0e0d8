"""Proved fine statements: the verifier's check of a `ledgerctl statement` file.

A statement (format 1, docs/event-format.md "Fine statements" of the ledger's repository) is one
JSON object:

    kind "fine_statement", format 1
    from_month, to_month      the months it covers (YYYY-MM, the policy's time zone)
    start, end                those months as microseconds since the epoch, [start, end)
    size, checkpoint          the signed checkpoint (C2SP note) the events are proved against
    at                        the evaluation time: the recordedAt of the event at position `size`
    lines                     every fine line accrued in [start, end), ordered by accrued then id:
                              id, complaint, rule, amount (fen, -1 = no fixed amount), day,
                              accrued (us), people, departments, derived, evidence (positions),
                              waived, waiver_position, reason (free text, not checked)
    total                     {fine, waived, lines}: each line once; fine = amounts not waived
    departments               [{department, fine, waived, lines}]: per department charged
    sum_root                  {hash, fine, waived, leaves}: the Merkle sum tree over the lines
    heads                     {root, size, cited, leaves}: the sorted tree of stream heads; cited
                              = [{stream, version, position, heads_index}], leaves = [{index,
                              leaf, proof}] (each cited stream's leaf and both neighbours)
    events                    [{position, canonical, proof}]: every event of each cited stream and
                              the event at `size`, each with its inclusion proof

What this module checks, with no code of the ledger:

1. The checkpoint is signed by a trusted key; every event's inclusion proof leads to its root;
   each event's bytes say the position they are proved at.
2. Each cited stream's head leaf is in the heads tree, says the stream's last version and
   position, and sits strictly between its two neighbours' keys: no second (later) head of the
   stream is in the tree. Its events are exactly versions 1..head, so no event of a cited
   complaint (a waiver, a correction) is left out -- of the heads tree the statement gives. That
   this tree is the log's own (no head lowered and the tree rebuilt around it) only the whole log
   shows: full mode rebuilds it, and a published statement's event commits to its root.
3. Every line is recomputed from the proved events alone, by this verifier's own clocks and fine
   rules (fine_rules.py) under the policy versions the events cite (the `policy` stream's
   PolicyPublished events, proved like the rest): the statement's lines of each complaint must be
   exactly the recomputed ones that accrued in [start, end).
4. The sum tree, the per-department totals and the total are recomputed from the lines.

What it cannot prove from the statement alone: that no other complaint has a line in the period
(a complaint left out entirely), and that the heads tree is the log's (sorted everywhere, no head
lowered). Both need the whole log: `--export FILE` (a `ledgerctl export` of positions 1..size or
more) recomputes every complaint's lines and the heads tree's root from it. `--published BUNDLE`
(a proof bundle of the statement's FineStatementPublished event) shows the ledger published this
very file, with these roots, in its signed log: a forged statement is then evidence against its
publisher, which anyone holding the whole log can show.

Sum tree (u64 big-endian sums in fen):
    leaf  = SHA-256(0x00 || BE64 fine || BE64 waived || canonical line)
    node  = SHA-256(0x01 || L.hash || BE64 L.fine || BE64 L.waived || R.hash || BE64 R.fine ||
                    BE64 R.waived)
    root of no leaves = (SHA-256(""), 0, 0); shape as RFC 6962 (split at the largest power of
    two below n). One leaf per (department charged, line), a line charging no department once
    under "", sorted by department then line id. The canonical line is "ledger-fine-line-v1"
    then, each as a BE32 length and the bytes: department, complaint, id, rule, day, accrued,
    amount, people joined by "\\n", departments joined by "\\n", derived "1"/"0", waived
    "1"/"0", waiver_position, evidence joined by ",".

Heads tree leaves (48 bytes): SHA-256(stream id) || BE64 version || BE64 position, sorted, with
the sentinels 32 x 0x00 and 32 x 0xff (version and position 0) first and last; RFC 6962 leaf and
node hashes.
"""

import calendar
import collections
import datetime
import hashlib
import json
import re

import ledger_verify as lv

STATEMENT_KIND = "fine_statement"
MAX_STATEMENT_BYTES = 1 << 30
LINE_TAG = b"ledger-fine-line-v1"
LOW_SENTINEL = bytes(32) + bytes(16)
HIGH_SENTINEL = b"\xff" * 32 + bytes(16)
POLICY_STREAM = "policy"
COMPLAINT_PREFIX = "CMP-"  # complaint streams (docs/events.md); others carry no fine lines
MONTH = re.compile(r"[0-9]{4}-[0-9]{2}", re.ASCII)
LINE_FIELDS = ("id", "complaint", "rule", "amount", "day", "accrued", "people", "departments",
               "derived", "evidence", "waived", "waiver_position")

StatementReport = collections.namedtuple(
    "StatementReport", "checkpoint from_month to_month lines complaints events fine waived "
                       "sum_root departments statement_sha256 full published_at")


# --------------------------------------------------------------------------------------------
# The two trees.


def _be64(n):
    return n.to_bytes(8, "big")


def _field(data):
    return len(data).to_bytes(4, "big") + data


def canonical_line(line, department):
    """The bytes a line is committed as in the sum tree, for one department it charges."""
    parts = [department, line["complaint"], line["id"], line["rule"], line["day"],
             str(line["accrued"]), str(line["amount"]), "\n".join(line["people"]),
             "\n".join(line["departments"]), "1" if line["derived"] else "0",
             "1" if line["waived"] else "0", str(line["waiver_position"]),
             ",".join(str(p) for p in line["evidence"])]
    return LINE_TAG + b"".join(_field(p.encode("utf-8")) for p in parts)


SumNode = collections.namedtuple("SumNode", "hash fine waived")


def sum_leaf(data, fine, waived):
    return SumNode(hashlib.sha256(b"\x00" + _be64(fine) + _be64(waived) + data).digest(), fine,
                   waived)


def sum_parent(left, right):
    if left.fine < 0 or left.waived < 0 or right.fine < 0 or right.waived < 0:
        raise lv.VerifyError("a sum of the sum tree is negative")
    data = (b"\x01" + left.hash + _be64(left.fine) + _be64(left.waived) + right.hash +
            _be64(right.fine) + _be64(right.waived))
    return SumNode(hashlib.sha256(data).digest(), left.fine + right.fine,
                   left.waived + right.waived)


def sum_root(leaves):
    if not leaves:
        return SumNode(lv.EMPTY_ROOT, 0, 0)
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return sum_parent(sum_root(leaves[:k]), sum_root(leaves[k:]))


def sum_leaves(lines):
    """[(department, line id, SumNode)] sorted as the ledger sorts them."""
    out = []
    for line in lines:
        amount = line["amount"] if line["amount"] > 0 else 0
        fine, waived = (0, amount) if line["waived"] else (amount, 0)
        for department in sorted(set(line["departments"])) or [""]:
            out.append((department.encode("utf-8"), line["id"].encode("utf-8"),
                        sum_leaf(canonical_line(line, department), fine, waived)))
    out.sort(key=lambda leaf: (leaf[0], leaf[1]))
    return out


def head_leaf(stream, version, position):
    return hashlib.sha256(stream.encode("utf-8")).digest() + _be64(version) + _be64(position)


def heads_root(heads):
    """The heads tree's root and size from {stream: (version, position)}."""
    leaves = sorted(head_leaf(s, v, p) for s, (v, p) in heads.items())
    leaves = [LOW_SENTINEL] + leaves + [HIGH_SENTINEL]
    return lv.root_from_leaves(leaves), len(leaves)


# --------------------------------------------------------------------------------------------
# Reading the file.


def _object(value, where):
    if not isinstance(value, dict):
        raise lv.VerifyError(f"{where} is not a JSON object")
    return value


def _list(value, where):
    if not isinstance(value, list):
        raise lv.VerifyError(f"{where} is not a JSON array")
    return value


def _int(obj, key, where, minimum=0):
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise lv.VerifyError(f"{where}: '{key}' is not an integer >= {minimum}")
    return value


def _text(obj, key, where):
    value = obj.get(key)
    if not isinstance(value, str):
        raise lv.VerifyError(f"{where}: '{key}' is not text")
    return value


def _hashes(value, where):
    return [lv.decode_hash(h, where) if isinstance(h, str) else
            _raise(f"{where}: a proof hash is not text") for h in _list(value, where)]


def _raise(message):
    raise lv.VerifyError(message)


def load(data):
    """Parses a statement file's bytes (strict JSON: no duplicate keys, no NaN)."""
    if len(data) > MAX_STATEMENT_BYTES:
        raise lv.VerifyError("the statement is larger than 1 GiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise lv.VerifyError("the statement is not UTF-8") from None
    doc = lv.strict_json_object(text, "the statement")
    if doc.get("kind") != STATEMENT_KIND or doc.get("format") != 1 or \
            isinstance(doc.get("format"), bool):
        raise lv.VerifyError("not a fine statement of format 1 (kind \"fine_statement\")")
    return doc


def _check_line_shape(line, where):
    _object(line, where)
    for key in ("id", "complaint", "rule", "day"):
        _text(line, key, where)
    _int(line, "amount", where, minimum=-1)
    _int(line, "accrued", where, minimum=-(1 << 63))
    _int(line, "waiver_position", where)
    for key in ("people", "departments"):
        if not all(isinstance(x, str) for x in _list(line.get(key), f"{where}: '{key}'")):
            raise lv.VerifyError(f"{where}: '{key}' holds something other than text")
    if not all(isinstance(x, int) and not isinstance(x, bool) and x > 0
               for x in _list(line.get("evidence"), f"{where}: 'evidence'")):
        raise lv.VerifyError(f"{where}: 'evidence' holds something other than positions")
    for key in ("derived", "waived"):
        if not isinstance(line.get(key), bool):
            raise lv.VerifyError(f"{where}: '{key}' is not true or false")


# --------------------------------------------------------------------------------------------
# The checks.


def _month_start(month, offset_minutes):
    """Microseconds since the epoch of the first instant of YYYY-MM in the policy's zone."""
    if not MONTH.fullmatch(month) or not 1 <= int(month[5:7]) <= 12:
        raise lv.VerifyError(f"{month!r} is not a month YYYY-MM")
    year, mon = int(month[0:4]), int(month[5:7])
    seconds = calendar.timegm((year, mon, 1, 0, 0, 0)) - offset_minutes * 60
    return seconds * 1_000_000


def _next_month(month):
    year, mon = int(month[0:4]), int(month[5:7])
    return f"{year + (mon == 12):04d}-{mon % 12 + 1:02d}"


def _utc_offset_minutes(policy_document):
    text = json.loads(policy_document).get("calendar", {}).get("utc_offset", "+08:00")
    sign = -1 if text.startswith("-") else 1
    hours, _, minutes = text[1:].partition(":")
    return sign * (int(hours) * 60 + int(minutes))


def _proved_events(doc, cp):
    """{position: canonical bytes}, each proved against the checkpoint."""
    proved = {}
    for i, entry in enumerate(_list(doc.get("events"), "'events'")):
        where = f"events[{i}]"
        entry = _object(entry, where)
        position = _int(entry, "position", where, minimum=1)
        where = f"the event at position {position}"
        if position > cp.size:
            raise lv.VerifyError(f"{where} is not in the checkpoint of size {cp.size}")
        if position in proved:
            raise lv.VerifyError(f"{where} is listed twice")
        canonical = lv.b64decode_strict(entry.get("canonical"), f"{where}: 'canonical'")
        proof = _hashes(entry.get("proof"), f"{where}: 'proof'")
        try:
            lv.verify_inclusion(lv.leaf_hash(canonical), position - 1, cp.size, proof, cp.root)
        except lv.VerifyError as e:
            raise lv.VerifyError(f"{where}: its inclusion proof fails: {e}") from None
        said = lv.envelope_position(canonical)
        if said != position:
            raise lv.VerifyError(f"{where}: its bytes say position {said}")
        proved[position] = canonical
    return proved


def _check_heads(doc, by_stream):
    """Each cited stream's head leaf is proved, unique, and names its last given event."""
    heads = _object(doc.get("heads"), "'heads'")
    root = lv.decode_hash(heads.get("root"), "the heads tree's root") \
        if isinstance(heads.get("root"), str) else _raise("'heads': 'root' is not text")
    size = _int(heads, "size", "'heads'", minimum=2)
    leaves = {}
    for i, entry in enumerate(_list(heads.get("leaves"), "'heads': 'leaves'")):
        where = f"heads leaf {i}"
        entry = _object(entry, where)
        index = _int(entry, "index", where)
        leaf = lv.b64decode_strict(entry.get("leaf"), f"{where}: 'leaf'")
        if len(leaf) != 48:
            raise lv.VerifyError(f"heads leaf {index} is not 48 bytes")
        proof = _hashes(entry.get("proof"), f"{where}: 'proof'")
        try:
            lv.verify_inclusion(lv.leaf_hash(leaf), index, size, proof, root)
        except lv.VerifyError as e:
            raise lv.VerifyError(f"heads leaf {index}: its inclusion proof fails: {e}") from None
        leaves[index] = leaf
    if 0 in leaves and leaves[0] != LOW_SENTINEL:
        raise lv.VerifyError("heads leaf 0 is not the low sentinel")
    if size - 1 in leaves and leaves[size - 1] != HIGH_SENTINEL:
        raise lv.VerifyError(f"heads leaf {size - 1} is not the high sentinel")
    cited = {}
    for i, entry in enumerate(_list(heads.get("cited"), "'heads': 'cited'")):
        where = f"heads cited[{i}]"
        entry = _object(entry, where)
        stream = _text(entry, "stream", where)
        version = _int(entry, "version", where, minimum=1)
        position = _int(entry, "position", where, minimum=1)
        index = _int(entry, "heads_index", where, minimum=1)
        where = f"stream {stream}"
        if stream in cited:
            raise lv.VerifyError(f"{where} is cited twice")
        if index >= size - 1:
            raise lv.VerifyError(f"{where}: heads index {index} is a sentinel's or past the tree")
        for j in (index - 1, index, index + 1):
            if j not in leaves:
                raise lv.VerifyError(f"{where}: heads leaf {j} (its own or a neighbour) is "
                                     f"missing")
        if leaves[index] != head_leaf(stream, version, position):
            raise lv.VerifyError(f"{where}: heads leaf {index} is not its head (version "
                                 f"{version}, position {position})")
        key = leaves[index][:32]
        if not leaves[index - 1][:32] < key < leaves[index + 1][:32]:
            raise lv.VerifyError(f"{where}: its head leaf is not strictly between its "
                                 f"neighbours: the tree may hold another head of it")
        events = by_stream.get(stream, [])
        versions = [e["streamVersion"] for e in events]
        if versions != list(range(1, version + 1)):
            missing = sorted(set(range(1, version + 1)) - set(versions))
            raise lv.VerifyError(f"{where}: its head is version {version}, but the events "
                                 f"given are versions {_ranges(versions)}"
                                 + (f" (missing {_ranges(missing)})" if missing else ""))
        if events[-1]["position"] != position:
            raise lv.VerifyError(f"{where}: its head is position {position}, but version "
                                 f"{version} is given at position {events[-1]['position']}")
        cited[stream] = (version, position)
    return cited, root, size


def _ranges(numbers):
    if not numbers:
        return "none"
    return ", ".join(str(n) for n in numbers[:10]) + (", ..." if len(numbers) > 10 else "")


def _lines_in(computed, start, end):
    return [l for l in computed if start <= l["accrued"] < end]


def _compare_lines(complaint, given, computed):
    if len(given) != len(computed):
        given_ids = {l["id"] for l in given}
        computed_ids = {l["id"] for l in computed}
        extra = sorted(given_ids - computed_ids)
        missing = sorted(computed_ids - given_ids)
        detail = (f"; not derivable: {', '.join(extra[:3])}" if extra else "") + \
                 (f"; left out: {', '.join(missing[:3])}" if missing else "")
        raise lv.VerifyError(f"complaint {complaint}: the statement lists {len(given)} lines, "
                             f"the proved events give {len(computed)}{detail}")
    for g, c in zip(given, computed):
        for key in LINE_FIELDS:
            if g[key] != c[key]:
                raise lv.VerifyError(f"complaint {complaint}, line {g['id']}: '{key}' is "
                                     f"{g[key]!r}, the proved events give {c[key]!r}")


def _decode(proved, envelopes_module):
    positions = sorted(proved)
    decoded = envelopes_module.decode_envelopes([proved[p] for p in positions])
    for p, e in zip(positions, decoded):
        if e.get("position") != p:
            raise lv.VerifyError(f"the event at position {p} decodes as position "
                                 f"{e.get('position')}")
    return dict(zip(positions, decoded))


def _recompute(complaints, policy_events, at, start, end, fine_rules_module):
    """{complaint: its lines accrued in [start, end)}, from this verifier's own rules."""
    out = {}
    for complaint, events in complaints.items():
        try:
            computed = fine_rules_module.fine_lines(events, policy_events, at)
        except lv.VerifyError:
            raise
        except Exception as e:  # the rules engine's own refusal (an event it cannot model)
            raise lv.VerifyError(f"complaint {complaint}: cannot recompute its lines: {e}") \
                from None
        out[complaint] = _lines_in(computed, start, end)
    return out


def _sorted_lines(lines):
    return sorted(lines, key=lambda l: (l["accrued"], l["id"].encode("utf-8")))


def verify_statement(data, vkeys, origin=None, export=None, published=None):
    """Verifies a statement file's bytes; returns a StatementReport. Raises VerifyError.

    `export`: an optional path of a `ledgerctl export` holding positions 1..size at least: then
    every complaint's lines are recomputed from the whole log (a complaint left out of the
    statement is found) and the heads tree's root is rebuilt. `published`: the text of a proof
    bundle of the statement's FineStatementPublished event (check_published).
    """
    import envelopes
    import fine_rules

    doc = load(data)
    cp = lv.verify_note(_text(doc, "checkpoint", "the statement"), vkeys, origin)
    size = _int(doc, "size", "the statement", minimum=1)
    if size != cp.size:
        raise lv.VerifyError(f"the statement says size {size}, its checkpoint {cp.size}")
    proved = _proved_events(doc, cp)
    if size not in proved:
        raise lv.VerifyError(f"the event at position {size} (whose time is the evaluation "
                             f"time) is not given")
    events = _decode(proved, envelopes)
    at = _int(doc, "at", "the statement", minimum=-(1 << 63))
    if events[size]["recordedAt"] != at:
        raise lv.VerifyError(f"'at' is {at}, the event at position {size} was recorded at "
                             f"{events[size]['recordedAt']}")
    by_stream = collections.defaultdict(list)
    for p in sorted(events):
        by_stream[events[p]["streamId"]].append(events[p])
    cited, root, heads_size = _check_heads(doc, by_stream)
    for p, e in events.items():
        if p != size and e["streamId"] not in cited:
            raise lv.VerifyError(f"the event at position {p} is of stream {e['streamId']}, "
                                 f"which the statement does not cite")
    policy_events = [e for e in by_stream.get(POLICY_STREAM, []) if e["type"] == "PolicyPublished"]
    if POLICY_STREAM not in cited and any(e.get("policyVersion", 0) for e in events.values()):
        raise lv.VerifyError("events cite policy versions, but the policy stream is not cited")
    offset = _utc_offset_minutes(policy_events[-1]["payload"]["policyPublished"]["document"]) \
        if policy_events else 8 * 60

    from_month = _text(doc, "from_month", "the statement")
    to_month = _text(doc, "to_month", "the statement")
    start = _month_start(from_month, offset)
    end = _month_start(_next_month(to_month), offset)
    if start >= end:
        raise lv.VerifyError(f"the period {from_month}..{to_month} is empty")
    if _int(doc, "start", "the statement", minimum=-(1 << 63)) != start or \
            _int(doc, "end", "the statement", minimum=-(1 << 63)) != end:
        raise lv.VerifyError(f"'start'/'end' are not the months {from_month}..{to_month} in the "
                             f"policy's time zone")

    lines = _list(doc.get("lines"), "'lines'")
    for i, line in enumerate(lines):
        _check_line_shape(line, f"lines[{i}]")
    if [l["id"] for l in _sorted_lines(lines)] != [l["id"] for l in lines]:
        raise lv.VerifyError("the lines are not ordered by the instant they accrued, then id")
    if len({l["id"] for l in lines}) != len(lines):
        raise lv.VerifyError("a line id is listed twice")
    complaints = {s: by_stream[s] for s in cited if s.startswith(COMPLAINT_PREFIX)}
    given = collections.defaultdict(list)
    for line in lines:
        if line["complaint"] not in complaints:
            raise lv.VerifyError(f"line {line['id']}: its complaint {line['complaint']!r} is not "
                                 f"a complaint cited with its events")
        if not start <= line["accrued"] < end:
            raise lv.VerifyError(f"line {line['id']}: it accrued outside the period")
        given[line["complaint"]].append(line)

    for stream in cited:
        if stream != POLICY_STREAM and not stream.startswith(COMPLAINT_PREFIX):
            raise lv.VerifyError(f"stream {stream} is cited, but it is neither a complaint nor "
                                 f"the policy stream")
    computed = _recompute(complaints, policy_events, at, start, end, fine_rules)
    for complaint in sorted(complaints):
        _compare_lines(complaint, given.get(complaint, []),
                       _sorted_lines(computed.get(complaint, [])))

    full = False
    if export is not None:
        _check_whole_log(export, cp, lines, policy_events, at, start, end, root, heads_size,
                         envelopes, fine_rules)
        full = True

    fine, waived, departments, root = _check_sums(doc, lines)
    published_at = None
    if published is not None:
        published_at = check_published(published, vkeys, origin, data, doc, envelopes)
    return StatementReport(cp, from_month, to_month, len(lines), len(complaints), len(proved),
                           fine, waived, lv._b64(root.hash),
                           departments, hashlib.sha256(data).hexdigest(), full, published_at)


def check_published(bundle_text, vkeys, origin, data, doc, envelopes_module):
    """The statement is the one a proved FineStatementPublished event records.

    `bundle_text`: a tlog-proof bundle (ledgerctl prove POSITION) of that event. Returns its
    position. The event must name this file's SHA-256 and the statement's months, size, roots,
    totals and line count.
    """
    bundle = lv.verify_bundle(bundle_text, vkeys, origin)
    event = envelopes_module.decode_envelopes([bundle.event])[0]
    where = f"the published event (position {bundle.index + 1})"
    if event.get("type") != "FineStatementPublished":
        raise lv.VerifyError(f"{where} is a {event.get('type')}, not a FineStatementPublished")
    p = event["payload"].get("statementPublished") or {}
    cp = lv.parse_checkpoint(lv.parse_signed_note(doc["checkpoint"]).text)
    sums = doc["sum_root"]
    expected = {
        "statementSha256": hashlib.sha256(data).hexdigest(),
        "fromMonth": doc["from_month"], "toMonth": doc["to_month"],
        "treeSize": doc["size"], "treeRoot": cp.root.hex(),
        "sumRoot": lv.decode_hash(sums["hash"], "the sum root").hex(),
        "fines": sums["fine"], "waived": sums["waived"],
        "headsRoot": lv.decode_hash(doc["heads"]["root"], "the heads root").hex(),
        "lines": len(doc["lines"]),
    }
    for key, value in expected.items():
        if p.get(key) != value:
            raise lv.VerifyError(f"{where} records {key} {p.get(key)!r}, the statement has "
                                 f"{value!r}")
    return bundle.index + 1


def _check_sums(doc, lines):
    leaves = sum_leaves(lines)
    root = sum_root([leaf[2] for leaf in leaves])
    given = _object(doc.get("sum_root"), "'sum_root'")
    given_hash = lv.decode_hash(given.get("hash"), "the sum root") \
        if isinstance(given.get("hash"), str) else _raise("'sum_root': 'hash' is not text")
    if (_int(given, "fine", "'sum_root'"), _int(given, "waived", "'sum_root'")) != \
            (root.fine, root.waived):
        raise lv.VerifyError(f"the sum root's totals are {given['fine']}/{given['waived']} fen, "
                             f"the lines give {root.fine}/{root.waived}")
    if _int(given, "leaves", "'sum_root'") != len(leaves):
        raise lv.VerifyError(f"the sum tree has {len(leaves)} leaves, the statement says "
                             f"{given['leaves']}")
    if given_hash != root.hash:
        raise lv.VerifyError("the sum root's hash is not the root of the lines' sum tree")
    departments = collections.OrderedDict()
    for department, _, node in leaves:
        d = departments.setdefault(department.decode("utf-8"), [0, 0, 0])
        d[0] += node.fine
        d[1] += node.waived
        d[2] += 1
    listed = collections.OrderedDict()
    for i, entry in enumerate(_list(doc.get("departments"), "'departments'")):
        entry = _object(entry, f"departments[{i}]")
        name = _text(entry, "department", f"departments[{i}]")
        if name in listed:
            raise lv.VerifyError(f"department {name or '(none)'} is listed twice")
        if listed and name.encode("utf-8") <= list(listed)[-1].encode("utf-8"):
            raise lv.VerifyError("the departments are not in order")
        listed[name] = [_int(entry, k, f"department {name}") for k in ("fine", "waived", "lines")]
    if listed != departments:
        for name in sorted(set(listed) | set(departments)):
            if listed.get(name) != departments.get(name):
                raise lv.VerifyError(f"department {name or '(none)'}: the statement says "
                                     f"{listed.get(name)} (fine, waived, lines), the lines give "
                                     f"{departments.get(name)}")
        raise lv.VerifyError("the departments are not those of the lines, in order")
    total = _object(doc.get("total"), "'total'")
    fine = sum(l["amount"] for l in lines if not l["waived"] and l["amount"] > 0)
    waived = sum(l["amount"] for l in lines if l["waived"] and l["amount"] > 0)
    if (_int(total, "fine", "'total'"), _int(total, "waived", "'total'"),
            _int(total, "lines", "'total'")) != (fine, waived, len(lines)):
        raise lv.VerifyError(f"the total is {total.get('fine')}/{total.get('waived')} fen over "
                             f"{total.get('lines')} lines, the lines give {fine}/{waived} over "
                             f"{len(lines)}")
    return fine, waived, departments, root


def _check_whole_log(export, cp, lines, policy_events, at, start, end, root, heads_size,
                     envelopes, fine_rules):
    """Full mode: the export of the whole log gives every complaint's lines and every head."""
    canonicals = {}
    with open(export, "rb") as source:
        report = lv._verify_export_lines(_collect(lv._read_lines(source), canonicals), cp)
    del report
    decoded = envelopes.decode_envelopes([canonicals[p] for p in range(1, cp.size + 1)])
    heads, streams = {}, collections.defaultdict(list)
    for e in decoded:
        heads[e["streamId"]] = (e["streamVersion"], e["position"])
        streams[e["streamId"]].append(e)
    full_root, full_size = heads_root(heads)
    if (full_root, full_size) != (root, heads_size):
        raise lv.VerifyError("the heads tree is not the one the whole log gives (its root or "
                             "size differs)")
    complaints = {s: evs for s, evs in streams.items() if s.startswith("CMP-")}
    computed = _recompute(complaints, policy_events, at, start, end, fine_rules)
    expected = _sorted_lines([l for ls in computed.values() for l in ls])
    strip = lambda ls: [{k: l[k] for k in LINE_FIELDS} for l in ls]  # noqa: E731
    if strip(expected) != strip(lines):
        missing = sorted({l["id"] for l in expected} - {l["id"] for l in lines})
        raise lv.VerifyError(f"the whole log gives {len(expected)} lines in the period, the "
                             f"statement lists {len(lines)}"
                             + (f"; left out: {', '.join(missing[:3])}" if missing else
                                "; they differ"))


def _collect(lines, canonicals):
    """Passes export lines through, keeping each event's canonical bytes by position."""
    import base64
    for line_no, line in lines:
        try:
            obj = json.loads(line)
            if isinstance(obj, dict) and obj.get("kind") == "event":
                canonicals[obj["position"]] = base64.b64decode(obj["canonical"])
        except (ValueError, KeyError, TypeError):
            pass  # the export check below names the line
        yield line_no, line
