// Helpers of the complaint page: instants in the policy's zone (for the URL and for datetime
// inputs), paging through the complaint's events and timeline, the "field: old -> new" strings
// of the timeline, exact money sums.
import { get } from "../api.js";
import { timeZone } from "../i18n.js";

export const ms = (v) => (v ? Date.parse(v) : NaN);

const fmts = {};
function zoneParts(d) {
  const z = timeZone();
  if (!fmts[z]) {
    fmts[z] = new Intl.DateTimeFormat("en-US", {
      timeZone: z, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "longOffset",
    });
  }
  const p = Object.fromEntries(fmts[z].formatToParts(d).map((x) => [x.type, x.value]));
  const off = p.timeZoneName === "GMT" ? "+00:00" : p.timeZoneName.replace("GMT", "");
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}:${p.second}`, off };
}

// An instant as RFC 3339 in the policy's zone: "2026-07-25T15:54:29+08:00" (milliseconds only
// when there are some). This is how times are written into the URL.
export function toRfc3339(v) {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) return "";
  const p = zoneParts(d);
  const frac = d.getUTCMilliseconds() ? `.${String(d.getUTCMilliseconds()).padStart(3, "0")}` : "";
  return `${p.date}T${p.time}${frac}${p.off}`;
}

// The value of an <input type="datetime-local" step="1"> showing the instant in the policy's zone.
export function toInput(v) {
  if (!v) return "";
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return "";
  const p = zoneParts(d);
  return `${p.date}T${p.time}`;
}

// The instant a datetime-local value names in the policy's zone, as RFC 3339 with its offset.
export function fromInput(value) {
  if (!value) return "";
  const local = value.length === 16 ? `${value}:00` : value;
  // The zone's offset near that wall time (exact for zones without DST, like Asia/Shanghai).
  const guess = new Date(`${local}Z`);
  if (Number.isNaN(guess.getTime())) return "";
  return `${local}${zoneParts(guess).off}`;
}

// Every page of a complaint's events or timeline (both page with from_version / next_version).
export async function fetchPaged(path, params, listKey) {
  let from = 1;
  let first = null;
  const all = [];
  for (let guard = 0; guard < 1000; ++guard) {
    const page = await get(path, { ...(params || {}), from_version: from > 1 ? from : undefined });
    if (!first) first = page;
    all.push(...(page[listKey] || []));
    if (!page.next_version) break;
    from = page.next_version;
  }
  return { ...first, [listKey]: all };
}

// "stage: received -> transmitted" → {field, old, new}; "category: x" → {field, new}.
export function parseChange(s) {
  const i = s.indexOf(": ");
  if (i < 0) return { field: "", new: s };
  const field = s.slice(0, i);
  const rest = s.slice(i + 2);
  const j = rest.indexOf(" -> ");
  if (j < 0) return { field, new: rest };
  return { field, old: rest.slice(0, j), new: rest.slice(j + 4) };
}

// Exact sums of decimal strings ("100.00") through integer cents.
function cents(s) {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(s || "0").trim());
  if (!m) return 0n;
  const v = BigInt(m[2]) * 100n + BigInt((m[3] || "0").padEnd(2, "0"));
  return m[1] ? -v : v;
}
export function sumMoney(list) {
  let c = 0n;
  for (const s of list) c += cents(s);
  const neg = c < 0n;
  if (neg) c = -c;
  return `${neg ? "-" : ""}${c / 100n}.${String(c % 100n).padStart(2, "0")}`;
}

// The event position a clock's start rule names: "intake (event 2); ..." → 2.
export function startEvent(clock) {
  const m = /\(event (\d+)\)/.exec(clock.explanation?.start_rule || "");
  if (m) return Number(m[1]);
  const evs = clock.explanation?.events || [];
  return evs.length ? evs[0] : null;
}

// An applied extension's note "moved the deadline from A to B": A (the old deadline).
export function extensionFrom(note) {
  const m = /from (\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:\d\d))/.exec(note || "");
  return m ? m[1] : null;
}

// A clock's row label key: "closure" or "closure#1" for a later cycle.
export function clockKey(c) {
  return c.cycle ? `${c.clock}#${c.cycle}` : c.clock;
}

export const LEVELS = ["general", "important", "major", "crisis"];
