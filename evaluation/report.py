"""A self-contained HTML error report: scores, confusion matrix, and every note with errors (wrong
indications first).

One file, inline CSS, no scripts; every piece of text is HTML-escaped.
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Mapping, Sequence

from .errors import DECISION_FIELDS, SpanError, decision_field, describe_flags, show_value
from .matching import Record, match_spans, pair_notes
from .metrics import decision_of, spans_of
from .summary import Intervals, format_summary

#: Error kinds located at a gold span; ``false_positive`` is located at a predicted span.
GOLD_SIDE_KINDS = frozenset({"false_negative", "wrong_attribute", "wrong_value"})
DIFFERS = ' class="differs"'

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; max-width: 75em; color: #222; }
pre, .text { font-family: ui-monospace, monospace; font-size: 0.9em; }
.text { white-space: pre-wrap; border: 1px solid #ccc; padding: 0.8em; line-height: 1.9; background: #fcfcfc; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.differs td, td.diagonal { font-weight: bold; }
tr.differs td { background: #ffe5e5; }
.gold { text-decoration: underline 2px #1a7f37; text-underline-offset: 4px; }
.gold-bad { text-decoration: underline 2px #d00; text-underline-offset: 4px; }
.pred { background: #cfe2ff; }
.pred-bad { background: #ffc9c9; }
section.note { border-top: 2px solid #888; margin-top: 2em; }
"""

LEGEND = (
    '<p class="legend">Legend: <span class="gold">gold span</span> · '
    '<span class="pred">predicted span</span> · '
    '<span class="gold-bad">gold span missed or mispredicted</span> · '
    '<span class="pred-bad">predicted span spurious or wrong</span>. '
    "Hover a span for its label and attributes.</p>"
)


def write_html(
    path: str | Path,
    metrics: Mapping,
    errors: Sequence[SpanError],
    gold: Sequence[Record],
    pred: Sequence[Record],
    intervals: Intervals | None = None,
) -> None:
    """Write the report for ``evaluate`` output ``metrics`` and ``list_errors`` output ``errors``."""
    by_note: dict[str, list[SpanError]] = {}
    for error in errors:
        by_note.setdefault(error.note_id, []).append(error)
    notes = sorted(((g, p) for g, p in pair_notes(gold, pred) if str(g["id"]) in by_note),
                   key=lambda pair: _severity(by_note[str(pair[0]["id"])]))
    body = [
        "<h1>Evaluation report</h1>",
        f"<h2>Summary</h2><pre>{escape(format_summary(metrics, intervals))}</pre>",
        "<h2>Decision confusion matrix</h2>",
        confusion_table(metrics["decision"]["confusion"]),
        "<h2>Findings per label (doc-level)</h2>",
        label_table(metrics["findings"]["per_label"]),
        f"<h2>Notes with errors ({len(notes)} of {metrics['n_notes']})</h2>",
        "<p>" + " ".join(f'<a href="#{_anchor(g)}">{escape(str(g["id"]))}</a>' for g, _ in notes) + "</p>",
        LEGEND,
        *(note_section(g, p, by_note[str(g["id"])]) for g, p in notes),
    ]
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Evaluation report</title><style>{STYLE}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
    Path(path).write_text(page, encoding="utf-8")


def _severity(errors: Sequence[SpanError]) -> int:
    """Wrong indication first, then other wrong decision fields, then span errors only."""
    decided = {error.label for error in errors if error.kind == "wrong_decision"}
    return 0 if "indication" in decided else 1 if decided else 2


def confusion_table(confusion: Mapping) -> str:
    """Rows gold, columns predicted."""
    labels = confusion["labels"]
    head = "<tr><th>gold \\ predicted</th>" + "".join(f"<th>{escape(label)}</th>" for label in labels) + "</tr>"
    rows = [
        f"<tr><th>{escape(gold_label)}</th>"
        + "".join(f'<td class="num{" diagonal" if i == j else ""}">{count}</td>' for j, count in enumerate(row))
        + "</tr>"
        for i, (gold_label, row) in enumerate(zip(labels, confusion["matrix"]))
    ]
    return "<table>" + head + "".join(rows) + "</table>"


def label_table(per_label: Mapping[str, Mapping]) -> str:
    """Precision, recall, F1 and support of every finding label."""
    head = "<tr><th>label</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>"
    rows = [
        f"<tr><td>{escape(label)}</td>"
        + "".join(f'<td class="num">{s[k]:.3f}</td>' for k in ("precision", "recall", "f1"))
        + f'<td class="num">{s["support"]}</td></tr>'
        for label, s in per_label.items()
    ]
    return "<table>" + head + "".join(rows) + "</table>"


def note_section(gold: Record, pred: Record, errors: Sequence[SpanError]) -> str:
    """One note: decisions side by side, highlighted text, and its error list."""
    differing = {error.label for error in errors if error.kind == "wrong_decision"}
    decision_rows = "".join(
        f"<tr{DIFFERS if name in differing else ''}><th>{escape(name)}</th>"
        f"<td>{escape(show_value(decision_field(decision_of(gold), name)))}</td>"
        f"<td>{escape(show_value(decision_field(decision_of(pred), name)))}</td></tr>"
        for name in DECISION_FIELDS
    )
    error_rows = "".join(
        f"<tr><td>{escape(e.kind)}</td><td>{escape(e.label)}</td>"
        f'<td>{"" if e.start is None else f"{e.start}-{e.end}"}</td><td>{escape(e.text)}</td>'
        f"<td>{escape(e.detail)}</td><td>{escape(e.context)}</td></tr>"
        for e in errors
    )
    return (
        f'<section class="note" id="{_anchor(gold)}"><h3>{escape(str(gold["id"]))}</h3>'
        f"<table><tr><th>decision</th><th>gold</th><th>predicted</th></tr>{decision_rows}</table>"
        f'<div class="text">{highlight(gold, pred, errors)}</div>'
        "<table><tr><th>kind</th><th>label</th><th>offsets</th><th>span</th><th>detail</th><th>context</th></tr>"
        f"{error_rows}</table></section>"
    )


def highlight(gold: Record, pred: Record, errors: Sequence[SpanError]) -> str:
    """The escaped note text with gold spans underlined and predicted spans shaded."""
    text = str(gold.get("text", ""))
    gold_spans, pred_spans = spans_of(gold), spans_of(pred)
    located = {(e.kind, e.start, e.end, e.label) for e in errors}

    def flagged(kinds: frozenset | set, span: Mapping) -> bool:
        return any((kind, span["start"], span["end"], span["label"]) in located for kind in kinds)

    bad_gold = {i for i, span in enumerate(gold_spans) if flagged(GOLD_SIDE_KINDS, span)}
    bad_pred = {j for j, span in enumerate(pred_spans) if flagged({"false_positive"}, span)}
    bad_pred |= {j for i, j in match_spans(gold_spans, pred_spans) if i in bad_gold}
    offsets = (span[key] for span in (*gold_spans, *pred_spans) for key in ("start", "end"))
    cuts = sorted({0, len(text), *(min(max(offset, 0), len(text)) for offset in offsets)})
    pieces = []
    for low, high in zip(cuts, cuts[1:]):
        chunk = escape(text[low:high])
        in_gold = [i for i, s in enumerate(gold_spans) if s["start"] <= low and high <= s["end"]]
        in_pred = [j for j, s in enumerate(pred_spans) if s["start"] <= low and high <= s["end"]]
        if not in_gold and not in_pred:
            pieces.append(chunk)
            continue
        classes = []
        if in_gold:
            classes.append("gold-bad" if bad_gold.intersection(in_gold) else "gold")
        if in_pred:
            classes.append("pred-bad" if bad_pred.intersection(in_pred) else "pred")
        title = "; ".join(
            [f"gold: {gold_spans[i]['label']}{describe_flags(gold_spans[i])}" for i in in_gold]
            + [f"predicted: {pred_spans[j]['label']}{describe_flags(pred_spans[j])}" for j in in_pred]
        )
        pieces.append(f'<span class="{" ".join(classes)}" title="{escape(title)}">{chunk}</span>')
    return "".join(pieces)


def _anchor(record: Record) -> str:
    return escape("note-" + str(record["id"]))
