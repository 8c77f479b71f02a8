"""Percentile-bootstrap confidence intervals over notes.

The decision and findings scores depend on a note only through a few
counts (is its indication right; its true positives, false positives and
false negatives per indication class and over finding labels). Those counts
are computed once per note; a resample is a vector of note multiplicities,
so all resamples' pooled counts are one matrix product, scored by one
scikit-learn call per count family (``counts.scores_from_counts``).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from extractor.schema import INDICATIONS

from .counts import scores_from_counts
from .matching import Record, pair_notes
from .metrics import Pair, finding_matrices, indication_of

DEFAULT_METRICS = ("decision_accuracy", "findings_micro_f1", "decision_macro_f1", "urgent_recall")
_STATS = ("precision", "recall", "f1")
#: Every metric ``confidence_intervals`` can bootstrap.
METRICS = (
    "decision_accuracy",
    "decision_macro_f1",
    *(f"{label}_{stat}" for label in INDICATIONS for stat in _STATS),
    *(f"findings_micro_{stat}" for stat in _STATS),
)


def note_counts(pairs: Sequence[Pair]) -> pd.DataFrame:
    """Per note: ``correct`` indication, ``<class>_tp/fp/fn`` and ``findings_micro_tp/fp/fn``."""
    gold = np.array([indication_of(g) for g, _ in pairs])
    pred = np.array([indication_of(p) for _, p in pairs])
    columns = {"correct": gold == pred}
    for label in INDICATIONS:
        columns[f"{label}_tp"] = (gold == label) & (pred == label)
        columns[f"{label}_fp"] = (gold != label) & (pred == label)
        columns[f"{label}_fn"] = (gold == label) & (pred != label)
    has, found = (matrix.astype(bool) for matrix in finding_matrices(pairs))
    columns["findings_micro_tp"] = (has & found).sum(1)
    columns["findings_micro_fp"] = (~has & found).sum(1)
    columns["findings_micro_fn"] = (has & ~found).sum(1)
    return pd.DataFrame(columns).astype(int)


def weighted_scores(counts: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """Every metric of ``METRICS`` for each row of note multiplicities ``weights``."""
    sums = pd.DataFrame(weights @ counts.to_numpy(), columns=counts.columns)
    scores = {"decision_accuracy": sums["correct"] / weights.sum(1)}
    for family in (*INDICATIONS, "findings_micro"):
        stats = scores_from_counts(sums[f"{family}_tp"], sums[f"{family}_fp"], sums[f"{family}_fn"])
        scores.update({f"{family}_{stat}": values for stat, values in zip(_STATS, stats)})
    # scikit-learn's macro average: the unweighted mean over the fixed labels.
    scores["decision_macro_f1"] = np.mean([scores[f"{label}_f1"] for label in INDICATIONS], axis=0)
    return pd.DataFrame(scores)[list(METRICS)]


def confidence_intervals(
    gold: Sequence[Record],
    pred: Sequence[Record],
    metrics: Sequence[str] = DEFAULT_METRICS,
    n_resamples: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
) -> dict[str, tuple[float, float, float]]:
    """Percentile bootstrap over notes: ``{metric: (point, low, high)}``.

    Parameters
    ----------
    gold, pred : list of dict
        Records paired by ``id``, as for :func:`evaluation.evaluate`.
    metrics : names from ``METRICS``, e.g. ``"decision_accuracy"``,
        ``"decision_macro_f1"``, ``"urgent_recall"``, ``"findings_micro_f1"``.
    n_resamples : number of resamples of the notes (with replacement).
    seed : the same seed gives the same intervals.
    alpha : the interval runs from the ``alpha/2`` to the ``1 - alpha/2``
        percentile of the resampled values.

    The point estimate equals the corresponding value of ``evaluate``.
    """
    unknown = [name for name in metrics if name not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; expected some of {list(METRICS)}")
    if not 0 < alpha < 1 or n_resamples < 1:
        raise ValueError(f"need 0 < alpha < 1 and n_resamples >= 1; got alpha={alpha}, n_resamples={n_resamples}")
    pairs = pair_notes(gold, pred)
    n = len(pairs)
    resamples = np.random.default_rng(seed).multinomial(n, np.full(n, 1 / n), size=n_resamples)
    scores = weighted_scores(note_counts(pairs), np.vstack([np.ones(n, dtype=int), resamples]))
    percentiles = np.percentile(scores.iloc[1:], [100 * alpha / 2, 100 * (1 - alpha / 2)], axis=0)
    bounds = dict(zip(scores.columns, zip(*percentiles)))
    return {name: (float(scores[name].iloc[0]), *map(float, bounds[name])) for name in metrics}
