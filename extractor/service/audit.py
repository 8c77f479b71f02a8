"""What the service did: ratings, indications, outcomes, and what clinicians made of the cards.

:func:`summary` counts, from the store, consultations by outcome, rating and indication, and feedback by
outcome and override reason; :func:`rows` gives the same as ``(section, key, count)`` rows for CSV.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from .store import Store


def summary(store: Store, since: dt.date | None = None) -> dict[str, Any]:
    """Counts over the consultations made on or after ``since`` (all, by default) and their feedback."""
    consults = store.consultations_since(since)
    feedback = store.feedback_since(since)
    reasons = Counter(f"{f['override_code']} ({f['override_display']})" if f["override_display"] else f["override_code"]
                      for f in feedback if f["outcome"] == "overridden" and f["override_code"])
    overridden_without_reason = sum(1 for f in feedback if f["outcome"] == "overridden" and not f["override_code"])
    if overridden_without_reason:
        reasons["(no reason given)"] = overridden_without_reason
    return {
        "since": since.isoformat() if since else None,
        "consultations": len(consults),
        "outcome": dict(Counter(c["outcome"] for c in consults)),
        "rating": dict(Counter(c["rating"] for c in consults if c["rating"])),
        "indication": dict(Counter(c["indication"] for c in consults if c["indication"])),
        "feedback": dict(Counter(f["outcome"] for f in feedback)),
        "override_reasons": dict(reasons.most_common()),
        "overridden_by_rating": dict(Counter(_rating_of(consults, f["consult_id"]) for f in feedback
                                             if f["outcome"] == "overridden")),
    }


def _rating_of(consults: list[dict[str, Any]], consult_id: str) -> str:
    return next((c["rating"] or c["outcome"] for c in consults if c["consult_id"] == consult_id), "unknown")


def rows(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    """The summary as ``(section, key, count)`` rows."""
    found = [("consultations", "total", report["consultations"])]
    for section in ("outcome", "rating", "indication", "feedback", "override_reasons", "overridden_by_rating"):
        found += [(section, key, count) for key, count in report[section].items()]
    return found


def text(report: dict[str, Any]) -> str:
    """The summary for a terminal."""
    lines = [f"consultations: {report['consultations']}" + (f" since {report['since']}" if report["since"] else "")]
    for section in ("outcome", "rating", "indication", "feedback", "override_reasons", "overridden_by_rating"):
        values = report[section]
        lines.append(f"{section.replace('_', ' ')}:" + ("" if values else " none"))
        lines += [f"  {key}: {count}" for key, count in values.items()]
    return "\n".join(lines)
