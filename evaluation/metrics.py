"""Scores of SPEC.md section 5: decision, findings, spans, assertion, duration, age.

Every score is computed by scikit-learn (span scores from counts, see
``counts.py``) or is a pandas mean of a boolean column. Undefined ratios
follow scikit-learn's ``zero_division=0``; a score over an empty set (no
matched spans, no gold ages, no gold durations) is ``None``.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.preprocessing import MultiLabelBinarizer

from extractor.schema import (
    ASSERTIONS,
    FINDING_LABELS,
    INDICATIONS,
    SUSPECTED_CONDITIONS,
    is_present,
    labels_in_group,
)

from .counts import binary_scores
from .matching import Record, match_spans, pair_notes, strict_matches

Pair = tuple[Record, Record]
#: Duration (days) that splits the ``<42`` and ``>=42`` buckets (SPEC section 5).
SIX_WEEKS_DAYS = 42
TREATMENTS = frozenset(labels_in_group("treatment"))


def evaluate(gold: Sequence[Record], pred: Sequence[Record]) -> dict:
    """Score predictions against gold; returns the SPEC section 5 structure.

    Parameters
    ----------
    gold, pred : list of dict
        Records in SPEC section 4 format, paired by ``id``. Every gold id
        needs a prediction; extra predictions are ignored.

    Returns
    -------
    dict
        ``n_notes``, ``decision``, ``findings``, ``spans``, ``assertion``
        (with an extra ``response`` entry), ``duration`` and ``age``.
    """
    pairs = pair_notes(gold, pred)
    return {
        "n_notes": len(pairs),
        "decision": decision_scores(pairs),
        "findings": finding_scores(pairs),
        "spans": span_scores(pairs),
        "assertion": assertion_scores(pairs),
        "duration": duration_scores(pairs),
        "age": age_scores(pairs),
    }


# --- record accessors shared with bootstrap, errors and report ---------------

def spans_of(record: Record) -> list[Mapping]:
    """The record's spans (an absent list is empty)."""
    return list(record.get("spans") or [])


def decision_of(record: Record) -> Mapping:
    """The record's decision (an absent decision is empty)."""
    return record.get("decision") or {}


def indication_of(record: Record) -> str:
    """The indication as a string; a missing one becomes ``"None"`` (never correct)."""
    return str(decision_of(record).get("indication"))


def present_findings(record: Record) -> set[str]:
    """Doc-level findings: finding labels with at least one present mention."""
    return {
        span["label"]
        for span in spans_of(record)
        if span["label"] in FINDING_LABELS and is_present(span["label"], span)
    }


def finding_matrices(pairs: Sequence[Pair]) -> tuple[np.ndarray, np.ndarray]:
    """Gold and predicted note x finding-label indicator matrices."""
    binarizer = MultiLabelBinarizer(classes=FINDING_LABELS).fit([])
    return (
        binarizer.transform([present_findings(g) for g, _ in pairs]),
        binarizer.transform([present_findings(p) for _, p in pairs]),
    )


# --- the sections of the report ----------------------------------------------

def decision_scores(pairs: Sequence[Pair]) -> dict:
    """Indication accuracy / macro-F1 / per class / confusion, suspected F1, protocol."""
    y_true = [indication_of(g) for g, _ in pairs]
    y_pred = [indication_of(p) for _, p in pairs]
    labels = list(INDICATIONS)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, average=None, zero_division=0
    )
    suspected = MultiLabelBinarizer(classes=SUSPECTED_CONDITIONS).fit([])

    def protocol_accuracy(field: str) -> float:
        return float(accuracy_score(
            [str(decision_of(g).get(field)) for g, _ in pairs],
            [str(decision_of(p).get(field)) for _, p in pairs],
        ))

    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "per_class": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support)
        },
        "confusion": {
            "labels": labels,
            "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        },
        "suspected_f1": float(f1_score(
            suspected.transform([decision_of(g).get("suspected") or [] for g, _ in pairs]),
            suspected.transform([decision_of(p).get("suspected") or [] for _, p in pairs]),
            average="micro", zero_division=0,
        )),
        "contrast_accuracy": protocol_accuracy("contrast"),
        "coverage_accuracy": protocol_accuracy("coverage"),
    }


def finding_scores(pairs: Sequence[Pair]) -> dict:
    """Doc-level finding scores: pooled micro and every finding label."""
    y_true, y_pred = finding_matrices(pairs)
    micro = precision_recall_fscore_support(y_true, y_pred, average="micro", zero_division=0)
    per_label = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    return {
        "micro": dict(zip(("precision", "recall", "f1"), map(float, micro[:3]))),
        "per_label": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(FINDING_LABELS, *per_label)
        },
    }


def span_scores(pairs: Sequence[Pair]) -> dict:
    """Span P/R/F1 over all spans: strict (identical offsets) and lenient (overlap)."""
    n_gold = sum(len(spans_of(g)) for g, _ in pairs)
    n_pred = sum(len(spans_of(p)) for _, p in pairs)
    strict = sum(strict_matches(spans_of(g), spans_of(p)) for g, p in pairs)
    lenient = sum(len(match_spans(spans_of(g), spans_of(p))) for g, p in pairs)
    return {
        "strict": binary_scores(strict, n_pred - strict, n_gold - strict),
        "lenient": binary_scores(lenient, n_pred - lenient, n_gold - lenient),
    }


def matched_span_pairs(pairs: Sequence[Pair]) -> list[tuple[Mapping, Mapping]]:
    """All lenient-matched ``(gold span, predicted span)`` pairs of all notes."""
    matched = []
    for g, p in pairs:
        gold_spans, pred_spans = spans_of(g), spans_of(p)
        matched += [(gold_spans[i], pred_spans[j]) for i, j in match_spans(gold_spans, pred_spans)]
    return matched


def assertion_scores(pairs: Sequence[Pair]) -> dict:
    """Per attribute accuracy and true-class F1 over matched spans; treatment response accuracy."""
    matched = matched_span_pairs(pairs)
    scores = {}
    for attribute in ASSERTIONS:
        y_true = [bool(g.get(attribute)) for g, _ in matched]
        y_pred = [bool(p.get(attribute)) for _, p in matched]
        scores[attribute] = {
            "accuracy": _accuracy(y_true, y_pred),
            "f1": float(f1_score(y_true, y_pred, zero_division=0)) if matched else None,
        }
    treatments = [(g, p) for g, p in matched if g["label"] in TREATMENTS]
    scores["response"] = {"accuracy": _accuracy(
        [str(g.get("response")) for g, _ in treatments],
        [str(p.get("response")) for _, p in treatments],
    )}
    return scores


def duration_bucket(days: float | None) -> str:
    """SPEC section 5 bucket of a symptom duration: ``<42``, ``>=42`` or ``unknown``."""
    if days is None:
        return "unknown"
    return "<42" if days < SIX_WEEKS_DAYS else ">=42"


def duration_scores(pairs: Sequence[Pair]) -> dict:
    """Bucket accuracy over all notes; share of gold durations predicted within 10%."""
    frame = pd.DataFrame(
        [(g.get("symptom_duration_days"), p.get("symptom_duration_days")) for g, p in pairs],
        columns=["gold", "pred"], dtype=float,
    )
    known = frame.dropna(subset=["gold"])
    within = (known["pred"] - known["gold"]).abs() <= 0.1 * known["gold"]  # NaN pred -> False
    return {
        "bucket_accuracy": float(accuracy_score(
            [duration_bucket(g.get("symptom_duration_days")) for g, _ in pairs],
            [duration_bucket(p.get("symptom_duration_days")) for _, p in pairs],
        )),
        "within_10pct": float(within.mean()) if len(known) else None,
    }


def age_scores(pairs: Sequence[Pair]) -> dict:
    """Exact-age accuracy over the notes that have a gold age."""
    frame = pd.DataFrame(
        [(g.get("age"), p.get("age")) for g, p in pairs], columns=["gold", "pred"], dtype=float
    ).dropna(subset=["gold"])
    return {"accuracy": float((frame["gold"] == frame["pred"]).mean()) if len(frame) else None}


def _accuracy(y_true: list, y_pred: list) -> float | None:
    """``accuracy_score``, or ``None`` when there is nothing to score."""
    return float(accuracy_score(y_true, y_pred)) if y_true else None
