"""Target matching: find the spans of every SPEC label.

:class:`~extractor.matcher.RuleMatcher` runs spaCy's ``PhraseMatcher`` (rule
literals), ``Matcher`` (token patterns) and regexes (string patterns) in one
pass over the document; overlapping matches keep the longest. A rule's ``metadata`` may name a ``check`` (see
:mod:`extractor.measurements`) that reads a value from the matched text, and
its ``attributes`` may fix assertion attributes of every match (a phrase
that states the finding absent, such as "afebrile", has
``{"negated": true}``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from medspacy.target_matcher import TargetRule
from spacy.language import Language
from spacy.tokens import Doc

from .matcher import RuleMatcher


@dataclass
class Target:
    """A matched target span, before context is applied."""

    label: str
    start: int  # token offsets
    end: int
    start_char: int
    end_char: int
    check: str | None = None
    attributes: dict | None = None


class TargetFinder:
    """Match target rules over a whole document."""

    def __init__(self, nlp: Language, rules: list[TargetRule], word_frequency: dict[str, float] | None = None):
        self._matcher = RuleMatcher(nlp, rules, name="mri_targets", word_frequency=word_frequency)

    def __call__(self, doc: Doc, text: str | None = None) -> list[Target]:
        """The targets of ``doc`` in text order (``text`` is ``doc.text``, when the caller has it)."""
        targets = []
        matches = sorted(self._matcher(doc, text), key=lambda m: (m[1], m[2]))
        if not matches:
            return targets
        # character offsets read from the token arrays: no Span per match, no list per token
        idx, length = (memoryview(np.ascontiguousarray(column)) for column in doc.to_array(["IDX", "LENGTH"]).T)
        for rule, start, end in matches:
            check = (rule.metadata or {}).get("check")
            targets.append(Target(rule.category, start, end, idx[start], idx[end - 1] + length[end - 1], check,
                                  rule.attributes or None))
        return targets
