"""Read and validate gold annotation files (SPEC.md section 4).

Every problem is reported as a :class:`GoldError` naming the file, the line
and the field, so a broken annotation is found in seconds.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..decision import decide
from ..findings import Finding
from ..schema import ASSERTIONS, INDICATIONS, LABELS, RESPONSES, VALUE_LABELS, group_of

#: A misspelt label is shown back to the annotator; anything else that is not a label is not (it may be text).
_LABEL_SHAPE = re.compile(r"[a-z_]{1,40}")


class GoldError(ValueError):
    """A problem in a gold file, located by file, line and field."""

    def __init__(self, path: str | Path, line: int, field: str, problem: str):
        self.path, self.line, self.field, self.problem = str(path), line, field, problem
        super().__init__(f"{path}:{line}: {field}: {problem}")


def _check_span(span: Any, index: int, text: str, path: str | Path, line: int) -> list[GoldError]:
    where = f"spans[{index}]"
    if not isinstance(span, dict):
        return [GoldError(path, line, where, "must be an object")]
    errors = []
    label = span.get("label")
    if label not in LABELS:
        shown = f" {label!r}" if isinstance(label, str) and _LABEL_SHAPE.fullmatch(label) else ""
        errors.append(GoldError(path, line, f"{where}.label", f"unknown label{shown}"))
    start, end = span.get("start"), span.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        errors.append(GoldError(path, line, f"{where}.start/end", "must be integers"))
    elif not 0 <= start < end <= len(text):
        errors.append(GoldError(path, line, f"{where}.start/end",
                                f"offsets {start}-{end} are outside the text (length {len(text)})"))
    for name in ASSERTIONS:
        if name in span and not isinstance(span[name], bool):
            errors.append(GoldError(path, line, f"{where}.{name}", "must be true or false"))
    if span.get("response") is not None:
        if span["response"] not in RESPONSES:
            errors.append(GoldError(path, line, f"{where}.response", f"must be one of {RESPONSES} or null"))
        elif label in LABELS and group_of(label) != "treatment":
            errors.append(GoldError(path, line, f"{where}.response", f"only treatments carry a response, not {label}"))
    if label in VALUE_LABELS and span.get("value") is not None and not isinstance(span["value"], (int, float)):
        errors.append(GoldError(path, line, f"{where}.value", "must be a number"))
    return errors


def validate_record(record: Any, path: str | Path, line: int, check_decision: bool = True) -> list[GoldError]:
    """All problems of one gold record (an empty list when it is valid)."""
    if not isinstance(record, dict):
        return [GoldError(path, line, "record", "must be a JSON object")]
    errors = []
    if not isinstance(record.get("id"), (str, int)) or record.get("id") in ("", None):
        errors.append(GoldError(path, line, "id", "missing or empty"))
    text = record.get("text")
    if not isinstance(text, str):
        return errors + [GoldError(path, line, "text", "missing or not a string")]
    spans = record.get("spans", [])
    if not isinstance(spans, list):
        return errors + [GoldError(path, line, "spans", "must be a list")]
    for index, span in enumerate(spans):
        errors.extend(_check_span(span, index, text, path, line))
    decision = record.get("decision")
    if decision is not None and (not isinstance(decision, dict) or decision.get("indication") not in INDICATIONS):
        errors.append(GoldError(path, line, "decision.indication", f"must be one of {INDICATIONS}"))
    if check_decision and not errors and isinstance(decision, dict):
        expected = decide([Finding.from_dict(s) for s in spans]).to_dict()
        for key in ("indication", "suspected", "contrast", "coverage", "criteria", "missing", "warnings",
                    "alternative"):
            if key in decision and decision[key] != expected[key]:
                errors.append(GoldError(path, line, f"decision.{key}",
                                        f"{decision[key]!r} disagrees with SPEC section 3 on the spans "
                                        f"({expected[key]!r})"))
    return errors


def _records(path: str | Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed JSON or :class:`GoldError`) for each non-blank line. Lines are decoded one
    by one, so a bad line is reported with its own number and the next line is still read."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as error:
        yield 0, GoldError(path, 0, "file", error.strerror or type(error).__name__)
        return
    with handle:
        for line_number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                yield line_number, GoldError(path, line_number, "encoding", f"not UTF-8 (byte {error.start + 1} "
                                                                            "of the line)")
                continue
            if not line.strip():
                continue
            try:
                yield line_number, json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as error:
                yield line_number, GoldError(path, line_number, "json", f"invalid JSON: {error.msg} "
                                                                        f"(column {error.colno})")
            except RecursionError:
                yield line_number, GoldError(path, line_number, "json", "invalid JSON: nested too deeply")


@dataclass
class GoldCheck:
    """The outcome of checking a gold file."""

    n_records: int
    errors: list[GoldError]
    without_decision: int = 0  # records whose decision ``evaluate`` derives from the spans


def check_file(path: str | Path, check_decision: bool = True) -> GoldCheck:
    """Validate every record of a gold file, reporting every problem with its line."""
    errors: list[GoldError] = []
    seen: dict[str, int] = {}
    n_records = without_decision = 0
    for line, record in _records(path):
        if isinstance(record, GoldError):
            errors.append(record)
            continue
        n_records += 1
        without_decision += isinstance(record, dict) and record.get("decision") is None
        errors.extend(validate_record(record, path, line, check_decision))
        note_id = record.get("id") if isinstance(record, dict) else None
        if isinstance(note_id, (str, int)) and not isinstance(note_id, bool) and note_id != "":
            key = str(note_id)
            if key in seen:
                errors.append(GoldError(path, line, "id", f"duplicate id (first on line {seen[key]})"))
            else:
                seen[key] = line
    return GoldCheck(n_records, errors, without_decision)


def load_gold(path: str | Path) -> list[dict]:
    """Read a gold file for evaluation; raises the first :class:`GoldError`.

    A record without a ``decision`` gets the one SPEC section 3 derives from its spans (a decision is a
    function of the spans), marked ``"decision_from_spans": true``; a record with neither cannot be scored."""
    records = []
    for line, record in _records(path):
        if isinstance(record, GoldError):
            raise record
        errors = validate_record(record, path, line, check_decision=False)
        if errors:
            raise errors[0]
        if record.get("decision") is None:
            if "spans" not in record:
                raise GoldError(path, line, "decision", "missing, and no spans to derive it from (SPEC section 3)")
            derived = decide([Finding.from_dict(span) for span in record["spans"]]).to_dict()
            record = {**record, "decision": derived, "decision_from_spans": True}
        records.append(record)
    return records
