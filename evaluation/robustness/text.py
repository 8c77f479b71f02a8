"""What the perturbation families need to know about a note's layout, found without the pipeline.

The families must not lean on the system they test, so headers and boundaries are found here with a
few plain patterns: a header is a short run of words at the start of a line, ending in a colon.
"""
from __future__ import annotations

import re

#: "HPI:", "Past Medical History:", "A/P:", "ROS -" at the start of a line (at most five words).
HEADER = re.compile(r"^(?P<indent>[ \t]*)(?P<name>[A-Za-z][A-Za-z0-9/&()'+.-]*(?:[ ][A-Za-z0-9/&()'+.-]+){0,4})"
                    r"[ \t]*(?P<mark>:|[ ]-[ ])[ \t]*")
#: A sentence end followed by a capital: where a paragraph is cut into bullets.
SENTENCE_END = re.compile(r"(?<=[A-Za-z0-9)%\"][.!?])(?<!\b(?:Dr|Mr|Ms|St|vs)\.)(?<!\bMrs\.)(?<!\b(?:e\.g|i\.e)\.)"
                          r"[ \t]+(?=[A-Z])")
#: A line that already starts with a list marker or a number.
LISTED = re.compile(r"^[ \t]*(?:[-*\u2022\u00b7>o]|\d{1,2}[.)])[ \t]+")


def header(line: str) -> re.Match | None:
    """The header at the start of ``line``, if it has one (a vital sign such as "BP: 120/80" counts too)."""
    return HEADER.match(line)


def is_header_only(line: str) -> bool:
    """Whether ``line`` is a header with nothing after it ("HPI:")."""
    found = header(line)
    return bool(found) and found.group("mark") == ":" and not line[found.end():].strip()


def line_starts(text: str) -> list[int]:
    """Offsets where each line of ``text`` starts."""
    return [0] + [m.end() for m in re.finditer(r"\r?\n", text)]


def boundaries(text: str) -> list[int]:
    """Where a new paragraph can go without splitting a section from its header or a sentence in two.

    The start and end of the note, each line that opens with a header, and each paragraph after a
    blank line; never directly after a header-only line (that would take the header's content from it).
    """
    lines = text.splitlines(keepends=True)
    starts = line_starts(text)[:len(lines)]
    found = {0, len(text)}
    for index in range(1, len(lines)):
        previous = lines[index - 1]
        if is_header_only(previous) or not lines[index].strip():
            continue
        if header(lines[index]) or not previous.strip():
            found.add(starts[index])
    return sorted(found)


def insert_paragraph(text: str, at: int, paragraph: str) -> str:
    """``text`` with ``paragraph`` set apart by blank lines at offset ``at`` (a boundary)."""
    before, after = text[:at].rstrip(), text[at:].lstrip("\r\n")
    if not before:
        return f"{paragraph}\n\n{after}"
    if not after.strip():
        return f"{before}\n\n{paragraph}\n"
    return f"{before}\n\n{paragraph}\n\n{after}"
