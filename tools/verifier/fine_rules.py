#!/usr/bin/env python3
"""The policy's clocks and fine rules, implemented again for the independent verifier.

From the proved events of one complaint (decoded by envelopes.py) and the published policy
versions, this module recomputes every fine line the ledger derives (and lists the recorded
ones), with the same ids, amounts, days, people, departments, evidence and waivers as the C++
function ``FineLines`` (ledger/domain/fines.cc) as the reports call it (projections/derive.cc,
``ClocksOf``). It shares no code with the ledger: the rules are those of docs/rules.md and
docs/clocks.md, written again in Python; the C++ was read to settle the details.

Public API::

    fine_lines(complaint_events, policy_events, at_us, policies=None, as_of=False)
        -> list[dict]
    load_policies(policy_events) -> {version: Policy}   (parse once, pass as `policies`)

* ``complaint_events``: the decoded envelopes (envelopes.py) of ONE complaint stream, stream
  versions 1..n in order. The caller chooses which events count: for "as known at T" pass the
  events recorded at or before T (``recordedAt <= T``), as ``ledgerctl --known-at T`` does.
* ``policy_events``: decoded ``PolicyPublished`` envelopes (stream "policy"): every version
  published (the ledger reads them all, whatever the known-at time). A complaint is judged
  under the version of its intake (its ``policyVersion``), a reopened cycle's closure clock
  under the version of the reopening; a version not given falls back to the latest given (the
  ledger's "current" policy).
* ``at_us``: the evaluation time, µs since the epoch (UTC). Clocks are evaluated then.
* ``as_of=True`` (optional): moreover count only the events that occurred by ``at_us`` (the
  business-time view of ``ledgerctl --as-of``).

Each line is a dict: ``id``, ``complaint``, ``rule``, ``amount`` (int fen; -1: no fixed
amount), ``day`` ("YYYY-MM-DD" in the policy's zone), ``accrued`` (µs), ``people``,
``departments``, ``derived``, ``reason``, ``evidence`` (sorted positions), ``waived``,
``waiver_position`` (0 when not waived). Order: the derived lines clock by clock
(transmission, assignment, response, plan, then each closure cycle's overdue days), then the
recorded fines in the order recorded.

The staff-decision clock carries no fine and is not computed; escalations are not re-derived
(a rise is its own LevelEscalated event, which the clocks read like any level change).

What the engine cannot model (an unknown event type, level, clock or correctable field, a time
it cannot read, a policy it cannot read) raises ``FineRulesError`` naming the event position and
the reason: it never guesses.
"""
import datetime
import json
import re

US_PER_SECOND = 1000000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()

LEVELS = ("general", "important", "major", "crisis")
CLOSURE_CLASSES = ("engineering", "design", "property", "marketing", "investment", "other")
CLOCK_KINDS = ("transmission", "assignment", "response", "plan", "staff_decision", "closure")
WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")

# Clocks search a working day this far, and step a working-day allowance ten times as far
# (the C++ guards; a validated policy never reaches them).
MAX_DAYS_SEARCHED = 3660


class FineRulesError(Exception):
    """The events or the policy hold something this engine cannot model."""


# =============================================================================================
# Time: µs since the epoch (UTC); civil days as day numbers since 1970-01-01 (local).
# =============================================================================================

def local_day(t, offset_min):
    """The local civil day (days since 1970-01-01) of instant `t` in a fixed UTC offset."""
    return (t + offset_min * US_PER_MINUTE) // US_PER_DAY


def at_local(day, time_of_day_us, offset_min):
    """The instant of local civil day `day` at `time_of_day_us` after local midnight."""
    return day * US_PER_DAY + time_of_day_us - offset_min * US_PER_MINUTE


def weekday(day):
    """0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday)."""
    return (day + 4) % 7


def day_of_date(d):
    return d.toordinal() - _EPOCH_ORDINAL


def format_day(day):
    return datetime.date.fromordinal(day + _EPOCH_ORDINAL).isoformat()


def format_rfc3339(t, offset_min):
    """As the ledger writes times: seconds, then 6 fractional digits when not whole, offset."""
    local = t + offset_min * US_PER_MINUTE
    day, us = divmod(local, US_PER_DAY)
    text = "%sT%02d:%02d:%02d" % (format_day(day), us // US_PER_HOUR, us // US_PER_MINUTE % 60,
                                  us // US_PER_SECOND % 60)
    if us % US_PER_SECOND:
        text += ".%06d" % (us % US_PER_SECOND)
    if offset_min == 0:
        return text + "Z"
    sign = "-" if offset_min < 0 else "+"
    off = abs(offset_min)
    return text + "%s%02d:%02d" % (sign, off // 60 % 100, off % 60)


_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?"
                      r"(?:([Zz])|([+-])(\d{2}):(\d{2}))$")


def parse_rfc3339(text):
    """An RFC 3339 time with an offset, as a correction's value carries it; None if malformed.
    Fractions beyond microseconds are dropped, as the ledger does."""
    m = _RFC3339.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    try:
        date = datetime.date(y, mo, d)
    except ValueError:
        return None
    if h > 23 or mi > 59 or s > 59:
        return None
    frac = m.group(7)
    frac_us = int((frac[1:] + "000000")[:6]) if frac else 0
    offset = 0
    if m.group(9):
        oh, om = int(m.group(10)), int(m.group(11))
        if oh > 23 or om > 59:
            return None
        offset = (oh * 60 + om) * (-1 if m.group(9) == "-" else 1)
    return (day_of_date(date) * US_PER_DAY + h * US_PER_HOUR + mi * US_PER_MINUTE
            + s * US_PER_SECOND + frac_us - offset * US_PER_MINUTE)


# =============================================================================================
# The policy document (docs/policy-format.md): only what clocks and fines need.
# =============================================================================================

def _parse_money(text, where):
    """'300.00' -> 30000 fen (docs/events.md "Money")."""
    if not isinstance(text, str) or not re.fullmatch(r"-?\d+\.\d\d", text):
        raise FineRulesError("policy %s: %r is not an amount such as \"300.00\"" % (where, text))
    negative = text.startswith("-")
    units = int(text.lstrip("-").replace(".", ""))
    return -units if negative else units


class Allowance:
    """'2 hours' (elapsed), '3 days' (N x 24 h), '15 working days' (docs/clocks.md)."""

    _UNITS = {"hour": "hours", "hours": "hours", "day": "days", "days": "days",
              "working day": "working_days", "working days": "working_days"}

    def __init__(self, text, where):
        m = re.fullmatch(r"(-?\d+) (.+)", text) if isinstance(text, str) else None
        if not m or m.group(2) not in self._UNITS or int(m.group(1)) <= 0:
            raise FineRulesError("policy %s: %r is not an allowance" % (where, text))
        self.amount = int(m.group(1))
        self.unit = self._UNITS[m.group(2)]
        self.text = text


def _parse_elapsed(text, where):
    """'8 hours', '5 minutes', '1 day' -> µs (always elapsed)."""
    m = re.fullmatch(r"(\d+) (minute|minutes|hour|hours|day|days)", text or "")
    if not m or int(m.group(1)) <= 0:
        raise FineRulesError("policy %s: %r is not a duration" % (where, text))
    per = {"minute": US_PER_MINUTE, "hour": US_PER_HOUR, "day": US_PER_DAY}
    return int(m.group(1)) * per[m.group(2).rstrip("s")]


def _need(obj, key, where):
    if not isinstance(obj, dict) or key not in obj:
        raise FineRulesError("policy: %s/%s is missing" % (where, key))
    return obj[key]


class Calendar:
    """The business calendar: zone, opening, weekend, holidays and make-up working days."""

    def __init__(self, c):
        off = _need(c, "utc_offset", "/calendar")
        m = re.fullmatch(r"([+-])(\d\d):(\d\d)", off or "")
        if not m:
            raise FineRulesError("policy /calendar/utc_offset: %r is not an offset" % off)
        self.utc_offset = (int(m.group(2)) * 60 + int(m.group(3))) * (-1 if m.group(1) == "-"
                                                                       else 1)
        opening = _need(c, "opening", "/calendar")
        m = re.fullmatch(r"(\d\d):(\d\d)", opening or "")
        if not m:
            raise FineRulesError("policy /calendar/opening: %r is not a time of day" % opening)
        self.opening = int(m.group(1)) * US_PER_HOUR + int(m.group(2)) * US_PER_MINUTE
        self.weekend = set()
        for name in _need(c, "weekend", "/calendar"):
            if name not in WEEKDAYS:
                raise FineRulesError("policy /calendar/weekend: %r is not a weekday" % name)
            self.weekend.add(WEEKDAYS.index(name))
        self.holidays = set()
        self.makeup_workdays = set()
        for i, h in enumerate(_need(c, "holidays", "/calendar")):
            first = self._date(_need(h, "from", "/calendar/holidays/%d" % i))
            last = self._date(h.get("to", h["from"]))
            self.holidays.update(range(first, last + 1))  # every day of the period is off
            for d in h.get("makeup_workdays", []):
                self.makeup_workdays.add(self._date(d))

    @staticmethod
    def _date(text):
        try:
            return day_of_date(datetime.date.fromisoformat(text))
        except (TypeError, ValueError):
            raise FineRulesError("policy /calendar: %r is not a date" % (text,))

    def is_working_day(self, day):
        """A make-up working day, or neither a weekend day nor a holiday
        (rules.md "Business calendar")."""
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return weekday(day) not in self.weekend


class Policy:
    """One published policy version, as far as clocks and fines need it."""

    def __init__(self, document, version):
        try:
            doc = json.loads(document)
        except ValueError as e:
            raise FineRulesError("policy version %d is not JSON: %s" % (version, e))
        self.version = version
        self.calendar = Calendar(_need(doc, "calendar", ""))
        org = _need(doc, "organisation", "")
        self.customer_service = _need(org, "customer_service", "/organisation")
        self.cs_head = _need(org, "cs_head", "/organisation")
        self.department_heads = {d["id"]: d.get("head", "")
                                 for d in _need(org, "departments", "/organisation")}
        self.categories = {}
        for c in _need(doc, "categories", ""):
            cls = _need(c, "closure_class", "/categories")
            if cls not in CLOSURE_CLASSES:
                raise FineRulesError("policy: closure class %r is unknown" % cls)
            self.categories[c["id"]] = (c.get("first_responsible", ""), cls)
        self.clocks = {}
        clocks = _need(doc, "clocks", "")
        for level in LEVELS:
            lc = _need(clocks, level, "/clocks")
            self.clocks[level] = {k: Allowance(_need(lc, k, "/clocks/" + level),
                                               "/clocks/%s/%s" % (level, k))
                                  for k in ("transmission", "response", "plan")}
        self.closure = {}
        closure = _need(doc, "closure", "")
        for cls in CLOSURE_CLASSES:
            rule = _need(closure, cls, "/closure")
            where = "/closure/" + cls
            standard = Allowance(_need(rule, "standard", where), where + "/standard")
            by_level = {lv: Allowance(a, "%s/by_level/%s" % (where, lv))
                        for lv, a in rule.get("by_level", {}).items()}
            self.closure[cls] = (standard, by_level)
        self.staff_decision = _parse_elapsed(_need(doc, "staff_decision", ""), "/staff_decision")
        self.safety_response_cap = _parse_elapsed(_need(doc, "safety_response_cap", ""),
                                                  "/safety_response_cap")
        fines = _need(doc, "fines", "")
        self.fine_amounts = {k: _parse_money(_need(fines, k, "/fines"), "/fines/" + k)
                             for k in ("no_plan", "cs_transmission_late", "transmission_late",
                                       "response_late")}
        self.overdue_tiers = [(int(t["from_day"]), int(t["to_day"]),
                               _parse_money(t["per_day"], "/fines/closure_overdue"))
                              for t in _need(fines, "closure_overdue", "/fines")]

    def closure_allowance(self, cls, level):
        standard, by_level = self.closure[cls]
        return by_level.get(level, standard)

    def last_tier_day(self):
        return self.overdue_tiers[-1][1] if self.overdue_tiers else 0

    def overdue_day_amount(self, day):
        """closure_overdue day `day` (1-based) under the tiers (rules.md#fines); 0 beyond."""
        for first, last, per_day in self.overdue_tiers:
            if first <= day <= last:
                return per_day
        return 0


# =============================================================================================
# Counting rules (docs/clocks.md "What each clock counts", "Adding an allowance", "Overdue days").
# =============================================================================================

def clock_start(intake, cal):
    """The intake itself on a working day (any hour), else the next working day's opening."""
    day = local_day(intake, cal.utc_offset)
    if cal.is_working_day(day):
        return intake
    nxt = day + 1
    for _ in range(MAX_DAYS_SEARCHED):
        if cal.is_working_day(nxt):
            break
        nxt += 1
    return at_local(nxt, cal.opening, cal.utc_offset)


def add_allowance(start, allowance, cal):
    """Hours elapsed; days = N x 24 h; working days step over the calendar keeping the time of
    day (local civil days of the policy's offset)."""
    if allowance.unit == "hours":
        return start + allowance.amount * US_PER_HOUR
    if allowance.unit == "days":
        return start + allowance.amount * US_PER_DAY
    day = local_day(start, cal.utc_offset)
    time_of_day = start + cal.utc_offset * US_PER_MINUTE - day * US_PER_DAY
    counted = steps = 0
    while counted < allowance.amount and steps < 10 * MAX_DAYS_SEARCHED:
        day += 1
        if cal.is_working_day(day):
            counted += 1
        steps += 1
    return at_local(day, time_of_day, cal.utc_offset)


def _paused_within(pauses, start, end):
    """Pauses clipped to [start, end), sorted and merged; an open pause runs to `end`."""
    spans = []
    for p in pauses:
        a = max(p.start.at, start)
        b = min(p.end.at if p.end else end, end)
        if a < b:
            spans.append([a, b])
    spans.sort(key=lambda s: s[0])
    merged = []
    for s in spans:
        if merged and s[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], s[1])
        else:
            merged.append(s)
    return merged


def overdue_period_starts(due, end, pauses):
    """The starts of the started 24-hour periods after `due` up to `end`, paused time not
    counted: 1 s or 1 h late = 1 day, exactly 24 h = 1 day, 24 h + 1 s = 2 days; a period that
    would begin inside a pause begins at its end (clocks.md "Overdue days")."""
    starts = []
    if end <= due:
        return starts
    counted = 0  # overdue time counted before the current running segment
    nxt = 0      # the counted time at which the next period starts
    frm = due
    for a, b in _paused_within(pauses, due, end) + [[end, end]]:
        length = a - frm
        while nxt < counted + length:
            starts.append(frm + (nxt - counted))
            nxt += US_PER_DAY
        counted += length
        frm = b
    return starts


# =============================================================================================
# The complaint's state, folded from its events (the facts clocks and fines rest on).
# =============================================================================================

class Stamp:
    """When something happened (occurred_at, µs) and the position of the event saying so."""
    __slots__ = ("at", "position")

    def __init__(self, at, position):
        self.at = at
        self.position = position


class Pause:
    __slots__ = ("start", "end", "reason")

    def __init__(self, start, reason):
        self.start, self.end, self.reason = start, None, reason


class Extension:
    __slots__ = ("clock", "until", "requested", "decided", "approved", "closure_cycle")

    def __init__(self, clock, until, requested, closure_cycle):
        self.clock, self.until, self.requested = clock, until, requested
        self.decided, self.approved, self.closure_cycle = None, False, closure_cycle


class Cycle:
    """A closure cycle: from the intake (0) or a reopening, judged under `policy_version`."""
    __slots__ = ("start", "closed", "policy_version")

    def __init__(self, start, policy_version):
        self.start, self.closed, self.policy_version = start, None, policy_version


class Assignment:
    __slots__ = ("at", "department", "handler")

    def __init__(self, at, department, handler):
        self.at, self.department, self.handler = at, department, handler


class ComplaintState:
    """What the clocks and fines of one complaint rest on (a subset of the ledger's state)."""

    def __init__(self, complaint_id):
        self.id = complaint_id
        self.policy_version = 0
        self.intake = None
        self.receiving_department = ""
        self.receiving_staff = ""
        self.target = None  # {"kind", "id", "department"} or None
        self.flags = []
        self.transmitted = None
        self.transmitted_to_department = ""
        self.transmitted_to_person = ""
        self.assessed = None
        self.valid = None
        self.category = ""
        self.levels = []  # [(Stamp, level)]; [0] is the level at intake
        self.assignments = []
        self.first_response = None
        self.plans = []  # Stamps of the plans proposed
        self.cycles = []
        self.pauses = []
        self.extensions = []
        self.staff_decision = None
        self.fines = []    # recorded: dicts with at, rule, amount, people, departments, reason
        self.waivers = []  # dicts with line_id, at
        self.stamps = []   # every Stamp made, for corrections of occurred_at (by position)

    def stamp(self, e):
        s = Stamp(e["occurredAt"], e["position"])
        self.stamps.append(s)
        return s

    def level(self):
        return self.levels[-1][1] if self.levels else "general"

    def paused(self):
        return bool(self.pauses) and self.pauses[-1].end is None

    def about_staff(self):
        """Category service_attitude or a person target (rules.md "Complaints about a staff
        member")."""
        return self.category == "service_attitude" or (
            self.target is not None and self.target["kind"] == "person")

    def responsible_department(self, policy):
        """The latest assignment's department, else the category's first-responsible (for
        service_attitude the target's department), else ''."""
        if self.assignments:
            return self.assignments[-1].department
        cat = policy.categories.get(self.category)
        if cat:
            first, _ = cat
            if first not in ("", "case_by_case", "target_department"):
                return first
            if first == "target_department" and self.target is not None:
                return self.target["department"]
        return ""


# The event types, by the envelope's `type`, with their DomainEvent union member.
EVENT_MEMBERS = {
    "ComplaintReceived": "received", "ComplaintTransmitted": "transmitted",
    "ValidityAssessed": "validityAssessed", "ComplaintClassified": "classified",
    "LevelSet": "levelSet", "LevelEscalated": "levelEscalated",
    "ResponsibilityAssigned": "responsibilityAssigned", "CustomerResponded": "customerResponded",
    "PlanProposed": "planProposed", "PlanReviewed": "planReviewed",
    "ProgressRecorded": "progressRecorded", "ComplaintResolved": "resolved",
    "ResolutionConfirmed": "resolutionConfirmed", "ComplaintClosed": "closed",
    "ComplaintReopened": "reopened", "ClockPaused": "clockPaused", "ClockResumed": "clockResumed",
    "FlagAdded": "flagAdded", "ComplaintLinked": "linked",
    "ExtensionRequested": "extensionRequested", "ExtensionDecided": "extensionDecided",
    "StaffDecisionRecorded": "staffDecisionRecorded", "CallbackRecorded": "callbackRecorded",
    "FineRecorded": "fineRecorded", "FineWaived": "fineWaived",
    "DepartmentRated": "departmentRated", "EventCorrected": "corrected",
    "EvidenceAttached": "evidenceAttached", "PolicyPublished": "policyPublished",
    "ImportRecorded": "importRecorded",
}

# Correctable fields (docs/events.md "Correctable fields"); occurred_at on every event but
# EventCorrected and LevelEscalated.
CORRECTABLE = {
    "ComplaintReceived": {"channel", "project", "subject", "description", "demands", "headcount",
                          "claimed_compensation", "receiving_department", "receiving_staff",
                          "complainant.name", "complainant.phone", "complainant.unit",
                          "complainant.is_owner", "target.kind", "target.id",
                          "target.department"},
    "CallbackRecorded": {"acknowledged", "contacted", "timeliness", "plan", "attitude",
                         "reasons"},
    "PlanProposed": {"description", "estimated_cost"},
    "ComplaintResolved": {"resolution", "corrective_action", "root_cause"},
}
ALL_CORRECTABLE = set().union(*CORRECTABLE.values()) | {"occurred_at"}


def _member(e):
    """The payload's union member for the envelope's type (a mismatch is damage)."""
    name = EVENT_MEMBERS.get(e.get("type"))
    if name is None:
        raise FineRulesError("position %s: unknown event type %r" % (e.get("position"),
                                                                      e.get("type")))
    payload = e.get("payload") or {}
    if name not in payload:
        raise FineRulesError("position %s: a %s whose payload is not %s"
                             % (e["position"], e["type"], name))
    return payload[name]


def _level(text, e):
    if text not in LEVELS:
        raise FineRulesError("position %d: %r is not a level" % (e["position"], text))
    return text


def _on_received(s, e, r):
    s.policy_version = e["policyVersion"]
    s.intake = s.stamp(e)
    s.receiving_department = r["receivingDepartment"]
    s.receiving_staff = r["receivingStaff"]
    t = r.get("target")
    s.target = None if t is None else {"kind": t["kind"], "id": t["id"],
                                       "department": t["department"]}
    s.flags = list(r["flags"])
    s.levels.append((s.stamp(e), "general"))
    s.cycles.append(Cycle(s.stamp(e), e["policyVersion"]))


def _on_closed(s, e):
    """Closing meets the cycle's closure clock and ends an open pause (rules.md#closure)."""
    if s.paused():
        s.pauses[-1].end = s.stamp(e)
    s.cycles[-1].closed = s.stamp(e)


def _on_extension_requested(s, e, r):
    clock = r["clock"]
    if clock not in CLOCK_KINDS:
        raise FineRulesError("position %d: extension of an unknown clock %r"
                             % (e["position"], clock))
    s.extensions.append(Extension(clock, r["until"], s.stamp(e), len(s.cycles) - 1))


def _on_extension_decided(s, e, r):
    for x in s.extensions:
        if x.requested.position == r["request"]:
            x.decided = s.stamp(e)
            x.approved = r["approved"]


def _on_corrected(s, e, r):
    """EventCorrected (rules.md "Time and corrections"): the state reads the corrected value."""
    field, value, position = r["field"], r["value"], r["event"]
    if field not in ALL_CORRECTABLE:
        raise FineRulesError("position %d: correction of field %r, which this engine does not "
                             "know" % (e["position"], field))
    if field == "occurred_at":
        t = parse_rfc3339(value)
        if t is None:
            raise FineRulesError("position %d: corrected time %r is not RFC 3339"
                                 % (e["position"], value))
        for st in s.stamps:
            if st.position == position:
                st.at = t
        # Keep the orders the clocks rely on (stable: equal times keep their order).
        s.levels.sort(key=lambda lv: lv[0].at)
        s.pauses.sort(key=lambda p: p.start.at)
        return
    if position != s.intake.position:
        return  # callback, plan and resolution texts: nothing a clock or fine reads
    if field == "receiving_department":
        s.receiving_department = value
    elif field == "receiving_staff":
        s.receiving_staff = value
    elif field.startswith("target."):
        if s.target is None:
            s.target = {"kind": "", "id": "", "department": ""}
        s.target[field[len("target."):]] = value
    # channel, project, texts, headcount, compensation, complainant: no clock or fine reads
    # them (a level they raise is its own LevelEscalated event).


def _apply(s, e):
    """Evolve: one event's effect on the facts (ledger/domain/evolve.cc, read for the details)."""
    t = e["type"]
    r = _member(e)
    if t == "ComplaintReceived":
        _on_received(s, e, r)
    elif t == "ComplaintTransmitted":
        s.transmitted = s.stamp(e)
        s.transmitted_to_department = r["toDepartment"]
        s.transmitted_to_person = r["toPerson"]
    elif t == "ValidityAssessed":
        s.assessed = s.stamp(e)
        s.valid = bool(r["valid"])
    elif t == "ComplaintClassified":
        s.category = r["category"]
    elif t in ("LevelSet", "LevelEscalated"):
        s.levels.append((s.stamp(e), _level(r["level"], e)))
    elif t == "ResponsibilityAssigned":
        s.assignments.append(Assignment(s.stamp(e), r["department"], r["handler"]))
    elif t == "CustomerResponded":
        if s.first_response is None:
            s.first_response = s.stamp(e)
    elif t == "PlanProposed":
        s.plans.append(s.stamp(e))
    elif t == "ComplaintClosed":
        _on_closed(s, e)
    elif t == "ComplaintReopened":
        s.cycles.append(Cycle(s.stamp(e), e["policyVersion"]))
    elif t == "ClockPaused":
        s.pauses.append(Pause(s.stamp(e), r["reason"]))
    elif t == "ClockResumed":
        if s.paused():
            s.pauses[-1].end = s.stamp(e)
    elif t == "FlagAdded":
        s.flags.append(r["flag"])
    elif t == "ExtensionRequested":
        _on_extension_requested(s, e, r)
    elif t == "ExtensionDecided":
        _on_extension_decided(s, e, r)
    elif t == "StaffDecisionRecorded":
        if s.staff_decision is None:
            s.staff_decision = s.stamp(e)
    elif t == "FineRecorded":
        s.fines.append({"at": s.stamp(e), "rule": r["rule"], "amount": r["amount"],
                        "people": list(r["people"]), "departments": list(r["departments"]),
                        "reason": r["reason"]})
    elif t == "FineWaived":
        s.waivers.append({"line_id": r["fine"], "at": s.stamp(e)})
    elif t == "EventCorrected":
        _on_corrected(s, e, r)
    elif t in ("PolicyPublished", "DepartmentRated", "ImportRecorded"):
        raise FineRulesError("position %d: a %s in complaint stream %s"
                             % (e["position"], t, s.id))
    # PlanReviewed, ProgressRecorded, ComplaintResolved, ResolutionConfirmed, ComplaintLinked,
    # CallbackRecorded, EvidenceAttached: no clock or fine line reads them.


def check_stream(events):
    """One stream's events, versions 1..n in order: nothing missing, nothing from elsewhere."""
    if not events:
        raise FineRulesError("no events")
    for i, e in enumerate(events):
        if e["streamId"] != events[0]["streamId"]:
            raise FineRulesError("position %d: stream %s among the events of %s"
                                 % (e["position"], e["streamId"], events[0]["streamId"]))
        if e["streamVersion"] != i + 1:
            raise FineRulesError("position %d: stream version %d where %d was due"
                                 % (e["position"], e["streamVersion"], i + 1))


def fold(events):
    """The facts of one complaint from its events, in stream order (the first an intake)."""
    s = ComplaintState(events[0]["streamId"])
    for i, e in enumerate(events):
        if i == 0 and e["type"] != "ComplaintReceived":
            raise FineRulesError("position %d: stream %s does not start with ComplaintReceived"
                                 % (e["position"], s.id))
        _apply(s, e)
    return s


# =============================================================================================
# The clocks (docs/rules.md#clocks, docs/clocks.md).
# =============================================================================================

class Clock:
    """One clock's outcome: kind, cycle, state, deadline, when met, and the events it rests on."""

    def __init__(self, kind, cycle=0, state="not_applicable"):
        self.kind, self.cycle, self.state = kind, cycle, state
        self.due = None
        self.met = None
        self.events = []


class Spec:
    """How one clock runs: its start, level at the start, later level changes, allowance per
    level, what meets it, its pauses and extensions."""

    def __init__(self, kind, start, due_for):
        self.kind, self.cycle, self.start, self.due_for = kind, 0, start, due_for
        self.level = "general"
        self.changes = []   # [(Stamp, level)] after the start, up to as_of, in time order
        self.events = []
        self.met = None
        self.pauses = []    # [(start Stamp, end Stamp or None)]
        self.extensions = []  # [(Extension, decided Stamp seen by as_of or None)]


class Context:
    """What every clock of the complaint shares: the facts, the policy, as_of, the intake's
    clock start and the level changes up to as_of."""

    def __init__(self, s, policy, as_of, policy_for):
        self.s, self.policy, self.as_of, self.policy_for = s, policy, as_of, policy_for
        # levels[0] is the level at intake; later changes after as_of are ignored
        # (clocks.md "Level changes"), sorted by time then position.
        levels = [lv for i, lv in enumerate(s.levels) if i == 0 or lv[0].at <= as_of]
        self.levels = levels[:1] + sorted(levels[1:], key=lambda lv: (lv[0].at, lv[0].position))
        self.start = clock_start(s.intake.at, policy.calendar)
        self.received_by_cs = s.receiving_department == policy.customer_service
        cat = policy.categories.get(s.category)
        self.closure_class = cat[1] if cat else None
        # A transmission counts only when it is to customer service (rules.md "Transmission").
        self.transmitted = (s.transmitted if s.transmitted_to_department
                            == policy.customer_service else None)

    def seen(self, stamp):
        return stamp if stamp is not None and stamp.at <= self.as_of else None

    def base_spec(self, kind, start, due_for):
        """A clock from `start`, under the level in force then; later changes recompute it."""
        spec = Spec(kind, start, due_for)
        spec.level = self.levels[0][1]
        spec.events += [self.s.intake.position, self.levels[0][0].position]
        for when, level in self.levels[1:]:
            if when.at <= start:
                spec.level = level
                spec.events.append(when.position)
            else:
                spec.changes.append((when, level))
        for x in self.s.extensions:
            if x.clock == kind and x.requested.at <= self.as_of:
                spec.extensions.append((x, self.seen(x.decided)))
        return spec

    def level_clock(self, kind, field):
        """Counted from the intake's clock start with the level's allowance `field`."""
        p, start = self.policy, self.start
        return self.base_spec(kind, start, lambda lv: add_allowance(start, p.clocks[lv][field],
                                                                    p.calendar))


class Walk:
    """RunClock: walks pauses, extension decisions and level changes in time order, moving the
    deadline (clocks.md "Level changes", "Pauses", "Extensions", "State at as_of")."""

    PAUSE_START, PAUSE_END, DECISION, LEVEL = range(4)

    def __init__(self, spec, as_of):
        self.sp, self.as_of = spec, as_of
        self.out = Clock(spec.kind, spec.cycle)
        self.out.met = spec.met
        self.out.events = list(spec.events)
        self.level = spec.level
        self.due = spec.due_for(self.level)
        self.frozen = False    # missed before a level change: stays missed
        self.extended = False  # an approved extension moved the deadline
        self.open = None       # index of the pause counting now
        self.open_since = 0    # how far that pause has been added to due
        self.paused = 0        # paused time counted so far

    def counts(self, at):
        """Events after the clock was met change nothing; else those up to as_of."""
        return at < self.sp.met.at if self.sp.met else at <= self.as_of

    def horizon(self):
        return self.sp.met.at if self.sp.met else self.as_of

    def current_due(self, at):
        return self.due + (at - self.open_since) if self.open is not None else self.due

    def timeline(self):
        sp, ev = self.sp, []
        for i, (start, end) in enumerate(sp.pauses):
            if end is not None and end.at <= sp.start:
                continue  # entirely before the clock ran
            frm = max(start.at, sp.start)
            if self.counts(frm):
                ev.append((frm, start.position, self.PAUSE_START, i))
            if end is not None and self.counts(end.at):
                ev.append((end.at, end.position, self.PAUSE_END, i))
        for i, (x, decided) in enumerate(sp.extensions):
            if decided is not None and self.counts(decided.at):
                ev.append((decided.at, decided.position, self.DECISION, i))
        for i, (when, level) in enumerate(sp.changes):
            if self.counts(when.at):
                ev.append((when.at, when.position, self.LEVEL, i))
        ev.sort(key=lambda x: (x[0], x[1]))  # stable: ties keep this order
        return ev

    def count_pause_until(self, at):
        self.due += at - self.open_since
        self.paused += at - self.open_since
        self.open_since = at

    def on_pause_start(self, at, i):
        """A pause that starts before the deadline moves it; one at or after it does not
        count; overlapping pauses merge; a missed (frozen) clock no longer moves."""
        if self.frozen or self.open is not None:
            return
        self.out.events.append(self.sp.pauses[i][0].position)
        if at >= self.due:
            return
        self.open = i
        self.open_since = at

    def on_pause_end(self, at, i):
        if self.open != i:
            return
        self.count_pause_until(at)
        self.out.events.append(self.sp.pauses[i][1].position)
        self.open = None

    def on_decision(self, at, i):
        """Approved by the deadline (pauses counted up to the decision) and later than it: the
        deadline becomes `until`. Approved after a miss, refused, or not later: no change."""
        x, decided = self.sp.extensions[i]
        self.out.events += [x.requested.position, decided.position]
        if not x.approved or self.frozen or at > self.current_due(at):
            return
        if self.open is not None:
            self.count_pause_until(at)  # the pause goes on, pushing the new deadline
        if x.until > self.due:
            self.due = x.until
            self.extended = True

    def on_level(self, at, i):
        """Met: untouched (the walk stops at met). Missed at the change: stays missed with its
        old deadline. Otherwise recomputed from the start with the new level's allowance plus
        the paused time so far; an approved extension's later deadline stands."""
        when, level = self.sp.changes[i]
        self.out.events.append(when.position)
        if level == self.level or self.frozen:
            return
        if self.current_due(at) <= at:
            self.frozen = True
            return
        recomputed = self.sp.due_for(level) + self.paused
        if not (self.extended and self.due > recomputed):
            self.due = recomputed
        self.level = level

    def run(self):
        handlers = (self.on_pause_start, self.on_pause_end, self.on_decision, self.on_level)
        for at, _, kind, i in self.timeline():
            handlers[kind](at, i)
        for x, decided in self.sp.extensions:  # requested, not decided (by then): cited
            if not (decided is not None and self.counts(decided.at)):
                self.out.events.append(x.requested.position)
        paused_now = False
        if self.open is not None:  # a pause still running pushes the deadline to the horizon
            self.count_pause_until(self.horizon())
            paused_now = self.sp.met is None
        out = self.out
        out.due = self.due
        if self.sp.met is not None:
            out.events.append(self.sp.met.position)
            out.state = "met" if not self.frozen and self.sp.met.at <= self.due else "missed"
        elif self.frozen:
            out.state = "missed"
        elif paused_now:
            out.state = "paused"
        else:
            out.state = "missed" if self.due <= self.as_of else "pending"
        out.events = sorted(set(p for p in out.events if p != 0))
        return out


def run_clock(spec, as_of):
    return Walk(spec, as_of).run()


def _transmission(c):
    """Runs when another department received it; met by the transmission to customer service."""
    if c.received_by_cs:
        return Clock("transmission")
    spec = c.level_clock("transmission", "transmission")
    spec.met = c.seen(c.transmitted)
    return run_clock(spec, c.as_of)


def _assignment(c):
    """From the clock start, or from the transmission to customer service when that is later
    (when customer service got it); not started before the transmission."""
    spec = c.level_clock("assignment", "transmission")
    if not c.received_by_cs:
        t = c.seen(c.transmitted)
        if t is None:
            return Clock("assignment", state="not_started")
        if t.at > c.start:
            p, start = c.policy, t.at
            spec = c.base_spec("assignment", start, lambda lv: add_allowance(
                start, p.clocks[lv]["transmission"], p.calendar))
        spec.events.append(t.position)
    spec.met = c.seen(c.s.assignments[0].at if c.s.assignments else None)
    return run_clock(spec, c.as_of)


def _response(c):
    """From the clock start; with safety_risk from the raw intake, within the shorter of the
    cap and the level's response time (clocks.md "Safety risk")."""
    s = c.s
    if "safety_risk" not in s.flags:
        spec = c.level_clock("response", "response")
    else:
        p, intake = c.policy, s.intake.at
        spec = c.base_spec("response", intake, lambda lv: min(
            intake + p.safety_response_cap,
            add_allowance(intake, p.clocks[lv]["response"], p.calendar)))
    spec.met = c.seen(s.first_response)
    return run_clock(spec, c.as_of)


def _plan(c):
    spec = c.level_clock("plan", "plan")
    spec.met = c.seen(c.s.plans[0] if c.s.plans else None)
    return run_clock(spec, c.as_of)


def _closure(c, cycle, cy):
    """One closure cycle: from its start (intake or reopening) shifted to the next opening on a
    non-working day, under the cycle's policy version, the class's allowance for the level,
    pauses counted (clocks.md "Pauses", "Policy versions")."""
    s = c.s
    version = cy.policy_version or s.policy_version
    p = c.policy
    if version != s.policy_version:
        p = c.policy_for(version) or p
    start = clock_start(cy.start.at, p.calendar)
    cls = c.closure_class or "other"  # not classified yet: 'other'
    allowance = lambda lv: p.closure_allowance(cls, lv)  # noqa: E731
    spec = c.base_spec("closure", start, lambda lv: add_allowance(start, allowance(lv),
                                                                  p.calendar))
    spec.cycle = cycle
    spec.events.append(cy.start.position)
    spec.extensions = [(x, d) for x, d in spec.extensions if x.closure_cycle == cycle]
    for pause in s.pauses:
        if pause.start.at > c.as_of:
            continue
        end = pause.end if pause.end is not None and pause.end.at <= c.as_of else None
        spec.pauses.append((pause.start, end))
    spec.met = c.seen(cy.closed)
    return run_clock(spec, c.as_of)


def _lapse(c, clock, on_invalid):
    """A clock not met and not yet due when the complaint was first closed (or, for assignment
    and plan, found invalid) no longer applies; one already missed then stays missed
    (clocks.md "Lapsed clocks")."""
    if clock.met is not None or clock.state in ("met", "not_applicable"):
        return clock
    end = None
    if on_invalid and c.s.valid is False:
        end = c.seen(c.s.assessed)
    closed = c.seen(c.s.cycles[0].closed) if c.s.cycles else None
    if closed is not None and (end is None or closed.at < end.at):
        end = closed
    if end is None or (clock.due is not None and clock.due <= end.at):
        return clock
    clock.state = "not_applicable"
    return clock


def evaluate_clocks(s, policy, as_of, policy_for):
    """The clocks that can carry a fine, in the ledger's order: transmission, assignment,
    response, plan, then one closure clock per cycle started by as_of. (The staff-decision
    clock carries no fine and is left out.)"""
    if s.intake.at > as_of:
        return []
    c = Context(s, policy, as_of, policy_for)
    out = [_lapse(c, _transmission(c), False), _lapse(c, _assignment(c), True),
           _lapse(c, _response(c), False), _lapse(c, _plan(c), True)]
    for i, cy in enumerate(s.cycles):
        if cy.start.at <= as_of:
            out.append(_closure(c, i, cy))
    return out


# =============================================================================================
# Fine lines (docs/rules.md#fines, docs/events.md "Fine line ids", "Choices ...").
# =============================================================================================

def _assignment_at(s, t):
    """The assignment in force at `t`: the last recorded one made by then."""
    found = None
    for a in s.assignments:
        if a.at.at <= t:
            found = a
    return found


def _cs_holder(s, p):
    """Before assignment: the receiver if customer service received it, else the person it was
    transmitted to, else the head of customer service."""
    if s.receiving_department == p.customer_service:
        return s.receiving_staff
    if s.transmitted_to_person:
        return s.transmitted_to_person
    return p.cs_head


class _Lines:
    def __init__(self, s, p):
        self.s, self.p, self.lines = s, p, []

    def add(self, suffix, rule, amount, accrued, reason, evidence, derived=True):
        line = {"id": "%s:%s" % (self.s.id, suffix), "complaint": self.s.id, "rule": rule,
                "amount": amount, "day": format_day(local_day(accrued,
                                                              self.p.calendar.utc_offset)),
                "accrued": accrued, "people": [], "departments": [], "derived": derived,
                "reason": reason, "evidence": evidence, "waived": False, "waiver_position": 0}
        self.lines.append(line)
        return line

    def due_text(self, t):
        return " (due %s)" % format_rfc3339(t, self.p.calendar.utc_offset)

    def charge_handler(self, line, due):
        """response_late and closure_overdue: the handler of the assignment in force at the
        deadline, with its department; before any assignment, customer service's holder."""
        a = _assignment_at(self.s, due)
        if a is not None:
            line["people"], line["departments"] = [a.handler], [a.department]
            return
        line["people"] = [_cs_holder(self.s, self.p)]
        line["departments"] = [self.p.customer_service]
        line["reason"] += "; no handler was assigned by the deadline: charged to customer service"

    def single(self, clock):
        """One line per missed clock: transmission_late, cs_transmission_late, response_late,
        no_plan, accrued at the deadline."""
        s, p, due = self.s, self.p, clock.due
        amounts, when = p.fine_amounts, self.due_text(clock.due)
        ev = clock.events
        if clock.kind == "transmission":  # the receiving staff member and department
            line = self.add("transmission_late", "transmission_late",
                            amounts["transmission_late"], due,
                            "not transmitted to customer service in time" + when, ev)
            line["people"], line["departments"] = [s.receiving_staff], [s.receiving_department]
        elif clock.kind == "assignment":  # customer service's holder and customer service
            line = self.add("cs_transmission_late", "cs_transmission_late",
                            amounts["cs_transmission_late"], due,
                            "customer service did not assign responsibility in time" + when, ev)
            line["people"], line["departments"] = [_cs_holder(s, p)], [p.customer_service]
        elif clock.kind == "response":
            line = self.add("response_late", "response_late", amounts["response_late"], due,
                            "no first response by the deadline" + when, ev)
            self.charge_handler(line, due)
        elif clock.kind == "plan":  # the head of the department responsible at the deadline
            line = self.add("no_plan", "no_plan", amounts["no_plan"], due,
                            "no handling plan proposed by the deadline" + when, ev)
            a = _assignment_at(s, due)
            dept = a.department if a is not None else s.responsible_department(p)
            dept = dept or p.customer_service
            line["people"], line["departments"] = [p.department_heads.get(dept, "")], [dept]

    def overdue(self, clock, as_of):
        """closure_overdue: one line per started 24-hour period after the deadline (paused time
        not counted), dated by the period's start, priced by the tiers, up to the last tier;
        the whole run charged to the holder at the deadline."""
        end = clock.met.at if clock.met is not None else as_of
        periods = overdue_period_starts(clock.due, end, self.s.pauses)
        for i, start in enumerate(periods[:self.p.last_tier_day()]):
            if start > as_of:
                break
            day = i + 1
            line = self.add("closure_overdue:c%d:d%d" % (clock.cycle, day), "closure_overdue",
                            self.p.overdue_day_amount(day), start,
                            "closure overdue day %d%s" % (day, self.due_text(clock.due)),
                            clock.events)
            self.charge_handler(line, clock.due)

    def recorded(self):
        """FineRecorded: a manager's line, dated when it occurred, proved by its own event."""
        for f in self.s.fines:
            line = self.add("recorded:%d" % f["at"].position, f["rule"], f["amount"],
                            f["at"].at, f["reason"], [f["at"].position], derived=False)
            line["people"], line["departments"] = list(f["people"]), list(f["departments"])

    def waive(self):
        """FineWaived marks the line it names, unless already waived; the line stays."""
        for w in self.s.waivers:
            for line in self.lines:
                if line["id"] == w["line_id"] and not line["waived"]:
                    line["waived"] = True
                    line["waiver_position"] = w["at"].position


def _policies(policy_events):
    """version -> Policy, from PolicyPublished envelopes."""
    out = {}
    for e in policy_events:
        if e.get("type") != "PolicyPublished":
            raise FineRulesError("position %s: a %s among the policy events"
                                 % (e.get("position"), e.get("type")))
        r = _member(e)
        out[r["version"]] = Policy(r["document"], r["version"])
    return out


def fine_lines(complaint_events, policy_events, at_us, policies=None, as_of=False):
    """Every fine line of the complaint as of `at_us` (see the module's docstring).

    `policies` may be given instead of `policy_events` (a dict version -> Policy, as
    ``load_policies`` returns) when many complaints are evaluated. With `as_of`, only the
    events that occurred by `at_us` count (the business-time view, ``ledgerctl --as-of``); the
    events given must still be the stream's versions 1..n. A complaint with no event counted
    has no line."""
    if policies is None:
        policies = load_policies(policy_events)
    if not policies:
        raise FineRulesError("no policy version given: the complaint cannot be judged")
    check_stream(complaint_events)
    if as_of:
        complaint_events = [e for e in complaint_events if e["occurredAt"] <= at_us]
        if not complaint_events:
            return []
    s = fold(complaint_events)
    # The complaint's own policy (its intake's version), else the latest published.
    own = policies.get(s.policy_version) or policies[max(policies)]
    b = _Lines(s, own)
    for clock in evaluate_clocks(s, own, at_us, policies.get):
        if clock.state != "missed" or clock.due is None or clock.due > at_us:
            continue
        if clock.kind == "closure":
            b.overdue(clock, at_us)
        else:
            b.single(clock)
    b.recorded()
    b.waive()
    return b.lines


def load_policies(policy_events):
    """The published versions, parsed once: version -> Policy."""
    return _policies(policy_events)
