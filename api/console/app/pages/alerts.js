// Deadline alerts of the caller's complaints: the queue now (GET /v1/alerts, filters in the URL)
// and, live, the alerts as they arise (GET /v1/alerts/stream through sse.js, resuming after the
// last id; a live / reconnecting indicator; ?from=SEQ replays the outbox from that entry). A live
// alert replaces the queue's entry for the same clock, so the queue stays one line per clock.
import { html, useEffect, useState } from "../html.js";
import { code, fmtNumber, t } from "../i18n.js";
import { href } from "../router.js";
import { stream } from "../sse.js";
import { Code, ErrorBox, Loading, Time } from "../ui.js";
import {
  CLOCKS, ComplaintLink, DataTable, Filters, LEVELS, MoreButton, applyFilters, codeOptions, usePaged, usePolicyLists,
} from "../pagekit.js";

const FILTERS = ["state", "clock", "level", "department", "person"];
const keyOf = (a) => `${a.complaint}/${a.clock}/${a.cycle}`;

function matches(a, v) {
  return FILTERS.every((f) => !v[f] || a[f] === v[f]);
}

// The live feed: {status: "connecting"|"open"|"retrying"|"stopped", detail, alerts: newest first}.
// `from` (an outbox sequence number, optional) replays the alerts published since then.
function useAlertStream(enabled, from) {
  const [st, setSt] = useState({ status: "connecting", detail: "", alerts: [] });
  useEffect(() => {
    if (!enabled) return undefined;
    const s = stream(from ? `/v1/alerts/stream?from=${encodeURIComponent(from)}` : "/v1/alerts/stream", {
      onState: (status, detail) => setSt((x) => ({ ...x, status, detail: detail || "" })),
      onEvent: (e) => {
        let a;
        try { a = JSON.parse(e.data); } catch (_) { return; }
        a.live_id = e.id;
        setSt((x) => ({ ...x, alerts: [a, ...x.alerts].slice(0, 500) }));
      },
    });
    return () => s.stop();
  }, [enabled, from]);
  return st;
}

function StateChip({ a }) {
  const cls = a.state === "missed" ? "bad" : a.threshold >= 75 ? "warn" : "ok";
  return html`<span class=${`chip ${cls}`} data-state=${a.state}>${t(`alerts.state.${a.state}`)} · ${a.threshold}%</span>`;
}

function Live({ st }) {
  const label = { open: t("alerts.live"), retrying: t("alerts.reconnecting"), connecting: t("alerts.connecting"), stopped: t("alerts.stopped") }[st.status];
  const cls = st.status === "open" ? "ok" : st.status === "retrying" ? "warn" : "paused";
  return html`<span class="live" id="alerts-live" data-status=${st.status}>
    <span class=${`chip ${cls}`} title=${st.detail}>${st.status === "open" ? "● " : "○ "}${label}</span>
  </span>`;
}

export default function AlertsPage({ query }) {
  const lists = usePolicyLists();
  const values = Object.fromEntries(FILTERS.map((k) => [k, query[k] || ""]));
  const paged = usePaged({ path: "/v1/alerts", params: values, listKey: "alerts", pageSize: 200, maxLimit: 1000, storeKey: "alerts" });
  // The stream starts once the queue was read (a role refused alerts is not retried forever).
  const [readable, setReadable] = useState(false);
  useEffect(() => { if (paged.first) setReadable(true); }, [paged.first]);
  const live = useAlertStream(readable, /^\d+$/.test(query.from || "") ? query.from : "");

  // The queue with the live alerts folded in (a newer threshold of a clock replaces the older).
  const liveHere = live.alerts.filter((a) => matches(a, values));
  const byKey = new Map(paged.rows.map((a) => [keyOf(a), a]));
  for (const a of [...liveHere].reverse()) {
    const old = byKey.get(keyOf(a));
    if (!old || old.threshold < a.threshold) byKey.set(keyOf(a), { ...a, fresh: true });
  }
  const rows = [...byKey.values()].sort((x, y) => (x.state === y.state ? (x.due || "").localeCompare(y.due || "") : x.state === "missed" ? 1 : -1));
  const soon = rows.filter((a) => a.state === "due_soon");
  const missed = rows.filter((a) => a.state === "missed");

  const deps = !values.department || lists.departments.includes(values.department) ? lists.departments : [...lists.departments, values.department];
  const fields = [
    { name: "state", label: t("alerts.state"), type: "select", options: [{ value: "", label: t("kit.any") },
      ...["due_soon", "missed"].map((v) => ({ value: v, label: t(`alerts.state.${v}`) }))] },
    { name: "clock", label: t("alerts.clock"), type: "select", options: codeOptions("clocks", CLOCKS) },
    { name: "level", label: t("alerts.level"), type: "select", options: codeOptions("levels", LEVELS) },
    { name: "department", label: t("alerts.department"), type: "select", options: codeOptions("departments", deps) },
    { name: "person", label: t("alerts.person"), type: "text", placeholder: "u-…" },
  ];
  const columns = [
    { key: "complaint", label: t("alerts.complaint"), render: (a) => html`<${ComplaintLink} id=${a.complaint} />` },
    { key: "clock", label: t("alerts.clock"), render: (a) => html`<${Code} v="clocks" value=${a.clock} />${a.cycle ? html` <span class="muted">${t("alerts.cycle", { n: a.cycle })}</span>` : ""}` },
    { key: "state", label: t("alerts.state"), render: (a) => html`<${StateChip} a=${a} />${a.fresh ? html` <span class="chip new">${t("alerts.new")}</span>` : ""}`,
      csv: (a) => `${a.state} ${a.threshold}` },
    { key: "due", label: t("alerts.due"), render: (a) => html`<${Time} at=${a.due} />` },
    { key: "at", label: t("alerts.at"), render: (a) => html`<${Time} at=${a.at} />` },
    { key: "level", label: t("alerts.level"), render: (a) => html`<${Code} v="levels" value=${a.level} />` },
    { key: "department", label: t("alerts.department"), render: (a) => (a.department ? html`<a href=${href("/alerts", { ...values, department: a.department })}>${code("departments", a.department)}</a>` : "—") },
    { key: "person", label: t("alerts.person"), render: (a) => (a.person ? html`<a class="mono" href=${href("/alerts", { ...values, person: a.person })}>${a.person}</a>` : html`<span class="muted">—</span>`) },
    { key: "project", label: t("alerts.project"), render: (a) => html`<span class="mono">${a.project || ""}</span>` },
  ];
  const attrs = (a) => ({ "data-id": a.complaint, "data-clock": a.clock, "data-state": a.state });

  return html`<section class="page-alerts">
    <h1>${t("nav.alerts")} ${readable && html`<${Live} st=${live} />`}</h1>
    <${Filters} id="alerts-filters" fields=${fields} values=${values} onApply=${(v) => applyFilters("/alerts", v)} />
    <p class="muted" aria-live="polite" id="alerts-live-count">${t("alerts.live_count", { n: fmtNumber(liveHere.length) })}</p>
    <${ErrorBox} error=${paged.error} />
    ${paged.loading && !paged.first ? html`<${Loading} />` : paged.first && html`
      ${paged.first.as_of && html`<p class="explain">${t("alerts.as_of")} <${Time} at=${paged.first.as_of} /></p>`}
      ${values.state !== "missed" && html`<${DataTable} tableId="alerts-due-soon" caption=${t("alerts.due_soon", { n: soon.length })}
        columns=${columns} rows=${soon} csvName="alerts_due_soon.csv" rowAttrs=${attrs} rowClass=${(a) => (a.fresh ? "highlight" : "")} />`}
      ${values.state !== "due_soon" && html`<${DataTable} tableId="alerts-missed" caption=${t("alerts.missed", { n: missed.length })}
        columns=${columns} rows=${missed} csvName="alerts_missed.csv" rowAttrs=${attrs} rowClass=${(a) => (a.fresh ? "highlight" : "")} />`}
      <${MoreButton} paged=${paged} id="alerts-more" />`}
  </section>`;
}
