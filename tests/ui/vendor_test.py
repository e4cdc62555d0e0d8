#!/usr/bin/env python3
"""The vendored browser libraries are exactly what api/console/vendor/MANIFEST.json records.

Every file the manifest lists exists with its sha256, and every file in api/console/vendor/ and
tests/ui/vendor/ is listed (MANIFEST.json itself aside): a hand-edited or stray copy fails here.
tools/ui/vendor.sh writes the manifest; `tools/ui/vendor.sh --verify` compares with the registry.

usage: vendor_test.py [REPO_ROOT]      (python3 standard library only)
"""
import hashlib
import json
import os
import sys

VENDOR_DIRS = ["api/console/vendor", "tests/ui/vendor"]


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), "..", ".."))
    manifest_path = os.path.join(root, "api/console/vendor/MANIFEST.json")
    problems = []
    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f"FAIL {manifest_path}: {e}")
        return 1

    listed = set()
    for lib in manifest.get("libraries", []):
        name = lib.get("name", "?")
        for key in ("version", "integrity"):
            if not lib.get(key):
                problems.append(f"{name}: no {key} in MANIFEST.json")
        for entry in lib.get("files", []):
            rel = entry.get("path", "")
            listed.add(os.path.normpath(rel))
            path = os.path.join(root, rel)
            if not os.path.isfile(path):
                problems.append(f"{name}: {rel} is listed but missing")
                continue
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            if digest != entry.get("sha256"):
                problems.append(f"{name}: {rel} has sha256 {digest}, MANIFEST.json says "
                                f"{entry.get('sha256')} (run tools/ui/vendor.sh, never edit by hand)")

    for d in VENDOR_DIRS:
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for fn in files:
                rel = os.path.normpath(os.path.relpath(os.path.join(dirpath, fn), root))
                if rel == os.path.normpath("api/console/vendor/MANIFEST.json"):
                    continue
                if rel not in listed:
                    problems.append(f"{rel} is not listed in api/console/vendor/MANIFEST.json")

    for p in problems:
        print(f"FAIL {p}")
    print(f"vendor: {len(listed)} files listed, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
