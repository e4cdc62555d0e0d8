#!/usr/bin/python3
"""The web console in a real browser (docs/ui.md, "Tests"): Debian's Chromium driven by Selenium.

By default it builds its own world: a seeded demo ledger in a temporary directory
(`ledgerctl demo --complaints 200 --seed 1 --no-serve`), a token per role (`ledgerctl token add`),
and `ledgerctl serve --listen 127.0.0.1:0 --rate-limit 0` (with `--ui-dir api/console` when
--ui-dir is given: the files on disk instead of the embedded copy). Then one headless Chromium
runs the checks below, each a function; each prints PASS or FAIL with the page, the language and
what was expected. At the end: "N passed, N failed"; exit 1 on any failure.

Every run writes a screenshot of every page in both languages to --out (<page>-<lang>.png,
1280x800), plus a few states (a form with its errors, the verified ledger, the live feed...).

Exit 77 (CTest: skipped) when Chromium, chromedriver or Selenium is missing, unless the
environment has CI=true: there a missing browser is a failure.

usage:
  run.py --ledgerctl build/tools/ledgerctl/ledgerctl [--out DIR] [--ui-dir] [--only REGEX] [--keep]
  run.py --base-url http://127.0.0.1:18204 --tokens FILE [--out DIR] [--only REGEX]
         (a ledger already running: FILE has "role token" lines; no ledger is started, and the
          live-feed check drops the browser's network instead of restarting the server)
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
CONSOLE = os.path.join(REPO, "api", "console")
SKIP = 77

# role -> department (ledgerctl token add refuses department-scoped roles without one).
ROLES = {
    "admin": None, "auditor": None, "reader": None, "gm": None, "data_protection": None,
    "cs_agent": "customer_service", "cs_head": "customer_service", "intake": "customer_service",
    "handler": "property", "dept_head": "property",
}
LANGS = ["en", "zh-CN"]
MONTH = "2026-06"  # a month of the seeded demo with fines, rewards and responsibility records
CJK = re.compile(r"[\u4e00-\u9fff]")
CSP_WORDS = ("Content Security Policy", "Content-Security-Policy", "TrustedHTML", "TrustedScript",
             "Trusted Type", "trusted-types")

# Chromium's flags: headless, no network of its own (updates, sync, QUIC), a fixed window, no
# animations (deterministic screenshots).
CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,800",
                "--force-prefers-reduced-motion", "--hide-scrollbars",
                "--disable-dev-shm-usage", "--force-device-scale-factor=1"]

# Installed before any page script: counts CSP violations (also those the log might word
# differently) in window.__cspViolations.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || '?') +
      ' at ' + (e.sourceFile || '?') + ':' + e.lineNumber + ' ' + (e.sample || ''));
});
"""


def die_with_parent():
    """In the child: SIGTERM when this script dies, even by SIGKILL (a CTest timeout), so no
    server outlives the test (Linux prctl PR_SET_PDEATHSIG; elsewhere nothing)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class Failure(Exception):
    """A check's expectation that did not hold: the message says where and what."""


def log(msg):
    print(msg, flush=True)


# ---- the ledger ----------------------------------------------------------------------------------

class Ledger:
    """A demo ledger served by `ledgerctl serve` in a temporary directory (or, with --base-url, a
    ledger somebody else runs). api() calls it with a role's token."""

    def __init__(self, args):
        self.args = args
        self.tokens = {}
        self.proc = None
        self.port = None
        self.base = args.base_url.rstrip("/") if args.base_url else None
        self.tmp = None
        self.can_restart = not args.base_url

    def start(self):
        if self.base:
            with open(self.args.tokens, encoding="utf-8") as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 2:
                        self.tokens[parts[0]] = parts[1]
            self.wait_ready()
            return
        self.tmp = tempfile.mkdtemp(prefix="ledger-ui-test-")
        self.data = os.path.join(self.tmp, "ledger")
        t0 = time.time()
        self.run_ctl(["demo", "--complaints", str(self.args.complaints), "--seed", "1",
                      "--no-serve"])
        for role, dept in ROLES.items():
            cmd = ["token", "add", "--actor", f"ui-{role}", "--role", role]
            if dept:
                cmd += ["--department", dept]
            out = self.run_ctl(cmd).strip().splitlines()
            if not out or not out[-1].startswith("lgr_"):
                raise Failure(f"token add for {role} printed no token: {out!r}")
            self.tokens[role] = out[-1].strip()
        log(f"ledger: demo of {self.args.complaints} complaints in {self.data} "
            f"({time.time() - t0:.1f} s), {len(self.tokens)} tokens")
        self.serve("127.0.0.1:0")

    def run_ctl(self, cmd):
        full = [self.args.ledgerctl, "--data", self.data] + cmd
        r = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=300)
        if r.returncode != 0:
            raise Failure(f"{' '.join(full)} exited {r.returncode}: {r.stderr.strip()[-2000:]}")
        return r.stdout

    def serve(self, listen):
        cmd = [self.args.ledgerctl, "--data", self.data, "serve", "--listen", listen,
               "--rate-limit", "0"]
        if self.args.ui_dir:
            cmd += ["--ui-dir", CONSOLE]
        self.log_path = os.path.join(self.tmp, f"serve-{int(time.time() * 1000)}.log")
        logf = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT,
                                     start_new_session=True, preexec_fn=die_with_parent)
        logf.close()
        # serve prints "listening on http://HOST:PORT" (and "console: http://HOST:PORT/ui/").
        deadline = time.time() + 30
        while time.time() < deadline:
            text = open(self.log_path, encoding="utf-8", errors="replace").read()
            m = re.search(r"listening on http://([0-9.]+):(\d+)", text)
            if m:
                self.port = int(m.group(2))
                self.base = f"http://127.0.0.1:{self.port}"
                break
            if self.proc.poll() is not None:
                raise Failure(f"ledgerctl serve exited {self.proc.returncode}:\n{text[-3000:]}")
            time.sleep(0.05)
        else:
            raise Failure(f"ledgerctl serve printed no address in 30 s:\n{self.serve_log()}")
        self.wait_ready()
        log(f"ledger: serving at {self.base}/ (pid {self.proc.pid})")

    def check_console_served(self):
        """GET /ui/ answers the console's index.html: else no page check can mean anything."""
        try:
            with urllib.request.urlopen(self.base + "/ui/", timeout=10) as r:
                body = r.read().decode(errors="replace")
                ctype = r.headers.get("Content-Type", "")
                csp = r.headers.get("Content-Security-Policy", "")
        except (urllib.error.URLError, OSError) as e:
            raise Failure(f"GET {self.base}/ui/: {e} (a ledgerctl without the console, or --no-ui?)")
        if "text/html" not in ctype or 'id="app"' not in body:
            raise Failure(f"GET {self.base}/ui/ is not the console's index.html ({ctype})")
        if "require-trusted-types-for" not in csp:
            raise Failure(f"GET {self.base}/ui/: no Content-Security-Policy with Trusted Types ({csp!r})")

    def serve_log(self, tail=3000):
        try:
            return open(self.log_path, encoding="utf-8", errors="replace").read()[-tail:]
        except (OSError, AttributeError):
            return ""

    def wait_ready(self, timeout=30):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError) as e:
                last = e
            time.sleep(0.1)
        raise Failure(f"{self.base}/healthz did not answer 200 in {timeout} s: {last}")

    def stop_server(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self):
        """Stops the server and starts it again on the same port (clients lose their
        connections)."""
        port = self.port
        self.stop_server()
        self.serve(f"127.0.0.1:{port}")

    def close(self):
        self.stop_server()
        if self.tmp and not self.args.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)
        elif self.tmp:
            log(f"ledger: kept {self.tmp}")

    def api(self, method, path, role, body=None, ok=(200, 201)):
        """One request with `role`'s token: (status, parsed JSON). A status outside `ok` fails
        unless ok is None."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.tokens[role]}")
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        if ok is not None and status not in ok:
            raise Failure(f"{method} {path} as {role}: HTTP {status} {str(parsed)[:500]}")
        return status, parsed


class Relay:
    """A TCP relay on 127.0.0.1 in front of the ledger, for a ledger this script does not run:
    drop() cuts every connection through it (as a network failure would), so the live feed's
    resume can be tested without restarting somebody else's server."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.srv = socket.socket()
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(64)
        self.port = self.srv.getsockname()[1]
        self.conns = set()
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while not self.closed:
            try:
                c, _ = self.srv.accept()
            except OSError:
                return
            try:
                u = socket.create_connection(self.target, timeout=10)
                u.settimeout(None)
            except OSError:
                c.close()
                continue
            with self.lock:
                self.conns.update((c, u))
            for a, b in ((c, u), (u, c)):
                threading.Thread(target=self.pump, args=(a, b), daemon=True).start()

    def pump(self, a, b):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def drop(self):
        with self.lock:
            conns, self.conns = self.conns, set()
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass

    def close(self):
        self.closed = True
        self.srv.close()
        self.drop()


# ---- the browser ---------------------------------------------------------------------------------

def find_browser():
    """(chromium, chromedriver, None) or (None, None, why)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return None, None, f"Selenium is not importable by {sys.executable} (apt-get install python3-selenium)"
    chrome = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "",
                               shutil.which("chromium-browser") or "") if p and os.path.exists(p)), None)
    driver = next((p for p in ("/usr/bin/chromedriver", shutil.which("chromedriver") or "")
                   if p and os.path.exists(p)), None)
    if not chrome:
        return None, None, "no Chromium (apt-get install chromium)"
    if not driver:
        return None, None, "no chromedriver (apt-get install chromium-driver)"
    return chrome, driver, None


class Browser:
    """One headless Chromium for the whole run. open() signs in as a role in a language (the
    token in sessionStorage, the language in localStorage, as the console keeps them) and loads a
    page from scratch; logs() drains the browser's console."""

    def __init__(self, chrome, driver_path, base, ledger, tmp):
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
        opts = Options()
        opts.binary_location = chrome
        self.profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp)
        for f in CHROME_FLAGS + [f"--user-data-dir={self.profile}"]:
            opts.add_argument(f)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.d = webdriver.Chrome(service=Service(driver_path), options=opts)
        self.d.set_page_load_timeout(30)
        self.d.set_script_timeout(60)
        self.d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_RECORDER})
        # Headless Chromium keeps room for a window frame: fix the viewport itself at 1280x800.
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
        self.base = base
        self.ledger = ledger
        self.who = None  # (role, lang) signed in
        self.strings = {lang: load_strings(lang) for lang in LANGS}

    def quit(self):
        try:
            self.d.quit()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass

    def sign_in(self, role, lang):
        if self.who == (role, lang):
            return
        self.d.get(self.base + "/ui/")
        self.d.execute_script(
            "sessionStorage.setItem('ledger.token', arguments[0]);"
            "localStorage.setItem('ledger.lang', arguments[1]);",
            self.ledger.tokens[role], lang)
        self.who = (role, lang)

    def open(self, route, role, lang, ready=True):
        """Loads /ui/#<route> afresh (about:blank first: a hash change alone does not reload)."""
        self.sign_in(role, lang)
        self.d.get("about:blank")
        self.logs()
        self.d.get(f"{self.base}/ui/#{route}")
        if ready:
            self.wait_ready(route, lang)

    def wait_ready(self, route, lang, timeout=20):
        """The shell signed in (header with the actor), the page rendered (no loading note left in
        main) and its text unchanged over two polls."""
        loading = self.strings[lang].get("common.loading", "Loading")
        script = """
          const main = document.getElementById('main');
          if (!document.querySelector('.who .actor') || !main) return null;
          const busy = [...document.querySelectorAll('[role=status], [aria-busy=true]')]
            .some((e) => e.textContent.trim() === arguments[0] || e.getAttribute('aria-busy') === 'true');
          if (busy) return null;
          return main.innerText;"""
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            text = self.d.execute_script(script, loading)
            if text is not None and text == last:
                return
            last = text
            time.sleep(0.3)
        if last is None:
            raise Failure(f"{route} [{lang}]: no signed-in header (.who .actor) and #main in "
                          f"{timeout} s: the sign-in failed or the shell did not start")
        raise Failure(f"{route} [{lang}]: the page did not settle in {timeout} s "
                      f"(a loading note stayed, or the text kept changing); main shows: {str(last)[:300]!r}")

    def wait(self, what, fn, timeout=15, poll=0.2):
        """Polls fn() until it returns something truthy; Failure naming `what` otherwise."""
        deadline = time.time() + timeout
        last_exc = None
        while time.time() < deadline:
            try:
                v = fn()
                if v:
                    return v
            except Exception as e:  # noqa: BLE001 - stale elements while the page re-renders
                last_exc = e
            time.sleep(poll)
        raise Failure(f"timed out after {timeout} s waiting for {what}"
                      + (f" (last error: {last_exc})" if last_exc else ""))

    def q(self, css):
        from selenium.webdriver.common.by import By
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def logs(self):
        """Browser console entries since the last call, plus CSP violations the page saw."""
        out = []
        try:
            out = [{"level": e["level"], "message": e["message"]} for e in self.d.get_log("browser")]
        except Exception as e:  # noqa: BLE001
            out = [{"level": "SEVERE", "message": f"(could not read the browser log: {e})"}]
        try:
            for v in self.d.execute_script("const v = window.__cspViolations || []; "
                                           "window.__cspViolations = []; return v;") or []:
                out.append({"level": "CSP", "message": f"Content Security Policy violation: {v}"})
        except Exception:  # noqa: BLE001 - about:blank and the like
            pass
        return out

    def shot(self, out_dir, name):
        if not out_dir:
            return
        os.makedirs(out_dir, exist_ok=True)
        self.d.save_screenshot(os.path.join(out_dir, f"{name}.png"))


def load_strings(lang):
    merged = {}
    d = os.path.join(CONSOLE, "i18n")
    for fn in sorted(os.listdir(d)):
        if fn.endswith(f".{lang}.json"):
            with open(os.path.join(d, fn), encoding="utf-8") as f:
                merged.update(json.load(f))
    return merged


def bad_entries(entries):
    """SEVERE entries and anything about CSP or Trusted Types, whatever its level."""
    return [e for e in entries if e["level"] in ("SEVERE", "CSP")
            or any(w.lower() in e["message"].lower() for w in CSP_WORDS)]


# ---- the data the checks need, found through the API -----------------------------------------------

class World:
    """Complaint ids and facts of the demo ledger the checks use, looked up once (never
    hard-coded: another seed or generator still works)."""

    def __init__(self, ledger):
        self.ledger = ledger
        api = ledger.api
        self.pause = None      # (complaint, paused_at, resumed_at)
        events = []
        pos = 1
        while True:
            _, page = api("GET", f"/v1/events?from={pos}&limit=1000", "auditor")
            events += page["events"]
            if not page.get("has_more"):
                break
            pos = page["next"]
        self.head = page["head"]
        paused = {}
        for e in events:
            if e["type"] == "ClockPaused" and e["stream"] not in paused:
                paused[e["stream"]] = e["occurred_at"]
            elif e["type"] == "ClockResumed" and e["stream"] in paused and not self.pause:
                self.pause = (e["stream"], paused[e["stream"]], e["occurred_at"])
        _, fines = api("GET", f"/v1/fines?month={MONTH}", "auditor")
        lines = [l for l in fines.get("lines", []) if l.get("evidence")]
        self.fine = lines[0] if lines else None
        waived = [l for l in lines if l.get("waived")]
        self.waived = waived[0] if waived else None
        _, lst = api("GET", "/v1/complaints?status=open&limit=50", "cs_agent")
        self.open_ids = [c["id"] for c in lst["complaints"]]
        _, lst = api("GET", "/v1/complaints?limit=5", "auditor")
        self.any_id = lst["complaints"][0]["id"]
        self.project = lst["complaints"][0]["project"]
        # The complaint shown on the gallery's complaint pages: one with a pause and fines if any.
        self.showcase = (self.pause or (None,))[0] or (self.fine or {}).get("complaint") or self.any_id
        log(f"data: {len(events)} events; paused {self.pause}; fine {self.fine and self.fine['id']}; "
            f"open {self.open_ids[:3]}...; showcase {self.showcase}")

    def open_complaint(self, n=0):
        if len(self.open_ids) <= n:
            raise Failure("the demo ledger has no open complaint to act on")
        return self.open_ids[n]


# ---- the checks --------------------------------------------------------------------------------

PAGES = [  # (screenshot name, route; "{showcase}" is filled in)
    ("dashboard", "/"),
    ("complaints", "/complaints"),
    ("complaint", "/complaints/{showcase}"),
    ("fines", f"/fines?month={MONTH}"),
    ("rewards", f"/rewards?month={MONTH}"),
    ("responsibility", f"/responsibility?month={MONTH}"),
    ("findings", "/findings"),
    ("alerts", "/alerts"),
    ("ledger", "/ledger"),
    ("events", "/events"),
    ("actions", "/actions"),
    ("policies", "/policies"),
    ("privacy", "/privacy"),
]
# Who looks at each page in the page matrix: a role that may read all of it (the auditor reads
# every report, the log and the integrity check); the actions page by someone who may act.
PAGE_ROLE = {"actions": "cs_head", "privacy": "data_protection"}


class Suite:
    def __init__(self, args, ledger, browser, world):
        self.args = args
        self.L = ledger
        self.B = browser
        self.W = world
        self.out = args.out
        self.passed = 0
        self.failed = []

    # Runs one named check, catching its failure.
    def run(self, name, fn, *a):
        if self.args.only and not re.search(self.args.only, name):
            return
        t0 = time.time()
        try:
            fn(*a)
        except Failure as e:
            self.failed.append((name, str(e)))
            log(f"FAIL {name} ({time.time() - t0:.1f} s)\n     {str(e)}".replace("\n", "\n     "))
            return
        except Exception as e:  # noqa: BLE001 - a harness or Selenium error is a failure too
            self.failed.append((name, f"{type(e).__name__}: {e}"))
            log(f"FAIL {name}: {type(e).__name__}: {e}\n{traceback.format_exc()}")
            return
        self.passed += 1
        log(f"PASS {name} ({time.time() - t0:.1f} s)")

    def header_ok(self, where, role, lang):
        s = self.B.strings[lang]
        role_label = s.get(f"code.roles.{role}", role)
        who = self.B.q(".who")
        text = who[0].text if who else ""
        problems = []
        if f"ui-{role}" not in text and not self.L.args.base_url:
            problems.append(f"the header does not show the actor ui-{role} (it shows {text!r})")
        if not self.B.q(".who .actor") or not self.B.q(".who .actor")[0].text.strip():
            problems.append("the header shows no actor")
        if role_label not in text:
            problems.append(f"the header does not show the role {role_label!r} (it shows {text!r})")
        if problems:
            raise Failure(f"{where}: " + "; ".join(problems))

    # -- every page in both languages
    def page(self, name, route, lang):
        role = PAGE_ROLE.get(name, "auditor")
        where = f"page {route} [{lang}] as {role}"
        self.B.open(route, role, lang)
        problems = []
        bad = bad_entries(self.B.logs())
        for e in bad:
            problems.append(f"browser log {e['level']}: {e['message'][:400]}")
        html_lang = self.B.d.execute_script("return document.documentElement.lang")
        if html_lang != lang:
            problems.append(f"<html lang> is {html_lang!r}, expected {lang!r}")
        try:
            self.header_ok(where, role, lang)
        except Failure as e:
            problems.append(str(e))
        if lang == "zh-CN":
            body = self.B.d.execute_script("return document.body.innerText")
            main = self.B.d.execute_script("return (document.getElementById('main')||{}).innerText||''")
            if not CJK.search(body) or not CJK.search(main):
                problems.append("no Chinese text on the page (or in its main part) in zh-CN")
        self.B.shot(self.out, f"{name}-{lang}")
        if problems:
            raise Failure(f"{where}:\n" + "\n".join(problems))

    # -- serve says where the console is
    def console_line(self):
        text = self.L.serve_log(tail=100000)
        want = f"console: http://127.0.0.1:{self.L.port}/ui/"
        if want not in text:
            raise Failure(f"ledgerctl serve did not print {want!r}; it printed:\n{text[:1000]}")

    # -- the real sign-in form, once
    def sign_in_form(self):
        from selenium.webdriver.common.by import By
        d = self.B.d
        d.get(self.B.base + "/ui/")
        d.execute_script("sessionStorage.clear(); localStorage.setItem('ledger.lang', 'en');")
        self.B.who = None
        d.get("about:blank")
        d.get(self.B.base + "/ui/")
        box = self.B.wait("the sign-in form's input#token",
                          lambda: [e for e in self.B.q("input#token") if e.is_displayed()])[0]
        label = self.B.q("label[for=token]")
        if not label:
            raise Failure("sign-in: the token input has no <label for=token>")
        box.send_keys(self.L.tokens["cs_agent"])
        box.find_element(By.XPATH, "./ancestor::form").find_element(
            By.CSS_SELECTOR, "button[type=submit]").click()
        self.B.wait("the header after signing in", lambda: self.B.q(".who .actor"))
        self.header_ok("sign-in form [en]", "cs_agent", "en")
        url = d.current_url
        if self.L.tokens["cs_agent"] in url:
            raise Failure("sign-in: the token appears in the URL")
        stored = d.execute_script("return [sessionStorage.getItem('ledger.token'), "
                                  "localStorage.getItem('ledger.token')]")
        if stored[0] != self.L.tokens["cs_agent"] or stored[1]:
            raise Failure(f"sign-in: the token should be in sessionStorage only, found {stored!r}")
        bad = bad_entries(self.B.logs())
        if bad:
            raise Failure("sign-in: browser log: " + "; ".join(e["message"][:300] for e in bad))
        self.B.who = ("cs_agent", "en")

    # -- the role matrix
    def no_forms(self, role, route):
        self.B.open(route, role, "en")
        forms = self.B.q("form[data-action]")
        pickers = self.B.q("[data-testid=action-picker]")
        if forms or pickers:
            raise Failure(f"{route} [en] as {role}: expected no action forms, found "
                          f"{len(forms)} form[data-action] and {len(pickers)} action pickers")

    def role_reader(self):
        cid = self.W.showcase
        self.B.open(f"/complaints/{cid}", "reader", "en")
        if not self.B.q("#main .chip.redacted"):
            raise Failure(f"/complaints/{cid} [en] as reader: expected .chip.redacted marks in "
                          "the page (the complainant's personal data is withheld)")
        self.B.logs()
        self.no_forms("reader", f"/complaints/{cid}")
        self.no_forms("reader", "/actions")
        self.B.shot(self.out, "complaint-reader-en")

    def role_auditor(self):
        cid = self.W.showcase
        _, c = self.L.api("GET", f"/v1/complaints/{cid}", "auditor")
        self.B.open(f"/complaints/{cid}", "auditor", "en")
        if self.B.q("#main .chip.redacted") or self.B.q(".who .chip.redacted"):
            raise Failure(f"/complaints/{cid} [en] as auditor: expected no .chip.redacted "
                          "(the auditor sees personal data)")
        name = ((c or {}).get("complainant") or {}).get("name")
        text = self.B.d.execute_script("return document.getElementById('main').innerText")
        if name and name not in text:
            raise Failure(f"/complaints/{cid} [en] as auditor: the complainant's name {name!r} "
                          "is not shown")
        self.no_forms("auditor", f"/complaints/{cid}")
        self.no_forms("auditor", "/actions")

    def role_cs_agent(self):
        self.B.open("/actions", "cs_agent", "en")
        if not (self.B.q("form[data-action]") or self.B.q("[data-testid=action-picker]")):
            raise Failure("/actions [en] as cs_agent: expected action forms (form[data-action]) "
                          "or an action picker ([data-testid=action-picker])")
        cid = self.W.open_complaint(0)
        route = f"/actions?type=record_progress&complaint={cid}"
        self.B.open(route, "cs_agent", "en")
        self.B.wait(f"{route} [en] as cs_agent: form[data-action=record_progress]",
                    lambda: self.B.q("form[data-action=record_progress]"))

    # -- forms: field errors and conflicts
    def action_form(self, cid, atype, role="cs_agent", lang="en"):
        route = f"/actions?type={atype}&complaint={cid}"
        self.B.open(route, role, lang)
        return route, self.B.wait(f"{route} [{lang}]: form[data-action={atype}]",
                                  lambda: self.B.q(f"form[data-action={atype}]"))[0]

    def bad_action(self):
        from selenium.webdriver.common.by import By
        cid = self.W.open_complaint(0)
        route, form = self.action_form(cid, "record_progress")
        # summary is required: sent empty, the server names it.
        summary = form.find_elements(By.CSS_SELECTOR, "[name=summary]")
        if not summary:
            raise Failure(f"{route}: the record_progress form has no input named summary")
        summary[0].clear()
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

        def error_at_summary():
            inp = self.B.q("form[data-action=record_progress] [name=summary]")
            errs = self.B.q("form[data-action=record_progress] .field-error")
            if not inp or not errs:
                return None
            if inp[0].get_attribute("aria-invalid") != "true":
                return None
            # The error is the input's (described by it, or in its field's box).
            described = (inp[0].get_attribute("aria-describedby") or "").split()
            return any(e.get_attribute("id") in described for e in errs) or self.B.d.execute_script(
                "const i = arguments[0]; const box = i.closest('.field') || i.parentElement;"
                "return !!box.querySelector('.field-error');", inp[0])
        self.B.wait(f"{route} [en]: a .field-error at [name=summary] with aria-invalid=true "
                    "after sending it empty", error_at_summary)
        self.B.shot(self.out, "action-errors-en")
        # Nothing was recorded: the version is unchanged.
        self.B.logs()

    def stale_version(self):
        from selenium.webdriver.common.by import By
        cid = self.W.open_complaint(1)
        route, form = self.action_form(cid, "record_progress")
        # Behind the page's back: another action moves the complaint to the next version.
        self.L.api("POST", f"/v1/complaints/{cid}/actions", "cs_agent",
                   {"type": "record_progress", "summary": "ui test: moved on behind the form"})
        form = self.B.q("form[data-action=record_progress]")[0]
        form.find_element(By.CSS_SELECTOR, "[name=summary]").send_keys("ui test: from a stale form")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.B.wait(f"{route} [en]: [data-testid=conflict] after sending with a stale "
                    "expected_version", lambda: self.B.q("[data-testid=conflict]"))
        self.B.shot(self.out, "action-conflict-en")
        self.B.logs()

    # -- the live feed
    def live_feed(self):
        route = "/events"
        relay = None
        if not self.L.can_restart:
            # Somebody else's ledger: the browser reaches it through a relay this script can cut.
            from urllib.parse import urlparse
            u = urlparse(self.L.base)
            relay = Relay(u.hostname, u.port or 80)
            self.B.base, self.B.who = f"http://127.0.0.1:{relay.port}", None
        try:
            self.live_feed_via(route, relay)
        finally:
            if relay:
                self.B.base, self.B.who = self.L.base, None
                relay.close()

    def live_feed_via(self, route, relay):
        self.B.open(route, "cs_head", "en")
        state_css = "[data-testid=live-state]"

        def state():
            el = self.B.q(state_css)
            return el[0].get_attribute("data-state") if el else None
        self.B.wait(f"{route}: {state_css}[data-state=open]", lambda: state() == "open")

        def post(summary):
            _, r = self.L.api("POST", f"/v1/complaints/{self.W.open_complaint(2)}/actions",
                              "cs_agent", {"type": "record_progress", "summary": summary})
            return r["position"]

        def row(pos, what, timeout=10):
            t0 = time.time()
            self.B.wait(f"{route}: tr[data-position=\"{pos}\"] ({what})",
                        lambda: self.B.q(f'tr[data-position="{pos}"]'), timeout=timeout, poll=0.1)
            return time.time() - t0
        p1 = post("ui test: live feed")
        took = row(p1, "a new event, within 10 s")
        log(f"     live: event {p1} shown after {took:.1f} s")
        self.B.shot(self.out, "events-live-en")

        # Drop the connection: restart our own server on the same port, or (a ledger somebody
        # else runs) cut the relay's connections.
        seen = set()

        def watch_until(pred, what, timeout):
            deadline = time.time() + timeout
            while time.time() < deadline:
                s = state()
                seen.add(s)
                if pred(s):
                    return
                time.sleep(0.05)
            raise Failure(f"{route}: {what} within {timeout} s (states seen: {sorted(map(str, seen))})")
        if relay is None:
            self.L.restart()
            watch_until(lambda s: s != "open", "the live state leaves open after the server restarted", 10)
            p2 = post("ui test: while the feed reconnects")
        else:
            relay.drop()
            watch_until(lambda s: s != "open", "the live state leaves open after its connection was cut", 10)
            p2 = post("ui test: while the feed reconnects")
        watch_until(lambda s: s == "open", "the live state is open again (resumed)", 40)
        row(p2, "the event appended while the feed was down, after resuming")
        p3 = post("ui test: after the feed resumed")
        row(p3, "a new event after resuming")
        dupes = self.B.d.execute_script(
            "const s = [...document.querySelectorAll('tr[data-position]')].map(r => r.dataset.position);"
            "return s.length - new Set(s).size;")
        if dupes:
            raise Failure(f"{route}: {dupes} event rows shown twice after resuming (Last-Event-ID)")
        self.B.logs()  # the dropped connection's network errors are expected here

    # -- time travel
    def time_travel(self):
        if not self.W.pause:
            raise Failure("the demo ledger has no complaint whose clock was paused and resumed")
        cid, paused_at, resumed_at = self.W.pause
        t_pause = parse_time(paused_at)
        before = fmt_utc(t_pause - 60)
        during = fmt_utc(t_pause + min(3600, (parse_time(resumed_at) - t_pause) / 2))
        seen = {}
        for label, at in (("before", before), ("during", during)):
            route = f"/complaints/{cid}?as_of={at}"
            self.B.open(route, "auditor", "en")
            self.B.wait(f"{route}: figure.clock-chart with g[data-clock]",
                        lambda: self.B.q("figure.clock-chart g[data-clock]"))
            seen[label] = self.B.d.execute_script("""
              const f = document.querySelector('figure.clock-chart');
              const states = {};
              f.querySelectorAll('g[data-clock]').forEach((g) => {
                states[g.dataset.clock + ':' + (g.dataset.cycle || '')] = g.dataset.state; });
              return {paused: f.querySelectorAll('rect[data-kind=paused]').length, states,
                      text: !!(f.getAttribute('aria-label') || f.querySelector('figcaption, table, [role=img][aria-label], svg[aria-label]'))};
            """)
            _, state = self.L.api("GET", f"/v1/complaints/{cid}?as_of={at}", "auditor")
            seen[label]["api"] = {c["clock"]: c["state"] for c in state["clocks"]}
            self.B.shot(self.out, f"complaint-asof-{label}-en")
        b, d = seen["before"], seen["during"]
        problems = []
        if b["paused"] != 0:
            problems.append(f"before the pause ({before}) the chart has {b['paused']} paused segments, expected 0")
        if d["paused"] < 1:
            problems.append(f"during the pause ({during}) the chart has no rect[data-kind=paused]")
        changed = [k for k in set(b["states"]) | set(d["states"]) if b["states"].get(k) != d["states"].get(k)]
        if not changed:
            problems.append(f"no g[data-clock] changed its data-state between as_of {before} and {during}: "
                            f"{b['states']} vs {d['states']} (the API says {b['api']} vs {d['api']})")
        for label, s in seen.items():
            if "paused" in s["api"].values() and "paused" not in s["states"].values():
                problems.append(f"as_of {label}: the API has a paused clock ({s['api']}), the chart shows {s['states']}")
            if not s["text"]:
                problems.append(f"as_of {label}: figure.clock-chart has no text alternative (aria-label, caption or table)")
        if problems:
            raise Failure(f"/complaints/{cid} [en]: " + "; ".join(problems))

    # -- evidence in two clicks
    def evidence(self):
        if not self.W.fine:
            raise Failure(f"no fine line with evidence in {MONTH}")
        cid = self.W.fine["complaint"]
        evidence = [str(p) for p in self.W.fine["evidence"]]
        route = f"/complaints/{cid}?tab=fines"
        self.B.open(route, "auditor", "en")
        sel = ", ".join(f'#main button[data-event="{p}"], #main a[data-event="{p}"], '
                        f'#main a[href*="ev={p}"]' for p in evidence)
        link = self.B.wait(f"{route}: an evidence link to event {' or '.join(evidence)}",
                           lambda: [e for e in self.B.q(sel) if e.is_displayed()])[0]
        link.click()
        hl = self.B.wait(f"{route}: after clicking an evidence link, #ev-<position>.highlight visible",
                         lambda: [e for e in self.B.q("[id^='ev-'].highlight") if e.is_displayed()])
        pos = hl[0].get_attribute("id")[3:]
        if pos not in evidence:
            raise Failure(f"{route}: the highlighted event is {pos}, the fine's evidence is {evidence}")
        self.B.shot(self.out, "complaint-evidence-en")

    # -- verify
    def verify(self):
        route = "/ledger"
        self.B.open(route, "auditor", "en")
        if not self.B.q("[data-testid=head-hash]"):
            buttons = (self.B.q("[data-testid=verify-run]") or
                       [b for b in self.B.q("#main button") if b.is_displayed() and b.is_enabled()])
            if not buttons:
                raise Failure(f"{route}: no button to run the check ([data-testid=verify-run] or a button in main)")
            buttons[0].click()
        el = self.B.wait(f"{route}: [data-testid=head-hash] after running the check",
                         lambda: self.B.q("[data-testid=head-hash]"), timeout=60)[0]
        _, v = self.L.api("GET", "/v1/ledger/verify", "auditor")
        shown = el.text.strip()
        want = v["head"]["hash"]
        if shown != want:
            raise Failure(f"{route}: head hash shown {shown!r}, GET /v1/ledger/verify says {want!r}")
        if not v.get("ok"):
            raise Failure(f"{route}: GET /v1/ledger/verify says not ok: {v}")
        res = self.B.q("[data-testid=verify-result]")
        if not res:
            raise Failure(f"{route}: no [data-testid=verify-result]")
        self.B.shot(self.out, "ledger-verified-en")

    # -- data protection: the page only for its roles; the record of reads lists a read just made;
    # a phone lookup goes in the body and says when nobody has the phone.
    def privacy(self):
        route = "/privacy"
        self.B.open("/", "cs_agent", "en")
        if any("#/privacy" in (a.get_attribute("href") or "") for a in self.B.q("nav a")):
            raise Failure("the navigation offers the data-protection page to cs_agent")
        complaint = self.W.showcase
        self.L.api("GET", f"/v1/complaints/{complaint}", "auditor")
        self.B.open(f"{route}?actor=ui-auditor&complaint={complaint}", "data_protection", "en")
        rows = self.B.wait(f"{route}: a row of the record of reads for the auditor's read",
                           lambda: self.B.q("#privacy-reads-table tbody tr"), timeout=30)
        text = rows[-1].text
        if complaint not in text or "GET /v1/complaints/{id}" not in text:
            raise Failure(f"{route}: the last read row does not show the auditor's read of {complaint}: {text!r}")
        box = self.B.q("#privacy-phone")[0]
        box.send_keys("13999999999")
        self.B.q("[data-testid=privacy-lookup] button[type=submit]")[0].click()
        self.B.wait(f"{route}: the lookup's answer", lambda: self.B.q("[data-testid=privacy-none]"), timeout=30)
        if "13999999999" in self.B.d.current_url:
            raise Failure(f"{route}: the phone appeared in the address {self.B.d.current_url!r}")
        self.B.shot(self.out, "privacy-reads-en")

    # -- XSS
    def xss(self):
        payload = '<img src=x onerror="window.__xss=1">'
        body = {"type": "receive", "channel": "hotline",
                "complainant": {"name": "<b>Tester</b>", "phone": "13800000000"},
                "project": self.W.project, "subject": payload,
                "description": "ui test: the subject is an HTML payload; it must render as text",
                "receiving_department": "customer_service",
                "external_ref": f"ui-xss-{int(time.time() * 1000)}"}
        _, r = self.L.api("POST", "/v1/complaints", "cs_agent", body)
        cid = r["id"]
        for route, role in ((f"/complaints/{cid}", "cs_agent"), (f"/complaints/{cid}?tab=events", "auditor"),
                            ("/events", "cs_head")):
            self.B.open(route, role, "en")
            if route == "/events":
                try:  # the live feed shows the new events (when the page lists the latest ones)
                    self.B.wait(f"{route}: the complaint's events", lambda: self.B.d.execute_script(
                        "return document.body.innerText.includes(arguments[0])", cid), timeout=5)
                except Failure:
                    pass
            got = self.B.d.execute_script("""
              return {xss: window.__xss, img: document.querySelectorAll('img[src="x"]').length,
                      text: document.body.innerText.includes(arguments[0])};""", payload)
            if got["xss"] is not None or got["img"]:
                raise Failure(f"{route} [en] as {role}: the subject's HTML ran "
                              f"(window.__xss={got['xss']!r}, {got['img']} img[src=x])")
            if route.startswith("/complaints/") and "tab" not in route and not got["text"]:
                raise Failure(f"{route} [en] as {role}: the subject {payload!r} is not shown literally")
        self.B.shot(self.out, "complaint-xss-en")
        self.B.logs()

    # -- accessibility (axe-core)
    def axe(self, name, route, role):
        self.B.open(route, role, "en")
        before = bad_entries(self.B.logs())  # the page's own log, before axe adds to it
        src = open(os.path.join(HERE, "vendor", "axe.min.js"), encoding="utf-8").read()
        self.B.d.execute_script(src + "\n;window.__axeLoaded = typeof axe;")
        if self.B.d.execute_script("return window.__axeLoaded") != "object":
            raise Failure(f"{route}: axe-core did not load")
        res = self.B.d.execute_async_script("""
          const done = arguments[arguments.length - 1];
          axe.run(document, {resultTypes: ['violations']})
            .then((r) => done({violations: r.violations.map((v) => ({id: v.id, impact: v.impact,
                 help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\n/g, ' '))}))}))
            .catch((e) => done({error: String(e && e.stack || e)}));""")
        self.B.logs()  # axe's own doings (it may trip Trusted Types) are not the page's
        if res.get("error"):
            raise Failure(f"{route}: axe.run failed: {res['error'][:500]}")
        serious = [v for v in res["violations"] if v["impact"] in ("serious", "critical")]
        minor = [v for v in res["violations"] if v not in serious]
        for v in minor:
            log(f"     axe {name}: {v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} nodes)")
        problems = [f"{route} [en] as {role}: browser log before axe: {e['message'][:300]}" for e in before]
        for v in serious:
            problems.append(f"{v['impact']} {v['id']}: {v['help']}\n  " + "\n  ".join(v["nodes"]))
        if problems:
            raise Failure(f"{route} [en] as {role}: axe-core found serious or critical violations:\n"
                          + "\n".join(problems))

    def all(self):
        if self.L.can_restart:
            self.run("serve prints the console's address", self.console_line)
        self.run("sign-in form", self.sign_in_form)
        for name, route in PAGES:
            route = route.format(showcase=self.W.showcase)
            for lang in LANGS:
                self.run(f"page {name} [{lang}]", self.page, name, route, lang)
        self.run("role reader: redaction marks, no forms", self.role_reader)
        self.run("role auditor: personal data, no forms", self.role_auditor)
        self.run("role cs_agent: its forms", self.role_cs_agent)
        self.run("bad action: field errors", self.bad_action)
        self.run("stale version: conflict", self.stale_version)
        self.run("time travel: as_of changes the clocks", self.time_travel)
        self.run("evidence in two clicks", self.evidence)
        self.run("verify: head hash", self.verify)
        self.run("xss: subject rendered as text", self.xss)
        self.run("data protection: record of reads, lookup", self.privacy)
        for name, route, role in (("complaint", f"/complaints/{self.W.showcase}", "auditor"),
                                  ("complaints", "/complaints", "auditor"),
                                  ("dashboard", "/", "auditor"),
                                  ("actions", f"/actions?type=record_progress&complaint={self.W.open_ids[0] if self.W.open_ids else ''}", "cs_agent")):
            self.run(f"axe {name}", self.axe, name, route, role)
        # Last: it restarts the server.
        self.run("live feed: new event, resume after a drop", self.live_feed)


def parse_time(s):
    from datetime import datetime
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def fmt_utc(ts):
    from datetime import datetime, timezone
    return datetime.fromtimestamp(int(ts), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--ledgerctl", help="the ledgerctl binary (starts a demo ledger of its own)")
    ap.add_argument("--out", default=None, help="directory for the screenshots (<page>-<lang>.png)")
    ap.add_argument("--ui-dir", action="store_true",
                    help="serve the console from api/console on disk (ledgerctl serve --ui-dir) instead of the embedded copy")
    ap.add_argument("--base-url", help="use a ledger already running at this URL (with --tokens)")
    ap.add_argument("--tokens", help="with --base-url: a file of 'role token' lines")
    ap.add_argument("--complaints", type=int, default=200, help="demo size (default 200)")
    ap.add_argument("--only", help="run only the checks whose name matches this regular expression")
    ap.add_argument("--keep", action="store_true", help="keep the temporary ledger directory")
    args = ap.parse_args()
    if not args.base_url and not args.ledgerctl:
        ap.error("--ledgerctl or --base-url is needed")
    if args.base_url and not args.tokens:
        ap.error("--base-url needs --tokens")

    chrome, driver, why = find_browser()
    if why:
        if os.environ.get("CI") == "true":
            log(f"FAIL no browser under CI=true: {why}")
            log("0 passed, 1 failed")
            return 1
        log(f"SKIP {why} (tools/setup.sh installs it; under CI=true this fails)")
        return SKIP
    if args.out:
        args.out = os.path.abspath(args.out)
        os.makedirs(args.out, exist_ok=True)

    ledger = Ledger(args)
    browser = None
    tmp = tempfile.mkdtemp(prefix="ui-run-")

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    suite = None
    try:
        ledger.start()
        ledger.check_console_served()
        world = World(ledger)
        browser = Browser(chrome, driver, ledger.base, ledger, tmp)
        log(f"browser: {browser.d.capabilities.get('browserVersion')} "
            f"(chromedriver {browser.d.capabilities.get('chrome', {}).get('chromedriverVersion', '?').split()[0]})")
        suite = Suite(args, ledger, browser, world)
        suite.all()
    except KeyboardInterrupt as e:
        log(f"interrupted ({e})")
        if suite is None:
            return 130
        suite.failed.append(("interrupted", str(e)))
    except Failure as e:
        log(f"FAIL setup: {e}")
        if ledger.proc is not None or ledger.tmp:
            log(ledger.serve_log())
        log("0 passed, 1 failed")
        return 1
    finally:
        if browser:
            browser.quit()
        ledger.close()
        shutil.rmtree(tmp, ignore_errors=True)

    if suite.failed:
        log("\nfailures:")
        for name, msg in suite.failed:
            log(f"- {name}: {msg}".replace("\n", "\n    "))
    if args.out:
        log(f"screenshots: {args.out}")
    log(f"{suite.passed} passed, {len(suite.failed)} failed")
    return 1 if suite.failed else 0


if __name__ == "__main__":
    sys.exit(main())
