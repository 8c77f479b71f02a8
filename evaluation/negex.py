"""Score the context engine on a NegEx-format test file.

The file is tab-separated: line, condition, sentence, negation,
temporality, experiencer (the public NegEx/ConText test set of Chapman et
al. has this layout, with a header row). Each row's condition becomes the
only target in its sentence. Our rules (``patterns/context`` plus section
defaults, our sentence splitter) and medspaCy's default ConText rules (with
spaCy's sentencizer) are scored in the same run on the same targets.

Following the data's convention, a negation inside the condition phrase
itself leaves it affirmed; ConText already ignores modifiers that overlap
their target. Rows whose condition is not found in the sentence are counted
and skipped.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import spacy
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from extractor.component import MriIndication
from extractor.pipeline.targets import Target
from extractor.rules import TargetRule

TARGET_LABEL = "CONDITION"


@dataclass(frozen=True)
class NegexRow:
    condition: str
    sentence: str
    negated: bool
    historical: bool
    other_experiencer: bool


def read_negex(path: str | Path) -> list[NegexRow]:
    """Rows of a NegEx test file (a header row, if present, is skipped)."""
    rows = []
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        for number, fields in enumerate(csv.reader(handle, delimiter="\t"), start=1):
            if len(fields) < 6:
                raise ValueError(f"{path}:{number}: expected 6 tab-separated columns, found {len(fields)}")
            if number == 1 and not fields[0].strip().isdigit():
                continue
            # the last five columns: condition, sentence, negation, temporality, experiencer (the genConText
            # version of the set has an extra, empty, column after the line number)
            condition, sentence, negation, temporality, experiencer = (f.strip() for f in fields[-5:])
            rows.append(NegexRow(condition, sentence, negation.lower() == "negated",
                                 temporality.lower() == "historical", experiencer.lower() != "patient"))
    return rows


def _locate(row: NegexRow) -> tuple[int, int] | None:
    start = row.sentence.lower().find(row.condition.lower())
    return None if start < 0 else (start, start + len(row.condition))


class _OurEngine:
    """Our sentence splitter, sections, ConText rules and section defaults on one given target."""

    def __init__(self):
        self.nlp = spacy.blank("en")
        self.component = MriIndication(self.nlp)

    def __call__(self, sentence: str, start: int, end: int) -> tuple[bool, bool, bool]:
        note = self.component.read(self.nlp.make_doc(sentence), sentence, None)
        span = note.doc.char_span(start, end, alignment_mode="expand")
        if span is None:  # the condition is only whitespace in this tokenization: score it as affirmed
            return False, False, False
        rule = TargetRule(sentence[start:end], TARGET_LABEL)
        target = Target(TARGET_LABEL, span.start, span.end, span.start_char, span.end_char, rule)
        (finding,) = self.component.assertions(note, [target], self.component.context(note, [target]))
        return finding.negated, finding.historical, finding.family


class _MedspacyDefault:
    """medspaCy's default ConText rules with spaCy's sentencizer."""

    def __init__(self):
        from medspacy.context import ConText

        from ._quiet import silence_third_party_logs

        silence_third_party_logs()

        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        self.context = ConText(self.nlp, rules="default")

    def __call__(self, sentence: str, start: int, end: int) -> tuple[bool, bool, bool]:
        doc = self.nlp(sentence)
        span = doc.char_span(start, end, alignment_mode="expand", label=TARGET_LABEL)
        if span is None:
            return False, False, False
        doc.ents = [span]
        self.context(doc)
        target = doc.ents[0]
        return target._.is_negated, target._.is_historical, target._.is_family


def _scores(gold: list[bool], pred: list[bool]) -> dict[str, float]:
    return {"accuracy": accuracy_score(gold, pred), "precision": precision_score(gold, pred, zero_division=0),
            "recall": recall_score(gold, pred, zero_division=0), "f1": f1_score(gold, pred, zero_division=0)}


def score_negex(path: str | Path) -> dict:
    """Negation, historical and experiencer scores for our rules and medspaCy's defaults."""
    rows = read_negex(path)
    located = [(row, _locate(row)) for row in rows]
    usable = [(row, where) for row, where in located if where is not None]
    result: dict = {"file": str(path), "n_rows": len(rows), "n_scored": len(usable),
                    "n_condition_not_in_sentence": len(rows) - len(usable)}
    for name, engine in (("ours", _OurEngine()), ("medspacy_default", _MedspacyDefault())):
        predictions = [engine(row.sentence, *where) for row, where in usable]
        negation = _scores([r.negated for r, _ in usable], [p[0] for p in predictions])
        historical = _scores([r.historical for r, _ in usable], [p[1] for p in predictions])
        experiencer = accuracy_score([r.other_experiencer for r, _ in usable], [p[2] for p in predictions])
        result[name] = {"negation": negation, "historical": historical, "experiencer_accuracy": experiencer}
    return result


def format_negex(scores: dict) -> str:
    """A small table: our rules beside medspaCy's defaults."""
    lines = [f"NegEx test file {scores['file']}: {scores['n_scored']} of {scores['n_rows']} rows scored "
             f"({scores['n_condition_not_in_sentence']} conditions not found in their sentence)",
             f"{'':28s}{'ours':>10s}{'medspaCy':>10s}"]
    rows = [("negation accuracy", "negation", "accuracy"), ("negation precision", "negation", "precision"),
            ("negation recall", "negation", "recall"), ("negation F1", "negation", "f1"),
            ("historical F1", "historical", "f1")]
    for title, group, key in rows:
        lines.append(f"{title:28s}{scores['ours'][group][key]:10.3f}{scores['medspacy_default'][group][key]:10.3f}")
    lines.append(f"{'experiencer accuracy':28s}{scores['ours']['experiencer_accuracy']:10.3f}"
                 f"{scores['medspacy_default']['experiencer_accuracy']:10.3f}")
    return "\n".join(lines)
