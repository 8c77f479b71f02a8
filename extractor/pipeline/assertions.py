"""Turn targets and their ConText modifiers into findings.

Three sources decide a finding's attributes, strongest first:

1. the target rule: its value check (a normal temperature is a negated
   fever) and its fixed ``attributes`` ("afebrile" is a negated fever);
2. the ConText modifiers in its sentence (:data:`CATEGORY_ATTRIBUTES`; a
   recent time, :data:`CLEARS_HISTORY`, undoes a history cue);
3. the default of its section (``patterns/section_context.json``: family
   history -> family, past and social history -> historical, plan /
   instructions -> hypothetical), unless a modifier of a blocking category
   touches it (by default any modifier: explicit context wins).

Then the label policy (:mod:`extractor.policy`) applies: a treatment with a
documented response was tried, so it is never negated ("no relief from PT"
is a failed PT), a planned or weighed treatment is hypothetical, and a
weakness or numbness getting worse is a progressive deficit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..findings import Finding
from ..note import Note
from ..policy import policy_of
from ..schema import LABELS
from ..values.measurements import read_value
from .context import Modifier
from .targets import Target

#: Modifier category -> (attribute, value). Categories not listed here (for
#: example ``ASSERTED``) modify a target without setting an attribute: they
#: still count as explicit context, which overrides section defaults.
CATEGORY_ATTRIBUTES: dict[str, tuple[str, object]] = {
    "NEGATED_EXISTENCE": ("negated", True),
    "HISTORICAL": ("historical", True),
    "HYPOTHETICAL": ("hypothetical", True),
    "FAMILY": ("family", True),
    "POSSIBLE_EXISTENCE": ("uncertain", True),
    "TREATMENT_FAILED": ("response", "failed"),
    "TREATMENT_IMPROVED": ("response", "improved"),
}
#: A time in the present episode ("two days ago") outweighs a history cue on the same mention.
CLEARS_HISTORY = "RECENT"
#: A deficit getting worse is a progressive one (:attr:`~extractor.policy.LabelPolicy.worsening_label`).
WORSENING = "WORSENING"


@dataclass(frozen=True)
class Resolution:
    """How one target's attributes were decided (``explain`` shows it)."""

    attributes: dict[str, Any]
    section: str | None
    section_default: dict[str, bool]  # the attribute the section's default set, if any
    kept: bool  # False when the rule's value check could not read a value
    label: str  # the target's label, or the one it becomes when it is getting worse (WORSENING)


class AssertionResolver:
    """Resolve each target's attributes; see the module docstring for the order."""

    def __init__(self, section_context: Mapping[str, Any]):
        self.section_defaults: dict[str, dict[str, Any]] = dict(section_context["section_defaults"])

    def __call__(self, note: Note, targets: list[Target], modifiers: list[list[Modifier]]) -> list[Finding]:
        findings = []
        for target, resolution in zip(targets, self.resolve_all(note, targets, modifiers)):
            if resolution.kept:
                findings.append(Finding(resolution.label, target.start_char, target.end_char,
                                        note.text[target.start_char:target.end_char], section=resolution.section,
                                        **resolution.attributes))
        return findings

    def resolve_all(self, note: Note, targets: list[Target], modifiers: list[list[Modifier]]) -> list[Resolution]:
        """Each target's :class:`Resolution`; a mention listed right after one its rule states absent, with no
        context of its own, is absent too (:func:`_negated_by_list_neighbour`)."""
        modifiers = modifiers or [[] for _ in targets]
        negated_pairs = _negated_by_list_neighbour(note, targets, modifiers)
        resolutions = []
        for index, (target, touching) in enumerate(zip(targets, modifiers)):
            resolution = self.resolve(note, target, touching)
            if index in negated_pairs:
                resolution.attributes["negated"] = True
            resolutions.append(resolution)
        return resolutions

    def resolve(self, note: Note, target: Target, modifiers: list[Modifier]) -> Resolution:
        section = note.section_at(target.start_char)
        category = section.category if section else None
        categories = [modifier.rule.category for modifier in modifiers]
        attributes = self.context_attributes(target.label, categories)
        default = self.section_default(target.label, category, categories)
        attributes.update(default)
        apply_label_policy(target, attributes)
        label = target.label
        if WORSENING in categories and policy_of(label).worsening_label:
            label = policy_of(label).worsening_label
        if target.check:
            keep, changes = read_value(target.check, note.text[target.start_char:target.end_char], note.date)
            if not keep:
                return Resolution(attributes, category, default, kept=False, label=label)
            attributes.update(changes)
        attributes.update(target.attributes or {})
        return Resolution(attributes, category, default, kept=True, label=label)

    @staticmethod
    def context_attributes(label: str, categories: list[str]) -> dict[str, Any]:
        """The attributes the ConText categories set; a failed response is never replaced."""
        attributes: dict[str, Any] = {}
        takes_response = policy_of(label).takes_response
        for modifier in categories:
            if modifier not in CATEGORY_ATTRIBUTES:
                continue
            name, value = CATEGORY_ATTRIBUTES[modifier]
            if name == "response":
                if takes_response and attributes.get("response") != "failed":
                    attributes["response"] = value
            else:
                attributes[name] = value
        if CLEARS_HISTORY in categories:
            attributes.pop("historical", None)
        return attributes

    def section_default(self, label: str, category: str | None, modifiers: list[str]) -> dict[str, bool]:
        """The section's default attribute, unless explicit context of a blocking category touches the mention."""
        default = self.section_defaults.get(category or "")
        if default and modifiers:
            blocking = default.get("unless_modified_by")
            if blocking is None or any(m in blocking for m in modifiers):
                return {}
        group, history_counts = LABELS.get(label, (None, False))  # unknown labels: plain conditions
        if not default or group in default.get("skip_groups", ()):
            return {}
        if "only_groups" in default and group not in default["only_groups"]:
            return {}
        if default.get("skip_history_counting") and history_counts:
            return {}
        return {default["attribute"]: True}


# what may stand between two items of a list: separators, "and", "or"
_PAIR_GAP = re.compile(r"[\s,/&]*(?:(?:and|or|nor)\b[\s,/&]*)?", re.IGNORECASE)


def _negated_by_list_neighbour(note: Note, targets: list[Target], modifiers: list[list[Modifier]]) -> set[int]:
    """Targets listed right after one whose rule states it absent, with no context of their own: "no change in
    his bladder or bowel habits" says both organs are normal."""
    found: set[int] = set()
    sentence = note.sentence_of
    for index in range(1, len(targets)):
        before, target = targets[index - 1], targets[index]
        negated_before = (before.attributes or {}).get("negated") or (index - 1) in found
        if (negated_before and not modifiers[index] and not target.attributes
                and sentence[before.start] == sentence[target.start] and before.end_char <= target.start_char
                and _PAIR_GAP.fullmatch(note.text, before.end_char, target.start_char)):
            found.add(index)
    return found


def apply_label_policy(target: Target, attributes: dict[str, Any]) -> None:
    """A response means the treatment was tried (not negated); a planned or weighed mention is hypothetical."""
    policy = policy_of(target.label)
    if attributes.get("response"):
        attributes.pop("negated", None)
    elif target.planned or (policy.uncertain_is_planned and attributes.get("uncertain")):
        if not policy.planned_keeps_uncertain:
            attributes.pop("uncertain", None)
        attributes["hypothetical"] = True
