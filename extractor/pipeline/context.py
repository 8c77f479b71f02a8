"""Sentence-restricted ConText.

medspaCy 1.3.1's ``ConText`` compares every modifier with every other one
across the whole document. Here modifiers are matched once over the whole
document (:class:`~extractor.matching.matcher.RuleMatcher`, linear in its length),
grouped by sentence, and the ConText algorithm runs only inside sentences
that hold a target. Scope never crosses a sentence, and cost stays linear in
the note length.

The algorithm is medspaCy's (``ConTextModifier`` and ``ConTextGraph``: scope
by direction and ``max_scope``, scopes cut by terminating and same-category
modifiers, allowed and excluded types, ``max_targets``), re-stated in
:class:`Modifier` and :func:`modifier_edges` so that loading the pipeline does
not import medspaCy; one change is deliberate: a cue that shares words with a
target still modifies it (see :meth:`Modifier.modifies`). A test checks that
both give the same edges on the corpus.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Sequence
from dataclasses import replace
from functools import lru_cache

import numpy as np
from spacy.language import Language

from ..matching.matcher import RuleMatcher
from ..note import Note
from ..policy import policy_of
from ..rules import ConTextRule
from .lists import list_items
from .targets import Target

class ContextAnnotator:
    """Find the ConText modifiers of each target."""

    def __init__(self, nlp: Language, rules: list[ConTextRule], word_frequency: dict[str, float] | None = None,
                 ranks: list[int] | None = None, analyses: dict | None = None):
        self._matcher = RuleMatcher(nlp, rules, name="mri_context", word_frequency=word_frequency, ranks=ranks,
                                    analyses=analyses)

    def cues(self, note: Note, only: np.ndarray | None = None) -> list[tuple[ConTextRule, int, int]]:
        """Matched cues, overlaps pruned to the longest; cues of one category and priority on the same words
        all stay (:mod:`extractor.rules.precedence`)."""
        matches = self._matcher.matches(note.doc, note.text, note.sentence_starts, note.sentence_of, only)
        kept = self._matcher.prune(matches)
        kept = self._limited_on_same_words(matches, kept)
        kept += self._for_other_types(matches, kept)
        kept += self._inside_pseudo(matches, kept)
        spans = {(start, end, rule.category, _priority(rule)) for rule, start, end in kept}
        seen = {(id(_ORIGINAL.get(id(rule), rule)), start, end) for rule, start, end in kept}
        for index, start, end in sorted(set(matches), key=lambda m: (m[1], m[2], m[0])):
            rule = self._matcher.rule(index)
            if (start, end, rule.category, _priority(rule)) in spans and (id(rule), start, end) not in seen:
                kept.append((rule, start, end))
                seen.add((id(rule), start, end))
        return kept

    def _inside_pseudo(self, matches, kept) -> list[tuple[ConTextRule, int, int]]:
        """Cues inside a PSEUDO phrase that blocks only some categories (``metadata.blocks``): 'Daughter
        denies fever' is not family history, and 'denies' still negates."""
        partial = [(rule, start, end) for rule, start, end in kept if rule.direction == "PSEUDO" and rule.blocks]
        if not partial:
            return []
        inside = []
        for index, start, end in matches:
            rule = self._matcher.rule(index)
            for pseudo, p_start, p_end in partial:
                if p_start <= start and end <= p_end and rule is not pseudo and rule.category not in pseudo.blocks \
                        and rule.direction != "PSEUDO":
                    inside.append((index, start, end))
                    break
        return self._matcher.prune(inside)

    def _limited_on_same_words(self, matches, kept) -> list[tuple[ConTextRule, int, int]]:
        """A cue limited to some types that tied with a general cue of another category on the same words applies
        to its types, and the general cue to the rest ("no longer able": progressive for a weakness, historical
        for a fever). Cues of one category on the same words all apply (see :meth:`cues`)."""
        kept_general = {(start, end): i for i, (rule, start, end) in enumerate(kept) if rule.allowed_types is None}
        if not kept_general:
            return kept
        limited: dict[tuple[int, int], list[ConTextRule]] = defaultdict(list)
        for index, start, end in set(matches):
            rule = self._matcher.rule(index)
            if rule.allowed_types is not None and (start, end) in kept_general:
                limited[(start, end)].append(rule)
        if not limited:
            return kept
        kept = list(kept)
        for (start, end), rules in limited.items():
            general = kept[kept_general[(start, end)]][0]
            rules = [rule for rule in rules if rule.category != general.category]  # one category: all apply
            if not rules:
                continue
            excluded = frozenset().union(general.excluded_types or (), *(r.allowed_types for r in rules))
            kept[kept_general[(start, end)]] = (_for_others(general, excluded), start, end)
            kept.extend((rule, start, end) for rule in sorted(rules, key=lambda r: r.literal))
        return kept

    def _for_other_types(self, matches, kept) -> list[tuple[ConTextRule, int, int]]:
        """General cues that lost their words only to cues limited to some types, longer ones of the same
        category or ones on exactly the same words: they still apply to the other types ("has not had any"
        negates a treatment, "has not had" still negates a fever; "no longer" makes a weakness progressive
        and a fever historical)."""
        limited = [(rule, start, end) for rule, start, end in kept if rule.allowed_types is not None]
        if not limited:
            return []
        general = [m for m in matches if self._matcher.rule(m[0]).allowed_types is None]
        kept_spans = {(id(rule), start, end) for rule, start, end in kept}
        revived = []
        for rule, start, end in self._matcher.prune(general):
            if (id(rule), start, end) in kept_spans:
                continue
            over = [(r, s, e) for r, s, e in kept if s < end and start < e]
            if over and all(r.allowed_types is not None and ((r.category == rule.category) != ((s, e) == (start, end)))
                            for r, s, e in over):  # a longer cue of its category, or another category's on its words
                excluded = frozenset().union(rule.excluded_types or (), *(r.allowed_types for r, _, _ in over))
                revived.append((_for_others(rule, excluded), start, end))
        return revived

    def __call__(self, note: Note, targets: list[Target]) -> list[list["Modifier"]]:
        """For each target, the modifiers that modify it (a treatment may also carry its neighbour's response)."""
        if not targets:
            return []
        sent_of = note.sentence_of
        bounds = note.sentence_starts
        by_sentence: dict[int, list[int]] = defaultdict(list)
        for index, target in enumerate(targets):
            by_sentence[int(sent_of[target.start])].append(index)
        items = list_items(note)
        leads = {item: items[item] for item in by_sentence if item in items}
        has_target = np.zeros(len(bounds) - 1, dtype=bool)
        has_target[list(by_sentence)] = True
        has_target[[lead for lead, _ in leads.values()]] = True
        modifiers_by_sentence: dict[int, list[tuple[ConTextRule, int, int]]] = defaultdict(list)
        n_tokens = len(note.doc)
        for rule, start, end in self.cues(note, has_target[sent_of]):
            modifiers_by_sentence[int(sent_of[start])].append((rule, start, min(end, n_tokens)))
        result: list[list[Modifier]] = [[] for _ in targets]
        colon_tokens = np.flatnonzero(note.doc.to_array("ORTH") == note.doc.vocab.strings[":"])
        for sentence, indices in by_sentence.items():
            matches = modifiers_by_sentence.get(sentence)
            if not matches:
                continue
            sent_start, sent_end = int(bounds[sentence]), int(bounds[sentence + 1])
            spans = [(targets[i].start, targets[i].end, targets[i].label.upper()) for i in indices]
            # a cue inside a target's own phrase ("not" in "not voided") is part of the finding:
            # it neither modifies it nor reaches the targets after it
            cues = [(rule, start, end) for rule, start, end in sorted(matches, key=lambda m: m[1])
                    if not any(t_start <= start and end <= t_end for t_start, t_end, _ in spans)]
            colons = [c for c in colon_tokens[np.searchsorted(colon_tokens, sent_start):] if c < sent_end]
            modifiers = [Modifier.in_sentence(rule, start, end, sent_start, sent_end, colons)
                         for rule, start, end in cues]
            for target, modifier in modifier_edges(spans, modifiers):
                result[indices[target]].append(modifier)
        for item, (lead, colon) in leads.items():
            own = {rule.category for rule, _, _ in modifiers_by_sentence.get(item, ())}
            if "TERMINATE" in own:
                continue  # "- but now with numbness": the item says otherwise
            carried = [m for m in _open_at_colon(note, modifiers_by_sentence.get(lead, ()), lead, colon)
                       if m.rule.category not in own]  # an item's own cue of a category wins over the lead-in's
            for index in by_sentence[item]:
                label = targets[index].label.upper()
                result[index].extend(m for m in carried if m.rule.allows(label))
        carry_responses(targets, result, note.text, sent_of)
        return result


def _open_at_colon(note: Note, matches, sentence: int, colon: int) -> list["Modifier"]:
    """The cues of a list's lead-in sentence that come before its colon and whose forward scope
    reaches the sentence end: they modify the list's items (:mod:`extractor.pipeline.lists`)."""
    sent_start, sent_end = int(note.sentence_starts[sentence]), int(note.sentence_starts[sentence + 1])
    modifiers = [Modifier.in_sentence(rule, start, end, sent_start, sent_end)
                 for rule, start, end in sorted(matches, key=lambda m: m[1])]
    modifier_edges([], modifiers)  # cut the scopes
    doc = note.doc
    return [m for m in modifiers if m.rule.direction in ("FORWARD", "BIDIRECTIONAL")
            and m.rule.category in LIST_CATEGORIES and m.scope_end == sent_end and doc[m.end - 1].idx < colon]


_ORIGINAL: dict[int, ConTextRule] = {}  # id of a rule made by _for_others -> the rule it was made from


@lru_cache(maxsize=None)
def _for_others(rule: ConTextRule, excluded: frozenset) -> ConTextRule:
    """``rule`` for every type but ``excluded``."""
    derived = replace(rule, excluded_types=excluded)
    _ORIGINAL[id(derived)] = _ORIGINAL.get(id(rule), rule)
    return derived


def _priority(rule: ConTextRule) -> int:
    return (rule.metadata or {}).get("priority", 0)


#: TERMINATE cues that separate the items of a list introduced by a colon rather than clauses
ITEM_SEPARATORS = frozenset({";"})
#: the cue categories a colon's list shares ("Denies: a; b", "Return if: a; b", "FHx: a; b"); not history:
#: "PMH: HTN; osteoporosis" lists conditions that are still present
LIST_CATEGORIES = frozenset({"NEGATED_EXISTENCE", "HYPOTHETICAL", "FAMILY", "POSSIBLE_EXISTENCE"})
_RESPONSES = ("TREATMENT_FAILED", "TREATMENT_IMPROVED")
_OWN_CONTEXT = ("NEGATED_EXISTENCE", "HYPOTHETICAL", *_RESPONSES)
# what may stand between two items of a list: separators, brackets, "and", "or", "then"
_LIST_GAP = re.compile(r"[\s,;/&+()]*(?:(?:and|or|then|plus)\b[\s,;/&+()]*)?", re.IGNORECASE)


def carry_responses(targets: list[Target], modifiers: list[list["Modifier"]], text: str, sent_of: np.ndarray) -> None:
    """Give a treatment listed next to another ("failed NSAIDs, PT x 6 wks, Medrol dosepak") the
    response of its neighbour when it has no context of its own: a cue's scope may end before a
    long list does. Forwards, then backwards ("naproxen, PT and chiro all failed")."""
    order = list(range(len(targets)))
    for indices in (order, order[::-1]):
        for here, there in zip(indices, indices[1:]):
            first, second = sorted((here, there))
            a, b = targets[first], targets[second]
            if (not policy_of(a.label).takes_response or not policy_of(b.label).takes_response
                    or sent_of[a.start] != sent_of[b.start]):
                continue
            response = [m for m in modifiers[here] if m.rule.category in _RESPONSES]
            if response and not any(m.rule.category in _OWN_CONTEXT for m in modifiers[there]) \
                    and _LIST_GAP.fullmatch(text[a.end_char:b.start_char]):
                modifiers[there].append(response[-1])


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """medspaCy's ``tuple_overlaps``: ``b`` starts or ends inside ``a`` (not: ``b`` covers ``a``)."""
    return a[0] <= b[0] < a[1] or a[0] < b[1] <= a[1]


class Modifier:
    """One matched cue, its scope and its targets (medspaCy's ``ConTextModifier``)."""

    __slots__ = ("rule", "start", "end", "scope_start", "scope_end", "targets", "colon")

    def __init__(self, rule: ConTextRule, start: int, end: int, scope_start: int, scope_end: int,
                 colon: int | None = None):
        self.rule, self.start, self.end = rule, start, end
        self.scope_start, self.scope_end = scope_start, scope_end
        self.targets: list[int] = []
        #: the token of a colon that follows the cue in its scope: the cue introduces a list
        self.colon = colon

    @classmethod
    def in_sentence(cls, rule: ConTextRule, start: int, end: int, sent_start: int, sent_end: int,
                    colons: Sequence[int] = ()) -> "Modifier":
        """A modifier whose scope is its direction within the sentence, capped by ``max_scope``;
        ``colons`` are the sentence's colon tokens."""
        direction = rule.direction
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
        colon = None
        if direction in ("FORWARD", "BIDIRECTIONAL"):
            colon = next((c for c in colons if end <= c < scope_end), None)
        return cls(rule, start, end, scope_start, scope_end, colon)

    def limit_scope(self, other: "Modifier") -> None:
        """Cut this scope at ``other`` when it terminates this category or is of the same category."""
        rule, other_rule = self.rule, other.rule
        if not _overlaps((self.scope_start, self.scope_end), (other.scope_start, other.scope_end)):
            return
        if rule.direction == "TERMINATE":
            return
        if other_rule.direction == "TERMINATE" and rule.category in other_rule.spares:
            return
        same = other_rule.category == rule.category
        if other_rule.direction != "TERMINATE" and other_rule.category not in rule.terminated_by and not same:
            return
        if same and (rule.allowed_types != other_rule.allowed_types or rule.excluded_types != other_rule.excluded_types):
            return  # the same category for other target types: no cut
        if rule.direction in ("FORWARD", "BIDIRECTIONAL") and other.start > self.start:
            if (self.colon is not None and self.colon < other.start and other.rule.literal in ITEM_SEPARATORS
                    and rule.category in LIST_CATEGORIES):
                return  # "To ED if: fever; can't urinate; ...": after a colon, semicolons separate items
            self.scope_end = min(self.scope_end, other.start)
        if rule.direction in ("BACKWARD", "BIDIRECTIONAL") and other.end < self.end:
            self.scope_start = max(self.scope_start, other.end)

    def modifies(self, start: int, end: int, label: str) -> bool:
        """Whether this cue modifies a target at ``[start, end)`` of ``label`` (upper case).

        Unlike medspaCy, a cue that shares words with a target modifies it: cues inside a target are
        removed before, so an overlap left here is partial ("if worsening" with "worsening weakness",
        "no new" with "new foot drop").
        """
        if self.rule.direction in ("TERMINATE", "PSEUDO") or not self.rule.allows(label):
            return False
        if start < self.end and self.start < end:
            return True
        return start < self.scope_end and self.scope_start < end


def modifier_edges(targets: list[tuple[int, int, str]], modifiers: list[Modifier]) -> list[tuple[int, Modifier]]:
    """``(target number, modifier)`` edges, in medspaCy's order (by modifier, then by target).

    Scopes are first cut pairwise (``ConTextGraph.update_scopes``); a modifier with ``max_targets`` keeps
    its closest targets.
    """
    for i, first in enumerate(modifiers):
        for second in modifiers[i + 1:]:
            first.limit_scope(second)
            second.limit_scope(first)
    for number, (start, end, label) in enumerate(targets):
        for modifier in modifiers:
            if modifier.modifies(start, end, label):
                modifier.targets.append(number)
    edges = []
    for modifier in modifiers:
        kept = modifier.targets
        limit = modifier.rule.max_targets
        if limit is not None and len(kept) > limit:
            distance = {n: min(abs(modifier.start - targets[n][1]), abs(targets[n][0] - modifier.end)) for n in kept}
            kept = sorted(kept, key=lambda n: distance[n])[:limit]
        edges.extend((number, modifier) for number in kept)
    return edges
