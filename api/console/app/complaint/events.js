// The Events tab: the complaint stream's raw events (GET /v1/complaints/{id}/events, all of
// them whatever the time travel says; events outside the evaluated view are dimmed). Each row is
// <tr id="ev-<position>" data-position>; the one the URL names (ev=) gets class "highlight" and
// is scrolled to.
import { html, useEffect, useState } from "../html.js";
import { code, t } from "../i18n.js";
import { Time } from "../ui.js";
import { ms } from "./util.js";

function Hash({ value }) {
  const [copied, setCopied] = useState(false);
  if (!value) return html`<span class="muted">—</span>`;
  const copy = () => {
    if (!navigator.clipboard) return;
    navigator.clipboard.writeText(value).then(() => { setCopied(true); setTimeout(() => setCopied(false), 1500); }, () => {});
  };
  return html`<span class="hash"><code class="mono" title=${value}>${value.slice(0, 12)}…</code>
    <button type="button" class="small secondary" onClick=${copy} aria-label=${t("complaint.events.copy_hash", { hash: value.slice(0, 12) })}>
      ${copied ? t("complaint.events.copied") : t("complaint.events.copy")}</button></span>`;
}

// Whether an event is inside the view the page evaluates (occurred by as_of, recorded by known_at).
export function inView(ev, asOf, knownAt) {
  if (asOf && ms(ev.occurred_at) > ms(asOf)) return false;
  if (knownAt && ms(ev.recorded_at) > ms(knownAt)) return false;
  return true;
}

export function EventsTab({ events, highlight, asOf, knownAt }) {
  const [expand, setExpand] = useState(false);
  useEffect(() => {
    if (!highlight) return;
    const el = document.getElementById(`ev-${highlight}`);
    if (el) {
      el.scrollIntoView({ block: "center", behavior: "smooth" });
      el.focus({ preventScroll: true });
    }
  }, [highlight, events && events.length]);
  if (!events) return null;
  return html`<div class="events-tab">
    <div class="tab-tools">
      <label><input type="checkbox" checked=${expand} onChange=${(e) => setExpand(e.target.checked)} />
        ${t("complaint.events.expand_all")}</label>
      <span class="muted">${t("complaint.events.count", { n: events.length })}</span>
    </div>
    <div class="table-wrap"><table class="events">
      <caption class="sr-only">${t("complaint.events.caption")}</caption>
      <thead><tr>
        <th scope="col" class="num">${t("complaint.events.position")}</th>
        <th scope="col" class="num">${t("complaint.events.version")}</th>
        <th scope="col">${t("complaint.events.type")}</th>
        <th scope="col">${t("complaint.events.time")}</th>
        <th scope="col">${t("complaint.events.actor")}</th>
        <th scope="col" class="num">${t("complaint.events.policy")}</th>
        <th scope="col">${t("complaint.events.hash")}</th>
        <th scope="col">${t("complaint.events.payload")}</th>
      </tr></thead>
      <tbody>
        ${events.map((ev) => {
          const hl = String(ev.position) === String(highlight);
          const out = !inView(ev, asOf, knownAt);
          return html`<tr id=${`ev-${ev.position}`} data-position=${ev.position} key=${ev.position} tabindex="-1"
              class=${`${hl ? "highlight" : ""}${out ? " out-of-view" : ""}`}>
            <td class="num">${ev.position}</td>
            <td class="num">${ev.version}</td>
            <td><${EventType} type=${ev.type} />${ev.imported ? html` <span class="chip">${t("complaint.imported")}</span>` : ""}
              ${out && html`<div class="muted small">${t("complaint.events.out_of_view")}</div>`}</td>
            <td class="nowrap"><div><span class="muted">${t("complaint.occurred")}</span> <${Time} at=${ev.occurred_at} kind="seconds" /></div>
              <div><span class="muted">${t("complaint.recorded")}</span> <${Time} at=${ev.recorded_at} kind="seconds" /></div></td>
            <td><div>${ev.actor?.id}</div><div class="muted">${code("roles", ev.actor?.role)}${ev.actor?.department ? ` · ${code("departments", ev.actor.department)}` : ""}</div></td>
            <td class="num">${ev.policy_version}</td>
            <td><${Hash} value=${ev.hash} /></td>
            <td class="payload">
              <details open=${expand} key=${`${ev.position}-${expand}`}>
                <summary>${t("complaint.events.payload")}</summary>
                <pre>${JSON.stringify(ev.payload, null, 2)}</pre>
              </details>
            </td>
          </tr>`;
        })}
      </tbody>
    </table></div>
  </div>`;
}

export function EventType({ type }) {
  return html`<span class="ev-type" title=${type}>${code("events", type)}</span>`;
}

// A link to one event: switches to the Events tab and highlights it (a button: it changes the
// page's state; the address changes with it).
export function EvLink({ pos, onOpen, label }) {
  if (pos === null || pos === undefined) return null;
  return html`<button type="button" class="ev-link" data-event=${pos} onClick=${() => onOpen(pos)}
      title=${t("complaint.event_open", { n: pos })}>${label || `#${pos}`}</button>`;
}
