"""What runs in Spark's Python workers: pandas batches in, the same batches with the decision columns out.

Nothing here imports pyspark, and nothing here is a closure: Spark ships these functions by reference (module
and name; the package is installed on every executor) with the column names bound by ``functools.partial``.
The pipeline is never shipped. Each Python worker loads it once, on its first batch, as
:func:`extractor.api.analyze_many`'s module-level default, and keeps it for every later batch and task while
Spark reuses the worker (``spark.python.worker.reuse``, on by default); it is loaded again only when its
string store outgrows :data:`extractor.api.MAX_VOCAB_STRINGS`.

One row never fails a batch: a text that is null, not a string or over :data:`~extractor.api.MAX_NOTE_CHARS`,
a date that is not ISO, or a pipeline error gets an ``error`` value (what was wrong, never the value) and
null decision columns. Rows out equal rows in, in order.
"""
from __future__ import annotations

import datetime as dt
import numbers
from typing import Any, Iterable, Iterator

from ..api import MAX_NOTE_CHARS, analyze_many
from ..component import parse_note_date
from .rows import NOTE_COLUMNS, PATIENT_COLUMNS, error_row, note_row, patient_row


def missing_as_none(value: Any) -> Any:
    """pandas' missing values (None, NaN, NaT) as None."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return None if type(value).__name__ == "NaTType" else value


def note_problem(text: Any, date: Any) -> tuple[str | None, dt.date | None]:
    """(why the note cannot be analysed, or None; its parsed date)."""
    if text is None:
        return "text: missing (null)", None
    if not isinstance(text, str):  # pandas gives an integer column with nulls as floats: say "a number"
        kind = "a number" if isinstance(text, numbers.Number) else type(text).__name__
        return f"text: must be a string, not {kind}", None
    if len(text) > MAX_NOTE_CHARS:
        return f"text: {len(text):,} characters, over the limit of {MAX_NOTE_CHARS:,}", None
    try:
        return None, parse_note_date(date)
    except (TypeError, ValueError):
        return "note_date: not a date, a datetime or an ISO date string", None


def _analysed(texts: list[str], dates: list[dt.date | None]) -> list[object]:
    """A result or an exception per note: a batch that fails is retried note by note."""
    try:
        return list(analyze_many(texts, dates))
    except Exception as error:  # noqa: BLE001 - one note's failure must not lose the others
        if len(texts) == 1:
            return [error]
        return [item for text, date in zip(texts, dates) for item in _analysed([text], [date])]


def note_rows(texts: Iterable[Any], dates: Iterable[Any] | None = None) -> list[dict[str, Any]]:
    """The :data:`~.rows.NOTE_COLUMNS` of each note, in order (an error row where due)."""
    texts = [missing_as_none(text) for text in texts]
    dates = [None] * len(texts) if dates is None else [missing_as_none(date) for date in dates]
    rows: list[dict[str, Any] | None] = [None] * len(texts)
    good: list[int] = []
    parsed: list[dt.date | None] = []
    for index, (text, date) in enumerate(zip(texts, dates)):
        problem, note_date = note_problem(text, date)
        if problem is None:
            good.append(index)
            parsed.append(note_date)
        else:
            rows[index] = error_row(NOTE_COLUMNS, problem)
    for index, result in zip(good, _analysed([texts[i] for i in good], parsed)):
        rows[index] = (error_row(NOTE_COLUMNS, f"the pipeline failed ({type(result).__name__})")
                       if isinstance(result, Exception) else note_row(result))
    return rows


def analyse_frame(batch, text_col: str, date_col: str | None = None):
    """``batch`` (a pandas DataFrame) with the :data:`~.rows.NOTE_COLUMNS` added."""
    import pandas as pd

    rows = note_rows(batch[text_col].tolist(), batch[date_col].tolist() if date_col else None)
    added = pd.DataFrame({name: pd.Series([row[name] for row in rows], index=batch.index, dtype=object)
                          for name in NOTE_COLUMNS})
    return pd.concat([batch, added], axis=1)


def map_notes(batches: Iterator[Any], text_col: str, date_col: str | None = None) -> Iterator[Any]:
    """The ``mapInPandas`` function: each Arrow batch of a partition, analysed."""
    for batch in batches:
        yield analyse_frame(batch, text_col, date_col)


def _single_as_of(values: Iterable[Any]) -> tuple[Any, str | None]:
    """The patient's one order date (or None), or a problem when its notes give different ones."""
    given = {missing_as_none(value) for value in values} - {None}
    if len(given) > 1:
        return None, "as_of: the patient's notes give different order dates"
    return (given.pop() if given else None), None


def patient_columns(patient_id: Any, note_ids: list[Any], texts: list[Any], dates: list[Any],
                    as_ofs: list[Any] | None = None) -> dict[str, Any]:
    """The :data:`~.rows.PATIENT_COLUMNS` of one patient from its notes (SPEC section 6).

    The notes are taken in the order of their ids, so the result never depends on the order Spark gives
    them in (only ``undated_notes`` would)."""
    from ..patients import analyze_patient

    if missing_as_none(patient_id) is None:
        return error_row(PATIENT_COLUMNS, "patient id: missing (null); these notes are not one patient")
    as_of, problem = _single_as_of(as_ofs or [])
    if problem:
        return error_row(PATIENT_COLUMNS, problem)
    notes = sorted(zip(note_ids, texts, dates), key=lambda note: str(note[0]))
    notes = [(missing_as_none(i), missing_as_none(t), missing_as_none(d)) for i, t, d in notes]
    try:
        return patient_row(analyze_patient(notes, as_of))
    except (TypeError, ValueError) as error:  # the messages name positions, fields and ids, never a text
        return error_row(PATIENT_COLUMNS, str(error))
    except Exception as error:  # noqa: BLE001 - one patient's failure must not lose the others
        return error_row(PATIENT_COLUMNS, f"the pipeline failed ({type(error).__name__})")


def apply_patient(group, patient_col: str, text_col: str, date_col: str, id_col: str, as_of_col: str | None = None):
    """The ``applyInPandas`` function: one patient's notes (a pandas DataFrame) -> one row."""
    import pandas as pd

    row = patient_columns(group[patient_col].iloc[0], group[id_col].tolist(), group[text_col].tolist(),
                          group[date_col].tolist(), group[as_of_col].tolist() if as_of_col else None)
    return pd.DataFrame({patient_col: pd.Series([group[patient_col].iloc[0]], dtype=group[patient_col].dtype),
                         **{name: pd.Series([row[name]], dtype=object) for name in PATIENT_COLUMNS}})
