"""Section detection from medspaCy ``SectionRule`` JSON.

A header is a short title at the start of a line, followed by a colon (text
may follow on the same line: "PMH: HTN") or standing alone on its line
("PHYSICAL EXAMINATION"). Inside a line, a known title followed by a colon
is a header too: notes exported as one paragraph or with lines joined by
commas ("...deficiency PSH: none Allergies: NKA", "...resolved.,FAMILY
HISTORY:, Mother...") keep their sections. A rule's ``literal`` matches the whole title,
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
    r"(?:(?P<colon>:|(?<=\w) -(?= ))|(?=\r?$))",
    re.MULTILINE,
)
# a colon inside a line that may end a title: not a time ("10:30"), not a ratio
_INLINE_COLON = re.compile(r"(?<=[A-Za-z)])[ \t]*:(?=[ \t\r,]|$)", re.MULTILINE)
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9/&()'+-]*")
#: the most words an inline title may have ("history of present illness")
MAX_INLINE_TITLE_WORDS = 5


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

    def _known(self, title: str) -> tuple[bool, SectionRule | None]:
        known = self._titles.get(title)
        if known is None:
            if len(self._titles) > 100_000:
                self._titles.clear()
            known = self._titles[title] = (self._normalise(title) in self._literals, self._rule(title))
        return known

    def _inline_titles(self, text: str, line_header_ends: set[int]) -> list[tuple[int, str, SectionRule]]:
        """``(start, title, rule)`` of known, capitalised titles followed by a colon inside a line (the longest
        title that ends at the colon); colons that end a line-start header are skipped."""
        found = []
        for colon in _INLINE_COLON.finditer(text):
            if colon.start() in line_header_ends:
                continue
            line_start = text.rfind("\n", 0, colon.start()) + 1
            words = list(_TITLE_WORD.finditer(text, max(line_start, colon.start() - 60), colon.start()))
            for count in range(min(len(words), MAX_INLINE_TITLE_WORDS), 0, -1):
                start = words[-count].start()
                if not text[start].isupper() or (
                        start > line_start and text[start - 1] not in " \t.,;)"):
                    continue  # a title inside a line is capitalised ("Plan based on results:" is not one)
                title = text[start:colon.start()]
                _, rule = self._known(title)
                if rule is not None:
                    found.append((start, title, rule))
                    break
        return found

    def sections(self, text: str) -> list[Section]:
        """The sections of ``text`` in order; text before the first header has no section."""
        candidates, ends = [], set()
        for match in _HEADER.finditer(text):
            title = match.group("title")
            is_literal, rule = self._known(title)
            if not match.group("colon") and not (title.isupper() or is_literal):
                continue
            if rule is not None:
                candidates.append((match.start("title"), title, rule))
                ends.add(match.end("title"))
        candidates += self._inline_titles(text, ends)
        headers = []
        for start, title, rule in sorted(candidates, key=lambda c: c[0]):
            if rule.parents and headers and headers[-1][1] in rule.parents:
                continue
            headers.append((start, rule.category, title))
        return [
            Section(category, title, start, headers[i + 1][0] if i + 1 < len(headers) else len(text))
            for i, (start, category, title) in enumerate(headers)
        ]
