// The console's shell: sign-in, the header (who you are, in which role and department, the time
// zone, the language), the navigation, and the page the hash route names.
import { html, render, useEffect, useState } from "./html.js";
import * as api from "./api.js";
import { AREAS, PAGES } from "./pages.js";
import { LANGS, lang, load, setTimeZone, t, zoneLabel, code } from "./i18n.js";
import { match, useRoute } from "./router.js";
import { ErrorBox, Loading, Me } from "./ui.js";

function SignIn({ onDone }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    api.signIn(token);
    try {
      onDone(await api.get("/v1/me"));
    } catch (err) {
      api.signOut();
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<main id="main" class="signin">
    <h1>${t("app.title")}</h1>
    <form onSubmit=${submit} aria-describedby="signin-help">
      <label for="token">${t("signin.token")}</label>
      <input id="token" type="password" autocomplete="off" required value=${token}
             onInput=${(e) => setToken(e.target.value)} />
      <p id="signin-help" class="muted">${t("signin.help")}</p>
      <button type="submit" disabled=${busy}>${t("signin.submit")}</button>
    </form>
    <${ErrorBox} error=${error} />
  </main>`;
}

function LangSwitch({ onChange }) {
  return html`<label class="lang">${t("header.language")}
    <select value=${lang()} onChange=${(e) => onChange(e.target.value)}>
      ${LANGS.map((l) => html`<option value=${l}>${t(`lang.${l}`)}</option>`)}
    </select></label>`;
}

function Header({ me, onLang }) {
  return html`<header class="top">
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>${t("header.skip")}</a>
    <a class="brand" href="#/">${t("app.title")}</a>
    <div class="who" aria-label=${t("header.who")}>
      <span class="actor">${me.actor}</span>
      <span class="chip">${code("roles", me.role)}</span>
      ${me.department && html`<span class="chip">${code("departments", me.department)}</span>`}
      ${!me.personal_data && html`<span class="chip redacted" title=${t("common.redacted_help")}>${t("header.no_pii")}</span>`}
    </div>
    <span class="zone" title=${t("header.zone_help")}>${zoneLabel()}</span>
    <${LangSwitch} onChange=${onLang} />
    <button type="button" class="small" onClick=${() => api.signOut()}>${t("header.signout")}</button>
  </header>`;
}

function Nav({ path, role }) {
  return html`<nav aria-label=${t("nav.label")}><ul>
    ${PAGES.filter((p) => p.nav && (!p.roles || p.roles.includes(role))).map((p) => {
      const active = p.route === "/" ? path === "/" : path === p.route || path.startsWith(`${p.route}/`);
      return html`<li><a href=${`#${p.route}`} aria-current=${active ? "page" : undefined}>${t(p.nav)}</a></li>`;
    })}
  </ul></nav>`;
}

const modules = {};
function PageOutlet({ route }) {
  let page = null;
  let params = null;
  for (const p of PAGES) {
    params = match(p.route, route.path);
    if (params) { page = p; break; }
  }
  const [loaded, setLoaded] = useState(null);
  useEffect(() => {
    if (!page) return;
    if (modules[page.module]) { setLoaded({ page, Component: modules[page.module] }); return; }
    setLoaded(null);
    import(page.module).then(
      (m) => { modules[page.module] = m.default; setLoaded({ page, Component: m.default }); },
      (error) => setLoaded({ page, error }));
  }, [page && page.module]);
  if (!page) return html`<main id="main" tabindex="-1"><h1>${t("common.not_found")}</h1></main>`;
  if (!loaded || loaded.page !== page) return html`<main id="main" tabindex="-1"><${Loading} /></main>`;
  if (loaded.error) return html`<main id="main" tabindex="-1"><${ErrorBox} error=${loaded.error} /></main>`;
  const C = loaded.Component;
  return html`<main id="main" tabindex="-1"><${C} params=${params} query=${route.params} /></main>`;
}

function App() {
  const route = useRoute();
  const [me, setMe] = useState(null);
  const [checking, setChecking] = useState(api.hasToken());
  const [, setLangTick] = useState(0);

  useEffect(() => api.onAuthChange((inside) => { if (!inside) setMe(null); }), []);
  useEffect(() => {
    if (!api.hasToken()) return;
    api.get("/v1/me").then((m) => { setTimeZone(m.time_zone); setMe(m); },
                            () => api.signOut()).finally(() => setChecking(false));
  }, []);
  useEffect(() => { document.title = t("app.title"); });

  async function changeLang(l) {
    await load(l, AREAS, true);
    setLangTick((n) => n + 1);
  }
  if (checking) return html`<${Loading} />`;
  if (!me) return html`<${SignIn} onDone=${(m) => { setTimeZone(m.time_zone); setMe(m); }} />`;
  return html`<${Me.Provider} value=${me}>
    <${Header} me=${me} onLang=${changeLang} />
    <div class="layout">
      <${Nav} path=${route.path} role=${me.role} />
      <${PageOutlet} route=${route} key=${lang()} />
    </div>
  </${Me.Provider}>`;
}

async function start() {
  const root = document.getElementById("app");
  try {
    await load(lang(), AREAS, false);
  } catch (e) {
    root.textContent = `The console could not load its strings: ${e.message}`;
    return;
  }
  root.textContent = "";  // Preact's render() appends to what is there
  render(html`<${App} />`, root);
}
start();
