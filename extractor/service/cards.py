"""The cards the EHR shows (SPEC section 7): one per rated order, by indication, quoting the evidence.

A card shows the reason of SPEC section 3, then each suspected condition or criterion with the note date and
the quoted span that decided it; it never shows more note text than those spans.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..decision import CONDITION_NAMES, CRITERION_NAMES
from ..patients import PatientResult
from .cds import Card, Coding, Source, Suggestion

SOURCE = Source(label="mri-indication: lumbar spine MRI appropriateness (ACR / NICE low back pain criteria)")
INDICATORS = {"urgent": "critical", "indicated": "info", "not_indicated": "warning"}
OVERRIDE_SYSTEM = "urn:mri-indication:override-reason"
#: offered on a not-appropriate card; the feedback names the one chosen
OVERRIDE_REASONS = (
    Coding(system=OVERRIDE_SYSTEM, code="documented-elsewhere",
           display="The missing criteria are documented outside these notes"),
    Coding(system=OVERRIDE_SYSTEM, code="clinical-judgment", display="Clinical judgment: imaging is needed now"),
    Coding(system=OVERRIDE_SYSTEM, code="specialist-request", display="Requested by the treating specialist"),
    Coding(system=OVERRIDE_SYSTEM, code="patient-specific", display="Patient-specific circumstances"),
)
MAX_QUOTE = 200  # characters of one evidence span shown on a card
CONTRAST = {"without": "without contrast", "with": "with contrast",
            "with_and_without": "without and with contrast"}
COVERAGE = {"lumbar": "lumbar spine", "complete_spine": "complete spine"}


def _quote(text: str) -> str:
    """A span for Markdown: one line, no emphasis or code marks, at most MAX_QUOTE characters."""
    flat = " ".join(text.split())
    if len(flat) > MAX_QUOTE:
        flat = flat[:MAX_QUOTE - 1] + "…"
    return "“" + flat.replace("*", "\\*").replace("_", "\\_").replace("`", "\\`") + "”"


def _evidence_lines(result: PatientResult, texts: Mapping[str, str]) -> list[str]:
    lines = []
    for name, items in result.evidence.items():
        title = (f"Suspected {CONDITION_NAMES[name]}" if name in CONDITION_NAMES
                 else CRITERION_NAMES.get(name, name).capitalize())
        if name in CRITERION_NAMES:
            title += " (yes" if result.decision.criteria.get(name) else " (no"
            if name == "duration_6_weeks" and result.symptom_duration_days is not None:
                title += f": {result.symptom_duration_days // 7} weeks by the order date, counted from"
            title += ")"
        cited = []
        for item in items:
            text = texts.get(item.note_id, "")
            date = item.note_date.isoformat() if item.note_date else "undated"
            cited.append(f"{date} ({item.note_id}): {_quote(text[item.start:item.end])}")
        lines.append(f"- **{title}**" + (": " + "; ".join(cited) if cited else ""))
    return lines


def protocol_name(contrast: str, coverage: str) -> str:
    return f"MRI {COVERAGE[coverage]} {CONTRAST[contrast]}"


def indication_card(result: PatientResult, texts: Mapping[str, str], consult_uuid: str,
                    suggestions: list[Suggestion]) -> Card:
    """The card for a rated order: critical (urgent), info (indicated) or warning (not indicated)."""
    decision = result.decision
    if decision.indication == "urgent":
        suspected = ", ".join(CONDITION_NAMES[c] for c in decision.suspected)
        summary = f"Lumbar MRI appropriate, urgent: suspected {suspected}"
    elif decision.indication == "indicated":
        summary = "Lumbar MRI appropriate: the six-week criteria are documented"
    else:
        summary = (f"Lumbar MRI not appropriate yet: {len(decision.missing)} of 4 six-week criteria "
                   "not documented")
    detail = [decision.reason, ""]
    if decision.contrast:
        detail.append(f"Protocol: {protocol_name(decision.contrast, decision.coverage)}.")
    detail += _evidence_lines(result, texts)
    if decision.missing:
        detail.append("")
        detail.append("Not documented: " + "; ".join(CRITERION_NAMES[m] for m in decision.missing) + ".")
    if decision.warnings:
        detail.append("")
        detail.append("MRI safety: " + ", ".join(w.replace("_", " ") for w in decision.warnings) + ".")
    detail.append("")
    detail.append(f"Decided from {len(result.episode) + len(result.undated_notes)} note(s) as of "
                  f"{result.as_of.isoformat() if result.as_of else 'today'}.")
    return Card(uuid=consult_uuid, summary=_short(summary), detail="\n".join(detail).strip(),
                indicator=INDICATORS[decision.indication], source=SOURCE,
                suggestions=suggestions or None, selectionBehavior="at-most-one" if suggestions else None,
                overrideReasons=list(OVERRIDE_REASONS) if decision.indication == "not_indicated" else None)


def info_card(summary: str, detail: str, uuid: str | None = None) -> Card:
    """A card that rates nothing: what is needed, or why no rating could be made."""
    return Card(uuid=uuid, summary=_short(summary), detail=detail, indicator="info", source=SOURCE)


def _short(summary: str) -> str:
    return summary if len(summary) < 140 else summary[:138] + "…"


def as_json(card: Card) -> dict[str, Any]:
    return card.model_dump(exclude_none=True)
