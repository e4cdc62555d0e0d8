// The fines of a month: totals, tallies by department and by person (each a link narrowing the
// report), then the lines a page at a time — rule, day, amount, who is charged, the complaint,
// the evidence events; a waived line is struck through and shows its waiver. CSV of each table.
import { html } from "../html.js";
import { code, fmtMoney, t } from "../i18n.js";
import { href } from "../router.js";
import { ErrorBox, Loading, Money, Time, thisMonth } from "../ui.js";
import {
  ComplaintLink, DataTable, Evidence, Filters, MoreButton, applyFilters, codeOptions, complaintHref,
  usePaged, usePolicyLists,
} from "../pagekit.js";

export default function FinesPage({ query }) {
  const lists = usePolicyLists();
  const month = /^\d{4}-\d{2}$/.test(query.month || "") ? query.month : thisMonth();
  const values = { month, department: query.department || "", person: query.person || "" };
  const paged = usePaged({ path: "/v1/fines", params: values, listKey: "lines", pageSize: 200, maxLimit: 10000, storeKey: "fines" });
  const report = paged.first;
  const deps = lists.departments.includes(values.department) || !values.department ? lists.departments : [...lists.departments, values.department];

  const fields = [
    { name: "month", label: t("common.month"), type: "month" },
    { name: "department", label: t("fines.department"), type: "select", options: codeOptions("departments", deps) },
    { name: "person", label: t("fines.person"), type: "text", placeholder: "u-…" },
  ];
  const tallyCols = (kind) => [
    { key: "name", label: t(kind === "department" ? "fines.department" : "fines.person"),
      render: (r) => html`<a href=${href("/fines", { ...values, [kind]: r.name })}>${kind === "department" ? code("departments", r.name) : r.name}</a>` },
    { key: "lines", label: t("fines.lines"), num: true },
    { key: "total", label: t("fines.total"), num: true, render: (r) => html`<${Money} amount=${r.total} />` },
    { key: "waived", label: t("fines.waived"), num: true, render: (r) => (r.waived && r.waived !== "0.00" ? html`<${Money} amount=${r.waived} />` : html`<span class="muted">—</span>`) },
  ];
  const lineCols = [
    { key: "day", label: t("fines.day"), render: (r) => html`<span class="nowrap">${r.day}</span>` },
    { key: "rule", label: t("fines.rule"), render: (r) => html`<span class="code" title=${r.rule}>${code("fine_rules", r.rule)}</span>${r.derived ? "" : html` <span class="chip">${t("fines.recorded")}</span>`}` },
    { key: "amount", label: t("fines.amount"), num: true, render: (r) => html`<${Money} amount=${r.amount} />` },
    { key: "people", label: t("fines.charged"), render: (r) => html`${(r.people || []).map((p) => html`<a class="mono person" href=${href("/fines", { month, person: p })}>${p}</a> `)}
      ${(r.departments || []).map((d) => html`<span class="chip">${code("departments", d)}</span> `)}`,
      csv: (r) => [...(r.people || []), ...(r.departments || [])].join(" ") },
    { key: "complaint", label: t("fines.complaint"), render: (r) => html`<${ComplaintLink} id=${r.complaint} params=${{ tab: "fines" }} />` },
    { key: "reason", label: t("fines.reason"), render: (r) => html`<span class="reason">${r.reason}</span>` },
    { key: "evidence", label: t("fines.evidence"), render: (r) => html`<${Evidence} complaint=${r.complaint} positions=${r.evidence} />`,
      csv: (r) => (r.evidence || []).join(" ") },
    { key: "waiver", label: t("fines.waiver"), render: (r) => (r.waived && r.waiver
      ? html`<div class="waiver">${t("fines.waived_by", { by: r.waiver.by })}: ${r.waiver.reason}
          ${r.waiver.event && html` <a class="mono" href=${complaintHref(r.complaint, { tab: "events", event: r.waiver.event })}>#${r.waiver.event}</a>`}</div>`
      : r.waived ? t("fines.waived") : ""),
      csv: (r) => (r.waived ? `waived${r.waiver ? `: ${r.waiver.by}: ${r.waiver.reason}` : ""}` : "") },
  ];
  const base = `fines_${month}${values.department ? `_${values.department}` : ""}${values.person ? `_${values.person}` : ""}`;

  return html`<section class="page-fines">
    <h1>${t("nav.fines")} <span class="muted">${month}</span></h1>
    <${Filters} id="fines-filters" fields=${fields} values=${values} onApply=${(v) => applyFilters("/fines", v)} />
    <${ErrorBox} error=${paged.error} />
    ${paged.loading && !report ? html`<${Loading} />` : report && html`
      <div class="totals" id="fines-totals">
        <div class="card"><div class="value">${fmtMoney(report.total)}</div><div class="label">${t("fines.month_total")}</div></div>
        <div class="card"><div class="value">${fmtMoney(report.waived)}</div><div class="label">${t("fines.month_waived")}</div></div>
        <div class="card"><div class="value">${report.line_count}</div><div class="label">${t("fines.line_count")}</div></div>
      </div>
      <div class="tallies">
        <${DataTable} tableId="fines-by-department" caption=${t("fines.by_department")} columns=${tallyCols("department")}
          rows=${report.by_department || []} csvName=${`${base}_departments.csv`} rowAttrs=${(r) => ({ "data-name": r.name })} />
        <${DataTable} tableId="fines-by-person" caption=${t("fines.by_person")} columns=${tallyCols("person")}
          rows=${report.by_person || []} csvName=${`${base}_people.csv`} rowAttrs=${(r) => ({ "data-name": r.name })} />
      </div>
      <${DataTable} tableId="fines-lines" caption=${t("fines.lines_caption")} columns=${lineCols} rows=${paged.rows}
        csvName=${`${base}_lines.csv`} rowClass=${(r) => (r.waived ? "waived" : "")}
        rowAttrs=${(r) => ({ "data-id": r.id, "data-complaint": r.complaint })} empty=${t("fines.empty")} />
      <${MoreButton} paged=${paged} total=${report.line_count} id="fines-more" />`}
  </section>`;
}
