// The time-travel bar: as_of (business time) and known_at (ledger time), each a datetime input in
// the policy's zone plus a slider that snaps to the complaint's event times; ◀ / ▶ step as_of to
// the previous / next event time; "now" clears both; the policy version to evaluate under
// (what-if). Everything is in the URL; onChange(patch) merges a patch into the page's params.
import { html, useState, useEffect } from "../html.js";
import { code, fmtTime, t, zoneLabel } from "../i18n.js";
import { fromInput, ms, toInput, toRfc3339 } from "./util.js";

// Distinct instants (sorted) of the events' `field`, each with the first event at it.
function stops(events, field) {
  const seen = new Map();
  for (const e of events || []) {
    const v = ms(e[field]);
    if (!seen.has(v)) seen.set(v, e);
  }
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([v, e]) => ({ v, e }));
}

// The slider position of an instant: the last stop at or before it; the end ("now") when unset.
function indexOf(list, value) {
  if (!value) return list.length;
  const v = ms(value);
  let i = -1;
  while (i + 1 < list.length && list[i + 1].v <= v) ++i;
  return Math.max(0, i);
}

function TimeControl({ id, label, help, value, list, onSet }) {
  const idx = indexOf(list, value);
  const [preview, setPreview] = useState(idx);
  useEffect(() => setPreview(idx), [idx]);
  const at = preview >= list.length ? null : list[preview];
  return html`<div class="tt-control">
    <label for=${id}>${label}</label>
    <input id=${id} type="datetime-local" step="1" value=${toInput(value)} aria-describedby=${`${id}-help`}
      onChange=${(e) => onSet(fromInput(e.target.value))} />
    <input type="range" min="0" max=${list.length} step="1" value=${preview}
      aria-label=${t("complaint.tt.slider", { what: label })} aria-valuetext=${at ? `${fmtTime(at.v, "seconds")} ${code("events", at.e.type)}` : t("complaint.tt.now")}
      onInput=${(e) => setPreview(Number(e.target.value))}
      onChange=${(e) => { const i = Number(e.target.value); onSet(i >= list.length ? "" : toRfc3339(list[i].v)); }} />
    <span class="tt-preview" id=${`${id}-help`}>
      ${at ? html`<span>#${at.e.position} ${code("events", at.e.type)}</span>` : html`<span>${t("complaint.tt.now")}</span>`}
      <span class="muted"> · ${help}</span>
    </span>
  </div>`;
}

export function TimeTravelBar({ events, params, policies, onChange }) {
  const occurred = stops(events, "occurred_at");
  const recorded = stops(events, "recorded_at");
  const asOf = params.as_of || "";
  const cur = asOf ? ms(asOf) : Infinity;
  const prev = [...occurred].reverse().find((s) => s.v < cur);
  const next = occurred.find((s) => s.v > cur);
  const current = policies?.current;
  return html`<section class="timetravel" aria-label=${t("complaint.tt.label")}>
    <div class="tt-row">
      <div class="tt-step">
        <button type="button" class="small secondary" disabled=${!prev} aria-label=${t("complaint.tt.prev")} title=${t("complaint.tt.prev")}
          onClick=${() => prev && onChange({ as_of: toRfc3339(prev.v) })}>◀</button>
        <button type="button" class="small secondary" disabled=${!asOf} aria-label=${t("complaint.tt.next")} title=${t("complaint.tt.next")}
          onClick=${() => onChange({ as_of: next ? toRfc3339(next.v) : "" })}>▶</button>
      </div>
      <${TimeControl} id="tt-as-of" label=${t("complaint.tt.as_of")} help=${t("complaint.tt.as_of_help")}
        value=${asOf} list=${occurred} onSet=${(v) => onChange({ as_of: v })} />
      <${TimeControl} id="tt-known-at" label=${t("complaint.tt.known_at")} help=${t("complaint.tt.known_at_help")}
        value=${params.known_at || ""} list=${recorded} onSet=${(v) => onChange({ known_at: v })} />
      <div class="tt-control tt-policy">
        <label for="tt-policy">${t("complaint.tt.policy")}</label>
        <select id="tt-policy" value=${params.policy || String(current ?? "")}
          onChange=${(e) => onChange({ policy: Number(e.target.value) === current ? "" : e.target.value })}>
          ${(policies?.policies || []).map((p) => html`<option value=${String(p.version)}>
            ${t(p.version === current ? "complaint.tt.policy_current" : "complaint.tt.policy_v", { v: p.version, name: p.name })}</option>`)}
          ${params.policy && !(policies?.policies || []).some((p) => String(p.version) === params.policy)
            && html`<option value=${params.policy}>${t("complaint.tt.policy_v", { v: params.policy, name: "" })}</option>`}
        </select>
      </div>
      <button type="button" class="small" disabled=${!asOf && !params.known_at && !params.policy}
        onClick=${() => onChange({ as_of: "", known_at: "", policy: "" })}>${t("complaint.tt.reset")}</button>
    </div>
    <p class="muted small tt-zone">${t("complaint.tt.zone", { zone: zoneLabel() })}</p>
  </section>`;
}
