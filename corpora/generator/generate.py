#!/usr/bin/env python3
"""Synthetic annotated lumbar-spine MRI indication notes.

Writes notes in the inline markup of corpora/ANNOTATION.md:

    === id: gen-0001 | note_date: 2026-03-14 | intended: urgent
    ...text with [[surface|label|flags]] annotations...

For every note the generator (1) samples a target case (urgent with one or
more red-flag groups / indicated / not_indicated near miss of one criterion),
(2) samples findings consistent with it, (3) renders them through one of six
note templates, and (4) recomputes the indication from the annotations it
actually emitted with SPEC.md section 3; `intended` is that recomputed value.

Standard library only. All phrase lists live in phrases/*.json.
Usage: python corpora/generator/generate.py --n 320 --seed 13 -o corpora/source/generated.txt
"""
import argparse
import datetime as dt
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
PHRASES = HERE / "phrases"


def _load(name):
    with open(PHRASES / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


LABELS = _load("labels")["labels"]
F = _load("findings")
T = _load("treatments")["labels"]
FR = _load("frames")
DUR = _load("durations")
DEMO = _load("demographics")
NUM = _load("numbers")
CTX = _load("context")
TPL = _load("templates")

GROUP = {k: v["group"] for k, v in LABELS.items()}
HIST_COUNTS = {k: v["history_counts"] for k, v in LABELS.items()}
TREATMENTS = [k for k, g in GROUP.items() if g == "treatment"]
RADICULAR = [k for k, g in GROUP.items() if g == "radicular"]
TEMPLATES = ["ed", "soap", "spine", "pt", "phone", "form"]
ANN_RE = re.compile(r"\[\[(.*?)\]\]")
FLAG_WORDS = {"neg", "hist", "hyp", "fam", "unc", "failed", "improved"}

# ---------------------------------------------------------------------------
# SPEC section 3, applied to parsed annotations
# ---------------------------------------------------------------------------


def parse_annotations(markup):
    """Parse [[surface|label|flags]] spans; raise on anything malformed."""
    spans = []
    for m in ANN_RE.finditer(markup):
        parts = m.group(1).split("|")
        if len(parts) not in (2, 3):
            raise ValueError(f"bad annotation: {m.group(0)}")
        surface, label = parts[0], parts[1]
        flags = parts[2] if len(parts) == 3 else ""
        if not surface or surface != surface.strip() or "[[" in surface or "]]" in surface:
            raise ValueError(f"bad surface: {m.group(0)}")
        if label not in LABELS:
            raise ValueError(f"unknown label: {m.group(0)}")
        span = {"surface": surface, "label": label, "flags": set(), "value": None, "response": None}
        if label in ("age", "symptom_duration"):
            if not flags.isdigit():
                raise ValueError(f"value label without integer value: {m.group(0)}")
            span["value"] = int(flags)
        elif flags:
            for f in flags.split(","):
                if f not in FLAG_WORDS:
                    raise ValueError(f"unknown flag {f!r}: {m.group(0)}")
                if f in ("failed", "improved"):
                    if GROUP[label] != "treatment":
                        raise ValueError(f"response flag on non-treatment: {m.group(0)}")
                    span["response"] = f
                else:
                    span["flags"].add(f)
        spans.append(span)
    return spans


def is_present(span):
    fl = span["flags"]
    if fl & {"neg", "hyp", "fam"}:
        return False
    if "hist" in fl and HIST_COUNTS[span["label"]] != "yes":
        return False
    return True


def decide(spans):
    present = [s for s in spans if is_present(s)]
    labels = {s["label"] for s in present}
    ages = [s["value"] for s in present if s["label"] == "age"]
    age = ages[0] if ages else None
    durs = [s["value"] for s in present if s["label"] == "symptom_duration"]
    dur = max(durs) if durs else None
    suspected = []
    if any(GROUP[l] == "cauda_equina" for l in labels):
        suspected.append("cauda_equina")
    if "progressive_neuro_deficit" in labels:
        suspected.append("progressive_deficit")
    if any(GROUP[l] == "infection" for l in labels):
        suspected.append("infection")
    if labels & {"cancer_history", "unexplained_weight_loss", "spinal_malignancy"} or (
            "night_pain" in labels and age is not None and age > 50):
        suspected.append("malignancy")
    if any(GROUP[l] == "fracture" for l in labels):
        suspected.append("fracture")
    crit = {}
    crit["duration_6_weeks"] = None if dur is None else dur >= 42
    crit["radicular_findings"] = any(GROUP[l] == "radicular" for l in labels) or "motor_weakness" in labels
    tx = [s for s in present if GROUP[s["label"]] == "treatment"]
    if any(s["response"] == "failed" for s in tx):
        crit["failed_conservative_therapy"] = True
    else:
        crit["failed_conservative_therapy"] = False if tx else None
    if "intervention_candidate" in labels:
        crit["intervention_candidate"] = True
    elif any(s["label"] == "intervention_candidate" and "neg" in s["flags"] for s in spans):
        crit["intervention_candidate"] = False
    else:
        crit["intervention_candidate"] = None
    if suspected:
        ind = "urgent"
    elif all(v is True for v in crit.values()):
        ind = "indicated"
    else:
        ind = "not_indicated"
    return {"indication": ind, "suspected": suspected, "criteria": crit, "age": age, "duration": dur}


def plain_text(markup):
    return ANN_RE.sub(lambda m: m.group(1).split("|")[0], markup)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def A(surface, label, flags=()):
    """One inline annotation; refuses anything ANNOTATION.md forbids."""
    surface = surface.strip()
    if not surface or "|" in surface or "[[" in surface or "]]" in surface or "{" in surface:
        raise ValueError(f"illegal surface {surface!r} for {label}")
    if label not in LABELS:
        raise ValueError(label)
    flags = [str(f) for f in flags if f is not None and f != ""]
    return f"[[{surface}|{label}|{','.join(flags)}]]" if flags else f"[[{surface}|{label}]]"


def cap(s):
    """Capitalise the first letter of a sentence (inside a leading span too)."""
    i = 2 if s.startswith("[[") else 0
    m = re.match(r"[a-z]+", s[i:])
    if m and m.group(0).islower() and (i + len(m.group(0)) == len(s) or not s[i + len(m.group(0))].isupper()):
        word_end = i + len(m.group(0))
        nxt = s[word_end:word_end + 1]
        if nxt in ("", " ", ",", ".", "-", "/", ":", ";", ")", "'", "|"):
            return s[:i] + s[i].upper() + s[i + 1:]
    return s


def sentence(s):
    s = s.strip()
    if not s:
        return s
    s = cap(s)
    if s.endswith("]]"):
        return s + "."
    if s[-1] not in ".!?":
        s += "."
    return s


# ---------------------------------------------------------------------------
# one note
# ---------------------------------------------------------------------------


class Note:
    def __init__(self, rng, target, note_date, template):
        self.rng = rng
        self.target = target
        self.date = note_date
        self.template = template
        self.sex = rng.choice(["M", "F"])
        self.age = None
        self.side = rng.choice(["L", "R"])
        self.oside = "R" if self.side == "L" else "L"
        self.level = rng.choice(["L4-5", "L5-S1", "L4-5", "L5-S1", "L3-4"])
        self.root = {"L4-5": "L5", "L5-S1": "S1", "L3-4": "L4"}[self.level]
        self.clin = rng.choice(DEMO["clinicians"])
        self.ther = rng.choice(DEMO["therapists"])
        self.rn = rng.choice(DEMO["nurses"])
        self.surgeon = rng.choice(DEMO["surgeons"])
        self.S = defaultdict(list)       # section -> list of markup strings
        self.asserted = set()            # labels mentioned as present / unc / hist
        self.mentioned = set()
        self.tx_used = {}                # treatment label -> response mode
        self.durations = []              # (kind, value) main duration specs
        self.dur_adj = None              # fixed adjective dict or None
        self.max_dur = None              # upper bound a duration may take (exclusive) or None
        self.allow_dur = True
        self.verbosity = rng.random() * (0.5 if template == "phone" else 1.0)
        if template == "spine":
            self.verbosity = 0.15 + 0.85 * rng.random() ** 0.7
        self.nearmiss = None
        self.groups = []

    # -- placeholders -----------------------------------------------------
    def num(self, name):
        spec = NUM[name]
        if "choices" in spec:
            return self.rng.choice(spec["choices"])
        lo, hi, dec = spec["min"], spec["max"], spec.get("dec", 0)
        if dec == 0:
            step = spec.get("step", 1)
            v = self.rng.randrange(int(lo), int(hi) + 1, step) if step > 1 else self.rng.randint(int(lo), int(hi))
            return str(v)
        v = round(self.rng.uniform(lo, hi), dec)
        v = min(max(v, lo), hi)
        return f"{v:.{dec}f}"

    def ph(self, key):
        pr = DEMO["pronouns"][self.sex]
        fixed = {
            "SIDE": self.side, "OSIDE": self.oside,
            "side": "left" if self.side == "L" else "right",
            "oside": "left" if self.oside == "L" else "right",
            "Side": "Left" if self.side == "L" else "Right",
            "LEVEL": self.level, "ROOT": self.root,
            "CLIN": self.clin, "THER": self.ther, "RN": self.rn, "SURGEON": self.surgeon,
        }
        if key in fixed:
            return fixed[key]
        if key in pr:
            return pr[key]
        if key == "YEAR":
            return str(self.date.year - self.rng.randint(2, 15))
        if key == "JOB":
            return self.rng.choice(CTX["jobs"])
        if key == "A_JOB":
            j = self.rng.choice(CTX["jobs"])
            return ("an " if j[0] in "aeiou" else "a ") + j
        if key == "HOUSEHOLD":
            return self.fill(self.pick(CTX["household"]))
        if key == "CALLER":
            return self.rng.choice(DEMO["callers"])
        if key in NUM:
            return self.num(key)
        return None

    def fill(self, s):
        def rep(m):
            v = self.ph(m.group(1))
            return m.group(0) if v is None else v
        return re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", rep, s)

    def ok_item(self, it):
        if isinstance(it, str):
            return True
        if "sex" in it and it["sex"] != self.sex:
            return False
        if ("min_age" in it or "max_age" in it) and self.age is None:
            return False
        if "min_age" in it and self.age < it["min_age"]:
            return False
        if "max_age" in it and self.age > it["max_age"]:
            return False
        return True

    def pick(self, items):
        items = [it for it in items if self.ok_item(it)]
        if not items:
            return None
        it = self.rng.choice(items)
        return it if isinstance(it, str) else it["t"]

    def frame(self, fr, x, key="{x}"):
        return self.fill(fr).replace(key, x)

    # -- finding mentions ---------------------------------------------------
    def span(self, label, key, flags=()):
        """A bare annotated span from findings.json[label][key]."""
        s = self.pick(F[label].get(key, []))
        if s is None:
            return None
        self.mentioned.add(label)
        if not ({"neg", "hyp", "fam"} & set(flags)):
            self.asserted.add(label)
        return A(self.fill(s), label, flags)

    def has(self, label, key):
        return self.pick(F[label].get(key, [])) is not None

    def present_clause(self, label, allow_quote=True):
        d = F[label]
        if allow_quote and d.get("quote") and self.rng.random() < 0.2:
            x = self.span(label, "quote")
            return self.frame(self.rng.choice(FR["quote_lead"]), x)
        x = self.span(label, "hpi")
        return self.frame(self.rng.choice(FR["present_lead"]), x)

    def neg_clause(self, label):
        d = F[label]
        if d.get("neg_self") and self.has(label, "neg_self") and (not d.get("np") or self.rng.random() < 0.3):
            return self.span(label, "neg_self", ["neg"])
        x = self.span(label, "np", ["neg"])
        return self.frame(self.rng.choice(FR["neg"]), x)

    def neg_np(self, label):
        d = F[label]
        if d.get("np") and self.has(label, "np"):
            return self.span(label, "np", ["neg"])
        return None

    def hyp_np(self, label):
        if F[label].get("np") and self.has(label, "np"):
            return self.span(label, "np", ["hyp"])
        return None

    def hist_clause(self, label):
        x = self.span(label, "hist_np", ["hist"])
        return self.frame(self.rng.choice(FR["hist"]), x)

    def fam_clause(self, label):
        it = self.rng.choice(F[label]["fam_np"])
        t, rel = (it, None) if isinstance(it, str) else (it["t"], it.get("rel"))
        self.mentioned.add(label)
        x = A(self.fill(t), label, ["fam"])
        frames = FR["fam"]["any"] + (FR["fam"][rel] if rel else FR["fam"]["F"] + FR["fam"]["M"]) * 2
        if F[label].get("fam_frames"):
            return self.frame(self.pick(F[label]["fam_frames"]), x)
        return self.frame(self.rng.choice(frames), x)

    def unc_clause(self, label):
        d = F[label]
        if d.get("unc_self") and self.rng.random() < 0.3:
            return self.span(label, "unc_self", ["unc"])
        x = self.span(label, "unc_np", ["unc"])
        return self.frame(self.rng.choice(FR["unc"]), x)

    # -- treatments ----------------------------------------------------------
    def tx_clause(self, label, mode):
        d = T[label]
        kind = d["type"]
        tf = FR["tx"]
        self.mentioned.add(label)
        if mode in ("failed", "improved", "none"):
            pool = d["np"] + d["course"] * 2
            t = self.fill(self.rng.choice(pool))
            if mode == "failed" and d["side"] and self.rng.random() < 0.25:
                fr = self.rng.choice(tf["failed_side"]).replace("{SE}", self.rng.choice(d["side"]))
            elif mode == "none":
                fr = self.rng.choice(tf["none_" + kind])
            else:
                fr = self.rng.choice(tf[mode])
            flags = [] if mode == "none" else [mode]
            return self.frame(fr, A(t, label, flags), "{t}")
        if mode == "neg":
            t = self.fill(self.rng.choice(d["np"]))
            return self.frame(self.rng.choice(tf["neg_" + kind]), A(t, label, ["neg"]), "{t}")
        if mode == "hyp":
            t = self.fill(self.rng.choice(d["plan"] or d["np"]))
            frames = d.get("hyp_frames") or tf["hyp_" + kind]
            return self.frame(self.rng.choice(frames), A(t, label, ["hyp"]), "{t}")
        if mode in ("hist_improved", "hist_none"):
            t = self.fill(self.rng.choice(d["np"]))
            flags = ["hist", "improved"] if mode == "hist_improved" else ["hist"]
            return self.frame(self.rng.choice(tf[mode]), A(t, label, flags), "{t}")
        raise ValueError(mode)

    def med_entry(self, label):
        d = T[label]
        if not d["med"]:
            return None
        self.mentioned.add(label)
        return A(self.fill(self.rng.choice(d["med"])), label)

    # -- durations -------------------------------------------------------------
    def dur_span(self, spec, style):
        """spec = ('num', days) or ('fixed', days). style = after / ago / bare."""
        kind, v = spec
        rng = self.rng
        if kind == "fixed":
            key = {"after": "fixed_after", "ago": "fixed_ago", "bare": "fixed_bare"}[style]
            opts = [f for f in DUR[key] if f["v"] == v]
            used = style
            if not opts:
                opts = [f for f in DUR["fixed_after"] if f["v"] == v]
                used = "after"
            f = rng.choice(opts)
            return A(f["t"], "symptom_duration", [str(v)]), used
        cands = []
        sv = str(v)
        if sv in DUR["singular"] and rng.random() < 0.6:
            forms = DUR["singular"][sv][style]
            return A(rng.choice(forms), "symptom_duration", [sv]), style
        limits = {"days": 60, "weeks": 26, "months": 24, "years": 10}
        for unit, ud in DUR["units"].items():
            m = ud["mult"]
            if v % m == 0 and 2 <= v // m <= limits[unit]:
                weight = {"days": 1, "weeks": 3, "months": 4, "years": 5}[unit]
                if unit == "days" and v > 45:
                    weight = 0.3
                cands.append((unit, v // m, weight))
        since_w = 1.2 if style != "ago" else 0
        total = sum(c[2] for c in cands) + since_w
        r = rng.uniform(0, total)
        for unit, n, w in cands:
            if r < w:
                forms = DUR["units"][unit][style]
                nw = DUR["num_words"].get(str(n))
                forms = [f for f in forms if "{W}" not in f or nw]
                f = rng.choice(forms).replace("{N}", str(n)).replace("{W}", nw or str(n))
                return A(f, "symptom_duration", [sv]), style
            r -= w
        # since-form (also the fall-back for 'ago', which has no since wording)
        return A(self.since_form(v), "symptom_duration", [sv]), ("bare" if style == "bare" else "after")

    def since_form(self, v):
        d = self.date - dt.timedelta(days=v)
        forms = list(DUR["since"]["any_year"])
        if d.year == self.date.year:
            forms += DUR["since"]["same_year"] * 2
        f = self.rng.choice(forms)
        rep = {
            "{M}": str(d.month), "{D}": str(d.day), "{Y}": str(d.year), "{MM}": f"{d.month:02d}",
            "{DD}": f"{d.day:02d}", "{YY}": f"{d.year % 100:02d}", "{ISO}": d.isoformat(),
            "{MONTH}": DUR["months"][d.month - 1], "{MON}": DUR["months_short"][d.month - 1],
        }
        for k in sorted(rep, key=len, reverse=True):
            f = f.replace(k, rep[k])
        return f

    def adj_span(self):
        if not self.dur_adj:
            return ""
        a = self.dur_adj
        return A(a["t"], "symptom_duration", [str(a["v"])]) + " "

    # -- age ---------------------------------------------------------------------
    def age_form(self, kind):
        if self.age is None:
            return None
        forms = DEMO["age_subject" if kind == "subject" else "age_field"]
        f = self.rng.choice(forms)
        f = f.replace("{NOUN}", self.rng.choice(DEMO["nouns"][self.sex]))
        f = f.replace("{SEXW}", self.rng.choice(DEMO["sexw"][self.sex]))
        f = f.replace("{S}", self.sex)
        f = f.replace("{A}", str(self.age))
        pre, rest = f.split("<", 1)
        inner, post = rest.split(">", 1)
        return pre + A(inner, "age", [str(self.age)]) + post


# ---------------------------------------------------------------------------
# case sampling
# ---------------------------------------------------------------------------

RF_NEG_LABELS = ["saddle_anesthesia", "urinary_retention", "urinary_incontinence", "bowel_incontinence",
                 "bilateral_leg_deficit", "fever", "unexplained_weight_loss", "night_pain",
                 "progressive_neuro_deficit", "sexual_dysfunction", "cancer_history", "iv_drug_use",
                 "significant_trauma", "immunosuppression", "recent_spinal_procedure", "recent_infection",
                 "chronic_steroid_use", "osteoporosis"]
RF_HYP_LABELS = ["saddle_anesthesia", "urinary_retention", "urinary_incontinence", "bowel_incontinence",
                 "bilateral_leg_deficit", "fever", "progressive_neuro_deficit", "cauda_equina_syndrome",
                 "motor_weakness", "sexual_dysfunction"]
CONFLICTS = {
    "bilateral_leg_deficit": ["motor_weakness", "sensory_deficit", "radicular_pain", "progressive_neuro_deficit"],
    "progressive_neuro_deficit": ["motor_weakness", "sensory_deficit", "bilateral_leg_deficit"],
    "urinary_retention": ["cauda_equina_syndrome"], "urinary_incontinence": ["cauda_equina_syndrome"],
    "bowel_incontinence": ["cauda_equina_syndrome"], "saddle_anesthesia": ["cauda_equina_syndrome"],
    "sexual_dysfunction": ["cauda_equina_syndrome"],
}


def wsample(rng, weights, k):
    items = list(weights.items())
    out = []
    for _ in range(min(k, len(items))):
        tot = sum(w for _, w in items)
        r = rng.uniform(0, tot)
        for i, (name, w) in enumerate(items):
            if r < w:
                out.append(name)
                items.pop(i)
                break
            r -= w
        else:
            out.append(items.pop()[0])
    return out


def blocked(note, label):
    """True when a negation / precaution for label would contradict the note."""
    if label in note.asserted:
        return True
    for a in note.asserted:
        if label in CONFLICTS.get(a, []):
            return True
    return False


class Sampler:
    def __init__(self, note):
        self.n = note
        self.rng = note.rng

    # ---- durations
    def set_duration(self, lo, hi, allow_fixed=True):
        """Main presenting duration in [lo, hi] days, plus an optional adjective."""
        n, rng = self.n, self.rng
        if allow_fixed and rng.random() < 0.12:
            fixed = [f for f in DUR["fixed_after"] if lo <= f["v"] <= hi]
            if fixed:
                n.durations.append(("fixed", rng.choice(fixed)["v"]))
        if not n.durations:
            choices = []
            for wk in range(1, 27):
                choices.append((wk * 7, 3))
            for mo in range(1, 13):
                choices.append((mo * 30, 2.5))
            for yr in range(1, 6):
                choices.append((yr * 365, 1))
            for d in list(range(2, 15)) + [17, 20, 24, 26, 33, 38, 40, 41, 44, 45, 47, 50, 52, 58, 64, 75]:
                choices.append((d, 1))
            choices = [(v, w) for v, w in choices if lo <= v <= hi]
            tot = sum(w for _, w in choices)
            r = rng.uniform(0, tot)
            for v, w in choices:
                if r < w:
                    n.durations.append(("num", v))
                    break
                r -= w
            else:
                n.durations.append(("num", choices[-1][0]))
        main = n.durations[0][1]
        # adjective ('chronic LBP'): its own span with its own value; keep max rules intact
        if rng.random() < 0.3:
            opts = []
            for a in DUR["fixed_adj"]:
                v = a["v"]
                if v > hi:
                    continue
                if a["t"].lower() == "acute" and main <= 28:
                    opts.append(a)
                elif a["t"].lower() == "subacute" and 28 <= main <= 84:
                    opts.append(a)
                elif a["t"].lower() == "chronic" and main >= 60:
                    opts.append(a)
                elif a["t"].lower() in ("longstanding", "long-standing") and main >= 365:
                    opts.append(a)
            if opts:
                n.dur_adj = rng.choice(opts)
        # a second, shorter leg-pain duration now and then
        if rng.random() < 0.12 and main >= 21:
            sub = rng.choice([7, 10, 14, 21])
            if sub < main:
                n.durations.append(("num", sub))

    def adjective_only(self, lo, hi):
        opts = [a for a in DUR["fixed_adj"] if lo <= a["v"] <= hi]
        if opts:
            self.n.dur_adj = self.rng.choice(opts)
            return True
        return False

    # ---- age
    def set_age(self, lo=19, hi=88):
        rng = self.rng
        bands = [(19, 44, 0.3), (45, 65, 0.4), (66, 88, 0.3)]
        bands = [(max(a, lo), min(b, hi), w) for a, b, w in bands if max(a, lo) <= min(b, hi)]
        a, b, _ = rng.choices(bands, [w for _, _, w in bands])[0]
        self.n.age = rng.randint(a, b)

    # ---- radicular findings (present)
    def add_radicular(self, k):
        n, rng = self.n, self.rng
        labs = wsample(rng, {"radicular_pain": 5, "sensory_deficit": 3, "positive_straight_leg_raise": 3,
                             "reflex_abnormality": 2, "neurogenic_claudication": 1.2, "motor_weakness": 2.2}, k)
        for lab in labs:
            if lab == "radicular_pain":
                n.S["hpi"].append(n.present_clause(lab))
                if rng.random() < 0.45:
                    n.S["assess"].append(n.span(lab, "dx"))
            elif lab == "neurogenic_claudication":
                n.S["hpi"].append(n.present_clause(lab))
            elif lab == "sensory_deficit":
                r = rng.random()
                if r < 0.4 or n.template == "phone":
                    n.S["hpi"].append(n.present_clause(lab))
                if r >= 0.3:
                    n.S["exam_sens"].append(n.span(lab, "exam"))
            elif lab == "motor_weakness":
                if rng.random() < 0.25:
                    n.S["hpi"].append(n.present_clause(lab))
                n.S["exam_motor"].append(n.span(lab, "exam"))
            elif lab == "positive_straight_leg_raise":
                n.S["exam_slr"].append(n.span(lab, "exam"))
            elif lab == "reflex_abnormality":
                n.S["exam_reflex"].append(n.span(lab, "exam"))
        if "radicular_pain" not in labs and rng.random() < 0.1:
            n.S["assess"].append(n.span("radicular_pain", "unc_self", ["unc"]))
        return labs

    # ---- treatments
    def add_treatments(self, k, modes):
        """modes: list of response modes, one per treatment."""
        n, rng = self.n, self.rng
        weights = {"nsaid": 5, "physical_therapy": 5, "acetaminophen": 2, "muscle_relaxant": 3, "opioid": 1.5,
                   "neuropathic_agent": 2.5, "oral_steroid": 2, "chiropractic": 1.5, "activity_modification": 2,
                   "epidural_steroid_injection": 1.5, "conservative_therapy": 1.2}
        for lab in list(weights):
            if lab in n.tx_used:
                weights.pop(lab)
        labs = wsample(rng, weights, k)
        for lab, mode in zip(labs, modes):
            n.tx_used[lab] = mode
            n.S["tx"].append(n.tx_clause(lab, mode))
            if mode in ("none", "improved") and T[lab]["med"] and rng.random() < 0.5:
                n.S["meds"].append(n.med_entry(lab))
        return labs

    # ---- red-flag groups (urgent)
    def add_group(self, g):
        n, rng = self.n, self.rng
        if g == "cauda_equina":
            labs = wsample(rng, {"urinary_retention": 3, "saddle_anesthesia": 3, "urinary_incontinence": 2,
                                 "bowel_incontinence": 2, "bilateral_leg_deficit": 2.2, "sexual_dysfunction": 1.2},
                           rng.choice([1, 1, 2, 2, 3]))
            for lab in labs:
                exam_key = {"urinary_retention": "exam_pvr", "bowel_incontinence": "exam_rectal",
                            "saddle_anesthesia": "exam_perineal", "bilateral_leg_deficit": "exam_motor"}.get(lab)
                exam_only = exam_key and n.template != "phone" and rng.random() < 0.25
                if not exam_only:
                    n.S["hpi"].append(n.present_clause(lab))
                if exam_key and n.template != "phone" and (exam_only or rng.random() < 0.5):
                    n.S[exam_key].append(n.span(lab, "exam"))
            r = rng.random()
            if r < 0.55:
                n.S["assess"].append(n.unc_clause("cauda_equina_syndrome"))
            elif r < 0.7:
                n.S["assess"].append(n.span("cauda_equina_syndrome", "dx"))
            n.S["exam_ce"].append("1")
        elif g == "progressive":
            n.S["hpi"].append(n.present_clause("progressive_neuro_deficit"))
            if n.template != "phone" and rng.random() < 0.4:
                n.S["exam_motor"].append(n.span("progressive_neuro_deficit", "exam"))
            elif n.template != "phone" and rng.random() < 0.5:
                n.S["exam_motor"].append(n.span("motor_weakness", "exam"))
        elif g == "infection":
            labs = wsample(rng, {"fever": 3, "iv_drug_use": 2, "immunosuppression": 2, "recent_spinal_procedure": 2,
                                 "recent_infection": 2, "elevated_inflammatory_markers": 2, "spinal_infection": 1.2},
                           rng.choice([1, 2, 2, 3]))
            for lab in labs:
                if lab == "fever":
                    r = rng.random()
                    if r < 0.45 or n.template in ("phone", "form", "pt"):
                        n.S["hpi"].append(n.present_clause("fever"))
                    if r >= 0.3:
                        n.S["vitals_temp"].append(n.span("fever", "exam"))
                elif lab == "iv_drug_use":
                    key = "cond_hist" if rng.random() < 0.25 else "cond"
                    n.S["social"].append(n.span(lab, key, ["hist"] if key == "cond_hist" else []))
                elif lab == "immunosuppression":
                    key = "cond_hist" if rng.random() < 0.1 else "cond"
                    n.S["pmh"].append(n.span(lab, key, ["hist"] if key == "cond_hist" else []))
                elif lab == "recent_spinal_procedure":
                    if rng.random() < 0.5:
                        n.S["psh"].append(n.span(lab, "cond"))
                    else:
                        n.S["hpi"].append("s/p " + n.span(lab, "cond"))
                elif lab == "recent_infection":
                    n.S["hpi"].append(n.frame(rng.choice(["notable for {x}", "with {x}", "history notable for {x}", "{x}"]), n.span(lab, "cond")))
                elif lab == "elevated_inflammatory_markers":
                    if n.template in ("phone",) or rng.random() < 0.2:
                        n.S["hpi"].append(n.present_clause(lab, allow_quote=False))
                    else:
                        n.S["labs_hi"].append("1")
                elif lab == "spinal_infection":
                    if rng.random() < 0.6:
                        n.S["assess"].append(n.unc_clause(lab))
                    else:
                        n.S["imaging_sent"].append(sentence(rng.choice(["Outside imaging report: ", "Per outside report, "]) + n.span(lab, "img")))
            if "spinal_infection" not in labs and rng.random() < 0.5:
                n.S["assess"].append(n.unc_clause("spinal_infection"))
        elif g == "malignancy":
            labs = wsample(rng, {"cancer_history": 4, "unexplained_weight_loss": 2, "spinal_malignancy": 1.5,
                                 "night_pain": 2}, rng.choice([1, 1, 2, 3]))
            if "night_pain" in labs and (n.age is None or n.age <= 50):
                self.set_age(51, 88)
            for lab in labs:
                if lab == "cancer_history":
                    key = "cond_hist" if rng.random() < 0.4 else "cond"
                    n.S["pmh"].append(n.span(lab, key, ["hist"] if key == "cond_hist" else []))
                elif lab in ("unexplained_weight_loss", "night_pain"):
                    n.S["hpi"].append(n.present_clause(lab))
                elif lab == "spinal_malignancy":
                    r = rng.random()
                    if r < 0.4:
                        n.S["imaging_sent"].append(sentence(rng.choice(["Outside imaging report: ", "Per outside report, ", "Prior CT: "]) + n.span(lab, "img")))
                    elif r < 0.8:
                        n.S["assess"].append(n.unc_clause(lab))
                    else:
                        n.S["assess"].append(n.span(lab, "dx"))
            if "spinal_malignancy" not in labs and rng.random() < 0.4:
                n.S["assess"].append(n.unc_clause("spinal_malignancy"))
        elif g == "fracture":
            labs = wsample(rng, {"significant_trauma": 3, "osteoporosis": 2, "chronic_steroid_use": 2,
                                 "vertebral_fracture": 2}, rng.choice([1, 2, 2, 3]))
            for lab in labs:
                if lab == "significant_trauma":
                    x = n.span(lab, "hpi")
                    n.S["event"].append(n.frame(rng.choice(FR["event_lead"]), x))
                elif lab == "osteoporosis":
                    n.S["pmh"].append(n.span(lab, "cond"))
                elif lab == "chronic_steroid_use":
                    key = "cond_hist" if rng.random() < 0.2 else "cond"
                    n.S["meds" if key == "cond" and rng.random() < 0.5 else "pmh"].append(
                        n.span(lab, key, ["hist"] if key == "cond_hist" else []))
                elif lab == "vertebral_fracture":
                    if rng.random() < 0.5:
                        n.S["imaging"].append(n.span(lab, "dx"))
                    else:
                        n.S["assess"].append(n.unc_clause(lab))
            if "vertebral_fracture" not in labs and rng.random() < 0.5:
                n.S["assess"].append(n.unc_clause("vertebral_fracture"))

    # ---- targets
    def urgent(self):
        n, rng = self.n, self.rng
        self.set_age()
        k = rng.choices([1, 2, 3], [0.6, 0.3, 0.1])[0]
        groups = wsample(rng, {"cauda_equina": 3, "progressive": 1.6, "infection": 2.5, "malignancy": 2,
                               "fracture": 2}, k)
        n.groups = groups
        if rng.random() < 0.85:
            self.set_duration(1, 120)
        for g in groups:
            self.add_group(g)
        if rng.random() < 0.5:
            self.add_radicular(rng.choice([1, 1, 2]))
        if rng.random() < 0.5:
            kk = rng.choice([1, 1, 2])
            self.add_treatments(kk, [rng.choice(["failed", "none", "improved", "failed"]) for _ in range(kk)])
        if ("cauda_equina" in groups or "progressive" in groups) and rng.random() < 0.6:
            n.S["cand"].append(n.span("intervention_candidate", "urgent"))
        elif rng.random() < 0.15:
            n.S["cand"].append(n.span("intervention_candidate", "present"))

    def indicated_like(self, miss=()):
        """All four six-week criteria true, except the criteria named in miss."""
        n, rng = self.n, self.rng
        self.set_age()
        # duration
        if "duration_short" in miss:
            lo, hi = rng.choice([(35, 35), (40, 41), (40, 41), (28, 41), (2, 30), (7, 21)])
            self.set_duration(lo, hi, allow_fixed=(hi >= 21))
        elif "duration_missing" in miss:
            n.allow_dur = False
        else:
            r = rng.random()
            if r < 0.2:
                self.set_duration(42, 45, allow_fixed=False)
            elif r < 0.27 and self.adjective_only(42, 730):
                pass
            else:
                self.set_duration(42, 730)
        # radicular
        if "no_radicular" in miss:
            for lab in ("radicular_pain",):
                n.S["hpi"].append(n.neg_clause(lab))
        else:
            self.add_radicular(rng.choice([1, 2, 2, 3, 4]))
        # treatments
        if "tx_missing" in miss:
            pass
        elif "tx_not_failed" in miss:
            kk = rng.choice([1, 2, 2, 3])
            self.add_treatments(kk, [rng.choice(["improved", "none", "none"]) for _ in range(kk)])
        else:
            kk = rng.choice([1, 2, 2, 3, 3, 4])
            modes = ["failed"] + [rng.choice(["failed", "failed", "none", "improved"]) for _ in range(kk - 1)]
            self.add_treatments(kk, modes)
            if "conservative_therapy" not in n.tx_used and rng.random() < 0.2:
                n.tx_used["conservative_therapy"] = "failed"
                n.S["tx"].append(n.tx_clause("conservative_therapy", "failed"))
        # intervention candidacy
        if "cand_neg" in miss:
            n.S["cand"].append(n.span("intervention_candidate", "neg_self", ["neg"]))
        elif "cand_hyp" in miss:
            x = n.span("intervention_candidate", "hyp_np", ["hyp"])
            n.S["cand"].append(n.frame(rng.choice(FR["intervention_hyp"]), x))
        elif "cand_absent" in miss:
            pass
        else:
            if rng.random() < 0.15:
                n.S["cand"].append(n.span("intervention_candidate", "neg_but", ["neg"]) + " but")
                n.S["cand"].append(n.span("intervention_candidate", "but_present"))
            else:
                n.S["cand"].append(n.span("intervention_candidate", "present"))
                if rng.random() < 0.2:
                    n.S["cand"].append(n.span("intervention_candidate", "present"))
        # young night pain: present, but not a malignancy flag at age <= 50
        if n.age is not None and n.age <= 50 and rng.random() < 0.12:
            n.S["hpi"].append(n.present_clause("night_pain"))

    def indicated(self):
        self.indicated_like()

    def not_indicated(self):
        rng = self.rng
        kinds = {"duration_short": 0.22, "duration_missing": 0.07, "no_radicular": 0.17, "tx_not_failed": 0.15,
                 "tx_missing": 0.07, "cand_neg": 0.12, "cand_absent": 0.1, "cand_hyp": 0.1}
        miss = wsample(rng, kinds, 2 if rng.random() < 0.12 else 1)
        self.n.nearmiss = "+".join(miss)
        self.indicated_like(miss)

    # ---- traps, in most notes
    def traps(self):
        n, rng = self.n, self.rng
        urgent = n.target == "urgent"
        tpl = n.template
        # pertinent negatives in the HPI
        if tpl != "pt" and rng.random() < 0.75:
            pool = [l for l in RF_NEG_LABELS if not blocked(n, l) and n.has(l, "np")]
            k = rng.randint(2, 5)
            if tpl == "phone":
                pool = [l for l in pool if GROUP[l] == "cauda_equina" or l in ("fever", "progressive_neuro_deficit")] or pool
                k = rng.randint(1, 3) if n.verbosity > 0.15 else 0
            for lab in rng.sample(pool, min(len(pool), k)):
                n.S["hpi_neg"].append(n.neg_np(lab))
        # ROS block
        if tpl in ("ed", "spine", "soap") and rng.random() < {"ed": 0.7, "spine": 0.85, "soap": 0.5}[tpl]:
            n.S["ros_on"].append("1")
            used = {re.search(r"\|([a-z_]+)\|", x).group(1) for x in n.S["hpi_neg"]}
            pool = [l for l in LABELS if F.get(l, {}).get("ros") and not blocked(n, l) and n.has(l, "np") and l not in used]
            for lab in rng.sample(pool, min(len(pool), rng.randint(2, 7))):
                n.S["ros"].append(F[lab]["ros"] + "\t" + n.neg_np(lab))
        # PT red-flag screen
        if tpl == "pt":
            pool = [l for l in RF_NEG_LABELS if not blocked(n, l) and n.has(l, "np")]
            for lab in rng.sample(pool, min(len(pool), rng.randint(3, 7))):
                n.S["screen"].append(n.neg_np(lab))
        # return precautions
        p = {"ed": 0.8, "soap": 0.6, "spine": 0.4, "phone": 0.55, "pt": 0.4, "form": 0.0}[tpl]
        if urgent:
            p *= 0.3
        if rng.random() < p:
            pool = [l for l in RF_HYP_LABELS if not blocked(n, l) and n.has(l, "np")]
            for lab in rng.sample(pool, min(len(pool), rng.randint(2, 5))):
                n.S["precautions"].append(n.hyp_np(lab))
        # single hyp clause in the plan ("return if ...")
        if rng.random() < 0.15:
            pool = [l for l in RF_HYP_LABELS if not blocked(n, l) and n.has(l, "np")]
            if pool:
                lab = rng.choice(pool)
                n.S["plan"].append(n.frame(rng.choice(FR["hyp"]), n.hyp_np(lab)))
        # family history
        if rng.random() < 0.45:
            n.S["fhx"].append(n.fam_clause("cancer_history"))
        if rng.random() < 0.1:
            n.S["fhx"].append(n.fam_clause("osteoporosis"))
        if rng.random() < 0.08:
            n.S["fhx"].append(n.fam_clause("prior_lumbar_surgery"))
        if rng.random() < 0.05:
            n.S["fhx"].append(n.fam_clause("iv_drug_use"))
        # resolved history (labels whose history does not count)
        if rng.random() < 0.35:
            pool = ["radicular_pain", "urinary_retention", "motor_weakness", "sensory_deficit", "urinary_incontinence"]
            pool = [l for l in pool if n.has(l, "hist_np")]
            lab = rng.choice(pool)
            n.S["pmh_hist"].append(n.hist_clause(lab))
        # historical treatment (history counts: present, never 'failed' here)
        if rng.random() < 0.2:
            pool = [l for l in ("physical_therapy", "chiropractic", "nsaid", "muscle_relaxant") if l not in n.tx_used]
            if pool:
                lab = rng.choice(pool)
                mode = rng.choice(["hist_improved", "hist_none"])
                n.tx_used[lab] = mode
                n.S["tx"].append(n.tx_clause(lab, mode))
        # planned treatments
        if rng.random() < (0.3 if urgent else 0.7):
            pool = [l for l in TREATMENTS if l not in n.tx_used and l != "epidural_steroid_injection"]
            for lab in rng.sample(pool, rng.choice([1, 1, 2])):
                n.tx_used[lab] = "hyp"
                n.S["plan"].append(n.tx_clause(lab, "hyp"))
        # treatment not tried
        if rng.random() < 0.2:
            pool = [l for l in TREATMENTS if l not in n.tx_used]
            lab = rng.choice(pool)
            n.tx_used[lab] = "neg"
            n.S["tx"].append(n.tx_clause(lab, "neg"))
        # MRI safety: sometimes one present safety finding, often a negative screen
        safety = ["mri_unsafe_device", "claustrophobia", "pregnancy", "renal_impairment", "contrast_allergy"]
        if rng.random() < 0.16:
            pool = [l for l in safety if n.has(l, "cond") and l not in n.mentioned]
            if pool:
                lab = rng.choice(pool)
                sect = "allergies" if lab == "contrast_allergy" else ("hpi" if lab == "pregnancy" else "pmh")
                x = n.span(lab, "cond")
                n.S[sect].append(("of note, " + x) if sect == "hpi" else x)
        p = {"form": 0.8, "spine": 0.5, "ed": 0.3, "soap": 0.25, "pt": 0.25, "phone": 0.1}[tpl]
        if rng.random() < p:
            pool = [l for l in safety if n.has(l, "neg_self") and l not in n.mentioned]
            for lab in rng.sample(pool, min(len(pool), rng.randint(2, 5))):
                n.S["safety"].append(n.span(lab, "neg_self", ["neg"]))
        # exclusions that SPEC keeps out of a label (unannotated)
        if rng.random() < 0.3:
            ex = n.pick(CTX["exclusions"])
            if ex:
                n.S["pmh_plain"].append(n.fill(ex).rstrip("."))
        if rng.random() < 0.12:
            n.S["allergies_plain"].append(n.rng.choice(CTX["allergy_exclusions"]))
        # inflammatory pattern (no decision weight)
        r = rng.random()
        if r < 0.1:
            n.S["hpi"].append(n.present_clause("morning_stiffness"))
        elif r < 0.2:
            n.S["hpi_neg"].append(n.neg_np("morning_stiffness"))
        # prior lumbar surgery (affects protocol only)
        r = rng.random()
        if r < 0.08:
            n.S["psh"].append(n.span("prior_lumbar_surgery", "cond_hist", ["hist"]))
        elif r < 0.11:
            n.S["psh"].append(n.span("prior_lumbar_surgery", "cond"))
        elif r < 0.18:
            n.S["psh"].append(n.neg_clause("prior_lumbar_surgery"))
        # social IVDU negative
        if "iv_drug_use" not in n.mentioned and rng.random() < 0.3:
            n.S["social"].append(n.neg_clause("iv_drug_use"))
        # misc condition negatives
        for lab, p in (("immunosuppression", 0.06), ("chronic_steroid_use", 0.05), ("osteoporosis", 0.05),
                       ("recent_spinal_procedure", 0.06), ("recent_infection", 0.05), ("cancer_history", 0.08)):
            if lab not in n.mentioned and rng.random() < p:
                n.S["pmh"].append(n.neg_clause(lab))
        # CES statement negated in the assessment
        if not urgent and rng.random() < 0.12 and not blocked(n, "cauda_equina_syndrome"):
            n.S["assess_neg"].append(n.neg_clause("cauda_equina_syndrome"))
        # plain imaging with negative fracture / lesion findings
        if rng.random() < 0.35 and not n.S["imaging"]:
            items = [n.fill(rng.choice(CTX["imaging_plain"]))]
            if "vertebral_fracture" not in n.asserted:
                items.append(n.span("vertebral_fracture", "img_neg", ["neg"]))
            if "spinal_malignancy" not in n.asserted and rng.random() < 0.3:
                items.append(n.span("spinal_malignancy", "img_neg", ["neg"]))
            rng.shuffle(items)
            n.S["imaging"].append(", ".join(items))
        elif rng.random() < 0.12:
            n.S["imaging_sent"].append(n.fill(rng.choice(CTX["prior_mri_plain"])))

    def exam_normals(self):
        """Normal exam components (negated spans) wherever no abnormality was sampled."""
        n, rng = self.n, self.rng
        a = n.asserted
        if not n.S["exam_motor"] and not a & {"motor_weakness", "progressive_neuro_deficit", "bilateral_leg_deficit"}:
            if rng.random() < 0.85:
                n.S["exam_motor"].append(n.span("motor_weakness", "exam_neg", ["neg"]))
        if not n.S["exam_sens"] and not a & {"sensory_deficit", "bilateral_leg_deficit", "progressive_neuro_deficit"}:
            if rng.random() < 0.75:
                n.S["exam_sens"].append(n.span("sensory_deficit", "exam_neg", ["neg"]))
        if not n.S["exam_reflex"] and "reflex_abnormality" not in a and rng.random() < 0.7:
            n.S["exam_reflex"].append(n.span("reflex_abnormality", "exam_neg", ["neg"]))
        if not n.S["exam_slr"] and "positive_straight_leg_raise" not in a and rng.random() < 0.7:
            n.S["exam_slr"].append(n.span("positive_straight_leg_raise", "exam_neg", ["neg"]))
        ce = bool(n.S["exam_ce"]) or (n.template == "ed" and rng.random() < 0.3)
        if ce:
            if not n.S["exam_rectal"] and "bowel_incontinence" not in a and rng.random() < 0.7:
                n.S["exam_rectal"].append(n.span("bowel_incontinence", "exam_neg", ["neg"]))
            if not n.S["exam_perineal"] and "saddle_anesthesia" not in a and rng.random() < 0.7:
                n.S["exam_perineal"].append(n.span("saddle_anesthesia", "exam_neg", ["neg"]))
            if not n.S["exam_pvr"] and "urinary_retention" not in a and rng.random() < 0.5:
                n.S["exam_pvr"].append(n.span("urinary_retention", "exam_neg", ["neg"]))
        if not n.S["vitals_temp"]:
            n.S["vitals_temp"].append(n.span("fever", "exam_neg", ["neg"]))
        # labs
        hi = bool(n.S["labs_hi"])
        if hi or rng.random() < (0.35 if n.template == "ed" else 0.15):
            em = "elevated_inflammatory_markers"
            items = []
            keys = ["wbc", "esr", "crp"]
            rng.shuffle(keys)
            forced = keys[0] if hi else None
            for kk in sorted(keys, key=["wbc", "esr", "crp"].index):
                if kk == forced or (hi and rng.random() < 0.5):
                    items.append(n.span(em, kk + "_hi"))
                elif rng.random() < 0.8:
                    items.append(n.span(em, kk + "_lo", ["neg"]))
            others = rng.sample(CTX["labs_other"], rng.randint(1, 3))
            items = [n.fill(o) for o in others[:1]] + items + [n.fill(o) for o in others[1:]]
            if rng.random() < 0.2 and "renal_impairment" not in n.mentioned:
                items.append(n.span("renal_impairment", "neg_self", ["neg"]))
            n.S["labs"].append(", ".join(items))


# ---------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------


class Renderer:
    def __init__(self, note):
        self.n = note
        self.rng = note.rng

    def c(self, lst):
        return self.rng.choice(lst)

    def head(self, tpl, key):
        return self.c(TPL[tpl]["heads"][key])

    def join(self, items, conj="or"):
        items = [i for i in items if i]
        if not items:
            return ""
        if len(items) == 1:
            return items[0]
        style = self.rng.random()
        if style < 0.15:
            return ", ".join(items)
        if style < 0.25 and len(items) <= 3:
            return "/".join(items)
        return ", ".join(items[:-1]) + f", {conj} " + items[-1] if len(items) > 2 else f"{items[0]} {conj} {items[1]}"

    def sents(self, clauses):
        out = []
        cl = [c for c in clauses if c]
        i = 0
        while i < len(cl):
            k = self.rng.choice([1, 1, 2])
            grp = cl[i:i + k]
            i += k
            if len(grp) == 2 and re.match(r"(\[\[)?[a-z+?(]", grp[1]) and not grp[1].lower().startswith("also"):
                out.append(sentence(grp[0] + self.c([", ", "; ", "; also "]) + grp[1]))
            else:
                out += [sentence(g) for g in grp]
        return " ".join(out)

    def filler(self, key, k):
        items = [it for it in CTX[key] if self.n.ok_item(it)]
        k = min(k, len(items))
        return [self.n.fill(it if isinstance(it, str) else it["t"]) for it in self.rng.sample(items, k)]

    # ---- pieces
    def intro(self, kind="subject"):
        n = self.n
        age = n.age_form("subject") if kind == "subject" else None
        subj = age or self.c(["Patient", "Pt"])
        cc = n.fill(self.c(CTX["cc_plain"]))
        adj = n.adj_span()
        s = f"{subj} {self.c(CTX['presents'])} {adj}{cc}"
        if n.durations:
            d, used = n.dur_span(n.durations[0], self.rng.choice(["after", "after", "ago"]))
            if used == "ago":
                s += f" that {self.c(['began', 'started'])} {d}"
            else:
                s += f" {d}"
        s = sentence(s)
        extra = []
        if "radicular_pain" in n.asserted:
            for spec in n.durations[1:]:
                d, used = n.dur_span(spec, self.rng.choice(["after", "ago"]))
                lead = self.c(["Leg symptoms started ", "The leg symptoms began "]) if used == "ago" else \
                    self.c(["Leg symptoms ", "Leg symptoms present "])
                extra.append(sentence(lead + d))
        return " ".join([s] + extra)

    def hpi_body(self, with_neg=True, with_tx=True, with_hist=True):
        n = self.n
        parts = []
        if n.S["event"]:
            parts.append(" ".join(sentence(e) for e in n.S["event"]))
        elif self.rng.random() < 0.5 and not (n.template == "phone" and n.verbosity <= 0.15):
            parts.append(n.fill(n.pick(CTX["mechanism"])))
        if n.S["hpi"]:
            parts.append(self.sents(n.S["hpi"]))
        if with_tx and n.S["tx"]:
            parts.append(self.tx_text())
        if with_neg and n.S["hpi_neg"]:
            parts.append(n.fill(self.c(FR["neg_list"])).replace("{list}", self.join(n.S["hpi_neg"])))
        if with_hist and n.S["pmh_hist"] and self.rng.random() < 0.5:
            parts.append(self.sents(n.S["pmh_hist"]))
            n.S["pmh_hist_done"].append("1")
        return " ".join(p for p in parts if p)

    def tx_text(self):
        n = self.n
        tx = n.S["tx"]
        if len(tx) >= 2 and self.rng.random() < 0.4:
            return n.fill(self.c(FR["tx_list_lead"])).replace("{list}", "; ".join(tx))
        return self.sents(tx)

    def pmh_items(self, k=None):
        n = self.n
        k = self.rng.randint(1, 5) if k is None else k
        plain = [x[0].lower() + x[1:] if len(x) > 1 and x[1].islower() else x for x in n.S["pmh_plain"]]
        items = list(n.S["pmh"]) + self.filler("pmh_filler", k) + plain
        if n.S["pmh_hist"] and not n.S["pmh_hist_done"]:
            items += n.S["pmh_hist"]
            n.S["pmh_hist_done"].append("1")
        self.rng.shuffle(items)
        return "; ".join(items) if self.rng.random() < 0.5 else ", ".join(items)

    def psh_items(self):
        items = list(self.n.S["psh"]) + self.filler("psh_filler", self.rng.randint(0, 2))
        return ", ".join(items) if items else "none"

    def meds_items(self):
        items = list(self.n.S["meds"]) + self.filler("meds_filler", self.rng.randint(0, 5))
        self.rng.shuffle(items)
        return ", ".join(items) if items else "none"

    def allergy_items(self):
        items = list(self.n.S["allergies"]) + list(self.n.S["allergies_plain"])
        if not items or self.rng.random() < 0.4:
            extra = self.filler("allergy_filler", 1)
            if items:
                extra = [e for e in extra if e not in ("NKDA", "NKA", "No known drug allergies")]
            items += extra
        return ", ".join(items)

    def social_items(self):
        items, seen = [], set()
        for it in self.filler("social_filler", self.rng.randint(1, 4)):
            grp = next((g for g, keys in CTX["social_groups"].items() if any(k in it.lower() for k in keys)), it)
            if grp not in seen:
                seen.add(grp)
                items.append(it)
        items += [sentence(s) for s in self.n.S["social"]]
        self.rng.shuffle(items)
        return " ".join(items)

    def fhx_items(self):
        items = [sentence(f) for f in self.n.S["fhx"]] + [sentence(x) for x in self.filler("fhx_filler", self.rng.randint(0, 2))]
        self.rng.shuffle(items)
        return " ".join(items) if items else "Noncontributory."

    def ros_block(self, full):
        n = self.n
        by_sys = defaultdict(list)
        for item in n.S["ros"]:
            sysname, mk = item.split("\t", 1)
            by_sys[sysname].append(mk)
        lines = []
        systems = CTX["ros_systems"]
        if not full:
            systems = [s for s in systems if s["name"] in by_sys] or systems[:2]
        compact = self.rng.random() < 0.35
        for s in systems:
            fill = self.rng.sample(s["filler"], self.rng.randint(1 if full else 0, len(s["filler"])))
            items = fill + by_sys.get(s["name"], [])
            if not items:
                continue
            self.rng.shuffle(items)
            if compact:
                lines.append(f"{s['name']}: " + " ".join(f"(-) {i}" for i in items))
            else:
                lines.append(f"{s['name']}: negative for {self.join(items)}.")
        if full or self.rng.random() < 0.5:
            lines.append(self.c(CTX["ros_tail"]))
        if n.target == "urgent" or self.rng.random() < 0.5:
            lines.insert(0, self.c(CTX["ros_positive_note"]))
        return lines

    def exam_neuro_lines(self, labels=True):
        n = self.n
        out = []
        heads = {"exam_motor": ["Motor:", "Strength:", "MMT:"], "exam_sens": ["Sensory:", "Sensation:"],
                 "exam_reflex": ["Reflexes:", "DTRs:"], "exam_slr": ["Special tests:", "Tension signs:", "SLR:"],
                 "exam_rectal": ["Rectal:", "Rectal exam:"], "exam_perineal": ["Perineal:", "Saddle:"],
                 "exam_pvr": ["Bladder scan:", "PVR:"]}
        for key in ("exam_motor", "exam_sens", "exam_reflex", "exam_slr", "exam_perineal", "exam_rectal", "exam_pvr"):
            if n.S[key]:
                h = self.c(heads[key])
                body = "; ".join(n.S[key])
                if h == "SLR:" and not all("SLR" in plain_text(x) for x in n.S[key]):
                    h = "Special tests:"
                if h == "PVR:" and any("PVR" in plain_text(x) for x in n.S[key]):
                    h = "Bladder:"
                out.append(f"{h} {body}." if labels else f"{body}")
        return out

    def general(self):
        opts = [g for g in CTX["exam_general"] if self.n.template == "ed" or "stretcher" not in g]
        return self.c(opts)

    def vitals(self):
        n = self.n
        t = n.S["vitals_temp"][0]
        hr = n.num("HR_TACHY") if "fever" in n.asserted and self.rng.random() < 0.5 else n.num("HR")
        fmt = self.c(["Vitals: {T}, HR {HR}, BP {BP}, RR {RR}, SpO2 {O2}% RA.",
                      "VS: {T} HR {HR} BP {BP} RR {RR} SpO2 {O2}%",
                      "BP {BP}, HR {HR}, {T}, RR {RR}, O2 sat {O2}%.",
                      "Vitals - {T}; P {HR}; BP {BP}; R {RR}; SpO2 {O2}%."])
        return (fmt.replace("{HR}", hr).replace("{BP}", f"{n.num('SBP')}/{n.num('DBP')}")
                .replace("{RR}", n.num("RR")).replace("{O2}", n.num("SPO2")).replace("{T}", t))

    def labs_line(self):
        return "; ".join(self.n.S["labs"])

    def imaging_line(self):
        n = self.n
        out = []
        for im in n.S["imaging"]:
            out.append(f"{self.c(CTX['imaging_heads'])} {im}.")
        out += n.S["imaging_sent"]
        return " ".join(out)

    def assess_items(self):
        n = self.n
        items = list(n.S["assess"])
        if not any(GROUP.get(lbl) == "radicular" for lbl in self._labels_in(items)) and (
                self.rng.random() < 0.8 or not items):
            radic = any(GROUP[l] == "radicular" for l in n.asserted) or "motor_weakness" in n.asserted
            items.insert(0, self.c(CTX["dx_plain" if radic else "dx_plain_axial"]))
        items += n.S["assess_neg"]
        return items

    @staticmethod
    def _labels_in(items):
        out = []
        for it in items:
            for m in ANN_RE.finditer(it):
                out.append(m.group(1).split("|")[1])
        return out

    def plan_items(self):
        n = self.n
        items = []
        items.append(self.c(CTX["plan_imaging"][n.target]))
        items += n.S["cand"]
        items += n.S["plan"]
        return self._merge_but(items)

    @staticmethod
    def _merge_but(items):
        out = []
        for it in items:
            if out and out[-1].endswith(" but"):
                out[-1] = out[-1] + " " + it
            else:
                out.append(it)
        return out

    def precautions_line(self):
        n = self.n
        if not n.S["precautions"]:
            return None
        return n.fill(self.c(FR["hyp_list"])).replace("{list}", self.join(n.S["precautions"]))

    def safety_line(self):
        n = self.n
        if not n.S["safety"]:
            return None
        return "; ".join(n.S["safety"]) + "."

    def plain(self, key, k):
        k = max(0, min(int(k), len(CTX[key])))
        return " ".join(self.n.fill(x) for x in self.rng.sample(CTX[key], k))

    def education(self, k):
        return self.plain("education", k)

    # ---- templates
    def render(self):
        return getattr(self, "t_" + self.n.template)()

    def t_ed(self):
        n, c, h = self.n, self.c, lambda k: self.head("ed", k)
        v = n.verbosity
        L = [c(TPL["ed"]["title"]), f"Date of service: {n.date.isoformat()}",
             f"{h('cc')} {n.fill(c(CTX['cc_plain']))}", ""]
        L.append(f"{h('hpi')} {self.intro()} {self.hpi_body()}")
        if v > 0.3:
            L.append(self.plain("hpi_detail", v * 5))
        if n.S["ros_on"]:
            L += ["", h("ros")] + self.ros_block(full=v > 0.5)
        L += ["", f"{h('pmh')} {self.pmh_items()}", f"{h('psh')} {self.psh_items()}"]
        if v > 0.3 or n.S["meds"]:
            L.append(f"{h('meds')} {self.meds_items()}")
        L.append(f"{h('allergies')} {self.allergy_items()}")
        if v > 0.4 or n.S["social"]:
            L.append(f"{h('social')} {self.social_items()}")
        if n.S["fhx"] or v > 0.6:
            L.append(f"{h('fhx')} {self.fhx_items()}")
        L += ["", h("exam"), self.vitals(), f"General: {self.general()}"]
        if v > 0.4:
            L += [f"HEENT: {c(CTX['exam_heent'])}", f"CV: {c(CTX['exam_cv'])}", f"Lungs: {c(CTX['exam_lungs'])}",
                  f"Abd: {c(CTX['exam_abd'])}"]
        if v > 0.6:
            L.append(f"Skin: {c(CTX['exam_skin'])}")
        L.append("Back: " + " ".join(n.fill(x) for x in self.rng.sample(CTX["exam_back"], self.rng.randint(1, 3))))
        L.append("Neuro: " + (" ".join(self.exam_neuro_lines()) or "A&O x3, CN II-XII grossly normal."))
        L.append(f"Gait: {c(CTX['exam_gait'])}")
        if v > 0.7:
            L.append(self.plain("exam_extra", v * 4))
        if n.S["labs"]:
            L += ["", f"{h('labs')} {self.labs_line()}"]
        if n.S["imaging"] or n.S["imaging_sent"]:
            L += [f"{h('imaging')} {self.imaging_line()}"]
        if n.S["safety"]:
            L.append(f"{h('safety')} {self.safety_line()}")
        course = CTX["ed_course_urgent"] if n.target == "urgent" else CTX["ed_course_routine"]
        if v > 0.35:
            L += ["", f"{h('course')} " + " ".join(self.rng.sample(course, self.rng.randint(1, 3)))]
        L += ["", f"{h('assess')} " + self.sents(self.assess_items())]
        L += [f"{h('plan')}"] + [f"- {sentence(p)}" for p in self.plan_items()]
        L.append(f"{h('dispo')} {c(CTX['dispo_urgent'] if n.target == 'urgent' else CTX['dispo_routine'])}")
        pl = self.precautions_line()
        if pl:
            L.append(f"{h('precautions')} {pl}")
        if v > 0.8:
            L.append(self.plain("education", v * 4) + " " + self.plain("discussion", (v - 0.7) * 20))
        L.append(n.fill(c(TPL["ed"]["sign"])))
        return L

    def t_soap(self):
        n, c, h = self.n, self.c, lambda k: self.head("soap", k)
        v = n.verbosity
        L = [c(TPL["soap"]["title"]), f"Visit date: {n.date.isoformat()}", f"{h('cc')} {n.fill(c(CTX['cc_plain']))}", ""]
        L.append(f"{h('s')} {self.intro()} {self.hpi_body()}" + (" " + self.plain("hpi_detail", v * 4) if v > 0.4 else ""))
        L.append(f"{h('pmh')} {self.pmh_items()}")
        if n.S["psh"] or v > 0.5:
            L.append(f"{h('psh')} {self.psh_items()}")
        L.append(f"{h('meds')} {self.meds_items()}")
        L.append(f"{h('allergies')} {self.allergy_items()}")
        if n.S["fhx"] or v > 0.5:
            L.append(f"{h('fhx')} {self.fhx_items()}")
        if n.S["social"] or v > 0.4:
            L.append(f"{h('social')} {self.social_items()}")
        if n.S["ros_on"]:
            L += [h("ros")] + self.ros_block(full=v > 0.6)
        L += ["", f"{h('o')} {self.vitals()}", f"Gen: {self.general()}"]
        L.append("Back: " + " ".join(n.fill(x) for x in self.rng.sample(CTX["exam_back"], self.rng.randint(1, 3))))
        L += self.exam_neuro_lines()
        if v > 0.5:
            L.append(c(CTX["exam_hip"]))
        if n.S["labs"]:
            L.append(f"{h('labs')} {self.labs_line()}")
        if n.S["imaging"] or n.S["imaging_sent"]:
            L.append(f"{h('imaging')} {self.imaging_line()}")
        if n.S["safety"]:
            L.append(f"{h('safety')} {self.safety_line()}")
        L += ["", f"{h('a')} " + self.sents(self.assess_items()), "", h("p")]
        L += [f"- {sentence(p)}" for p in self.plan_items()]
        pl = self.precautions_line()
        if pl:
            L.append(f"- {pl}")
        L.append(f"- {n.fill(c(CTX['followup']))}")
        if v > 0.6:
            L.append(self.education(self.rng.randint(1, 2 + int(v * 4))))
        L.append(n.fill(c(TPL["soap"]["sign"])))
        return L

    def t_spine(self):
        n, c, h = self.n, self.c, lambda k: self.head("spine", k)
        v = n.verbosity
        L = [c(TPL["spine"]["title"]), f"Date: {n.date.isoformat()}", n.fill(h("pcp")), h("reason")]
        if v > 0.5:
            L.append(self.plain("records", v * 4))
        L.append("")
        L.append(h("hpi"))
        L.append(f"{self.intro()} {self.hpi_body(with_tx=False)} {self.plain('hpi_detail', 1 + v * 7)}")
        if v > 0.3:
            L.append(self.plain("function", v * 6))
        if v > 0.5:
            L.append("Psychosocial: " + self.plain("psychosocial", 1 + v * 4))
        if n.S["tx"]:
            L += ["", h("tx")] + [f"- {sentence(t)}" for t in n.S["tx"]]
        L += ["", f"{h('pmh')} {self.pmh_items(self.rng.randint(2, 7))}", f"{h('psh')} {self.psh_items()}",
              f"{h('meds')} {self.meds_items()}", f"{h('allergies')} {self.allergy_items()}",
              f"{h('fhx')} {self.fhx_items()}", f"{h('social')} {self.social_items()}"]
        if n.S["ros_on"]:
            L += ["", h("ros")] + self.ros_block(full=v > 0.3)
        L += ["", h("exam"), self.vitals(), f"General: {self.general()}"]
        if v > 0.3:
            L += [f"Psych: {c(CTX['exam_psych'])}", f"Skin: {c(CTX['exam_skin'])}"]
        if v > 0.6:
            L += self.rng.sample(CTX["exam_systems"], int(v * 6))
        L.append("Lumbar spine: " + " ".join(n.fill(x) for x in self.rng.sample(CTX["exam_back"], self.rng.randint(2, 4))))
        L += self.exam_neuro_lines()
        L.append(f"Gait: {c(CTX['exam_gait'])}")
        L.append(f"Hips/SI: {c(CTX['exam_hip'])}")
        if v > 0.4:
            L.append(self.plain("exam_extra", v * 7))
        if n.S["labs"]:
            L += ["", f"{h('labs')} {self.labs_line()}"]
        if n.S["imaging"] or n.S["imaging_sent"]:
            L += ["", f"{h('imaging')} {self.imaging_line()}"]
        if n.S["safety"]:
            L.append(f"{h('safety')} {self.safety_line()}")
        L += ["", h("assess")]
        L += [f"{i + 1}. {sentence(a)}" for i, a in enumerate(self.assess_items())]
        L += ["", h("plan")] + [f"- {sentence(p)}" for p in self.plan_items()]
        if v > 0.5:
            L += [f"- {x}" for x in self.rng.sample(CTX["plan_extra"], int(v * 4))]
        pl = self.precautions_line()
        if pl:
            L.append(f"{h('precautions')} {pl}")
        if v > 0.25:
            L += ["", h("education"), self.plain("discussion", v ** 1.5 * 34), self.education(v * 12)]
        L += ["", n.fill(c(CTX["followup"])), c(TPL["spine"]["closing"]), n.fill(c(TPL["spine"]["sign"]))]
        return L

    def t_pt(self):
        n, c, h = self.n, self.c, lambda k: self.head("pt", k)
        v = n.verbosity
        L = [c(TPL["pt"]["title"]), f"Date of evaluation: {n.date.isoformat()}"]
        af = n.age_form("field")
        if af and self.rng.random() < 0.6:
            L.append(af)
        L += [h("dx"), "", h("subj")]
        L.append(f"{self.intro()} {self.hpi_body(with_neg=False)}" + (" " + self.plain("hpi_detail", v * 4) if v > 0.4 else ""))
        if v > 0.5:
            L.append(self.plain("function", v * 4))
        L.append(n.fill(h("pain")))
        L.append(n.fill(h("aggr")) + " " + n.fill(h("ease")))
        if n.S["screen"] or n.S["hpi_neg"]:
            items = n.S["screen"] + n.S["hpi_neg"]
            style = self.rng.random()
            if style < 0.5:
                L.append(f"{h('screen')} " + ", ".join(f"(-) {i}" for i in items) + ".")
            else:
                L.append(f"{h('screen')} denies {self.join(items)}.")
        if n.S["pmh"] or n.S["pmh_plain"] or v > 0.4:
            L.append(f"{h('pmh')} {self.pmh_items()}")
        if n.S["psh"]:
            L.append(f"PSH: {self.psh_items()}")
        if n.S["meds"] or v > 0.5:
            L.append(f"{h('meds')} {self.meds_items()}")
        if n.S["social"]:
            L.append(f"Social: {self.social_items()}")
        if n.S["fhx"]:
            L.append(f"Family hx: {self.fhx_items()}")
        if n.S["allergies"]:
            L.append(f"Allergies: {self.allergy_items()}")
        L += ["", h("obj"), n.fill(h("posture")), n.fill(h("arom"))]
        if n.S["vitals_temp"] and ("fever" in n.asserted or self.rng.random() < 0.4):
            L.append(self.vitals())
        L.append(f"{h('neuro')} " + " ".join(self.exam_neuro_lines()))
        L.append(n.fill(h("outcome")))
        if n.S["labs"]:
            L.append(f"Recent labs (per chart): {self.labs_line()}")
        if n.S["imaging"] or n.S["imaging_sent"]:
            L.append(f"Imaging (per chart): {self.imaging_line()}")
        if n.S["safety"]:
            L.append(f"{h('safety')} {self.safety_line()}")
        L += ["", h("assess"), c(TPL["pt"]["assess_plain"])]
        extra = [a for a in n.S["assess"]] + n.S["assess_neg"]
        if extra:
            L.append(self.sents(extra))
        if n.target == "urgent":
            L.append("Findings communicated to the treating physician today; patient directed to same-day medical evaluation.")
        else:
            L.append(c(TPL["pt"]["rehab"]))
        if v > 0.3:
            L += [h("goals")] + [f"- {g}" for g in self.rng.sample(TPL["pt"]["goals"], self.rng.randint(2, 4))]
        L += ["", h("plan")]
        plan = []
        if n.target != "urgent" and "physical_therapy" not in n.tx_used:
            n.tx_used["physical_therapy"] = "hyp"
            plan.append(n.tx_clause("physical_therapy", "hyp"))
        cand = self._merge_but(n.S["cand"])
        plan += [self.c(["Per PCP note, ", "Per chart, ", "Per physician note, "]) + x for x in cand]
        plan += n.S["plan"]
        L += [f"- {sentence(p)}" for p in plan] or ["- Plan of care discussed with the patient."]
        pl = self.precautions_line()
        if pl:
            L.append(f"- {pl}")
        L.append(n.fill(c(TPL["pt"]["sign"])))
        return L

    def t_phone(self):
        n, c, P = self.n, self.c, TPL["phone"]
        L = [c(P["title"])]
        if n.verbosity > 0.15:
            L += [f"Date: {n.date.isoformat()}", n.fill(c(P["caller"]))]
        L.append(c(P["reason"]))
        L.append(f"{c(P['hist_head'])} {self.intro()} {self.hpi_body(with_neg=False)}")
        if n.S["pmh"] or n.S["meds"] or n.S["social"] or n.S["psh"]:
            items = n.S["pmh"] + n.S["psh"] + n.S["meds"] + [plain for plain in n.S["social"]]
            L.append("Relevant hx: " + "; ".join(items) + ".")
        exam = self.exam_neuro_lines(labels=False)
        abn = [e for e in exam if "|neg" not in e]
        if abn:
            L.append(f"{c(P['last_exam'])} " + "; ".join(abn) + ".")
        if n.S["labs_hi"] and n.S["labs"]:
            L.append(f"Recent labs: {self.labs_line()}.")
        if n.S["imaging"] or n.S["imaging_sent"]:
            L.append(f"Chart: {self.imaging_line()}")
        if n.S["hpi_neg"]:
            L.append(f"{c(P['screen_head'])} " + n.fill(c(FR["neg_list"])).replace("{list}", self.join(n.S["hpi_neg"])))
        if n.S["assess"]:
            L.append("RN impression: " + self.sents(n.S["assess"]))
        if n.S["fhx"] and self.rng.random() < 0.5:
            L.append("FHx per caller: " + self.fhx_items())
        for x in self._merge_but(n.S["cand"]):
            L.append(sentence(c(["Per last note, ", "Provider note: ", "Caller states "]) + x))
        short = n.verbosity <= 0.15
        if not short:
            L += [sentence(p) for p in n.S["plan"]]
        if n.S["safety"]:
            L.append(f"MRI screening: {self.safety_line()}")
        L.append(c(P["dispo_urgent"] if n.target == "urgent" else P["dispo_routine"]))
        pl = self.precautions_line()
        if pl and not short:
            L.append(pl)
        if n.verbosity > 0.2:
            L.append(n.fill(c(P["closing"])))
        L.append(n.fill(c(P["sign"])))
        return L

    def t_form(self):
        n, c, P = self.n, self.c, TPL["form"]
        fld = lambda k: c(P["fields"][k])
        key = "urgent" if n.target == "urgent" else "other"
        L = [c(P["title"]), f"Date: {n.date.isoformat()}"]
        af = n.age_form("field")
        if af:
            L.append(af if "Sex" in af else af + f"   Sex: {n.sex}")
        L += [c(P["exam_req"][key]), c(P["priority"][key]), c(P["icd"])]
        L.append(f"{fld('indication')} {self.intro()} {self.hpi_body(with_neg=False, with_tx=False)}")
        if n.durations and self.rng.random() < 0.6:
            L.append(f"{fld('duration')} {n.dur_span(n.durations[0], 'bare')[0]}")
        elif n.dur_adj is None and not n.durations:
            L.append(f"{fld('duration')} not documented")
        exam = self.exam_neuro_lines()
        L.append(f"{fld('neuro')} " + (" ".join(exam) if exam else "see clinic note"))
        if n.S["vitals_temp"] and ("fever" in n.asserted or self.rng.random() < 0.3):
            L.append(self.vitals())
        if n.S["labs"]:
            L.append(f"Labs: {self.labs_line()}")
        if n.S["imaging"] or n.S["imaging_sent"]:
            L.append(f"Prior imaging: {self.imaging_line()}")
        if n.S["tx"]:
            L.append(fld("tx"))
            L += [f"  - {sentence(t)}" for t in n.S["tx"]]
        else:
            L.append(f"{fld('tx')} none documented")
        hist = n.S["pmh"] + n.S["psh"] + n.S["meds"] + n.S["social"] + n.S["pmh_plain"] + n.S["pmh_hist"] + n.S["allergies"]
        if hist:
            L.append(f"{fld('history')} " + "; ".join(hist) + ".")
        if n.S["fhx"]:
            L.append("Family history: " + self.fhx_items())
        if n.S["hpi_neg"]:
            L.append(f"{fld('redflags')} " + ", ".join(f"no {x}" if self.rng.random() < 0.5 else f"{x} - denies"
                                                       for x in n.S["hpi_neg"]))
        if n.S["assess"] or n.S["assess_neg"]:
            L.append("Working diagnosis: " + self.sents(n.S["assess"] + n.S["assess_neg"]))
        plan = self._merge_but(n.S["cand"]) + n.S["plan"]
        L.append(f"{fld('plan')} " + ("; ".join(plan) if plan else "to be determined") + ".")
        if n.S["safety"]:
            L.append(f"{fld('safety')} {self.safety_line()}")
        L.append(c(P["attest"]))
        L.append(n.fill(c(P["sign"])))
        return L


# ---------------------------------------------------------------------------
# driver
# ---------------------------------------------------------------------------

TEMPLATE_WEIGHTS = {
    "urgent": {"ed": 35, "soap": 15, "spine": 13, "phone": 17, "form": 10, "pt": 10},
    "indicated": {"ed": 8, "soap": 20, "spine": 27, "phone": 10, "form": 23, "pt": 12},
    "not_indicated": {"ed": 22, "soap": 25, "spine": 13, "phone": 15, "form": 10, "pt": 15},
}


def build_note(rng, target, note_date, template):
    n = Note(rng, target, note_date, template)
    s = Sampler(n)
    getattr(s, target)()
    s.traps()
    s.exam_normals()
    lines = Renderer(n).render()
    text = "\n".join(l.rstrip() for l in lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return n, text


def check_markup(text):
    body = ANN_RE.sub("", text)
    for bad in ("[[", "]]", "|", "{", "}", "<<", "\t"):
        if bad in body:
            raise ValueError(f"stray {bad!r} in text")
    for line in text.split("\n"):
        if line.startswith("==="):
            raise ValueError("body line starting with ===")


def generate(n_notes, seed):
    master = random.Random(seed)
    k_u = round(n_notes * 0.35)
    k_i = round(n_notes * 0.30)
    targets = ["urgent"] * k_u + ["indicated"] * k_i + ["not_indicated"] * (n_notes - k_u - k_i)
    master.shuffle(targets)
    # every template at least once (when n allows), then by target-specific weights
    templates = []
    for i, tgt in enumerate(targets):
        w = TEMPLATE_WEIGHTS[tgt]
        templates.append(master.choices(list(w), list(w.values()))[0])
    if n_notes >= len(TEMPLATES):
        for j, tp in enumerate(TEMPLATES):
            if tp not in templates:
                templates[j] = tp
    base = dt.date(2025, 1, 1)
    out, meta = [], []
    for i, (tgt, tpl) in enumerate(zip(targets, templates), start=1):
        note_date = base + dt.timedelta(days=master.randrange(0, 730))
        best = None
        for attempt in range(60):
            rng = random.Random(f"{seed}:{i}:{attempt}")
            note, text = build_note(rng, tgt, note_date, tpl)
            check_markup(text)
            spans = parse_annotations(text)
            dec = decide(spans)
            words = len(plain_text(text).split())
            ok_len = 45 <= words <= 1500
            if dec["indication"] == tgt and ok_len:
                best = (note, text, dec, words)
                break
            if best is None and ok_len:
                best = (note, text, dec, words)
        if best is None:
            best = (note, text, dec, words)
        note, text, dec, words = best
        nid = f"gen-{i:04d}"
        out.append(f"=== id: {nid} | note_date: {note_date.isoformat()} | intended: {dec['indication']}\n{text}\n")
        meta.append({"id": nid, "target": tgt, "intended": dec["indication"], "template": tpl, "words": words,
                     "nearmiss": note.nearmiss, "groups": note.groups, "suspected": dec["suspected"],
                     "criteria": dec["criteria"]})
    return "\n".join(out), meta


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=320, help="number of notes")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("-o", "--output", required=True, help="output .txt in ANNOTATION.md markup")
    ap.add_argument("--meta", help="optional JSONL with per-note sampling metadata (not gold)")
    args = ap.parse_args(argv)
    text, meta = generate(args.n, args.seed)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as fh:
        fh.write(text)
    if args.meta:
        with open(args.meta, "w", encoding="utf-8") as fh:
            for m in meta:
                fh.write(json.dumps(m) + "\n")
    miss = sum(1 for m in meta if m["target"] != m["intended"])
    counts = defaultdict(int)
    for m in meta:
        counts[m["intended"]] += 1
    print(f"wrote {len(meta)} notes to {args.output}: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
          + f" (target mismatches: {miss})", file=sys.stderr)


if __name__ == "__main__":
    main()
