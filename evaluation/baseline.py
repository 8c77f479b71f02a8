"""A text-only baseline: TF-IDF of the raw note text + logistic regression, no findings.

Its predictions are SPEC records with only ``decision.indication`` set, so
the decision scores of ``evaluate`` and ``confidence_intervals`` apply.
"""
from __future__ import annotations

from typing import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from .matching import Record


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
