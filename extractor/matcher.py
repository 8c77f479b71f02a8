"""One matcher for medspaCy rules (TargetRule, ConTextRule), built for speed.

It accepts the same rules as medspaCy's ``MedspacyMatcher`` (a ``literal``
phrase, a token ``pattern`` list, or a regex ``pattern`` string) and returns
the same pruned matches, but:

- spaCy's ``Matcher`` tries every pattern at every token, so its cost grows
  with the number of patterns, while ``PhraseMatcher`` looks phrases up by
  hash. Token patterns that are fixed word sequences once their
  ``{"IN": [...]}`` alternatives and optional (``"OP": "?"``) tokens are
  expanded go to a ``PhraseMatcher``; only patterns that need the Matcher
  (other operators, REGEX, LIKE_NUM, ...) stay there, bucketed by a word
  every match must contain, and a bucket runs only on the sentences that
  hold its word;
- regex rules run over ``doc.text`` read once, not once per rule.

Overlapping matches keep the longest (medspaCy's pruning).
"""
from __future__ import annotations

import itertools
import re
from collections import defaultdict
from typing import Any, Iterable, Sequence

import numpy as np
from medspacy.common.base_rule import BaseRule
from medspacy.common.util import prune_overlapping_matches
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

_EXPANDABLE = ("LOWER", "ORTH", "TEXT", "NORM")
MAX_VARIANTS = 4096  # a pattern with more expansions than this stays in the Matcher


def _token_variants(token: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Plain-equality variants of one token spec, or None when it has nothing to expand."""
    for attr in _EXPANDABLE:
        value = token.get(attr)
        if isinstance(value, dict) and set(value) == {"IN"}:
            rest = {k: v for k, v in token.items() if k not in (attr, "OP")}
            variants = [{**rest, attr: choice} for choice in value["IN"]]
            if token.get("OP") == "?":
                return variants + [None]  # None: the optional token is left out
            if token.get("OP") is None:
                return variants
            return None
    return None


def expand_pattern(pattern: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Expand ``IN`` alternatives into plain token patterns (at most :data:`MAX_VARIANTS`)."""
    options = []
    for token in pattern:
        variants = _token_variants(token)
        options.append(variants if variants is not None else [token])
    total = 1
    for choice in options:
        total *= len(choice)
    if total > MAX_VARIANTS:
        return [list(pattern)]
    expanded = []
    for combination in itertools.product(*options):
        tokens = [t for t in combination if t is not None]
        if tokens:
            expanded.append(tokens)
    return expanded or [list(pattern)]


def as_phrase(pattern: Sequence[dict[str, Any]]) -> tuple[str, list[str]] | None:
    """``("LOWER"|"ORTH", words)`` when a token pattern is a fixed word sequence, else None."""
    words, attrs = [], set()
    for token in pattern:
        if len(token) != 1:
            return None
        (attr, value), = token.items()
        if attr not in ("LOWER", "ORTH", "TEXT") or not isinstance(value, str):
            return None
        attrs.add("ORTH" if attr == "TEXT" else attr)
        words.append(value)
    if len(attrs) != 1:
        return None
    return attrs.pop(), words


def required_words(pattern: Sequence[dict[str, Any]]) -> tuple[str, set[str]] | None:
    """``(attr, words)``: one of ``words`` must occur in any match (the required token with the
    fewest alternatives), or None when no token is a required fixed word."""
    best: tuple[str, set[str]] | None = None
    for token in pattern:
        if token.get("OP") not in (None, "1"):
            continue
        for attr in ("LOWER", "ORTH", "TEXT"):
            value = token.get(attr)
            if isinstance(value, str):
                words = {value}
            elif isinstance(value, dict) and set(value) == {"IN"}:
                words = set(value["IN"])
            else:
                continue
            if best is None or len(words) < len(best[1]):
                best = ("LOWER" if attr == "LOWER" else "ORTH", words)
    return best


class RuleMatcher:
    """Match a list of medspaCy rules; ``__call__`` returns ``(rule, start, end)`` token matches."""

    def __init__(self, nlp: Language, rules: Iterable[BaseRule], name: str):
        self._rules: list[BaseRule] = []
        self._vocab = nlp.vocab
        self._unanchored = Matcher(nlp.vocab, validate=True)
        self._anchored: dict[tuple[str, int], Matcher] = {}
        self._phrases = {"LOWER": PhraseMatcher(nlp.vocab, attr="LOWER"),
                         "ORTH": PhraseMatcher(nlp.vocab, attr="ORTH")}
        self._regexes: list[tuple[re.Pattern, int]] = []
        self._key_to_rule: dict[int, int] = {}
        for index, rule in enumerate(rules):
            self._rules.append(rule)
            label = f"{name}_{index}"
            key = nlp.vocab.strings.add(label)
            self._key_to_rule[key] = index
            if rule.pattern is None:
                self._phrases["LOWER"].add(label, [nlp.make_doc(rule.literal.lower())])
            elif isinstance(rule.pattern, str):
                self._regexes.append((re.compile(rule.pattern, re.IGNORECASE), index))
            elif isinstance(rule.pattern, list):
                phrases = [as_phrase(p) for p in expand_pattern(rule.pattern)]
                if all(phrases):
                    for attr, words in phrases:
                        self._phrases[attr].add(label, [Doc(nlp.vocab, words=words)])
                else:
                    self._add_token_pattern(label, rule.pattern)
            else:
                raise ValueError(f"rule {rule.literal!r}: pattern must be a list or a string")

    def _add_token_pattern(self, label: str, pattern: list[dict[str, Any]]) -> None:
        anchor = required_words(pattern)
        if anchor is None:
            self._unanchored.add(label, [pattern])
            return
        attr, words = anchor
        for word in words:
            key = (attr, self._vocab.strings.add(word.lower() if attr == "LOWER" else word))
            if key not in self._anchored:
                self._anchored[key] = Matcher(self._vocab, validate=True)
            self._anchored[key].add(label, [pattern])

    def _token_matches(self, doc: Doc) -> set[tuple[int, int, int]]:
        found = set(self._unanchored(doc)) if len(self._unanchored) else set()
        if not self._anchored or len(doc) == 0:
            return found
        words = doc.to_array(["LOWER", "ORTH", "SENT_START"]).astype(np.int64)
        sentence_of = np.cumsum(words[:, 2] == 1)
        bounds = np.flatnonzero(np.diff(np.concatenate(([-1], sentence_of, [sentence_of[-1] + 1])))).tolist()
        sentences_by_key: dict[tuple[str, int], set[int]] = defaultdict(set)
        for column, attr in ((0, "LOWER"), (1, "ORTH")):
            for position, word in enumerate(words[:, column].tolist()):
                key = (attr, word & 0xFFFFFFFFFFFFFFFF)
                if key in self._anchored:
                    sentences_by_key[key].add(int(np.searchsorted(bounds, position, side="right")) - 1)
        for key, sentences in sentences_by_key.items():
            matcher = self._anchored[key]
            for sentence in sentences:
                start, end = bounds[sentence], bounds[sentence + 1]
                found.update((m, start + s, start + e) for m, s, e in matcher(doc[start:end]))
        return found

    def __call__(self, doc: Doc) -> list[tuple[BaseRule, int, int]]:
        matches = [(self._key_to_rule[key], start, end) for key, start, end in self._token_matches(doc)]
        for phrases in self._phrases.values():
            matches += [(self._key_to_rule[key], start, end) for key, start, end in phrases(doc)]
        if self._regexes:
            text = doc.text
            for regex, index in self._regexes:
                for found in regex.finditer(text):
                    span = doc.char_span(found.start(), found.end(), alignment_mode="expand")
                    if span is not None and len(span):
                        matches.append((index, span.start, span.end))
        # ties between equally long overlapping matches go to the rule listed first
        pruned = prune_overlapping_matches(sorted(set(matches), key=lambda m: (m[1], m[2], m[0])))
        return [(self._rules[index], start, end) for index, start, end in pruned]
