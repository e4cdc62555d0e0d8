// The dashboard of a month: KPI cards from /v1/metrics, the month's fines and findings, open
// complaints by level and the alert queue now; charts (on-time % by clock and project, fines by
// department stacked by rule, project ranking), each with its numbers in a table. Every card
// links to the list or report it summarises.
import { html } from "../html.js";
import { get } from "../api.js";
import { code, fmtMoney, fmtNumber, t } from "../i18n.js";
import { href, navigate } from "../router.js";
import { ErrorBox, Loading, thisMonth, useData } from "../ui.js";
import { PlotChart, rateNumber, sumMoney } from "../charts.js";
import { CLOCKS, DataTable, LEVELS, dayToInstant, monthDays } from "../pagekit.js";

const pct = (s) => (s === null || s === undefined ? "—" : `${fmtNumber(Number(s), 1)}%`);
const hours = (h) => (h === null || h === undefined ? "—" : t("dashboard.hours", { n: fmtNumber(h, 1) }));

// Colours of categorical series (Tableau 10), and a legend drawn here: Plot's own legend brings
// a <style> element the CSP does not allow.
const PALETTE = ["#4e79a7", "#f28e2c", "#e15759", "#76b7b2", "#59a14f", "#edc949", "#af7aa1", "#ff9da7", "#9c755f", "#bab0ab"];

function Legend({ labels }) {
  return html`<ul class="legend" aria-hidden="true">${labels.map((l, i) => html`<li>
    <svg width="12" height="12" viewBox="0 0 12 12"><rect width="12" height="12" fill=${PALETTE[i % PALETTE.length]} /></svg> ${l}</li>`)}</ul>`;
}

function Card({ id, value, label, to, tone }) {
  return html`<a class=${`card kpi${tone ? ` ${tone}` : ""}`} id=${id} href=${to}>
    <div class="value">${value}</div><div class="label">${label}</div></a>`;
}

export default function DashboardPage({ query }) {
  const month = /^\d{4}-\d{2}$/.test(query.month || "") ? query.month : thisMonth();
  const [first, last] = monthDays(month);
  const from = dayToInstant(first, false);
  const to = dayToInstant(last, true);

  const metrics = useData(() => get("/v1/metrics", { month }), [month]);
  // The other sources are asked once the metrics answered: a role refused the reports (403)
  // makes one refused request, not five.
  const ok = !!metrics.data;
  const after = (f) => () => (ok ? f() : Promise.resolve(null));
  const fines = useData(after(() => get("/v1/fines", { month, limit: 10000 })), [month, ok]);
  const findings = useData(after(() => get("/v1/findings", { from, to, limit: 5000 })), [month, ok]);
  const open = useData(after(() => get("/v1/complaints", { status: "open", limit: 1000 })), [ok]);
  const alerts = useData(after(() => get("/v1/alerts", { limit: 1000 })), [ok]);

  const picker = html`<div class="filters month-filter">
    <div class="field"><label for="dash-month">${t("common.month")}</label>
      <input id="dash-month" type="month" value=${month} min="2020-01"
        onChange=${(e) => e.target.value && navigate("/", { month: e.target.value })} /></div>
  </div>`;

  // A role that may read no report (admin) gets one refusal, not five.
  if (metrics.error && metrics.error.status === 403) {
    return html`<h1>${t("nav.dashboard")}</h1>${picker}<${ErrorBox} error=${metrics.error} />`;
  }

  return html`<section class="page-dashboard">
    <h1>${t("nav.dashboard")} <span class="muted">${month}</span></h1>
    ${picker}
    <${ErrorBox} error=${metrics.error} />
    ${metrics.loading ? html`<${Loading} />` : metrics.data && html`<${Kpis} m=${metrics.data.total} month=${month} first=${first} last=${last} />`}
    <div class="cards" id="dash-cards-more">
      ${fines.data && html`<${Card} id="kpi-fines" value=${fmtMoney(fines.data.total)}
        label=${t("dashboard.fines_total", { waived: fmtMoney(fines.data.waived) })} to=${href("/fines", { month })} />`}
      ${findings.data && html`<${Card} id="kpi-findings" value=${fmtNumber(findings.data.count ?? findings.data.findings.length)}
        label=${t("dashboard.findings")} to=${href("/findings", { from: first, to: last })} tone=${(findings.data.count || 0) > 0 ? "warn" : ""} />`}
      ${alerts.data && html`<${Card} id="kpi-due-soon" value=${fmtNumber(alerts.data.alerts.filter((a) => a.state === "due_soon").length)}
        label=${t("dashboard.due_soon")} to=${href("/alerts", { state: "due_soon" })} tone="warn" />
        <${Card} id="kpi-missed" value=${fmtNumber(alerts.data.alerts.filter((a) => a.state === "missed").length)}
        label=${t("dashboard.missed")} to=${href("/alerts", { state: "missed" })} tone="bad" />`}
    </div>
    ${[fines, findings, alerts, open].map((d) => d.error && d.error.status !== 403 && html`<${ErrorBox} error=${d.error} />`)}
    ${open.data && html`<${OpenByLevel} rows=${open.data.complaints} />`}
    ${metrics.data && html`<${OnTime} m=${metrics.data} />`}
    ${fines.data && html`<${FinesChart} data=${fines.data} month=${month} />`}
    ${metrics.data && html`<${Ranking} m=${metrics.data} month=${month} />`}
  </section>`;
}

function Kpis({ m, month, first, last }) {
  if (!m) return null;
  const list = href("/complaints", { from: first, to: last });
  return html`<h2>${t("dashboard.kpis", { month })}</h2>
  <div class="cards" id="dash-kpis">
    <${Card} id="kpi-received" value=${fmtNumber(m.received)} label=${t("dashboard.received")} to=${list} />
    <${Card} id="kpi-closure" value=${pct(m.closure_rate)} label=${t("dashboard.closure_rate", { closed: m.closed, received: m.received })}
      to=${href("/complaints", { from: first, to: last, status: "closed" })} />
    <${Card} id="kpi-first-response" value=${hours(m.mean_hours_to_first_response)} label=${t("dashboard.mean_first_response")} to=${list} />
    <${Card} id="kpi-closure-time" value=${hours(m.mean_hours_to_closure)} label=${t("dashboard.mean_closure")} to=${list} />
    <${Card} id="kpi-survey" value=${m.survey && m.survey.mean !== null ? fmtNumber(m.survey.mean, 2) : "—"}
      label=${t("dashboard.survey_mean", { n: (m.survey && m.survey.count) || 0 })} to=${href("/rewards", { month })} />
    ${CLOCKS.map((c) => {
      const o = (m.on_time || {})[c];
      if (!o || (o.met === 0 && o.missed === 0)) return null;
      return html`<${Card} id=${`kpi-on-time-${c}`} value=${pct(o.rate)}
        label=${t("dashboard.on_time_clock", { clock: code("clocks", c), met: o.met, n: o.met + o.missed })}
        to=${list} tone=${rateNumber(o.rate) < 80 ? "bad" : rateNumber(o.rate) < 95 ? "warn" : "ok"} />`;
    })}
  </div>`;
}

function OpenByLevel({ rows }) {
  const counts = Object.fromEntries(LEVELS.map((l) => [l, 0]));
  for (const r of rows) counts[r.level] = (counts[r.level] || 0) + 1;
  return html`<h2>${t("dashboard.open_now")}</h2>
  <div class="cards" id="dash-open">
    <${Card} id="kpi-open-all" value=${fmtNumber(rows.length)} label=${t("dashboard.open_all")} to=${href("/complaints", { status: "open" })} />
    ${LEVELS.map((l) => html`<${Card} id=${`kpi-open-${l}`} value=${fmtNumber(counts[l])}
      label=${code("levels", l)} to=${href("/complaints", { status: "open", level: l })}
      tone=${counts[l] > 0 && (l === "major" || l === "crisis") ? "bad" : ""} />`)}
    <${Card} id="kpi-open-overdue" value=${fmtNumber(rows.filter((r) => r.overdue).length)} label=${t("dashboard.overdue_now")}
      to=${href("/complaints", { status: "open", overdue: "true" })} tone="bad" />
  </div>`;
}

// On-time % per clock (the month's total) and per project × clock (a heat map).
function OnTime({ m }) {
  const clocks = CLOCKS.filter((c) => m.total && m.total.on_time[c] && (m.total.on_time[c].met + m.total.on_time[c].missed) > 0);
  const total = clocks.map((c) => ({ ...m.total.on_time[c], clock: code("clocks", c), rate: rateNumber(m.total.on_time[c].rate) }));
  const cells = [];
  for (const p of m.projects) {
    for (const c of clocks) {
      const o = p.on_time[c];
      if (o && o.rate !== null) cells.push({ project: p.project, clock: code("clocks", c), rate: rateNumber(o.rate), met: o.met, missed: o.missed });
    }
  }
  if (total.length === 0) return html`<h2>${t("dashboard.on_time")}</h2><p class="muted">${t("common.none")}</p>`;
  return html`<h2>${t("dashboard.on_time")}</h2>
  <div class="grid2">
    <div>
      <${PlotChart} id="chart-on-time" label=${t("dashboard.on_time_chart")} deps=${[JSON.stringify(total)]}
        options=${(Plot) => ({
          width: 520, height: 240, marginLeft: 110, x: { domain: [0, 100], label: t("dashboard.on_time_pct"), grid: true },
          y: { label: null },
          marks: [
            Plot.barX(total, { y: "clock", x: "rate", fill: "#1f5fbf", sort: { y: "x", reverse: true } }),
            Plot.text(total, { y: "clock", x: "rate", text: (d) => `${d.rate.toFixed(1)}%`, dx: -4, textAnchor: "end", fill: "white" }),
            Plot.ruleX([0]),
          ],
        })} />
      <${DataTable} tableId="table-on-time" caption=${t("dashboard.on_time_table")} rows=${total} columns=${[
        { key: "clock", label: t("dashboard.clock") },
        { key: "met", label: t("dashboard.met"), num: true },
        { key: "missed", label: t("dashboard.missed_n"), num: true },
        { key: "rate", label: t("dashboard.on_time_pct"), num: true, render: (r) => pct(r.rate) },
      ]} />
    </div>
    <div>
      <${PlotChart} id="chart-on-time-project" label=${t("dashboard.on_time_project_chart")} deps=${[JSON.stringify(cells)]}
        options=${(Plot) => ({
          width: 520, height: 240, marginLeft: 90, marginBottom: 50, padding: 0.05,
          x: { label: null, tickRotate: -20 }, y: { label: null },
          color: { type: "linear", domain: [0, 100], range: ["#b3261e", "#f2c14e", "#1e7b34"], legend: false },
          marks: [
            Plot.cell(cells, { x: "clock", y: "project", fill: "rate" }),
            Plot.text(cells, { x: "clock", y: "project", text: (d) => `${Math.round(d.rate)}%`, fill: "white" }),
          ],
        })} />
      <${DataTable} tableId="table-on-time-project" caption=${t("dashboard.on_time_project_table")} rows=${m.projects}
        columns=${[
          { key: "project", label: t("dashboard.project"), render: (p) => html`<a href=${href("/complaints", { project: p.project })}>${p.project}</a>` },
          ...clocks.map((c) => ({
            key: c, label: code("clocks", c), num: true,
            render: (p) => (p.on_time[c] && p.on_time[c].rate !== null
              ? html`${pct(p.on_time[c].rate)} <span class="muted">(${p.on_time[c].met}/${p.on_time[c].met + p.on_time[c].missed})</span>` : "—"),
            csv: (p) => (p.on_time[c] ? p.on_time[c].rate : ""),
          })),
        ]} />
    </div>
  </div>`;
}

// Fines of the month by department, stacked by rule (waived lines left out: they are not due).
function FinesChart({ data, month }) {
  const groups = new Map();
  for (const line of data.lines || []) {
    if (line.waived) continue;
    for (const d of line.departments || []) {
      const k = `${d}|${line.rule}`;
      if (!groups.has(k)) groups.set(k, { department: d, rule: line.rule, amounts: [], lines: 0 });
      const g = groups.get(k);
      g.amounts.push(line.amount);
      g.lines += 1;
    }
  }
  const rows = [...groups.values()].map((g) => {
    const amount = sumMoney(g.amounts);
    return { department: g.department, rule: g.rule, amount, lines: g.lines, dep: code("departments", g.department), ruleLabel: code("fine_rules", g.rule), value: Number(amount) };
  }).sort((a, b) => a.department.localeCompare(b.department) || a.rule.localeCompare(b.rule));
  const ruleLabels = [...new Set(rows.map((r) => r.ruleLabel))];
  return html`<h2>${t("dashboard.fines_chart_title")}</h2>
  ${rows.length === 0 ? html`<p class="muted">${t("common.none")}</p>` : html`<div class="grid2">
    <div><${Legend} labels=${ruleLabels} /><${PlotChart} id="chart-fines" label=${t("dashboard.fines_chart")} deps=${[JSON.stringify(rows)]}
      options=${(Plot) => ({
        width: 520, height: 300, marginLeft: 70, marginBottom: 70,
        x: { label: null, tickRotate: -20 }, y: { label: t("dashboard.amount_cny"), grid: true },
        color: { domain: ruleLabels, range: PALETTE },
        marks: [
          Plot.barY(rows, { x: "dep", y: "value", fill: "ruleLabel", sort: { x: "y", reverse: true } }),
          Plot.ruleY([0]),
        ],
      })} /></div>
    <${DataTable} tableId="table-fines-chart" caption=${t("dashboard.fines_table")} rows=${rows} csvName=${`fines-by-department-rule_${month}.csv`} columns=${[
      { key: "department", label: t("dashboard.department"), render: (r) => html`<a href=${href("/fines", { month, department: r.department })}>${r.dep}</a>` },
      { key: "rule", label: t("dashboard.rule"), render: (r) => r.ruleLabel },
      { key: "lines", label: t("dashboard.lines"), num: true },
      { key: "amount", label: t("dashboard.amount"), num: true, render: (r) => fmtMoney(r.amount) },
    ]} />
  </div>`}`;
}

// Projects ranked (1 = best) on closure rate, efficiency and satisfaction.
function Ranking({ m, month }) {
  const rows = m.projects.map((p) => ({
    project: p.project, received: p.received, closure_rate: p.closure_rate, survey: p.survey ? p.survey.mean : null,
    r_closure: p.rank ? p.rank.closure_rate : null, r_eff: p.rank ? p.rank.efficiency : null, r_sat: p.rank ? p.rank.satisfaction : null,
  }));
  const long = [];
  for (const r of rows) {
    for (const [k, v] of [["closure", r.r_closure], ["efficiency", r.r_eff], ["satisfaction", r.r_sat]]) {
      if (v !== null) long.push({ project: r.project, measure: t(`dashboard.rank_${k}`), rank: v });
    }
  }
  return html`<h2>${t("dashboard.ranking")}</h2>
  ${rows.length === 0 ? html`<p class="muted">${t("common.none")}</p>` : html`<div class="stack">
    <${PlotChart} id="chart-ranking" label=${t("dashboard.ranking_chart")} deps=${[JSON.stringify(long)]}
      options=${(Plot) => ({
        width: 520, height: 240, marginLeft: 90, marginBottom: 40, padding: 0.05,
        x: { label: null }, y: { label: null },
        color: { type: "linear", domain: [1, Math.max(...long.map((d) => d.rank), 2)], range: ["#1e7b34", "#d8dde6"] },
        marks: [
          Plot.cell(long, { x: "measure", y: "project", fill: "rank" }),
          Plot.text(long, { x: "measure", y: "project", text: (d) => `#${d.rank}`, fill: "#1d2330" }),
        ],
      })} />
    <${DataTable} tableId="table-ranking" caption=${t("dashboard.ranking_table")} rows=${rows} csvName=${`projects_${month}.csv`} columns=${[
      { key: "project", label: t("dashboard.project"), render: (r) => html`<a href=${href("/complaints", { project: r.project })}>${r.project}</a>` },
      { key: "received", label: t("dashboard.received"), num: true },
      { key: "closure_rate", label: t("dashboard.closure"), num: true, render: (r) => pct(r.closure_rate) },
      { key: "survey", label: t("dashboard.survey"), num: true, render: (r) => (r.survey === null ? "—" : fmtNumber(r.survey, 2)) },
      { key: "r_closure", label: t("dashboard.rank_closure"), num: true },
      { key: "r_eff", label: t("dashboard.rank_efficiency"), num: true },
      { key: "r_sat", label: t("dashboard.rank_satisfaction"), num: true },
    ]} />
  </div>`}`;
}
