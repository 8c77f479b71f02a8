"""The rule source of ``patterns/``, expanded into rule objects when the rules load.

Rule files are medspaCy JSON (``{"target_rules": [...]}``,
``{"context_rules": [...]}``, ``{"section_rules": [...]}``) in which a rule may
refer to named lists instead of writing them out (``patterns/README.md`` is
the reference for editors):

- **Vocabularies** (``patterns/vocabularies/NAME.txt``): one entry a line,
  ``#`` starts a comment. ``"@NAME"`` stands for the list.
- **Several phrases, one rule**: ``"literal": ["low back pain", "lbp"]`` or
  ``"literal": "@NAME"`` makes one rule per phrase.
- **Token lists**: ``{"LOWER": {"IN": "@NAME"}}`` or ``{"IN": ["@NAME", "other"]}``.
- **Phrase slots**: a pattern token ``{"PHRASE": "@NAME"}`` (or a list of
  phrases) makes one rule per phrase, the slot replaced by the phrase's tokens
  (``{"LOWER": ...}`` each, tokenized as notes are).
- **Fragments** (``patterns/fragments.json``): a pattern token
  ``{"FRAGMENT": "NAME"}`` is replaced by a named token sequence, and
  ``{{NAME}}`` in a regex by a named regex; ``{{@NAME}}`` in a regex is the
  vocabulary as an alternation ``(?:a|b\\s+c)`` and ``{{!@NAME}}`` as a run of
  negative lookbehinds ``(?<!a )(?<!b c )``, one per entry.

A rule's ``metadata`` may carry a ``note`` (why the rule exists) and
``examples`` (phrases it must find: ``rules lint`` checks them).
"""
from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from .model import ConTextRule, RuleSource, SectionRule, TargetRule

VOCABULARY_DIR = "vocabularies"
FRAGMENTS_FILE = "fragments.json"
RULE_KINDS = {"target_rules": TargetRule, "context_rules": ConTextRule, "section_rules": SectionRule}
_REGEX_REFERENCE = re.compile(r"\{\{(!?)(@?)([A-Za-z0-9_]+)\}\}")
_LIST_KEYS = ("IN", "NOT_IN")
_REFERENCE = re.compile(r"@([a-z][a-z0-9_]*)")  # "@" alone, or "@" before anything else, is a plain word


class RuleSourceError(ValueError):
    """A rule file that cannot be expanded: names the file, the rule and the problem."""


def read_vocabulary(path: Path) -> list[str]:
    """The entries of a vocabulary file: one a line, surrounding spaces ignored; blank lines and lines that
    start with ``#`` are skipped (an entry that starts with ``#`` is written ``\\#``)."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.strip()
        if entry and not entry.startswith("#"):
            entries.append(entry[1:] if entry.startswith("\\#") else entry)
    return entries


@dataclass
class Library:
    """The named lists a rule may refer to: vocabularies, token fragments and regex fragments."""

    vocabularies: dict[str, list[str]] = field(default_factory=dict)
    token_fragments: dict[str, list] = field(default_factory=dict)
    regex_fragments: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # names referred to while expanding (for the lint)

    @classmethod
    def load(cls, patterns_dir: Path) -> "Library":
        vocabularies = {path.stem: read_vocabulary(path)
                        for path in sorted((patterns_dir / VOCABULARY_DIR).glob("*.txt"))}
        fragments_path = patterns_dir / FRAGMENTS_FILE
        fragments = json.loads(fragments_path.read_text(encoding="utf-8")) if fragments_path.exists() else {}
        return cls(vocabularies,
                   {name: entry["pattern"] for name, entry in fragments.get("token_fragments", {}).items()},
                   {name: entry["regex"] for name, entry in fragments.get("regex_fragments", {}).items()})

    def vocabulary(self, name: str, seen: tuple[str, ...] = ()) -> list[str]:
        """A vocabulary's entries; an entry ``@OTHER`` includes another vocabulary."""
        if name not in self.vocabularies:
            raise KeyError(f"vocabulary @{name} is not defined (no {VOCABULARY_DIR}/{name}.txt)")
        if name in seen:
            raise KeyError(f"vocabulary @{name} includes itself")
        self.used.add("@" + name)
        entries: list[str] = []
        for entry in self.vocabularies[name]:
            reference = _REFERENCE.fullmatch(entry)
            entries.extend(self.vocabulary(reference.group(1), seen + (name,)) if reference else [entry])
        return list(dict.fromkeys(entries))

    def items(self, value: str | Sequence[str]) -> list[str]:
        """A list with each ``"@NAME"`` replaced by the vocabulary's entries (duplicates dropped, order kept)."""
        values = [value] if isinstance(value, str) else list(value)
        out: list[str] = []
        for item in values:
            reference = _REFERENCE.fullmatch(item) if isinstance(item, str) else None
            out.extend(self.vocabulary(reference.group(1)) if reference else [item])
        return list(dict.fromkeys(out))

    def token_fragment(self, name: str, seen: tuple[str, ...] = ()) -> list:
        if name not in self.token_fragments:
            raise KeyError(f"token fragment {name!r} is not defined in {FRAGMENTS_FILE}")
        if name in seen:
            raise KeyError(f"token fragment {name!r} refers to itself")
        self.used.add(name)
        return self.tokens(self.token_fragments[name], seen + (name,))

    def tokens(self, pattern: Sequence[Any], seen: tuple[str, ...] = ()) -> list:
        """A token pattern with fragments spliced and vocabulary lists expanded (phrase slots are kept)."""
        out: list = []
        for token in pattern:
            if not isinstance(token, dict):
                raise ValueError(f"a pattern token must be an object, not {token!r}")
            if "FRAGMENT" in token:
                if len(token) != 1:
                    raise ValueError(f"a FRAGMENT token takes no other keys: {token}")
                out.extend(self.token_fragment(token["FRAGMENT"], seen))
            elif "PHRASE" in token:
                out.append({"PHRASE": self.items(token["PHRASE"])})
            else:
                out.append(self._token(token))
        return out

    def _token(self, token: Mapping[str, Any]) -> dict:
        expanded = {}
        for attr, value in token.items():
            if isinstance(value, dict):
                value = {op: (self.items(v) if op in _LIST_KEYS else v) for op, v in value.items()}
            expanded[attr] = value
        return expanded

    def regex(self, pattern: str, seen: tuple[str, ...] = ()) -> str:
        """A regex with ``{{NAME}}``, ``{{@NAME}}`` and ``{{!@NAME}}`` replaced (see the module docstring)."""
        def replace(match: re.Match) -> str:
            negated, is_vocabulary, name = match.groups()
            if is_vocabulary:
                entries = self.vocabulary(name)
                if negated:  # fixed-width lookbehinds: the words right before the match, then one space
                    return "".join(f"(?<!{re.escape(entry)} )" for entry in entries)
                return "(?:" + "|".join("\\s+".join(map(re.escape, entry.split())) for entry in entries) + ")"
            if negated:
                raise KeyError(f"{{{{!{name}}}}}: only a vocabulary (@{name}) can be a list of lookbehinds")
            if name not in self.regex_fragments:
                raise KeyError(f"regex fragment {name!r} is not defined in {FRAGMENTS_FILE}")
            if name in seen:
                raise KeyError(f"regex fragment {name!r} refers to itself")
            self.used.add(name)
            return self.regex(self.regex_fragments[name], seen + (name,))
        return _REGEX_REFERENCE.sub(replace, pattern)


def _phrase_slots(pattern: list) -> list[int]:
    return [i for i, token in enumerate(pattern) if "PHRASE" in token]


def expand_rule(record: Mapping[str, Any], library: Library,
                tokenize: Callable[[str], list[str]]) -> Iterator[tuple[dict, str | None]]:
    """The plain medspaCy rule dicts one source rule stands for, each with the phrase it was made for."""
    record = dict(record)
    pattern = record.get("pattern")
    literal = record.get("literal")
    if pattern is None:
        if not isinstance(literal, (str, list)):
            raise ValueError("literal must be a string or a list of strings")
        phrases = library.items(literal)
        if not phrases:
            raise ValueError("literal names no phrase")
        for phrase in phrases:
            yield {**record, "literal": phrase}, (phrase if phrases != [literal] else None)
        return
    if not isinstance(literal, str) or _REFERENCE.fullmatch(literal):
        raise ValueError("a rule with a pattern takes one descriptive literal (a string, not a list)")
    if isinstance(pattern, str):
        yield {**record, "pattern": library.regex(pattern)}, None
        return
    if not isinstance(pattern, list):
        raise ValueError("pattern must be a token list or a regex string")
    tokens = library.tokens(pattern)
    slots = _phrase_slots(tokens)
    if not slots:
        yield {**record, "pattern": tokens}, None
        return
    choices = [tokens[i]["PHRASE"] for i in slots]
    for combination in itertools.product(*choices):
        expanded: list = []
        phrases = dict(zip(slots, combination))
        for i, token in enumerate(tokens):
            if i in phrases:
                words = tokenize(phrases[i])
                if not words:
                    raise ValueError(f"phrase {phrases[i]!r} has no tokens")
                expanded.extend({"LOWER": word.lower()} for word in words)
            else:
                expanded.append(token)
        yield {**record, "pattern": expanded}, " / ".join(combination)


def load_rule_file(path: Path, library: Library, tokenize: Callable[[str], list[str]],
                   relative_to: Path | None = None) -> list:
    """The rule objects of one rule file, in file order, each knowing its source."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise RuleSourceError(f"{path}:{error.lineno}: invalid JSON ({error.msg})") from None
    kinds = [key for key in data if key in RULE_KINDS]
    if len(kinds) != 1:
        raise RuleSourceError(f"{path}: a rule file holds one of {sorted(RULE_KINDS)}")
    kind = RULE_KINDS[kinds[0]]
    name = str(path.relative_to(relative_to)) if relative_to else path.name
    rules = []
    for index, record in enumerate(data[kinds[0]]):
        try:
            for plain, phrase in expand_rule(record, library, tokenize):
                rules.append(kind.from_dict(plain, RuleSource(name, index, phrase)))
        except (KeyError, ValueError, TypeError) as error:
            message = error.args[0] if isinstance(error, KeyError) and error.args else error
            raise RuleSourceError(f"{path}: rule {index} ({str(record.get('literal'))[:60]!r}): {message}") from None
    return rules
