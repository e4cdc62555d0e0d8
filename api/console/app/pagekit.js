// Shared pieces of the read pages (list, reports, findings, alerts, policies): filter bars whose
// values live in the URL, links into a complaint, "load more" paging that keeps its position when
// the reader comes back, the policy's departments and categories for the filter selects, and the
// translation of calendar days into the RFC 3339 instants the API wants.
//
// Its strings are the "kit.*" keys of i18n/complaints.<lang>.json (every area is loaded at start).
import { html, useEffect, useRef, useState } from "./html.js";
import { get } from "./api.js";
import { code, t, timeZone } from "./i18n.js";
import { href, navigate } from "./router.js";

// ---- links ----------------------------------------------------------------------------------

export function complaintHref(id, params) {
  return href(`/complaints/${encodeURIComponent(id)}`, params);
}

// An event of a complaint, shown in the complaint page's events tab (scrolled to and highlighted).
export function eventHref(complaint, position) {
  return complaintHref(complaint, { tab: "events", ev: position });
}

export function ComplaintLink({ id, params }) {
  if (!id) return html`<span class="muted">—</span>`;
  return html`<a class="complaint-link mono" href=${complaintHref(id, params)}>${id}</a>`;
}

// The evidence event positions of a fine line, finding or record, each a link.
export function Evidence({ complaint, positions }) {
  if (!positions || positions.length === 0) return html`<span class="muted">—</span>`;
  return html`<span class="evidence">${positions.map((p, i) => html`${i > 0 ? " " : ""}<a
      class="evidence-link mono" href=${eventHref(complaint, p)}
      aria-label=${t("kit.event_n", { n: p, id: complaint })}>#${p}</a>`)}</span>`;
}

// ---- times ----------------------------------------------------------------------------------

// The policy zone's offset on a calendar day ("+08:00"), from Intl (no table of zones here).
function offsetOn(day) {
  const probe = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(probe.getTime())) return "+00:00";
  const parts = new Intl.DateTimeFormat("en", { timeZone: timeZone(), timeZoneName: "longOffset" })
    .formatToParts(probe);
  const name = (parts.find((p) => p.type === "timeZoneName") || {}).value || "GMT";
  const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
  return m ? `${m[1]}:${m[2] || "00"}` : "+00:00";
}

function nextDay(day) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

// A URL's day ("2026-10-01") as the instant the API wants: the start of that day in the policy's
// zone, or (end=true) the start of the next day, so that "to" includes the whole day. A value
// that already is an instant passes unchanged.
export function dayToInstant(day, end) {
  if (!day) return "";
  if (day.includes("T")) return day;
  const d = end ? nextDay(day) : day;
  return `${d}T00:00:00${offsetOn(d)}`;
}

// The first and last day of a month "2026-10": ["2026-10-01", "2026-10-31"].
export function monthDays(month) {
  if (!/^\d{4}-\d{2}$/.test(month || "")) return ["", ""];
  const [y, m] = month.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return [`${month}-01`, `${month}-${String(last).padStart(2, "0")}`];
}

// ---- the policy's lists ---------------------------------------------------------------------

let listsPromise = null;

// {departments: [id], categories: [id]} of the current policy (every role may read policies);
// empty lists when it cannot be read.
export function policyLists() {
  if (!listsPromise) {
    listsPromise = (async () => {
      const all = await get("/v1/policies");
      const one = await get("/v1/policies", { version: all.current });
      const p = (one.policies || []).find((x) => x.version === all.current) || (one.policies || [])[0];
      const doc = typeof p.document === "string" ? JSON.parse(p.document) : p.document;
      return {
        departments: ((doc.organisation || {}).departments || []).map((d) => d.id),
        categories: (doc.categories || []).map((c) => c.id),
      };
    })().catch(() => ({ departments: [], categories: [] }));
  }
  return listsPromise;
}

export function usePolicyLists() {
  const [lists, setLists] = useState({ departments: [], categories: [] });
  useEffect(() => { policyLists().then(setLists); }, []);
  return lists;
}

export const LEVELS = ["general", "important", "major", "crisis"];
export const CLOCKS = ["transmission", "assignment", "response", "plan", "closure", "staff_decision"];

// Options of a code select: [{value, label}] with an "any" first.
export function codeOptions(vocabulary, codes) {
  return [{ value: "", label: t("kit.any") }, ...codes.map((c) => ({ value: c, label: code(vocabulary, c) }))];
}

// ---- filter bars ----------------------------------------------------------------------------

// A form of filters over the URL: fields [{name, label, type: "select"|"text"|"date"|"month",
// options}]. A select applies at once; typed values on submit (Enter or the Apply button).
// `onApply(values)` gets every field (empty ones included).
export function Filters({ id, fields, values, onApply }) {
  const [draft, setDraft] = useState(values);
  useEffect(() => setDraft(values), [JSON.stringify(values)]);
  const set = (name, v, now) => {
    const next = { ...draft, [name]: v };
    setDraft(next);
    if (now) onApply(next);
  };
  return html`<form class="filters" id=${id} role="search" aria-label=${t("kit.filters")}
      onSubmit=${(e) => { e.preventDefault(); onApply(draft); }}>
    ${fields.map((f) => {
      const fid = `${id}-${f.name}`;
      const v = draft[f.name] || "";
      let control;
      if (f.type === "select") {
        control = html`<select id=${fid} name=${f.name} value=${v}
            onChange=${(e) => set(f.name, e.target.value, true)}>
          ${f.options.map((o) => html`<option value=${o.value} selected=${o.value === v}>${o.label}</option>`)}
        </select>`;
      } else {
        const type = f.type === "date" ? "date" : f.type === "month" ? "month" : "text";
        control = html`<input id=${fid} name=${f.name} type=${type} value=${v.includes && v.includes("T") ? v.slice(0, 10) : v}
            placeholder=${f.placeholder || ""}
            onInput=${(e) => set(f.name, e.target.value, false)}
            onChange=${(e) => { if (type !== "text") set(f.name, e.target.value, true); }} />`;
      }
      return html`<div class="field"><label for=${fid}>${f.label}</label>${control}</div>`;
    })}
    <div class="field"><button type="submit">${t("common.apply")}</button></div>
    <div class="field"><button type="button" class="secondary"
      onClick=${() => onApply(Object.fromEntries(fields.map((f) => [f.name, ""])))}>${t("kit.clear")}</button></div>
  </form>`;
}

// Navigates to `path` with the filter values (replacing the history entry: the back button
// leaves the page rather than stepping through each filter change).
export function applyFilters(path, values) {
  navigate(path, values, { replace: false });
}

// ---- paging ---------------------------------------------------------------------------------

const PAGE_STORE = "ledger.paging.";

// "Load more" over a cursor-paged list, keeping its position: how many rows were loaded (and the
// window's scroll) are kept in sessionStorage under the page and its filters, so coming back from
// a complaint reloads that many rows in one request (limit = rows loaded) and scrolls back.
//   path, params: the request; listKey: the array's field in the answer; pageSize; maxLimit: the
//   route's largest limit.
// Returns {rows, first (the first answer, for totals), next, loading, error, more(), reload()}.
export function usePaged({ path, params, listKey, pageSize = 50, maxLimit = 1000, storeKey }) {
  const key = PAGE_STORE + storeKey + "?" + JSON.stringify(params);
  const [st, setSt] = useState({ rows: [], first: null, next: null, loading: true, error: null });
  const [tick, setTick] = useState(0);
  const restoring = useRef(null);
  const ready = useRef(false);  // the scroll is remembered only once the rows are back

  useEffect(() => {
    let live = true;
    let saved = {};
    try { saved = JSON.parse(sessionStorage.getItem(key) || "{}"); } catch (_) { saved = {}; }
    const limit = Math.min(maxLimit, Math.max(pageSize, saved.rows || 0));
    ready.current = false;
    setSt({ rows: [], first: null, next: null, loading: true, error: null });
    get(path, { ...params, limit }).then((d) => {
      if (!live) return;
      setSt({ rows: d[listKey] || [], first: d, next: d.next_cursor || null, loading: false, error: null });
      restoring.current = saved.scroll || 0;
    }, (error) => live && setSt({ rows: [], first: null, next: null, loading: false, error }));
    return () => { live = false; };
  }, [key, tick]);

  // Scroll back once the restored rows are on screen; then remember the scroll as it changes.
  useEffect(() => {
    if (restoring.current !== null && !st.loading) {
      const y = restoring.current;
      restoring.current = null;
      requestAnimationFrame(() => {
        if (y > 0) window.scrollTo(0, y);
        ready.current = true;
      });
    }
  }, [st.loading, st.rows.length]);
  useEffect(() => {
    let pending = false;
    const onScroll = () => {
      if (pending || !ready.current) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        save(key, { scroll: window.scrollY });
      });
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    return () => window.removeEventListener("scroll", onScroll);
  }, [key]);

  async function more() {
    if (!st.next || st.loading) return;
    setSt((s) => ({ ...s, loading: true }));
    try {
      const d = await get(path, { ...params, limit: pageSize, cursor: st.next });
      setSt((s) => {
        const rows = [...s.rows, ...(d[listKey] || [])];
        save(key, { rows: rows.length });
        return { ...s, rows, next: d.next_cursor || null, loading: false };
      });
    } catch (error) {
      setSt((s) => ({ ...s, loading: false, error }));
    }
  }
  return { ...st, more, reload: () => setTick((n) => n + 1) };
}

function save(key, patch) {
  let cur = {};
  try { cur = JSON.parse(sessionStorage.getItem(key) || "{}"); } catch (_) { cur = {}; }
  sessionStorage.setItem(key, JSON.stringify({ ...cur, ...patch }));
}

// The "Load more" button with the count shown so far.
export function MoreButton({ paged, total, id }) {
  return html`<p class="pager">
    <span class="muted" role="status">${total !== undefined && total !== null
      ? t("kit.shown_of", { n: paged.rows.length, total })
      : t("kit.shown", { n: paged.rows.length })}</span>
    ${paged.next && html` <button type="button" id=${id} class="secondary more" disabled=${paged.loading}
        onClick=${() => paged.more()}>${paged.loading ? t("common.loading") : t("common.more")}</button>`}
  </p>`;
}

// ---- tables ---------------------------------------------------------------------------------

// The read pages' name for ui.js's Table.
export { Table as DataTable } from "./ui.js";

// A small clock drawn in SVG (no emoji font needed), coloured by the text around it.
export function ClockIcon() {
  return html`<svg class="icon" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
    <circle cx="6" cy="6" r="5" fill="none" stroke="currentColor" stroke-width="1.4" />
    <path d="M6 3 V6 L8 7.5" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" /></svg>`;
}
