// Data protection, #/privacy?subject=&complaint=&actor=: what a data-protection officer needs to
// answer a data subject (docs/privacy.md, "Answering a subject's requests"). Find the subject by
// phone (the phone goes in a POST body, never in the URL or the history), open its subject access
// request (its record: legal hold, restriction, erasure; its complaints; every recorded read of
// its data), or browse the record of reads by complaint or actor. The actions themselves (legal
// holds, erasure, sealing data recorded in the clear) are on the Actions page.
import { html, useState } from "../html.js";
import * as api from "../api.js";
import { code, t } from "../i18n.js";
import { href, navigate } from "../router.js";
import { ErrorBox, Loading, Pii, Time, useData } from "../ui.js";
import { ComplaintLink, DataTable, Filters, applyFilters } from "../pagekit.js";

function Lookup() {
  const [phone, setPhone] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [none, setNone] = useState(false);
  async function submit(e) {
    e.preventDefault();
    if (busy || phone.trim() === "") return;
    setBusy(true);
    setError(null);
    setNone(false);
    try {
      const r = await api.post("/v1/privacy/lookup", { phone: phone.trim() });
      setPhone("");
      navigate("/privacy", { subject: r.subject });
    } catch (err) {
      if (err instanceof api.ApiError && err.status === 404) setNone(true);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<form class="filters" role="search" data-testid="privacy-lookup" onSubmit=${submit}>
    <div class="field">
      <label for="privacy-phone">${t("privacy.lookup.phone")}</label>
      <input id="privacy-phone" name="phone" type="tel" autocomplete="off" value=${phone}
        aria-describedby="privacy-phone-hint" onInput=${(e) => setPhone(e.target.value)} />
      <span class="hint" id="privacy-phone-hint">${t("privacy.lookup.hint")}</span>
    </div>
    <button type="submit" disabled=${busy}>${busy ? t("common.loading") : t("privacy.lookup.find")}</button>
    ${none && html`<p class="notice" role="status" data-testid="privacy-none">${t("privacy.lookup.none")}</p>`}
    <${ErrorBox} error=${error} />
  </form>`;
}

const yesNo = (v) => (v ? t("privacy.yes") : t("privacy.no"));

function Position({ at }) {
  return at ? html`<span class="mono">#${at}</span>` : html`<span class="muted">—</span>`;
}

// The subject's record in stream "privacy".
function Record({ r }) {
  return html`<dl class="facts" data-testid="privacy-record">
    <dt>${t("privacy.record.legal_hold")}</dt>
    <dd>${yesNo(r.legal_hold)}${r.legal_hold && html`${" · "}${r.hold_reason}${" · "}<${Position} at=${r.hold_position} />`}</dd>
    <dt>${t("privacy.record.restricted")}</dt>
    <dd>${yesNo(r.restricted)}${r.restricted && html`${" · "}${(r.grounds || []).map((g) => t(`privacy.grounds.${g}`)).join(", ")}${" · "}${t("privacy.record.until")} <${Time} at=${r.restricted_until} />${" · "}${t("privacy.record.visible_to")} ${(r.visible_to || []).map((v) => code("roles", v)).join(", ")}${" · "}<${Position} at=${r.restricted_position} />`}</dd>
    <dt>${t("privacy.record.erased")}</dt>
    <dd>${yesNo(r.erased)}${r.erased && html`${" · "}<${Time} at=${r.erased_at} />${" · "}<${Position} at=${r.erased_position} />`}</dd>
    <dt>${t("privacy.record.requested")}</dt><dd><${Position} at=${r.erasure_requested_position} /></dd>
  </dl>`;
}

function readColumns() {
  return [
    { key: "seq", label: t("privacy.reads.seq"), num: true, render: (r) => html`<span class="mono">${r.seq}</span>` },
    { key: "at", label: t("privacy.reads.at"), render: (r) => html`<${Time} at=${r.at} />` },
    { key: "actor", label: t("privacy.reads.actor"), render: (r) => html`<a class="mono" href=${href("/privacy", { actor: r.actor.id })}>${r.actor.id}</a>`,
      csv: (r) => r.actor.id },
    { key: "role", label: t("privacy.reads.role"), render: (r) => code("roles", r.actor.role), csv: (r) => r.actor.role },
    { key: "route", label: t("privacy.reads.route"), render: (r) => html`<code>${r.route}</code>` },
    { key: "complaint", label: t("privacy.reads.complaint"), render: (r) => html`<${ComplaintLink} id=${r.complaint} />` },
    { key: "subject", label: t("privacy.reads.subject"), render: (r) => (r.subject
      ? html`<a class="mono" href=${href("/privacy", { subject: r.subject })}>${r.subject}</a>`
      : html`<span class="muted" title=${t("privacy.reads.clear_help")}>${t("privacy.reads.clear")}</span>`),
    csv: (r) => r.subject || "" },
  ];
}

// A subject access request: the record, the complaints, every read.
function SubjectAccess({ subject }) {
  const d = useData(() => api.get(`/v1/privacy/subjects/${encodeURIComponent(subject)}`), [subject]);
  if (d.loading && !d.data) return html`<${Loading} />`;
  if (d.error) return html`<${ErrorBox} error=${d.error} />`;
  const s = d.data;
  const complaints = [
    { key: "id", label: t("privacy.complaints.id"), render: (c) => html`<${ComplaintLink} id=${c.id} />` },
    { key: "stage", label: t("privacy.complaints.stage"), render: (c) => code("stages", c.stage) },
    { key: "received_at", label: t("privacy.complaints.received"), render: (c) => html`<${Time} at=${c.received_at} />` },
    { key: "closed_at", label: t("privacy.complaints.closed"), render: (c) => html`<${Time} at=${c.closed_at} />` },
    { key: "name", label: t("privacy.complaints.name"), render: (c) => html`<${Pii} value=${c.complainant.name} />`, csv: (c) => c.complainant.name },
    { key: "phone", label: t("privacy.complaints.phone"), render: (c) => html`<${Pii} value=${c.complainant.phone} />`, csv: (c) => c.complainant.phone },
    { key: "unit", label: t("privacy.complaints.unit"), render: (c) => html`<${Pii} value=${c.complainant.unit} />`, csv: (c) => c.complainant.unit },
    { key: "personal_data", label: t("privacy.complaints.state"), render: (c) => html`<span class="chip">${t(`privacy.state.${c.complainant.personal_data}`)}</span>`,
      csv: (c) => c.complainant.personal_data },
  ];
  return html`<div data-testid="privacy-subject">
    <h2>${t("privacy.subject.title")} <span class="mono">${s.subject}</span></h2>
    <p class="muted">${t("privacy.subject.help")}</p>
    <${Record} r=${s.record} />
    <${DataTable} tableId="privacy-complaints" caption=${t("privacy.complaints.caption")} columns=${complaints} rows=${s.complaints}
      csvName=${`subject_${s.subject}_complaints.csv`} rowAttrs=${(c) => ({ "data-id": c.id })} empty=${t("privacy.complaints.empty")} />
    <${DataTable} tableId="privacy-subject-reads" caption=${t("privacy.reads.caption_subject")} columns=${readColumns()} rows=${s.reads}
      csvName=${`subject_${s.subject}_reads.csv`} empty=${t("privacy.reads.empty")} />
    ${!s.reads_complete && html`<p class="notice">${t("privacy.reads.more_in_record")}
      <a href=${href("/privacy", { reads_subject: s.subject })}>${t("privacy.reads.open_record")}</a></p>`}
  </div>`;
}

// The record of reads, filtered, in pages of 200 ("after" is the cursor).
function Reads({ filter }) {
  // The pages loaded after the first, for the filter `key` they were loaded for.
  const [pages, setPages] = useState({ key: "", rows: [], next: null, more: false, loading: false, error: null });
  const key = JSON.stringify(filter);
  const first = useData(() => api.get("/v1/privacy/reads", { ...filter, limit: 200 }), [key]);
  const mine = pages.key === key && pages.more;
  const rows = first.data ? [...first.data.reads, ...(mine ? pages.rows : [])] : [];
  const next = mine ? pages.next : first.data && first.data.next_after;
  async function more() {
    if (!next) return;
    setPages((p) => ({ ...p, loading: true }));
    try {
      const d = await api.get("/v1/privacy/reads", { ...filter, limit: 200, after: next });
      setPages((p) => ({ key, rows: [...(p.key === key ? p.rows : []), ...d.reads], next: d.next_after, more: true, loading: false, error: null }));
    } catch (error) {
      setPages((p) => ({ ...p, loading: false, error }));
    }
  }
  if (first.loading && !first.data) return html`<${Loading} />`;
  if (first.error) return html`<${ErrorBox} error=${first.error} />`;
  const name = ["reads", filter.subject, filter.complaint, filter.actor].filter(Boolean).join("_");
  return html`<div data-testid="privacy-reads">
    <${DataTable} tableId="privacy-reads-table" caption=${t("privacy.reads.caption")} columns=${readColumns()} rows=${rows}
      csvName=${`${name}.csv`} empty=${t("privacy.reads.empty")} />
    <${ErrorBox} error=${pages.error} />
    <p class="pager"><span class="muted" role="status">${t("kit.shown", { n: rows.length })}</span>
      ${next && html` <button type="button" class="secondary more" id="privacy-more" disabled=${pages.loading}
        onClick=${more}>${pages.loading ? t("common.loading") : t("common.more")}</button>`}</p>
  </div>`;
}

export default function PrivacyPage({ query }) {
  const subject = query.subject || "";
  const values = { reads_subject: query.reads_subject || "", complaint: query.complaint || "", actor: query.actor || "" };
  const fields = [
    { name: "reads_subject", label: t("privacy.reads.subject"), type: "text", placeholder: "b5fc09d0-…" },
    { name: "complaint", label: t("privacy.reads.complaint"), type: "text", placeholder: "CMP-2026-000001" },
    { name: "actor", label: t("privacy.reads.actor"), type: "text", placeholder: "u-…" },
  ];
  return html`<section class="page-privacy">
    <h1>${t("nav.privacy")}</h1>
    <p class="muted">${t("privacy.intro")}</p>
    <${Lookup} />
    ${subject
      ? html`<p><a href=${href("/privacy")}>${t("privacy.back")}</a></p><${SubjectAccess} subject=${subject} />`
      : html`<h2>${t("privacy.reads.title")}</h2>
        <p class="muted">${t("privacy.reads.help")}</p>
        <${Filters} id="privacy-filters" fields=${fields} values=${values} onApply=${(v) => applyFilters("/privacy", v)} />
        <${Reads} filter=${{ subject: values.reads_subject, complaint: values.complaint, actor: values.actor }} />`}
  </section>`;
}
