#!/usr/bin/env python3
"""Check a generated corpus file against ANNOTATION.md and SPEC.md.

Independent of generate.py's internals except for the label table: parses the
markup, checks ids / headers / annotations / flags, recomputes `intended` with
SPEC section 3, counts labels and templates, reports the length distribution,
and (with --lint) lists label-like words left outside annotations.

Usage: python corpora/generator/verify.py corpora/source/generated.txt [--lint]
"""
import argparse
import json
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = json.loads((HERE / "phrases" / "labels.json").read_text(encoding="utf-8"))["labels"]
GROUP = {k: v["group"] for k, v in LABELS.items()}
HC = {k: v["history_counts"] for k, v in LABELS.items()}
HEADER = re.compile(r"^=== id: (\S+) \| note_date: (\d{4}-\d{2}-\d{2}|none) \| intended: (urgent|indicated|not_indicated)$")
ANN = re.compile(r"\[\[(.*?)\]\]")
FLAGS = {"neg", "hist", "hyp", "fam", "unc", "failed", "improved"}
TITLES = {
    "ed": ("EMERGENCY DEPARTMENT", "Emergency Department", "EMERGENCY MEDICINE", "Emergency Dept"),
    "soap": ("Primary Care", "Family Medicine", "Internal Medicine", "PCP Visit", "Outpatient Clinic Note"),
    "spine": ("Musculoskeletal Medicine", "Back Pain Clinic", "Physical Medicine", "Outpatient Consultation", "Comprehensive Back Pain"),
    "pt": ("Rehabilitation", "Rehab"),
    "phone": ("TELEPHONE", "Phone Triage", "Nurse Triage", "Patient Call", "Telephone Message"),
    "form": ("REQUISITION", "Prior Authorization", "Requisition", "PRE-CERT"),
}
LINT = re.compile(r"\b(fever\w*|febrile|numb\w*|tingl\w*|weak\w*|sciatic\w*|radiat\w*|incontinen\w*|retention|saddle|"
                  r"cancer|malignan\w*|weight loss|night pain|PT|physical therapy|rest|ice|heat|chronic|acute|subacute|"
                  r"surg\w*|inject\w*|steroid\w*|prednisone|ibuprofen|naproxen|tylenol|gabapentin|fall|fell|fracture|"
                  r"osteopor\w*|pregnan\w*|pacemaker|gadolinium|eGFR|dialysis|claustro\w*|stiffness|HIV|transplant|"
                  r"chemo\w*|abscess|UTI|ESR|CRP|WBC|reflex\w*|SLR|\d/5|ESI|candidate|referr?\w*|IVDU|heroin|"
                  r"weeks?|wks?|months?|days ago|years)\b", re.I)


WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
         "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30,
         "forty": 40, "forty-one": 41, "forty-five": 45, "a": 1, "an": 1}
FIXED = {"chronic": 90, "subacute": 42, "acute": 7, "several weeks": 21, "several months": 90, "a few months": 90,
         "for years": 730, "longstanding": 730, "long-standing": 730}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def duration_days(surface, note_date):
    """Independent reading of a symptom_duration surface (None when not understood)."""
    import datetime as dt
    s = surface.lower()
    for k, v in FIXED.items():
        if re.fullmatch(r"(for |x )?" + k + r"( ago)?", s):
            return v
    if s in ("since yesterday", "yesterday", "a day ago", "x 1 day", "for a day", "1 day"):
        return 1
    m = re.search(r"since (.+)$", s)
    if m and note_date:
        nd = dt.date.fromisoformat(note_date)
        t = m.group(1)
        d = None
        for pat, fn in (
                (r"(\d{4})-(\d{2})-(\d{2})", lambda g: dt.date(int(g[0]), int(g[1]), int(g[2]))),
                (r"(\d{1,2})/(\d{1,2})/(\d{4})", lambda g: dt.date(int(g[2]), int(g[0]), int(g[1]))),
                (r"(\d{2})/(\d{2})/(\d{2})", lambda g: dt.date(2000 + int(g[2]), int(g[0]), int(g[1]))),
                (r"([a-z]+) (\d{1,2}),? (\d{4})", lambda g: dt.date(int(g[2]), MONTHS.index(g[0][:3]) + 1, int(g[1]))),
                (r"(\d{1,2})/(\d{1,2})", lambda g: dt.date(nd.year, int(g[0]), int(g[1]))),
                (r"([a-z]+) (\d{1,2})", lambda g: dt.date(nd.year, MONTHS.index(g[0][:3]) + 1, int(g[1])))):
            mm = re.fullmatch(pat, t)
            if mm:
                d = fn(mm.groups())
                break
        return (nd - d).days if d else None
    m = re.search(r"(\d+|[a-z-]+)\s*(d|days?|wks?|weeks?|wk|mo|mos|months?|yrs?|years?)\b", s)
    if not m:
        return None
    n = int(m.group(1)) if m.group(1).isdigit() else WORDS.get(m.group(1))
    if n is None:
        return None
    u = m.group(2)
    mult = 1 if u.startswith("d") else 7 if u.startswith("w") else 30 if u.startswith("mo") else 365
    return n * mult


def present(s):
    if s["flags"] & {"neg", "hyp", "fam"}:
        return False
    return not ("hist" in s["flags"] and HC[s["label"]] != "yes")


def decide(spans):
    pres = [s for s in spans if present(s)]
    labs = {s["label"] for s in pres}
    age = next((s["value"] for s in pres if s["label"] == "age"), None)
    durs = [s["value"] for s in pres if s["label"] == "symptom_duration"]
    dur = max(durs) if durs else None
    susp = any(GROUP[l] in ("cauda_equina", "infection", "fracture") for l in labs) or \
        "progressive_neuro_deficit" in labs or \
        bool(labs & {"cancer_history", "unexplained_weight_loss", "spinal_malignancy"}) or \
        ("night_pain" in labs and age is not None and age > 50)
    if susp:
        return "urgent"
    c1 = dur is not None and dur >= 42
    c2 = any(GROUP[l] == "radicular" for l in labs) or "motor_weakness" in labs
    c3 = any(GROUP[s["label"]] == "treatment" and s["resp"] == "failed" for s in pres)
    c4 = "intervention_candidate" in labs
    return "indicated" if c1 and c2 and c3 and c4 else "not_indicated"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--lint", action="store_true")
    args = ap.parse_args()
    raw = Path(args.path).read_text(encoding="utf-8")
    errors = []
    notes = []
    cur = None
    for line in raw.split("\n"):
        if line.startswith("==="):
            m = HEADER.match(line)
            if not m:
                errors.append(f"bad header: {line}")
                continue
            cur = {"id": m.group(1), "date": m.group(2), "intended": m.group(3), "lines": []}
            notes.append(cur)
        elif cur is not None:
            cur["lines"].append(line)
    ids = [n["id"] for n in notes]
    dup = [i for i, c in Counter(ids).items() if c > 1]
    if dup:
        errors.append(f"duplicate ids: {dup}")
    if any(not re.fullmatch(r"gen-\d{4}", i) for i in ids):
        errors.append("id not of form gen-NNNN")
    label_counts, flag_counts, tpl_counts, words, intended = Counter(), Counter(), Counter(), [], Counter()
    lint_hits = Counter()
    unread = Counter()
    for n in notes:
        text = "\n".join(n["lines"]).strip()
        spans = []
        for m in ANN.finditer(text):
            parts = m.group(1).split("|")
            if len(parts) not in (2, 3):
                errors.append(f"{n['id']}: malformed {m.group(0)}")
                continue
            surf, lab = parts[0], parts[1]
            fl = parts[2] if len(parts) == 3 else ""
            if not surf or surf != surf.strip() or "[[" in surf:
                errors.append(f"{n['id']}: bad surface {m.group(0)}")
            if lab not in LABELS:
                errors.append(f"{n['id']}: unknown label {lab}")
                continue
            s = {"label": lab, "flags": set(), "resp": None, "value": None}
            if lab in ("age", "symptom_duration"):
                if not fl.isdigit():
                    errors.append(f"{n['id']}: value missing {m.group(0)}")
                    continue
                s["value"] = int(fl)
                if lab == "age" and str(s["value"]) not in surf:
                    errors.append(f"{n['id']}: age value differs from surface {m.group(0)}")
                if lab == "symptom_duration":
                    got = duration_days(surf, n["date"] if n["date"] != "none" else None)
                    if got is None:
                        unread[surf] += 1
                    elif got != s["value"]:
                        errors.append(f"{n['id']}: duration {surf!r} reads as {got}, annotated {s['value']}")
            elif fl:
                for f in fl.split(","):
                    if f not in FLAGS:
                        errors.append(f"{n['id']}: bad flag {f} in {m.group(0)}")
                    elif f in ("failed", "improved"):
                        if GROUP[lab] != "treatment":
                            errors.append(f"{n['id']}: response on non-treatment {m.group(0)}")
                        s["resp"] = f
                    else:
                        s["flags"].add(f)
                flag_counts[fl] += 1
            spans.append(s)
            label_counts[lab] += 1
        body = ANN.sub("", text)
        for bad in ("[[", "]]", "|", "{", "}"):
            if bad in body:
                errors.append(f"{n['id']}: stray {bad!r} outside annotations")
        dec = decide(spans)
        if dec != n["intended"]:
            errors.append(f"{n['id']}: intended {n['intended']} but SPEC gives {dec}")
        intended[n["intended"]] += 1
        plain = ANN.sub(lambda m: m.group(1).split("|")[0], text)
        words.append(len(plain.split()))
        first = n["lines"][0] if n["lines"] else ""
        tpl = next((k for k, keys in TITLES.items() if any(key in first for key in keys)), "?")
        tpl_counts[tpl] += 1
        if args.lint:
            for m in LINT.finditer(body):
                lint_hits[m.group(0).lower()] += 1
    missing = [l for l in LABELS if label_counts[l] < 10]
    print(f"notes: {len(notes)}, unique ids: {len(set(ids))}, errors: {len(errors)}")
    for e in errors[:40]:
        print("  ERROR", e)
    print("intended:", dict(intended))
    print("templates:", dict(tpl_counts))
    print(f"words: min {min(words)}, median {statistics.median(words)}, max {max(words)}, mean {statistics.mean(words):.0f}")
    print(f"labels used: {sum(1 for l in LABELS if label_counts[l])}/{len(LABELS)}; labels with < 10 mentions: {missing or 'none'}")
    print("label counts:", ", ".join(f"{l}={label_counts[l]}" for l in sorted(LABELS, key=lambda x: label_counts[x])))
    print("flag counts:", dict(flag_counts.most_common()))
    print(f"durations checked against their surface; unread forms: {dict(unread) or 'none'}")
    if args.lint:
        print("lint (label-like words outside annotations):", dict(lint_hits.most_common()))
    return 1 if errors or missing else 0


if __name__ == "__main__":
    sys.exit(main())
