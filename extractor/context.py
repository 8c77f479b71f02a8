"""Sentence-restricted ConText.

medspaCy 1.3.1's ``ConText`` compares every modifier with every other one
across the whole document. Here modifiers are matched once over the whole
document (:class:`~extractor.matcher.RuleMatcher`, linear in its length), grouped by sentence, and the ConText
algorithm (medspaCy's ``ConTextModifier`` and ``ConTextGraph``: scope by
direction, termination, pruning, allowed types) runs only inside sentences
that hold a target. Scope never crosses a sentence, and cost stays linear in
the note length.
"""
from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
from medspacy.context import ConTextGraph, ConTextModifier, ConTextRule
from spacy.language import Language
from spacy.tokens import Doc

from .matcher import RuleMatcher
from .schema import group_of
from .sentences import sentence_ids
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


class _TargetSpan:
    """The minimal span interface ``ConTextModifier`` needs."""

    __slots__ = ("start", "end", "label_")

    def __init__(self, target: Target):
        self.start, self.end, self.label_ = target.start, target.end, target.label


class ContextAnnotator:
    """Find the ConText modifiers of each target."""

    def __init__(self, nlp: Language, rules: list[ConTextRule], word_frequency: dict[str, float] | None = None):
        self._matcher = RuleMatcher(nlp, rules, name="mri_context", word_frequency=word_frequency)

    def __call__(self, doc: Doc, targets: list[Target], text: str | None = None) -> list[list[str]]:
        """Return, for each target, the categories of the modifiers that modify it
        (``text`` is ``doc.text``, when the caller has it)."""
        if not targets:
            return []
        sent_of = sentence_ids(doc)
        n_tokens = len(doc)
        sent_bounds = np.flatnonzero(np.diff(np.concatenate(([-1], sent_of, [sent_of[-1] + 1]))))
        by_sentence: dict[int, list[int]] = defaultdict(list)
        for index, target in enumerate(targets):
            by_sentence[int(sent_of[target.start])].append(index)
        modifiers_by_sentence: dict[int, list[tuple[ConTextRule, int, int]]] = defaultdict(list)
        has_target = np.zeros(int(sent_of[-1]) + 1, dtype=bool)
        has_target[list(by_sentence)] = True
        in_target_sentence = has_target[sent_of]
        for rule, start, end in self._matcher(doc, text, only=in_target_sentence):
            sentence = int(sent_of[start])
            if sentence in by_sentence:
                modifiers_by_sentence[sentence].append((rule, start, min(end, n_tokens)))
        result: list[list[str]] = [[] for _ in targets]
        for sentence, indices in by_sentence.items():
            matches = modifiers_by_sentence.get(sentence)
            if not matches:
                continue
            sent_start, sent_end = int(sent_bounds[sentence]), int(sent_bounds[sentence + 1])
            spans = [_TargetSpan(targets[i]) for i in indices]
            # a cue inside a target's own phrase ("not" in "not voided") is part of the finding:
            # it neither modifies it nor reaches the targets after it
            cues = [(rule, start, end) for rule, start, end in sorted(matches, key=lambda m: m[1])
                    if not any(span.start <= start and end <= span.end for span in spans)]
            graph = ConTextGraph(targets=spans, modifiers=[
                _modifier(rule, start, end, sent_start, sent_end) for rule, start, end in cues])
            graph.update_scopes()
            graph.apply_modifiers()
            position = {id(span): i for span, i in zip(spans, indices)}
            for span, modifier in graph.edges:
                result[position[id(span)]].append(modifier.category)
        carry_responses(targets, result, doc.text if text is None else text, sent_of)
        return result


_RESPONSES = ("TREATMENT_FAILED", "TREATMENT_IMPROVED")
_OWN_CONTEXT = ("NEGATED_EXISTENCE", "HYPOTHETICAL", *_RESPONSES)
# what may stand between two items of a list: separators, brackets, "and", "or", "then"
_LIST_GAP = re.compile(r"[\s,;/&+()]*(?:(?:and|or|then|plus)\b[\s,;/&+()]*)?", re.IGNORECASE)


def carry_responses(targets: list[Target], categories: list[list[str]], text: str, sent_of: np.ndarray) -> None:
    """Give a treatment listed next to another ("failed NSAIDs, PT x 6 wks, Medrol dosepak") the
    response of its neighbour when it has no context of its own: a cue's scope may end before a
    long list does. Forwards, then backwards ("naproxen, PT and chiro all failed")."""
    order = list(range(len(targets)))
    for indices in (order, order[::-1]):
        for here, there in zip(indices, indices[1:]):
            first, second = sorted((here, there))
            a, b = targets[first], targets[second]
            if (group_of(a.label) != "treatment" or group_of(b.label) != "treatment"
                    or sent_of[a.start] != sent_of[b.start]):
                continue
            response = [c for c in categories[here] if c in _RESPONSES]
            if response and not any(c in _OWN_CONTEXT for c in categories[there]) \
                    and _LIST_GAP.fullmatch(text[a.end_char:b.start_char]):
                categories[there].append(response[-1])


class _Modifier(ConTextModifier):
    """medspaCy's modifier, except that a cue sharing words with a target still modifies it.

    medspaCy skips any target the cue overlaps. Cues inside a target are removed
    before the graph is built, so an overlap left here is partial: "if worsening"
    with "worsening weakness", "no new" with "new foot drop".
    """

    def modifies(self, target) -> bool:
        if self.direction in ("TERMINATE", "PSEUDO") or not self.allows(target.label_.upper()):
            return False
        scope_start, scope_end = self.scope_span
        if target.start < self._end and self._start < target.end:
            return True
        return target.start < scope_end and scope_start < target.end


def _modifier(rule: ConTextRule, start: int, end: int, sent_start: int, sent_end: int) -> ConTextModifier:
    """A ``ConTextModifier`` whose scope is its direction within the sentence, capped by ``max_scope``."""
    direction = rule.direction.upper()
    scope_start, scope_end = sent_start, sent_end
    if direction in ("TERMINATE", "PSEUDO"):
        # their own span: medspaCy's overlap test misses a scope that lies inside a sentence-wide
        # one, so a sentence-wide TERMINATE would never cut the scope of a shorter modifier
        scope_start, scope_end = start, end
    elif direction == "FORWARD":
        scope_start = end
    elif direction == "BACKWARD":
        scope_end = start
    if rule.max_scope is not None:
        scope_start = max(scope_start, start - rule.max_scope)
        scope_end = min(scope_end, end + rule.max_scope)
    return _Modifier(rule, start, end, None, scope_start=scope_start, scope_end=scope_end)
