"""evaluation.summary: the terminal table."""
from evaluation.metrics import evaluate
from evaluation.summary import format_summary, weakest_labels


def summary_case(make):
    gold = [
        make.note("a", [make.span(0, 5, "fever"), make.span(10, 15, "nsaid")], indication="urgent", age=50),
        make.note("b", [make.span(0, 5, "radicular_pain")], indication="indicated"),
    ]
    pred = [
        make.note("a", [make.span(0, 5, "fever")], indication="urgent", age=50),
        make.note("b", [make.span(0, 5, "radicular_pain"), make.span(10, 15, "opioid")], indication="not_indicated"),
    ]
    return gold, pred


def test_summary_sections_and_numbers(make):
    text = format_summary(evaluate(*summary_case(make)))
    assert text.startswith("Evaluation of 2 notes")
    lines = text.splitlines()
    row = {line.split()[0]: line.split()[1:] for line in lines if line.strip()}
    # 1 of 2 indications right
    assert row["accuracy"] == ["0.500"]
    # urgent: P 1/1, R 1/1, support 1; indicated never predicted: 0, 0, 0, support 1
    assert row["urgent"] == ["1.000", "1.000", "1.000", "1"]
    assert row["indicated"] == ["0.000", "0.000", "0.000", "1"]
    assert [line.split()[0] for line in lines if line.split()[:1] in (["urgent"], ["indicated"], ["not_indicated"])] \
        == ["urgent", "indicated", "not_indicated"]
    for heading in ("suspected F1", "contrast accuracy", "findings (micro)", "strict", "lenient",
                    "negated", "uncertain", "response", "duration bucket", "age", "weakest 8 labels"):
        assert heading in text
    # no gold duration: within-10% is undefined
    assert "duration within 10%       n/a" in text
    assert "CI" not in text


def test_summary_shows_intervals(make):
    intervals = {"decision_accuracy": (0.5, 0.25, 0.75), "findings_micro_f1": (0.667, 0.4, 0.9),
                 "urgent_recall": (1.0, 0.8, 1.0)}
    text = format_summary(evaluate(*summary_case(make)), intervals)
    assert "accuracy           0.500  [0.250, 0.750]" in text
    assert "f1                0.667  [0.400, 0.900]" in text
    assert "recall [0.800, 1.000]" in text


def test_weakest_labels_need_support_and_sort_by_f1():
    per_label = {
        "fever": {"precision": 1.0, "recall": 0.5, "f1": 0.667, "support": 2},
        "nsaid": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1},
        "opioid": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0},
        "pregnancy": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 3},
    }
    assert [label for label, _ in weakest_labels(per_label, n=2)] == ["nsaid", "fever"]
