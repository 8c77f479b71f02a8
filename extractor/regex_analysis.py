"""What a rule's regex can match, read from its parse tree (``re._parser``).

Two questions make the rules cheap to run without changing what they match:

- :func:`anchored_language`: the finite set of strings a token regex such as
  ``^(?:fracture|fx)s?$`` accepts, so that a ``{"REGEX": ...}`` token becomes
  a set lookup;
- :func:`required_literals`: strings one of which every match contains, so
  a text regex runs only where one of them occurs.

Both answer ``None`` when they cannot be sure, and the caller then runs the
regex as written.
"""
from __future__ import annotations

import itertools
import re
from typing import NamedTuple

try:  # Python 3.11+
    import re._compiler as sre_compile
    import re._constants as sre
    import re._parser as sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_compile
    import sre_constants as sre
    import sre_parse

_STARTS = (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING)
_ENDS = (sre.AT_END, sre.AT_END_STRING)
_START_MARK, _END_MARK = "\x00", "\x01"
MAX_CLASS_SIZE = 40


def _class_chars(items) -> list[str] | None:
    chars: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            chars.append(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < MAX_CLASS_SIZE:
            chars.extend(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
    return chars


def _language(items, limit: int) -> list[str] | None:
    """All strings the sequence ``items`` matches, or None (infinite, too many, or unsupported)."""
    strings = [""]
    for op, av in items:
        if op is sre.LITERAL:
            options = [chr(av)]
        elif op is sre.IN:
            options = _class_chars(av)
        elif op is sre.SUBPATTERN:
            _group, add_flags, del_flags, inner = av
            options = None if (add_flags | del_flags) & sre.SRE_FLAG_IGNORECASE else _language(inner, limit)
        elif op is sre.BRANCH:
            options = []
            for alternative in av[1]:
                part = _language(alternative, limit)
                if part is None:
                    return None
                options.extend(part)
        elif op is sre.AT and av in _STARTS:
            options = [_START_MARK]
        elif op is sre.AT and av in _ENDS:
            options = [_END_MARK]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, inner = av
            part = _language(inner, limit)
            if part is None or high is sre.MAXREPEAT or high > 8:
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
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:
        return None
    if parsed.state.flags & sre.SRE_FLAG_IGNORECASE:
        return None
    strings = _language(list(parsed), limit)
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


def _is_digit_class(op, av) -> bool:
    if op is not sre.IN:
        return False
    chars = _class_chars(av)
    if chars is not None:
        return bool(chars) and all(c.isdigit() for c in chars)
    return av == [(sre.CATEGORY, sre.CATEGORY_DIGIT)]


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

    for op, av in items:
        if op is sre.AT:
            continue  # zero width: the literals on both sides are adjacent
        if op is sre.LITERAL:
            run = {r + chr(av).lower() for r in (run or {""})}
            continue
        if op in (sre.SUBPATTERN, sre.BRANCH):
            strings = _language([(op, av)], 16)
            if strings is not None and all(_START_MARK not in x and _END_MARK not in x for x in strings):
                run = {r + x.lower() for r in (run or {""}) for x in strings}
                continue
        flush()
        if _is_digit_class(op, av):
            found.append(Requirement(frozenset([DIGIT]), behind))
        elif op is sre.SUBPATTERN:
            found.extend(_requirements(av[3], behind))
        elif op is sre.BRANCH:
            parts = [_requirements(alternative, behind) for alternative in av[1]]
            if all(parts):
                # one requirement per alternative: the most selective of each
                chosen = [max(part, key=_selectivity) for part in parts]
                found.append(Requirement(frozenset().union(*(r.literals for r in chosen)),
                                         any(r.behind for r in chosen)))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            found.extend(_requirements(av[2], behind))
        elif op is sre.ASSERT:
            # a lookahead reads on from the match, inside its window; a lookbehind reads back
            found.extend(_requirements(av[1], behind or av[0] < 0))
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
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:
        return []
    found = [r for r in _requirements(list(parsed)) if _selectivity(r)[0] >= min_length]
    return sorted(set(found), key=lambda r: (_selectivity(r), sorted(r.literals)), reverse=True)


def _first_chars(items) -> tuple[set[str], bool] | None:
    """(characters a match of ``items`` can start with, whether it may start with a digit), or None."""
    for op, av in items:
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero width
        if op is sre.LITERAL:
            return {chr(av)}, False
        if op is sre.IN:
            if _is_digit_class(op, av) and _class_chars(av) is None:
                return set(), True
            chars = _class_chars(av)
            return (set(chars), False) if chars else None
        if op is sre.SUBPATTERN:
            return _first_chars(av[3])
        if op is sre.BRANCH:
            chars, digit = set(), False
            for alternative in av[1]:
                part = _first_chars(alternative)
                if part is None:
                    return None
                chars |= part[0]
                digit = digit or part[1]
            return chars, digit
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            return _first_chars(av[2])
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
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:
        return None
    items = list(parsed)
    if not items or items[0][0] in (sre.LITERAL, sre.IN, sre.AT):
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
    try:
        first = _first_chars(list(sre_parse.parse(pattern)))
    except Exception:
        return False
    return first is not None and (first[1] or bool(first[0])) and all(c.isdigit() for c in first[0])


MAX_OPENINGS = 64  #: alternatives a pattern may be spread into by :func:`literals_first`
MAX_SPLIT = 8  #: a class of at most this many characters opening a pattern is spread into literals

Opening = tuple[list, list]  # (zero-width items checked where the match starts, items from there on)


def _zero_width(item, state) -> bool:
    return sre_parse.SubPattern(state, [item]).getwidth() == (0, 0)


def _repeat(op, low: int, high, inner) -> list:
    """``inner`` repeated ``low`` to ``high`` times (nothing when ``high`` is 0)."""
    return [] if high == 0 else [(op, (low, high, inner))]


def _openings(items, zero, state) -> list[Opening] | None:
    """Each way a match of ``items`` can start, in the order the engine tries them: the zero-width
    items before it and items that open with one character (a literal or a class); None when that
    is not known or there are more than :data:`MAX_OPENINGS`."""
    items, zero = list(items), list(zero)
    while items and _zero_width(items[0], state):
        zero.append(items.pop(0))
    if not items:
        return None
    (op, av), rest = items[0], items[1:]
    if op is sre.IN and len(av) <= MAX_SPLIT and all(o is sre.LITERAL for o, _ in av):
        return [(zero, [literal] + rest) for literal in av]  # [lr]x is lx|rx: never both at one place
    if op is sre.LITERAL or (op is sre.IN and all(o is not sre.NEGATE for o, _ in av)):
        return [(zero, items)]
    found: list[Opening] = []
    if op is sre.BRANCH:  # (?:a|b)c is ac|bc, tried in that order
        for alternative in av[1]:
            part = _openings(list(alternative) + rest, zero, state)
            if part is None:
                return None
            found += part
    elif op is sre.MAX_REPEAT and sre_parse.SubPattern(state, av[2]).getwidth()[0] > 0:
        low, high, inner = av
        less = high if high is sre.MAXREPEAT else high - 1
        # x{2,5}c is x x{1,4} c; greedy x?c and x*c try x first: x x{0,n-1} c, then c
        part = _openings(list(inner) + _repeat(op, max(low - 1, 0), less, inner) + rest, zero, state)
        if part is None:
            return None
        found += part
        if low == 0:
            part = _openings(rest, zero, state)
            if part is None:
                return None
            found += part
    else:
        return None
    return found if len(found) <= MAX_OPENINGS else None


def _checked(opening: Opening, state) -> list:
    """The opening's items with its zero-width items moved behind its leading literals, as a lookbehind."""
    zero, items = opening
    count = 1
    while items[0][0] is sre.LITERAL and count < len(items) and items[count][0] is sre.LITERAL:
        count += 1
    check = [(sre.ASSERT, (-1, sre_parse.SubPattern(state, zero + items[:count])))] if zero else []
    return items[:count] + check + items[count:]


def literals_first(pattern: str, flags: int = 0) -> re.Pattern | None:
    r"""``pattern`` compiled so that its leading lookarounds and ``\b`` are checked after the
    literals a match opens with; None when it opens with something else (a choice of a word and a
    class, an optional group of more than a few choices, a capture) or needs no change.

    re's search skips at C speed to a first literal (or a choice of literals, or one class), but
    tries a pattern that opens with assertions at every position. ``(?<!no )\b(?:fever|febrile)``
    becomes ``fever(?<=(?<!no )\bfever)|febrile(?<=(?<!no )\bfebrile)``: the same matches, the
    lookbehind reading from where the match starts. Choices inside the opening are spread out first
    (``(?:a|b)c`` is ``ac|bc``; a greedy ``x?c`` is ``xc|c``).

    >>> literals_first(r"(?<!no )\b(?:fever|febrile)").findall("fever; no fever; febrile")
    ['fever', 'febrile']
    >>> literals_first(r"(?<!no )\b(?:low\s+)?back").findall("low back; no back; back")
    ['low back', 'back']
    >>> literals_first(r"(a)bc") is None  # a capture
    True
    """
    try:
        parsed = sre_parse.parse(pattern, flags)
    except Exception:
        return None
    state = parsed.state
    openings = _openings(list(parsed), [], state)
    if not openings or (len(openings) == 1 and not openings[0][0]):
        return None  # unknown, or opening with a literal or class already: the engine skips ahead
    if len(openings) == 1:
        rewritten = _checked(openings[0], state)
    elif all(items[0][0] is sre.LITERAL for _zero, items in openings):
        # a choice of literals: the engine skips to one of their first characters
        rewritten = [(sre.BRANCH, (None, [sre_parse.SubPattern(state, _checked(o, state)) for o in openings]))]
    else:
        return None  # a class among the choices: each would be tried in turn at every candidate
    try:
        return sre_compile.compile(sre_parse.SubPattern(state, rewritten), flags)
    except Exception:  # pragma: no cover - a form the engine refuses: run the pattern as written
        return None
