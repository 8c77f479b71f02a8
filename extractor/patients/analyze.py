"""Analyse a patient's notes and combine them (SPEC section 6): the API over :mod:`.timeline`.

Each note goes through :func:`extractor.api.analyze_many` once (so ``n_process`` works); the combining step
is :func:`.timeline.combine`, a pure function of the per-note results.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping, Sequence

from ..component import parse_note_date
from .timeline import PatientNote, PatientResult, combine

#: The id fields tried, in order, in a note record.
NOTE_ID_FIELDS = ("note_id", "id")


def _note_fields(note: Any, position: int) -> tuple[str, str, Any]:
    """(note_id, text, raw note_date) of a record (mapping) or a ``(note_id, text, note_date)`` tuple."""
    if isinstance(note, Mapping):
        note_id = next((note[k] for k in NOTE_ID_FIELDS if note.get(k) not in (None, "")), None)
        text, date = note.get("text"), note.get("note_date")
    elif isinstance(note, (tuple, list)) and len(note) == 3:
        note_id, text, date = note
    else:
        raise TypeError(f"notes[{position}]: a note is a mapping with note_id, text and note_date, or a "
                        f"(note_id, text, note_date) tuple, not {type(note).__name__}")
    if note_id is None or isinstance(note_id, bool) or not isinstance(note_id, (str, int)):
        raise ValueError(f"notes[{position}].note_id: missing, or not a string or an integer")
    if not isinstance(text, str):
        raise TypeError(f"notes[{position}].text: must be a string, not {type(text).__name__}")
    return str(note_id), text, date


def _date(value: Any, where: str) -> dt.date | None:
    try:
        return parse_note_date(value)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{where}: {error}") from None


def patient_notes(notes: Iterable[Any]) -> list[tuple[str, str, dt.date | None]]:
    """Validated ``(note_id, text, note_date)`` triples; errors name the note's position, never its text."""
    triples, seen = [], {}
    for position, note in enumerate(notes):
        note_id, text, date = _note_fields(note, position)
        if note_id in seen:
            raise ValueError(f"notes[{position}].note_id: {note_id!r} is also the id of notes[{seen[note_id]}]")
        seen[note_id] = position
        triples.append((note_id, text, _date(date, f"notes[{position}].note_date")))
    return triples


def analyze_patient(notes: Iterable[Any], as_of: Any = None, *, n_process: int = 1, nlp=None) -> PatientResult:
    """One decision from all of a patient's notes (SPEC section 6).

    ``notes`` are mappings with ``note_id`` (or ``id``), ``text`` and ``note_date``, or ``(note_id, text,
    note_date)`` tuples. ``as_of`` is the order date (default: the latest note date); notes dated after it
    are ignored and listed in ``ignored_notes``.

    >>> result = analyze_patient([("n1", "LBP x 3 wks, sciatica L leg.", "2026-01-05"),
    ...                           ("n2", "Failed 6 wks of PT. Referred for microdiscectomy.", "2026-02-20")])
    >>> result.decision.indication, result.symptom_duration_days
    ('indicated', 67)
    """
    triples = patient_notes(notes)
    return combine(_analysed(triples, n_process, nlp), _date(as_of, "as_of"))


def _analysed(triples: Sequence[tuple[str, str, dt.date | None]], n_process: int, nlp) -> list[PatientNote]:
    from ..api import analyze_many

    results = analyze_many([text for _, text, _ in triples], [date for _, _, date in triples],
                           n_process=n_process, nlp=nlp)
    return [PatientNote.from_result(note_id, date, result) for (note_id, _, date), result in zip(triples, results)]


def analyze_patients_frame(df, patient_col: str = "patient_id", text_col: str = "text",
                           date_col: str = "note_date", id_col: str = "note_id", as_of_col: str | None = None, *,
                           n_process: int = 1, nlp=None):
    """One row per patient of a pandas DataFrame of notes: ``patient_col``, ``as_of``, the episode's start,
    end and note count, then :meth:`PatientResult.to_row` (the decision and one column per finding label).

    All notes are analysed in one :func:`~extractor.api.analyze_many` call; ``as_of_col`` (optional) holds
    each patient's order date (its value on the patient's first row is used).
    """
    import pandas as pd

    for column in (patient_col, text_col, date_col, id_col, as_of_col):
        if column is not None and column not in df.columns:
            raise KeyError(f"no column {column!r} in the DataFrame")
    groups: dict[Any, list[int]] = {}
    for row, patient in enumerate(df[patient_col].tolist()):
        groups.setdefault(patient, []).append(row)
    texts, dates, ids = df[text_col].tolist(), df[date_col].tolist(), df[id_col].tolist()
    triples_of = {patient: patient_notes((ids[r], texts[r], _missing_as_none(dates[r])) for r in rows)
                  for patient, rows in groups.items()}
    flat = [triple for triples in triples_of.values() for triple in triples]
    analysed = iter(_analysed(flat, n_process, nlp))
    rows = []
    for patient, triples in triples_of.items():
        notes = [next(analysed) for _ in triples]
        as_of = _missing_as_none(df[as_of_col].iloc[groups[patient][0]]) if as_of_col else None
        result = combine(notes, _date(as_of, f"patient {patient!r}: as_of"))
        rows.append({patient_col: patient, **result.to_row()})
    return pd.DataFrame(rows)


def _missing_as_none(value: Any) -> Any:
    """pandas' missing values (NaN, NaT, None) as None."""
    return None if value is None or (isinstance(value, float) and value != value) or str(value) == "NaT" else value
