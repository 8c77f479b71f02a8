"""Lists introduced by a colon: which sentences are items of which lead-in.

Templated notes put the cue once and the findings under it, one per line or
one per short sentence:

    Go to the ED if:            Denies: Fever. Chills. Weight loss.
    - fever over 100.4
    - loss of bladder control

Each item is a sentence of its own, so ConText's sentence scope would leave
it unmodified. A cue before the lead-in's colon reaches its items (see
:mod:`extractor.pipeline.context`). An *item* is a sentence that follows a lead-in (a sentence
with a colon) with no blank line between and no colon of its own, and that
is either a line (with a list marker, or short) under a lead-in that ends
with its colon, or a short sentence on the lead-in's own line. The list ends at the first sentence that is
not an item.
"""
from __future__ import annotations

import re

from ..note import Note

#: "- ", "* ", "• ", "o ", "[x] ", "1. ", "2) " at the start of a line
LIST_MARKER = re.compile(r"[ \t]*(?:[-*\u2022\u00b7>]|o(?=[ \t])|\[[ xX]?\]|\d{1,2}[.)])[ \t]*")
#: An item line without a marker has at most this many tokens ("numbness in the groin").
SHORT_LINE = 8
#: An item on the lead-in's own line has at most this many tokens ("Urinary incontinence.").
SHORT_ITEM = 4


def list_items(note: Note) -> dict[int, tuple[int, int]]:
    """``{item sentence: (its lead-in sentence, the lead-in's last colon as a character offset)}``."""
    text, doc, bounds = note.text, note.doc, note.sentence_starts
    items: dict[int, tuple[int, int]] = {}
    lead, lines, previous_end = None, False, 0
    for number in range(len(bounds) - 1):
        first, last = int(bounds[number]), int(bounds[number + 1]) - 1
        raw_start = doc[first].idx
        raw = text[raw_start:doc[last].idx + len(doc[last])]
        sentence = raw.strip()
        if not sentence:
            continue
        start = raw_start + len(raw) - len(raw.lstrip())
        end = start + len(sentence)
        words = sum(1 for token in doc[first:last + 1] if not token.is_space)
        if lead is not None and ":" not in sentence and _is_item(text, previous_end, start, words, lines):
            items[number] = lead
        else:
            lead = (number, start + sentence.rindex(":")) if ":" in sentence else None
            lines = sentence.endswith(":")
        previous_end = end
    return items


def _is_item(text: str, previous_end: int, start: int, n_tokens: int, lines: bool) -> bool:
    """Whether the sentence at ``start`` continues a list; ``lines``: its lead-in ends with the colon."""
    gap = text[previous_end:start]
    if "\n" not in gap:
        return n_tokens <= SHORT_ITEM + 1  # the item and its period
    if not lines or gap.count("\n") > 1:  # items on lines follow a lead-in line; a blank line ends them
        return False
    return n_tokens <= SHORT_LINE or bool(LIST_MARKER.match(text, text.rfind("\n", 0, start) + 1))
