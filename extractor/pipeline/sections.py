"""Section detection from medspaCy ``SectionRule`` JSON.

A header is a short title at the start of a line, followed by a colon (text
may follow on the same line: "PMH: HTN") or standing alone on its line
("PHYSICAL EXAMINATION"). A rule's ``literal`` matches the whole title,
case-insensitively; a rule's ``pattern`` (a regular expression) may be
used instead. A section runs from its header to the next header. A rule
with ``parents`` is a subsection header ("Neuro:" inside an exam or a review
of systems): inside one of its parents it continues the open section.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..rules import SectionRule, load_section_rules

_HEADER = re.compile(
    r"^[ \t]*(?:[-*•#>]+[ \t]*)?(?P<title>[A-Za-z][A-Za-z0-9 /&()',.+-]{0,48}?)[ \t]*"
    r"(?:(?P<colon>:|(?<=\w) -(?= ))|$)",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Section:
    """One section of a note: its category and the character range it covers."""

    category: str
    title: str
    start_char: int
    end_char: int


class Sectionizer:
    """Find the sections of a note's text."""

    def __init__(self, rules: list[SectionRule]):
        self.rules = list(rules)
        self._literals = {self._normalise(r.literal): r for r in self.rules if r.pattern is None}
        self._patterns = [(re.compile(r.pattern, re.IGNORECASE), r) for r in self.rules if isinstance(r.pattern, str)]
        self._titles: dict[str, tuple[bool, SectionRule | None]] = {}  # notes repeat their titles

    @classmethod
    def from_patterns(cls, patterns_dir: str | Path) -> "Sectionizer":
        """The section rules of ``patterns_dir/section_rules.json`` (a literal list is one rule per title)."""
        return cls(load_section_rules(patterns_dir, str.split))

    @staticmethod
    def _normalise(title: str) -> str:
        return re.sub(r"\s+", " ", title.strip().strip(":.").lower())

    def _rule(self, title: str) -> SectionRule | None:
        key = self._normalise(title)
        if key in self._literals:
            return self._literals[key]
        for pattern, rule in self._patterns:
            if pattern.fullmatch(key):
                return rule
        return None

    def sections(self, text: str) -> list[Section]:
        """The sections of ``text`` in order; text before the first header has no section."""
        headers = []
        for match in _HEADER.finditer(text):
            title = match.group("title")
            known = self._titles.get(title)
            if known is None:
                if len(self._titles) > 100_000:
                    self._titles.clear()
                known = self._titles[title] = (self._normalise(title) in self._literals, self._rule(title))
            is_literal, rule = known
            if not match.group("colon") and not (title.isupper() or is_literal):
                continue
            if rule is None:
                continue
            if rule.parents and headers and headers[-1][1] in rule.parents:
                continue
            headers.append((match.start("title"), rule.category, title))
        return [
            Section(category, title, start, headers[i + 1][0] if i + 1 < len(headers) else len(text))
            for i, (start, category, title) in enumerate(headers)
        ]
