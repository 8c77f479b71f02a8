"""What a rule's regex can match, read from its parse tree (:mod:`.regex_syntax`).

Two questions make the rules cheap to run without changing what they match:

- :func:`anchored_language`: the finite set of strings a token regex such as
  ``^(?:fracture|fx)s?$`` accepts, so that a ``{"REGEX": ...}`` token becomes
  a set lookup;
- :func:`required_literals`: strings one of which every match contains, so
  a text regex runs only where one of them occurs.

Both answer ``None`` (or nothing) when they cannot be sure, and the caller
then runs the regex as written. :func:`literals_first` rewrites a regex that
opens with lookarounds so that the engine can skip ahead to its literals.
"""
from __future__ import annotations

import itertools
import re
from typing import NamedTuple

from .regex_syntax import Node, RegexSyntaxError, parse, to_pattern, width

_START_MARK, _END_MARK = "\x00", "\x01"
MAX_CLASS_SIZE = 40


def _parse(pattern: str) -> tuple[str, list[Node]] | None:
    try:
        return parse(pattern)
    except RegexSyntaxError:
        return None


def _class_chars(items) -> list[str] | None:
    """The characters of a class, when it lists at most a few (no categories, no negation)."""
    chars: list[str] = []
    for op, value in items:
        if op == "LITERAL":
            chars.append(value)
        elif op == "RANGE" and value[1] - value[0] < MAX_CLASS_SIZE:
            chars.extend(chr(c) for c in range(value[0], value[1] + 1))
        else:
            return None
    return chars


def _language(items, limit: int) -> list[str] | None:
    """All strings the sequence ``items`` matches, or None (infinite, too many, or unsupported)."""
    strings = [""]
    for op, value in items:
        if op == "LITERAL":
            options = [value]
        elif op == "IN":
            options = _class_chars(value)
        elif op == "GROUP":
            _capturing, add, remove, inner = value
            options = None if "i" in add + remove else _language(inner, limit)
        elif op == "BRANCH":
            options = []
            for branch in value:
                part = _language(branch, limit)
                if part is None:
                    return None
                options.extend(part)
        elif op == "AT" and value in ("^", "A"):
            options = [_START_MARK]
        elif op == "AT" and value in ("$", "Z"):
            options = [_END_MARK]
        elif op == "REPEAT":
            low, high, _mode, inner = value
            part = _language(inner, limit)
            if part is None or high is None or high > 8:
                return None
            options = []
            for count in range(low, high + 1):
                options.extend("".join(p) for p in itertools.product(part, repeat=count))
                if len(options) > limit:
                    return None
        else:
            return None
        if options is None:
            return None
        strings = [s + o for s in strings for o in dict.fromkeys(options)]
        if len(strings) > limit:
            return None
    return strings


def anchored_language(pattern: str, limit: int = 512) -> set[str] | None:
    """The strings a regex anchored at both ends (``^...$``) accepts, when there are at most ``limit``.

    >>> sorted(anchored_language("^incontin[ae]nce$|^incontinent$"))
    ['incontinance', 'incontinence', 'incontinent']
    >>> anchored_language("^\\d+$") is None
    True
    >>> anchored_language("^fx$|fracture") is None  # "fracture" may occur anywhere in the token
    True
    """
    parsed = _parse(pattern)
    if parsed is None or "i" in parsed[0]:
        return None
    strings = _language(parsed[1], limit)
    if strings is None:
        return None
    accepted = set()
    for string in strings:
        # the anchors are enumerated as marks: each string must open with ^ and close with $, nothing between
        if not (string.startswith(_START_MARK) and string.endswith(_END_MARK)):
            return None
        inner = string[1:-1]
        if _START_MARK in inner or _END_MARK in inner:
            return None
        accepted.add(inner)
    return accepted


DIGIT = r"\d"  #: stands for "some digit" among required literals


def _is_digit_class(op, value) -> bool:
    if op == "CATEGORY":
        return value == "d"
    if op != "IN":
        return False
    chars = _class_chars(value)
    if chars is not None:
        return bool(chars) and all(c.isdigit() for c in chars)
    return value == [("CATEGORY", "d")]


class Requirement(NamedTuple):
    """Every match holds one of ``literals`` (lower-case; :data:`DIGIT`: any digit). When
    ``behind``, a lookbehind reads it: it lies before the match, maybe in the sentence before."""

    literals: frozenset
    behind: bool = False


def _requirements(items, behind: bool = False) -> list[Requirement]:
    """The requirements every match of ``items`` meets."""
    found: list[Requirement] = []
    run: set[str] | None = None  # literal strings ending at the current item

    def flush():
        nonlocal run
        if run:
            found.append(Requirement(frozenset(run), behind))
        run = None

    for op, value in items:
        if op == "AT":
            continue  # zero width: the literals on both sides are adjacent
        if op == "LITERAL":
            run = {r + value.lower() for r in (run or {""})}
            continue
        if op in ("GROUP", "BRANCH"):
            strings = _language([(op, value)], 16)
            if strings is not None and all(_START_MARK not in x and _END_MARK not in x for x in strings):
                run = {r + x.lower() for r in (run or {""}) for x in strings}
                continue
        flush()
        if _is_digit_class(op, value):
            found.append(Requirement(frozenset([DIGIT]), behind))
        elif op == "GROUP":
            found.extend(_requirements(value[3], behind))
        elif op == "BRANCH":
            parts = [_requirements(branch, behind) for branch in value]
            if all(parts):
                # one requirement per alternative: the most selective of each
                chosen = [max(part, key=_selectivity) for part in parts]
                found.append(Requirement(frozenset().union(*(r.literals for r in chosen)),
                                         any(r.behind for r in chosen)))
        elif op == "REPEAT" and value[0] >= 1:
            found.extend(_requirements(value[3], behind))
        elif op == "ASSERT" and not value[1]:
            # a lookahead reads on from the match, inside its window; a lookbehind reads back
            found.extend(_requirements(value[2], behind or value[0]))
    flush()
    return found


def _selectivity(requirement: Requirement) -> tuple[int, int]:
    return (min(99 if x == DIGIT else len(x) for x in requirement.literals), -len(requirement.literals))


def required_literals(pattern: str, min_length: int = 2) -> list[Requirement]:
    r"""The requirements every match of ``pattern`` meets, whose literals are all at least
    ``min_length`` long, most selective first. An empty list: nothing to look for.

    >>> [sorted(r.literals) for r in required_literals(r"\b(?:esr|crp)\s*[:=]?\s*\d+")]
    [['\\d'], ['crp', 'esr']]
    >>> [(sorted(r.literals), r.behind) for r in required_literals(r"(?<=, )ic(?:e|ing)\b")]
    [(['ice', 'icing'], False), ([', '], True)]
    >>> required_literals(r"\b\d?\s*(?:d|w)\b")
    []
    """
    parsed = _parse(pattern)
    if parsed is None:
        return []
    found = [r for r in _requirements(parsed[1]) if _selectivity(r)[0] >= min_length]
    return sorted(set(found), key=lambda r: (_selectivity(r), sorted(r.literals)), reverse=True)


def _first_chars(items) -> tuple[set[str], bool] | None:
    """(characters a match of ``items`` can start with, whether it may start with a digit), or None."""
    for op, value in items:
        if op in ("AT", "ASSERT"):
            continue  # zero width
        if op == "LITERAL":
            return {value}, False
        if op == "CATEGORY":
            return (set(), True) if value == "d" else None
        if op == "IN":
            if value == [("CATEGORY", "d")]:
                return set(), True
            chars = _class_chars(value)
            return (set(chars), False) if chars else None
        if op == "GROUP":
            return _first_chars(value[3])
        if op == "BRANCH":
            chars, digit = set(), False
            for branch in value:
                part = _first_chars(branch)
                if part is None:
                    return None
                chars |= part[0]
                digit = digit or part[1]
            return chars, digit
        if op == "REPEAT" and value[0] >= 1:
            return _first_chars(value[3])
        return None
    return None  # may match the empty string


def first_char_lookahead(pattern: str) -> str | None:
    r"""``(?=[...])`` naming the characters every match starts with, when the pattern opens with
    lookarounds or groups that would otherwise be tried in full at every position; else None.

    >>> first_char_lookahead(r"(?<!temp )(?<!\d)\b\d{1,3}\s*yo")
    '(?=[\\d])'
    >>> first_char_lookahead(r"\bfever") is None  # opens with a cheap test already
    True
    """
    parsed = _parse(pattern)
    if parsed is None:
        return None
    items = parsed[1]
    if not items or items[0][0] in ("LITERAL", "IN", "AT", "CATEGORY"):
        return None  # the engine scans for a first literal or class by itself; \b fails fast
    first = _first_chars(items)
    if first is None or len(first[0]) > MAX_CLASS_SIZE:
        return None
    chars, digit = first
    body = ("\\d" if digit else "") + "".join(re.escape(c) for c in sorted(chars))
    return f"(?=[{body}])" if body else None


def starts_with_digit(pattern: str) -> bool:
    r"""Whether every match of ``pattern`` starts with a digit.

    >>> starts_with_digit(r"(?<![\d.])\b\d{1,3}\s*yo"), starts_with_digit(r"\b(?:\d+|one)\s*wk")
    (True, False)
    """
    parsed = _parse(pattern)
    first = _first_chars(parsed[1]) if parsed else None
    return first is not None and (first[1] or bool(first[0])) and all(c.isdigit() for c in first[0])


MAX_OPENINGS = 64  #: alternatives a pattern may be spread into by :func:`literals_first`
MAX_SPLIT = 8  #: a class of at most this many characters opening a pattern is spread into literals

Opening = tuple[list, list]  # (zero-width items checked where the match starts, items from there on)


def _zero_width(item: Node) -> bool:
    return width([item]) == (0, 0)


def _repeat(low: int, high, mode: str, inner) -> list:
    """``inner`` repeated ``low`` to ``high`` times (nothing when ``high`` is 0)."""
    return [] if high == 0 else [("REPEAT", (low, high, mode, inner))]


def _openings(items, zero) -> list[Opening] | None:
    """Each way a match of ``items`` can start, in the order the engine tries them: the zero-width
    items before it and items that open with one character (a literal or a class); None when that
    is not known or there are more than :data:`MAX_OPENINGS`."""
    items, zero = list(items), list(zero)
    while items and _zero_width(items[0]):
        zero.append(items.pop(0))
    if not items:
        return None
    (op, value), rest = items[0], items[1:]
    if op == "IN" and len(value) <= MAX_SPLIT and all(o == "LITERAL" for o, _ in value):
        return [(zero, [literal] + rest) for literal in value]  # [lr]x is lx|rx: never both at one place
    if op in ("LITERAL", "CATEGORY") or (op == "IN" and all(o != "NEGATE" for o, _ in value)):
        return [(zero, items)]
    found: list[Opening] = []
    if op == "BRANCH":  # (?:a|b)c is ac|bc, tried in that order
        for branch in value:
            part = _openings(list(branch) + rest, zero)
            if part is None:
                return None
            found += part
    elif op == "GROUP" and not value[0] and not value[1] and not value[2]:
        part = _openings(list(value[3]) + rest, zero)  # (?:...) only groups
        if part is None:
            return None
        found += part
    elif op == "REPEAT" and value[2] == "" and width(value[3])[0] > 0:
        low, high, mode, inner = value
        less = None if high is None else high - 1
        # x{2,5}c is x x{1,4} c; greedy x?c and x*c try x first: x x{0,n-1} c, then c
        part = _openings(list(inner) + _repeat(max(low - 1, 0), less, mode, inner) + rest, zero)
        if part is None:
            return None
        found += part
        if low == 0:
            part = _openings(rest, zero)
            if part is None:
                return None
            found += part
    else:
        return None
    return found if len(found) <= MAX_OPENINGS else None


def _checked(opening: Opening) -> list:
    """The opening's items with its zero-width items moved behind its leading literals, as a lookbehind."""
    zero, items = opening
    count = 1
    while items[0][0] == "LITERAL" and count < len(items) and items[count][0] == "LITERAL":
        count += 1
    check = [("ASSERT", (True, False, zero + items[:count]))] if zero else []
    return items[:count] + check + items[count:]


def literals_first(pattern: str, flags: int = 0) -> str | None:
    r"""``pattern`` rewritten so that its leading lookarounds and ``\b`` are checked after the
    literals a match opens with; None when it opens with something else (a choice of a word and a
    class, an optional group of more than a few choices, a capture) or needs no change.

    re's search skips at C speed to a first literal (or a choice of literals, or one class), but
    tries a pattern that opens with assertions at every position. ``(?<!no )\b(?:fever|febrile)``
    becomes ``fever(?<=(?<!no )\bfever)|febrile(?<=(?<!no )\bfebrile)``: the same matches, the
    lookbehind reading from where the match starts. Choices inside the opening are spread out first
    (``(?:a|b)c`` is ``ac|bc``; a greedy ``x?c`` is ``xc|c``).

    >>> re.findall(literals_first(r"(?<!no )\b(?:fever|febrile)"), "fever; no fever; febrile")
    ['fever', 'febrile']
    >>> re.findall(literals_first(r"(?<!no )\b(?:low\s+)?back"), "low back; no back; back")
    ['low back', 'back']
    >>> literals_first(r"(a)bc") is None  # a capture
    True
    """
    parsed = _parse(pattern)
    if parsed is None:
        return None
    global_flags, items = parsed
    openings = _openings(items, [])
    if not openings or (len(openings) == 1 and not openings[0][0]):
        return None  # unknown, or opening with a literal or class already: the engine skips ahead
    if len(openings) == 1:
        rewritten = _checked(openings[0])
    elif all(items[0][0] == "LITERAL" for _zero, items in openings):
        # a choice of literals: the engine skips to one of their first characters
        rewritten = [("BRANCH", [_checked(o) for o in openings])]
    else:
        return None  # a class among the choices: each would be tried in turn at every candidate
    text = to_pattern(rewritten, global_flags)
    try:
        re.compile(text, flags)
    except re.error:  # pragma: no cover - a form the engine refuses (a lookbehind of varying width)
        return None
    return text
