// The Actions page, #/actions?type=&complaint=: any action the caller's role may take. `receive`
// opens a complaint (the intake form), `rate_department` rates a department, every other action
// needs a complaint id: its current version is loaded from the ticket state and sent as
// expected_version. Roles that record nothing (reader, auditor, admin) get a note and no form.
import { html, useEffect, useState } from "../html.js";
import * as api from "../api.js";
import { code, t } from "../i18n.js";
import { href, navigate } from "../router.js";
import { ErrorBox, Loading, useData, useMe } from "../ui.js";
import { ActionForm, ActionPicker, allowedActions, useCatalogue } from "../forms.js";

function ComplaintBox({ id, onOpen }) {
  const [text, setText] = useState(id || "");
  useEffect(() => setText(id || ""), [id]);
  return html`<form class="filters" role="search" onSubmit=${(e) => { e.preventDefault(); onOpen(text.trim()); }}>
    <div class="field">
      <label for="act-complaint">${t("actions.page.complaint")}</label>
      <input id="act-complaint" name="complaint" value=${text} placeholder="CMP-2026-000001"
        aria-describedby="act-complaint-hint" onInput=${(e) => setText(e.target.value)} />
      <span class="hint" id="act-complaint-hint">${t("actions.page.complaint_hint")}</span>
    </div>
    <button type="submit">${t("actions.page.open")}</button>
  </form>`;
}

// The chosen complaint's state (its version, status and subject), then the action's form.
function OnComplaint({ cat, action, id }) {
  const state = useData(() => api.get(`/v1/complaints/${encodeURIComponent(id)}`), [id]);
  if (state.loading && !state.data) return html`<${Loading} />`;
  if (state.error) return html`<${ErrorBox} error=${state.error} />`;
  const c = state.data;
  const closed = c.status === "closed";
  return html`<div>
    <p class="notice" data-testid="complaint-summary">
      <a href=${href(`/complaints/${c.id}`)}>${c.id}</a> · ${c.subject} ·
      ${" "}<span class="chip">${code("statuses", c.status)}</span>
      ${" "}<span class="chip">${code("stages", c.stage)}</span>
      ${" "}${t("actions.page.version", { v: c.version })}
      ${" "}<button type="button" class="small secondary" onClick=${state.reload}>${t("actions.page.reload")}</button>
    </p>
    ${closed && !action.when_closed && html`<p class="notice warn" data-testid="closed-note">${t("actions.page.closed_note")}</p>`}
    <${ActionForm} key=${`${action.type}|${c.id}`} cat=${cat} action=${action} complaint=${c.id}
      version=${c.version} onDone=${state.reload} />
  </div>`;
}

export default function Page({ query }) {
  const me = useMe();
  const { cat, error } = useCatalogue();
  const head = html`<h1>${t("nav.actions")}</h1>`;
  if (error) return html`${head}<${ErrorBox} error=${error} />`;
  if (!cat) return html`${head}<${Loading} />`;
  const actions = allowedActions(cat, me);
  if (!actions.length) {
    return html`${head}<p class="notice" data-testid="no-actions">${t("actions.page.none", { role: code("roles", me.role) })}</p>`;
  }
  const type = actions.some((a) => a.type === query.type) ? query.type
    : (actions.some((a) => a.type === "receive") ? "receive" : actions[0].type);
  const action = actions.find((a) => a.type === type);
  const go = (params) => navigate("/actions", { ...query, ...params }, { replace: true });
  return html`${head}
    <p class="explain">${t("actions.page.intro")}</p>
    <${ActionPicker} actions=${actions} value=${type} onChange=${(v) => go({ type: v })} />
    ${action.target === "complaint" && html`
      <${ComplaintBox} id=${query.complaint} onOpen=${(c) => go({ complaint: c })} />
      ${query.complaint
        ? html`<${OnComplaint} key=${query.complaint} cat=${cat} action=${action} id=${query.complaint} />`
        : html`<p class="muted">${t("actions.page.pick_complaint")}</p>`}`}
    ${action.target !== "complaint" && html`<${ActionForm} key=${action.type} cat=${cat} action=${action}
      initial=${action.type === "receive" && me.department ? { receiving_department: me.department } : {}} />`}`;
}
