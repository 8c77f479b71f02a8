"""Why a patient got its decision: ``mri-indication explain PATIENTS.jsonl``.

The timeline first (each note's date, its place in the episode, and what it says alone), then the decision
path of SPEC section 6: for each suspected condition and each six-week criterion, the mentions that decided
it, with the note and date they come from and their text.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from ..explain import decision_path
from ..result import Result
from .timeline import Evidence, PatientResult


def _place(note_id: str, result: PatientResult) -> str:
    if note_id in result.ignored_notes:
        return "after as_of: left out"
    if note_id in result.undated_notes:
        return "undated: history labels only"
    return "episode" if note_id in result.episode else "before the episode: history labels only"


def patient_text(patient_id: str, notes: Sequence[Mapping], results: Sequence[Result],
                 patient: PatientResult) -> str:
    """A plain-text report of one patient: ``notes`` are its records (``id``, ``text``, ``note_date``),
    ``results`` each note's own analysis, ``patient`` the combined result."""
    text_of = {str(note["id"]): note["text"] for note in notes}
    as_of = patient.as_of.isoformat() if patient.as_of else "none (no dated note)"
    lines = [f"Patient {patient_id}: {len(notes)} notes, as_of {as_of}"]
    if patient.episode:
        lines.append(f"episode {patient.episode_start} to {patient.episode_end}: {', '.join(patient.episode)}")
    order = sorted(zip(notes, results), key=lambda pair: (pair[0].get("note_date") is None,
                                                          str(pair[0].get("note_date"))))
    for note, result in order:
        note_id = str(note["id"])
        present = sorted(result.present_labels)
        lines.append(f"\n  {note.get('note_date') or 'undated':<10}  {note_id}  ({_place(note_id, patient)})")
        lines.append(f"      alone: {result.decision.indication}; present: {', '.join(present) or 'nothing'}")

    def cite(item: Evidence) -> str:
        quoted = text_of[item.note_id][item.start:item.end]
        return f"{item.note_id} ({item.note_date or 'undated'}) {item.label} [{item.start}:{item.end}] {quoted!r}"

    path = decision_path(patient.decision, patient.evidence, cite)
    if patient.symptom_duration_days is not None:
        path.insert(-1, f"  symptom duration on as_of: {patient.symptom_duration_days} days")
    lines += path
    return "\n".join(lines) + "\n"
