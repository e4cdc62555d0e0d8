// The complaint list: every filter of GET /v1/complaints as a control (all in the URL), "load
// more" cursor paging that keeps its place when the reader comes back from a complaint, the next
// deadline as a badge, CSV of the rows shown.
import { html } from "../html.js";
import { code, fmtDuration, fmtTime, t } from "../i18n.js";
import { Code, ErrorBox, Loading, Time } from "../ui.js";
import {
  ClockIcon, ComplaintLink, DataTable, Filters, LEVELS, MoreButton, applyFilters, codeOptions, dayToInstant, usePaged,
  usePolicyLists,
} from "../pagekit.js";

const FILTERS = ["status", "level", "category", "department", "handler", "project", "overdue", "from", "to"];
const WARN_SECONDS = 24 * 3600;  // under a day left: amber

// The next deadline: a clock icon, the time left (or how late), coloured ok / warn / bad.
export function DueBadge({ row, now = Date.now() }) {
  if (!row.next_due) {
    if (row.overdue) return html`<span class="chip bad due" data-due="overdue"><${ClockIcon} /> ${t("complaints.overdue")}</span>`;
    return html`<span class="muted">—</span>`;
  }
  const left = (new Date(row.next_due).getTime() - now) / 1000;
  const cls = row.overdue || left < 0 ? "bad" : left < WARN_SECONDS ? "warn" : "ok";
  const text = left < 0 ? t("complaints.late_by", { d: fmtDuration(-left) }) : t("complaints.due_in", { d: fmtDuration(left) });
  return html`<span class=${`chip ${cls} due`} data-due=${cls} title=${fmtTime(row.next_due)}>
    <${ClockIcon} /> ${text}${row.overdue && left >= 0 ? ` · ${t("complaints.overdue")}` : ""}</span>`;
}

export default function ComplaintsPage({ query }) {
  const lists = usePolicyLists();
  const values = Object.fromEntries(FILTERS.map((k) => [k, query[k] || ""]));
  const params = { ...values, from: dayToInstant(values.from, false), to: dayToInstant(values.to, true) };
  const paged = usePaged({ path: "/v1/complaints", params, listKey: "complaints", pageSize: 50, maxLimit: 1000, storeKey: "complaints" });

  const fields = [
    { name: "status", label: t("complaints.status"), type: "select", options: codeOptions("statuses", ["open", "closed"]) },
    { name: "level", label: t("complaints.level"), type: "select", options: codeOptions("levels", LEVELS) },
    { name: "category", label: t("complaints.category"), type: "select", options: codeOptions("categories", withCurrent(lists.categories, values.category)) },
    { name: "department", label: t("complaints.department"), type: "select", options: codeOptions("departments", withCurrent(lists.departments, values.department)) },
    { name: "handler", label: t("complaints.handler"), type: "text", placeholder: "u-handler-…" },
    { name: "project", label: t("complaints.project"), type: "text", placeholder: "p-…" },
    { name: "overdue", label: t("complaints.overdue_filter"), type: "select", options: [
      { value: "", label: t("kit.any") }, { value: "true", label: t("common.yes") }, { value: "false", label: t("common.no") }] },
    { name: "from", label: t("complaints.from"), type: "date" },
    { name: "to", label: t("complaints.to"), type: "date" },
  ];

  const now = Date.now();
  const columns = [
    { key: "id", label: t("complaints.id"), render: (r) => html`<${ComplaintLink} id=${r.id} />` },
    { key: "subject", label: t("complaints.subject"), render: (r) => html`<span class="subject">${r.subject}</span>` },
    { key: "status", label: t("complaints.status"), render: (r) => html`<${Code} v="statuses" value=${r.status} />` },
    { key: "stage", label: t("complaints.stage"), render: (r) => html`<${Code} v="stages" value=${r.stage} />` },
    { key: "level", label: t("complaints.level"), render: (r) => html`<span class=${`chip level-${r.level}`}>${code("levels", r.level)}</span>` },
    { key: "category", label: t("complaints.category"), render: (r) => r.category ? html`<${Code} v="categories" value=${r.category} />` : html`<span class="muted">—</span>` },
    { key: "department", label: t("complaints.department"), render: (r) => r.department ? html`<${Code} v="departments" value=${r.department} />` : html`<span class="muted">—</span>` },
    { key: "handler", label: t("complaints.handler"), render: (r) => r.handler ? html`<span class="mono">${r.handler}</span>` : html`<span class="muted">—</span>` },
    { key: "received_at", label: t("complaints.received"), render: (r) => html`<${Time} at=${r.received_at} />` },
    { key: "next_due", label: t("complaints.next_due"), render: (r) => html`<${DueBadge} row=${r} now=${now} />`,
      csv: (r) => r.next_due || (r.overdue ? "overdue" : "") },
  ];

  return html`<section class="page-complaints">
    <h1>${t("nav.complaints")}</h1>
    <${Filters} id="complaint-filters" fields=${fields} values=${values}
      onApply=${(v) => applyFilters("/complaints", v)} />
    <${ErrorBox} error=${paged.error} />
    ${paged.loading && paged.rows.length === 0 ? html`<${Loading} />` : !paged.error || paged.rows.length ? html`
      <${DataTable} tableId="complaints-table" caption=${t("complaints.caption")} columns=${columns} rows=${paged.rows}
        csvName=${`complaints${suffix(values)}.csv`} empty=${t("complaints.empty")} rowAttrs=${(r) => ({ "data-id": r.id })}
        rowClass=${(r) => `complaint-row${r.overdue ? " overdue" : ""}`} />
      <${MoreButton} paged=${paged} id="complaints-more" />` : null}
  </section>`;
}

// A filter's value stays selectable even if the policy's list lacks it (an old code).
function withCurrent(list, v) {
  return v && !list.includes(v) ? [...list, v] : list;
}

function suffix(values) {
  const s = Object.entries(values).filter(([, v]) => v).map(([k, v]) => `${k}-${v}`).join("_");
  return s ? `_${s.replace(/[^\w.-]+/g, "-")}` : "";
}
