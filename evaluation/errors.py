"""The error list: every span and decision disagreement, with its text in context.

Spans are paired as in the lenient span score (``matching.match_spans``):
an unpaired gold span is a ``false_negative``, an unpaired predicted span a
``false_positive``; a pair that disagrees on an assertion attribute or the
treatment ``response`` is a ``wrong_attribute``, on ``value`` a
``wrong_value``. Each differing decision field is a ``wrong_decision``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Mapping, Sequence

import pandas as pd

from extractor.schema import ASSERTIONS, CRITERIA

from .matching import Record, match_spans, overlap, pair_notes
from .metrics import decision_of, spans_of

KINDS = ("wrong_decision", "false_negative", "false_positive", "wrong_attribute", "wrong_value")
#: Decision fields compared, in report order; criteria are compared one by one.
DECISION_FIELDS = ("indication", "suspected", "contrast", "coverage",
                   *(f"criteria.{name}" for name in CRITERIA), "missing", "warnings", "alternative")
#: Decision fields whose order carries no meaning.
UNORDERED_FIELDS = frozenset({"suspected", "warnings"})
CONTEXT_WIDTH = 200


@dataclass(frozen=True)
class SpanError:
    """One disagreement between gold and prediction in one note.

    ``start``/``end``/``text`` locate the span (the gold span when there is
    one); ``context`` is its text line; decision errors have no span, and
    their ``label`` is the decision field.
    """

    note_id: str
    kind: str
    label: str
    start: int | None
    end: int | None
    text: str
    context: str
    detail: str

    def to_dict(self) -> dict:
        """The error as a plain dict."""
        return asdict(self)


def list_errors(gold: Sequence[Record], pred: Sequence[Record]) -> list[SpanError]:
    """All errors, note by note in gold order: decision errors first, then spans by offset."""
    errors: list[SpanError] = []
    for g, p in pair_notes(gold, pred):
        errors += decision_errors(g, p)
        errors += sorted(span_errors(g, p), key=lambda e: (e.start, e.end, KINDS.index(e.kind), e.label))
    return errors


def errors_frame(errors: Sequence[SpanError]) -> pd.DataFrame:
    """The errors as a DataFrame, one row per error, one column per field."""
    frame = pd.DataFrame([error.to_dict() for error in errors], columns=[f.name for f in fields(SpanError)])
    return frame.astype({"start": "Int64", "end": "Int64"})


def decision_errors(gold: Record, pred: Record) -> list[SpanError]:
    """One ``wrong_decision`` per decision field that differs."""
    errors = []
    for name in DECISION_FIELDS:
        gold_value, pred_value = decision_field(decision_of(gold), name), decision_field(decision_of(pred), name)
        if gold_value != pred_value:
            errors.append(SpanError(str(gold["id"]), "wrong_decision", name, None, None, "", "",
                                    _difference(name, gold_value, pred_value)))
    return errors


def span_errors(gold: Record, pred: Record) -> list[SpanError]:
    """False negatives, false positives and attribute / value errors of one note."""
    text = str(gold.get("text", ""))
    gold_spans, pred_spans = spans_of(gold), spans_of(pred)
    pairs = match_spans(gold_spans, pred_spans)

    def error(kind: str, span: Mapping, detail: str) -> SpanError:
        return SpanError(str(gold["id"]), kind, span["label"], span["start"], span["end"],
                         text[span["start"]:span["end"]], context_of(text, span["start"], span["end"]), detail)

    matched_gold = {i for i, _ in pairs}
    matched_pred = {j for _, j in pairs}
    errors = [
        error("false_negative", s, f"not predicted{describe_flags(s)}{_overlapping(s, pred_spans, 'predicted')}")
        for i, s in enumerate(gold_spans) if i not in matched_gold
    ]
    errors += [
        error("false_positive", s, f"not in gold{describe_flags(s)}{_overlapping(s, gold_spans, 'gold')}")
        for j, s in enumerate(pred_spans) if j not in matched_pred
    ]
    for i, j in pairs:
        g, p = gold_spans[i], pred_spans[j]
        errors += [error("wrong_attribute", g, _difference(name, bool(g.get(name)), bool(p.get(name))))
                   for name in ASSERTIONS if bool(g.get(name)) != bool(p.get(name))]
        if g.get("response") != p.get("response"):
            errors.append(error("wrong_attribute", g, _difference("response", g.get("response"), p.get("response"))))
        if g.get("value") != p.get("value"):
            errors.append(error("wrong_value", g, _difference("value", g.get("value"), p.get("value"))))
    return errors


def context_of(text: str, start: int, end: int, width: int = CONTEXT_WIDTH) -> str:
    """The text line(s) holding ``text[start:end]``, cut to about ``width`` characters around it.

    >>> context_of("History:\\nDenies fever or chills.\\nPlan: PT", 16, 21)
    'Denies fever or chills.'
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    room = max(0, width - (end - start)) // 2
    low, high = max(line_start, start - room), min(line_end, end + room)
    snippet = " ".join(text[low:high].split())
    return ("…" if low > line_start else "") + snippet + ("…" if high < line_end else "")


def decision_field(decision: Mapping, name: str) -> object:
    """A decision field (``criteria.<name>`` reaches into criteria); absent is None."""
    if name.startswith("criteria."):
        return (decision.get("criteria") or {}).get(name.removeprefix("criteria."))
    value = decision.get(name)
    if name in UNORDERED_FIELDS:
        return sorted(value or [])
    return list(value) if isinstance(value, (list, tuple)) else value


def show_value(value: object) -> str:
    """A value as it would read in JSON, without quotes."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(map(show_value, value)) + "]"
    return str(value)


def _difference(name: str, gold: object, pred: object) -> str:
    return f"{name}: gold {show_value(gold)}, predicted {show_value(pred)}"


def describe_flags(span: Mapping) -> str:
    """The span's true attributes, response and value, e.g. `` (negated, value=21)``."""
    flags = [name for name in ASSERTIONS if span.get(name)]
    flags += [f"{key}={show_value(span[key])}" for key in ("response", "value") if span.get(key) is not None]
    return f" ({', '.join(flags)})" if flags else ""


def _overlapping(span: Mapping, others: Sequence[Mapping], side: str) -> str:
    """Labels of the other side's spans that overlap ``span`` with a different label."""
    labels = sorted({o["label"] for o in others if o["label"] != span["label"] and overlap(span, o) > 0})
    return f"; overlaps {side} {', '.join(labels)}" if labels else ""
