"""``mri-indication extract``: every input record gives one output record or one reported error.

Output is JSONL (one SPEC section 4 record per note, each span with its text), CSV or Parquet (one row per
note, :meth:`~extractor.result.Result.to_row`), chosen by the output's suffix or ``--format``. It is written to a
hidden ``.NAME.partial`` file beside the output and renamed when the run ends, so a killed run never
leaves a file that looks complete. Messages on stderr name the file, the line, the field and the id,
never a value from a record.
"""
from __future__ import annotations

import csv
import json
import os
import sys
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import IO, Iterable, Iterator

from extractor.api import MAX_NOTE_CHARS
from extractor.component import parse_note_date
from extractor.io.inputs import InputError, Note

#: Exit codes of ``extract`` (and the README's table).
EXIT_OK, EXIT_SKIPPED, EXIT_ERROR = 0, 1, 2
BATCH = 256


class ExtractError(Exception):
    """A problem that stops the run before or while it writes: the output is not committed."""


def output_format(path: str | None, given: str | None) -> str:
    """``csv``, ``parquet`` or ``jsonl``: ``--format`` when given, else the output's suffix (JSONL on standard
    output, which cannot take Parquet)."""
    suffix = Path(path).suffix.lower() if path not in (None, "-") else ""
    fmt = given or {".csv": "csv", ".parquet": "parquet"}.get(suffix, "jsonl")
    if fmt == "parquet" and path in (None, "-"):
        raise ExtractError("Parquet output needs a file: give -o OUT.parquet")
    return fmt


def refuse_same_file(input_path: str, output: str | None) -> None:
    """Raise :class:`ExtractError` when the output would overwrite the input (also through a link)."""
    if output in (None, "-") or input_path == "-":
        return
    out, source = Path(output), Path(input_path)
    if source.is_dir():
        inside = out.resolve().parent == source.resolve() and out.suffix.lower() == ".txt"
        if inside:
            raise ExtractError(f"{output}: the output would be read as one of the input folder's notes")
        return
    if (out.exists() and source.exists() and os.path.samefile(out, source)) or out.resolve() == source.resolve():
        raise ExtractError(f"{output}: the output is the input file; choose another -o")


@contextmanager
def atomic_output(path: str | None) -> Iterator[IO[str]]:
    """A text stream for ``path`` ("-" or None: standard output) that appears under its name only when the
    block ends without an exception."""
    if path in (None, "-"):
        yield sys.stdout
        return
    final = Path(path)
    partial = final.with_name(f".{final.name}.partial")
    try:
        handle = partial.open("w", encoding="utf-8", newline="")
    except OSError as error:
        raise ExtractError(f"{path}: cannot be written ({error.strerror or type(error).__name__})") from None
    try:
        with handle:
            yield handle
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, final)


class Writer:
    """Writes output records in one format: a JSON object per line, or a CSV row per record."""

    def __init__(self, out: IO[str], fmt: str):
        self.out, self.fmt = out, fmt
        self.csv: csv.DictWriter | None = None
        self.parquet = None
        if fmt == "parquet":  # extractor/io/parquet.py (pyarrow): binary, on the text stream's buffer
            from extractor.io.parquet import ParquetRows
            self.parquet = ParquetRows(out.buffer)

    def close(self) -> None:
        """Finish the output (a Parquet file's last rows and footer)."""
        if self.parquet is not None:
            self.parquet.close()

    def write(self, record: dict, row: dict) -> None:
        """``record`` as a JSON line, or ``row`` (flat) as a CSV row or a Parquet row."""
        if self.parquet is not None:
            self.parquet.write(row)
            return
        if self.fmt == "csv":
            if self.csv is None:
                self.csv = csv.DictWriter(self.out, fieldnames=list(row))
                self.csv.writeheader()
            self.csv.writerow(row)
            return
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def write_note(self, note: Note, result) -> None:
        """One note's SPEC section 4 record, each span with its text."""
        record = {"id": note.id, **result.to_dict()}
        record["spans"] = [{**span, "text": finding.text} for span, finding in zip(record["spans"], result.findings)]
        self.write(record, {"id": note.id, **result.to_row()})


def _say(kind: str, message: str) -> None:
    print(f"mri-indication: {kind}: {message}", file=sys.stderr)


def _is_date(value: str) -> bool:
    try:
        parse_note_date(value)
    except ValueError:
        return False
    return True


def _analyse(batch: list[Note], analyse) -> list[tuple[Note, object]]:
    """``(note, result or exception)`` for each note; a batch that fails is retried note by note, so a
    pipeline error on one note becomes that note's error and the others are still written."""
    try:
        return list(zip(batch, analyse(batch)))
    except Exception as error:  # noqa: BLE001 - one note's failure must not lose the others
        if len(batch) == 1:
            return [(batch[0], error)]
        return [pair for note in batch for pair in _analyse([note], analyse)]


def checked(item: Note | InputError, date_field: str) -> Note | None:
    """The note to analyse, after its warnings are reported (a date that is not ISO is dropped); None, reported,
    for a record that could not be read or a note over :data:`MAX_NOTE_CHARS`."""
    if isinstance(item, InputError):
        _say("skipped", str(item))
        return None
    for warning in item.warnings:
        _say("warning", f"{item.source}:{item.line}: text: {warning} (id {item.id})")
    if item.note_date is not None and not _is_date(item.note_date):
        _say("warning", f"{item.source}:{item.line}: {date_field}: not an ISO date or datetime; the note is read "
                        f"without a date (id {item.id})")
        item = replace(item, note_date=None)
    if len(item.text) > MAX_NOTE_CHARS:
        _say("skipped", f"{item.source}:{item.line}: text: {len(item.text):,} characters, over the limit of "
                        f"{MAX_NOTE_CHARS:,} (id {item.id})")
        return None
    if not item.text.strip():
        _say("warning", f"{item.source}:{item.line}: text: empty note, decided from nothing (id {item.id})")
    return item


def run(items: Iterable[Note | InputError], writer: Writer, analyse, date_field: str = "note_date") -> tuple[int, int]:
    """Analyse the good notes, write one record each, report the others. Returns (written, skipped).

    ``analyse`` maps a list of notes to their results, in order. A date that is not ISO is warned about
    and dropped (the note is still analysed)."""
    written = skipped = 0
    buffered: list[Note] = []

    def flush() -> None:
        nonlocal written, skipped
        for note, result in _analyse(buffered, analyse):
            if isinstance(result, Exception):
                # the exception's text is not printed: it may quote the note
                _say("skipped", f"{note.source}:{note.line}: text: the pipeline failed ({type(result).__name__})"
                                + (f" (id {note.id})" if note.id else ""))
                skipped += 1
                continue
            writer.write_note(note, result)
            written += 1
        buffered.clear()

    for item in items:
        item = checked(item, date_field)
        if item is None:
            skipped += 1
            continue
        buffered.append(item)
        if len(buffered) >= BATCH:
            flush()
    if buffered:
        flush()
    return written, skipped


def run_patients(items: Iterable[Note | InputError], writer: Writer, analyse, date_field: str, patient_field: str,
                 as_of_field: str | None = None) -> tuple[int, int, int]:
    """Patient mode (SPEC section 6): group the notes by ``Note.extra[0]`` (the patient field; ``extra[1]`` is
    the order date when ``as_of_field`` is given), analyse them, write one record per patient.

    Returns (patients written, patients skipped, notes skipped). A note that cannot be read is reported and
    left out; a patient is skipped, and reported, when one of its notes fails in the pipeline, when two of its
    notes share an id, or when its notes disagree on the order date or give one that is not ISO.
    """
    from extractor.component import parse_note_date
    from extractor.patients import PatientNote, combine

    groups: dict[str, list[Note]] = {}
    notes_skipped = 0
    for item in items:
        note = checked(item, date_field)
        if note is not None and note.extra[0] is None:
            _say("skipped", f"{note.source}:{note.line}: {patient_field}: missing (id {note.id})")
            note = None
        if note is None:
            notes_skipped += 1
            continue
        groups.setdefault(note.extra[0], []).append(note)
    flat = [note for notes in groups.values() for note in notes]
    results = [pair for start in range(0, len(flat), BATCH) for pair in _analyse(flat[start:start + BATCH], analyse)]
    analysed = iter(results)
    written = patients_skipped = 0
    for patient, notes in groups.items():
        pairs = [next(analysed) for _ in notes]
        problem = _patient_problem(pairs, as_of_field)
        as_of = None
        if problem is None and as_of_field:
            given = next((note for note in notes if note.extra[1] is not None), None)
            try:
                as_of = parse_note_date(given.extra[1]) if given else None
            except ValueError:
                problem = f"{as_of_field}: not an ISO date or datetime ({given.source}:{given.line})"
        if problem is not None:
            _say("skipped", f"patient {patient}: {problem}; the patient is skipped")
            patients_skipped += 1
            continue
        result = combine([PatientNote.from_result(note.id, parse_note_date(note.note_date), r) for note, r in pairs],
                         as_of)
        if result.ignored_notes:
            _say("warning", f"patient {patient}: notes dated after the order date are left out: "
                            f"{', '.join(result.ignored_notes)}")
        text_of = {note.id: note.text for note in notes}
        record = {"patient_id": patient, **result.to_dict()}
        for items_ in record["evidence"].values():
            for item in items_:
                item["text"] = text_of[item["note_id"]][item["start"]:item["end"]]
        writer.write(record, {"patient_id": patient, **result.to_row()})
        written += 1
    return written, patients_skipped, notes_skipped


def _patient_problem(pairs: list[tuple[Note, object]], as_of_field: str | None) -> str | None:
    """Why a patient cannot be decided (a note the pipeline failed on, a repeated note id, order dates that
    differ), naming ids and lines only; None when it can."""
    failed = next(((note, result) for note, result in pairs if isinstance(result, Exception)), None)
    if failed:
        note, error = failed
        return f"the pipeline failed on note {note.id} ({note.source}:{note.line}, {type(error).__name__})"
    lines: dict[str, int] = {}
    for note, _ in pairs:
        if note.id in lines:
            return f"note id {note.id} is on lines {lines[note.id]} and {note.line}"
        lines[note.id] = note.line
    if as_of_field and len({note.extra[1] for note, _ in pairs if note.extra[1] is not None}) > 1:
        return f"{as_of_field}: its notes give different order dates (lines {', '.join(str(n.line) for n, _ in pairs)})"
    return None
