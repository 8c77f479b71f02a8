"""Shared builders for hand-made SPEC section 4 records."""
from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:  # run from anywhere, without installing the project
    sys.path.insert(0, ROOT)


def span(start: int, end: int, label: str, **attributes) -> dict:
    """A span; attributes are the assertion booleans, ``value`` or ``response``."""
    return {"start": start, "end": end, "label": label, **attributes}


def note(note_id: str, spans=(), indication="not_indicated", suspected=(), contrast=None, coverage=None,
         age=None, duration=None, text="." * 100, criteria=None) -> dict:
    """A record with the given spans and decision; absent values are null."""
    return {
        "id": note_id, "text": text, "spans": list(spans), "age": age, "symptom_duration_days": duration,
        "decision": {"indication": indication, "suspected": list(suspected), "contrast": contrast,
                     "coverage": coverage, "criteria": dict(criteria or {}), "missing": [], "warnings": [],
                     "alternative": None},
    }


@pytest.fixture
def make():
    """The record builders: ``make.note(...)`` and ``make.span(...)``."""
    return SimpleNamespace(note=note, span=span)
