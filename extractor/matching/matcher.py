"""One matcher for medspaCy rules (TargetRule, ConTextRule), built for speed.

It accepts the same rules as medspaCy's ``MedspacyMatcher`` (a ``literal``
phrase, a token ``pattern`` list, or a regex ``pattern`` string) and returns
the same pruned matches, each inside one sentence, with the cost of a note
growing with its matches rather than with the number of rules:

- a token ``REGEX`` that accepts a short list of words becomes an ``IN`` list
  (:func:`~extractor.matching.regex_analysis.anchored_language`);
- a token pattern that is one fixed word sequence goes to spaCy's
  ``PhraseMatcher`` with the literal phrases, which looks phrases up by hash;
- every other token pattern starts from the occurrences of its rarest
  required word (``patterns/word_frequencies.json``), found for all patterns
  at once with a vectorised lookup, and walks outwards
  (:mod:`extractor.matching.token_patterns`); patterns without such a word run in
  spaCy's ``Matcher``;
- a regex rule runs only over the sentences holding one literal of each of
  its rarest required literal sets (:func:`~extractor.matching.regex_analysis.required_literals`),
  found for all rules in one Aho-Corasick pass, on the lower-cased text.

Overlapping matches keep the longest (medspaCy's pruning, :func:`prune_longest`); between equally long
matches of the same words, the declared precedence decides (:mod:`extractor.rules.precedence`).
"""
from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from collections import defaultdict
from typing import Any, Callable, Iterable, Mapping, Sequence

import ahocorasick
import numpy as np
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from .regex_analysis import (DIGIT, Requirement, anchored_language, first_char_lookahead, literals_first,
                             required_literals, starts_with_digit)
from .token_patterns import COLUMNS, AnchoredPattern, guards_hold, supported

MAX_REQUIREMENTS = 3  # literal sets looked up per regex rule
# per million tokens: a digit, punctuation, and the most a gate's literals may add up to
DIGIT_FREQUENCY, PUNCT_FREQUENCY, MAX_GATE_FREQUENCY = 30_000.0, 50_000.0, 30_000.0
_WORD = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"\d+")
_GLOBAL_FLAGS = re.compile(r"(?:\(\?[aiLmsux]+\))*")
_UPPER_OR_FLAG = re.compile(r"(?<!\\)[A-Z]|\(\?[a-zA-Z-]*[i-][a-zA-Z-]*[:)]")


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


def as_set_token(token: dict[str, Any], language: Callable[[str], set[str] | None] = anchored_language
                 ) -> dict[str, Any]:
    """A token spec whose ``REGEX`` accepts a short list of whole words, as an ``IN`` list of them."""
    for attr in ("LOWER", "TEXT", "ORTH"):
        value = token.get(attr)
        if isinstance(value, dict) and set(value) == {"REGEX"}:
            words = language(value["REGEX"])
            if words is not None:
                return {**token, attr: {"IN": sorted(w for w in words if w)}}
    return token


def anchor(pattern: Sequence[dict[str, Any]], frequency: Callable[[Any], float]) -> tuple[str, set[str], int] | None:
    """``(attr, words, position)``: every match holds one of ``words`` at ``pattern[position]``, the
    required word token whose words are rarest in all (``frequency`` of a word or a word list: their sum);
    None when no token is a required fixed word."""
    best, best_cost = None, None
    for position, token in enumerate(pattern):
        if token.get("OP") not in (None, "1"):
            continue
        for attr in ("LOWER", "ORTH", "TEXT"):
            value = token.get(attr)
            if isinstance(value, str):
                words = {value}
            elif isinstance(value, dict) and set(value) == {"IN"}:
                words = value["IN"]
            else:
                continue
            cost = frequency(words)
            if best_cost is None or cost < best_cost:
                best_cost = cost
                best = ("LOWER" if attr == "LOWER" else "ORTH", words, position)
    if best is None:
        return None
    attr, words, position = best
    return attr, {words} if isinstance(words, str) else set(words), position


def prune_longest(matches: Iterable[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """medspaCy's ``prune_overlapping_matches`` (keep the longer of two overlapping matches, repeat
    until stable), with the same result, in linear passes instead of ``list.pop(0)`` and recursion."""
    current = sorted(matches, key=lambda m: (m[1], m[2]))
    while current:
        pruned = []
        count, i = len(current), 1
        here = current[0]
        while True:
            if i >= count:
                pruned.append(here)
                break
            following = current[i]
            i += 1
            if following[1] < here[2]:  # overlaps (sorted by start)
                pruned.append(following if following[2] - following[1] > here[2] - here[1] else here)
                if i >= count:
                    break
                here = current[i]
                i += 1
            else:
                pruned.append(here)
                here = following
        if len(pruned) == count:
            return pruned
        current = sorted(pruned, key=lambda m: (m[1], m[2]))
    return current


class RuleMatcher:
    """Match a list of medspaCy rules; ``__call__`` returns ``(rule, start, end)`` token matches."""

    def __init__(self, nlp: Language, rules: Sequence, name: str,
                 word_frequency: Mapping[str, float] | None = None, ranks: Sequence[int] | None = None,
                 analyses: dict | None = None):
        # what each regex can match, read once (``analyses`` may hold it already: the rule cache)
        self._analyses = analyses if analyses is not None else {}
        self._analyses.setdefault("regex", {})
        self._analyses.setdefault("anchored", {})
        self._frequencies = dict(word_frequency or {})
        self._floor = min(self._frequencies.values(), default=1.0) / 2
        self._frequency = lambda word: self._frequencies.get(word, self._floor)
        self._substring_frequency: dict[str, float] = {}
        self._rules: list = []
        # a lower rank wins a tie between equally long matches of the same words (declared precedence)
        self._ranks = list(ranks) if ranks is not None else list(range(len(rules)))
        self._vocab = nlp.vocab
        self._unanchored = Matcher(nlp.vocab, validate=True)
        self._anchored: dict[tuple[str, int], list[AnchoredPattern]] = defaultdict(list)
        self._phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        # (pattern text, flags, whether it reads the lower-cased text, rule index, its gates): the gates become
        # rows of the gate matrix in _index_literals, which leaves the rest
        self._regexes: list[tuple] = []
        self._key_to_rule: dict[int, int] = {}
        self._columns: set[int] = set()
        self._hashed: dict = {}  # word list -> its hashes, shared by this matcher's patterns
        self._list_frequency: dict = {}  # word or word list -> its frequency
        self._digit_first: set[int] = set()  # regex rules whose every match starts with a digit
        for index, rule in enumerate(rules):
            self._rules.append(rule)
            label = f"{name}_{index}"
            key = nlp.vocab.strings.add(label)
            self._key_to_rule[key] = index
            if rule.pattern is None:
                self._phrases.add(label, [nlp.make_doc(rule.literal.lower())])
            elif isinstance(rule.pattern, str):
                plan = self._regex_plan(rule.pattern)
                self._regexes.append((plan["compiled"], plan["flags"], plan["on_lowered"], index,
                                      [Requirement(frozenset(literals), behind) for literals, behind in plan["gates"]]))
                if plan["digit_first"]:
                    self._digit_first.add(index)
            elif isinstance(rule.pattern, list):
                pattern = [as_set_token(token, self._anchored_language) for token in rule.pattern]
                phrase = as_phrase(pattern)
                if phrase and phrase[0] == "LOWER":
                    self._phrases.add(label, [Doc(nlp.vocab, words=phrase[1])])
                else:  # a choice of words, or case-sensitive: walked from its anchor word
                    self._add_token_pattern(label, pattern)
            else:
                raise ValueError(f"rule {rule.literal!r}: pattern must be a list or a string")
        self._index_anchors()
        self._index_literals()

    def _regex_plan(self, pattern: str) -> dict:
        """How a rule regex runs: the text to compile, its flags, whether it reads the lower-cased text, its gates."""
        plan = self._analyses["regex"].get(pattern)
        if plan is None:
            compiled, flags, on_lowered = regex_to_compile(pattern)
            plan = {"compiled": compiled, "flags": flags, "on_lowered": on_lowered,
                    "gates": [[sorted(r.literals), r.behind] for r in self._gates(pattern)],
                    "digit_first": starts_with_digit(pattern)}
            self._analyses["regex"][pattern] = plan
        return plan

    def _anchored_language(self, regex: str) -> set[str] | None:
        if regex not in self._analyses["anchored"]:
            words = anchored_language(regex)
            self._analyses["anchored"][regex] = None if words is None else sorted(words)
        words = self._analyses["anchored"][regex]
        return None if words is None else set(words)

    def _words_frequency(self, words: str | list[str]) -> float:
        """A word's frequency, or a word list's in all (remembered: the lists recur across patterns)."""
        key = words if isinstance(words, str) else tuple(words)
        found = self._list_frequency.get(key)
        if found is None:
            found = self._list_frequency[key] = sum(self._frequency(word.lower())
                                                    for word in ((words,) if isinstance(words, str) else words))
        return found

    def _add_token_pattern(self, label: str, pattern: list[dict[str, Any]]) -> None:
        found = anchor(pattern, self._words_frequency) if supported(pattern) else None
        if found is None:
            self._unanchored.add(label, [pattern])
            return
        attr, words, position = found
        compiled = AnchoredPattern(self._vocab.strings[label], pattern, position, self._vocab.strings, self._hashed)
        self._columns.update(compiled.columns)
        for word in words:
            self._anchored[(attr, self._vocab.strings.add(word))].append(compiled)

    def _index_anchors(self) -> None:
        """Sorted anchor hashes per attribute, with their pattern lists, for vectorised lookup."""
        pattern_lists = list(self._anchored.values())
        number = {id(patterns): i for i, patterns in enumerate(pattern_lists)}
        # each anchor's patterns grouped by their guards, which are then checked once per group
        self._pattern_groups = []
        for patterns in pattern_lists:
            groups: dict[tuple, list[AnchoredPattern]] = defaultdict(list)
            for pattern in patterns:
                groups[pattern.guards].append(pattern)
            self._pattern_groups.append(list(groups.items()))
        self._anchor_index = {}
        for attr in ("LOWER", "ORTH"):
            keys = sorted((h, number[id(p)]) for (a, h), p in self._anchored.items() if a == attr)
            self._anchor_index[attr] = (np.array([h for h, _ in keys], dtype=np.uint64),
                                        np.array([i for _, i in keys], dtype=np.int64))

    def _token_matches(self, doc: Doc, sentence_starts: np.ndarray,
                       only: np.ndarray | None = None) -> list[tuple[int, int, int]]:
        """Match each token pattern from the occurrences of its anchor word, inside their sentence
        (and only from the tokens ``only`` marks, when given)."""
        found = list(self._unanchored(doc)) if len(self._unanchored) else []
        if not self._anchored:
            return found
        used = sorted(self._columns | {COLUMNS.index("LOWER"), COLUMNS.index("ORTH")})
        table = doc.to_array([COLUMNS[c] for c in used])
        columns: list = [None] * len(COLUMNS)
        for i, column in enumerate(used):
            columns[column] = memoryview(np.ascontiguousarray(table[:, i]))  # ints on indexing, no list
        for attr in ("LOWER", "ORTH"):
            hashes, pattern_list = self._anchor_index[attr]
            if not len(hashes):
                continue
            words = table[:, used.index(COLUMNS.index(attr))]
            at = np.minimum(np.searchsorted(hashes, words), len(hashes) - 1)
            hit = hashes[at] == words
            positions = np.flatnonzero(hit if only is None else hit & only)
            if not len(positions):
                continue
            sentence = np.searchsorted(sentence_starts, positions, side="right") - 1
            for position, lists, lower, upper in zip(
                    positions.tolist(), pattern_list[at[positions]].tolist(),
                    sentence_starts[sentence].tolist(), sentence_starts[sentence + 1].tolist()):
                for guards, patterns in self._pattern_groups[lists]:
                    if guards and not guards_hold(guards, position, lower, upper, columns):
                        continue
                    for pattern in patterns:
                        found.extend(pattern.walk(position, lower, upper, columns))
        return found

    def _literal_frequency(self, literal: str) -> float:
        """How often ``literal`` occurs as a substring, per million tokens: a word part counts every
        listed word holding it ("ng" is common), a phrase counts its rarest word."""
        if literal == DIGIT:
            return DIGIT_FREQUENCY
        if literal not in self._substring_frequency:
            words = _WORD.findall(literal)
            if not words:
                found = PUNCT_FREQUENCY
            elif len(words) == 1 and words[0] == literal:
                found = max(sum(f for word, f in self._frequencies.items() if literal in word), self._floor)
            else:
                found = min(map(self._frequency, words))
            self._substring_frequency[literal] = found
        return self._substring_frequency[literal]

    def _gates(self, pattern: str) -> list[Requirement]:
        """The (at most :data:`MAX_REQUIREMENTS`) rarest requirements of a regex, by word frequency."""
        def cost(requirement: Requirement) -> float:
            return sum(self._literal_frequency(literal) for literal in requirement.literals)
        gates = sorted((r for r in required_literals(pattern) if cost(r) <= MAX_GATE_FREQUENCY), key=cost)
        return gates[:MAX_REQUIREMENTS]

    def _index_literals(self) -> None:
        """One Aho-Corasick automaton over every literal the regexes require, and each literal's gates."""
        literals = sorted({lit for *_, gates in self._regexes for r in gates for lit in r.literals} - {DIGIT})
        literal_ids = {literal: i for i, literal in enumerate(literals)}
        literal_ids[DIGIT] = len(literals)
        self._literals = None
        if literals:
            self._literals = ahocorasick.Automaton()
            for literal, i in literal_ids.items():
                if literal != DIGIT:
                    self._literals.add_word(literal, i)
            self._literals.make_automaton()
        self._literal_lengths = np.array([len(literal) for literal in literal_ids], dtype=np.int64)
        self._digit = literal_ids[DIGIT]
        # each distinct gate once (a row of the per-note gate matrix), and the gates each literal opens
        gate_ids: dict[Requirement, int] = {}
        literal_gates: list[list[int]] = [[] for _ in literal_ids]
        for *_, gates in self._regexes:
            for gate in gates:
                if gate not in gate_ids:
                    gate_ids[gate] = len(gate_ids)
                    for literal in gate.literals:
                        literal_gates[literal_ids[literal]].append(gate_ids[gate])
        self._gate_count = len(gate_ids)  # one more row, always open, pads the regexes with fewer gates
        self._literal_gate_starts = np.cumsum([0] + [len(g) for g in literal_gates])
        self._literal_gate_ids = np.array([g for gates in literal_gates for g in gates], dtype=np.int64)
        self._behind_gates = np.array([gate_ids[gate] for gate in gate_ids if gate.behind], dtype=np.int64)
        self._regex_gates = np.full((len(self._regexes), MAX_REQUIREMENTS), self._gate_count, dtype=np.int64)
        for row, (*_, gates) in enumerate(self._regexes):
            self._regex_gates[row, :len(gates)] = [gate_ids[gate] for gate in gates]
        # (pattern text, flags, reads lower-cased, rule index); each is compiled when a note first needs it
        self._regexes = [(text, flags, on_lowered, index) for text, flags, on_lowered, index, _gates in self._regexes]
        self._compiled: list[re.Pattern | None] = [None] * len(self._regexes)

    def _gate_matrix(self, text: str, lowered: str, char_starts: np.ndarray) -> np.ndarray:
        """Gates by sentences: whether the sentence holds one of the gate's literals (for a gate a
        lookbehind reads, or the sentence before it does)."""
        count = len(char_starts)
        matrix = np.zeros((self._gate_count + 1, count), dtype=bool)
        matrix[self._gate_count] = True
        hits = list(self._literals.iter(lowered)) if self._literals is not None else []
        if hits:  # (end, literal id) pairs
            found = np.fromiter(itertools.chain.from_iterable(hits), dtype=np.int64, count=2 * len(hits))
            literals = found[1::2]
            starts = found[::2] - self._literal_lengths[literals] + 1
        else:
            starts, literals = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        digits = _digit_run_starts(text)
        starts = np.concatenate((starts, digits))
        literals = np.concatenate((literals, np.full(len(digits), self._digit, dtype=np.int64)))
        if len(starts):
            sentences = np.searchsorted(char_starts, starts, side="right") - 1
            # every (gate, sentence) a hit opens: each hit repeated once per gate of its literal
            first, last = self._literal_gate_starts[literals], self._literal_gate_starts[literals + 1]
            per_hit = last - first
            offsets = np.arange(per_hit.sum()) - np.repeat(np.cumsum(per_hit) - per_hit, per_hit)
            matrix[self._literal_gate_ids[np.repeat(first, per_hit) + offsets], np.repeat(sentences, per_hit)] = True
        if len(self._behind_gates):  # the literal may end the sentence before the match
            behind = matrix[self._behind_gates]
            behind[:, 1:] |= behind[:, :-1].copy()
            matrix[self._behind_gates] = behind
        return matrix

    def _windows(self, matrix: np.ndarray, bounds: np.ndarray) -> list[tuple[int, int, int]]:
        """``(regex number, start, end)``: the character windows over the runs of consecutive sentences
        where each regex's gates are all open."""
        gates = self._regex_gates
        padded = np.zeros((len(gates), matrix.shape[1] + 2), dtype=np.int8)  # closed before and after
        padded[:, 1:-1] = matrix[gates[:, 0]] & matrix[gates[:, 1]] & matrix[gates[:, 2]]
        edges = np.diff(padded, axis=1)
        rows, run_starts = np.nonzero(edges == 1)
        _rows, run_ends = np.nonzero(edges == -1)  # row-major, so each end pairs with its start
        return list(zip(rows.tolist(), bounds[run_starts].tolist(), bounds[run_ends].tolist()))

    def _regex_matches(self, doc: Doc, text: str, sentence_starts: np.ndarray) -> list[tuple[int, int, int]]:
        """Run each regex over the runs of sentences that hold one literal of each of its requirements."""
        lowered = text.lower()
        if len(lowered) != len(text):  # case mapping changed offsets: search everywhere
            lowered = None
        char_starts = doc.to_array("IDX")[sentence_starts[:-1]].astype(np.int64)
        char_starts[0] = 0
        bounds = np.append(char_starts, len(text))
        if lowered is None:
            matrix = np.ones((self._gate_count + 1, len(char_starts)), dtype=bool)
        else:
            matrix = self._gate_matrix(text, lowered, char_starts)
        found = []
        for row, start, end in self._windows(matrix, bounds):
            pattern, flags, on_lowered, index = self._regexes[row]
            regex = self._compiled[row]
            if regex is None:
                regex = self._compiled[row] = re.compile(pattern, flags)
            searched = lowered if on_lowered else text
            if searched is None:
                regex, searched = re.compile(self._rules[index].pattern, re.IGNORECASE), text
            if index in self._digit_first:  # skip the part of the window before its first digit
                digit = _DIGITS.search(searched, start, end)
                if digit is None:
                    continue
                start = digit.start()
            for match in regex.finditer(searched, start, end):
                span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
                if span is not None and len(span):
                    found.append((index, span.start, span.end))
        return found

    def __call__(self, doc: Doc, text: str, sentence_starts: np.ndarray, sentence_of: np.ndarray,
                 only: np.ndarray | None = None) -> list[tuple[object, int, int]]:
        """Pruned ``(rule, start, end)`` matches; see :meth:`matches` for the arguments."""
        return self.prune(self.matches(doc, text, sentence_starts, sentence_of, only))

    def prune(self, matches: Iterable[tuple[int, int, int]]) -> list[tuple[object, int, int]]:
        """``(rule, start, end)`` of ``(rule index, start, end)`` matches, overlaps pruned to the longest."""
        ranks = self._ranks
        # of two equally long overlapping matches the first is kept: of the same words, the lower rank
        pruned = prune_longest(sorted(set(matches), key=lambda m: (m[1], m[2], ranks[m[0]])))
        return [(self._rules[index], start, end) for index, start, end in pruned]

    def rule(self, index: int):
        return self._rules[index]

    def matches(self, doc: Doc, text: str, sentence_starts: np.ndarray, sentence_of: np.ndarray,
                only: np.ndarray | None = None) -> list[tuple[int, int, int]]:
        """Every ``(rule index, start, end)`` match, overlapping ones included; each stays in one sentence.

        ``text`` is ``doc.text``; ``sentence_starts`` the first token of each sentence, then ``len(doc)``;
        ``sentence_of`` each token's sentence number. ``only``, a boolean per token, keeps the matches
        that start on a marked token (mark whole sentences).
        """
        if len(doc) == 0:
            return []
        matches = [(self._key_to_rule[key], start, end) for key, start, end in
                   self._token_matches(doc, sentence_starts, only)]
        # a phrase stays inside one sentence, as the token patterns do
        phrases = self._phrases(doc)
        if phrases:
            of = sentence_of.tolist()
            matches += [(self._key_to_rule[key], start, end) for key, start, end in phrases
                        if of[start] == of[end - 1]]
        if self._regexes:
            matches += self._regex_matches(doc, text, sentence_starts)
        if only is not None:
            matches = [m for m in matches if only[m[1]]]
        return matches


def load_word_frequencies(path: Path) -> dict[str, float]:
    """Words per million tokens of clinical text (``models/word_frequencies.json``, counted by
    ``corpora/word_frequencies.py``): the matcher starts each token pattern at its rarest word. It changes
    how fast the rules run, never what they find."""
    return json.loads(path.read_text(encoding="utf-8"))["per_million"]


def regex_to_compile(pattern: str) -> tuple[str, int, bool]:
    """The pattern text to compile for a rule regex, its flags, and whether it runs on the lower-cased text.

    A case-insensitive search of the text finds what a case-sensitive search of the lower-cased text
    finds, and the latter is faster. A pattern that opens with lookarounds is rewritten to test the
    literals a match opens with first (:func:`literals_first`), or else to check first the character
    a match must start with (:func:`first_char_lookahead`). Patterns with upper-case letters or inline
    case flags keep ``re.IGNORECASE`` on the text as written.
    """
    flags, on_lowered = (re.IGNORECASE, False) if _UPPER_OR_FLAG.search(pattern) else (0, True)
    rewritten = literals_first(pattern, flags)
    if rewritten is not None:
        return rewritten, flags, on_lowered
    ahead = first_char_lookahead(pattern)
    if ahead:  # after any global flags, which must open the pattern
        opening = _GLOBAL_FLAGS.match(pattern).group(0)
        pattern = opening + ahead + pattern[len(opening):]
    return pattern, flags, on_lowered


def _digit_run_starts(text: str) -> np.ndarray:
    """Where each run of digits starts (as ``re``'s ``\\d+`` finds them)."""
    if not text.isascii():
        return np.array([found.start() for found in _DIGITS.finditer(text)], dtype=np.int64)
    codes = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    digit = (codes >= 48) & (codes <= 57)
    return np.flatnonzero(digit & ~np.concatenate(([False], digit[:-1])))
