"""Parquet for ``mri-indication extract``: notes read from a Parquet file, result rows written to one.

pyarrow is imported only here and only when a Parquet file is read or written (it comes with the ``spark``
extra, or ``pip install pyarrow``). A Parquet row is a record like a JSONL line: the same fields, the same
checks and the same errors (:func:`extractor.io.inputs._note_from_mapping`), its row number (from 1) standing
for the line. Date and timestamp columns are read as ISO dates.

Written rows are the flat rows of the CSV output (``Result.to_row``, ``PatientResult.to_row``), typed: the
criteria and the label columns are booleans (null when unknown), counts, ages and durations integers, the
rest strings.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, BinaryIO, Iterator

from ..schema import FINDING_LABELS

#: Rows per Arrow batch read or written.
BATCH_ROWS = 1024
#: Integer columns of the written rows; ``criteria_*`` and the finding labels are booleans, the rest strings.
INT_COLUMNS = frozenset({"age", "symptom_duration_days", "episode_notes", "undated_notes", "ignored_notes"})
BOOL_COLUMNS = frozenset(FINDING_LABELS)


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ImportError("Parquet needs pyarrow: pip install 'mri-indication[spark]' (or pyarrow)") from None
    return pyarrow, pyarrow.parquet


def _open(path: str):
    pa, pq = _pyarrow()
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise ValueError(f"{path}: not a readable Parquet file ({type(error).__name__})") from None


def columns_of(path: str) -> set[str]:
    """The column names of a Parquet file."""
    return set(_open(path).schema_arrow.names)


def _plain(value: Any) -> Any:
    """A date or timestamp as its ISO date; anything else as it is (the reader checks it)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def read_parquet(path: str, fields) -> Iterator[Any]:
    """One :class:`~extractor.io.inputs.Note` or :class:`~extractor.io.inputs.InputError` per row of ``path``,
    read ``BATCH_ROWS`` rows at a time (only the columns ``fields`` names)."""
    from .inputs import DEFAULT_ID_FIELDS, _note_from_mapping

    parquet = _open(path)
    names = parquet.schema_arrow.names
    wanted = {fields.text, fields.note_date, *(fields.id and (fields.id,) or DEFAULT_ID_FIELDS), *fields.extra}
    columns = [name for name in names if name in wanted]
    row = 0
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=columns):
        for record in batch.to_pylist():
            row += 1
            yield _note_from_mapping({key: _plain(value) for key, value in record.items()}, path, row, fields)


def _column_type(pa, name: str):
    if name in INT_COLUMNS:
        return pa.int64()
    if name in BOOL_COLUMNS or name.startswith("criteria_"):
        return pa.bool_()
    return pa.string()


def _cell(value: Any, kind) -> Any:
    if value is None or kind != "string" or isinstance(value, str):
        return value
    return str(value)


class ParquetRows:
    """Flat rows written to a binary stream as one Parquet file; the schema is fixed by the first row's keys.

    >>> import io
    >>> out = io.BytesIO()
    >>> rows = ParquetRows(out)
    >>> rows.write({"id": "n1", "indication": "urgent", "age": 54, "criteria_duration_6_weeks": None})
    >>> rows.close()
    >>> import pyarrow.parquet as pq
    >>> pq.read_table(out).to_pylist()
    [{'id': 'n1', 'indication': 'urgent', 'age': 54, 'criteria_duration_6_weeks': None}]
    """

    def __init__(self, out: BinaryIO, batch_rows: int = BATCH_ROWS):
        self.out, self.batch_rows = out, batch_rows
        self.pending: list[dict] = []
        self.schema = None
        self.writer = None

    def write(self, row: dict[str, Any]) -> None:
        if self.schema is None:
            pa, _ = _pyarrow()
            self.schema = pa.schema([(name, _column_type(pa, name)) for name in row])
        self.pending.append(row)
        if len(self.pending) >= self.batch_rows:
            self._flush()

    def _flush(self) -> None:
        pa, pq = _pyarrow()
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.out, self.schema)
        kinds = {field.name: str(field.type) for field in self.schema}
        columns = {name: [_cell(row.get(name), kinds[name]) for row in self.pending] for name in self.schema.names}
        self.writer.write_table(pa.table(columns, schema=self.schema))
        self.pending = []

    def close(self) -> None:
        """Write what is pending and the file's footer (a file with no row has no columns)."""
        if self.schema is None:
            pa, _ = _pyarrow()
            self.schema = pa.schema([])
        if self.pending or self.writer is None:
            self._flush()
        self.writer.close()
