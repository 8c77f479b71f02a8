"""A text-only baseline: TF-IDF of the raw note text + logistic regression, no findings.

Its predictions are SPEC records with only ``decision.indication`` set, so it
is scored on the indication alone (``baseline_scores``): ``evaluate``'s other
scores would read as zeros for what the baseline never predicts.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from extractor.schema import INDICATIONS

from .bootstrap import confidence_intervals
from .matching import Record, pair_notes
from .metrics import decision_scores
from .summary import _PRF, _interval, _table

#: The bootstrapped scores of the indication.
BASELINE_METRICS = ("decision_accuracy", "decision_macro_f1", *(f"{label}_recall" for label in INDICATIONS))


def fit_baseline(train: Sequence[Record]) -> Pipeline:
    """Fit TF-IDF (word 1-2 grams, min_df 2, sublinear tf) + balanced logistic regression on gold notes."""
    pipeline = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                             LogisticRegression(class_weight="balanced", max_iter=5000))
    return pipeline.fit([r["text"] for r in train], [r["decision"]["indication"] for r in train])


def baseline_records(pipeline: Pipeline, notes: Sequence[Record]) -> list[Record]:
    """Prediction records for ``notes``: the indication only, no spans and no protocol."""
    predicted = pipeline.predict([r["text"] for r in notes])
    return [{"id": r["id"], "spans": [], "age": None, "symptom_duration_days": None,
             "decision": {"indication": str(label), "suspected": [], "contrast": None, "coverage": None}}
            for r, label in zip(notes, predicted)]


def baseline_scores(gold: Sequence[Record], pred: Sequence[Record], n_resamples: int = 1000,
                    seed: int = 0) -> dict:
    """The scores the baseline has, JSON-ready: note count, indication accuracy, macro-F1, per class and
    confusion, and bootstrap CIs (``{metric: {point, low, high}}``, as ``evaluate --json`` writes them)."""
    pairs = pair_notes(gold, pred)
    decision = decision_scores(pairs)
    intervals = confidence_intervals(gold, pred, BASELINE_METRICS, n_resamples, seed)
    return {"n_notes": len(pairs),
            "decision": {key: decision[key] for key in ("accuracy", "macro_f1", "per_class", "confusion")},
            "confidence_intervals": {name: dict(zip(("point", "low", "high"), values))
                                     for name, values in intervals.items()}}


def format_baseline(scores: Mapping) -> str:
    """``baseline_scores`` as text: the decision tables of ``format_summary`` without what is not predicted."""
    intervals = {name: (ci["point"], ci["low"], ci["high"]) for name, ci in scores["confidence_intervals"].items()}
    decision, per_class = scores["decision"], scores["decision"]["per_class"]
    return "\n\n".join([
        f"Evaluation of {scores['n_notes']} notes, text baseline: the indication only (no findings, spans, "
        "suspected conditions, protocol, age or duration to score)",
        _table(["decision", "score", "CI"], [
            ["accuracy", decision["accuracy"], _interval(intervals, "decision_accuracy")],
            ["macro-F1", decision["macro_f1"], _interval(intervals, "decision_macro_f1")],
        ]),
        _table(["class", *_PRF, "support", "CI"], [
            [label, *(per_class[label][s] for s in _PRF), per_class[label]["support"],
             _interval(intervals, f"{label}_recall", "recall")]
            for label in INDICATIONS
        ]),
    ]) + "\n"
