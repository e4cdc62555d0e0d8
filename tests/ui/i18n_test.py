#!/usr/bin/env python3
"""The console's strings: both languages have the same keys, and every key the code uses exists.

Checks, for api/console/ (docs/ui.md, "Languages"):
  * every file i18n/<area>.<lang>.json is valid JSON, a flat object of non-empty strings, with no
    key repeated in the file;
  * for every area, every language of app/i18n.js (LANGS) has its file, with the same keys, and
    each string has the same {placeholders} in every language;
  * every area named in app/pages.js (area: "...", BASE_AREAS) has its files, and no file is for an
    area nobody loads;
  * no key is defined in two areas (the console merges the areas: one would hide the other);
  * every literal key in app/**/*.js -- t("key"), t('key'), t(`key`) without ${...}, and the nav:
    keys of pages.js -- exists. Keys built at run time (template strings with ${...}) are skipped.

usage: i18n_test.py [REPO_ROOT]      (python3 standard library only)
"""
import json
import os
import re
import sys

PLACEHOLDER = re.compile(r"\{(\w+)\}")
# t("key") / t('key') / t(`key`): not a method (x.t(...)) and not part of a longer name.
T_CALL = re.compile(r"""(?<![\w.$])t\(\s*(?:"([^"\\\n]*)"|'([^'\\\n]*)'|`([^`\\]*)`)""")
NAV_KEY = re.compile(r"""\bnav:\s*["']([^"']+)["']""")
AREA = re.compile(r"""\barea:\s*["']([^"']+)["']""")


def strip_comments(text):
    """Drops /* ... */ blocks and // comments that start a line or follow whitespace (not the //
    of a URL). Good enough for the console's own code; strings with such text are not expected."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"(^|\s)//[^\n]*", r"\1", text)


def load_flat(path, rel, problems):
    path_shown = rel

    def no_dupes(pairs):
        seen = {}
        for k, v in pairs:
            if k in seen:
                problems.append(f"{path_shown}: key {k!r} appears twice")
            seen[k] = v
        return seen
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f, object_pairs_hook=no_dupes)
    except (OSError, ValueError) as e:
        problems.append(f"{rel}: not valid JSON: {e}")
        return None
    if not isinstance(data, dict):
        problems.append(f"{rel}: not a JSON object")
        return None
    for k, v in data.items():
        if not isinstance(v, str):
            problems.append(f"{rel}: {k!r} is not a string")
        elif not v.strip():
            problems.append(f"{rel}: {k!r} is empty")
    return data


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), "..", ".."))
    console = os.path.join(root, "api", "console")
    i18n_dir = os.path.join(console, "i18n")
    problems = []

    with open(os.path.join(console, "app", "i18n.js"), encoding="utf-8") as f:
        m = re.search(r"export const LANGS\s*=\s*\[([^\]]*)\]", f.read())
    langs = re.findall(r"""["']([^"']+)["']""", m.group(1)) if m else []
    if not langs:
        print("FAIL app/i18n.js: no LANGS = [...] found")
        return 1

    with open(os.path.join(console, "app", "pages.js"), encoding="utf-8") as f:
        pages_js = strip_comments(f.read())
    m = re.search(r"BASE_AREAS\s*=\s*\[([^\]]*)\]", pages_js)
    areas = re.findall(r"""["']([^"']+)["']""", m.group(1)) if m else []
    areas += [a for a in AREA.findall(pages_js) if a not in areas]
    if not areas:
        print("FAIL app/pages.js: no areas found")
        return 1

    # Every file present, by area and language.
    files = {}
    for fn in sorted(os.listdir(i18n_dir)):
        m = re.fullmatch(r"(.+?)\.(" + "|".join(map(re.escape, langs)) + r")\.json", fn)
        if not m:
            problems.append(f"i18n/{fn}: not <area>.<lang>.json for a language of LANGS {langs}")
            continue
        files.setdefault(m.group(1), {})[m.group(2)] = os.path.join(i18n_dir, fn)
    for area in sorted(set(files) - set(areas)):
        problems.append(f"i18n/{area}.*.json: area {area!r} is not named in app/pages.js")

    merged = {lang: {} for lang in langs}
    where = {}
    for area in areas:
        data = {}
        for lang in langs:
            path = files.get(area, {}).get(lang)
            if not path:
                problems.append(f"i18n/{area}.{lang}.json is missing (area {area!r} is in app/pages.js)")
                continue
            loaded = load_flat(path, os.path.relpath(path, root), problems)
            if loaded is not None:
                data[lang] = loaded
        if len(data) == len(langs):
            base_lang = langs[0]
            for lang in langs[1:]:
                only_a = sorted(set(data[base_lang]) - set(data[lang]))
                only_b = sorted(set(data[lang]) - set(data[base_lang]))
                for k in only_a:
                    problems.append(f"i18n/{area}: {k!r} is in {base_lang} but not in {lang}")
                for k in only_b:
                    problems.append(f"i18n/{area}: {k!r} is in {lang} but not in {base_lang}")
            for k in set.intersection(*(set(d) for d in data.values())):
                holes = {lang: set(PLACEHOLDER.findall(str(data[lang][k]))) for lang in langs}
                if len({frozenset(h) for h in holes.values()}) > 1:
                    problems.append(f"i18n/{area}: {k!r} has different placeholders per language: "
                                    + ", ".join(f"{l} {sorted(h)}" for l, h in holes.items()))
        for lang, d in data.items():
            for k in d:
                if k in merged[lang] and lang == langs[0]:
                    problems.append(f"i18n: {k!r} is defined in both {where[k]} and {area}")
                where.setdefault(k, area)
                merged[lang][k] = d[k]

    # Every literal key the code uses.
    used = 0
    skipped = 0
    for dirpath, _, fns in os.walk(os.path.join(console, "app")):
        for fn in sorted(fns):
            if not fn.endswith(".js"):
                continue
            path = os.path.join(dirpath, fn)
            rel = os.path.relpath(path, root)
            with open(path, encoding="utf-8") as f:
                text = strip_comments(f.read())
            keys = []
            for m in T_CALL.finditer(text):
                key = m.group(1) if m.group(1) is not None else (
                    m.group(2) if m.group(2) is not None else m.group(3))
                if m.group(3) is not None and "${" in key:
                    skipped += 1  # built at run time
                    continue
                keys.append((key, text.count("\n", 0, m.start()) + 1))
            if fn == "pages.js":
                keys += [(k, 0) for k in NAV_KEY.findall(text)]
            for key, line in keys:
                used += 1
                for lang in langs:
                    if key not in merged[lang]:
                        at = f"{rel}:{line}" if line else rel
                        problems.append(f"{at}: t({key!r}) has no string in i18n/*.{lang}.json")

    for p in problems:
        print(f"FAIL {p}")
    print(f"i18n: {len(areas)} areas x {len(langs)} languages, {len(merged[langs[0]])} keys, "
          f"{used} literal uses checked, {skipped} dynamic skipped, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
