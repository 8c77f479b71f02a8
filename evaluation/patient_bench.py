"""Patient-level throughput (``mri-indication bench --patients``): a benchmark, not a test.

The notes of ``corpora/patients`` are dealt into patients of 2 to 6 notes (the same patients every run).
Each round times, on the same notes: :func:`~extractor.api.analyze_many` over every note (notes/s), then
:func:`~extractor.patients.combine` over every patient from those results. Patients/s counts both; the
share of combining in the total is what SPEC section 6 adds to the note-level cost. The best round of each
is reported (the machine's speed drifts; the best round is the least disturbed).
"""
from __future__ import annotations

import json
import random
import time
from pathlib import Path

from extractor.component import parse_note_date

PATIENTS = Path(__file__).resolve().parent.parent / "corpora" / "patients"


def dealt_patients(copies: int = 4, seed: int = 5) -> list[list[tuple[str, str, str | None]]]:
    """``copies`` passes over the corpus notes, shuffled and dealt into patients of 2-6 ``(id, text, date)``."""
    notes = [(note["text"], note.get("note_date")) for path in (PATIENTS / "dev.jsonl", PATIENTS / "test.jsonl")
             for line in path.read_text(encoding="utf-8").splitlines() for note in json.loads(line)["notes"]]
    rng = random.Random(seed)
    pool = [note for _ in range(copies) for note in rng.sample(notes, len(notes))]
    patients, start = [], 0
    while start < len(pool):
        remaining = len(pool) - start
        size = min(rng.randint(2, 6), remaining)
        if remaining - size == 1:  # never leave one note alone at the end
            size = size + 1 if size < 6 else size - 1
        patients.append([(f"n{start + i}", text, date) for i, (text, date) in enumerate(pool[start:start + size])])
        start += size
    return patients


def run_patient_bench(rounds: int = 3, copies: int = 4) -> dict:
    """Notes/s, patients/s and the combining share, best of ``rounds``."""
    from extractor.api import _default_nlp, analyze_many
    from extractor.patients import PatientNote, combine

    patients = dealt_patients(copies)
    flat = [note for patient in patients for note in patient]
    _default_nlp()  # loading is not timed
    list(analyze_many([text for _, text, _ in flat[:20]]))
    analysis, combining = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        results = list(analyze_many([text for _, text, _ in flat], [date for _, _, date in flat]))
        analysis.append(time.perf_counter() - start)
        analysed = iter(zip(flat, results))
        timelines = [[PatientNote.from_result(note_id, parse_note_date(date), r)
                      for (note_id, _, date), r in (next(analysed) for _ in patient)] for patient in patients]
        start = time.perf_counter()
        for timeline in timelines:
            combine(timeline)
        combining.append(time.perf_counter() - start)
    best_analysis, best_combining = min(analysis), min(combining)
    return {"patients": len(patients), "notes": len(flat), "rounds": rounds,
            "notes_per_s": round(len(flat) / best_analysis, 1),
            "patients_per_s": round(len(patients) / (best_analysis + best_combining), 1),
            "combine_ms_per_patient": round(1000 * best_combining / len(patients), 3),
            "combine_share": round(best_combining / (best_analysis + best_combining), 4)}


def format_patient_bench(result: dict) -> str:
    return (f"{result['patients']} patients of 2-6 notes ({result['notes']} notes), best of {result['rounds']} rounds\n"
            f"notes/s through analyze_many: {result['notes_per_s']}\n"
            f"patients/s (analysis + combine): {result['patients_per_s']}\n"
            f"combine: {result['combine_ms_per_patient']} ms per patient, {100 * result['combine_share']:.2f}% of "
            "the total\n")
