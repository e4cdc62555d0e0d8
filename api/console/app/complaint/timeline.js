// The Timeline tab: the replay of the complaint (GET /v1/complaints/{id}/timeline), one entry per
// event: when it occurred and when it was recorded (a late entry marked), who, the server's
// summary, what changed old → new, the clocks after it (compact; the ones it changed stand out)
// and the fines that accrued since the previous entry. A toggle (URL clocks_only=1) hides
// entries that changed no clock.
import { html } from "../html.js";
import { code, fmtDuration, fmtTime, t } from "../i18n.js";
import { Money, Time } from "../ui.js";
import { EvLink, EventType } from "./events.js";
import { clockKey, ms, parseChange } from "./util.js";

const sig = (c) => `${c.state}|${c.due || ""}|${c.met_at || ""}`;

// The clocks an entry changed (by row key), against the previous entry's clocks.
function changedClocks(prev, cur) {
  const before = new Map((prev || []).map((c) => [clockKey(c), sig(c)]));
  return new Set((cur || []).filter((c) => before.get(clockKey(c)) !== sig(c)).map(clockKey));
}

function Change({ s }) {
  const c = parseChange(s);
  return html`<li class="change"><span class="chg-field">${c.field}</span>${c.field ? ": " : ""}
    ${c.old !== undefined && html`<span class="diff-old">${c.old}</span> → `}
    <span class="diff-new">${c.new}</span></li>`;
}

function ClockChips({ clocks, changed }) {
  return html`<ul class="clock-chips">${(clocks || []).filter((c) => c.due || changed.has(clockKey(c))).map((c) => {
    const k = clockKey(c);
    return html`<li class=${`chip st-${c.state}${changed.has(k) ? " changed" : ""}`} data-clock=${c.clock}
        title=${c.due ? `${t("complaint.clock.due")} ${fmtTime(c.due)}` : ""}>
      ${code("clocks", c.clock)}${c.cycle ? ` #${c.cycle + 1}` : ""}: ${code("clock_states", c.state)}
      ${c.due && c.state !== "met" ? html` · ${fmtTime(c.due, "short")}` : ""}
    </li>`;
  })}</ul>`;
}

function FineLine({ f, waivedHere, onOpen }) {
  return html`<li class=${waivedHere || f.waived ? "waived" : ""}>
    ${waivedHere ? `${t("complaint.timeline.waived")}: ` : ""}
    ${code("fine_rules", f.rule)} · ${f.day} · <${Money} amount=${f.amount} />
    · ${[...(f.people || []), ...(f.departments || []).map((d) => code("departments", d))].join(", ")}
    ${(f.evidence || []).length > 0 && html` · ${t("complaint.fines.evidence")}: ${f.evidence.map((p) => html`<${EvLink} pos=${p} onOpen=${onOpen} /> `)}`}
  </li>`;
}

export function TimelineTab({ timeline, findings, maxBackdateHours, clocksOnly, onToggleClocksOnly, onOpenEvent }) {
  if (!timeline) return null;
  const late = new Set();
  for (const f of findings || []) if (f.kind === "late_entry") for (const p of f.evidence || []) late.add(p);
  const entries = [];
  let prev = null;
  for (const e of timeline.entries || []) {
    const changed = changedClocks(prev, e.clocks);
    prev = e.clocks;
    entries.push({ e, changed });
  }
  const shown = clocksOnly ? entries.filter((x) => x.changed.size > 0) : entries;
  return html`<div class="timeline-tab">
    <div class="tab-tools">
      <label><input type="checkbox" checked=${clocksOnly} onChange=${(ev) => onToggleClocksOnly(ev.target.checked)} />
        ${t("complaint.timeline.clocks_only")}</label>
      <span class="muted">${t("complaint.timeline.count", { shown: shown.length, n: entries.length })}</span>
    </div>
    <ol class="timeline">
      ${shown.map(({ e, changed }) => {
        const lag = (ms(e.recorded_at) - ms(e.occurred_at)) / 1000;
        // A late entry as the findings define it: recorded more than max_backdate after it
        // occurred, not for imported events nor the ledger's own (system) events.
        const isLate = late.has(e.position)
          || (lag > maxBackdateHours * 3600 && !e.imported && e.actor?.role !== "system");
        return html`<li class=${`tl-entry${isLate ? " late" : ""}`} data-position=${e.position} key=${e.position}>
          <div class="tl-head">
            <span class="tl-time"><${Time} at=${e.occurred_at} kind="seconds" /></span>
            <${EventType} type=${e.type} />
            <${EvLink} pos=${e.position} onOpen=${onOpenEvent} label=${t("complaint.timeline.event", { n: e.position, v: e.version })} />
            ${isLate && html`<span class="chip warn late-mark" title=${t("complaint.timeline.late_help", { h: maxBackdateHours })}>${t("complaint.timeline.late")}</span>`}
            ${e.imported && html`<span class="chip">${t("complaint.imported")}</span>`}
          </div>
          ${lag >= 60 && html`<div class="tl-recorded muted">${t("complaint.timeline.recorded_later", { at: fmtTime(e.recorded_at, "seconds"), d: fmtDuration(lag) })}</div>`}
          ${lag <= -60 && html`<div class="tl-recorded muted">${t("complaint.timeline.recorded_before", { at: fmtTime(e.recorded_at, "seconds") })}</div>`}
          <div class="tl-actor">${e.actor?.id} <span class="muted">· ${code("roles", e.actor?.role)}${e.actor?.department ? ` · ${code("departments", e.actor.department)}` : ""}</span></div>
          <p class="tl-summary">${e.summary}</p>
          ${(e.changes || []).length > 0 && html`<ul class="changes">${e.changes.map((s) => html`<${Change} s=${s} />`)}</ul>`}
          <${ClockChips} clocks=${e.clocks} changed=${changed} />
          ${((e.fines || []).length > 0 || (e.waived_fines || []).length > 0) && html`<ul class="tl-fines">
            ${(e.fines || []).map((f) => html`<${FineLine} f=${f} onOpen=${onOpenEvent} />`)}
            ${(e.waived_fines || []).map((f) => html`<${FineLine} f=${f} waivedHere=${true} onOpen=${onOpenEvent} />`)}
          </ul>`}
        </li>`;
      })}
    </ol>
    ${(timeline.fines_since_last_event || []).length > 0 && html`<div class="notice">
      <strong>${t("complaint.timeline.since_last")}</strong>
      <ul class="tl-fines">${timeline.fines_since_last_event.map((f) => html`<${FineLine} f=${f} onOpen=${onOpenEvent} />`)}</ul>
    </div>`}
  </div>`;
}
