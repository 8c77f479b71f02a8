"""spaCy token patterns, matched outwards from an anchor word.

spaCy's ``Matcher`` runs every pattern from every token and calls back into
Python for each ``IN`` and ``REGEX`` test. Our token patterns each hold a
required word (the anchor), so :class:`AnchoredPattern` starts only where its
anchor occurs: it walks the tokens after the anchor forwards and the tokens
before it backwards, with each token test a set lookup on the token's hash
(``REGEX`` results are remembered per word). It returns every ``(start,
end)`` spaCy's ``Matcher`` returns for the pattern, inside the same bounds.

Supported: ``LOWER``/``ORTH``/``TEXT`` (a string, ``{"IN": [...]}`` or
``{"REGEX": ...}``), boolean flags such as ``LIKE_NUM`` and ``IS_PUNCT``, and
the operators ``?``, ``*`` and ``+``. :func:`supported` says whether a
pattern uses only these.
"""
from __future__ import annotations

import re
from typing import Any, Sequence

from spacy.strings import StringStore

#: token attributes the patterns may test, in the column order of :meth:`TokenColumns`
COLUMNS = ("LOWER", "ORTH", "LIKE_NUM", "IS_ASCII", "SPACY", "IS_ALPHA", "IS_SPACE", "IS_PUNCT")
_COLUMN = {name: i for i, name in enumerate(COLUMNS)}
_STRING_ATTRS = {"LOWER": "LOWER", "ORTH": "ORTH", "TEXT": "ORTH"}
_OPS = {None: "1", "1": "1", "?": "?", "*": "*", "+": "+"}


def supported(pattern: Sequence[dict[str, Any]]) -> bool:
    """Whether :class:`AnchoredPattern` can run ``pattern``."""
    for token in pattern:
        if token.get("OP") not in _OPS:
            return False
        for attr, value in token.items():
            if attr == "OP":
                continue
            if attr in _STRING_ATTRS:
                if not (isinstance(value, str) or (isinstance(value, dict) and len(value) == 1
                                                    and set(value) <= {"IN", "REGEX"})):
                    return False
            elif attr not in _COLUMN or not isinstance(value, bool):
                return False
    return True


class _Regex:
    """A ``REGEX`` token test, remembered per word hash."""

    __slots__ = ("search", "strings", "seen")

    def __init__(self, pattern: str, strings: StringStore):
        self.search = re.compile(pattern).search
        self.strings = strings
        self.seen: dict[int, bool] = {}

    def __call__(self, word: int) -> bool:
        found = self.seen.get(word)
        if found is None:
            if len(self.seen) > 200_000:
                self.seen.clear()
            found = self.seen[word] = self.search(self.strings[word]) is not None
        return found


Test = tuple[int, object]  # (column, frozenset of hashes | bool flag | _Regex)


def _hashes(words: tuple[str, ...], strings: StringStore, hashed: dict) -> frozenset:
    """The hashes of a word list; ``hashed`` remembers each list (they recur across patterns)."""
    found = hashed.get(words)
    if found is None:
        found = hashed[words] = frozenset(strings.add(word) for word in words)
    return found


def _compile_token(token: dict[str, Any], strings: StringStore, hashed: dict) -> tuple[tuple[Test, ...], str]:
    tests: list[Test] = []
    for attr, value in token.items():
        if attr == "OP":
            continue
        if attr in _STRING_ATTRS:
            column = _COLUMN[_STRING_ATTRS[attr]]
            if isinstance(value, str):
                tests.append((column, frozenset([strings.add(value)])))
            elif "IN" in value:
                tests.append((column, _hashes(tuple(value["IN"]), strings, hashed)))
            else:
                tests.append((column, _Regex(value["REGEX"], strings)))
        else:
            tests.append((_COLUMN[attr], value))
    return tuple(tests), _OPS[token.get("OP")]


def _holds(tests: tuple[Test, ...], position: int, columns: list[list[int]]) -> bool:
    for column, expected in tests:
        value = columns[column][position]
        if expected.__class__ is frozenset:
            if value not in expected:
                return False
        elif expected.__class__ is bool:
            if bool(value) is not expected:
                return False
        elif not expected(value):
            return False
    return True


Step = tuple[int, object, tuple[Test, ...], str]  # (column, frozenset or None, tests, op)


def _step(tests: tuple[Test, ...], op: str) -> Step:
    """A compiled token: a lone set test is kept apart, so the walk can read it inline."""
    if len(tests) == 1 and tests[0][1].__class__ is frozenset:
        return tests[0][0], tests[0][1], tests, op
    return -1, None, tests, op


def _walk(steps: Sequence[Step], start: int, limit: int, direction: int, columns: list[list[int]]) -> list[int]:
    """Boundaries reachable from ``start`` after ``steps``, moving by ``direction`` up to ``limit``.

    Moving forwards, boundary ``b`` reads token ``b``; moving backwards, token ``b - 1``.
    """
    offset = 0 if direction > 0 else -1
    states = [start]
    for column, expected, tests, op in steps:
        if expected is not None:
            values = columns[column]
            moved = [b + direction for b in states if b != limit and values[b + offset] in expected]
        else:
            moved = [b + direction for b in states if b != limit and _holds(tests, b + offset, columns)]
        if op == "1":
            if not moved:
                return moved
            states = moved
        elif op == "?":
            if moved:
                states = list(set(states).union(moved))
        else:  # "+" or "*": keep reading while the test holds
            reached = set(states) if op == "*" else set()
            while moved:
                moved = [b for b in moved if b not in reached]
                reached.update(moved)
                if expected is not None:
                    moved = [b + direction for b in moved if b != limit and values[b + offset] in expected]
                else:
                    moved = [b + direction for b in moved if b != limit and _holds(tests, b + offset, columns)]
            if not reached:
                return []
            states = list(reached)
    return states


def _guard(steps: Sequence[Step], direction: int) -> tuple[int, int, int, frozenset] | None:
    """``(direction, reach, column, words)``: the first required token on that side of the anchor,
    a lone set test, lies within ``reach`` tokens (only optional tokens come before it). Most
    attempts fail this cheap test."""
    for reach, (column, expected, _tests, op) in enumerate(steps, start=1):
        if op == "1":
            return (direction, reach, column, expected) if expected is not None else None
        if op != "?":
            return None
    return None


class AnchoredPattern:
    """One token pattern, matched from an occurrence of its anchor token (``pattern[anchor]``)."""

    __slots__ = ("key", "anchor_tests", "before", "after", "columns", "guards")

    def __init__(self, key: int, pattern: Sequence[dict[str, Any]], anchor: int, strings: StringStore,
                 hashed: dict | None = None):
        hashed = {} if hashed is None else hashed
        compiled = [_compile_token(token, strings, hashed) for token in pattern]
        self.key = key
        # the anchor word was found by its hash: only further tests on the anchor token need a check
        self.anchor_tests = compiled[anchor][0] if len(compiled[anchor][0]) > 1 else ()
        self.before = [_step(*token) for token in compiled[:anchor][::-1]]
        self.after = [_step(*token) for token in compiled[anchor + 1:]]
        self.columns = {column for tests, _op in compiled for column, _ in tests}
        self.guards = tuple(guard for guard in (_guard(self.after, 1), _guard(self.before, -1)) if guard)

    def matches(self, position: int, lower: int, upper: int,
                columns: list[list[int]]) -> list[tuple[int, int, int]]:
        """``(key, start, end)`` for each match holding the anchor at ``position``, within [lower, upper)."""
        if not guards_hold(self.guards, position, lower, upper, columns):
            return []
        return self.walk(position, lower, upper, columns)

    def walk(self, position: int, lower: int, upper: int, columns: list[list[int]]) -> list[tuple[int, int, int]]:
        """:meth:`matches`, once the caller has checked :attr:`guards`."""
        if self.anchor_tests and not _holds(self.anchor_tests, position, columns):
            return []
        ends = _walk(self.after, position + 1, upper, 1, columns)
        if not ends:
            return []
        starts = _walk(self.before, position, lower, -1, columns)
        return [(self.key, start, end) for start in starts for end in ends]


def guards_hold(guards, position: int, lower: int, upper: int, columns: list[list[int]]) -> bool:
    """Whether each guard's words occur within its reach of ``position`` (see :func:`_guard`)."""
    for direction, reach, column, expected in guards:
        values = columns[column]
        if direction > 0:
            window = range(position + 1, min(position + 1 + reach, upper))
        else:
            window = range(max(position - reach, lower), position)
        for neighbour in window:
            if values[neighbour] in expected:
                break
        else:
            return False
    return True
