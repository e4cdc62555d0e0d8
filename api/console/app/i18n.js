// Chinese and English: every string the console shows and every domain code, one flat JSON file
// per area and language (i18n/<area>.<lang>.json; the areas are listed in pages.js). t(key,
// params) looks a key up ("{name}" placeholders are filled from params); code(vocabulary, value)
// translates a domain code (key "code.<vocabulary>.<value>"), falling back to the code itself.
// Times are shown in the policy's zone, labelled; money stays a decimal string until Intl formats
// it (exact: no float on the way).

export const LANGS = ["zh-CN", "en"];
const STORE = "ledger.lang";  // the chosen language only: not sensitive
let current = pick();
let strings = {};
let zone = "Asia/Shanghai";

function pick() {
  const saved = localStorage.getItem(STORE);
  if (LANGS.includes(saved)) return saved;
  for (const l of navigator.languages || [navigator.language || "en"]) {
    if (l.toLowerCase().startsWith("zh")) return "zh-CN";
    if (l.toLowerCase().startsWith("en")) return "en";
  }
  return "en";
}

export function lang() { return current; }
export function timeZone() { return zone; }
export function setTimeZone(z) { if (z) zone = z; }

// Loads every area's strings for `l` (and remembers the choice when `remember`).
export async function load(l, areas, remember) {
  const files = await Promise.all(areas.map(async (a) => {
    const res = await fetch(`i18n/${a}.${l}.json`, { cache: "no-cache" });
    if (!res.ok) throw new Error(`i18n/${a}.${l}.json: HTTP ${res.status}`);
    return res.json();
  }));
  strings = Object.assign({}, ...files);
  current = l;
  document.documentElement.lang = l;
  if (remember) localStorage.setItem(STORE, l);
}

export function has(key) { return Object.prototype.hasOwnProperty.call(strings, key); }

export function t(key, params) {
  let s = has(key) ? strings[key] : key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
  return s;
}

export function code(vocabulary, value) {
  if (value === null || value === undefined || value === "") return "";
  const k = `code.${vocabulary}.${value}`;
  return has(k) ? strings[k] : String(value);
}

const dtf = {};
function formatter(kind) {
  const key = `${current}|${zone}|${kind}`;
  if (!dtf[key]) {
    const base = { timeZone: zone, hourCycle: "h23" };
    const opts = {
      datetime: { ...base, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" },
      seconds: { ...base, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" },
      date: { ...base, year: "numeric", month: "2-digit", day: "2-digit" },
      short: { ...base, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" },
    }[kind];
    // English dates as 2026-03-02 (en-CA): unambiguous for reviewers everywhere.
    dtf[key] = new Intl.DateTimeFormat(current === "en" ? "en-CA" : current, opts);
  }
  return dtf[key];
}

// An instant (RFC 3339 string or Date) in the policy's zone: "2026-03-02 11:01".
export function fmtTime(v, kind = "datetime") {
  if (!v) return "";
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return formatter(kind).format(d);
}

// The zone's label for headers: "Asia/Shanghai (UTC+8)", or "UTC+8" alone for a fixed offset
// (the policy may name only its offset: the server then sends "Etc/GMT-8").
export function zoneLabel() {
  const parts = new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "shortOffset" })
    .formatToParts(new Date());
  const off = ((parts.find((p) => p.type === "timeZoneName") || {}).value || "").replace("GMT", "UTC");
  return zone.startsWith("Etc/") ? off : `${zone} (${off})`;
}

// A decimal string ("1200.00") as CNY, exactly (Intl formats strings without a float).
export function fmtMoney(decimal) {
  if (decimal === null || decimal === undefined || decimal === "") return "";
  return new Intl.NumberFormat(current, { style: "currency", currency: "CNY" }).format(String(decimal));
}

export function fmtNumber(n, digits) {
  if (n === null || n === undefined || n === "") return "";
  const o = digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return new Intl.NumberFormat(current, o).format(n);
}

// A rate 0..1 as a percentage.
export function fmtPercent(r, digits = 1) {
  if (r === null || r === undefined) return "";
  return new Intl.NumberFormat(current, { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(r);
}

// A duration in seconds as "1d 4h" / "1天4小时" (two largest units).
export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const neg = seconds < 0;
  let s = Math.abs(Math.round(seconds));
  const units = [["d", 86400], ["h", 3600], ["m", 60]];
  const out = [];
  for (const [u, n] of units) {
    if (s >= n && out.length < 2) { out.push(t(`unit.${u}`, { n: Math.floor(s / n) })); s %= n; }
  }
  if (!out.length) out.push(t("unit.m", { n: 0 }));
  return (neg ? "−" : "") + out.join(" ");
}
