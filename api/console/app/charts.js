// Charts with Observable Plot (a classic script: globalThis.Plot). Plot returns a DOM node (an
// <svg>, or a <figure> when it has a legend); it is put in place with a ref, never as HTML text.
// Every chart is an image with an aria-label, and its page shows the same numbers in a table.
import { html, useEffect, useRef } from "./html.js";
import { t } from "./i18n.js";

// <PlotChart id label options /> where options is Plot.plot's argument, or a function returning
// it (called when Plot is there). Redrawn when `deps` change.
export function PlotChart({ id, label, options, deps = [] }) {
  const ref = useRef(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const Plot = globalThis.Plot;
    if (!Plot) { el.textContent = t("kit.no_chart"); return undefined; }
    let node;
    try {
      node = Plot.plot(typeof options === "function" ? options(Plot) : options);
    } catch (e) {
      console.warn("chart", id, e);  // eslint-disable-line no-console
      el.textContent = t("kit.no_chart");
      return undefined;
    }
    node.setAttribute("role", "img");
    node.setAttribute("aria-label", label);
    // Plot names each mark's group ("bar", "rule"): an aria-label a plain <g> may not carry, and
    // inside an image nothing reads it anyway (the table beside the chart has the numbers).
    for (const g of node.querySelectorAll("g[aria-label]:not([role])")) g.removeAttribute("aria-label");
    el.replaceChildren(node);
    return () => el.replaceChildren();
  }, deps);
  return html`<div class="chart" id=${id} ref=${ref}></div>`;
}

// A decimal string in hundredths ("87.50") as a number for a chart's scale only (never money).
export function rateNumber(s) {
  if (s === null || s === undefined || s === "") return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

// Money decimal strings summed exactly in cents (BigInt), back to a decimal string: for totals
// the API does not give (a chart's stack height is drawn from the number, the label from this).
export function sumMoney(values) {
  let cents = 0n;
  for (const v of values) {
    if (v === null || v === undefined || v === "") continue;
    const neg = String(v).startsWith("-");
    const [i, f = ""] = String(v).replace("-", "").split(".");
    const c = BigInt(i || "0") * 100n + BigInt((f + "00").slice(0, 2));
    cents += neg ? -c : c;
  }
  const neg = cents < 0n;
  const a = neg ? -cents : cents;
  return `${neg ? "-" : ""}${a / 100n}.${String(a % 100n).padStart(2, "0")}`;
}
