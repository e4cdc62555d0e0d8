// The clock chart: a Gantt of the complaint's clocks, hand-written SVG. One row per clock (each
// closure cycle its own row): the allowance window from the start to the deadline, the time the
// clock ran (done when met, running while pending, overdue past the deadline), paused spans in
// grey, an extension from the old deadline to the new one, the breach instant, and "as of".
// The policy calendar shades weekends, public holidays and make-up working days behind the rows.
//
// DOM contract (tests rely on it): <figure class="clock-chart"><svg role="img" aria-label>; per
// clock <g data-clock data-state data-cycle>; segments <rect data-kind="running|paused|extension|
// overdue|done" data-event tabindex=0>; the breach <path data-kind="breach">; as-of line
// data-kind="now". Clicking a segment (or Enter/Space on it) calls onOpenEvent(position).
import { html, useEffect, useMemo, useRef, useState } from "../html.js";
import { code, fmtDuration, fmtTime, t } from "../i18n.js";
import { Table, Code, Time } from "../ui.js";
import { clockKey, extensionFrom, ms, startEvent } from "./util.js";

const LABEL_W = 150;
const PAD_R = 16;
const AXIS_H = 34;
const BAR_H = 16;
const LINE_H = 14;
const EXT_H = 7;  // the extension band, drawn under the bar
const FONT = "11px system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";
const HOUR = 3600e3;
const DAY = 24 * HOUR;

// Text width for wrapping the explanation lines (a canvas that is never inserted anywhere).
let ctx2d = null;
function textWidth(s) {
  if (!ctx2d) {
    ctx2d = document.createElement("canvas").getContext("2d");
    if (ctx2d) ctx2d.font = FONT;
  }
  return ctx2d ? ctx2d.measureText(s).width : s.length * 6.2;
}
function wrap(text, width) {
  const out = [];
  let line = "";
  for (const word of String(text).split(/(\s+)/)) {
    const next = line + word;
    if (line && textWidth(next) > width) {
      out.push(line.trimEnd());
      line = word.trimStart();
    } else {
      line = next;
    }
  }
  if (line.trim()) out.push(line.trimEnd());
  return out;
}

const isPause = (s) => String(s.reason || "").startsWith("paused");
export function skipLabel(s) {
  if (isPause(s)) {
    const why = s.reason.split(":")[1]?.trim();
    return why ? `${t("complaint.chart.paused")} (${code("pause_reasons", why)})` : t("complaint.chart.paused");
  }
  if (s.reason === "weekend") return t("complaint.chart.weekend");
  if (s.reason === "public holiday") return t("complaint.chart.holiday");
  return s.reason;
}

// The pieces of [a, b] outside the (sorted, merged) intervals `cut`.
function subtract(a, b, cut) {
  const out = [];
  let x = a;
  for (const c of cut) {
    if (c.to <= x || c.from >= b) continue;
    if (c.from > x) out.push([x, c.from]);
    x = Math.max(x, c.to);
  }
  if (x < b) out.push([x, b]);
  return out;
}

// What one clock row shows, in milliseconds; null parts are not drawn.
export function clockModel(c, asOf) {
  const ex = c.explanation || {};
  if (!c.due || !ex.start) return { c, none: true, text: ex.no_deadline || code("clock_states", c.state) };
  const start = ms(ex.start);
  const due = ms(c.due);
  const met = c.met_at ? ms(c.met_at) : null;
  const end = met ?? asOf;
  const pauses = (ex.skipped || []).filter(isPause)
    .map((s) => ({ from: ms(s.from), to: ms(s.to), s })).sort((x, y) => x.from - y.from);
  const segs = [];
  const ran = end > start ? subtract(start, end, pauses) : [[end, end]];
  for (const [a, b] of ran) {
    if (a < due) segs.push({ kind: met ? "done" : "running", from: a, to: Math.min(b, due), event: met ? c.met_event : startEvent(c) });
    if (b > due) segs.push({ kind: "overdue", from: Math.max(a, due), to: b, event: c.met_event ?? (ex.events || []).slice(-1)[0] });
  }
  for (const p of pauses) segs.push({ kind: "paused", from: p.from, to: p.to, event: (p.s.events || [])[0], skip: p.s });
  for (const e of ex.extensions || []) {
    const old = e.applied ? ms(extensionFrom(e.note)) : due;
    const until = ms(e.until);
    if (!Number.isNaN(old) && until > old) {
      segs.push({ kind: "extension", applied: e.applied, from: old, to: until, event: e.decided_event ?? e.requested_event, ext: e });
    }
  }
  const breach = c.state === "missed" ? due : null;
  return { c, start, due, met, end, segs, breach, pauses, paused: pauses.reduce((n, p) => n + (Math.min(p.to, end) - p.from), 0) };
}

function explanationLines(m) {
  const c = m.c;
  const ex = c.explanation || {};
  if (m.none) return [`${t("complaint.chart.no_deadline")}: ${m.text}`];
  const lines = [];
  lines.push(`${t("complaint.chart.allowance")}: ${ex.allowance} · ${t("complaint.chart.level")}: ${code("levels", ex.level)} · ${t("complaint.chart.policy", { v: ex.policy_version })} · ${t("complaint.chart.start")}: ${ex.start_rule}`);
  for (const s of ex.skipped || []) {
    lines.push(`${skipLabel(s)}: ${fmtTime(s.from)} → ${fmtTime(s.to)}${s.detail ? ` (${s.detail})` : ""}`);
  }
  for (const e of ex.extensions || []) {
    lines.push(`${t("complaint.chart.extension")} → ${fmtTime(e.until)}: ${e.note || (e.applied ? t("complaint.chart.applied") : t("complaint.chart.not_applied"))}`);
  }
  for (const n of ex.notes || []) lines.push(n);
  return lines;
}

// Tick step: the smallest of these that leaves ≥ 90 px between ticks.
const STEPS = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY, 56 * DAY];

// "+08:00" → milliseconds east of UTC.
function offsetMs(off) {
  const sign = off[0] === "-" ? -1 : 1;
  return sign * (Number(off.slice(1, 3)) * HOUR + Number(off.slice(4, 6)) * 60e3);
}

// The policy calendar's kind of each day in [t0, t1]: weekend, holiday or makeup (working days
// are not listed). Day boundaries are midnights at the calendar's UTC offset.
function calendarDays(cal, t0, t1) {
  if (!cal || !cal.utc_offset) return [];
  const off = cal.utc_offset;
  const weekend = new Set((cal.weekend || []).map((d) => d.toLowerCase()));
  const names = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
  const holiday = new Map();
  const makeup = new Set();
  for (const h of cal.holidays || []) {
    const to = h.to || h.from;
    for (let d = Date.parse(`${h.from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += DAY) {
      holiday.set(new Date(d).toISOString().slice(0, 10), h.name);
    }
    for (const w of h.makeup_workdays || []) makeup.add(w);
  }
  const offMs = offsetMs(off);
  const out = [];
  let d = Math.floor((t0 + offMs) / DAY) * DAY;  // a UTC midnight standing for the local date
  for (; d - offMs < t1 && out.length < 800; d += DAY) {
    const date = new Date(d).toISOString().slice(0, 10);
    const from = d - offMs;
    let kind = null;
    let title = "";
    if (makeup.has(date)) { kind = "makeup"; title = t("complaint.chart.makeup"); }
    else if (holiday.has(date)) { kind = "holiday"; title = holiday.get(date); }
    else if (weekend.has(names[new Date(d).getUTCDay()])) { kind = "weekend"; title = t("complaint.chart.weekend"); }
    if (kind) out.push({ kind, date, from, to: from + DAY, title });
  }
  return out;
}

function useWidth(ref) {
  const [w, setW] = useState(900);
  useEffect(() => {
    if (!ref.current || typeof ResizeObserver === "undefined") return undefined;
    const ro = new ResizeObserver((es) => {
      const cw = Math.floor(es[0].contentRect.width);
      if (cw > 0) setW(Math.max(560, cw));
    });
    ro.observe(ref.current);
    return () => ro.disconnect();
  }, []);
  return w;
}

function Segment({ s, x, y, name, onOpenEvent }) {
  const x1 = x(s.from);
  const w = Math.max(3, x(s.to) - x1);
  const open = () => s.event && onOpenEvent(s.event);
  const label = `${name}: ${t(`complaint.kind.${s.kind}`)} ${fmtTime(s.from)} → ${fmtTime(s.to)}`
    + (s.event ? ` (${t("complaint.event_n", { n: s.event })})` : "");
  const cls = `seg seg-${s.kind}${s.kind === "extension" && !s.applied ? " refused" : ""}`;
  return html`<rect class=${cls} data-kind=${s.kind} data-event=${s.event || undefined}
      data-applied=${s.kind === "extension" ? String(!!s.applied) : undefined}
      x=${x1} y=${s.kind === "extension" ? y + BAR_H + 1 : y} width=${w} height=${s.kind === "extension" ? EXT_H : BAR_H}
      tabindex=${s.event ? 0 : undefined} aria-label=${s.event ? label : undefined}
      onClick=${open} onKeyDown=${(e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); } }}>
    <title>${label}</title>
  </rect>`;
}

export function ClockChart({ state, calendar, asOf, zoom, onZoom, onOpenEvent }) {
  const ref = useRef(null);
  const width = useWidth(ref);
  const asOfMs = ms(asOf) || Date.now();
  const models = useMemo(() => (state.clocks || []).map((c) => clockModel(c, asOfMs)), [state, asOfMs]);

  // The time axis: every start, deadline, met instant, pause and extension; "as of" only while
  // the complaint is open (a closed one would otherwise shrink to a sliver on the left). Zoomed
  // to one clock (zoom = its row key), the axis spans that clock alone.
  const zoomed = models.find((m) => !m.none && clockKey(m.c) === zoom);
  const instants = zoomed ? [] : [ms(state.received_at)];
  for (const m of zoomed ? [zoomed] : models) {
    if (m.none) continue;
    instants.push(m.start, m.due, m.end);
    for (const s of m.segs) instants.push(s.from, s.to);
    if (!zoomed) for (const s of m.c.explanation.skipped || []) instants.push(ms(s.from));
  }
  if (state.status === "open" && !zoomed) instants.push(asOfMs);
  const good = instants.filter((v) => Number.isFinite(v));
  let t0 = Math.min(...good);
  let t1 = Math.max(...good);
  if (!(t1 > t0)) { t0 -= HOUR; t1 += HOUR; }
  const span = t1 - t0;
  t0 -= span * 0.02;
  t1 += span * 0.03;
  const x0 = LABEL_W + 8;
  const x1 = width - PAD_R;
  const x = (v) => x0 + ((v - t0) / (t1 - t0)) * (x1 - x0);

  // Rows and their explanation lines.
  let y = AXIS_H + 6;
  const rows = models.map((m) => {
    const lines = explanationLines(m).flatMap((l) => wrap(l, x1 - x0));
    const row = { m, y, lines };
    y += BAR_H + EXT_H + 6 + lines.length * LINE_H + 10;
    return row;
  });
  const height = y + 4;

  const step = STEPS.find((s) => ((x1 - x0) * s) / (t1 - t0) >= 90) || STEPS[STEPS.length - 1];
  // Ticks fall on local midnights (and whole hours) at the calendar's offset.
  const calOff = offsetMs(calendar?.utc_offset || "+08:00");
  const ticks = [];
  const monday = step >= 7 * DAY ? 4 * DAY : 0;  // 1970-01-01 was a Thursday: weeks start on Mondays
  for (let v = Math.ceil((t0 + calOff - monday) / step) * step - calOff + monday; v <= t1 && ticks.length < 60; v += step) ticks.push(v);
  const days = calendar && t1 - t0 < 400 * DAY ? calendarDays(calendar, t0, t1) : [];
  const showNow = asOfMs >= t0 && asOfMs <= t1;

  const aria = t("complaint.chart.aria", {
    clocks: models.map((m) => `${code("clocks", m.c.clock)}${m.c.cycle ? ` #${m.c.cycle + 1}` : ""}: ${code("clock_states", m.c.state)}`).join("; "),
  });

  return html`<div class="chart-tools">
    <label for="clock-zoom">${t("complaint.chart.zoom")}</label>
    <select id="clock-zoom" value=${zoomed ? zoom : ""} onChange=${(e) => onZoom(e.target.value)}>
      <option value="">${t("complaint.chart.zoom_all")}</option>
      ${models.filter((m) => !m.none).map((m) => html`<option value=${clockKey(m.c)}>${code("clocks", m.c.clock)}${m.c.cycle ? ` #${m.c.cycle + 1}` : ""}</option>`)}
    </select>
  </div>
  <figure class="clock-chart" ref=${ref}>
    <svg role="img" aria-label=${aria} width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`}>
      <defs><clipPath id="clock-chart-clip"><rect x=${x0 - 6} y="0" width=${x1 - x0 + 12} height=${height} /></clipPath></defs>
      <g class="calendar">
        ${days.map((d) => html`<rect class=${`cal cal-${d.kind}`} data-day=${d.date} data-day-kind=${d.kind}
            x=${Math.max(x0, x(d.from))} y=${AXIS_H - 4} width=${Math.max(0, Math.min(x1, x(d.to)) - Math.max(x0, x(d.from)))}
            height=${height - AXIS_H}><title>${`${d.date} ${d.title}`}</title></rect>`)}
      </g>
      <g class="axis">
        <line x1=${x0} x2=${x1} y1=${AXIS_H - 4} y2=${AXIS_H - 4} />
        ${ticks.map((v) => html`<g>
          <line x1=${x(v)} x2=${x(v)} y1=${AXIS_H - 8} y2=${height} class="grid" />
          ${x(v) < x1 - 70 && html`<text x=${x(v) + 3} y=${AXIS_H - 12}>${fmtTime(v, step >= DAY ? "date" : "short")}</text>`}
        </g>`)}
      </g>
      ${rows.map(({ m, y: ry, lines }) => {
        const c = m.c;
        const name = `${code("clocks", c.clock)}${c.cycle ? ` #${c.cycle + 1}` : ""}`;
        return html`<g class="clock-row" data-clock=${c.clock} data-cycle=${c.cycle ?? undefined} data-state=${c.state} key=${clockKey(c)}>
          <text class="row-label" x="4" y=${ry + 12}>${name}</text>
          <text class=${`row-state st-${c.state}`} x="4" y=${ry + 12 + LINE_H}>${code("clock_states", c.state)}</text>
          ${!m.none && html`<g clip-path="url(#clock-chart-clip)">
            <rect class="window" x=${x(m.start)} y=${ry} width=${Math.max(1, x(m.due) - x(m.start))} height=${BAR_H}>
              <title>${`${name}: ${fmtTime(m.start)} → ${fmtTime(m.due)}`}</title>
            </rect>
            ${m.segs.map((s) => html`<${Segment} s=${s} x=${x} y=${ry} name=${name} onOpenEvent=${onOpenEvent} />`)}
            <line class="due-tick" x1=${x(m.due)} x2=${x(m.due)} y1=${ry - 3} y2=${ry + BAR_H + 3} />
            ${m.breach !== null && html`<path class="breach" data-kind="breach"
                d=${`M${x(m.breach) - 5},${ry - 9} h10 l-5,8 Z M${x(m.breach)},${ry - 1} v${BAR_H + 2}`}>
              <title>${`${name}: ${t("complaint.chart.breach")} ${fmtTime(m.breach)}`}</title></path>`}
          </g>`}
          ${lines.map((l, i) => html`<text class="explain-line" x=${x0} y=${ry + BAR_H + EXT_H + 13 + i * LINE_H}>${l}</text>`)}
        </g>`;
      })}
      ${showNow && html`<g class="now" data-kind="now">
        <line x1=${x(asOfMs)} x2=${x(asOfMs)} y1=${AXIS_H - 8} y2=${height} />
        <text x=${x(asOfMs) > x1 - 80 ? x(asOfMs) - 4 : x(asOfMs) + 4} y=${AXIS_H - 1} text-anchor=${x(asOfMs) > x1 - 80 ? "end" : "start"}>${t("complaint.chart.as_of")}</text>
      </g>`}
    </svg>
    <figcaption>
      <span class="legend"><span class="sw sw-done"></span>${t("complaint.kind.done")}</span>
      <span class="legend"><span class="sw sw-running"></span>${t("complaint.kind.running")}</span>
      <span class="legend"><span class="sw sw-overdue"></span>${t("complaint.kind.overdue")}</span>
      <span class="legend"><span class="sw sw-paused"></span>${t("complaint.kind.paused")}</span>
      <span class="legend"><span class="sw sw-extension"></span>${t("complaint.kind.extension")}</span>
      <span class="legend"><span class="sw sw-breach"></span>${t("complaint.chart.breach")}</span>
      ${days.length > 0 && html`
        <span class="legend"><span class="sw sw-weekend"></span>${t("complaint.chart.weekend")}</span>
        <span class="legend"><span class="sw sw-holiday"></span>${t("complaint.chart.holiday")}</span>
        <span class="legend"><span class="sw sw-makeup"></span>${t("complaint.chart.makeup")}</span>`}
      ${!showNow && html`<span class="legend muted">${t("complaint.chart.as_of_outside", { at: fmtTime(asOfMs) })}</span>`}
      <span class="legend muted">${t("complaint.chart.click_help")}</span>
    </figcaption>
  </figure>
  <${ClockTable} models=${models} asOf=${asOfMs} />`;
}

// The text alternative: one line per clock.
function ClockTable({ models, asOf }) {
  const rest = (m) => {
    if (m.none) return "";
    if (m.met !== null) {
      return m.met <= m.due ? t("complaint.clock.early", { d: fmtDuration((m.due - m.met) / 1000) })
        : t("complaint.clock.late", { d: fmtDuration((m.met - m.due) / 1000) });
    }
    return asOf < m.due ? t("complaint.clock.remaining", { d: fmtDuration((m.due - asOf) / 1000) })
      : t("complaint.clock.overdue", { d: fmtDuration((asOf - m.due) / 1000) });
  };
  const columns = [
    { key: "clock", label: t("complaint.clock.clock"), render: (m) => html`<${Code} v="clocks" value=${m.c.clock} />${m.c.cycle ? ` #${m.c.cycle + 1}` : ""}`, csv: (m) => clockKey(m.c) },
    { key: "state", label: t("complaint.clock.state"), render: (m) => html`<span class=${`chip st-${m.c.state}`}>${code("clock_states", m.c.state)}</span>`, csv: (m) => m.c.state },
    { key: "level", label: t("complaint.clock.level"), render: (m) => code("levels", m.c.explanation?.level), csv: (m) => m.c.explanation?.level || "" },
    { key: "start", label: t("complaint.clock.started"), render: (m) => html`<${Time} at=${m.c.explanation?.start} />`, csv: (m) => m.c.explanation?.start || "" },
    { key: "due", label: t("complaint.clock.due"), render: (m) => html`<${Time} at=${m.c.due} />`, csv: (m) => m.c.due || "" },
    { key: "met", label: t("complaint.clock.met_at"), render: (m) => html`<${Time} at=${m.c.met_at} />`, csv: (m) => m.c.met_at || "" },
    { key: "rest", label: t("complaint.clock.rest"), render: rest, csv: rest },
    { key: "paused", label: t("complaint.clock.paused"), num: true, render: (m) => (m.paused ? fmtDuration(m.paused / 1000) : ""), csv: (m) => (m.paused ? Math.round(m.paused / 1000) : "") },
    { key: "why", label: t("complaint.clock.allowance"), render: (m) => (m.none ? m.text : m.c.explanation.allowance), csv: (m) => (m.none ? m.text : m.c.explanation.allowance) },
  ];
  return html`<details class="clock-table" open>
    <summary>${t("complaint.clock.table")}</summary>
    <${Table} columns=${columns} rows=${models} csvName="clocks.csv" caption=${t("complaint.clock.caption")} />
  </details>`;
}
