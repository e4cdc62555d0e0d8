#!/usr/bin/env python3
"""The console's own code stays inside its security rules (docs/ui.md, "Security").

In api/console/ (vendor/ excluded; comments ignored):
  * no HTML-string sinks or code from strings: innerHTML, outerHTML, insertAdjacentHTML,
    dangerouslySetInnerHTML, document.write, eval(, new Function, javascript: URLs;
  * no localStorage except the language choice in app/i18n.js (the token lives in memory and
    sessionStorage only);
  * no absolute http:// or https:// URL (everything the console loads or calls is on its own
    origin; the SVG and XHTML namespace names are not URLs anyone fetches);
  * index.html: no inline <script>, no on...= handler attributes, no style= attributes (the CSP
    refuses all three); the app's templates: no style="..." strings either.

usage: hygiene_test.py [REPO_ROOT]      (python3 standard library only)
"""
import os
import re
import sys

FORBIDDEN = [
    (re.compile(r"\binnerHTML\b"), "innerHTML (render through htm/Preact)"),
    (re.compile(r"\bouterHTML\b"), "outerHTML"),
    (re.compile(r"\binsertAdjacentHTML\b"), "insertAdjacentHTML"),
    (re.compile(r"\bdangerouslySetInnerHTML\b"), "dangerouslySetInnerHTML"),
    (re.compile(r"\bdocument\s*\.\s*write(ln)?\b"), "document.write"),
    (re.compile(r"(?<![\w.$])eval\s*\("), "eval("),
    (re.compile(r"\bnew\s+Function\b"), "new Function"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
    (re.compile(r"\bsrcdoc\b"), "srcdoc"),
]
LOCAL_STORAGE = re.compile(r"\blocalStorage\b")
# The one allowed use: the language key, through the STORE constant of app/i18n.js.
LOCAL_STORAGE_OK = re.compile(r"\blocalStorage\.(getItem|setItem)\(STORE\b")
URL = re.compile(r"\bhttps?://[^\s\"'`)<>]*", re.I)
NAMESPACES = ("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xhtml",
              "http://www.w3.org/1999/xlink", "http://www.w3.org/2000/xmlns/",
              "http://www.w3.org/XML/1998/namespace")
STYLE_STRING = re.compile(r"""\bstyle\s*=\s*["']""")
SKIP_FILES = {"package.json", "package-lock.json"}  # npm's own metadata (registry URLs)


def strip_comments(text, kind):
    """Blanks out comments, keeping line numbers. JS/CSS: /* */ blocks; JS: // comments that start
    a line or follow whitespace (not the // of a URL). HTML: <!-- -->."""
    keep_lines = lambda m: "\n" * m.group(0).count("\n")
    if kind == "html":
        return re.sub(r"<!--.*?-->", keep_lines, text, flags=re.S)
    if kind == "json":
        return text
    text = re.sub(r"/\*.*?\*/", keep_lines, text, flags=re.S)
    if kind == "js":
        text = re.sub(r"(^|\s)//[^\n]*", r"\1", text)
    return text


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), "..", ".."))
    console = os.path.join(root, "api", "console")
    problems = []
    checked = 0
    for dirpath, dirnames, fns in os.walk(console):
        rel_dir = os.path.relpath(dirpath, console)
        if rel_dir.split(os.sep)[0] in ("vendor", "node_modules"):
            dirnames[:] = []
            continue
        for fn in sorted(fns):
            ext = fn.rsplit(".", 1)[-1]
            if ext not in ("js", "mjs", "html", "css", "json") or fn in SKIP_FILES:
                continue
            path = os.path.join(dirpath, fn)
            rel = os.path.relpath(path, root)
            with open(path, encoding="utf-8") as f:
                text = strip_comments(f.read(), {"mjs": "js"}.get(ext, ext))
            checked += 1
            for n, line in enumerate(text.split("\n"), 1):
                at = f"{rel}:{n}"
                if ext != "json":
                    for rx, what in FORBIDDEN:
                        if rx.search(line):
                            problems.append(f"{at}: {what}: {line.strip()[:120]}")
                for m in LOCAL_STORAGE.finditer(line):
                    ok = (rel == os.path.join("api", "console", "app", "i18n.js")
                          and LOCAL_STORAGE_OK.match(line, m.start()))
                    if not ok:
                        problems.append(f"{at}: localStorage (only app/i18n.js may keep the "
                                        f"language there): {line.strip()[:120]}")
                for m in URL.finditer(line):
                    if not m.group(0).startswith(NAMESPACES):
                        problems.append(f"{at}: an absolute URL {m.group(0)!r} (the console talks "
                                        "to its own origin only)")
                if ext in ("js", "mjs", "html") and STYLE_STRING.search(line):
                    problems.append(f"{at}: a style=\"...\" attribute (the CSP refuses inline "
                                    f"styles: use a class in app.css): {line.strip()[:120]}")
                if ext == "html":
                    if re.search(r"<script\b(?![^>]*\bsrc=)", line, re.I):
                        problems.append(f"{at}: an inline <script> (the CSP refuses it)")
                    if re.search(r"<[^>]*\son[a-z]+\s*=", line, re.I):
                        problems.append(f"{at}: an on...= handler attribute (the CSP refuses it)")
    for p in problems:
        print(f"FAIL {p}")
    print(f"hygiene: {checked} files checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
