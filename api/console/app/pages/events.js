// The Event log, #/events?from=&type=&complaint=&actor=: the global log (GET /v1/events, paged by
// position: a page is the events from `from` on, `next` the following page's `from`) shown newest
// first, with a live feed from GET /v1/events/stream (sse.js; each SSE id is a position, and a
// dropped connection resumes with Last-Event-ID). Without `from` the page is the newest one and
// new events are added on top as they arrive; on an older page they are only counted. The type,
// complaint and actor filters work on the rows loaded here and live in the URL.
import { html, useEffect, useRef, useState } from "../html.js";
import * as api from "../api.js";
import { code, t, zoneLabel } from "../i18n.js";
import { href, navigate } from "../router.js";
import { stream } from "../sse.js";
import { downloadCsv, ErrorBox, Loading, Time, useData, useMe } from "../ui.js";
import { loadCatalogue } from "../forms.js";

const LIMIT = 50;
// The roles GET /v1/events and its stream admit (docs/api.md, "Roles and who sees what": the
// "log" column). Others get the note without a request the server would refuse.
const LOG_ROLES = ["cs_head", "deputy_gm", "gm", "auditor"];
const LIVE_MAX = 500;        // live rows kept in memory
const ANNOUNCE_MS = 5000;    // the polite live count is updated at most this often

// The page: from `from`, or the newest LIMIT events (the head's position from a first, small
// request).
async function loadPage(from) {
  if (from) return api.get("/v1/events", { from, limit: LIMIT });
  const probe = await api.get("/v1/events", { from: 1, limit: 1 });
  const head = (probe.head && probe.head.position) || 0;
  return api.get("/v1/events", { from: Math.max(1, head - LIMIT + 1), limit: LIMIT });
}

function matches(e, f) {
  if (f.type && e.type !== f.type) return false;
  if (f.complaint && !String(e.stream || "").toLowerCase().includes(f.complaint.toLowerCase())) return false;
  if (f.actor) {
    const a = e.actor || {};
    const s = `${a.id || ""} ${a.role || ""} ${a.department || ""}`.toLowerCase();
    if (!s.includes(f.actor.toLowerCase())) return false;
  }
  return true;
}

function Payload({ e }) {
  const [open, setOpen] = useState(false);
  return html`<details onToggle=${(ev) => setOpen(ev.currentTarget.open)}>
    <summary>${t("events.json")}</summary>
    ${open && html`<pre>${JSON.stringify(e, null, 2)}</pre>`}
  </details>`;
}

function Row({ e, fresh, target }) {
  const stream = e.stream || "";
  const a = e.actor || {};
  return html`<tr data-position=${e.position} class=${fresh ? "fresh" : target ? "target" : ""}
      aria-current=${target ? "true" : undefined}>
    <td class="num">${e.position}</td>
    <td><${Time} at=${e.recorded_at} kind="seconds" /></td>
    <td><${Time} at=${e.occurred_at} kind="seconds" /></td>
    <td><span class="code" title=${e.type}>${code("events", e.type)}</span>${e.imported ? html` <span class="chip">${t("events.imported")}</span>` : ""}<${Payload} e=${e} /></td>
    <td>${/^CMP-/.test(stream) ? html`<a href=${href(`/complaints/${stream}`)}>${stream}</a>` : stream}</td>
    <td>${a.id}${a.role && html` <span class="muted">(${code("roles", a.role)}${a.department ? `, ${code("departments", a.department)}` : ""})</span>`}</td>
    <td class="num">${e.version}</td>
    <td><code title=${e.hash}>${(e.hash || "").slice(0, 12)}</code></td>
  </tr>`;
}

// The live feed: {state, events, count, toggle}. `startAfter` is the head's position when the
// page was read; the stream begins after it, and after a pause resumes after the last event seen.
function useLive(startAfter, enabled) {
  const [state, setState] = useState("connecting");
  const [events, setEvents] = useState([]);
  const [paused, setPaused] = useState(false);
  const last = useRef("");
  const handle = useRef(null);
  useEffect(() => { last.current = ""; setEvents([]); }, [startAfter]);
  useEffect(() => {
    if (!enabled || paused || startAfter === null) return undefined;
    setState("connecting");
    const s = stream(api.url("/v1/events/stream", { from: startAfter + 1 }), {
      lastId: last.current,
      onState: (st) => { if (st !== "stopped") setState(st); },
      onEvent: (m) => {
        if (m.id) last.current = m.id;
        let e;
        try { e = JSON.parse(m.data); } catch (_) { return; }
        setEvents((old) => (old.some((x) => x.position === e.position) ? old : [e, ...old].slice(0, LIVE_MAX)));
      },
    });
    handle.current = s;
    return () => { s.stop(); handle.current = null; };
  }, [startAfter, enabled, paused]);
  return {
    state: paused ? "paused" : state,
    events,
    toggle: () => setPaused((p) => !p),
    // Cuts the connection as a network failure would: the reader comes back after its back-off
    // and resumes after the last event seen (Last-Event-ID).
    reconnect: () => handle.current && handle.current.drop(),
    paused,
  };
}

function Live({ live, count, onNewest, showing }) {
  // The count read out politely, at most every ANNOUNCE_MS.
  const [said, setSaid] = useState(count);
  useEffect(() => {
    const id = setInterval(() => setSaid(count), ANNOUNCE_MS);
    return () => clearInterval(id);
  }, [count]);
  useEffect(() => { if (count === 0) setSaid(0); }, [count]);
  return html`<div class="live" role="group" aria-label=${t("events.live")}>
    <strong>${t("events.live")}</strong>
    <span class="live-state" data-testid="live-state" data-state=${live.state}>${t(`events.state.${live.state}`)}</span>
    <button type="button" class="small secondary" data-testid="live-toggle" aria-pressed=${live.paused ? "true" : "false"}
      onClick=${live.toggle}>${live.paused ? t("events.resume") : t("events.pause")}</button>
    <button type="button" class="small secondary" data-testid="live-reconnect" disabled=${live.paused}
      title=${t("events.reconnect_help")} onClick=${live.reconnect}>${t("events.reconnect")}</button>
    <span aria-live="polite" data-testid="live-count">${t("events.live_count", { n: said })}</span>
    ${!showing && count > 0 && html`<button type="button" class="small" onClick=${onNewest}>${t("events.show_newest")}</button>`}
  </div>`;
}

function Filters({ query, types }) {
  const set = (k, v) => navigate("/events", { ...query, [k]: v }, { replace: true });
  return html`<form class="filters" role="search" aria-label=${t("events.filters")} onSubmit=${(e) => e.preventDefault()}>
    <div class="field">
      <label for="ev-type">${t("events.col.type")}</label>
      <select id="ev-type" name="type" value=${query.type || ""} onChange=${(e) => set("type", e.target.value)}>
        <option value="">${t("events.any")}</option>
        ${types.map((x) => html`<option value=${x}>${code("events", x)}</option>`)}
      </select>
    </div>
    <div class="field">
      <label for="ev-complaint">${t("events.col.complaint")}</label>
      <input id="ev-complaint" name="complaint" value=${query.complaint || ""} placeholder="CMP-2026-…"
        onInput=${(e) => set("complaint", e.target.value)} />
    </div>
    <div class="field">
      <label for="ev-actor">${t("events.col.actor")}</label>
      <input id="ev-actor" name="actor" value=${query.actor || ""} onInput=${(e) => set("actor", e.target.value)} />
    </div>
    <span class="hint muted">${t("events.filter_note")}</span>
  </form>`;
}

export default function Page({ query }) {
  const me = useMe();
  if (!LOG_ROLES.includes(me.role)) {
    return html`<h1>${t("nav.events")}</h1><p class="notice" data-testid="log-role">${t("events.role_note")}</p>`;
  }
  return html`<${Log} query=${query} />`;
}

function Log({ query }) {
  const from = /^\d+$/.test(query.from || "") ? Number(query.from) : null;
  const page = useData(() => loadPage(from), [from]);
  const [types, setTypes] = useState([]);
  useEffect(() => {
    loadCatalogue().then((c) => setTypes([...new Set(c.actions.flatMap((a) => a.events || []))]), () => {});
  }, []);
  const data = page.data;
  const headPos = data && data.head ? data.head.position : null;
  const live = useLive(headPos, !!data);
  useEffect(() => {
    const el = from && document.querySelector(`tr[data-position="${from}"]`);
    if (el) el.scrollIntoView({ block: "center" });
  }, [data]);

  const head = html`<h1>${t("nav.events")}</h1>`;
  if (page.error) return html`${head}<${ErrorBox} error=${page.error} />
    ${page.error.status === 403 && html`<p class="notice" data-testid="log-role">${t("events.role_note")}</p>`}`;
  if (!data) return html`${head}<${Loading} />`;

  const pageEvents = data.events || [];
  const first = pageEvents.length ? pageEvents[0].position : from || 1;
  const newest = !data.has_more;  // this page reaches the head: live events join it
  const shownLive = newest ? live.events : [];
  const seen = new Set(pageEvents.map((e) => e.position));
  const rows = [...shownLive.filter((e) => !seen.has(e.position)), ...[...pageEvents].reverse()];
  const f = { type: query.type, complaint: query.complaint, actor: query.actor };
  const shown = rows.filter((e) => matches(e, f));
  const allTypes = [...new Set([...types, ...rows.map((e) => e.type)])].sort();
  const freshSet = new Set(shownLive.map((e) => e.position));
  const keep = { type: query.type, complaint: query.complaint, actor: query.actor };
  const go = (params) => navigate("/events", { ...keep, ...params });

  const csv = () => downloadCsv(`events-${first}.csv`,
    ["position", "recorded_at", "occurred_at", "type", "stream", "actor", "role", "department", "version", "hash"],
    shown.map((e) => [e.position, e.recorded_at, e.occurred_at, e.type, e.stream, (e.actor || {}).id,
                      (e.actor || {}).role, (e.actor || {}).department, e.version, e.hash]));

  return html`${head}
    <p class="explain">${t("events.intro")}</p>
    <${Live} live=${live} count=${live.events.length} showing=${newest} onNewest=${() => go({})} />
    <${Filters} query=${query} types=${allTypes} />
    <div class="pager" role="navigation" aria-label=${t("events.paging")}>
      <button type="button" class="small secondary" data-testid="older" disabled=${first <= 1}
        onClick=${() => go({ from: Math.max(1, first - LIMIT) })}>${t("events.older")}</button>
      <button type="button" class="small secondary" data-testid="newer" disabled=${!data.has_more}
        onClick=${() => go({ from: data.next })}>${t("events.newer")}</button>
      <button type="button" class="small secondary" data-testid="newest" disabled=${from === null}
        onClick=${() => go({})}>${t("events.newest")}</button>
      <span class="muted" data-testid="page-range">${pageEvents.length
        ? t("events.range", { a: first, b: pageEvents[pageEvents.length - 1].position, head: headPos })
        : t("events.empty_page", { head: headPos })}</span>
      <button type="button" class="small secondary" onClick=${csv}>${t("common.csv")}</button>
    </div>
    <div class="table-wrap">
      <table class="log" data-testid="event-log">
        <caption>${t("events.caption", { shown: shown.length, loaded: rows.length })}</caption>
        <thead><tr>
          <th scope="col" class="num">${t("events.col.position")}</th>
          <th scope="col">${t("events.col.recorded")}</th>
          <th scope="col">${t("events.col.occurred")}</th>
          <th scope="col">${t("events.col.type")}</th>
          <th scope="col">${t("events.col.complaint")}</th>
          <th scope="col">${t("events.col.actor")}</th>
          <th scope="col" class="num">${t("events.col.version")}</th>
          <th scope="col">${t("events.col.hash")}</th>
        </tr></thead>
        <tbody>
          ${shown.length === 0 && html`<tr><td colspan="8" class="muted">${t("common.none")}</td></tr>`}
          ${shown.map((e) => html`<${Row} key=${e.position} e=${e} fresh=${freshSet.has(e.position)} target=${e.position === from} />`)}
        </tbody>
      </table>
    </div>
    <p class="muted small">${t("events.times_note", { zone: zoneLabel() })}</p>`;
}
