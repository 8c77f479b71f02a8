"""The perturbation families: small named rewrites of a note whose correct decision is known.

Each family is a function ``(text, rng, bank) -> Rewrite | None`` (None when it does not apply to the
note), registered with its kind:

- **invariant**: the decision must not change. Layout families change only how the note is laid out;
  context families add a paragraph that says nothing new about the patient's red flags.
- **directional**: the added paragraph states one current red flag, so the note must become urgent for
  that condition.

The phrase banks (``phrases.json``, one list per family) were written by an author who had not read
``patterns/``; a site can pass its own.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from .text import LISTED, SENTENCE_END, boundaries, header, insert_paragraph, is_header_only

BULLETS = ("- ", "* ", "\u2022 ", "o ")


@dataclass(frozen=True)
class Rewrite:
    text: str
    #: The suspected condition a directional rewrite must bring (None for invariant ones).
    condition: str | None = None


@dataclass(frozen=True)
class Family:
    name: str
    kind: str  # "invariant" or "directional"
    rewrite: Callable[[str, random.Random, Sequence], Rewrite | None]
    #: Whether it draws a phrase from its bank (then each note is rewritten several times).
    uses_bank: bool

    @property
    def doc(self) -> str:
        return (self.rewrite.__doc__ or "").strip().splitlines()[0]


FAMILIES: dict[str, Family] = {}


def _family(kind: str, uses_bank: bool = False):
    def register(function):
        FAMILIES[function.__name__] = Family(function.__name__, kind, function, uses_bank)
        return function
    return register


# -- layout (invariant) ------------------------------------------------------------------------------

@_family("invariant")
def flatten_lines(text: str, rng: random.Random, bank: Sequence = ()) -> Rewrite | None:
    """Every line break becomes a space: the note as one paragraph, as some exports store it."""
    if "\n" not in text.strip():
        return None
    return Rewrite(re.sub(r"[ \t]*\r?\n[ \t\r\n]*", " ", text.strip()))


@_family("invariant")
def crlf_and_tabs(text: str, rng: random.Random, bank: Sequence = ()) -> Rewrite | None:
    """Windows line ends, a tab after each header and tabs for indentation."""
    if "\n" not in text:
        return None
    lines = []
    for line in text.split("\n"):
        found = header(line)
        if found and found.group("mark") == ":":
            line = f"{found.group('indent')}{line[found.start('name'):found.end('mark')]}\t{line[found.end():]}"
        lines.append(re.sub(r"^ {2,}", "\t", line).rstrip())
    return Rewrite("\r\n".join(lines))


@_family("invariant")
def bulleted_lines(text: str, rng: random.Random, bank: Sequence = ()) -> Rewrite | None:
    """Each sentence under a header becomes a bullet ("- ", "* ", "o "...), as templated notes list them; a title
    line in capitals stays a title."""
    marker = rng.choice(BULLETS)
    lines: list[str] = []
    for line in text.splitlines():
        found = header(line)
        if not line.strip() or is_header_only(line) or line.strip().isupper() or LISTED.match(line):
            lines.append(line)
            continue
        if found and found.group("mark") == ":":
            lines.append(line[:found.end("mark")])
            line = line[found.end():]
        lines.extend(marker + sentence.strip() for sentence in SENTENCE_END.split(line) if sentence.strip())
    rewritten = "\n".join(lines)
    return Rewrite(rewritten) if rewritten != text else None


@_family("invariant")
def capitalised_headers(text: str, rng: random.Random, bank: Sequence = ()) -> Rewrite | None:
    """Headers in capitals ("PAST MEDICAL HISTORY:"), as dictation systems write them."""
    lines = []
    for line in text.splitlines(keepends=True):
        found = header(line)
        if found and found.group("mark") == ":":
            line = line[:found.start("name")] + found.group("name").upper() + line[found.end("name"):]
        lines.append(line)
    rewritten = "".join(lines)
    return Rewrite(rewritten) if rewritten != text else None


@_family("invariant")
def transcription_export(text: str, rng: random.Random, bank: Sequence = ()) -> Rewrite | None:
    """The MTSamples export: lines joined by commas, capital headers followed by ":,"."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    parts = []
    for line in lines:
        found = header(line)
        if found and found.group("mark") == ":":
            rest = line[found.end():]
            line = f"{found.group('name').upper()}:," + (f" {rest}" if rest else "")
        parts.append(re.sub(r"([.!?]) (?=[A-Z])", r"\1  ", line))
    joined = ",".join(parts)
    return Rewrite(re.sub(r":,,", ":, ", joined))


# -- appended context (invariant) --------------------------------------------------------------------

def _add_anywhere(text: str, rng: random.Random, bank: Sequence[str]) -> Rewrite:
    """A paragraph from ``bank`` at any boundary of the note: it says nothing new, so place is free.

    A paragraph that opens with a header goes only where a header or the end follows: above untitled
    text it would take that text into its own section.
    """
    phrase = rng.choice(bank)
    places = boundaries(text)
    if header(phrase):
        places = [at for at in places if at == len(text) or header(text[at:])]
    return Rewrite(insert_paragraph(text, rng.choice(places), phrase))


@_family("invariant", uses_bank=True)
def past_history_durations(text: str, rng: random.Random, bank: Sequence[str]) -> Rewrite | None:
    """A past medical or social history whose conditions have long durations ("HTN x 22 yrs")."""
    return _add_anywhere(text, rng, bank)


@_family("invariant", uses_bank=True)
def family_history_red_flags(text: str, rng: random.Random, bank: Sequence[str]) -> Rewrite | None:
    """A family history full of red-flag words (a mother's metastatic cancer, a brother's IV drug use)."""
    return _add_anywhere(text, rng, bank)


@_family("invariant", uses_bank=True)
def return_precautions(text: str, rng: random.Random, bank: Sequence[str]) -> Rewrite | None:
    """Return precautions that list every red flag as something to watch for."""
    return _add_anywhere(text, rng, bank)


@_family("invariant", uses_bank=True)
def negated_review_of_systems(text: str, rng: random.Random, bank: Sequence[str]) -> Rewrite | None:
    """A long review of systems that denies every red flag."""
    return _add_anywhere(text, rng, bank)


@_family("invariant", uses_bank=True)
def relative_reports(text: str, rng: random.Random, bank: Sequence[str]) -> Rewrite | None:
    """A relative or carer giving history on the patient's behalf, with nothing alarming in it."""
    return _add_anywhere(text, rng, bank)


# -- added red flags (directional) -------------------------------------------------------------------

def _add_near_start(text: str, rng: random.Random, bank: Sequence[Mapping]) -> Rewrite:
    """A red-flag paragraph where the presenting story is told: before the note or after its first part.

    A paragraph without a header of its own belongs to the section above it, so it goes only where that
    section is the presenting one; later places could be a family history.
    """
    phrase = rng.choice(bank)
    places = boundaries(text)
    at = rng.choice([0, places[1]] if len(places) > 2 else places)
    return Rewrite(insert_paragraph(text, at, phrase["text"]), phrase["condition"])


@_family("directional", uses_bank=True)
def lay_red_flags(text: str, rng: random.Random, bank: Sequence[Mapping]) -> Rewrite | None:
    """A red flag in the patient's own words ("I've wet myself twice since yesterday")."""
    return _add_near_start(text, rng, bank)


@_family("directional", uses_bank=True)
def plan_red_flags(text: str, rng: random.Random, bank: Sequence[Mapping]) -> Rewrite | None:
    """A red flag stated as a fact in a plan, disposition or addendum, added at the end of the note."""
    phrase = rng.choice(bank)
    return Rewrite(insert_paragraph(text, len(text), phrase["text"]), phrase["condition"])


@_family("directional", uses_bank=True)
def history_clause_red_flags(text: str, rng: random.Random, bank: Sequence[Mapping]) -> Rewrite | None:
    """A red flag after a past-history clause in the same sentence ("h/o HTN, now unable to void")."""
    return _add_near_start(text, rng, bank)


@_family("directional", uses_bank=True)
def relayed_red_flags(text: str, rng: random.Random, bank: Sequence[Mapping]) -> Rewrite | None:
    """A red flag relayed by a relative, a nurse or outside records ("Spoke with wife: he can't pee")."""
    return _add_near_start(text, rng, bank)
