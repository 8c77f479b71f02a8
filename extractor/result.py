"""The typed result of analysing one note."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping

from .decision import Decision
from .findings import Finding
from .schema import CRITERIA, FINDING_LABELS

_FINDING_FIELDS = tuple(f.name for f in fields(Finding))


@dataclass(frozen=True)
class Result:
    """Findings, age, symptom duration and decision of one note.

    ``to_dict()`` is the SPEC section 4 record: ``spans``, ``age``,
    ``symptom_duration_days`` and ``decision``.
    """

    findings: tuple[Finding, ...]
    age: int | None
    symptom_duration_days: int | None
    decision: Decision
    #: Plain falls left out for want of an age in this note (not in ``to_dict``): the patient level may count them.
    awaiting_age: tuple[Finding, ...] = ()

    @property
    def present_labels(self) -> set[str]:
        """Doc-level findings: labels with at least one present mention."""
        return {f.label for f in self.findings if f.present and f.label in FINDING_LABELS}

    def to_dict(self) -> dict[str, Any]:
        return {
            "spans": [f.to_dict() for f in self.findings],
            "age": self.age,
            "symptom_duration_days": self.symptom_duration_days,
            "decision": self.decision.to_dict(),
        }

    def to_row(self) -> dict[str, Any]:
        """One flat row (:func:`decision_row`) for CSV output and data frames."""
        return decision_row(self.decision, self.age, self.symptom_duration_days, self.present_labels)

    def to_data(self) -> dict[str, Any]:
        """A msgpack/JSON-safe form that keeps every field (used on ``Doc`` extensions).

        Findings are stored as rows, not dicts: medspaCy registers global msgpack
        decoders that take over any dict with a "section" or "modifier" key.
        """
        return {"findings": [[getattr(f, name) for name in _FINDING_FIELDS] for f in self.findings],
                "age": self.age, "symptom_duration_days": self.symptom_duration_days,
                "decision": self.decision.__dict__,
                "awaiting_age": [[getattr(f, name) for name in _FINDING_FIELDS] for f in self.awaiting_age]}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "Result":
        return cls(tuple(Finding(**dict(zip(_FINDING_FIELDS, row))) for row in data["findings"]), data["age"],
                   data["symptom_duration_days"], Decision(**data["decision"]),
                   tuple(Finding(**dict(zip(_FINDING_FIELDS, row))) for row in data.get("awaiting_age", ())))


def decision_row(decision: Decision, age: int | None, duration_days: int | None, present: set[str]) -> dict[str, Any]:
    """A decision as one flat row: its fields (the criteria as ``criteria_<name>``, since one criterion shares
    its name with a label), age and duration, then one column per SPEC finding label (whether it is present).
    Lists are joined with commas."""
    row: dict[str, Any] = {"indication": decision.indication, "suspected": ",".join(decision.suspected),
                           "contrast": decision.contrast, "coverage": decision.coverage, "age": age,
                           "symptom_duration_days": duration_days}
    row.update({f"criteria_{name}": decision.criteria[name] for name in CRITERIA})
    row.update({"missing": ",".join(decision.missing), "warnings": ",".join(decision.warnings),
                "alternative": decision.alternative, "reason": decision.reason})
    row.update({label: label in present for label in FINDING_LABELS})
    return row
