"""Turn targets and their ConText modifiers into findings.

Three sources decide a finding's attributes, strongest first:

1. the target rule: its value check (a normal temperature is a negated
   fever) and its fixed ``attributes`` ("afebrile" is a negated fever);
2. the ConText modifiers in its sentence (:data:`context.CATEGORY_ATTRIBUTES`);
3. the default of its section (``patterns/section_context.json``: family
   history -> family, past and social history -> historical, plan /
   instructions -> hypothetical), unless a modifier of a blocking category
   touches it (by default any modifier: explicit context wins).

A treatment with a documented response was tried, so it is never negated
("no relief from PT" is a failed PT, not an absent one).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from spacy.tokens import Doc

from .context import CATEGORY_ATTRIBUTES
from .findings import Finding
from .measurements import read_value
from .schema import LABELS
from .sections import Section, section_at
from .targets import Target


class AssertionResolver:
    """Resolve each target's attributes; see the module docstring for the order."""

    def __init__(self, section_context: Mapping[str, Any]):
        self.section_defaults: dict[str, dict[str, Any]] = dict(section_context["section_defaults"])

    def _section_default(self, label: str, category: str | None, modifiers: list[str]) -> dict[str, bool]:
        default = self.section_defaults.get(category or "")
        if default and modifiers:
            blocking = default.get("unless_modified_by")
            if blocking is None or any(m in blocking for m in modifiers):
                return {}
        group, history_counts = LABELS.get(label, (None, False))  # unknown labels: plain conditions
        if not default or group in default.get("skip_groups", ()):
            return {}
        if default.get("skip_history_counting") and history_counts:
            return {}
        return {default["attribute"]: True}

    def __call__(self, doc: Doc, targets: list[Target], modifiers: list[list[str]],
                 sections: list[Section], note_date: dt.date | None, text: str | None = None) -> list[Finding]:
        starts = [s.start_char for s in sections]
        note_text = doc.text if text is None else text  # Doc.text joins every token: read it once
        findings = []
        for target, categories in zip(targets, modifiers or [[] for _ in targets]):
            section = section_at(sections, starts, target.start_char)
            category = section.category if section else None
            attributes: dict[str, Any] = {}
            for modifier in categories:
                if modifier not in CATEGORY_ATTRIBUTES:
                    continue
                name, value = CATEGORY_ATTRIBUTES[modifier]
                if name == "response":
                    if LABELS.get(target.label, ("",))[0] == "treatment" and attributes.get("response") != "failed":
                        attributes["response"] = value
                else:
                    attributes[name] = value
            attributes.update(self._section_default(target.label, category, categories))
            group = LABELS.get(target.label, (None, False))[0]  # labels outside SPEC are plain conditions
            if attributes.get("response"):
                attributes.pop("negated", None)
            elif group == "candidacy" and target.planned:
                attributes["hypothetical"] = True  # "spine surgery consult if a collection is found"
            elif target.planned and target.label == "prior_lumbar_surgery":
                attributes.pop("uncertain", None)
                attributes["hypothetical"] = True  # "candidate for ESI vs microdiscectomy": not done yet
            elif group == "treatment" and (target.planned or attributes.get("uncertain")):
                # a treatment offered, weighed ("microdiscectomy vs ESI") or named by a candidacy is planned
                attributes.pop("uncertain", None)
                attributes["hypothetical"] = True
            text = note_text[target.start_char:target.end_char]
            if target.check:
                keep, changes = read_value(target.check, text, note_date)
                if not keep:
                    continue
                attributes.update(changes)
            attributes.update(target.attributes or {})
            findings.append(Finding(target.label, target.start_char, target.end_char, text,
                                    section=category, **attributes))
        return findings
