#!/usr/bin/python3
"""Generates the synthetic, labelled theme corpus in data/corpus/ (see its README.md).

    /usr/bin/python3 tools/corpus/generate.py            # writes data/corpus/*
    /usr/bin/python3 tools/corpus/generate.py --check    # exits 1 if the files would change

Deterministic: one fixed seed, stdlib only, no clock or environment input. The output files
are committed, so the build never needs Python.

Units and splits. A *unit* is one hand-written template (topics.py) or one seed item taken
from data/categories (a Signalen sub-category or a BOR-MELD item, wrapped in neutral
phrasings). Each unit belongs to exactly one split:
    train        fits the model weights             (~65 % of the units of a topic)
    calibration  fits the confidence temperature    (~15 %)
    heldout      measures the model, never trained  (~20 %)
so no phrasing is shared between the splits: near-duplicates cannot leak into the test.
Every topic has its units split this way, so each sub-topic is represented in each split.
"""

import argparse
import csv
import io
import json
import os
import random
import re
import sys
import zlib

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import topics as T  # noqa: E402

SEED = 20240611
REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CATEGORIES_DIR = os.path.join(REPO, "data", "categories")
OUT_DIR = os.path.join(REPO, "data", "corpus")

THEMES = ["LIVEABILITY", "YOUTH", "SUBVERSION", "PHYSICAL_BUSINESS", "OTHER"]
# Examples per theme and split (balanced classes).
TARGET = {"train": 420, "calibration": 90, "heldout": 120}
SPLITS = ["train", "calibration", "heldout"]
HELDOUT_SHARE = 0.20
CALIBRATION_SHARE = 0.15


# ---------------------------------------------------------------------------------------------
# Category tables (the catalog's inputs; re-implemented here in a few lines, stdlib only).

def load_categories():
    """Returns ({code: theme_hint} of active categories, {code: (name, description)})."""
    with open(os.path.join(CATEGORIES_DIR, "signalen_categories_amsterdam.json"), encoding="utf-8") as f:
        signalen = json.load(f)
    groups = {}
    with open(os.path.join(CATEGORIES_DIR, "groups.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            groups[(row["main_slug"], row["sub_slug"])] = row["theme_hint"]
    overrides = {}
    with open(os.path.join(CATEGORIES_DIR, "signalen_description_overrides.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            overrides[(row["main_slug"], row["sub_slug"])] = row["description"]
    hints, texts = {}, {}
    for main in signalen["main_categories"]:
        for sub in main["sub_categories"]:
            if not sub["is_active"]:
                continue
            code = "signalen.%s.%s" % (main["slug"], sub["slug"])
            hint = groups.get((main["slug"], sub["slug"]), groups.get((main["slug"], "")))
            desc = overrides.get((main["slug"], sub["slug"]), sub.get("description") or "")
            hints[code] = hint
            texts[code] = (sub["name"], desc)
    with open(os.path.join(CATEGORIES_DIR, "watch_categories.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            hints[row["code"]] = row["theme_hint"]
            texts[row["code"]] = (row["name"], row["description"])
    return hints, texts


def load_bor_items(hints):
    """BOR-MELD items with the category their mapping gives them: [(item, sub, category)]."""
    mapping = {}
    with open(os.path.join(CATEGORIES_DIR, "bor_meld_mapping.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            mapping[(row["hoofd"], row["sub"], row["item"])] = row["category"]
    items = []
    with open(os.path.join(CATEGORIES_DIR, "bor_meld_referentietabel.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            item = row["item"].strip()
            if not item or item.lower().startswith("anders") or "opmerkingenveld" in item.lower():
                continue
            cat = mapping.get((row["hoofd"], row["sub"], item)) or mapping.get((row["hoofd"], row["sub"], ""))
            if cat is None or cat not in hints:
                continue
            items.append((item, row["sub"], cat))
    # The same item text appears under several subs ("Zwerfvuil", "Dode dieren"): keep one.
    seen, unique = set(), []
    for item, sub, cat in items:
        key = item.lower()
        if key not in seen:
            seen.add(key)
            unique.append((item, sub, cat))
    return unique


# ---------------------------------------------------------------------------------------------
# Template expansion.

CHOICE = re.compile(r"\[([^\[\]]*)\]")
SLOT = re.compile(r"\{([a-z_0-9]+)\}")


def expand(template, rng, slots):
    text = template
    for _ in range(8):
        before = text
        text = CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), text)
        text = SLOT.sub(lambda m: fill(m.group(1), rng, slots), text)
        if text == before:
            break
    if "{" in text or "[" in text:
        raise ValueError("unexpanded template: %r -> %r" % (template, text))
    return re.sub(r"\s+", " ", text).strip()


def fill(name, rng, slots):
    if name in slots:
        value = slots[name]
        return value if isinstance(value, str) else rng.choice(value)
    if name in T.SLOTS:
        return rng.choice(T.SLOTS[name])
    if name == "nr":
        return str(rng.randint(1, 160))
    if name == "loc":
        return rng.choice(T.LOC_FORMS)
    raise KeyError("unknown slot {%s}" % name)


def capitalise(text):
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------------------------
# Noise: register, slang, typos.

NEIGHBOURS = {
    "a": "sq", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "z": "x",
}


# Dutch spelling confusions: (written, misspelled).
PHONETIC = [("ij", "ei"), ("ei", "ij"), ("ij", "y"), ("cht", "gt"), ("ch", "g"), ("g", "ch"),
            ("au", "ou"), ("ou", "au"), ("ie", "i"), ("oe", "ou"), ("ui", "uy"), ("aa", "a"),
            ("ee", "e"), ("oo", "o"), ("uu", "u"), ("a", "aa"), ("o", "oo"), ("e", "ee"),
            ("v", "f"), ("z", "s"), ("c", "k"), ("x", "ks"), ("th", "t")]


def typo(word, rng):
    """One plausible misspelling of `word` (keyboard slips and Dutch spelling confusions)."""
    lower = word.lower()
    if lower.endswith("dt") and rng.random() < 0.7:
        return word[:-2] + rng.choice(["d", "t"])
    if len(word) > 4 and lower.endswith("d") and rng.random() < 0.2:
        return word[:-1] + "t"
    if rng.random() < 0.4:
        options = [(a, b) for a, b in PHONETIC if a in word[1:]]
        if options:
            a, b = rng.choice(options)
            i = word.index(a, 1)
            return word[:i] + b + word[i + len(a):]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:  # swap
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:  # drop
        return word[:i] + word[i + 1:]
    if kind == 2:  # double
        return word[:i] + word[i] + word[i:]
    c = word[i].lower()
    if c in NEIGHBOURS:
        return word[:i] + rng.choice(NEIGHBOURS[c]) + word[i + 1:]
    return word[:i] + word[i + 1:]


def add_typos(text, rng, rate):
    out = []
    for token in text.split(" "):
        core = token.strip(".,!?:;()'\"")
        if len(core) >= 4 and core.isalpha() and rng.random() < rate:
            token = token.replace(core, typo(core, rng), 1)
        out.append(token)
    return " ".join(out)


def slangify(text, rng):
    for pattern, replacements, p in T.SLANG:
        if rng.random() < p:
            text = re.sub(pattern, lambda m: rng.choice(replacements), text)
    return text


def synonymise(text, rng):
    for pattern, replacements, p in T.SYNONYMS:
        text = re.sub(pattern, lambda m: rng.choice(replacements) if rng.random() < p else m.group(0), text)
    return text


def render(register, text, rng):
    """Applies synonyms, then the register's framing and noise, to an expanded template."""
    text = synonymise(text, rng)
    if register == "w":  # WhatsApp-style
        text = slangify(text, rng)
        if rng.random() < 0.65:
            text = text.lower()
        if rng.random() < 0.5:
            text = text.rstrip(".")
        if rng.random() < 0.25:
            text = rng.choice(T.W_PREFIX) + text
        if rng.random() < 0.35:
            text = text + rng.choice(T.W_SUFFIX)
        # Some people type sloppily: one in five WhatsApp-style texts is full of typos.
        return add_typos(text, rng, 0.35 if rng.random() < 0.2 else 0.10)
    if register == "f":  # formal letter
        text = capitalise(text)
        if rng.random() < 0.6:
            text = rng.choice(T.F_PREFIX) + text
        if rng.random() < 0.4:
            text = text + " " + rng.choice(T.F_CONTEXT)
        if rng.random() < 0.6:
            text = text + " " + rng.choice(T.F_SUFFIX)
        return add_typos(text, rng, 0.01)
    if register == "k":  # a few words
        if rng.random() < 0.5:
            text = text.lower() if rng.random() < 0.5 else capitalise(text)
        return add_typos(text, rng, 0.10)
    # "n": neutral app text
    text = capitalise(text)
    if rng.random() < 0.2:
        text = rng.choice(T.N_PREFIX) + text
    if rng.random() < 0.25:
        text = text + " " + rng.choice(T.N_SUFFIX)
    return add_typos(text, rng, 0.05)


# ---------------------------------------------------------------------------------------------
# Units.

class Unit:
    def __init__(self, theme, topic, index, register, template, cats, roles, slots, weight, hard):
        self.theme, self.topic, self.index = theme, topic, index
        self.register, self.template = register, template
        self.cats, self.roles, self.slots = cats, roles, slots
        self.weight, self.hard = weight, hard
        self.split = None

    @property
    def uid(self):
        return "%s.t%02d" % (self.topic, self.index)


def topic_units(hints):
    units = []
    for topic in T.TOPICS:
        for code in topic["cats"] + topic.get("confusable", []):
            if code not in hints:
                raise ValueError("topic %s: unknown or inactive category %s" % (topic["name"], code))
        for i, (register, template) in enumerate(topic["templates"]):
            units.append(Unit(topic["theme"], topic["name"], i, register, template, topic,
                              topic.get("roles", T.ROLES_DEFAULT), topic.get("slots", {}), 1.0,
                              topic["name"].startswith("hard-")))
    return units


def seed_units(hints, texts):
    """Units made from the shipped category tables (Signalen names and BOR-MELD items)."""
    units = []
    for code in sorted(texts):
        if not code.startswith("signalen.") or hints[code] not in ("OTHER", "LIVEABILITY"):
            continue
        if code in T.SEED_SKIP:
            continue
        name = texts[code][0]  # the descriptions are catalog text, not report text: unused
        topic = {"cats": [code], "confusable": []}
        slots = {"item": name[0].lower() + name[1:], "item_cap": name}
        units.append(Unit(hints[code], "seed-signalen." + code.split(".", 1)[1], 0, "seed",
                          T.SEED_WRAPPERS, topic, T.ROLES_DEFAULT, slots, 0.5, False))
    for item, _sub, cat in load_bor_items(hints):
        theme = T.SEED_THEME_OVERRIDES.get(item, hints[cat])
        if theme not in ("OTHER", "LIVEABILITY"):
            continue
        topic = {"cats": [cat], "confusable": []}
        slots = {"item": item[0].lower() + item[1:], "item_cap": item}
        slug = re.sub(r"[^a-z0-9]+", "-", item.lower()).strip("-")
        units.append(Unit(theme, "seed-bor." + slug, 0, "seed", T.SEED_WRAPPERS, topic,
                          T.ROLES_DEFAULT, slots, 0.5, False))
    return units


def assign_splits(units):
    """Splits the units of each topic (seed units: of each theme) over train/calibration/heldout."""
    groups = {}
    for u in units:
        key = u.topic if not u.topic.startswith("seed-") else "seed:" + u.theme
        groups.setdefault(key, []).append(u)
    for key in sorted(groups):
        group = groups[key]
        rng = random.Random(zlib.crc32(key.encode()) ^ SEED)
        order = list(range(len(group)))
        rng.shuffle(order)
        n = len(group)
        n_held = max(1, round(HELDOUT_SHARE * n)) if n >= 2 else 0
        n_cal = max(1, round(CALIBRATION_SHARE * n)) if n >= 5 else 0
        for rank, idx in enumerate(order):
            group[idx].split = ("heldout" if rank < n_held else
                                "calibration" if rank < n_held + n_cal else "train")


def norm_key(text):
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def pick_category(unit, rng, all_codes):
    r = rng.random()
    if r < 0.70:
        return rng.choice(unit.cats["cats"])
    if r < 0.85:
        return rng.choice(T.GENERIC_CATEGORIES)
    if r < 0.95 and unit.cats.get("confusable"):
        return rng.choice(unit.cats["confusable"])
    return rng.choice(all_codes)  # the reporter picked something unrelated


def pick_role(unit, rng):
    roles, weights = zip(*unit.roles)
    return rng.choices(roles, weights=weights)[0]


def generate():
    hints, texts = load_categories()
    all_codes = sorted(hints)
    for code in T.GENERIC_CATEGORIES:
        if code != "" and code not in hints:
            raise ValueError("unknown generic category " + code)
    units = topic_units(hints) + seed_units(hints, texts)
    assign_splits(units)
    rng = random.Random(SEED)
    seen = set()
    rows = []
    for theme in THEMES:
        for split in SPLITS:
            pool = [u for u in units if u.theme == theme and u.split == split]
            if not pool:
                raise ValueError("no units for %s/%s" % (theme, split))
            made, passes = 0, 0
            while made < TARGET[split]:
                passes += 1
                if passes > 400:
                    raise ValueError("cannot reach %d unique examples for %s/%s" % (TARGET[split], theme, split))
                order = pool[:]
                rng.shuffle(order)
                for u in order:
                    if made >= TARGET[split]:
                        break
                    if u.weight < 1 and rng.random() > u.weight:
                        continue
                    for _attempt in range(5):
                        if u.register == "seed":
                            register, template = rng.choice(u.template)
                        else:
                            register, template = u.register, u.template
                        text = render(register, expand(template, rng, u.slots), rng)
                        key = norm_key(text)
                        if key and key not in seen:
                            break
                    else:
                        continue
                    seen.add(key)
                    if "__" in text or "\n" in text or "\t" in text:
                        raise ValueError("bad text: %r" % text)
                    rows.append({
                        "split": split, "theme": theme, "category": pick_category(u, rng, all_codes),
                        "role": pick_role(u, rng), "text": text, "unit": u.uid, "hard": u.hard,
                    })
                    made += 1
    return rows, units


def fasttext_line(row):
    return "__label__%s __cat__%s __role__%s %s\n" % (
        row["theme"], row["category"] or "none", row["role"], row["text"])


def render_files(rows):
    files = {}
    # Deterministic shuffle so fastText sees the themes interleaved.
    rng = random.Random(SEED + 1)
    for split in SPLITS:
        lines = [fasttext_line(r) for r in rows if r["split"] == split]
        rng.shuffle(lines)
        files["%s.txt" % split] = "".join(lines)
    files["heldout_hard.txt"] = "".join(fasttext_line(r) for r in rows if r["split"] == "heldout" and r["hard"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "split", "theme", "category", "role", "text"])
    counters = {}
    for r in rows:
        counters[r["unit"]] = counters.get(r["unit"], 0) + 1
        writer.writerow(["%s.%d" % (r["unit"], counters[r["unit"]]), r["split"], r["theme"],
                         r["category"], r["role"], r["text"]])
    files["corpus.csv"] = out.getvalue()
    return files


def stats(rows, units):
    lines = []
    header = "%-18s" % "theme" + "".join("%12s" % s for s in SPLITS) + "%8s" % "total"
    lines.append(header)
    for theme in THEMES:
        counts = [sum(1 for r in rows if r["theme"] == theme and r["split"] == s) for s in SPLITS]
        lines.append("%-18s" % theme + "".join("%12d" % c for c in counts) + "%8d" % sum(counts))
    lines.append("units (templates + seed items) per split: " + ", ".join(
        "%s %d" % (s, sum(1 for u in units if u.split == s)) for s in SPLITS))
    lines.append("hard cases: " + ", ".join(
        "%s %d" % (s, sum(1 for r in rows if r["split"] == s and r["hard"])) for s in SPLITS))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed files differ")
    args = parser.parse_args()
    rows, units = generate()
    files = render_files(rows)
    changed = []
    for name, content in files.items():
        path = os.path.join(OUT_DIR, name)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old != content:
            changed.append(name)
            if not args.check:
                with open(path, "w", encoding="utf-8", newline="\n") as f:
                    f.write(content)
    print(stats(rows, units))
    if args.check and changed:
        print("out of date: " + ", ".join(changed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
