// Hash routes: "#/complaints/CMP-2026-000132?as_of=...". Every filter of a page lives in the URL
// (a link or a reload shows the same thing); pages read them with useRoute() and change them
// with navigate().
import { useEffect, useState } from "./html.js";

export function parse(hash = location.hash) {
  const raw = hash.replace(/^#/, "") || "/";
  const [path, query = ""] = raw.split("?");
  const params = Object.fromEntries(new URLSearchParams(query));
  return { path: path || "/", params };
}

// "#/complaints?status=open" from a path and parameters (empty values left out).
export function href(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ""}`;
}

export function navigate(path, params, { replace = false } = {}) {
  const h = href(path, params);
  if (replace) history.replaceState(null, "", h);
  else history.pushState(null, "", h);
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

export function useRoute() {
  const [r, setR] = useState(parse());
  useEffect(() => {
    const f = () => setR(parse());
    window.addEventListener("hashchange", f);
    return () => window.removeEventListener("hashchange", f);
  }, []);
  return r;
}

// Matches "/complaints/:id" against "/complaints/CMP-1": {id: "CMP-1"}, or null.
export function match(pattern, path) {
  const p = pattern.split("/");
  const s = path.split("/");
  if (p.length !== s.length) return null;
  const out = {};
  for (let i = 0; i < p.length; ++i) {
    if (p[i].startsWith(":")) out[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return out;
}
