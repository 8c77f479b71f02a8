"""Pairing: predicted notes with gold notes by ``id``, predicted spans with gold spans.

Every score, the error list and the HTML report pair things the same way, so
the pairing lives here once.
"""
from __future__ import annotations

from collections import Counter
from typing import Mapping, Sequence

Record = Mapping[str, object]
Span = Mapping[str, object]


def pair_notes(gold: Sequence[Record], pred: Sequence[Record]) -> list[tuple[Record, Record]]:
    """Return ``(gold, pred)`` record pairs in gold order, paired by ``id``.

    Predictions for ids that are not in gold are ignored.

    Raises
    ------
    ValueError
        If gold is empty, an id is repeated, or some gold ids have no prediction.
    """
    if not gold:
        raise ValueError("gold is empty: there is nothing to evaluate")
    gold_ids = _ids(gold, "gold")
    by_id = dict(zip(_ids(pred, "pred"), pred))
    missing = [note_id for note_id in gold_ids if note_id not in by_id]
    if missing:
        raise ValueError(
            f"predictions do not cover the gold notes: {len(missing)} of {len(gold_ids)} "
            f"gold ids have no prediction: {', '.join(map(str, missing))}"
        )
    return [(record, by_id[note_id]) for note_id, record in zip(gold_ids, gold)]


def _ids(records: Sequence[Record], name: str) -> list[object]:
    """The ``id`` of every record, checking that each has one and none repeats."""
    ids = []
    for position, record in enumerate(records):
        if "id" not in record:
            raise ValueError(f"{name} record {position} has no 'id' (keys: {sorted(record)})")
        ids.append(record["id"])
    repeated = sorted(str(note_id) for note_id, count in Counter(ids).items() if count > 1)
    if repeated:
        raise ValueError(f"{name} ids must be unique; repeated: {', '.join(repeated)}")
    return ids


def overlap(a: Span, b: Span) -> int:
    """Number of characters two spans share (0 or negative when disjoint)."""
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


def match_spans(gold_spans: Sequence[Span], pred_spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Lenient one-to-one matching: same label and overlapping offsets.

    Candidate pairs are taken greedily, largest overlap first (ties: smallest
    union, so identical offsets win, then document order); each gold and each
    predicted span is used at most once. Returns ``(gold index, pred index)``
    pairs sorted by gold index.

    >>> match_spans([{"start": 0, "end": 10, "label": "fever"}],
    ...             [{"start": 5, "end": 12, "label": "fever"},
    ...              {"start": 2, "end": 9, "label": "fever"}])
    [(0, 1)]
    """
    candidates = sorted(
        (-shared, max(g["end"], p["end"]) - min(g["start"], p["start"]), i, j)
        for i, g in enumerate(gold_spans)
        for j, p in enumerate(pred_spans)
        if g["label"] == p["label"] and (shared := overlap(g, p)) > 0
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, _, i, j in candidates:
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def strict_matches(gold_spans: Sequence[Span], pred_spans: Sequence[Span]) -> int:
    """Number of one-to-one pairs with the same label and identical offsets."""
    def key(span: Span) -> tuple:
        return span["start"], span["end"], span["label"]

    return sum((Counter(map(key, gold_spans)) & Counter(map(key, pred_spans))).values())
