"""Read and validate gold annotation files (SPEC.md section 4).

Every problem is reported as a :class:`GoldError` naming the file, the line
and the field, so a broken annotation is found in seconds.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..decision import decide
from ..findings import Finding
from ..schema import ASSERTIONS, INDICATIONS, LABELS, RESPONSES, VALUE_LABELS, group_of


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
        errors.append(GoldError(path, line, f"{where}.label", f"unknown label {label!r}"))
    start, end = span.get("start"), span.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        errors.append(GoldError(path, line, f"{where}.start/end", "must be integers"))
    elif not 0 <= start < end <= len(text):
        errors.append(GoldError(path, line, f"{where}.start/end",
                                f"offsets {start}-{end} are outside the text (length {len(text)})"))
    for name in ASSERTIONS:
        if name in span and not isinstance(span[name], bool):
            errors.append(GoldError(path, line, f"{where}.{name}", f"must be true or false, not {span[name]!r}"))
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


def read_jsonl(path: str | Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed JSON) for each non-blank line; bad JSON raises :class:`GoldError`."""
    path = Path(path)
    try:
        handle = path.open("r", encoding="utf-8")
    except OSError as error:
        raise GoldError(path, 0, "file", error.strerror or str(error)) from None
    with handle:
        line_number = 0
        try:
            for line_number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    yield line_number, json.loads(line)
                except json.JSONDecodeError as error:
                    raise GoldError(path, line_number, "json", f"invalid JSON ({error.msg} at column {error.colno})")
        except UnicodeDecodeError as error:
            raise GoldError(path, line_number + 1, "encoding", f"not UTF-8 ({error.reason})") from None


@dataclass
class GoldCheck:
    """The outcome of checking a gold file."""

    n_records: int
    errors: list[GoldError]


def check_file(path: str | Path, check_decision: bool = True) -> GoldCheck:
    """Validate every record of a gold file; bad JSON stops at its line."""
    errors: list[GoldError] = []
    seen: dict[Any, int] = {}
    n_records = 0
    try:
        for line, record in read_jsonl(path):
            n_records += 1
            errors.extend(validate_record(record, path, line, check_decision))
            if isinstance(record, dict) and record.get("id") in seen:
                errors.append(GoldError(path, line, "id", f"duplicate id {record['id']!r} (first on line "
                                                          f"{seen[record['id']]})"))
            elif isinstance(record, dict):
                seen[record.get("id")] = line
    except GoldError as error:
        errors.append(error)
    return GoldCheck(n_records, errors)


def load_gold(path: str | Path) -> list[dict]:
    """Read a gold file for evaluation; raises the first :class:`GoldError` (decisions are not re-derived)."""
    records = []
    for line, record in read_jsonl(path):
        errors = validate_record(record, path, line, check_decision=False)
        if errors:
            raise errors[0]
        records.append(record)
    return records
