// Policy versions, read-only: the list (version, name, sha256, published at and by) and the
// differences between two versions' documents (?a=&b=), path by path, old → new. Publishing
// stays in the CLI.
import { html } from "../html.js";
import { get } from "../api.js";
import { t } from "../i18n.js";
import { href, navigate } from "../router.js";
import { ErrorBox, Loading, Time, useData } from "../ui.js";
import { DataTable } from "../pagekit.js";

// The differences of two JSON values: [{path, kind: "changed"|"added"|"removed", old, new}].
// Objects are compared key by key, arrays index by index; anything else by value.
export function diffJson(a, b, path = "", out = []) {
  const isObj = (v) => v !== null && typeof v === "object";
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a)
      ? [...Array(Math.max(a.length, b.length)).keys()]
      : [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const p = Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : String(k);
      const inA = Array.isArray(a) ? k < a.length : Object.prototype.hasOwnProperty.call(a, k);
      const inB = Array.isArray(b) ? k < b.length : Object.prototype.hasOwnProperty.call(b, k);
      if (!inA) out.push({ path: p, kind: "added", old: undefined, new: b[k] });
      else if (!inB) out.push({ path: p, kind: "removed", old: a[k], new: undefined });
      else diffJson(a[k], b[k], p, out);
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push({ path: path || "(document)", kind: "changed", old: a, new: b });
  }
  return out;
}

const show = (v) => (v === undefined ? "" : JSON.stringify(v));

async function documentOf(version) {
  const d = await get("/v1/policies", { version });
  const p = (d.policies || []).find((x) => String(x.version) === String(version)) || (d.policies || [])[0];
  if (!p) return null;
  return typeof p.document === "string" ? JSON.parse(p.document) : p.document;
}

export default function PoliciesPage({ query }) {
  const list = useData(() => get("/v1/policies"), []);
  const versions = list.data ? list.data.policies.map((p) => p.version) : [];
  const current = list.data ? list.data.current : null;
  const b = query.b || (current !== null ? String(current) : "");
  const a = query.a || (current !== null ? String(Math.max(1, current - 1)) : "");
  const diff = useData(async () => {
    if (!a || !b) return null;
    const [da, db] = await Promise.all([documentOf(a), documentOf(b)]);
    return diffJson(da, db);
  }, [a, b]);

  const columns = [
    { key: "version", label: t("policies.version"), num: true, render: (p) => html`${p.version}${p.version === current ? html` <span class="chip ok">${t("policies.current")}</span>` : ""}` },
    { key: "name", label: t("policies.name") },
    { key: "sha256", label: t("policies.sha256"), render: (p) => html`<code title=${p.sha256}>${(p.sha256 || "").slice(0, 12)}</code>` },
    { key: "published_at", label: t("policies.published_at"), render: (p) => html`<${Time} at=${p.published_at} />` },
    { key: "published_by", label: t("policies.published_by"), render: (p) => html`<span class="mono">${p.published_by}</span>` },
    { key: "event", label: t("policies.event"), render: (p) => html`<a class="mono" href=${href("/events", { from: p.event })}>#${p.event}</a>` },
  ];
  const pick = (id, label, value, other) => html`<div class="field"><label for=${id}>${label}</label>
    <select id=${id} value=${value} onChange=${(e) => navigate("/policies", other(e.target.value))}>
      ${versions.map((v) => html`<option value=${String(v)} selected=${String(v) === value}>${v}</option>`)}
    </select></div>`;

  return html`<section class="page-policies">
    <h1>${t("nav.policies")}</h1>
    <p class="explain">${t("policies.explain")}</p>
    <${ErrorBox} error=${list.error} />
    ${list.loading ? html`<${Loading} />` : list.data && html`
      <${DataTable} tableId="policies-table" caption=${t("policies.caption")} columns=${columns} rows=${list.data.policies}
        csvName="policies.csv" rowAttrs=${(p) => ({ "data-id": p.version })} />
      <h2>${t("policies.diff")}</h2>
      <form class="filters" id="policies-diff" aria-label=${t("policies.diff")} onSubmit=${(e) => e.preventDefault()}>
        ${pick("policy-a", t("policies.a"), a, (v) => ({ a: v, b }))}
        ${pick("policy-b", t("policies.b"), b, (v) => ({ a, b: v }))}
      </form>
      <${ErrorBox} error=${diff.error} />
      ${diff.loading ? html`<${Loading} />` : diff.data && (diff.data.length === 0
        ? html`<p class="muted" id="policies-same">${t("policies.same", { a, b })}</p>`
        : html`<div class="diff-list"><${DataTable} tableId="policies-diff-table" caption=${t("policies.diff_caption", { a, b, n: diff.data.length })}
            csvName=${`policy_${a}_vs_${b}.csv`} rows=${diff.data} rowAttrs=${(d) => ({ "data-path": d.path, "data-kind": d.kind })}
            columns=${[
              { key: "path", label: t("policies.path"), render: (d) => html`<code>${d.path}</code>` },
              { key: "kind", label: t("policies.kind"), render: (d) => t(`policies.kind.${d.kind}`) },
              { key: "old", label: t("policies.old", { v: a }), render: (d) => html`<span class="diff-old">${show(d.old)}</span>`, csv: (d) => show(d.old) },
              { key: "new", label: t("policies.new", { v: b }), render: (d) => html`<span class="diff-new">${show(d.new)}</span>`, csv: (d) => show(d.new) },
            ]} /></div>`)}`}
  </section>`;
}
