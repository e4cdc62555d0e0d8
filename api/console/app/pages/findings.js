// The findings queue: what a compliance reviewer must look at, grouped by kind with the rule each
// kind stands for, the complaint, the evidence events and a link to the complaint as it stood at
// the moment of the finding (?as_of=). Filters from, to (days, in the URL) and kind.
import { html } from "../html.js";
import { get } from "../api.js";
import { code, fmtNumber, t } from "../i18n.js";
import { href } from "../router.js";
import { ErrorBox, Loading, Time, useData } from "../ui.js";
import {
  ComplaintLink, DataTable, Evidence, Filters, applyFilters, complaintHref, dayToInstant,
} from "../pagekit.js";

// The kinds of docs/rules.md ("Findings"), in the order shown; a kind the server adds later is
// shown after them under its code.
export const KINDS = ["late_entry", "level_below_rule", "closure_without_confirmation", "overdue_15_unfined",
  "late_transmission_major", "correction_moves_deadline"];

// Every page of findings (the route pages with next_cursor; a queue is small enough to show whole).
async function loadAll(from, to) {
  const out = [];
  let cursor = "";
  for (let i = 0; i < 20; ++i) {
    const d = await get("/v1/findings", { from, to, limit: 5000, cursor });
    out.push(...(d.findings || []));
    if (!d.next_cursor) break;
    cursor = d.next_cursor;
  }
  return out;
}

export default function FindingsPage({ query }) {
  const values = { from: query.from || "", to: query.to || "", kind: query.kind || "" };
  const from = dayToInstant(values.from, false);
  const to = dayToInstant(values.to, true);
  const data = useData(() => loadAll(from, to), [from, to]);
  const fields = [
    { name: "from", label: t("findings.from"), type: "date" },
    { name: "to", label: t("findings.to"), type: "date" },
    { name: "kind", label: t("findings.kind"), type: "select", options: [{ value: "", label: t("kit.any") },
      ...KINDS.map((k) => ({ value: k, label: code("finding_kinds", k) }))] },
  ];
  const all = data.data || [];
  const kinds = [...KINDS, ...new Set(all.map((f) => f.kind).filter((k) => !KINDS.includes(k)))];
  const groups = kinds.map((k) => ({ kind: k, rows: all.filter((f) => f.kind === k) }))
    .filter((g) => g.rows.length > 0 && (!values.kind || g.kind === values.kind));
  const columns = [
    { key: "complaint", label: t("findings.complaint"), render: (r) => html`<${ComplaintLink} id=${r.complaint} />` },
    { key: "at", label: t("findings.at"), render: (r) => html`<${Time} at=${r.at} />` },
    { key: "detail", label: t("findings.detail"), render: (r) => html`<span class="detail">${r.detail}</span>` },
    { key: "evidence", label: t("findings.evidence"), render: (r) => html`<${Evidence} complaint=${r.complaint} positions=${r.evidence} />`,
      csv: (r) => (r.evidence || []).join(" ") },
    { key: "as_of", label: t("findings.then"), render: (r) => html`<a class="as-of-link" href=${complaintHref(r.complaint, { as_of: r.at })}
        aria-label=${t("findings.then_label", { id: r.complaint })}>${t("kit.as_of")}</a>`, csv: (r) => r.at },
  ];
  return html`<section class="page-findings">
    <h1>${t("nav.findings")}</h1>
    <${Filters} id="findings-filters" fields=${fields} values=${values} onApply=${(v) => applyFilters("/findings", v)} />
    <${ErrorBox} error=${data.error} />
    ${data.loading ? html`<${Loading} />` : data.data && html`
      <p class="muted" role="status" id="findings-count">${t("findings.count", { n: fmtNumber(all.length) })}</p>
      <div class="kind-index" role="navigation" aria-label=${t("findings.kinds")}><ul>
        ${kinds.map((k) => {
          const n = all.filter((f) => f.kind === k).length;
          return html`<li><a href=${href("/findings", { ...values, kind: k })}
            aria-current=${values.kind === k ? "true" : undefined}>${code("finding_kinds", k)}</a> <span class="chip">${n}</span></li>`;
        })}
      </ul></div>
      ${groups.length === 0 && html`<p class="muted">${t("findings.empty")}</p>`}
      ${groups.map((g) => html`<section class="findings-group" id=${`kind-${g.kind}`} data-kind=${g.kind}>
        <h2>${code("finding_kinds", g.kind)} <span class="chip">${g.rows.length}</span></h2>
        <p class="explain">${explain(g.kind)}</p>
        <${DataTable} caption=${t("findings.group_caption", { kind: code("finding_kinds", g.kind) })} columns=${columns} rows=${g.rows}
          csvName=${`findings_${g.kind}${values.from ? `_${values.from}` : ""}${values.to ? `_${values.to}` : ""}.csv`}
          rowAttrs=${(r) => ({ "data-id": r.complaint, "data-kind": r.kind })} />
      </section>`)}`}
  </section>`;
}

function explain(kind) {
  const k = `findings.rule.${kind}`;
  const s = t(k);
  return s === k ? t("findings.rule_unknown") : s;
}
