// The complaint page, #/complaints/:id — the heart of the console: the ticket's header, its
// clocks as a Gantt chart with a table beside it, the timeline / raw events / fines tabs, time
// travel (as_of, known_at, what-if policy) and the actions the caller may take.
// URL: #/complaints/ID?as_of=RFC3339&known_at=RFC3339&policy=N&tab=timeline|events|fines&ev=POS
// &clocks_only=1&zoom=CLOCK — everything the page shows follows from it.
import { html, useEffect, useRef, useState } from "../html.js";
import { get } from "../api.js";
import { t } from "../i18n.js";
import { href, navigate } from "../router.js";
import { ErrorBox, Loading, useData, useMe } from "../ui.js";
import { ClockChart } from "../complaint/clockchart.js";
import { ComplaintHeader } from "../complaint/header.js";
import { EventsTab } from "../complaint/events.js";
import { FinesTab } from "../complaint/fines.js";
import { TimelineTab } from "../complaint/timeline.js";
import { TimeTravelBar } from "../complaint/timetravel.js";
import { fetchPaged } from "../complaint/util.js";

const TABS = ["timeline", "events", "fines"];

// A published policy's document (parsed), by version; kept for the session.
const documents = new Map();
function policyDocument(version) {
  if (!documents.has(version)) {
    documents.set(version, get("/v1/policies", { version }).then((r) => {
      const p = (r.policies || []).find((x) => x.version === version) || {};
      return typeof p.document === "string" ? JSON.parse(p.document) : (p.document || null);
    }).catch((e) => { documents.delete(version); throw e; }));
  }
  return documents.get(version);
}

// "24 hours" / "2 days" → hours (the policy's max_backdate; 24 when unknown).
function hoursOf(text) {
  const m = /^(\d+)\s*(hour|day)/.exec(String(text || ""));
  if (!m) return 24;
  return Number(m[1]) * (m[2] === "day" ? 24 : 1);
}

function Tabs({ tab, onSelect, counts }) {
  const refs = useRef({});
  const key = (e) => {
    const i = TABS.indexOf(tab);
    let j = null;
    if (e.key === "ArrowRight") j = (i + 1) % TABS.length;
    else if (e.key === "ArrowLeft") j = (i + TABS.length - 1) % TABS.length;
    else if (e.key === "Home") j = 0;
    else if (e.key === "End") j = TABS.length - 1;
    if (j === null) return;
    e.preventDefault();
    onSelect(TABS[j]);
    setTimeout(() => refs.current[TABS[j]]?.focus(), 0);
  };
  return html`<div class="tabs" role="tablist" aria-label=${t("complaint.tabs.label")} onKeyDown=${key}>
    ${TABS.map((k) => html`<button type="button" role="tab" id=${`tab-${k}`} aria-controls=${`panel-${k}`}
        aria-selected=${String(tab === k)} tabindex=${tab === k ? 0 : -1} ref=${(el) => { refs.current[k] = el; }}
        onClick=${() => onSelect(k)}>${t(`complaint.tabs.${k}`)}${counts[k] !== undefined ? html` <span class="count">${counts[k]}</span>` : ""}</button>`)}
  </div>`;
}

// "Act on this complaint": the action forms of forms.js (written separately; loaded on demand
// so this page works without it), for a caller whose role has actions.
function Actions({ state, version, disabled, onDone }) {
  const me = useMe();
  const [Panel, setPanel] = useState(undefined);
  useEffect(() => {
    let live = true;
    import("../forms.js").then((m) => live && setPanel(() => m.ActionPanel || null)).catch(() => live && setPanel(null));
    return () => { live = false; };
  }, []);
  if (!me || !(me.actions || []).length) return null;
  return html`<section class="complaint-actions" aria-labelledby="act-h">
    <h2 id="act-h">${t("complaint.act.title")}</h2>
    ${disabled && html`<p class="notice">${t("complaint.act.disabled")}</p>`}
    ${Panel === undefined ? html`<${Loading} />`
      : Panel === null ? html`<p class="muted">${t("complaint.act.unavailable")}</p>`
        : html`<${Panel} complaint=${state} version=${version} disabled=${disabled} onDone=${onDone} />`}
  </section>`;
}

export default function ComplaintPage({ params, query }) {
  const id = params.id;
  const enc = encodeURIComponent(id);
  const q = { as_of: query.as_of || "", known_at: query.known_at || "", policy: query.policy || "" };
  const tab = TABS.includes(query.tab) ? query.tab : "timeline";
  const set = (patch, opts) => navigate(`/complaints/${id}`, { ...query, ...patch }, opts);
  const openEvent = (pos) => set({ tab: "events", ev: pos });

  const policies = useData(() => get("/v1/policies"), []);
  // The ticket first, then its timeline: a caller who may not read the complaint gets one
  // refusal, not three. The events (unaffected by time travel) wait for the first answer.
  const main = useData(async () => {
    const state = await get(`/v1/complaints/${enc}`, q);
    const timeline = await fetchPaged(`/v1/complaints/${enc}/timeline`, q, "entries");
    return { state, timeline };
  }, [id, q.as_of, q.known_at, q.policy]);
  const forbidden = main.error && main.error.status === 403;
  const settled = !!(main.data || main.error);
  const events = useData(() => (settled && !forbidden ? fetchPaged(`/v1/complaints/${enc}/events`, {}, "events") : Promise.resolve(null)),
    [id, settled && !forbidden]);
  const state = main.data?.state;
  const pv = state?.evaluated?.policy_version;
  const doc = useData(() => (pv ? policyDocument(pv) : Promise.resolve(null)), [pv]);

  const current = policies.data?.current;
  const hypothetical = !!q.policy && current !== undefined && Number(q.policy) !== current;
  const travelling = !!(q.as_of || q.known_at);
  const evs = events.data?.events || [];
  // Actions apply to the stream as it is now: its last event's version (the state's while the
  // events are loading; time travel disables the actions anyway).
  const version = evs.length ? evs[evs.length - 1].version : state?.version;
  const reload = () => { main.reload(); events.reload(); };

  useEffect(() => { document.title = `${id} · ${t("app.title")}`; }, [id]);

  return html`<div class="complaint-page">
    <p class="crumbs"><a href=${href("/complaints")}>${t("nav.complaints")}</a> / <span>${id}</span></p>
    <h1>${id}${state?.subject && html` <span class="subject">${state.subject}</span>`}</h1>
    ${hypothetical && html`<div class="banner-hypothetical" role="status">${t("complaint.hypothetical", { v: q.policy })}</div>`}
    ${travelling && html`<p class="notice time-travel-note" role="status">${t("complaint.travelling")}</p>`}
    ${events.data && html`<${TimeTravelBar} events=${evs} params=${q} policies=${policies.data} onChange=${(p) => set(p)} />`}
    <${ErrorBox} error=${main.error} />
    ${!main.error && html`<${ErrorBox} error=${events.error || policies.error} />`}
    ${main.loading && !state && html`<${Loading} />`}
    ${state && html`
      <div class=${main.loading ? "stale" : ""} aria-busy=${main.loading ? "true" : "false"}>
        <${ComplaintHeader} state=${state} onOpenEvent=${openEvent} />
        <section aria-labelledby="clocks-h">
          <h2 id="clocks-h">${t("complaint.clocks")}</h2>
          <${ClockChart} state=${state} calendar=${doc.data?.calendar} asOf=${state.evaluated?.as_of}
            zoom=${query.zoom || ""} onZoom=${(z) => set({ zoom: z }, { replace: true })} onOpenEvent=${openEvent} />
        </section>
        <section aria-label=${t("complaint.tabs.label")}>
          <${Tabs} tab=${tab} onSelect=${(k) => set({ tab: k, ev: "" }, { replace: true })}
            counts=${{ timeline: main.data.timeline.entries?.length, events: events.data ? evs.length : undefined, fines: (state.fines || []).length }} />
          <div role="tabpanel" id=${`panel-${tab}`} aria-labelledby=${`tab-${tab}`}>
            ${tab === "timeline" && html`<${TimelineTab} timeline=${main.data.timeline} findings=${state.findings}
              maxBackdateHours=${hoursOf(doc.data?.max_backdate)} clocksOnly=${query.clocks_only === "1"}
              onToggleClocksOnly=${(on) => set({ clocks_only: on ? "1" : "" }, { replace: true })} onOpenEvent=${openEvent} />`}
            ${tab === "events" && (events.data ? html`<${EventsTab} events=${evs} highlight=${query.ev} asOf=${q.as_of} knownAt=${q.known_at} />` : html`<${Loading} />`)}
            ${tab === "fines" && html`<${FinesTab} state=${state} events=${evs} onOpenEvent=${openEvent} />`}
          </div>
        </section>
        <${Actions} state=${state} version=${version} disabled=${hypothetical || travelling} onDone=${reload} />
      </div>`}
  </div>`;
}
