"""Target matching: find the spans of every SPEC label.

:class:`~extractor.matcher.RuleMatcher` runs spaCy's ``PhraseMatcher`` (rule
literals), ``Matcher`` (token patterns) and regexes (string patterns) in one
pass over the document; overlapping matches keep the longest, except that a
treatment named inside an intervention candidacy ("candidate for R S1 TFESI")
is kept as well, marked ``planned``, as is an operation or treatment named next
to one ("candidate for ESI vs microdiscectomy").
A rule's ``metadata`` may name a ``check`` (see
:mod:`extractor.measurements`) that reads a value from the matched text, and
its ``attributes`` may fix assertion attributes of every match (a phrase
that states the finding absent, such as "afebrile", has
``{"negated": true}``). A rule with ``metadata.pseudo`` finds nothing: its longer
match only keeps the rules it overlaps from matching there ("PT STATES" in
capitals is the patient, "ESI level 2" a triage acuity), like ConText's PSEUDO.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
from medspacy.target_matcher import TargetRule
from spacy.language import Language
from spacy.tokens import Doc

from .duration_owners import DurationOwners
from .matcher import RuleMatcher
from .measurements import read_value
from .schema import group_of


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
    planned: bool = False  # named by a candidacy ("candidate for L5 TFESI") or under a condition ("ESI if ...")


def can_be_planned(label: str) -> bool:
    """A treatment or an operation, which a candidacy or a condition can name as a plan (then hypothetical)."""
    return group_of(label) == "treatment" or label == "prior_lumbar_surgery"


#: checks that decide whether a match exists, not what it says: a procedure dated within six weeks,
#: a strength grade that fell
CHECKED_BEFORE_PRUNING = frozenset({"recent_date", "strength_decline"})


class TargetFinder:
    """Match target rules over a whole document."""

    def __init__(self, nlp: Language, rules: list[TargetRule], word_frequency: dict[str, float] | None = None,
                 duration_owners: dict | None = None):
        self._matcher = RuleMatcher(nlp, rules, name="mri_targets", word_frequency=word_frequency)
        # rules whose check decides whether the match exists at all: run before overlaps are pruned
        self._checked_first = {i: rule.metadata["check"] for i, rule in enumerate(rules)
                               if (rule.metadata or {}).get("check") in CHECKED_BEFORE_PRUNING}
        self._owners = DurationOwners(duration_owners) if duration_owners else None

    def __call__(self, doc: Doc, text: str | None = None, note_date: dt.date | None = None,
                 sections: list | None = None) -> list[Target]:
        """The targets of ``doc`` in text order (``text`` is ``doc.text``, when the caller has it).

        A match whose rule's check fails (:data:`CHECKED_BEFORE_PRUNING`: "fusion on 3/27" months ago,
        "improved from 3/5 to 4/5") is dropped before overlaps are pruned, so that the mentions it
        covered ("fusion", "4/5") stand.
        """
        targets = []
        text = doc.text if text is None else text
        found = self._matcher.matches(doc, text)
        if self._checked_first and any(m[0] in self._checked_first for m in found):
            idx = doc.to_array("IDX")
            found = [m for m in found if m[0] not in self._checked_first or read_value(
                self._checked_first[m[0]], text[idx[m[1]]:(idx[m[2]] if m[2] < len(doc) else len(text))].rstrip(),
                note_date)[0]]
        # a pseudo rule's match ("PT STATES", "ESI level 2") only keeps a shorter rule from matching there
        kept = [m for m in self._matcher.prune(found) if not (m[0].metadata or {}).get("pseudo")]
        candidacies = [(start, end) for rule, start, end in kept if group_of(rule.category) == "candidacy"]
        if candidacies:
            # the treatment a candidacy names is a finding of its own: keep it inside the candidacy's span
            inside = [m for m in found if group_of(self._matcher.rule(m[0]).category) == "treatment"
                      and any(c_start <= m[1] and m[2] <= c_end for c_start, c_end in candidacies)]
            kept += self._matcher.prune(inside)
        matches = sorted(kept, key=lambda m: (m[1], m[2]))
        if not matches:
            return targets
        # character offsets read from the token arrays: no Span per match, no list per token
        idx, length = (memoryview(np.ascontiguousarray(column)) for column in doc.to_array(["IDX", "LENGTH"]).T)
        for rule, start, end in matches:
            check = (rule.metadata or {}).get("check")
            targets.append(Target(rule.category, start, end, idx[start], idx[end - 1] + length[end - 1], check,
                                  rule.attributes or None))
        if self._owners is not None:
            targets = self._owners.drop_owned(targets, doc, text, sections)
        named = [(t.start_char, t.end_char) for t in targets if group_of(t.label) == "candidacy"]
        for target in targets:
            group = group_of(target.label)
            if can_be_planned(target.label):
                target.planned = any(c_start <= target.start_char and (target.start_char <= c_end or
                                     _NAMING_GAP.fullmatch(text, c_end, target.start_char))
                                     for c_start, c_end in named)
            if (group == "candidacy" or can_be_planned(target.label)) and _CONDITION_AFTER.match(text, target.end_char):
                target.planned = True  # "ESI only if persistent", "surgery consult if a collection is found"
        return targets


# a condition right after a treatment or candidacy makes it a plan ("if needed" is a dosing instruction)
_CONDITION_AFTER = re.compile(r"[ \t]*,?[ \t]*(?:(?:only|but)[ \t]+)*(?:if|unless|should|in[ \t]+case)\b"
                              r"(?![ \t]+(?:needed|necessary|required|tolerated)\b)", re.IGNORECASE)
# what may stand between a candidacy and the treatment it names: "candidate for a R L5 TFESI"
_NAMING_GAP = re.compile(r"[\s:,/-]*(?:(?:for|a|an|the|to|of|with|possible|another|repeat|vs\.?|versus|or|and|then|"
                         r"eventual|eventually)(?![\w])[\s:,/-]*)*", re.IGNORECASE)
