"""Why the pipeline said what it said about one note: ``mri-indication explain``.

For each mention it shows the target rule that found it, its section, each
ConText cue that touched it (the rule, its direction and the words its scope
covered), the section default that applied, and the attributes that resulted;
then the decision path: which mentions made each suspected condition and
each six-week criterion true or false (:func:`extractor.decision.evidence`).
:func:`to_html` renders the same with the spans highlighted by displaCy.
"""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence, TypeVar

from spacy.language import Language

from .decision import CRITERION_NAMES, CONDITION_NAMES, Decision, decide, evidence, note_age, note_duration_days
from .findings import Finding
from .pipeline.context import Modifier
from .pipeline.targets import Target
from .schema import ASSERTIONS
from .values.measurements import apply_note_checks

T = TypeVar("T")


@dataclass
class MentionTrace:
    """One target and how its attributes were decided."""

    target: Target
    text: str
    section: str | None
    modifiers: list[Modifier]
    section_default: dict[str, bool]
    finding: Finding | None  # None: the rule's value check could not read a value, or a note check dropped it
    cue_texts: list[str] = field(default_factory=list)


@dataclass
class Explanation:
    text: str
    note_date: dt.date | None
    mentions: list[MentionTrace]
    findings: list[Finding]
    decision: Decision
    evidence: dict[str, list[Finding]]


def explain(nlp: Language, text: str, note_date: dt.date | None = None) -> Explanation:
    """Run the pipeline's stages on ``text`` and keep what each one decided."""
    component = nlp.get_pipe("mri_indication")
    note = component.read(nlp.make_doc(text), text, note_date)
    targets = component.find_targets(note)
    modifiers = component.context(note, targets)
    mentions, findings = [], []
    for target, touching, resolution in zip(targets, modifiers,
                                            component.assertions.resolve_all(note, targets, modifiers)):
        finding = None
        if resolution.kept:
            finding = Finding(resolution.label, target.start_char, target.end_char,
                              text[target.start_char:target.end_char], section=resolution.section,
                              **resolution.attributes)
            findings.append(finding)
        cue_texts = [note.doc[m.start:m.end].text for m in touching]
        mentions.append(MentionTrace(target, text[target.start_char:target.end_char], resolution.section,
                                     touching, resolution.section_default, finding, cue_texts))
    age = note_age(findings)
    checked = apply_note_checks(findings, age)
    for mention in mentions:  # a note check (a plain fall at 65 or younger) drops a finding
        if mention.finding is not None and mention.finding not in checked:
            mention.finding = None
    decision = decide(checked, age, note_duration_days(checked))
    return Explanation(text, note_date, mentions, checked, decision, evidence(decision, checked))


def _flags(finding: Finding) -> str:
    flags = [name for name in ASSERTIONS if getattr(finding, name)]
    if finding.response:
        flags.append(finding.response)
    if finding.value is not None:
        flags.append(f"value {finding.value}")
    return ", ".join(flags) if flags else "plain"


def _where(finding: Finding) -> str:
    return f"{finding.label} [{finding.start}:{finding.end}] {finding.text!r}"


def to_text(explanation: Explanation) -> str:
    """A plain-text report, mention by mention, then the decision path."""
    lines = [f"{len(explanation.mentions)} mentions"
             + (f", note date {explanation.note_date.isoformat()}" if explanation.note_date else "")]
    for mention in explanation.mentions:
        target, finding = mention.target, mention.finding
        status = ("present" if finding.present else "not present") if finding else "dropped by its value check"
        label = target.label if finding is None or finding.label == target.label else \
            f"{target.label} -> {finding.label} (getting worse)"
        lines.append(f"\n[{target.start_char}:{target.end_char}] {mention.text!r}  {label}  "
                     f"({_flags(finding) if finding else '-'}; {status})")
        lines.append(f"    rule: {target.rule.source} {target.rule.literal!r}")
        lines.append(f"    section: {mention.section or '(none)'}"
                     + (f"; section default {mention.section_default}" if mention.section_default else ""))
        for modifier, cue in zip(mention.modifiers, mention.cue_texts):
            rule = modifier.rule
            lines.append(f"    context: {rule.category} {cue!r} ({rule.source}, {rule.direction}, "
                         f"scope tokens {modifier.scope_start}-{modifier.scope_end})")
        if target.planned:
            lines.append("    planned: named by a candidacy or followed by a condition")
    lines += decision_path(explanation.decision, explanation.evidence, lambda f: f"{_where(f)} ({_flags(f)})",
                           _where)
    return "\n".join(lines) + "\n"


def decision_path(decision: Decision, evidence: Mapping[str, Sequence[T]], cite: Callable[[T], str],
                  cite_condition: Callable[[T], str] | None = None) -> list[str]:
    """The decision and, for each suspected condition and criterion, the mentions that decided it (shown by
    ``cite``; ``cite_condition`` for conditions, ``cite`` by default), then protocol, safety and reason."""
    cite_condition = cite_condition or cite
    lines = [f"\nDecision: {decision.indication}"]
    for condition in decision.suspected:
        lines.append(f"  suspected {CONDITION_NAMES[condition]}: "
                     + "; ".join(cite_condition(item) for item in evidence.get(condition, [])))
    for name, value in decision.criteria.items():
        shown = "null (not documented)" if value is None else str(value).lower()
        lines.append(f"  {CRITERION_NAMES[name]}: {shown}"
                     + "".join(f"\n      {cite(item)}" for item in evidence.get(name, [])))
    if decision.contrast:
        lines.append(f"  protocol: {decision.contrast}, {decision.coverage}")
    if decision.warnings:
        lines.append(f"  safety: {', '.join(decision.warnings)}")
    lines.append(f"  reason: {decision.reason}")
    return lines


def to_html(nlp: Language, explanation: Explanation) -> str:
    """A page with the note's spans highlighted (displaCy's span style) and the report under it."""
    from spacy import displacy
    from spacy.tokens import Span

    doc = nlp.make_doc(explanation.text)
    spans = []
    for mention in explanation.mentions:
        span = doc.char_span(mention.target.start_char, mention.target.end_char, alignment_mode="expand")
        if span is not None:
            flags = _flags(mention.finding) if mention.finding else "dropped"
            spans.append(Span(doc, span.start, span.end, label=f"{(mention.finding or mention.target).label} ({flags})"))
    doc.spans["explain"] = spans
    rendered = displacy.render(doc, style="span", page=False, options={"spans_key": "explain"})
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>mri-indication explain</title></head><body>"
            f"<h1>{html.escape(explanation.decision.indication)}</h1>{rendered}"
            f"<pre>{html.escape(to_text(explanation))}</pre></body></html>")
