"""Read notes for ``mri-indication extract``: a .txt file, a folder of .txt, JSONL or CSV.

Readers stream: they yield one :class:`Note` or one :class:`InputError` per
input record, never both and never neither, so a batch run can write one
output or one error for every record it was given.
"""
from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Union


@dataclass(frozen=True)
class Note:
    """One input note."""

    id: str
    text: str
    note_date: str | None
    source: str
    line: int


@dataclass(frozen=True)
class InputError:
    """One input record that could not be read."""

    source: str
    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.field}: {self.problem}"


Item = Union[Note, InputError]


def _text_value(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _read_txt(path: Path, source: str) -> Iterator[Item]:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        yield InputError(source, 1, "text", f"not UTF-8 (byte {error.start}: {error.reason})")
        return
    yield Note(path.stem, text, None, source, 1)


def _read_jsonl(handle: BinaryIO, source: str, text_field: str, date_field: str | None) -> Iterator[Item]:
    """Lines are decoded one by one, so one undecodable line loses only itself."""
    for line_number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            yield InputError(source, line_number, "line", f"not UTF-8 (byte {error.start}: {error.reason})")
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield InputError(source, line_number, "json", f"invalid JSON ({error.msg} at column {error.colno})")
            continue
        if not isinstance(record, dict):
            yield InputError(source, line_number, "record", "must be a JSON object")
            continue
        yield _note_from_mapping(record, source, line_number, text_field, date_field)


def _note_from_mapping(record: dict, source: str, line: int, text_field: str, date_field: str | None) -> Item:
    text = _text_value(record.get(text_field))
    if text is None:
        problem = "missing" if text_field not in record else f"must be a string, not {type(record[text_field]).__name__}"
        return InputError(source, line, text_field, problem)
    note_id = record.get("id")
    note_date = record.get(date_field) if date_field else None
    if note_date is not None and not isinstance(note_date, str):
        return InputError(source, line, date_field or "note_date", "must be an ISO date string")
    return Note(str(note_id) if note_id not in (None, "") else f"{Path(source).stem}:{line}",
                text, note_date or None, source, line)


def _read_csv(handle: BinaryIO, source: str, text_field: str, date_field: str | None) -> Iterator[Item]:
    """Physical lines are decoded one by one; an undecodable line is reported and skipped."""
    bad_lines: list[InputError] = []

    def decoded() -> Iterator[str]:
        for line_number, raw in enumerate(handle, start=1):
            try:
                yield raw.decode("utf-8-sig" if line_number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                bad_lines.append(InputError(source, line_number, "line", f"not UTF-8 ({error.reason})"))

    reader = csv.DictReader(decoded())
    try:
        if reader.fieldnames is None or text_field not in reader.fieldnames:
            yield InputError(source, 1, text_field, f"no such column (columns: {reader.fieldnames})")
            return
        for row in reader:
            yield from _drain(bad_lines)
            yield _note_from_mapping(row, source, reader.line_num, text_field, date_field)
        yield from _drain(bad_lines)
    except csv.Error as error:
        yield InputError(source, reader.line_num, "csv", str(error))


def _drain(errors: list[InputError]) -> Iterator[InputError]:
    while errors:
        yield errors.pop(0)


def read_notes(path: str, text_field: str = "text", date_field: str | None = "note_date") -> Iterator[Item]:
    """Yield the notes of ``path`` ("-" reads JSONL from standard input)."""
    if path == "-":
        yield from _read_jsonl(sys.stdin.buffer, "<stdin>", text_field, date_field)
        return
    target = Path(path)
    if target.is_dir():
        files = sorted(target.glob("*.txt"))
        if not files:
            raise FileNotFoundError(f"{path}: no .txt files in this folder")
        for file in files:
            yield from _read_txt(file, str(file))
        return
    if not target.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    suffix = target.suffix.lower()
    if suffix == ".txt":
        yield from _read_txt(target, path)
    elif suffix in (".jsonl", ".ndjson", ".json"):
        with target.open("rb") as handle:
            yield from _read_jsonl(handle, path, text_field, date_field)
    elif suffix == ".csv":
        with target.open("rb") as handle:
            yield from _read_csv(handle, path, text_field, date_field)
    else:
        raise ValueError(f"{path}: unsupported input type {suffix!r} (use .txt, a folder, .jsonl or .csv)")
