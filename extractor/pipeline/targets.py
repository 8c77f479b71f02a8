"""Target matching: find the spans of every SPEC label.

:class:`~extractor.matching.matcher.RuleMatcher` runs the target rules
(literal phrases, token patterns, regexes) in one pass over the note. The
matches then go through named passes, in this order:

1. :meth:`TargetFinder.checked_first`: a match whose rule's check decides
   whether it exists at all (a procedure dated within six weeks, a strength
   grade that fell) is dropped before overlaps are pruned, so that the
   mentions it covered stand;
2. :meth:`TargetFinder.pruned`: overlaps keep the longest (ties by the
   declared precedence); a rule with ``metadata.pseudo`` finds nothing: its
   longer match only keeps the rules it overlaps from matching there ("PT
   STATES" in capitals is the patient), like ConText's PSEUDO;
3. :meth:`TargetFinder.named_inside`: a treatment named inside a
   candidacy's span ("candidate for R S1 TFESI"), or a treatment or an
   operation named inside a recent procedure's ("L4-5 ESI 2 weeks ago, no
   relief"), is a finding of its own;
4. :meth:`TargetFinder.mark_planned`: what a candidacy names, or what a
   condition follows ("ESI only if persistent"), is a plan
   (:mod:`extractor.policy`).

A rule's ``metadata`` may name a ``check`` (:mod:`extractor.values.measurements`)
that reads a value from the matched text, and its ``attributes`` may fix
assertion attributes of every match ("afebrile" is ``{"negated": true}``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from spacy.language import Language

from ..matching.matcher import RuleMatcher
from ..note import Note
from ..policy import policy_of
from ..rules import TargetRule
from ..schema import group_of
from ..values.measurements import EXISTENCE_CHECKS, read_value

Match = tuple[int, int, int]  # (rule index, start token, end token)


@dataclass
class Target:
    """A matched target span, before context is applied."""

    label: str
    start: int  # token offsets
    end: int
    start_char: int
    end_char: int
    rule: TargetRule
    planned: bool = False  # named by a candidacy ("candidate for L5 TFESI") or under a condition ("ESI if ...")

    @property
    def check(self) -> str | None:
        return (self.rule.metadata or {}).get("check")

    @property
    def attributes(self) -> dict | None:
        return self.rule.attributes or None


#: spans that may hold other findings: a candidacy (by group) and a recent procedure (by label)
_HOLDERS = frozenset({"candidacy", "recent_spinal_procedure"})


class TargetFinder:
    """Match the target rules over a note (see the module docstring for the passes)."""

    def __init__(self, nlp: Language, rules: list[TargetRule], word_frequency: dict[str, float] | None = None,
                 ranks: list[int] | None = None, analyses: dict | None = None):
        self._matcher = RuleMatcher(nlp, rules, name="mri_targets", word_frequency=word_frequency, ranks=ranks,
                                    analyses=analyses)
        self._checked_first = {i: rule.metadata["check"] for i, rule in enumerate(rules)
                               if (rule.metadata or {}).get("check") in EXISTENCE_CHECKS}

    def __call__(self, note: Note) -> list[Target]:
        """The targets of ``note`` in text order."""
        found = self._matcher.matches(note.doc, note.text, note.sentence_starts, note.sentence_of)
        found = self.checked_first(note, found)
        kept = self.pruned(found)
        kept += self.named_inside(found, kept)
        targets = self.to_targets(note, sorted(kept, key=lambda m: (m[1], m[2])))
        self.mark_planned(note.text, targets)
        return targets

    def checked_first(self, note: Note, found: list[Match]) -> list[Match]:
        """``found`` without the matches whose existence check fails ("fusion on 3/27", months ago)."""
        if not self._checked_first or not any(m[0] in self._checked_first for m in found):
            return found
        idx = note.doc.to_array("IDX")
        text, n_tokens = note.text, len(note.doc)

        def holds(match: Match) -> bool:
            end_char = idx[match[2]] if match[2] < n_tokens else len(text)
            return read_value(self._checked_first[match[0]], text[idx[match[1]]:end_char].rstrip(), note.date)[0]
        return [m for m in found if m[0] not in self._checked_first or holds(m)]

    def pruned(self, found: list[Match]) -> list[tuple[TargetRule, int, int]]:
        """Overlaps pruned to the longest; the matches of pseudo rules removed."""
        return [m for m in self._matcher.prune(found) if not (m[0].metadata or {}).get("pseudo")]

    def named_inside(self, found: list[Match], kept: list) -> list[tuple[TargetRule, int, int]]:
        """Mentions inside a kept candidacy's or recent procedure's span that the label policy finds there
        (:attr:`~extractor.policy.LabelPolicy.found_inside`), pruned among themselves."""
        holders = [(group_of(rule.category) if group_of(rule.category) == "candidacy" else rule.category, start, end)
                   for rule, start, end in kept]
        holders = [(kind, start, end) for kind, start, end in holders if kind in _HOLDERS]
        if not holders:
            return []
        inside = []
        for match in found:
            found_inside = policy_of(self._matcher.rule(match[0]).category).found_inside
            if any(kind in found_inside and start <= match[1] and match[2] <= end and (start, end) != match[1:]
                   for kind, start, end in holders):
                inside.append(match)
        return self._matcher.prune(inside)

    @staticmethod
    def to_targets(note: Note, matches: list[tuple[TargetRule, int, int]]) -> list[Target]:
        if not matches:
            return []
        # character offsets read from the token arrays: no Span per match, no list per token
        columns = note.doc.to_array(["IDX", "LENGTH"]).T
        idx, length = (memoryview(np.ascontiguousarray(column)) for column in columns)
        return [Target(rule.category, start, end, idx[start], idx[end - 1] + length[end - 1], rule)
                for rule, start, end in matches]

    @staticmethod
    def mark_planned(text: str, targets: list[Target]) -> None:
        """Mark what a candidacy names ("candidate for ESI vs microdiscectomy") and what a condition follows."""
        named = [(t.start_char, t.end_char) for t in targets if group_of(t.label) == "candidacy"]
        for target in targets:
            policy = policy_of(target.label)
            if policy.planned_when_named:
                target.planned = any(c_start <= target.start_char and (target.start_char <= c_end or
                                     _NAMING_GAP.fullmatch(text, c_end, target.start_char))
                                     for c_start, c_end in named)
            if policy.planned_when_conditional and _CONDITION_AFTER.match(text, target.end_char):
                target.planned = True  # "ESI only if persistent", "surgery consult if a collection is found"


# a condition right after a treatment or candidacy makes it a plan ("if needed" is a dosing instruction)
_CONDITION_AFTER = re.compile(r"[ \t]*,?[ \t]*(?:(?:only|but)[ \t]+)*(?:if|unless|should|in[ \t]+case)\b"
                              r"(?![ \t]+(?:needed|necessary|required|tolerated)\b)", re.IGNORECASE)
# what may stand between a candidacy and the treatment it names: "candidate for a R L5 TFESI"
_NAMING_GAP = re.compile(r"[\s:,/-]*(?:(?:for|a|an|the|to|of|with|possible|another|repeat|vs\.?|versus|or|and|then|"
                         r"eventual|eventually)(?![\w])[\s:,/-]*)*", re.IGNORECASE)
