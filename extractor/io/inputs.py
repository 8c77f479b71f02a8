"""Read notes for ``mri-indication extract``: a .txt file, a folder of .txt, JSONL or CSV.

Readers stream: they yield one :class:`Note` or one :class:`InputError` per
input record, never both and never neither, so a batch run writes one output
or reports one error for every record it was given. No error names a value
from a record (notes, dates and ids of patients are not for logs): an error
names the file, the line, the field and, when it is readable, the record's id.

- A byte that does not decode becomes U+FFFD, with a warning, so the note
  keeps every other character (and its red flags) and its length.
- A CSV parse error is reported for the line it starts on and reading goes on
  with the next line; a quote that is never closed, so that a field runs into
  the next records, is reported for its own line and the records it swallowed
  are read again, instead of merging two patients. A bare carriage return in
  an unquoted field stays part of its field.
- In a folder, a file that cannot be read (a dangling link, a loop, a folder
  named ``x.txt``) is reported and the others are read.
"""
from __future__ import annotations

import csv
import errno
import json
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Sequence, Union

#: Input formats, by file suffix.
FORMATS = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv",
           ".parquet": "parquet"}
#: The id fields tried, in order, when the user names none.
DEFAULT_ID_FIELDS = ("id", "note_id")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_BARE_CR = re.compile("\r(?!\n)")
_CR_STAND_IN = "\ue000"  # a bare carriage return while the CSV parser reads the line


@dataclass(frozen=True)
class Note:
    """One input note."""

    id: str
    text: str
    note_date: str | None
    source: str
    line: int
    warnings: tuple[str, ...] = ()
    extra: tuple[str | None, ...] = ()  # the values of ``Fields.extra``, in order (None when absent)


@dataclass(frozen=True)
class InputError:
    """One input record that could not be read (never holding a value of the record)."""

    source: str
    line: int | str  # a line, or a range "12-15" for a record that swallowed others
    field: str
    problem: str
    id: str | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}: {self.field}: {self.problem}"
        return where + (f" (id {self.id})" if self.id else "")


Item = Union[Note, InputError]


@dataclass(frozen=True)
class Fields:
    """Which fields of a JSONL or CSV record hold the text, the date and the id."""

    text: str = "text"
    note_date: str | None = "note_date"
    id: str | None = None  # None: the first of DEFAULT_ID_FIELDS present
    extra: tuple[str, ...] = ()  # more fields to carry, e.g. the patient id and order date of patient mode

    def id_of(self, record: dict) -> tuple[str | None, object]:
        names = (self.id,) if self.id else DEFAULT_ID_FIELDS
        for name in names:
            if record.get(name) not in (None, ""):
                return name, record[name]
        return names[0], None


def _note_from_mapping(record: dict, source: str, line: int, fields: Fields,
                       warnings: tuple[str, ...] = ()) -> Item:
    id_field, raw_id = fields.id_of(record)
    note_id = None
    if raw_id is not None:
        if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
            return InputError(source, line, id_field, "must be a string or an integer")
        note_id = str(raw_id)
        if _LONE_SURROGATE.search(note_id):
            return InputError(source, line, id_field, "not valid Unicode (a lone surrogate or an undecodable byte)")
    text = record.get(fields.text)
    if not isinstance(text, str):
        problem = "missing" if fields.text not in record else f"must be a string, not {type(text).__name__}"
        return InputError(source, line, fields.text, problem, note_id)
    note_date = record.get(fields.note_date) if fields.note_date else None
    if note_date is not None and not isinstance(note_date, str):
        return InputError(source, line, fields.note_date or "note_date", "must be an ISO date string", note_id)
    if note_date and _LONE_SURROGATE.search(note_date):
        return InputError(source, line, fields.note_date or "note_date", "not valid Unicode", note_id)
    extra = []
    for name in fields.extra:
        value = record.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int))):
            return InputError(source, line, name, "must be a string or an integer", note_id)
        if isinstance(value, str) and _LONE_SURROGATE.search(value):
            return InputError(source, line, name, "not valid Unicode", note_id)
        extra.append(None if value in (None, "") else str(value))
    return Note(note_id if note_id is not None else f"{Path(source).stem}:{line}", text, note_date or None,
                source, line, warnings, tuple(extra))


def _decode(raw: bytes, encoding: str) -> tuple[str, bool]:
    """``raw`` decoded; bytes that do not decode become U+FFFD. Returns (text, whether any did)."""
    try:
        return raw.decode(encoding), False
    except UnicodeDecodeError:
        return raw.decode(encoding, errors="replace"), True


def _replaced_warning(encoding: str) -> str:
    return f"bytes that are not {encoding} were replaced by U+FFFD (check --encoding)"


def _read_txt(path: Path, source: str, encoding: str) -> Iterator[Item]:
    try:
        data = path.read_bytes()
    except OSError as error:
        yield InputError(source, 1, "file", f"cannot be read ({error.strerror or type(error).__name__})")
        return
    text, replaced = _decode(data, encoding)
    yield Note(path.stem, text, None, source, 1, (_replaced_warning(encoding),) if replaced else ())


def _read_folder(folder: Path, encoding: str) -> Iterator[Item]:
    entries = sorted(folder.glob("*.txt"))
    if not entries:
        raise FileNotFoundError(f"{folder}: no .txt files in this folder")
    for entry in entries:
        source = str(entry)
        try:
            mode = entry.stat().st_mode  # follows links: a dangling link or a loop raises
        except OSError as error:
            what = "a link to nothing" if error.errno == errno.ENOENT else error.strerror or type(error).__name__
            yield InputError(source, 1, "file", f"cannot be read ({what})")
            continue
        if not stat.S_ISREG(mode):
            yield InputError(source, 1, "file", f"cannot be read ({'a folder' if stat.S_ISDIR(mode) else 'not a file'})")
            continue
        yield from _read_txt(entry, source, encoding)


def _read_jsonl(lines: Iterable[bytes], source: str, fields: Fields, encoding: str) -> Iterator[Item]:
    """Lines are decoded one by one; one bad line is reported alone."""
    for line_number, raw in enumerate(lines, start=1):
        line, replaced = _decode(raw, encoding)
        if not line.strip():
            continue
        try:
            record = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as error:
            yield InputError(source, line_number, "json", f"invalid JSON: {error.msg} (column {error.colno})")
            continue
        except RecursionError:
            yield InputError(source, line_number, "json", "invalid JSON: nested too deeply")
            continue
        if not isinstance(record, dict):
            yield InputError(source, line_number, "record", "must be a JSON object")
            continue
        yield _note_from_mapping(record, source, line_number, fields,
                                 (_replaced_warning(encoding),) if replaced else ())


def _shape(key: str) -> str:
    """An id's shape: digits and letters folded ("mrn-0042" and "mrn-1337" share one)."""
    return re.sub(r"[A-Za-z]+", "a", re.sub(r"\d+", "9", key.strip()))


def _swallowed_line(value: str, header: list[str], id_index: int, own_id: str) -> int | None:
    """The number of the first line inside ``value`` that reads as a whole record with an id shaped like
    this record's own (a quote left open upstream), or None."""
    if not own_id.strip():
        return None
    for offset, line in enumerate(value.split("\n")[1:], start=1):
        parsed = next(csv.reader([line]), [])
        if len(parsed) == len(header) and parsed[id_index].strip() and _shape(parsed[id_index]) == _shape(own_id):
            return offset
    return None


def _read_csv(lines: Iterable[bytes], source: str, fields: Fields, encoding: str) -> Iterator[Item]:
    """CSV with a header row; every data row is a note or an error (see the module docstring)."""
    csv.field_size_limit(sys.maxsize)  # the API's own length limit applies later, per note
    physical = _Lines(lines, encoding)
    try:
        header_row = next(csv.reader(physical))
    except StopIteration:
        return
    except csv.Error:
        yield InputError(source, 1, "header", "not a CSV header row")
        return
    header = [name.lstrip("\ufeff") for name in header_row]
    id_name = fields.id or next((name for name in DEFAULT_ID_FIELDS if name in header), None)
    id_index = header.index(id_name) if id_name in header else 0
    while True:
        physical.start_record()
        start = physical.count + 1
        try:
            row = next(csv.reader(physical, strict=True))
        except StopIteration:
            return
        except csv.Error as error:
            physical.reread_after_first()
            yield InputError(source, start, "csv", f"{_csv_problem(error)}; the line is skipped")
            continue
        row = [cell.replace(_CR_STAND_IN, "\r") for cell in row]
        if not any(cell.strip() for cell in row):
            continue
        own_id = row[id_index] if id_index < len(row) else ""
        swallowed = min((found for cell in row if "\n" in cell
                         for found in [_swallowed_line(cell, header, id_index, own_id)] if found is not None),
                        default=None)
        if swallowed is not None:
            physical.reread_after_first()
            yield InputError(source, start, "csv", "a quote is not closed: its field runs into the next record "
                                                   f"(line {start + swallowed}); the line is skipped")
            continue
        if fields.text not in header:
            yield InputError(source, start, fields.text, "no such column in the header row (is there a header?)")
            continue
        if len(row) != len(header):
            yield InputError(source, start, "csv", f"{len(row)} fields where the header has {len(header)}")
            continue
        warnings = (_replaced_warning(encoding),) if physical.replaced else ()
        yield _note_from_mapping(dict(zip(header, row)), source, start, fields, warnings)


class _Lines:
    """Decoded physical lines for the CSV parser: counted, the lines of the record being read kept, so that
    after a parse error every line but the record's first is read again."""

    def __init__(self, raw_lines: Iterable[bytes], encoding: str):
        self.raw = iter(raw_lines)
        self.encoding = encoding
        self.again: list[tuple[str, bool]] = []
        self.record: list[tuple[str, bool]] = []
        self.count = 0
        self.replaced = False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.again:
            line, replaced = self.again.pop(0)
        else:
            line, replaced = _decode(next(self.raw), self.encoding)
            line = _BARE_CR.sub(_CR_STAND_IN, line.removesuffix("\r\n").removesuffix("\n")) + "\n"
        self.count += 1
        self.record.append((line, replaced))
        self.replaced = self.replaced or replaced
        return line

    def start_record(self) -> None:
        self.record, self.replaced = [], False

    def reread_after_first(self) -> None:
        """Give back every line of the current record but its first."""
        self.again = self.record[1:] + self.again
        self.count -= len(self.record) - 1
        self.record = self.record[:1]


def _csv_problem(error: csv.Error) -> str:
    message = str(error)
    if "new-line character" in message:
        return "a bare line break inside an unquoted field"
    if "unexpected end of data" in message:
        return "a quote is not closed before the end of the file"
    if "expected after" in message:
        return "a quote inside a field is not doubled"
    return "cannot be parsed as CSV"


def sniff_format(head: bytes) -> str:
    """``jsonl`` when the data starts with ``{``, else ``txt`` (one note): for standard input."""
    return "jsonl" if head.lstrip()[:1] == b"{" else "txt"


def input_format(path: str, given: str | None = None) -> str:
    """The format of ``path`` ("-" is standard input, sniffed when not given)."""
    if given:
        return given
    if path == "-":
        return "sniff"
    target = Path(path)
    if target.is_dir():
        return "folder"
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{path}: unsupported input type {suffix!r} (use .txt, a folder, .jsonl, .csv or .parquet, "
                         f"or --input-format)")
    return FORMATS[suffix]


def read_notes(path: str, text_field: str = "text", date_field: str | None = "note_date",
               id_field: str | None = None, encoding: str = "utf-8", fmt: str | None = None,
               extra_fields: Sequence[str] = ()) -> Iterator[Item]:
    """Yield the notes of ``path``: a file, a folder of .txt, or "-" for standard input (JSONL when it starts
    with ``{``, else one plain-text note). ``fmt`` forces the format (``txt``, ``jsonl``, ``csv`` or ``parquet``).
    ``extra_fields`` of JSONL, CSV and Parquet records are carried in ``Note.extra``."""
    fields = Fields(text_field, date_field, id_field, tuple(extra_fields))
    kind = input_format(path, fmt)
    if path == "-" and kind == "parquet":
        raise ValueError("Parquet cannot be read from standard input: give the file's path")
    if path == "-":
        stream: BinaryIO = sys.stdin.buffer
        if kind == "sniff":
            peeked = stream.peek(64) if hasattr(stream, "peek") else b""
            kind = sniff_format(peeked)
        if kind == "txt":
            data = stream.read()
            try:
                yield Note("stdin", data.decode(encoding), None, "<stdin>", 1)
            except UnicodeDecodeError as error:
                yield InputError("<stdin>", 1, "text", f"not {encoding} (byte {error.start}: {error.reason})")
            return
        reader = _read_csv if kind == "csv" else _read_jsonl
        yield from reader(stream, "<stdin>", fields, encoding)
        return
    target = Path(path)
    if kind == "folder":
        yield from _read_folder(target, encoding)
        return
    if not target.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    if kind == "txt":
        yield from _read_txt(target, path, encoding)
        return
    if kind == "parquet":  # extractor/io/parquet.py (pyarrow)
        from .parquet import read_parquet
        yield from read_parquet(path, fields)
        return
    with target.open("rb") as handle:
        reader = _read_csv if kind == "csv" else _read_jsonl
        yield from reader(handle, path, fields, encoding)


def fields_found(path: str, names: Iterable[str], fmt: str | None = None, encoding: str = "utf-8") -> set[str]:
    """Which of ``names`` appear in the CSV header, or in at least one JSONL record, of the file ``path``
    (read until all are found): for refusing a named field that no record has before a run."""
    wanted, found = set(names), set()
    kind = input_format(path, fmt)
    if kind == "parquet":
        from .parquet import columns_of
        return wanted & columns_of(path)
    if kind == "csv":
        with open(path, encoding=encoding, errors="replace", newline="") as handle:
            try:
                header = next(csv.reader(handle), [])
            except csv.Error:  # the reader reports the header itself
                return wanted
        return wanted & {name.lstrip("\ufeff") for name in header}
    if kind != "jsonl":
        return wanted
    with open(path, "rb") as handle:
        for raw in handle:
            try:
                record = json.loads(raw.decode(encoding, errors="replace"))
            except (json.JSONDecodeError, RecursionError):
                continue
            if isinstance(record, dict):
                found |= wanted & record.keys()
                if found == wanted:
                    break
    return found
