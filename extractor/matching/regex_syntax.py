"""A parse tree for the regular expressions of the rules, and back to pattern text.

:mod:`.regex_analysis` reads what a rule's regex can match from its parse
tree. Python's own parser (``re._parser``) is private and may change with any
release, so this module parses the regex syntax the rules use and refuses the
rest (:class:`RegexSyntaxError`): the analysis then leaves that regex as
written. :func:`to_pattern` writes a tree back as pattern text with the same
meaning, for the rewritten regexes of :func:`.regex_analysis.literals_first`.

Nodes are ``(op, value)`` tuples:

- ``("LITERAL", char)``, ``("ANY", None)`` (``.``);
- ``("IN", items)``: a class; items are ``("LITERAL", c)``, ``("RANGE", (lo, hi))``,
  ``("CATEGORY", letter)`` (``d``, ``w``, ``s`` and their negations ``D``, ``W``, ``S``),
  and a leading ``("NEGATE", None)``;
- ``("CATEGORY", letter)`` outside a class (``\\d``, ``\\s``...);
- ``("AT", kind)``: ``"^"``, ``"$"``, ``"A"``, ``"Z"``, ``"b"``, ``"B"``;
- ``("GROUP", (capturing, add_flags, del_flags, items))``;
- ``("BRANCH", [items, ...])``;
- ``("REPEAT", (low, high, mode, items))``: ``high`` None for no limit, ``mode`` ``""``, ``"?"`` (lazy) or ``"+"``;
- ``("ASSERT", (behind, negative, items))``: lookahead or lookbehind.

A pattern parses to ``(flags, items)``, ``flags`` the global inline flags (``"im"``...).
"""
from __future__ import annotations

from typing import Any

Node = tuple[str, Any]
CATEGORIES = frozenset("dwsDWS")
ANCHORS = {"b": "b", "B": "B", "A": "A", "Z": "Z"}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_SPECIAL = set(".^$*+?{}[]\\|()")
MAX_REPEAT = 65535


class RegexSyntaxError(ValueError):
    """A pattern this parser does not read (the caller then runs it as written)."""


class _Reader:
    def __init__(self, text: str):
        self.text, self.at = text, 0

    def peek(self, n: int = 1) -> str:
        return self.text[self.at:self.at + n]

    def take(self, n: int = 1) -> str:
        part = self.text[self.at:self.at + n]
        if len(part) < n:
            raise RegexSyntaxError("unexpected end of pattern")
        self.at += n
        return part

    def done(self) -> bool:
        return self.at >= len(self.text)


def parse(pattern: str) -> tuple[str, list[Node]]:
    """``(global flags, items)`` of ``pattern``; raises :class:`RegexSyntaxError` for what it does not read."""
    reader = _Reader(pattern)
    flags = ""
    while reader.peek(2) == "(?" and reader.peek(3)[2:] and reader.peek(3)[2] in "aiLmsux":
        end = reader.text.find(")", reader.at)
        body = reader.text[reader.at + 2:end]
        if end < 0 or not body or not set(body) <= set("aiLmsux"):
            break
        flags += body
        reader.at = end + 1
    items = _alternation(reader)
    if not reader.done():
        raise RegexSyntaxError(f"unbalanced parenthesis at {reader.at}")
    return flags, items


def _alternation(reader: _Reader) -> list[Node]:
    branches = [_sequence(reader)]
    while reader.peek() == "|":
        reader.take()
        branches.append(_sequence(reader))
    return branches[0] if len(branches) == 1 else [("BRANCH", branches)]


def _sequence(reader: _Reader) -> list[Node]:
    items: list[Node] = []
    while not reader.done() and reader.peek() not in "|)":
        atom = _atom(reader)
        items.append(_quantified(reader, atom))
    return items


def _quantified(reader: _Reader, atom: Node) -> Node:
    char = reader.peek()
    if char in ("?", "*", "+"):
        reader.take()
        low, high = {"?": (0, 1), "*": (0, None), "+": (1, None)}[char]
    elif char == "{" and _is_count(reader):
        body = reader.text[reader.at + 1:reader.text.index("}", reader.at)]
        reader.at += len(body) + 2
        low_text, _, high_text = body.partition(",")
        low = int(low_text) if low_text else 0
        high = low if "," not in body else (int(high_text) if high_text else None)
    else:
        return atom
    if atom[0] in ("AT", "ASSERT"):
        raise RegexSyntaxError("a repeated zero-width item")
    mode = ""
    if reader.peek() in ("?", "+"):
        mode = reader.take()
    if reader.peek() in ("?", "*", "+"):
        raise RegexSyntaxError("multiple repeat")
    return "REPEAT", (low, high, mode, [atom])


def _is_count(reader: _Reader) -> bool:
    end = reader.text.find("}", reader.at)
    body = reader.text[reader.at + 1:end] if end > 0 else ""
    low, comma, high = body.partition(",")
    return bool(body) and (low.isdigit() or (not low and comma)) and (not high or high.isdigit())


def _atom(reader: _Reader) -> Node:
    char = reader.take()
    if char == "(":
        return _group(reader)
    if char == "[":
        return "IN", _class(reader)
    if char == ".":
        return "ANY", None
    if char == "^":
        return "AT", "^"
    if char == "$":
        return "AT", "$"
    if char == "\\":
        return _escape(reader, in_class=False)
    if char in "*+?":
        raise RegexSyntaxError("nothing to repeat")
    if char == "{" and _is_count(reader):
        raise RegexSyntaxError("nothing to repeat")
    return "LITERAL", char


def _group(reader: _Reader) -> Node:
    if reader.peek() != "?":
        items = _alternation(reader)
        _close(reader)
        return "GROUP", (True, "", "", items)
    reader.take()
    kind = reader.take()
    if kind == ":":
        items = _alternation(reader)
        _close(reader)
        return "GROUP", (False, "", "", items)
    if kind in "=!":
        items = _alternation(reader)
        _close(reader)
        return "ASSERT", (False, kind == "!", items)
    if kind == "<" and reader.peek() in ("=", "!"):
        negative = reader.take() == "!"
        items = _alternation(reader)
        _close(reader)
        return "ASSERT", (True, negative, items)
    # scoped flags: (?i:...), (?-i:...), (?i-m:...)
    spec = kind
    while reader.peek() and reader.peek() not in ":)":
        spec += reader.take()
    if reader.take() != ":":
        raise RegexSyntaxError("global flags must open the pattern")
    add, _, remove = spec.partition("-")
    if not set(add + remove) <= set("aiLmsux"):
        raise RegexSyntaxError(f"unsupported group (?{spec}")
    items = _alternation(reader)
    _close(reader)
    return "GROUP", (False, add, remove, items)


def _close(reader: _Reader) -> None:
    if reader.peek() != ")":
        raise RegexSyntaxError("missing )")
    reader.take()


def _escape(reader: _Reader, in_class: bool) -> Node:
    char = reader.take()
    if char in CATEGORIES:
        return "CATEGORY", char
    if char in ANCHORS and not in_class:
        return "AT", ANCHORS[char]
    if char in _ESCAPES:
        return "LITERAL", _ESCAPES[char]
    if char.isalnum():
        raise RegexSyntaxError(f"unsupported escape \\{char}")
    return "LITERAL", char


def _class(reader: _Reader) -> list[Node]:
    items: list[Node] = []
    if reader.peek() == "^":
        reader.take()
        items.append(("NEGATE", None))
    first = True
    while True:
        char = reader.take()
        if char == "]" and not first:
            return items
        first = False
        if char == "\\":
            node = _escape(reader, in_class=True)
        elif char == "[" and reader.peek() in (":", "=", "."):
            raise RegexSyntaxError("POSIX classes are not supported")
        else:
            node = ("LITERAL", char)
        if node[0] == "LITERAL" and reader.peek() == "-" and reader.peek(2)[1:] not in ("]", ""):
            reader.take()
            high = reader.take()
            high_node = _escape(reader, in_class=True) if high == "\\" else ("LITERAL", high)
            if high_node[0] != "LITERAL" or ord(high_node[1]) < ord(node[1]):
                raise RegexSyntaxError("bad character range")
            items.append(("RANGE", (ord(node[1]), ord(high_node[1]))))
        else:
            items.append(node)


def width(items: list[Node]) -> tuple[int, int | None]:
    """The least and most characters a sequence matches (``None``: no limit)."""
    low, high = 0, 0
    for op, value in items:
        if op in ("LITERAL", "ANY", "IN", "CATEGORY"):
            item_low, item_high = 1, 1
        elif op in ("AT", "ASSERT"):
            item_low, item_high = 0, 0
        elif op == "GROUP":
            item_low, item_high = width(value[3])
        elif op == "BRANCH":
            widths = [width(branch) for branch in value]
            item_low = min(w[0] for w in widths)
            item_high = None if any(w[1] is None for w in widths) else max(w[1] for w in widths)
        elif op == "REPEAT":
            r_low, r_high, _mode, inner = value
            inner_low, inner_high = width(inner)
            item_low = inner_low * r_low
            item_high = None if r_high is None or inner_high is None else inner_high * r_high
        else:  # pragma: no cover - every node kind is listed above
            raise ValueError(op)
        low += item_low
        high = None if high is None or item_high is None else high + item_high
    return low, high


def _literal_text(char: str, in_class: bool) -> str:
    if char in _SPECIAL or (in_class and char in "-^"):
        return "\\" + char
    for letter, value in _ESCAPES.items():
        if char == value:
            return "\\" + letter
    return char


def to_pattern(items: list[Node], flags: str = "") -> str:
    """Pattern text for ``items`` (with global ``flags`` first)."""
    return (f"(?{flags})" if flags else "") + "".join(_node_text(node) for node in items)


def _node_text(node: Node) -> str:
    op, value = node
    if op == "LITERAL":
        return _literal_text(value, in_class=False)
    if op == "ANY":
        return "."
    if op == "CATEGORY":
        return "\\" + value
    if op == "AT":
        return value if value in ("^", "$") else "\\" + value
    if op == "IN":
        parts = []
        for item_op, item in value:
            if item_op == "NEGATE":
                parts.append("^")
            elif item_op == "LITERAL":
                parts.append(_literal_text(item, in_class=True))
            elif item_op == "RANGE":
                parts.append(f"{_literal_text(chr(item[0]), True)}-{_literal_text(chr(item[1]), True)}")
            else:
                parts.append("\\" + item)
        return "[" + "".join(parts) + "]"
    if op == "GROUP":
        capturing, add, remove, inner = value
        if capturing:
            return "(" + to_pattern(inner) + ")"
        flag_text = add + (f"-{remove}" if remove else "")
        return f"(?{flag_text}:" + to_pattern(inner) + ")"
    if op == "BRANCH":
        return "(?:" + "|".join(to_pattern(branch) for branch in value) + ")"
    if op == "REPEAT":
        low, high, mode, inner = value
        body = to_pattern(inner)
        if len(inner) != 1 or inner[0][0] in ("REPEAT", "BRANCH") or (inner[0][0] == "LITERAL" and len(body) > 2):
            body = f"(?:{body})"
        if (low, high) == (0, 1):
            count = "?"
        elif (low, high) == (0, None):
            count = "*"
        elif (low, high) == (1, None):
            count = "+"
        elif high is None:
            count = f"{{{low},}}"
        elif low == high:
            count = f"{{{low}}}"
        else:
            count = f"{{{low},{high}}}"
        return body + count + mode
    if op == "ASSERT":
        behind, negative, inner = value
        return "(?" + ("<" if behind else "") + ("!" if negative else "=") + to_pattern(inner) + ")"
    raise ValueError(f"unknown node {op}")  # pragma: no cover
