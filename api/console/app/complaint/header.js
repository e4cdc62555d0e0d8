// The complaint's header: what it is, where it stands, who holds it, who complained (or the
// redacted mark), and how the page evaluated it (as of, known at, policy version, what-if).
import { html } from "../html.js";
import { code, fmtTime, t } from "../i18n.js";
import { Code, Money, Pii, Time } from "../ui.js";
import { href } from "../router.js";
import { EvLink } from "./events.js";
import { LEVELS } from "./util.js";

function Fact({ label, children }) {
  return html`<dt>${label}</dt><dd>${children}</dd>`;
}

const statusClass = (s) => (s === "closed" ? "ok" : "warn");

export function ComplaintHeader({ state, onOpenEvent }) {
  const s = state;
  const r = s.responsibility || {};
  const rule = s.rule_level;
  const below = rule && rule.level && LEVELS.indexOf(s.level) < LEVELS.indexOf(rule.level);
  const p = s.complainant || {};
  const ev = s.evaluated || {};
  return html`<section class="complaint-header" aria-label=${t("complaint.header.label")}>
    <div class="chips-row">
      <span class=${`chip ${statusClass(s.status)}`} data-field="status">${code("statuses", s.status)}</span>
      <span class="chip" data-field="stage">${t("complaint.header.stage")}: ${code("stages", s.stage)}</span>
      <span class=${`chip level level-${s.level}`} data-field="level">${t("complaint.header.level")}: ${code("levels", s.level)}</span>
      ${below && html`<span class="chip bad below-rule" data-field="below-rule"
          title=${t("complaint.header.below_rule_help", { rules: (rule.rules || []).join(", ") })}>
        ${t("complaint.header.below_rule", { level: code("levels", rule.level) })}</span>`}
      ${s.paused && html`<span class="chip paused">${t("complaint.header.paused")}</span>`}
      ${s.reopened > 0 && html`<span class="chip warn">${t("complaint.header.reopened", { n: s.reopened })}</span>`}
      ${(s.flags || []).map((f) => html`<span class="chip flag" title=${`${fmtTime(f.at)} (#${f.event})`}>${code("flags", f.flag)}</span>`)}
    </div>
    <div class="grid2">
      <dl class="facts">
        <${Fact} label=${t("complaint.header.received")}><${Time} at=${s.received_at} /> · <${Code} v="channels" value=${s.channel} /><//>
        <${Fact} label=${t("complaint.header.project")}>${s.project}<//>
        <${Fact} label=${t("complaint.header.category")}>${s.category ? html`<${Code} v="categories" value=${s.category} />` : html`<span class="muted">—</span>`}
          ${s.closure_class && html` · <${Code} v="closure_classes" value=${s.closure_class} />`}<//>
        <${Fact} label=${t("complaint.header.validity")}>${code("validity", s.validity) || "—"}
          ${s.invalid_reason && html` (<${Code} v="invalid_reasons" value=${s.invalid_reason} />)`}<//>
        <${Fact} label=${t("complaint.header.rule_level")}>${rule && rule.level ? html`${code("levels", rule.level)}
          ${(rule.rules || []).length > 0 && html`<span class="muted"> (${rule.rules.join(", ")})</span>`}` : "—"}<//>
        <${Fact} label=${t("complaint.header.received_by")}>${code("departments", s.receiving_department)} · ${s.receiving_staff}<//>
        ${s.description && html`<${Fact} label=${t("complaint.header.description")}>${s.description}<//>`}
        ${s.demands && html`<${Fact} label=${t("complaint.header.demands")}>${s.demands}<//>`}
        ${s.claimed_compensation && html`<${Fact} label=${t("complaint.header.claimed")}><${Money} amount=${s.claimed_compensation} /><//>`}
        ${(s.links || []).length > 0 && html`<${Fact} label=${t("complaint.header.links")}>${s.links.map((l) => html`<div>
          <${Code} v="link_relations" value=${l.relation} /> <a href=${href(`/complaints/${l.other}`)}>${l.other}</a></div>`)}<//>`}
      </dl>
      <dl class="facts">
        <${Fact} label=${t("complaint.header.department")}>${r.department ? code("departments", r.department) : html`<span class="muted">${t("complaint.header.unassigned")}</span>`}<//>
        <${Fact} label=${t("complaint.header.handler")}>${r.handler || "—"}${r.assigned_at && html` <span class="muted">(<${Time} at=${r.assigned_at} />)</span>`}<//>
        <${Fact} label=${t("complaint.header.cooperating")}>${(r.cooperating || []).length ? r.cooperating.map((d) => code("departments", d)).join(", ") : "—"}<//>
        ${(r.notified || []).length > 0 && html`<${Fact} label=${t("complaint.header.notified")}>${r.notified.join(", ")}<//>`}
        <${Fact} label=${t("complaint.header.complainant")}><${Pii} value=${p.name} />${p.is_owner ? html` <span class="chip">${t("complaint.header.owner")}</span>` : ""}<//>
        <${Fact} label=${t("complaint.header.phone")}><${Pii} value=${p.phone} /><//>
        <${Fact} label=${t("complaint.header.unit")}><${Pii} value=${p.unit} /><//>
        ${s.headcount > 1 && html`<${Fact} label=${t("complaint.header.headcount")}>${s.headcount}<//>`}
        <${Fact} label=${t("complaint.header.fines_total")}><${Money} amount=${s.fines_total} /><//>
      </dl>
    </div>
    ${(s.findings || []).length > 0 && html`<div class="notice findings">
      <strong>${t("complaint.header.findings")}</strong>
      <ul>${s.findings.map((f) => html`<li><${Code} v="finding_kinds" value=${f.kind} /> · <${Time} at=${f.at} /> · ${f.detail}
        ${(f.evidence || []).map((p2) => html` <${EvLink} pos=${p2} onOpen=${onOpenEvent} />`)}</li>`)}</ul>
    </div>`}
    <p class="evaluated muted small" data-what-if=${String(!!ev.what_if)}>
      ${t("complaint.header.evaluated", {
        as_of: fmtTime(ev.as_of, "seconds"),
        known_at: ev.known_at ? fmtTime(ev.known_at, "seconds") : t("complaint.header.everything"),
        v: ev.policy_version,
      })}${ev.what_if ? ` · ${t("complaint.header.what_if")}` : ""}
    </p>
  </section>`;
}
