// The Fines tab: the complaint's fine lines (the ticket's fines[]): rule, day, amount, who is
// charged, why; a waived line is struck through (tr.waived) with its waiver (who, when, why, the
// waiver event). Every evidence position is a button to that event in the Events tab.
import { html } from "../html.js";
import { code, t } from "../i18n.js";
import { Money, Table, Time } from "../ui.js";
import { EvLink } from "./events.js";
import { sumMoney } from "./util.js";

export function FinesTab({ state, events, onOpenEvent }) {
  const lines = state.fines || [];
  const at = new Map((events || []).map((e) => [e.position, e.occurred_at]));
  const waived = lines.filter((f) => f.waived);
  const columns = [
    { key: "rule", label: t("complaint.fines.rule"), render: (f) => html`<span title=${f.rule}>${code("fine_rules", f.rule)}</span>` },
    { key: "day", label: t("complaint.fines.day") },
    { key: "amount", label: t("complaint.fines.amount"), num: true, render: (f) => html`<${Money} amount=${f.amount} />` },
    { key: "charged", label: t("complaint.fines.charged"),
      render: (f) => html`${(f.people || []).map((p) => html`<div>${p}</div>`)}${(f.departments || []).map((d) => html`<div class="muted">${code("departments", d)}</div>`)}`,
      csv: (f) => [...(f.people || []), ...(f.departments || [])].join("; ") },
    { key: "reason", label: t("complaint.fines.reason"),
      render: (f) => html`${f.reason}<div class="muted small">${f.derived ? t("complaint.fines.derived") : t("complaint.fines.recorded")}</div>` },
    { key: "evidence", label: t("complaint.fines.evidence"),
      render: (f) => html`<span class="ev-links">${(f.evidence || []).map((p) => html`<${EvLink} pos=${p} onOpen=${onOpenEvent} />`)}</span>`,
      csv: (f) => (f.evidence || []).join(" ") },
    { key: "waiver", label: t("complaint.fines.waiver"),
      render: (f) => (f.waived && f.waiver ? html`<div class="waiver">
          <div><strong>${t("complaint.fines.waived_by", { by: f.waiver.by })}</strong></div>
          ${at.get(f.waiver.event) && html`<div><${Time} at=${at.get(f.waiver.event)} /></div>`}
          <div>${f.waiver.reason}</div>
          <${EvLink} pos=${f.waiver.event} onOpen=${onOpenEvent} label=${t("complaint.fines.waiver_event", { n: f.waiver.event })} />
        </div>` : ""),
      csv: (f) => (f.waived && f.waiver ? `${f.waiver.by}: ${f.waiver.reason} (event ${f.waiver.event})` : "") },
  ];
  return html`<div class="fines-tab">
    <${Table} caption=${t("complaint.fines.caption")} columns=${columns} rows=${lines} csvName=${`${state.id}-fines.csv`}
      rowClass=${(f) => (f.waived ? "waived" : "")} empty=${t("complaint.fines.none")} />
    <dl class="facts fines-total">
      <dt>${t("complaint.fines.total")}</dt><dd><strong><${Money} amount=${state.fines_total} /></strong></dd>
      ${waived.length > 0 && html`<dt>${t("complaint.fines.waived_total", { n: waived.length })}</dt>
        <dd class="waived"><${Money} amount=${sumMoney(waived.map((f) => f.amount))} /></dd>`}
    </dl>
  </div>`;
}
