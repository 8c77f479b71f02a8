"""One decision from a patient's notes: SPEC.md section 6, as a pure function of the per-note findings.

Review this file against section 6 as ``decision.py`` is reviewed against section 3. :func:`combine`
chooses, from every note, the mentions that speak for the patient on the order date (``as_of``), and hands
them to :func:`extractor.decision.decide` with the patient's age and symptom duration:

- **notes**: dated after ``as_of`` are ignored (and listed); undated ones are listed and give only labels
  whose "history counts" is yes.
- **episode**: the last run of dated notes no more than :data:`EPISODE_GAP_DAYS` apart, ending with the latest
  note on or before ``as_of``; **acute window**: notes dated at most :data:`ACUTE_WINDOW_DAYS` before ``as_of``.
- **history labels** (cancer history, devices, prior surgery...): present in any note, any date;
  ``recent_spinal_procedure`` only from notes at most :data:`RECENT_PROCEDURE_DAYS` before ``as_of``.
- **other labels** (acute red flags, pregnancy...): the latest day in the acute window whose notes speak to
  the label decides. A note *speaks to* a label with a present (also uncertain) or a negated mention: a
  hypothetical ("return if fever"), family or past mention of an acute label says nothing about today.
- **radicular findings** (the six-week criterion): any note of the episode.
- **duration**: onset is the earliest ``note_date - duration`` over the episode; without any duration and
  with two or more episode notes, the first episode note's date.
- **treatments**: present from any note; for each treatment, the latest episode day with a response decides
  it. **candidacy**: the latest episode day that speaks to it.
- **age**: the latest note that states it. A plain fall in a note that gives no age (which ``analyze`` leaves
  out) counts when the patient's age is over 65 or osteoporosis is in any note.

Notes of the same date are one day: on that day a present mention wins over a negated one, and a failed
response over an improved one, as within one note (so the order of the notes never matters, and one note
alone gives what ``analyze`` gives).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Iterable, Sequence

from ..decision import CRITERIA, RADICULAR, TREATMENTS, Decision, decide, evidence
from ..findings import Finding
from ..result import Result, decision_row
from ..schema import FINDING_LABELS, history_counts
from ..values.measurements import ELDERLY_FALL_AGE

EPISODE_GAP_DAYS = 90
ACUTE_WINDOW_DAYS = 30
RECENT_PROCEDURE_DAYS = 42
CANDIDACY = "intervention_candidate"
VALUES = ("age", "symptom_duration")


@dataclass(frozen=True)
class PatientNote:
    """One note's findings, as the timeline needs them (from ``analyze`` or from gold spans)."""

    note_id: str
    note_date: dt.date | None
    findings: tuple[Finding, ...]
    age: int | None = None
    duration_days: int | None = None
    awaiting_age: tuple[Finding, ...] = ()  # plain falls the note could not check for want of an age

    @classmethod
    def from_result(cls, note_id: str, note_date: dt.date | None, result: "Result") -> "PatientNote":
        """A note as :func:`extractor.analyze` read it."""
        return cls(note_id, note_date, result.findings, result.age, result.symptom_duration_days, result.awaiting_age)


@dataclass(frozen=True)
class Evidence:
    """A mention that decided a suspected condition or a criterion, and where to open it."""

    note_id: str
    note_date: dt.date | None
    label: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"note_id": self.note_id, "note_date": _iso(self.note_date), "label": self.label,
                "start": self.start, "end": self.end}


@dataclass(frozen=True)
class PatientResult:
    """The SPEC section 6 result; ``to_dict()`` is its output record."""

    decision: Decision
    as_of: dt.date | None
    episode: tuple[str, ...]
    episode_start: dt.date | None
    episode_end: dt.date | None
    undated_notes: tuple[str, ...]
    ignored_notes: tuple[str, ...]  # dated after as_of
    evidence: dict[str, list[Evidence]]
    symptom_duration_days: int | None = None
    age: int | None = None
    present_labels: frozenset[str] = frozenset()  # the labels present for the patient on as_of

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision.to_dict(),
            "as_of": _iso(self.as_of),
            "episode": {"start": _iso(self.episode_start), "end": _iso(self.episode_end),
                        "note_ids": list(self.episode)},
            "undated_notes": list(self.undated_notes),
            "ignored_notes": list(self.ignored_notes),
            "age": self.age,
            "symptom_duration_days": self.symptom_duration_days,
            "evidence": {name: [item.to_dict() for item in items] for name, items in self.evidence.items()},
        }

    def to_row(self) -> dict[str, Any]:
        """One flat row: ``as_of``, the episode, then :func:`~extractor.result.decision_row`."""
        return {"as_of": _iso(self.as_of), "episode_start": _iso(self.episode_start),
                "episode_end": _iso(self.episode_end), "episode_notes": len(self.episode),
                "undated_notes": len(self.undated_notes), "ignored_notes": len(self.ignored_notes),
                **decision_row(self.decision, self.age, self.symptom_duration_days, set(self.present_labels))}


def _iso(date: dt.date | None) -> str | None:
    return None if date is None else date.isoformat()


def _speaks_to(finding: Finding) -> bool:
    """A present or a negated mention: a statement about the label now."""
    return finding.present or finding.negated


def episode_of(dated: Sequence[PatientNote]) -> list[PatientNote]:
    """The last run of notes (sorted by date) whose consecutive dates are at most EPISODE_GAP_DAYS apart."""
    if not dated:
        return []
    start = len(dated) - 1
    while start > 0 and (dated[start].note_date - dated[start - 1].note_date).days <= EPISODE_GAP_DAYS:
        start -= 1
    return list(dated[start:])


def _latest_day_deciding(notes: Sequence[PatientNote], kept: set[tuple[int, int]], index_of: dict[str, int],
                         labels: Iterable[str], when_present_only: bool = True) -> None:
    """For each label, mark the mentions of the latest day (of ``notes``, sorted by date) that speaks to it:
    its present mentions, or (``when_present_only`` False) its negated ones when none is present."""
    for label in labels:
        days: dict[dt.date, list[tuple[int, int, Finding]]] = {}
        for note in notes:
            for position, finding in enumerate(note.findings):
                if finding.label == label and _speaks_to(finding):
                    days.setdefault(note.note_date, []).append((index_of[note.note_id], position, finding))
        if not days:
            continue
        mentions = days[max(days)]
        present = [(n, p) for n, p, f in mentions if f.present]
        if present:
            kept.update(present)
        elif not when_present_only:
            kept.update((n, p) for n, p, f in mentions if f.negated)


def combine(notes: Sequence[PatientNote], as_of: dt.date | None = None) -> PatientResult:
    """The patient's decision on ``as_of`` (default: the latest note date) from their notes' findings."""
    repeated = [note_id for note_id, count in Counter(n.note_id for n in notes).items() if count > 1]
    if repeated:
        raise ValueError(f"note id {repeated[0]!r} is used by more than one note of the patient")
    dates = [n.note_date for n in notes if n.note_date is not None]
    if as_of is None and dates:
        as_of = max(dates)
    undated = [n for n in notes if n.note_date is None]
    ignored = [n for n in notes if n.note_date is not None and n.note_date > as_of]
    dated = sorted((n for n in notes if n.note_date is not None and n.note_date <= as_of),
                   key=lambda n: (n.note_date, n.note_id))
    if not dated and not undated:
        return _nothing_to_decide(as_of, ignored)
    ordered = dated + sorted(undated, key=lambda n: n.note_id)
    age = next((n.age for n in reversed(dated) if n.age is not None), None)
    if age is None:
        age = next((n.age for n in ordered if n.age is not None), None)
    if _elderly(age, ordered):  # a plain fall told where no age is: the patient's age decides (SPEC section 3)
        dated = [replace(n, findings=n.findings + n.awaiting_age) if n.awaiting_age else n for n in dated]
        ordered = dated + sorted(undated, key=lambda n: n.note_id)
    index_of = {note.note_id: i for i, note in enumerate(ordered)}
    episode = episode_of(dated)
    window = [n for n in dated if (as_of - n.note_date).days <= ACUTE_WINDOW_DAYS]

    kept: set[tuple[int, int]] = set()
    for note in ordered:
        for position, finding in enumerate(note.findings):
            if not finding.present or not history_counts(finding.label) or finding.label in TREATMENTS:
                continue
            if finding.label == "recent_spinal_procedure" and (
                    note.note_date is None or (as_of - note.note_date).days > RECENT_PROCEDURE_DAYS):
                continue
            kept.add((index_of[note.note_id], position))
    acute = {f.label for n in window for f in n.findings} - set(VALUES) - {CANDIDACY} - set(RADICULAR)
    _latest_day_deciding(window, kept, index_of, sorted(l for l in acute if not history_counts(l)))
    kept.update((index_of[n.note_id], p) for n in episode for p, f in enumerate(n.findings)
                if f.label in RADICULAR and f.present)
    _latest_day_deciding(episode, kept, index_of, [CANDIDACY], when_present_only=False)
    responses = _treatment_responses(ordered, episode, kept, index_of)
    duration, onset_mention = _duration(episode, as_of, index_of)
    if onset_mention is not None:
        kept.add(onset_mention)

    chosen: list[Finding] = []
    source: dict[int, PatientNote] = {}
    for note_index, note in enumerate(ordered):
        for position, finding in enumerate(note.findings):
            if (note_index, position) not in kept:
                continue
            if finding.label in TREATMENTS and (note_index, position) not in responses:
                finding = replace(finding, response=None)
            chosen.append(finding)
            source[id(finding)] = note
    decision = decide(chosen, age=age, duration_days=duration)
    cited = {name: [Evidence(source[id(f)].note_id, source[id(f)].note_date, f.label, f.start, f.end)
                    for f in mentions] for name, mentions in evidence(decision, chosen).items()}
    return PatientResult(decision, as_of, tuple(n.note_id for n in episode),
                         episode[0].note_date if episode else None, episode[-1].note_date if episode else None,
                         tuple(sorted(n.note_id for n in undated)), tuple(sorted(n.note_id for n in ignored)), cited,
                         duration, age, frozenset(f.label for f in chosen if f.present and f.label in FINDING_LABELS))


def _elderly(age: int | None, notes: Sequence[PatientNote]) -> bool:
    """Whether a plain fall counts for this patient: over :data:`ELDERLY_FALL_AGE`, or osteoporosis in any note."""
    return (age is not None and age > ELDERLY_FALL_AGE) or any(
        f.label == "osteoporosis" and f.present for n in notes for f in n.findings)


def _treatment_responses(ordered: Sequence[PatientNote], episode: Sequence[PatientNote], kept: set[tuple[int, int]],
                         index_of: dict[str, int]) -> set[tuple[int, int]]:
    """Keep every present treatment mention; return those whose response stands: for each treatment, the
    mentions with a response on the latest episode day that has one."""
    standing: set[tuple[int, int]] = set()
    for note in ordered:
        kept.update((index_of[note.note_id], p) for p, f in enumerate(note.findings)
                    if f.label in TREATMENTS and f.present)
    for label in TREATMENTS:
        days: dict[dt.date, list[tuple[int, int]]] = {}
        for note in episode:
            for position, finding in enumerate(note.findings):
                if finding.label == label and finding.present and finding.response is not None:
                    days.setdefault(note.note_date, []).append((index_of[note.note_id], position))
        if days:
            standing.update(days[max(days)])
    return standing


def _duration(episode: Sequence[PatientNote], as_of: dt.date,
              index_of: dict[str, int]) -> tuple[int | None, tuple[int, int] | None]:
    """(the patient's symptom duration in days, the duration mention that set the onset)."""
    onsets = [(note.note_date - dt.timedelta(days=note.duration_days), note) for note in episode
              if note.duration_days is not None]
    if onsets:
        onset, note = min(onsets, key=lambda pair: (pair[0], pair[1].note_id))
        durations = [(f.value, p) for p, f in enumerate(note.findings)
                     if f.label == "symptom_duration" and f.present and f.value is not None]
        mention = (index_of[note.note_id], max(durations)[1]) if durations else None
        return (as_of - onset).days, mention
    if len(episode) >= 2:
        return (as_of - episode[0].note_date).days, None
    return None, None


def _nothing_to_decide(as_of: dt.date | None, ignored: Sequence[PatientNote]) -> PatientResult:
    """No note on or before ``as_of``: every criterion unknown, and a reason that says so."""
    criteria = {name: None for name in CRITERIA}
    decision = Decision("not_indicated", [], None, None, criteria, list(CRITERIA), [], None,
                        reason="No note dated on or before the order date: there is nothing to decide from.")
    return PatientResult(decision, as_of, (), None, None, (), tuple(sorted(n.note_id for n in ignored)), {})
