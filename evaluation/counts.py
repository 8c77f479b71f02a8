"""Precision, recall and F1 from true-positive / false-positive / false-negative counts.

Span scores and bootstrap resamples arrive as counts, not as label vectors.
scikit-learn scores them without expanding every count into samples: column
``k`` of a multilabel problem is the binary problem with ``tp[k]``, ``fp[k]``
and ``fn[k]`` samples. scikit-learn weights rows, not cells, so each count is
written in binary: row (outcome, bit ``b``) weighs ``2**b`` and is set in
column ``k`` when bit ``b`` of that column's count is set. True negatives do
not enter these scores and are left out.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.metrics import precision_recall_fscore_support

#: (y_true, y_pred) of a true positive, a false positive and a false negative.
_OUTCOMES = np.array([[1, 1], [0, 1], [1, 0]])


def scores_from_counts(tp: ArrayLike, fp: ArrayLike, fn: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Binary precision, recall and F1 for each entry of integer count arrays.

    ``0/0`` scores are 0 (``zero_division=0``).

    >>> [s.tolist() for s in scores_from_counts([3, 0], [1, 0], [2, 0])]
    [[0.75, 0.0], [0.6, 0.0], [0.6666666666666666, 0.0]]
    """
    counts = np.stack(np.broadcast_arrays(tp, fp, fn)).astype(np.int64).reshape(3, -1)
    n_columns = counts.shape[1]
    counts = np.pad(counts, ((0, 0), (0, max(0, 2 - n_columns))))  # multilabel needs >= 2 columns
    bits = np.arange(max(int(counts.max()), 1).bit_length())
    is_set = (counts[:, None, :] >> bits[None, :, None]) & 1  # outcome x bit x column
    y_true, y_pred = (
        (is_set * _OUTCOMES[:, side, None, None]).reshape(-1, counts.shape[1]) for side in (0, 1)
    )
    precision, recall, f1, _ = precision_recall_fscore_support(
        y_true, y_pred, sample_weight=np.tile(2.0 ** bits, 3), average=None, zero_division=0
    )
    return precision[:n_columns], recall[:n_columns], f1[:n_columns]


def binary_scores(tp: int, fp: int, fn: int) -> dict[str, float]:
    """``{"precision", "recall", "f1"}`` of the positive class from counts."""
    return {name: float(score[0]) for name, score in zip(("precision", "recall", "f1"), scores_from_counts(tp, fp, fn))}
