"""A fast clinical sentence splitter.

Notes break sentences at line breaks far more often than at periods:
headers, bullet lists, templated review-of-systems lines and vitals rows all
end at a newline. The splitter finds boundaries with a few regular
expressions over the text, maps them to tokens with one vectorised search
and writes them with ``Doc.from_array``, so its cost is linear in the text
and independent of rule counts. Over-long runs (text without punctuation)
are cut at the next comma or space, which bounds every sentence and keeps
context scope local.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Sequence

import numpy as np
from spacy.attrs import SENT_START
from spacy.tokens import Doc

# A line break followed by text that continues the previous line: a lowercase
# word after a line that did not end a clause (hard-wrapped prose).
_WRAPPED_LINE = re.compile(r"(?<=[a-z,])[ \t\r]*\n[ \t]*(?=[a-z])")
_LINE_START = re.compile(r"\n[ \t]*(?=\S)")
# a period followed by "- item" on the same line continues an inline list ("- fever. - wt loss"), unless
# the item is capitalised (a flattened bullet: "Will obtain MRI. - Refer to spine surgery.");
# a lower-case word after a period starts a sentence too (phone and portal notes), unless the
# period ends an abbreviation; after a question mark it is the answer to a checklist question
_PUNCT_END = re.compile(r"([.!?]+)[\"')\]]*[ \t]+(?=[\"'(\[]?(?:[A-Z0-9•*+]|-(?! )|- (?=[A-Z]))|(?<=[.!] )[a-z])")
# the transcription export joins lines with commas: "...dysrhythmia.,PAST MEDICAL HISTORY:,1.  Mesothelioma.",
# "x 5 days,- stop meloxicam", "SLR + R at 40,Motor 5/5": after a period or colon, or a bare comma (no space)
# before a capitalised word, a capitals header, a list marker or a numbered item
_EXPORT_JOIN = re.compile(r"([.:])[ \t]*,[ \t]*(?=[A-Z0-9(*\u2022-])"
                          r"|(?<=\S)(,)(?=[A-Z][a-z]|[A-Z][A-Z /&]+:|[-*\u2022] |\d{1,2}\.\s)")
# a note's title in capitals run into its first sentence ("PAIN MANAGEMENT CONSULTATION 47 yo M ...")
_TITLE_RUN = re.compile(r"\A[ \t]*(?:[A-Z][A-Z&/-]+[ \t]+){0,5}(?:CONSULT|CONSULTATION|NOTE|VISIT|EVALUATION|FOLLOW-UP|"
                        r"H&P|PROGRESS|REPORT|SUMMARY|REQUEST|REFERRAL|ENCOUNTER|MESSAGE)(?=[ \t]+(?:\d|[A-Z][a-z]))")
# run-on text (a flattened note): a capitalised subject pronoun after a lower-case word ("...of relief He wants"),
# or a capitalised item after a bullet dash that follows a bracket or a number ("allergy) - Referral to ...")
_RUN_ON = re.compile(r"(?<=[a-z0-9,)])[ \t]+(?=(?:He|She|They|Pt|Patient)\b)|(?<=[)\d])[ \t]+(?=-[ \t]+[A-Z][a-z])")
# abbreviations that, in capitals, are words that end sentences ("PT" is physical therapy, "pt" the patient)
_CAPITALISED_WORDS = frozenset({"PT", "PTS"})
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.*$")
# letters joined by periods ("i.v", "a.m", "b.i.d"): an abbreviation, not the end of a sentence, before a lower-case word
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]\.?")
# "Pacemaker? N" / "Fever? yes": a checklist answer after a question mark stays with its question
_CHECKLIST_ANSWER = re.compile(r"(?i)(?:y|n|yes|no|none|neg|pos|unk|unknown|n/a)\b")


class ClinicalSentenceSplitter:
    """Set ``token.is_sent_start`` for clinical notes.

    Parameters
    ----------
    non_final_abbreviations:
        Lower-case words whose trailing period does not end a sentence.
    max_sentence_chars:
        Sentences longer than this are cut at the next comma or space.
    """

    def __init__(self, non_final_abbreviations: list[str], max_sentence_chars: int = 400):
        self.non_final_abbreviations = frozenset(a.lower() for a in non_final_abbreviations)
        self.max_sentence_chars = max_sentence_chars

    @classmethod
    def from_json(cls, path: str | Path) -> "ClinicalSentenceSplitter":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["non_final_abbreviations"], data.get("max_sentence_chars", 400))

    def boundaries(self, text: str) -> list[int]:
        """Character offsets where a new sentence starts (sorted, without 0)."""
        wrapped = {m.end() for m in _WRAPPED_LINE.finditer(text)}
        starts = [m.end() for m in _LINE_START.finditer(text) if m.end() not in wrapped]
        for match in _PUNCT_END.finditer(text):
            if match.group(1) == "." and self._is_abbreviation(text, match.start(), text[match.end()].islower()):
                continue
            if match.group(1) == "?" and _CHECKLIST_ANSWER.match(text, match.end()):
                continue
            starts.append(match.end())
        starts += [match.end() for match in _RUN_ON.finditer(text)]
        title = _TITLE_RUN.match(text)
        if title:
            starts.append(title.end() + len(text[title.end():]) - len(text[title.end():].lstrip(" \t")))
        for match in _EXPORT_JOIN.finditer(text):
            if match.group(1) != "." or not self._is_abbreviation(text, match.start()):
                starts.append(match.end())
        starts = sorted(set(starts))
        return self._cap_lengths(text, starts)

    def _is_abbreviation(self, text: str, period_at: int, lower_after: bool = False) -> bool:
        window_start = max(0, period_at - 40)  # a bounded look-back keeps the splitter linear
        line_start = text.rfind("\n", window_start, period_at) + 1 or window_start
        before = text[max(line_start, window_start):period_at]
        if before.strip().isdigit() and len(before.strip()) <= 2:  # "1. Lumbar radiculopathy"
            return True
        word = _LAST_WORD.search(before)
        if not word or word.group(1) in _CAPITALISED_WORDS:  # "Failed PT. Surgery..." ends at physical therapy
            return False
        if lower_after and _DOTTED.fullmatch(word.group(1)):
            return True  # "I.V. drug use", "a.m. stiffness", "600 mg p.o. daily"
        return word.group(1).lower().rstrip(".") in self.non_final_abbreviations

    def _cap_lengths(self, text: str, starts: list[int]) -> list[int]:
        limit = self.max_sentence_chars
        capped: list[int] = []
        previous = 0
        for boundary in starts + [len(text)]:
            while boundary - previous > limit:
                window = text[previous + limit // 2: previous + limit]
                cut = max(window.rfind(", "), window.rfind("; "))
                cut = cut + 2 if cut >= 0 else max(window.rfind(" ") + 1, 1)
                previous += limit // 2 + cut
                capped.append(previous)
            if boundary < len(text):
                capped.append(boundary)
            previous = boundary
        return capped

    def __call__(self, doc: Doc, text: str | None = None, section_starts: Sequence[int] = ()) -> Doc:
        """Set ``SENT_START`` on ``doc`` (``text`` is ``doc.text``, when the caller has it); a section header
        (``section_starts``, character offsets) always starts a sentence."""
        if len(doc) == 0:
            return doc
        token_starts = doc.to_array("IDX").astype(np.int64)
        sent_starts = np.full(len(doc), -1, dtype=np.int64)
        sent_starts[0] = 1
        boundaries = np.asarray(self.boundaries(doc.text if text is None else text) + list(section_starts),
                                dtype=np.int64)
        if boundaries.size:
            token_ids = np.searchsorted(token_starts, boundaries, side="left")
            sent_starts[token_ids[token_ids < len(doc)]] = 1
        doc.from_array([SENT_START], sent_starts.reshape(-1, 1).astype(np.uint64))
        return doc
