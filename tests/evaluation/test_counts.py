"""evaluation.counts: scikit-learn scores from tp / fp / fn counts."""
import pytest

from evaluation.counts import binary_scores, scores_from_counts


def test_binary_scores_from_counts():
    # tp 3, fp 1, fn 2: P 3/4, R 3/5, F1 2*3 / (2*3 + 1 + 2) = 2/3
    assert binary_scores(3, 1, 2) == pytest.approx({"precision": 0.75, "recall": 0.6, "f1": 2 / 3})
    # nothing predicted, nothing in gold: 0/0 -> 0
    assert binary_scores(0, 0, 0) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    # only false positives: P 0/4, R 0/0 -> 0
    assert binary_scores(0, 4, 0) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_scores_from_counts_column_by_column():
    # large counts exercise the binary expansion: 1000 / (1000 + 24) and 1000 / (1000 + 3)
    precision, recall, f1 = scores_from_counts([1000, 1, 0], [24, 0, 5], [3, 1, 0])
    assert precision.tolist() == pytest.approx([1000 / 1024, 1.0, 0.0])
    assert recall.tolist() == pytest.approx([1000 / 1003, 0.5, 0.0])
    # F1 = 2tp / (2tp + fp + fn): 2000/2027, 2/3, 0
    assert f1.tolist() == pytest.approx([2000 / 2027, 2 / 3, 0.0])
