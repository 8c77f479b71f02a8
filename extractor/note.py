"""One note as it flows through the pipeline: text, date, tokens, sentences and sections, computed once.

Every stage (targets, context, assertions) reads the same :class:`Note`
instead of recomputing sentence numbers or passing the text and date
around separately.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from spacy.tokens import Doc

from .pipeline.sections import Section


@dataclass
class Note:
    """A tokenized note whose sentences are set (``SENT_START``).

    ``sentence_starts`` holds the first token of each sentence and then
    ``len(doc)``; ``sentence_of`` the sentence number of every token.
    """

    text: str
    date: dt.date | None
    doc: Doc
    sentence_starts: np.ndarray
    sentence_of: np.ndarray
    sections: list[Section]
    section_starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.section_starts = [section.start_char for section in self.sections]

    @classmethod
    def read(cls, doc: Doc, text: str, date: dt.date | None, sections: list[Section]) -> "Note":
        if len(doc):
            starts = doc.to_array("SENT_START").astype(np.int64)
            starts[0] = 1
            first = starts == 1
            sentence_starts = np.append(np.flatnonzero(first), len(doc))
            sentence_of = np.cumsum(first) - 1
        else:
            sentence_starts, sentence_of = np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return cls(text, date, doc, sentence_starts, sentence_of, sections)

    def section_at(self, char: int) -> Section | None:
        """The section covering character ``char``, or None before the first header."""
        index = bisect.bisect_right(self.section_starts, char) - 1
        if index < 0:
            return None
        section = self.sections[index]
        return section if char < section.end_char else None
