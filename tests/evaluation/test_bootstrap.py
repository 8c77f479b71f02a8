"""evaluation.bootstrap: deterministic percentile intervals around evaluate's point estimates."""
import time

import pytest

from evaluation.bootstrap import METRICS, confidence_intervals
from evaluation.metrics import evaluate

INDICATIONS = ("urgent", "indicated", "not_indicated")


def corpus(make, n):
    """``n`` notes; every 4th prediction has the wrong indication, every 3rd misses its finding."""
    gold, pred = [], []
    for k in range(n):
        indication = INDICATIONS[k % 3]
        finding = [make.span(0, 5, ("fever", "radicular_pain", "nsaid", "opioid")[k % 4])]
        gold.append(make.note(f"n{k}", finding, indication=indication))
        pred.append(make.note(f"n{k}", [] if k % 3 == 0 else finding,
                              indication=INDICATIONS[(k + 1) % 3] if k % 4 == 0 else indication))
    return gold, pred


def test_same_seed_same_intervals_other_seed_other_intervals(make):
    gold, pred = corpus(make, 40)
    first = confidence_intervals(gold, pred, n_resamples=200, seed=3)
    assert first == confidence_intervals(gold, pred, n_resamples=200, seed=3)
    assert first != confidence_intervals(gold, pred, n_resamples=200, seed=4)


def test_point_is_evaluate_value_and_inside_interval(make):
    gold, pred = corpus(make, 40)
    metrics = evaluate(gold, pred)
    intervals = confidence_intervals(gold, pred, metrics=METRICS)
    expected = {
        "decision_accuracy": metrics["decision"]["accuracy"],
        "decision_macro_f1": metrics["decision"]["macro_f1"],
        "urgent_recall": metrics["decision"]["per_class"]["urgent"]["recall"],
        "indicated_precision": metrics["decision"]["per_class"]["indicated"]["precision"],
        "findings_micro_f1": metrics["findings"]["micro"]["f1"],
        "findings_micro_recall": metrics["findings"]["micro"]["recall"],
    }
    for name, value in expected.items():
        point, low, high = intervals[name]
        assert point == pytest.approx(value), name
        assert low <= point <= high, name
        assert low < high, name
    # 10 of 40 notes have a wrong indication -> 0.75
    assert intervals["decision_accuracy"][0] == 0.75


def test_default_metrics_and_order(make):
    gold, pred = corpus(make, 12)
    intervals = confidence_intervals(gold, pred, n_resamples=50)
    assert list(intervals) == ["decision_accuracy", "findings_micro_f1", "decision_macro_f1", "urgent_recall"]


def test_unknown_metric_is_rejected(make):
    gold, pred = corpus(make, 4)
    with pytest.raises(ValueError, match="unknown metric"):
        confidence_intervals(gold, pred, metrics=["accuracy"])


def test_1000_resamples_of_400_notes_are_fast(make):
    gold, pred = corpus(make, 400)
    started = time.perf_counter()
    confidence_intervals(gold, pred, n_resamples=1000)
    assert time.perf_counter() - started < 5
