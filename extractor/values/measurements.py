"""Value checks named by target rules (``metadata.check``).

A check reads the matched text with a pure function of
:mod:`extractor.values.normalize`. Boolean checks decide whether the measurement
is abnormal: an abnormal value keeps the finding, a normal one negates it
("T 37.2" is a negated fever, "5/5 throughout" a negated weakness), and an
unreadable one drops the match. Value checks store the number.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from . import normalize

#: check name -> function(text) -> True (abnormal) / False (normal) / None (unreadable)
ABNORMALITY_CHECKS: dict[str, Callable[[str], bool | None]] = {
    "temperature": normalize.is_fever,
    "inflammatory_marker": normalize.inflammatory_marker_elevated,
    "strength": normalize.is_weak,
    "reflex": normalize.reflex_abnormal,
}
#: checks that need the whole note: a plain fall is significant trauma only over 65 or with osteoporosis (SPEC)
NOTE_CHECKS = ("elderly_fall", "spinal_stay")
#: a note that names one of these describes a spinal procedure (its own, or a past one)
SPINAL_PROCEDURE_LABELS = frozenset({"prior_lumbar_surgery", "epidural_steroid_injection", "recent_spinal_procedure"})
ELDERLY_FALL_AGE = 65
RECENT_PROCEDURE_DAYS = 42  # SPEC: a spinal surgery or injection within the last 6 weeks
#: checks that decide whether a match exists, not what it says (run before overlaps are pruned): a procedure
#: dated within six weeks, a strength grade that fell
EXISTENCE_CHECKS = frozenset({"recent_date", "strength_decline"})


def read_value(check: str, text: str, note_date: dt.date | None) -> tuple[bool, dict]:
    """Apply ``check`` to ``text``: (keep the finding?, attribute changes)."""
    if check in ABNORMALITY_CHECKS:
        abnormal = ABNORMALITY_CHECKS[check](text)
        if abnormal is None:
            return False, {}
        return True, ({} if abnormal else {"negated": True})
    if check == "duration":
        days = normalize.duration_days(text, note_date)
        return days is not None, {"value": days}
    if check == "recent_date":  # "L4-5 ESI on 4/21": recent only when the note date says so
        days = normalize.days_before(text, note_date)
        return days is not None and 0 <= days <= RECENT_PROCEDURE_DAYS, {}
    if check == "strength_decline":  # "went from 4/5 to 2/5": progressive only when the grade fell
        return normalize.strength_declined(text) is True, {}
    if check == "age":
        years = normalize.age_years(text)
        return years is not None, {"value": years}
    if check in NOTE_CHECKS:
        return True, {"note_check": check}
    raise ValueError(f"unknown check {check!r} in a target rule's metadata")


def awaiting_age(findings: list, age: int | None) -> list:
    """The plain falls ``apply_note_checks`` drops only because the note gives no age (and no osteoporosis):
    the patient level (SPEC section 6) checks them again with the age another note gives."""
    if age is not None or any(f.label == "osteoporosis" and f.present for f in findings):
        return []
    return [f for f in findings if f.note_check == "elderly_fall"]


def apply_note_checks(findings: list, age: int | None) -> list:
    """Drop findings whose note-level check fails: a plain fall at 65 or younger without osteoporosis
    (``elderly_fall``); an operation told in a hospital course, unless the note names a spinal procedure
    (``spinal_stay``: "he underwent an uncomplicated surgical procedure" in a spine discharge summary)."""
    osteoporosis = any(f.label == "osteoporosis" and f.present for f in findings)
    elderly = (age is not None and age > ELDERLY_FALL_AGE) or osteoporosis
    spinal = any(f.label in SPINAL_PROCEDURE_LABELS and f.note_check != "spinal_stay" for f in findings)
    return [f for f in findings
            if (f.note_check != "elderly_fall" or elderly)
            and (f.note_check != "spinal_stay" or (spinal and f.section == "hospital_course"))]
