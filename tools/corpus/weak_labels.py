#!/usr/bin/env python3
"""Weak theme labels from the category catalog texts (data/categories).

Every active category becomes a few labelled lines: its name and description with its own
category and without one, and each search term (watch categories) and each BOR-MELD item that
maps to it without a category. The label is the category's curated theme hint (groups.csv for
Signalen, watch_categories.csv for ours). Catch-all categories (overig.overig, overige overlast
door personen) and test categories are left out: they say nothing about a theme.

Writes data/corpus/weak_labels.txt (labelled-file format of domain/classify). Stdlib only,
deterministic (sorted output, no clock). `--check` exits 1 if the committed file differs.
"""
import csv
import json
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CAT = os.path.join(ROOT, "data", "categories")
OUT = os.path.join(ROOT, "data", "corpus", "weak_labels.txt")
CATCH_ALL = {"overig", "overige-overlast-door-personen"}


def clean(text):
    return " ".join(text.replace("\n", " ").replace("\t", " ").split())


def main():
    lines = set()

    def add(theme, code, text):
        text = clean(text)
        if not any(c.isalnum() for c in text):
            return
        lines.add(f"__label__{theme} __cat__{code} {text}")

    groups = {}
    with open(os.path.join(CAT, "groups.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            groups[(row["main_slug"], row["sub_slug"])] = row["theme_hint"]
    hint = {}
    with open(os.path.join(CAT, "signalen_categories_amsterdam.csv"), newline="",
              encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["is_active"] != "true" or not row["sub_slug"]:
                continue
            if row["sub_slug"] in CATCH_ALL or "test" in row["sub_slug"]:
                continue
            theme = groups.get((row["main_slug"], row["sub_slug"]),
                               groups.get((row["main_slug"], "")))
            if theme is None:
                continue
            code = f"signalen.{row['main_slug']}.{row['sub_slug']}"
            hint[code] = theme
            for cat in (code, "none"):
                add(theme, cat, row["sub_name"])
                if row["description"]:
                    add(theme, cat, f"{row['sub_name']}. {row['description']}")
    with open(os.path.join(CAT, "watch_categories.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            theme = row["theme_hint"]
            hint[row["code"]] = theme
            for cat in (row["code"], "none"):
                add(theme, cat, row["name"])
                add(theme, cat, f"{row['name']}. {row['description']}")
            for term in row["search_terms"].split("|"):
                add(theme, "none", term)
    with open(os.path.join(CAT, "bor_meld_mapping.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            theme = hint.get(row["category"])
            if theme is None:
                continue
            text = row["item"] or row["sub"]
            add(theme, "none", text)
            add(theme, "none", f"{row['sub']}: {text}")
    body = "".join(line + "\n" for line in sorted(lines))
    if "--check" in sys.argv:
        with open(OUT, encoding="utf-8") as f:
            if f.read() != body:
                print("weak_labels.txt is out of date", file=sys.stderr)
                return 1
        return 0
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(body)
    counts = {}
    for line in lines:
        theme = line.split()[0][9:]
        counts[theme] = counts.get(theme, 0) + 1
    print(len(lines), json.dumps(counts, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
