// The console's only way to the ledger: fetch on the same origin, the bearer token in the
// Authorization header (never in a URL), JSON in and out, problem+json turned into ApiError.
//
// The token lives in memory and in sessionStorage (survives a reload, gone with the tab); never in
// localStorage, a URL or a log. Signing out, a 401, or 30 minutes without a request clear it.

const KEY = "ledger.token";
const IDLE_MS = 30 * 60 * 1000;
let token = sessionStorage.getItem(KEY) || "";
let lastUse = Date.now();
const listeners = new Set();

export function hasToken() { return token !== ""; }

export function signIn(t) {
  token = t.trim();
  sessionStorage.setItem(KEY, token);
  lastUse = Date.now();
  listeners.forEach((f) => f(true));
}

export function signOut() {
  token = "";
  sessionStorage.removeItem(KEY);
  listeners.forEach((f) => f(false));
}

// f(signedIn) after each sign-in and sign-out (a 401 and the idle timeout included).
export function onAuthChange(f) {
  listeners.add(f);
  return () => listeners.delete(f);
}

setInterval(() => {
  if (token && Date.now() - lastUse > IDLE_MS) signOut();
}, 60 * 1000);

// A refused request: `status`, the problem+json body as `problem` (title, detail, errors[] with
// field, rule and message, ...), the response's headers.
export class ApiError extends Error {
  constructor(status, problem, headers) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.headers = headers;
  }
  // The errors[] entries by field name (the first one per field).
  fieldErrors() {
    const out = {};
    for (const e of this.problem.errors || []) if (e.field && !(e.field in out)) out[e.field] = e;
    return out;
  }
}

// "/v1/complaints" + {status: "open", level: ""} -> "/v1/complaints?status=open" (empty values
// are left out; every value is encoded).
export function url(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export function authHeaders(extra) {
  const h = { Accept: "application/json", ...(extra || {}) };
  if (token) h.Authorization = `Bearer ${token}`;
  return h;
}

async function parse(res) {
  const type = res.headers.get("Content-Type") || "";
  if (res.status === 204) return null;
  if (type.includes("json")) return res.json();
  return res.text();
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

// One request. Resolves with the parsed body; rejects with ApiError. A 429 is retried once after
// the Retry-After the server asked for (at most 30 s): `onWait(seconds)` is told first.
export async function request(method, path, { params, body, headers, signal, onWait } = {}) {
  lastUse = Date.now();
  for (let attempt = 0; ; ++attempt) {
    const init = { method, headers: authHeaders(headers), signal, cache: "no-store" };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
    const res = await fetch(url(path, params), init);
    if (res.ok) return parse(res);
    let problem = null;
    try { problem = await parse(res); } catch (_) { problem = null; }
    if (typeof problem === "string") problem = { detail: problem };
    if (res.status === 401 && path !== "/v1/me") signOut();
    if (res.status === 429 && attempt === 0) {
      const wait = Math.min(30, Number(res.headers.get("Retry-After")) || 1);
      if (onWait) onWait(wait);
      await sleep(wait * 1000);
      continue;
    }
    throw new ApiError(res.status, problem, res.headers);
  }
}

export const get = (path, params, opts) => request("GET", path, { ...(opts || {}), params });
export const post = (path, body, opts) => request("POST", path, { ...(opts || {}), body });

// A fresh idempotency key (one per opened form, reused when the same form is sent again).
export function newKey() { return crypto.randomUUID(); }
