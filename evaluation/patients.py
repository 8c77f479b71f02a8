"""Patient-level evaluation (SPEC section 6): ``mri-indication evaluate PATIENTS.jsonl --patients``.

Scores, over patients: decision accuracy, macro-F1, recall per indication (urgent first), accuracy of each
six-week criterion (true, false or null, as gold), and evidence precision: the share of cited evidence
mentions that lie on a gold span of the same label in the same note (overlapping offsets, SPEC section 5's
lenient match). Beside them, the latest note alone (``analyze`` of the latest dated note on or before
``as_of``): its accuracy, and the share of patients whose patient-level decision differs from it.
Percentile bootstrap CIs resample patients.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from extractor.component import parse_note_date
from extractor.decision import CRITERIA
from extractor.patients import PatientResult
from extractor.schema import INDICATIONS

from .summary import _table

#: The bootstrapped scores.
PATIENT_METRICS = ("decision_accuracy", "decision_macro_f1", *(f"{label}_recall" for label in INDICATIONS),
                   "evidence_precision", "latest_note_accuracy")


@dataclass(frozen=True)
class PatientOutcome:
    """One patient's gold and predicted decision, the latest note's, and the evidence check."""

    patient_id: str
    gold: Mapping
    pred: Mapping
    latest_note: str | None  # the indication of the latest note alone
    evidence_cited: int
    evidence_on_gold: int


def latest_note(record: Mapping) -> Mapping | None:
    """The latest dated note on or before the patient's ``as_of`` (its latest note date by default)."""
    dated = [(parse_note_date(note["note_date"]), note) for note in record["notes"] if note.get("note_date")]
    as_of = parse_note_date(record.get("as_of")) or max((date for date, _ in dated), default=None)
    kept = [(date, index, note) for index, (date, note) in enumerate(dated) if date <= as_of]
    return max(kept, key=lambda item: item[:2])[2] if kept else None


def _on_gold_span(item: Mapping, notes: Mapping[str, Mapping]) -> bool:
    spans = notes[item["note_id"]].get("spans", [])
    return any(span["label"] == item["label"] and span["start"] < item["end"] and item["start"] < span["end"]
               for span in spans)


def outcome(record: Mapping, result: PatientResult, latest: str | None) -> PatientOutcome:
    """Compare one patient's result with its gold record."""
    notes = {str(note["id"]): note for note in record["notes"]}
    cited = [item.to_dict() for items in result.evidence.values() for item in items]
    return PatientOutcome(str(record["patient_id"]), record["decision"], result.decision.to_dict(), latest,
                          len(cited), sum(_on_gold_span(item, notes) for item in cited))


def evaluate_patients(records: Sequence[Mapping], n_process: int = 1) -> list[PatientOutcome]:
    """Analyse every note of every patient once (one :func:`~extractor.api.analyze_many` stream), combine each
    patient's (SPEC section 6) and compare with gold; the latest note's own decision comes from the same run."""
    from extractor.api import analyze_many
    from extractor.patients import PatientNote, combine

    notes = [(record, note) for record in records for note in record["notes"]]
    results = analyze_many([note["text"] for _, note in notes], [note.get("note_date") for _, note in notes],
                           n_process=n_process)
    by_note = {(id(record), str(note["id"])): result for (record, note), result in zip(notes, results)}
    outcomes = []
    for record in records:
        timeline = [PatientNote.from_result(str(note["id"]), parse_note_date(note.get("note_date")),
                                            by_note[id(record), str(note["id"])]) for note in record["notes"]]
        latest = latest_note(record)
        latest_indication = by_note[id(record), str(latest["id"])].decision.indication if latest else None
        outcomes.append(outcome(record, combine(timeline, parse_note_date(record.get("as_of"))), latest_indication))
    return outcomes


def _scores(outcomes: Sequence[PatientOutcome], weights: np.ndarray) -> dict[str, float | None]:
    gold = np.array([o.gold["indication"] for o in outcomes])
    pred = np.array([o.pred["indication"] for o in outcomes])
    latest = np.array([o.latest_note or "" for o in outcomes])
    total = weights.sum()
    scores: dict[str, float | None] = {"decision_accuracy": float(weights @ (gold == pred) / total),
                                       "latest_note_accuracy": float(weights @ (gold == latest) / total)}
    f1s = []
    for label in INDICATIONS:
        true_positive = weights @ ((gold == label) & (pred == label))
        support, predicted = weights @ (gold == label), weights @ (pred == label)
        scores[f"{label}_recall"] = float(true_positive / support) if support else None
        f1s.append(2 * true_positive / (support + predicted) if support + predicted else 0.0)
    scores["decision_macro_f1"] = float(np.mean(f1s))
    cited = weights @ np.array([o.evidence_cited for o in outcomes])
    scores["evidence_precision"] = float(weights @ np.array([o.evidence_on_gold for o in outcomes]) / cited) \
        if cited else None
    return scores


def score_patients(outcomes: Sequence[PatientOutcome], n_resamples: int = 1000, seed: int = 0) -> dict:
    """The JSON-ready scores: point values, CIs, per-criterion accuracy, confusion, the latest-note
    comparison and the patients decided wrongly."""
    n = len(outcomes)
    point = _scores(outcomes, np.ones(n))
    resamples = np.random.default_rng(seed).multinomial(n, np.full(n, 1 / n), size=n_resamples)
    samples = [_scores(outcomes, weights) for weights in resamples]
    intervals = {}
    for name in PATIENT_METRICS:
        values = [s[name] for s in samples if s[name] is not None]
        if point[name] is not None and values:
            low, high = np.percentile(values, [2.5, 97.5])
            intervals[name] = {"point": point[name], "low": float(low), "high": float(high)}
    criteria = {name: float(np.mean([o.gold["criteria"].get(name) == o.pred["criteria"].get(name)
                                     for o in outcomes])) for name in CRITERIA}
    confusion = {g: {p: sum(o.gold["indication"] == g and o.pred["indication"] == p for o in outcomes)
                     for p in INDICATIONS} for g in INDICATIONS}
    differs = sum(o.pred["indication"] != o.latest_note for o in outcomes)
    return {"n_patients": n, "scores": point, "confidence_intervals": intervals, "criteria_accuracy": criteria,
            "confusion": confusion, "differs_from_latest_note": differs / n if n else None,
            "evidence": {"cited": sum(o.evidence_cited for o in outcomes),
                         "on_gold_span": sum(o.evidence_on_gold for o in outcomes)},
            "errors": [{"patient_id": o.patient_id, "gold": o.gold["indication"], "pred": o.pred["indication"],
                        "missing": o.pred["missing"], "suspected": o.pred["suspected"]}
                       for o in outcomes if o.gold["indication"] != o.pred["indication"]]}


def format_patient_scores(scores: Mapping) -> str:
    """``score_patients`` as text tables."""
    intervals = scores["confidence_intervals"]

    def ci(name: str) -> str:
        return f"[{intervals[name]['low']:.3f}, {intervals[name]['high']:.3f}]" if name in intervals else ""

    point = scores["scores"]
    rows = [["decision accuracy", point["decision_accuracy"], ci("decision_accuracy")],
            ["decision macro-F1", point["decision_macro_f1"], ci("decision_macro_f1")],
            *([f"{label} recall", point[f"{label}_recall"], ci(f"{label}_recall")] for label in INDICATIONS),
            ["evidence precision", point["evidence_precision"], ci("evidence_precision")],
            ["latest note alone: accuracy", point["latest_note_accuracy"], ci("latest_note_accuracy")],
            ["differs from the latest note's decision", scores["differs_from_latest_note"], ""]]
    parts = [f"Patient-level evaluation of {scores['n_patients']} patients (SPEC section 6; 95% bootstrap CIs "
             f"over patients); evidence: {scores['evidence']['on_gold_span']} of {scores['evidence']['cited']} "
             "cited mentions on a gold span of their label",
             _table(["score", "value", "CI"], rows),
             _table(["criterion", "accuracy"], [[name, value] for name, value in scores["criteria_accuracy"].items()]),
             _table(["gold \\ predicted", *INDICATIONS],
                    [[g, *(scores["confusion"][g][p] for p in INDICATIONS)] for g in INDICATIONS])]
    if scores["errors"]:
        parts.append(_table(["patient", "gold", "predicted", "missing", "suspected"],
                            [[e["patient_id"], e["gold"], e["pred"], ",".join(e["missing"]),
                              ",".join(e["suspected"])] for e in scores["errors"]]))
    return "\n\n".join(parts) + "\n"
