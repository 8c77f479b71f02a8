"""Read patient files (SPEC.md section 6): JSONL, one patient per line,
``{"patient_id", "as_of", "notes": [section 4 records with note_date], "decision"}``.

Every problem is a :class:`~extractor.io.gold.GoldError` naming the file, the line and the field (for a
note, ``notes[i].field``), never a value of the record. A patient with no ``decision`` gets the one section 6
derives from its notes' gold spans (:func:`gold_timeline`), as ``load_gold`` does for single notes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..component import parse_note_date
from ..findings import Finding
from ..patients.timeline import PatientNote, combine
from .gold import GoldError, _records, validate_record


def gold_timeline(record: dict) -> list[PatientNote]:
    """A patient record's notes as the timeline reads them, from their gold spans and values."""
    return [PatientNote(str(note["id"]), parse_note_date(note.get("note_date")),
                        tuple(Finding.from_dict(span) for span in note.get("spans", [])),
                        note.get("age"), note.get("symptom_duration_days"))
            for note in record["notes"]]


def gold_patient_decision(record: dict) -> dict:
    """The section 6 decision of a patient record's gold spans (without the reason, which is not gold)."""
    decision = combine(gold_timeline(record), parse_note_date(record.get("as_of"))).decision.to_dict()
    decision.pop("reason")
    return decision


def _date_problem(value: Any) -> str | None:
    try:
        parse_note_date(value)
    except (TypeError, ValueError):
        return "not an ISO date or datetime"
    return None


def validate_patient(record: Any, path: str | Path, line: int, need_spans: bool) -> list[GoldError]:
    """All problems of one patient record (an empty list when it is valid)."""
    if not isinstance(record, dict):
        return [GoldError(path, line, "record", "must be a JSON object")]
    errors = []
    patient_id = record.get("patient_id")
    if isinstance(patient_id, bool) or not isinstance(patient_id, (str, int)) or patient_id == "":
        errors.append(GoldError(path, line, "patient_id", "missing, or not a string or an integer"))
    if record.get("as_of") is not None and _date_problem(record["as_of"]):
        errors.append(GoldError(path, line, "as_of", _date_problem(record["as_of"])))
    notes = record.get("notes")
    if not isinstance(notes, list) or not notes:
        return errors + [GoldError(path, line, "notes", "must be a non-empty list of note records")]
    seen: dict[str, int] = {}
    for index, note in enumerate(notes):
        where = f"notes[{index}]"
        errors.extend(GoldError(path, line, f"{where}.{error.field}", error.problem)
                      for error in validate_record(note, path, line, check_decision=False))
        if not isinstance(note, dict):
            continue
        if need_spans and "spans" not in note:
            errors.append(GoldError(path, line, f"{where}.spans", "missing: a patient without a decision needs "
                                                                  "its notes' spans to derive one"))
        if note.get("note_date") is not None and _date_problem(note["note_date"]):
            errors.append(GoldError(path, line, f"{where}.note_date", _date_problem(note["note_date"])))
        note_id = note.get("id")
        if isinstance(note_id, (str, int)) and not isinstance(note_id, bool):
            if str(note_id) in seen:
                errors.append(GoldError(path, line, f"{where}.id",
                                        f"note id {note_id} is also the id of notes[{seen[str(note_id)]}]"))
            seen.setdefault(str(note_id), index)
    return errors


def load_patients(path: str | Path, need_decision: bool = False) -> list[dict]:
    """Read a patient file; raises the first :class:`GoldError`.

    With ``need_decision`` (evaluation), a patient without ``decision`` gets the section 6 decision of its
    notes' spans, marked ``"decision_from_spans": true``; one with neither cannot be scored."""
    records, seen = [], {}
    for line, record in _records(path):
        if isinstance(record, GoldError):
            raise record
        derive = need_decision and isinstance(record, dict) and record.get("decision") is None
        errors = validate_patient(record, path, line, need_spans=derive)
        if errors:
            raise errors[0]
        key = str(record["patient_id"])
        if key in seen:
            raise GoldError(path, line, "patient_id", f"duplicate patient id (first on line {seen[key]})")
        seen[key] = line
        if derive:
            record = {**record, "decision": gold_patient_decision(record), "decision_from_spans": True}
        records.append(record)
    if not records:
        raise GoldError(path, 0, "file", "no patient records")
    return records
