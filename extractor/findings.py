"""Findings: target spans with their assertion attributes (SPEC sections 1-2)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from .schema import ASSERTIONS, RESPONSES, VALUE_LABELS, group_of, is_present


@dataclass(frozen=True)
class Finding:
    """One mention of a SPEC label in a note.

    ``start``/``end`` are character offsets (end exclusive). ``section`` is the
    category of the section the mention is in, when the note has headers.
    ``note_check`` names a rule check that needs the whole note
    (:func:`extractor.measurements.apply_note_checks`).
    """

    label: str
    start: int
    end: int
    text: str = ""
    negated: bool = False
    historical: bool = False
    hypothetical: bool = False
    family: bool = False
    uncertain: bool = False
    response: str | None = None
    value: float | int | None = None
    section: str | None = field(default=None, compare=False)
    note_check: str | None = field(default=None, compare=False)

    @property
    def present(self) -> bool:
        """SPEC section 2: the mention counts for the patient."""
        return is_present(self.label, self.assertions())

    def assertions(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in ASSERTIONS}

    def with_attributes(self, **changes: Any) -> "Finding":
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The SPEC section 4 span record."""
        record: dict[str, Any] = {"start": self.start, "end": self.end, "label": self.label}
        record.update(self.assertions())
        if group_of(self.label) == "treatment":
            record["response"] = self.response
        if self.label in VALUE_LABELS:
            record["value"] = self.value
        return record

    @classmethod
    def from_dict(cls, record: Mapping[str, Any], text: str = "") -> "Finding":
        """Build from a SPEC span record (absent booleans are false)."""
        response = record.get("response")
        if response is not None and response not in RESPONSES:
            raise ValueError(f"response must be one of {RESPONSES} or null, not {response!r}")
        return cls(
            label=record["label"], start=int(record["start"]), end=int(record["end"]),
            text=text[record["start"]:record["end"]] if text else "",
            response=response, value=record.get("value"),
            **{name: bool(record.get(name, False)) for name in ASSERTIONS},
        )
