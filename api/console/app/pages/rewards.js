// Rewards of a month: each department's surveys, customer score, platform rating, composite score
// and reward, with the complaints counted and the rating's event. CSV of the table.
import { html } from "../html.js";
import { get } from "../api.js";
import { code, fmtNumber, t } from "../i18n.js";
import { href } from "../router.js";
import { ErrorBox, Loading, Money, thisMonth, useData } from "../ui.js";
import { ComplaintLink, DataTable, Filters, applyFilters } from "../pagekit.js";

const score = (s) => (s === null || s === undefined ? html`<span class="muted">—</span>` : fmtNumber(Number(s), 2));

export default function RewardsPage({ query }) {
  const month = /^\d{4}-\d{2}$/.test(query.month || "") ? query.month : thisMonth();
  const data = useData(() => get("/v1/rewards", { month }), [month]);
  const columns = [
    { key: "department", label: t("rewards.department"), render: (r) => html`<a href=${href("/fines", { month, department: r.department })}
        title=${t("rewards.fines_of")}>${code("departments", r.department)}</a>` },
    { key: "surveys", label: t("rewards.surveys"), num: true },
    { key: "customer_score", label: t("rewards.customer_score"), num: true, render: (r) => score(r.customer_score) },
    { key: "platform_rating", label: t("rewards.platform_rating"), num: true, render: (r) => score(r.platform_rating) },
    { key: "composite", label: t("rewards.composite"), num: true, render: (r) => score(r.composite) },
    { key: "reward", label: t("rewards.reward"), num: true, render: (r) => html`<${Money} amount=${r.reward} />` },
    { key: "complaints", label: t("rewards.complaints"), render: (r) => (r.complaints && r.complaints.length
      ? html`<span class="id-list">${r.complaints.map((id) => html`<${ComplaintLink} id=${id} /> `)}</span>`
      : html`<span class="muted">—</span>`), csv: (r) => (r.complaints || []).join(" ") },
    { key: "rating_event", label: t("rewards.rating_event"), render: (r) => (r.rating_event
      ? html`<a class="mono" href=${href("/events", { from: r.rating_event })}>#${r.rating_event}</a>` : html`<span class="muted">—</span>`) },
  ];
  return html`<section class="page-rewards">
    <h1>${t("nav.rewards")} <span class="muted">${month}</span></h1>
    <${Filters} id="rewards-filters" fields=${[{ name: "month", label: t("common.month"), type: "month" }]}
      values=${{ month }} onApply=${(v) => applyFilters("/rewards", v)} />
    <p class="explain">${t("rewards.explain")}</p>
    <${ErrorBox} error=${data.error} />
    ${data.loading ? html`<${Loading} />` : data.data && html`<${DataTable} tableId="rewards-table"
      caption=${t("rewards.caption", { month })} columns=${columns} rows=${data.data.departments || []}
      csvName=${`rewards_${month}.csv`} rowAttrs=${(r) => ({ "data-id": r.department })} />`}
  </section>`;
}
