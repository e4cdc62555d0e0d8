// Action forms, generated from GET /v1/catalogue (fetched once per page load): every action type
// with its fields (type, required, limits, vocabulary, object members), the fields every action
// carries and the code lists. One <form data-action="<type>"> per action; each control is named by
// its field path ("complainant.name", "cooperating[1]"), labelled, and described by its hint and,
// after a refusal, by its error (".field-error").
//
// Sending (docs/api.md, "Actions"): receive -> POST /v1/complaints, rate_department ->
// POST /v1/ratings, every other action -> POST /v1/complaints/{id}/actions. The body is the
// action: {type, ...its fields, occurred_at?, note?, expected_version?, idempotency_key}. The
// idempotency key is made when a form opens and reused until it succeeds, so re-sending after a
// timeout cannot record the action twice. The server decides everything: the form does not check
// requiredness itself (no native `required`), so its refusal shows at the inputs.
import { html, useEffect, useMemo, useRef, useState } from "./html.js";
import * as api from "./api.js";
import { code, has, t, timeZone, zoneLabel } from "./i18n.js";
import { href } from "./router.js";
import { Time, useMe } from "./ui.js";

// ---- the catalogue -----------------------------------------------------------------------------

let cataloguePromise = null;
export function loadCatalogue() {
  if (!cataloguePromise) {
    cataloguePromise = api.get("/v1/catalogue").catch((e) => { cataloguePromise = null; throw e; });
  }
  return cataloguePromise;
}

function useCatalogue() {
  const [state, setState] = useState({ cat: null, error: null });
  useEffect(() => {
    let live = true;
    loadCatalogue().then((cat) => live && setState({ cat, error: null }),
                         (error) => live && setState({ cat: null, error }));
    return () => { live = false; };
  }, []);
  return state;
}

// The catalogue's actions the signed-in role may send (the policy's roles; /v1/me's list too
// when it has one).
export function allowedActions(cat, me) {
  if (!cat || !me) return [];
  return cat.actions.filter((a) => (a.roles || []).includes(me.role)
    && (!Array.isArray(me.actions) || me.actions.includes(a.type)));
}

// Code lists whose labels live under another vocabulary's keys.
const LABEL_VOCAB = { extensible_clocks: "clocks" };
const codeLabel = (vocab, value) => code(LABEL_VOCAB[vocab] || vocab, value);

// A field's label: "actions.field.<type>.<path>" (a name that means something else in this
// action, such as a data subject's "subject"), else "actions.field.<path>", else
// "actions.field.<name>", else the name itself.
function fieldLabel(path, type) {
  const plain = path.replace(/\[\d+\]/g, "");
  const keys = [`actions.field.${plain}`, `actions.field.${plain.split(".").pop()}`];
  if (type) keys.unshift(`actions.field.${type}.${plain}`);
  for (const k of keys) {
    if (has(k)) return t(k);
  }
  return plain;
}

// ---- values -> the request body ----------------------------------------------------------------

const pad = (n) => String(n).padStart(2, "0");

// The zone's offset from UTC, in minutes, at the instant `ms`.
function offsetMinutes(zone, ms) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(new Date(ms));
  const m = /GMT([+-])(\d{1,2}):?(\d{2})?/.exec((parts.find((p) => p.type === "timeZoneName") || {}).value || "");
  return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] || 0)) : 0;
}

// A datetime-local value, read as wall time in the policy's zone, as RFC 3339 with that zone's
// offset: "2026-11-20T10:00" -> "2026-11-20T10:00:00+08:00". Anything else is sent as typed (the
// server then names the field).
export function wallToRfc3339(local, zone = timeZone()) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(local || "");
  if (!m) return local;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  let off = offsetMinutes(zone, asUtc);
  off = offsetMinutes(zone, asUtc - off * 60000);  // the offset in force then (daylight saving)
  const a = Math.abs(off);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] || "00"}${off < 0 ? "-" : "+"}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

// The members of `fields` that have a value, as the action's JSON. Numbers that parse are sent
// as numbers, others as typed so the server can say what is wrong with them.
function collect(fields, values, prefix) {
  const out = {};
  for (const f of fields) {
    const p = prefix + f.name;
    const v = values[p];
    const s = typeof v === "string" ? v.trim() : "";
    switch (f.type) {
      case "object": {
        const sub = collect(f.fields || [], values, `${p}.`);
        if (f.required || Object.keys(sub).length) out[f.name] = sub;
        break;
      }
      case "bool":
        if (f.required) out[f.name] = !!v; else if (v) out[f.name] = true;
        break;
      case "code_list":
        if (v && v.length) out[f.name] = v;
        break;
      case "text_list": {
        const items = (v || []).map((x) => x.trim()).filter((x) => x !== "");
        if (items.length) out[f.name] = items;
        break;
      }
      case "integer": case "version":
        if (s) out[f.name] = /^-?\d+$/.test(s) ? Number(s) : s;
        break;
      case "number":
        if (s) out[f.name] = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s;
        break;
      case "time":
        if (s) out[f.name] = wallToRfc3339(s);
        break;
      case "text":
        if (typeof v === "string" && s !== "") out[f.name] = f.max_bytes > 200 ? v : s;
        break;
      default:  // code, money and any type this console does not know yet: a string
        if (s) out[f.name] = s;
    }
  }
  return out;
}

// Every path a control answers for (error placement): fields, object members, the list fields.
function knownPaths(fields, prefix, set) {
  for (const f of fields) {
    set.add(prefix + f.name);
    if (f.type === "object") knownPaths(f.fields || [], `${prefix}${f.name}.`, set);
  }
  return set;
}

// Where an error's field shows: itself, or its list ("flags[1]" -> "flags"), else nowhere (the
// top of the form).
function placeError(field, known) {
  if (!field) return null;
  if (known.has(field)) return field;
  const list = field.replace(/\[\d+\]$/, "");
  return known.has(list) ? list : null;
}

// An error's text: "actions.rule.<rule>" filled from the field's limits when we have it, else the
// server's message.
function ruleMessage(e, spec) {
  const k = `actions.rule.${e.rule}`;
  if (e.rule && has(k)) {
    const s = t(k, { ...(spec || {}), field: fieldLabel(e.field || "") });
    if (!/\{\w+\}/.test(s)) return s;
  }
  return e.message || e.rule || "";
}

// An action's one-line summary and a field's hint, in the reader's language when we have them
// ("actions.summary.<type>", "actions.hint.<type>.<path>", "actions.hint.common.<name>"), else
// the catalogue's own words.
function summaryOf(a) {
  const k = `actions.summary.${a.type}`;
  return has(k) ? t(k) : a.summary;
}
function hintOf(type, path, f) {
  for (const k of [`actions.hint.${type}.${path}`, `actions.hint.common.${path}`]) if (has(k)) return t(k);
  return f.meaning;
}
// The picker's text for an action: its name, or its code and summary while it has no name.
function actionLabel(a) {
  return has(`code.actions.${a.type}`) ? `${code("actions", a.type)} (${a.type})` : `${a.type} — ${summaryOf(a)}`;
}

const idPart = (s) => s.replace(/[^A-Za-z0-9_-]/g, "_");
let formSeq = 0;

// ---- one field ---------------------------------------------------------------------------------

function Field({ f, path, ctx }) {
  const { values, set, errors, fid, disabled } = ctx;
  const id = `${fid}-${idPart(path)}`;
  const hintId = `${id}-hint`;
  const err = errors[path];
  const errId = `${id}-err`;
  const describedBy = err ? `${hintId} ${errId}` : hintId;
  const label = fieldLabel(path, ctx.type);
  const req = f.required ? html`<span class="req" aria-hidden="true"> *</span>` : null;
  const v = values[path];
  const common = {
    id, name: path, disabled,
    "aria-describedby": describedBy,
    "aria-invalid": err ? "true" : undefined,
    "aria-required": f.required ? "true" : undefined,
  };
  const errorLine = err && html`<div class="field-error" id=${errId}>${err.text}</div>`;
  const hint = (extra) => html`<span class="hint" id=${hintId}>${hintOf(ctx.type, path, f)}${extra ? ` · ${extra}` : ""}</span>`;

  if (f.type === "object") {
    return html`<fieldset class="object" aria-describedby=${describedBy}>
      <legend>${label}${req}</legend>
      ${hint()}
      ${(f.fields || []).map((m) => html`<${Field} key=${m.name} f=${m} path=${`${path}.${m.name}`} ctx=${ctx} />`)}
      ${errorLine}
    </fieldset>`;
  }
  if (f.type === "bool") {
    return html`<div class="field check">
      <label><input type="checkbox" ...${common} checked=${!!v} onChange=${(e) => set(path, e.target.checked)} /> ${label}${req}</label>
      ${hint()}${errorLine}
    </div>`;
  }
  const vocab = (ctx.cat.vocabularies || {})[f.vocabulary] || { codes: [] };
  if (f.type === "code") {
    const chosen = vocab.codes.find((c) => c.code === v);
    return html`<div class="field">
      <label for=${id}>${label}${req}</label>
      <select ...${common} value=${v || ""} onChange=${(e) => set(path, e.target.value)}>
        <option value="">${t("actions.choose")}</option>
        ${vocab.codes.map((c) => html`<option value=${c.code} title=${c.meaning}>${codeLabel(f.vocabulary, c.code)}</option>`)}
      </select>
      ${hint(chosen && chosen.meaning)}${errorLine}
    </div>`;
  }
  if (f.type === "code_list") {
    const list = v || [];
    const toggle = (c, on) => set(path, on ? [...list, c] : list.filter((x) => x !== c));
    return html`<fieldset class="field codes" aria-describedby=${describedBy} aria-invalid=${err ? "true" : undefined}>
      <legend>${label}${req}</legend>
      ${hint(f.max_items ? t("actions.at_most", { n: f.max_items }) : "")}
      <div class="code-boxes">
        ${vocab.codes.map((c) => html`<label title=${c.meaning}><input type="checkbox" name=${path} value=${c.code}
          disabled=${disabled} checked=${list.includes(c.code)} onChange=${(e) => toggle(c.code, e.target.checked)} /> ${codeLabel(f.vocabulary, c.code)}</label>`)}
      </div>
      ${errorLine}
    </fieldset>`;
  }
  if (f.type === "text_list") {
    const rows = v && v.length ? v : [""];
    const setRow = (i, x) => set(path, rows.map((r, j) => (j === i ? x : r)));
    return html`<fieldset class="field rows" aria-describedby=${describedBy}>
      <legend>${label}${req}</legend>
      ${hint(f.max_items ? t("actions.at_most", { n: f.max_items }) : "")}
      ${rows.map((r, i) => {
        const rp = `${path}[${i}]`;
        const rerr = errors[rp];
        const rid = `${id}-${i}`;
        return html`<div class="row" key=${i}>
          <input id=${rid} name=${rp} value=${r} disabled=${disabled}
            aria-label=${t("actions.row", { label, n: i + 1 })}
            aria-invalid=${rerr ? "true" : undefined}
            aria-describedby=${rerr ? `${hintId} ${rid}-err` : hintId}
            onInput=${(e) => setRow(i, e.target.value)} />
          ${rows.length > 1 && html`<button type="button" class="small secondary" disabled=${disabled}
            aria-label=${t("actions.remove_row", { label, n: i + 1 })}
            onClick=${() => set(path, rows.filter((_, j) => j !== i))}>×</button>`}
          ${rerr && html`<div class="field-error" id=${`${rid}-err`}>${rerr.text}</div>`}
        </div>`;
      })}
      <button type="button" class="small secondary" disabled=${disabled || (f.max_items && rows.length >= f.max_items)}
        onClick=${() => set(path, [...rows, ""])}>${t("actions.add_row")}</button>
      ${errorLine}
    </fieldset>`;
  }
  let input;
  const onInput = (e) => set(path, e.target.value);
  if (f.type === "integer" || f.type === "number" || f.type === "version") {
    input = html`<input type="number" inputmode=${f.type === "number" ? "decimal" : "numeric"}
      step=${f.type === "number" ? "0.01" : "1"} min=${f.min} max=${f.max > Number.MAX_SAFE_INTEGER ? undefined : f.max}
      ...${common} value=${v || ""} onInput=${onInput} />`;
  } else if (f.type === "time") {
    input = html`<input type="datetime-local" step="1" ...${common} value=${v || ""} onInput=${onInput} />`;
  } else if (f.type === "money") {
    input = html`<input type="text" inputmode="decimal" placeholder="0.00" ...${common} value=${v || ""} onInput=${onInput} />`;
  } else if (f.type === "text" && f.max_bytes > 200) {
    input = html`<textarea rows="3" ...${common} value=${v || ""} onInput=${onInput}></textarea>`;
  } else {
    input = html`<input type="text" ...${common} value=${v || ""} onInput=${onInput} />`;
  }
  const extra = f.type === "time" ? zoneLabel()
    : f.type === "money" ? t("actions.money_hint")
    : (f.min !== undefined && f.max !== undefined && f.max <= Number.MAX_SAFE_INTEGER) ? t("actions.range", { min: f.min, max: f.max })
    : "";
  return html`<div class="field">
    <label for=${id}>${label}${req}</label>
    ${input}
    ${hint(extra)}${errorLine}
  </div>`;
}

// ---- outcomes ----------------------------------------------------------------------------------

function EventRows({ events }) {
  return html`<table class="compact">
    <thead><tr>
      <th scope="col" class="num">${t("actions.col.position")}</th>
      <th scope="col" class="num">${t("actions.col.version")}</th>
      <th scope="col">${t("actions.col.type")}</th>
      <th scope="col">${t("actions.col.actor")}</th>
      <th scope="col">${t("actions.col.time")}</th>
    </tr></thead>
    <tbody>${events.map((e) => html`<tr key=${e.position} data-position=${e.position}>
      <td class="num">${e.position}</td><td class="num">${e.version}</td>
      <td>${code("events", e.type)}</td>
      <td>${e.actor ? `${e.actor.id} (${code("roles", e.actor.role)})` : ""}</td>
      <td><${Time} at=${e.occurred_at} kind="seconds" /></td>
    </tr>`)}</tbody>
  </table>`;
}

// `onComplaint`: the action opened or changed a complaint (else a stream such as "ratings" or
// "privacy", which has no page).
function Result({ r, onComplaint }) {
  const events = r.events || [];
  return html`<div class="notice ok outcome" data-testid="action-result" role="status" tabindex="-1">
    <strong>${r.deduplicated ? t("actions.result.deduplicated") : t("actions.result.recorded", { n: events.length })}</strong>
    ${r.outcome && html`<div data-testid="action-outcome">${t(`actions.result.outcome.${r.outcome}`)}</div>`}
    ${r.id && onComplaint && html`<div>${t("actions.result.where", { id: r.id, version: r.version, position: r.position })}
      ${" "}<a href=${href(`/complaints/${r.id}`)}>${t("actions.result.open")}</a></div>`}
    ${r.id && !onComplaint && html`<div>${t("actions.result.where_stream", { id: r.id, version: r.version, position: r.position })}</div>`}
    ${r.existing && html`<div>${t("actions.result.existing")}</div>`}
    ${events.length > 0 && html`<${EventRows} events=${events} />`}
  </div>`;
}

function Conflict({ c, onReload }) {
  return html`<div class="conflict outcome" data-testid="conflict" role="alert" tabindex="-1">
    <strong>${t("actions.conflict.title")}</strong>
    <p>${c.had === undefined || c.had === null ? c.detail : t("actions.conflict.detail", { had: c.had, now: c.now ?? "?" })}</p>
    ${c.error && html`<p class="muted">${t("actions.conflict.unlisted")}</p>`}
    ${c.events && (c.events.length
      ? html`<${EventRows} events=${c.events} />`
      : html`<p class="muted">${t("actions.conflict.none")}</p>`)}
    <p class="muted">${t("actions.conflict.kept")}</p>
    <button type="button" onClick=${onReload}>${t("actions.conflict.reload")}</button>
  </div>`;
}

function Refused({ p, errors, specOf }) {
  return html`<div class="error refused outcome" data-testid="refused" role="alert" tabindex="-1">
    <strong>${t("actions.refused.title")}</strong>
    <ul>${errors.map((e) => html`<li><code class="rule">${e.rule}</code> ${ruleMessage(e, specOf(e.field))}
      ${e.field && html` <span class="muted">(${fieldLabel(e.field)})</span>`}</li>`)}</ul>
    ${errors.length === 0 && html`<p>${p.detail}</p>`}
  </div>`;
}

// ---- one action's form -------------------------------------------------------------------------

function endpointFor(action, complaint) {
  if (action.target === "new_complaint") return "/v1/complaints";
  if (action.target === "department") return "/v1/ratings";
  if (action.target === "subject") return "/v1/privacy/actions";
  return `/v1/complaints/${encodeURIComponent(complaint)}/actions`;
}

// The form of one action. `complaint` and `version` for actions on a complaint; `initial` values
// by path; onDone(result) after the ledger recorded it, or onDone() from the conflict panel's
// reload.
export function ActionForm({ cat, action, complaint, version, disabled, initial, onDone }) {
  const fid = useMemo(() => `af${++formSeq}`, []);
  const [values, setValues] = useState(() => ({ ...(initial || {}) }));
  const [key, setKey] = useState(() => api.newKey());
  const [busy, setBusy] = useState(false);
  const [waiting, setWaiting] = useState(0);
  const [out, setOut] = useState(null);  // {kind: ok|invalid|refused|conflict|failed, ...}
  const onComplaint = action.target === "complaint";
  const common = (cat.common_fields || []).filter((f) => f.name === "occurred_at" || f.name === "note");
  const known = useMemo(() => knownPaths([...action.fields, ...common], "", new Set()), [action]);

  // After an answer, focus where to look: the first refused input, else the outcome's panel.
  const formRef = useRef(null);
  useEffect(() => {
    const form = formRef.current;
    if (!out || !form) return;
    const el = (out.kind === "invalid" && form.querySelector('[aria-invalid="true"]'))
      || form.querySelector(".outcome");
    if (el) el.focus();
  }, [out]);

  // A reload after a conflict brings a new version: the panel has done its work.
  useEffect(() => { setOut((o) => (o && o.kind === "conflict" ? null : o)); }, [version]);

  const set = (path, v) => setValues((old) => ({ ...old, [path]: v }));

  // errors[] -> {path: {text}} at the inputs (a text list's row keeps its index), and the rest
  // for the top of the form.
  const all = [...action.fields, ...common];
  const specOf = (path) => findSpec(all, path);
  const errors = {};
  const loose = [];
  for (const e of (out && out.errors) || []) {
    const text = ruleMessage(e, specOf(e.field));
    let at = placeError(e.field, known);
    if (at && at !== e.field && (specOf(at) || {}).type === "text_list") at = e.field;
    if (at) { if (!errors[at]) errors[at] = { text }; } else loose.push({ ...e, text });
  }

  async function submit(ev) {
    ev.preventDefault();
    if (busy || disabled) return;
    // Empty rows of text lists go before sending, so that an error's row index ("people[1]")
    // points at the row shown.
    const compact = { ...values };
    for (const f of all) if (f.type === "text_list" && compact[f.name]) compact[f.name] = compact[f.name].filter((x) => x.trim() !== "");
    setValues(compact);
    const body = { type: action.type, ...collect(all, compact, "") };
    if (onComplaint && version !== undefined && version !== null) body.expected_version = version;
    body.idempotency_key = key;
    setBusy(true);
    setOut(null);
    try {
      const r = await api.post(endpointFor(action, complaint), body, { onWait: (s) => setWaiting(s) });
      setOut({ kind: "ok", result: r });
      setValues({ ...(initial || {}) });
      setKey(api.newKey());
      if (onDone) onDone(r);
    } catch (e) {
      setOut(await explain(e, { complaint, version, onComplaint }));
    } finally {
      setBusy(false);
      setWaiting(0);
    }
  }

  const p = (out && out.problem) || {};
  const ctx = { values, set, errors, fid, disabled: disabled || busy, cat, type: action.type };
  return html`<form data-action=${action.type} class="action-form" novalidate onSubmit=${submit} ref=${formRef}
      aria-labelledby=${`${fid}-title`} aria-busy=${busy ? "true" : "false"}>
    <h3 id=${`${fid}-title`}>${code("actions", action.type)}${has(`code.actions.${action.type}`) && html` <code class="muted">${action.type}</code>`}</h3>
    <p class="explain">${summaryOf(action)}</p>
    ${out && out.kind === "conflict" && html`<${Conflict} c=${out} onReload=${() => onDone && onDone()} />`}
    ${out && out.kind === "refused" && html`<${Refused} p=${p} errors=${out.errors || []} specOf=${specOf} />`}
    ${out && (out.kind === "invalid" || out.kind === "failed") && html`<div class="error form-errors outcome" role="alert" data-testid="form-errors" tabindex="-1">
      <strong>${out.status ? `${out.status} ${p.title || ""}` : t("common.failed")}</strong>
      ${out.kind === "invalid" && (out.errors || []).length > 0
        ? html`<div>${t("actions.invalid", { n: (out.errors || []).length + (p.errors_omitted || 0) })}</div>`
        : html`<div>${p.detail || out.message}</div>`}
      ${loose.length > 0 && html`<ul>${loose.map((e) => html`<li>${e.field && html`<code>${e.field}</code> `}${e.text}</li>`)}</ul>`}
    </div>`}
    ${waiting > 0 && html`<p class="notice" role="status" data-testid="waiting">${t("actions.waiting", { n: waiting })}</p>`}
    ${action.fields.map((f) => html`<${Field} key=${f.name} f=${f} path=${f.name} ctx=${ctx} />`)}
    <fieldset class="object common">
      <legend>${t("actions.common")}</legend>
      ${common.map((f) => html`<${Field} key=${f.name} f=${f} path=${f.name} ctx=${ctx} />`)}
      <p class="muted small">
        ${onComplaint && version !== undefined && version !== null && html`<span data-testid="expected-version">${t("actions.expected_version", { v: version })}</span> · `}
        ${t("actions.key")} <code data-testid="idempotency-key">${key}</code>
      </p>
    </fieldset>
    <div class="actions-bar">
      <button type="submit" disabled=${busy || disabled}>${busy ? t("actions.sending") : t("actions.send")}</button>
      ${out && out.kind !== "ok" && html`<span class="muted">${t("actions.resend_note")}</span>`}
    </div>
    ${out && out.kind === "ok" && html`<${Result} r=${out.result}
      onComplaint=${action.target === "complaint" || action.target === "new_complaint"} />`}
  </form>`;
}

function findSpec(fields, path) {
  if (!path) return null;
  const parts = path.replace(/\[\d+\]/g, "").split(".");
  let list = fields;
  let f = null;
  for (const name of parts) {
    f = (list || []).find((x) => x.name === name);
    if (!f) return null;
    list = f.fields;
  }
  return f;
}

// A refusal as the form shows it. A 409 version conflict lists the events appended since the
// version the form had (GET /v1/complaints/{id}/events, those with a higher version).
async function explain(e, { complaint, version, onComplaint }) {
  if (!(e instanceof api.ApiError)) return { kind: "failed", message: String(e.message || e) };
  const p = e.problem || {};
  const base = { status: e.status, problem: p, errors: p.errors || [], message: e.message };
  if (e.status === 409 && onComplaint && !(p.errors || []).length) {
    const m = /expected (\d+), actual version (\d+)/.exec(p.detail || "");
    const c = { ...base, kind: "conflict", detail: p.detail, had: version, now: m ? Number(m[2]) : undefined };
    try {
      const r = await api.get(`/v1/complaints/${encodeURIComponent(complaint)}/events`);
      c.events = (r.events || []).filter((x) => version === undefined || version === null || x.version > version);
      if (c.now === undefined && c.events.length) c.now = c.events[c.events.length - 1].version;
    } catch (err) {
      c.error = err;
    }
    return c;
  }
  if (e.status === 422) return { ...base, kind: "refused" };
  if ((p.errors || []).length) return { ...base, kind: "invalid" };
  return { ...base, kind: "failed" };
}

// ---- what the pages use ------------------------------------------------------------------------

// A picker of `actions` (a labelled select) bound to `value`.
export function ActionPicker({ actions, value, onChange, id = "action-picker" }) {
  return html`<div class="field picker">
    <label for=${id}>${t("actions.picker")}</label>
    <select id=${id} data-testid="action-picker" value=${value || ""} onChange=${(e) => onChange(e.target.value)}>
      <option value="">${t("actions.choose_action")}</option>
      ${actions.map((a) => html`<option value=${a.type}>${actionLabel(a)}</option>`)}
    </select>
  </div>`;
}

// The actions the caller may take on one complaint: a picker, then that action's form.
// `closed`: the complaint is closed (only actions a closed complaint accepts are offered);
// `disabled`: time-travel mode (nothing can be sent). `type`/`onType` let a page keep the chosen
// action in its URL.
export function ActionPanel({ complaint, version, disabled, onDone, closed, type, onType }) {
  const me = useMe();
  const { cat, error } = useCatalogue();
  const [own, setOwn] = useState(type || "");
  const chosen = onType ? (type || "") : own;
  const choose = onType || setOwn;
  if (error) return html`<div class="error" role="alert">${t("actions.no_catalogue")}: ${error.message}</div>`;
  if (!cat) return html`<p class="muted" role="status">${t("common.loading")}</p>`;
  const actions = allowedActions(cat, me).filter((a) => a.target === "complaint" && (!closed || a.when_closed));
  if (!actions.length) return html`<p class="notice" data-testid="no-actions">${t("actions.none_here")}</p>`;
  const action = actions.find((a) => a.type === chosen);
  return html`<section class="action-panel" aria-label=${t("actions.panel")}>
    ${disabled && html`<p class="notice" data-testid="actions-disabled">${t("actions.disabled")}</p>`}
    <${ActionPicker} actions=${actions} value=${chosen} onChange=${choose} id=${`picker-${idPart(String(complaint))}`} />
    ${action && html`<${ActionForm} key=${action.type} cat=${cat} action=${action} complaint=${complaint}
      version=${version} disabled=${disabled} onDone=${onDone} />`}
  </section>`;
}

// The intake form (receive), with the caller's department filled in.
export function IntakeForm({ onDone }) {
  const me = useMe();
  const { cat, error } = useCatalogue();
  if (error) return html`<div class="error" role="alert">${t("actions.no_catalogue")}: ${error.message}</div>`;
  if (!cat) return html`<p class="muted" role="status">${t("common.loading")}</p>`;
  const action = allowedActions(cat, me).find((a) => a.type === "receive");
  if (!action) return html`<p class="notice" data-testid="no-actions">${t("actions.no_intake")}</p>`;
  const initial = me && me.department ? { receiving_department: me.department } : {};
  return html`<${ActionForm} cat=${cat} action=${action} initial=${initial} onDone=${onDone} />`;
}

// {cat, error} of the catalogue, for pages that pick among all the caller's actions.
export { useCatalogue };
