// Placeholder: the page is being written.
import { html } from "../html.js";
import { t } from "../i18n.js";

export default function Page() {
  return html`<h1>${t("nav.dashboard")}</h1><p class="muted">…</p>`;
}
