// Small shared pieces of the pages: loading and error states, code labels, times, money, a table
// with a CSV download of the rows it shows, a data hook.
import { html, useEffect, useState, useContext, createContext } from "./html.js";
import { code, fmtMoney, fmtTime, t, timeZone } from "./i18n.js";
import { ApiError } from "./api.js";

// Who is signed in: the answer of GET /v1/me ({actor, role, department, actions, personal_data,
// policy_version, time_zone}).
export const Me = createContext(null);
export const useMe = () => useContext(Me);

// Runs `load()` (an async function) whenever one of `deps` changes: {data, error, loading, reload}.
export function useData(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }));
    return () => { live = false; };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

export function Loading() {
  return html`<p class="muted" role="status">${t("common.loading")}</p>`;
}

// A refused or failed request, with the server's problem details.
export function ErrorBox({ error }) {
  if (!error) return null;
  const p = error instanceof ApiError ? error.problem : {};
  return html`<div class="error" role="alert">
    <strong>${error instanceof ApiError ? `${error.status} ${p.title || ""}` : t("common.failed")}</strong>
    <div>${error.message}</div>
    ${(p.errors || []).length > 0 && html`<ul>${p.errors.map((e) => html`<li><code>${e.field}</code> ${e.message}</li>`)}</ul>`}
  </div>`;
}

export function Code({ v, value }) {
  return html`<span class="code" title=${value}>${code(v, value)}</span>`;
}

export function Time({ at, kind }) {
  if (!at) return html`<span class="muted">—</span>`;
  return html`<time datetime=${at}>${fmtTime(at, kind)}</time>`;
}

export function Money({ amount }) {
  return html`<span class="money">${fmtMoney(amount)}</span>`;
}

// The mark shown where the server withheld personal data from this caller.
export function Redacted() {
  return html`<span class="chip redacted" title=${t("common.redacted_help")}>${t("common.redacted")}</span>`;
}

// A text that may be "[redacted]" (withheld from this role), "[erased]" (its subject's key is
// gone), "[restricted]" (kept, but not for this role) or "[sealed]" (no key at hand):
// docs/privacy.md.
export function Pii({ value }) {
  if (value === "[redacted]") return html`<${Redacted} />`;
  if (value === "[erased]")
    return html`<span class="chip erased" title=${t("common.erased_help")}>${t("common.erased")}</span>`;
  if (value === "[restricted]")
    return html`<span class="chip redacted" title=${t("common.restricted_help")}>${t("common.restricted")}</span>`;
  if (value === "[sealed]")
    return html`<span class="chip redacted" title=${t("common.sealed_help")}>${t("common.sealed")}</span>`;
  return html`<span>${value}</span>`;
}

// Cells that a spreadsheet would run as a formula get a leading quote.
function csvCell(v) {
  let s = v === null || v === undefined ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function downloadCsv(filename, header, rows) {
  const text = [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n");
  const blob = new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 0);
}

// A titled table: columns [{key, label, render(row), csv(row), num}]; a CSV button downloads the
// rows shown (the values as the API gave them). `rowAttrs(row)`: attributes of each <tr> (data-id
// for tests and for finding a row again); `tableId`: the table's id.
export function Table({ caption, columns, rows, csvName, empty, rowClass, rowAttrs, tableId }) {
  return html`<div class="table-wrap">
    <table id=${tableId}>
      ${caption && html`<caption>${caption}
        ${csvName && html` <button type="button" class="small csv" onClick=${() => downloadCsv(csvName,
          columns.map((c) => c.label), rows.map((r) => columns.map((c) => (c.csv ? c.csv(r) : r[c.key]))))}>${t("common.csv")}</button>`}
      </caption>`}
      <thead><tr>${columns.map((c) => html`<th scope="col" class=${c.num ? "num" : ""}>${c.label}</th>`)}</tr></thead>
      <tbody>
        ${rows.length === 0 && html`<tr><td colspan=${columns.length} class="muted empty">${empty || t("common.none")}</td></tr>`}
        ${rows.map((r, i) => html`<tr class=${rowClass ? rowClass(r) : ""} key=${i} ...${rowAttrs ? rowAttrs(r) : {}}>${columns.map((c) => html`<td class=${c.num ? "num" : ""}>${c.render ? c.render(r) : r[c.key]}</td>`)}</tr>`)}
      </tbody>
    </table>
  </div>`;
}

// The current month in the policy's zone ("2026-12").
export function thisMonth() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timeZone(), year: "numeric", month: "2-digit" })
    .format(new Date()).slice(0, 7);
}
