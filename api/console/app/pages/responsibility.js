// Responsibility records: who held which role on which complaint, from when to when, and how it
// went (clocks met and missed, fines). Filters department, person and month in the URL; "load
// more" paging; CSV of the rows shown.
import { html } from "../html.js";
import { code, t } from "../i18n.js";
import { href } from "../router.js";
import { ErrorBox, Loading, Money, Time } from "../ui.js";
import {
  ComplaintLink, DataTable, Evidence, Filters, MoreButton, applyFilters, codeOptions, usePaged, usePolicyLists,
} from "../pagekit.js";

const ROLES = ["receiver", "customer_service", "first_responsible", "first_responsible_person", "handler",
  "cooperating", "plan_approver", "extension_approver"];

function role(r) {
  const k = `responsibility.role.${r}`;
  const s = t(k);
  return s === k ? r : s;
}

const clocks = (list) => (list && list.length ? list.map((c) => code("clocks", c)).join(", ") : "—");

export default function ResponsibilityPage({ query }) {
  const lists = usePolicyLists();
  const values = { department: query.department || "", person: query.person || "", month: query.month || "" };
  const paged = usePaged({ path: "/v1/responsibility", params: values, listKey: "records", pageSize: 200, maxLimit: 1000, storeKey: "responsibility" });
  const deps = !values.department || lists.departments.includes(values.department) ? lists.departments : [...lists.departments, values.department];
  const fields = [
    { name: "department", label: t("responsibility.department"), type: "select", options: codeOptions("departments", deps) },
    { name: "person", label: t("responsibility.person"), type: "text", placeholder: "u-…" },
    { name: "month", label: t("common.month"), type: "month" },
  ];
  const columns = [
    { key: "complaint", label: t("responsibility.complaint"), render: (r) => html`<${ComplaintLink} id=${r.complaint} />` },
    { key: "role", label: t("responsibility.role"), render: (r) => html`<span class="code" title=${r.role}>${role(r.role)}</span>` },
    { key: "person", label: t("responsibility.person"), render: (r) => (r.person
      ? html`<a class="mono" href=${href("/responsibility", { ...values, person: r.person })}>${r.person}</a>` : html`<span class="muted">—</span>`) },
    { key: "department", label: t("responsibility.department"), render: (r) => (r.department
      ? html`<a href=${href("/responsibility", { ...values, department: r.department })}>${code("departments", r.department)}</a>` : html`<span class="muted">—</span>`) },
    { key: "from", label: t("responsibility.from"), render: (r) => html`<${Time} at=${r.from} />` },
    { key: "to", label: t("responsibility.to"), render: (r) => html`<${Time} at=${r.to} />` },
    { key: "met", label: t("responsibility.met"), render: (r) => clocks(r.outcome && r.outcome.met), csv: (r) => ((r.outcome && r.outcome.met) || []).join(" ") },
    { key: "missed", label: t("responsibility.missed"), render: (r) => (r.outcome && r.outcome.missed && r.outcome.missed.length
      ? html`<span class="bad-text">${clocks(r.outcome.missed)}</span>` : "—"), csv: (r) => ((r.outcome && r.outcome.missed) || []).join(" ") },
    { key: "fines", label: t("responsibility.fines"), num: true, render: (r) => html`<${Money} amount=${r.outcome && r.outcome.fines} />`,
      csv: (r) => r.outcome && r.outcome.fines },
    { key: "evidence", label: t("responsibility.evidence"), render: (r) => html`<${Evidence} complaint=${r.complaint} positions=${r.evidence} />`,
      csv: (r) => (r.evidence || []).join(" ") },
  ];
  const name = ["responsibility", values.department, values.person, values.month].filter(Boolean).join("_");
  return html`<section class="page-responsibility">
    <h1>${t("nav.responsibility")}</h1>
    <${Filters} id="responsibility-filters" fields=${fields} values=${values} onApply=${(v) => applyFilters("/responsibility", v)} />
    <${ErrorBox} error=${paged.error} />
    ${paged.loading && paged.rows.length === 0 ? html`<${Loading} />` : paged.first && html`
      <${DataTable} tableId="responsibility-table" caption=${t("responsibility.caption")} columns=${columns} rows=${paged.rows}
        csvName=${`${name}.csv`} rowAttrs=${(r) => ({ "data-id": r.complaint, "data-role": r.role })} empty=${t("responsibility.empty")} />
      <${MoreButton} paged=${paged} total=${paged.first.count} id="responsibility-more" />`}
  </section>`;
}
