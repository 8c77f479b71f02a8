"""``analyze_notes`` and ``analyze_patients``: Spark DataFrames in, the same decisions as the local API out."""
from __future__ import annotations

import warnings
from functools import partial

from pyspark.sql import DataFrame
from pyspark.sql import types as T

from ..schema import ASSERTIONS
from .rows import NOTE_COLUMNS, PATIENT_COLUMNS
from .worker import apply_patient, map_notes

_STRINGS = T.ArrayType(T.StringType())
FINDING = T.StructType([
    T.StructField("label", T.StringType()), T.StructField("start", T.IntegerType()),
    T.StructField("end", T.IntegerType()), *(T.StructField(name, T.BooleanType()) for name in ASSERTIONS),
    T.StructField("value", T.LongType()), T.StructField("response", T.StringType())])
EVIDENCE = T.StructType([T.StructField("note_id", T.StringType()), T.StructField("note_date", T.StringType()),
                         T.StructField("label", T.StringType()), T.StructField("start", T.IntegerType()),
                         T.StructField("end", T.IntegerType())])
#: The Spark type of every column the two functions add.
TYPES = {
    "indication": T.StringType(), "suspected": _STRINGS, "contrast": T.StringType(), "coverage": T.StringType(),
    **{name: T.BooleanType() for name in NOTE_COLUMNS if name.startswith("criteria_")},
    "missing": _STRINGS, "warnings": _STRINGS, "alternative": T.StringType(), "reason": T.StringType(),
    "age": T.LongType(), "symptom_duration_days": T.LongType(), "findings": T.ArrayType(FINDING),
    "awaiting_age": T.ArrayType(FINDING),
    "error": T.StringType(),
    "as_of": T.StringType(), "episode_start": T.StringType(), "episode_end": T.StringType(),
    "episode_note_ids": _STRINGS, "undated_notes": _STRINGS, "ignored_notes": _STRINGS,
    "evidence": T.MapType(T.StringType(), T.ArrayType(EVIDENCE)),
}


def _fields(names) -> list[T.StructField]:
    return [T.StructField(name, TYPES[name]) for name in names]


def _require(df: DataFrame, columns: dict[str, str | None]) -> None:
    for role, name in columns.items():
        if name is not None and name not in df.columns:
            raise KeyError(f"{role} {name!r} is not a column of the DataFrame (columns: {df.columns})")


def analyze_notes(df: DataFrame, text_col: str = "text", date_col: str | None = None,
                  id_col: str | None = None) -> DataFrame:
    """Every row of ``df`` with the decision columns added (:data:`~.rows.NOTE_COLUMNS`).

    The added columns are the decision (``indication``, ``suspected``, ``contrast``, ``coverage``, the four
    ``criteria_<name>``, ``missing``, ``warnings``, ``alternative``, ``reason``), ``age``,
    ``symptom_duration_days``, ``findings`` (``array<struct<label, start, end, negated, historical,
    hypothetical, family, uncertain, value, response>>``), ``awaiting_age`` (the same structs: plain falls in a
    note without an age, for the patient level) and ``error``: null, or why the row was not analysed
    (a text that is null, not a string or over ``MAX_NOTE_CHARS``; a date that is not ISO), and then every
    decision column is null. Rows out equal rows in; a row never fails the job.

    ``date_col`` holds the note date (an ISO string, a date or a timestamp). ``id_col`` is only checked to
    exist: the row keeps all its columns, so it keeps its id.

    The work runs through ``mapInPandas`` on Arrow batches of ``spark.sql.execution.arrow.maxRecordsPerBatch``
    rows; each Python worker loads the pipeline once and reuses it (:mod:`extractor.spark.worker`).

    >>> out = analyze_notes(spark.createDataFrame([("n1", "saddle numbness, cannot void")], "id string, text string"))
    ... # doctest: +SKIP
    >>> out.select("id", "indication", "suspected").first()  # doctest: +SKIP
    Row(id='n1', indication='urgent', suspected=['cauda_equina'])
    """
    _require(df, {"text_col": text_col, "date_col": date_col, "id_col": id_col})
    taken = sorted(set(NOTE_COLUMNS) & set(df.columns))
    if taken:
        raise ValueError(f"the DataFrame already has columns named {taken}: rename them first")
    schema = T.StructType(df.schema.fields + _fields(NOTE_COLUMNS))
    return df.mapInPandas(partial(map_notes, text_col=text_col, date_col=date_col), schema)


def analyze_patients(df: DataFrame, patient_col: str, text_col: str = "text", date_col: str = "note_date",
                     id_col: str = "note_id", as_of_col: str | None = None) -> DataFrame:
    """One row per patient (SPEC section 6): ``patient_col`` and :data:`~.rows.PATIENT_COLUMNS`.

    The notes are grouped by ``patient_col`` (``groupBy(...).applyInPandas``) and each patient goes through
    :func:`extractor.patients.analyze_patient`. ``as_of_col`` holds the order date; the patient's notes must
    agree on it (null where not given). The columns are ``as_of``, ``episode_start``, ``episode_end`` (ISO
    dates), ``episode_note_ids``, ``undated_notes``, ``ignored_notes``, the decision columns, ``age``,
    ``symptom_duration_days``, ``evidence`` (``map<string, array<struct<note_id, note_date, label, start,
    end>>>``, the mentions behind each suspected condition and each decided criterion) and ``error``: a patient
    whose notes cannot be combined (a null, non-string or too long text, a repeated note id, a date that is not
    ISO, differing order dates, a null patient id) gets a message naming positions and ids, never a text, and
    null decision columns. One patient never fails the job.
    """
    _require(df, {"patient_col": patient_col, "text_col": text_col, "date_col": date_col, "id_col": id_col,
                  "as_of_col": as_of_col})
    patient_field = df.schema[patient_col]
    schema = T.StructType([T.StructField(patient_col, patient_field.dataType), *_fields(PATIENT_COLUMNS)])
    used = [c for c in dict.fromkeys((patient_col, id_col, text_col, date_col, as_of_col)) if c is not None]
    apply = partial(apply_patient, patient_col=patient_col, text_col=text_col, date_col=date_col, id_col=id_col,
                    as_of_col=as_of_col)
    with warnings.catch_warnings():  # Spark 4.1+ looks for type hints on the function; a partial has none
        warnings.filterwarnings("ignore", "Cannot infer the eval type", UserWarning)
        return df.select(*used).groupBy(patient_col).applyInPandas(apply, schema)
