// The Ledger page, #/ledger: runs the integrity check GET /v1/ledger/verify (every hash
// recomputed, every link, the stream index, the head record) on request, and shows what it
// checked, the head position and hash (to copy for anchoring elsewhere), how long it took and when
// it ran; on failure the first bad position, linked into the event log. The last run is kept while
// the tab is open.
import { html, useRef, useState } from "../html.js";
import * as api from "../api.js";
import { fmtDuration, fmtNumber, fmtTime, t } from "../i18n.js";
import { href } from "../router.js";
import { ErrorBox, useMe } from "../ui.js";

let lastRun = null;  // {result, ms, at} of the last check in this tab

function HeadHash({ hash }) {
  const ref = useRef(null);
  const [copied, setCopied] = useState("");
  async function copy() {
    try {
      await navigator.clipboard.writeText(hash);
      setCopied("ok");
    } catch (_) {
      // No clipboard (an insecure origin, a denied permission): select the text for Ctrl+C.
      const sel = window.getSelection();
      const range = document.createRange();
      range.selectNodeContents(ref.current);
      sel.removeAllRanges();
      sel.addRange(range);
      setCopied("selected");
    }
  }
  return html`<span class="hash-line">
    <code class="hash" data-testid="head-hash" ref=${ref}>${hash}</code>
    ${" "}<button type="button" class="small secondary" onClick=${copy}
      aria-label=${t("ledger.copy_label")}>${t("ledger.copy")}</button>
    <span role="status" class="muted">${copied === "ok" ? ` ${t("ledger.copied")}` : copied === "selected" ? ` ${t("ledger.selected")}` : ""}</span>
  </span>`;
}

function Result({ run }) {
  const r = run.result;
  const head = r.head || {};
  return html`<section class=${`verify ${r.ok ? "good" : "bad"}`} data-testid="verify-result"
      data-ok=${r.ok ? "true" : "false"} aria-labelledby="verify-title">
    <h2 id="verify-title">${r.ok ? t("ledger.ok") : t("ledger.bad")}</h2>
    <dl class="facts">
      <dt>${t("ledger.checked")}</dt><dd data-testid="checked" data-value=${r.checked}>${fmtNumber(r.checked)}</dd>
      <dt>${t("ledger.head_position")}</dt><dd data-testid="head-position" data-value=${head.position}>${fmtNumber(head.position)}
        ${head.position > 0 && html` <a href=${href("/events", { from: Math.max(1, head.position - 49) })}>${t("ledger.in_log")}</a>`}</dd>
      <dt>${t("ledger.head_hash")}</dt><dd><${HeadHash} hash=${head.hash || ""} /></dd>
      <dt>${t("ledger.duration")}</dt><dd>${run.ms < 1000 ? t("ledger.ms", { n: Math.round(run.ms) }) : run.ms < 60000 ? t("ledger.s", { n: fmtNumber(run.ms / 1000, 1) }) : fmtDuration(run.ms / 1000)}</dd>
      <dt>${t("ledger.ran_at")}</dt><dd><time datetime=${run.at.toISOString()}>${fmtTime(run.at, "seconds")}</time></dd>
      ${!r.ok && html`
        <dt>${t("ledger.first_bad")}</dt>
        <dd data-testid="first-bad" data-value=${r.first_bad_position}>${r.first_bad_position !== undefined && r.first_bad_position !== null
          ? html`<a href=${href("/events", { from: r.first_bad_position })}>${t("ledger.position", { n: r.first_bad_position })}</a>`
          : t("ledger.unknown")}</dd>
        <dt>${t("ledger.problem")}</dt><dd data-testid="verify-problem">${r.problem}</dd>`}
    </dl>
    ${!r.ok && html`<p class="explain">${t("ledger.bad_help")}</p>`}
  </section>`;
}

export default function Page() {
  const me = useMe();
  const [run, setRun] = useState(lastRun);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  // The roles GET /v1/ledger/verify admits (docs/api.md, the "verify" column).
  const may = ["auditor", "admin"].includes(me.role);
  async function verify() {
    setBusy(true);
    setError(null);
    const start = performance.now();
    try {
      const result = await api.get("/v1/ledger/verify");
      lastRun = { result, ms: performance.now() - start, at: new Date() };
      setRun(lastRun);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return html`<h1>${t("nav.ledger")}</h1>
    <p class="explain">${t("ledger.intro")}</p>
    ${!may && html`<p class="notice" data-testid="verify-role">${t("ledger.role_note")}</p>`}
    <button type="button" data-testid="verify" onClick=${verify} disabled=${busy || !may} aria-describedby="verify-help">
      ${busy ? t("ledger.running") : t("ledger.run")}</button>
    <span id="verify-help" class="muted"> ${t("ledger.run_help")}</span>
    <div aria-live="polite">
      ${busy && html`<p class="muted" role="status">${t("ledger.running")}</p>`}
      <${ErrorBox} error=${error} />
      ${run && html`<${Result} run=${run} />`}
    </div>`;
}
