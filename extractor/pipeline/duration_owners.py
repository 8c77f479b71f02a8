"""Durations that belong to something other than the pain (``patterns/duration_owners.json``).

SPEC's ``symptom_duration`` is how long the presenting back or leg pain has
lasted, and a note's longest one decides the six-week rule. A duration right
after another finding ("prednisone x 4 years"), a comorbidity ("DM2 x 10 yrs")
or inside a past-history list is that thing's own, and is dropped.
"""
from __future__ import annotations

import re

from ..note import Note
from ..schema import group_of
from .targets import Target


class DurationOwners:
    """Drop a ``symptom_duration`` that belongs to something else: SPEC's duration is how long the back
    or leg pain has lasted. The settings, and what each one means, are ``patterns/duration_owners.json``."""

    def __init__(self, settings: dict):
        self.labels = frozenset(settings.get("owner_labels", ()))
        self.groups = frozenset(settings.get("owner_groups", ()))
        self.max_gap = int(settings.get("max_gap_chars", 30))
        self.gap_stops = re.compile(settings["gap_stops"], re.IGNORECASE)
        self.pain_after = re.compile(settings["pain_after"], re.IGNORECASE)
        self.terms = re.compile(settings["owner_terms"], re.IGNORECASE) if settings.get("owner_terms") else None
        self.after = re.compile(settings["owner_after"], re.IGNORECASE) if settings.get("owner_after") else None
        self.sections = frozenset(settings.get("owner_sections", ()))
        self.pain_before = re.compile(settings["pain_before"], re.IGNORECASE) if settings.get("pain_before") else None

    def owns(self, label: str) -> bool:
        return label in self.labels or group_of(label) in self.groups

    def __call__(self, note: Note, targets: list[Target]) -> list[Target]:
        """``targets`` (in text order) without the durations something else owns."""
        if not any(t.label == "symptom_duration" for t in targets):
            return targets
        kept = []
        for index, target in enumerate(targets):
            if target.label == "symptom_duration" and (
                    (index and self._owned_by_finding(targets[index - 1], target, note))
                    or self._owned_by_context(target, note)):
                continue
            kept.append(target)
        return kept

    def _owned_by_finding(self, before: Target, target: Target, note: Note) -> bool:
        """A finding that owns a duration ("prednisone x 4 years") stands right before it, in its sentence."""
        text, sentence = note.text, note.sentence_of
        gap = text[before.end_char:target.start_char]
        return (self.owns(before.label) and sentence[before.start] == sentence[target.start]
                and before.end_char <= target.start_char and len(gap) <= self.max_gap
                and not self.gap_stops.search(gap)
                and not self.pain_after.match(text, target.end_char, target.end_char + 60))

    def _owned_by_context(self, target: Target, note: Note) -> bool:
        """A comorbidity named right before or after the duration, or a history list with no pain word on its line."""
        text = note.text
        line_start = text.rfind("\n", 0, target.start_char) + 1
        before = text[max(line_start, target.start_char - 60):target.start_char]
        if self.pain_after.match(text, target.end_char, target.end_char + 60):
            return False
        if self.after is not None and self.after.match(text, target.end_char, target.end_char + 60):
            return True  # "longstanding history of AF", "long-standing HTN"
        if self.terms is not None:
            term = self.terms.search(before)
            if term is not None and not self.gap_stops.search(term.group("filler")):
                return True  # "DM2 x 10 yrs", "smoker for 30 years"
        if self.sections and self.pain_before is not None:
            section = note.section_at(target.start_char)
            if section is not None and section.category in self.sections and not self.pain_before.search(before):
                return True  # a past-history or medication list: "GERD, hypothyroid (20 yrs)"
        return False
