"""A fixed-width, terminal-friendly summary of an ``evaluate`` result."""
from __future__ import annotations

from typing import Mapping, Sequence

from extractor.schema import ASSERTIONS, INDICATIONS

Intervals = Mapping[str, tuple[float, float, float]]
N_WEAKEST = 8
_PRF = ("precision", "recall", "f1")


def format_summary(metrics: Mapping, intervals: Intervals | None = None) -> str:
    """Render ``evaluate`` output (and optional ``confidence_intervals``) as text tables.

    Sections: decision (accuracy, macro-F1, per class with urgent first,
    suspected F1, protocol), findings micro, spans, assertion, duration and
    age, and the weakest finding labels that have gold support.
    """
    intervals = intervals or {}
    decision, findings, assertion = metrics["decision"], metrics["findings"], metrics["assertion"]
    per_class = decision["per_class"]
    blocks = [
        f"Evaluation of {metrics['n_notes']} notes",
        _table(["decision", "score", "CI"], [
            ["accuracy", decision["accuracy"], _interval(intervals, "decision_accuracy")],
            ["macro-F1", decision["macro_f1"], _interval(intervals, "decision_macro_f1")],
            ["suspected F1", decision["suspected_f1"], ""],
            ["contrast accuracy", decision["contrast_accuracy"], ""],
            ["coverage accuracy", decision["coverage_accuracy"], ""],
        ]),
        _table(["class", *_PRF, "support", "CI"], [
            [label, *(per_class[label][s] for s in _PRF), per_class[label]["support"],
             "; ".join(filter(None, (_interval(intervals, f"{label}_{s}", s) for s in _PRF)))]
            for label in INDICATIONS
        ]),
        _table(["findings (micro)", "score", "CI"], [
            [stat, findings["micro"][stat], _interval(intervals, f"findings_micro_{stat}")] for stat in _PRF
        ]),
        _table(["spans", *_PRF], [
            [kind, *(metrics["spans"][kind][s] for s in _PRF)] for kind in ("strict", "lenient")
        ]),
        _table(["assertion", "accuracy", "f1"], [
            *([name, assertion[name]["accuracy"], assertion[name]["f1"]] for name in ASSERTIONS),
            ["response", assertion["response"]["accuracy"], ""],
        ]),
        _table(["values", "accuracy"], [
            ["duration bucket", metrics["duration"]["bucket_accuracy"]],
            ["duration within 10%", metrics["duration"]["within_10pct"]],
            ["age", metrics["age"]["accuracy"]],
        ]),
        _table([f"weakest {N_WEAKEST} labels", *_PRF, "support"],
               [[label, *(s[k] for k in _PRF), s["support"]] for label, s in weakest_labels(findings["per_label"])]),
    ]
    return "\n\n".join(blocks) + "\n"


def weakest_labels(per_label: Mapping[str, Mapping], n: int = N_WEAKEST) -> list[tuple[str, Mapping]]:
    """The ``n`` labels with gold support and the lowest F1 (ties: larger support first)."""
    supported = [(label, scores) for label, scores in per_label.items() if scores["support"] > 0]
    return sorted(supported, key=lambda item: (item[1]["f1"], -item[1]["support"], item[0]))[:n]


def _interval(intervals: Intervals, name: str, prefix: str = "") -> str:
    """``"[low, high]"`` for a bootstrapped metric, ``""`` when it was not bootstrapped."""
    if name not in intervals:
        return ""
    _, low, high = intervals[name]
    return f"{prefix} [{low:.3f}, {high:.3f}]".strip()


def _cell(value: object) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Fixed-width table: first and ``CI`` columns left-aligned, others right-aligned.

    A trailing column with no values is dropped.
    """
    cells = [list(header)] + [[_cell(value) for value in row] for row in rows]
    if rows and all(row[-1] == "" for row in cells[1:]):
        cells = [row[:-1] for row in cells]
    widths = [max(len(row[k]) for row in cells) for k in range(len(cells[0]))]
    left = [k == 0 or name == "CI" for k, name in enumerate(cells[0])]
    lines = [
        "  ".join(cell.ljust(width) if flush else cell.rjust(width)
                  for cell, width, flush in zip(row, widths, left)).rstrip()
        for row in cells
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)
