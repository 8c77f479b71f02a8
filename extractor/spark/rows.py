"""The columns Spark adds, as plain Python: a result as a row, and a row back as its SPEC record.

Nothing here imports pyspark: the worker (:mod:`.worker`) fills these rows and the driver (:mod:`.frames`)
declares their Spark types from :data:`NOTE_COLUMNS` and :data:`PATIENT_COLUMNS`. ``record_from_row`` and
``patient_record_from_row`` rebuild ``Result.to_dict()`` and ``PatientResult.to_dict()`` from a row, so a row
can be checked field for field against the local API, and the command line writes the same records on both
engines.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from ..schema import ASSERTIONS, CRITERIA, VALUE_LABELS, group_of

#: A finding as a struct: its label, offsets (end exclusive), assertions, value (days or years) and response.
FINDING_FIELDS = ("label", "start", "end", *ASSERTIONS, "value", "response")
#: The decision (SPEC section 3) as columns; ``criteria_<name>`` as in ``Result.to_row``.
DECISION_COLUMNS = ("indication", "suspected", "contrast", "coverage", *(f"criteria_{c}" for c in CRITERIA),
                    "missing", "warnings", "alternative", "reason")
#: What ``analyze_notes`` adds to each input row.
#: ``awaiting_age``: plain falls the note could not check for want of an age (``Result.awaiting_age``), kept so
#: that the patient level on Spark sees what the local one sees.
NOTE_COLUMNS = (*DECISION_COLUMNS, "age", "symptom_duration_days", "findings", "awaiting_age", "error")
#: What ``analyze_patients`` gives per patient, after the patient column.
PATIENT_COLUMNS = ("as_of", "episode_start", "episode_end", "episode_note_ids", "undated_notes", "ignored_notes",
                   *DECISION_COLUMNS, "age", "symptom_duration_days", "evidence", "error")
#: One mention behind a suspected condition or a criterion.
EVIDENCE_FIELDS = ("note_id", "note_date", "label", "start", "end")
LIST_COLUMNS = frozenset({"suspected", "missing", "warnings"})


def decision_columns(decision) -> dict[str, Any]:
    """The decision's columns (lists stay lists: they are ``array<string>`` in Spark)."""
    row = {"indication": decision.indication, "suspected": list(decision.suspected),
           "contrast": decision.contrast, "coverage": decision.coverage}
    row.update({f"criteria_{name}": decision.criteria[name] for name in CRITERIA})
    row.update({"missing": list(decision.missing), "warnings": list(decision.warnings),
                "alternative": decision.alternative, "reason": decision.reason})
    return row


def note_row(result) -> dict[str, Any]:
    """The columns of one analysed note (:class:`extractor.Result`)."""
    return {**decision_columns(result.decision), "age": result.age,
            "symptom_duration_days": result.symptom_duration_days,
            "findings": [{name: getattr(finding, name) for name in FINDING_FIELDS} for finding in result.findings],
            "awaiting_age": [{name: getattr(finding, name) for name in FINDING_FIELDS}
                             for finding in result.awaiting_age],
            "error": None}


def error_row(columns: tuple[str, ...], error: str) -> dict[str, Any]:
    """Every column null but ``error``."""
    return {**dict.fromkeys(columns), "error": error}


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


def patient_row(result) -> dict[str, Any]:
    """The columns of one patient (:class:`extractor.patients.PatientResult`)."""
    return {"as_of": _iso(result.as_of), "episode_start": _iso(result.episode_start),
            "episode_end": _iso(result.episode_end), "episode_note_ids": list(result.episode),
            "undated_notes": list(result.undated_notes), "ignored_notes": list(result.ignored_notes),
            **decision_columns(result.decision), "age": result.age,
            "symptom_duration_days": result.symptom_duration_days,
            "evidence": {name: [item.to_dict() for item in items] for name, items in result.evidence.items()},
            "error": None}


def _decision_record(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"indication": row["indication"], "suspected": list(row["suspected"]), "contrast": row["contrast"],
            "coverage": row["coverage"], "criteria": {name: row[f"criteria_{name}"] for name in CRITERIA},
            "missing": list(row["missing"]), "warnings": list(row["warnings"]), "alternative": row["alternative"],
            "reason": row["reason"]}


def _as_dict(item: Any) -> dict[str, Any]:
    """A struct as a dict (a Spark ``Row`` or a mapping)."""
    return item.asDict() if hasattr(item, "asDict") else dict(item)


def span_record(finding: Mapping[str, Any]) -> dict[str, Any]:
    """A finding struct as its SPEC section 4 span (``Finding.to_dict``)."""
    record = {"start": finding["start"], "end": finding["end"], "label": finding["label"]}
    record.update({name: finding[name] for name in ASSERTIONS})
    if group_of(finding["label"]) == "treatment":
        record["response"] = finding["response"]
    if finding["label"] in VALUE_LABELS:
        record["value"] = finding["value"]
    return record


def record_from_row(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """``Result.to_dict()`` rebuilt from a row of ``analyze_notes`` (None for a row with an error)."""
    if row["error"] is not None:
        return None
    return {"spans": [span_record(_as_dict(f)) for f in row["findings"]], "age": row["age"],
            "symptom_duration_days": row["symptom_duration_days"], "decision": _decision_record(row)}


def patient_record_from_row(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """``PatientResult.to_dict()`` rebuilt from a row of ``analyze_patients`` (None for a row with an error)."""
    if row["error"] is not None:
        return None
    evidence = dict(row["evidence"] or {})
    return {"decision": _decision_record(row), "as_of": row["as_of"],
            "episode": {"start": row["episode_start"], "end": row["episode_end"],
                        "note_ids": list(row["episode_note_ids"])},
            "undated_notes": list(row["undated_notes"]), "ignored_notes": list(row["ignored_notes"]),
            "age": row["age"], "symptom_duration_days": row["symptom_duration_days"],
            "evidence": {name: [_as_dict(item) for item in items] for name, items in evidence.items()}}


def result_from_row(row: Mapping[str, Any], text: str):
    """The :class:`extractor.Result` of a row of ``analyze_notes`` whose note is ``text`` (each finding's
    ``text`` is its span of ``text``, lone surrogates read as U+FFFD as ``analyze`` reads them)."""
    from ..api import _validate_text
    from ..decision import Decision
    from ..findings import Finding
    from ..result import Result

    if row["error"] is not None:
        raise ValueError(f"the row was not analysed: {row['error']}")
    text = _validate_text(text)
    def findings(column: str) -> tuple:
        return tuple(Finding(**{name: f[name] for name in FINDING_FIELDS}, text=text[f["start"]:f["end"]])
                     for f in map(_as_dict, row[column] or ()))

    decision = Decision(**{**_decision_record(row), "reason": row["reason"]})
    return Result(findings("findings"), row["age"], row["symptom_duration_days"], decision, findings("awaiting_age"))
