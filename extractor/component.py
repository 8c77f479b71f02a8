"""The ``mri_indication`` spaCy component.

One component runs the whole flow on a tokenized ``Doc``, each step in its
own module of :mod:`extractor.pipeline`: sentences, sections, targets,
duration owners, ConText, assertions; then the note checks and the decision
(:mod:`extractor.decision`). As a spaCy component it reads
``doc._.note_date`` (an ISO date) and sets ``doc._.findings``,
``doc._.indication``, ``doc._.mri_result`` and ``doc.spans["mri_findings"]``;
:meth:`MriIndication.analyze` is the same flow for a caller that has the text
and date in hand (:mod:`extractor.api`). The rules are read from
``patterns_dir`` and written with the pipeline by ``to_disk``.
"""
import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Optional

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from . import resources
from . import rules as rule_files
from .decision import decide, note_age, note_duration_days
from .matching.matcher import load_word_frequencies
from .note import Note
from .pipeline.assertions import AssertionResolver
from .pipeline.context import ContextAnnotator
from .pipeline.duration_owners import DurationOwners
from .pipeline.sections import Sectionizer
from .pipeline.sentences import ClinicalSentenceSplitter
from .pipeline.targets import Target, TargetFinder
from .pipeline.tokenizer import use_clinical_tokenizer
from .result import Result
from .rules import cache as rule_cache
from .values.measurements import apply_note_checks, awaiting_age

SPAN_GROUP = "mri_findings"


def register_extensions() -> None:
    """Register the Doc extensions once (spaCy's registry is the only global state)."""
    if not Doc.has_extension("note_date"):
        Doc.set_extension("note_date", default=None)
    if not Doc.has_extension("mri_result"):
        Doc.set_extension("mri_result", default=None)
    if not Doc.has_extension("findings"):
        Doc.set_extension("findings", getter=lambda doc: _result(doc).findings if doc._.mri_result else ())
    if not Doc.has_extension("indication"):
        Doc.set_extension("indication", getter=lambda doc: _result(doc).decision if doc._.mri_result else None)


def _result(doc: Doc) -> Result:
    return Result.from_data(doc._.mri_result)


def doc_text(doc: Doc) -> str:
    """``doc.text``, built from the token arrays (``Doc.text`` makes a ``Token`` per word: twice as slow)."""
    strings = doc.vocab.strings
    orths, spaces = (memoryview(np.ascontiguousarray(column)) for column in doc.to_array(["ORTH", "SPACY"]).T)
    return "".join([strings[orth] + " " if space else strings[orth] for orth, space in zip(orths, spaces)])


_ISO_DATE_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})"
                            r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?", re.ASCII)


def parse_note_date(value: object) -> Optional[dt.date]:
    """A note date from a ``date``, ``datetime`` or ISO string: ``YYYY-MM-DD``, optionally with a time
    (``T10:30``, ``10:30:00.5+01:00``, ``Z``); ``None`` and ``""`` stay ``None``.

    Any other string raises ``ValueError`` naming the field, never its value (a note's date is patient data).
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise TypeError(f"note_date must be a date or an ISO string, not {type(value).__name__}")
    found = _ISO_DATE_TIME.fullmatch(value.strip())
    if found is not None:
        year, month, day, hour, minute, second, offset_hours, offset_minutes = (
            int(part or 0) for part in found.groups())
        try:
            dt.time(hour, minute, second)
            dt.time(offset_hours, offset_minutes)
            return dt.date(year, month, day)
        except ValueError:
            pass
    raise ValueError("note_date must be an ISO date (YYYY-MM-DD, optionally with a time such as T10:30:00)")


@Language.factory(
    "mri_indication",
    default_config={"patterns_dir": None, "clinical_tokenizer": True, "set_sentences": True},
)
def make_mri_indication(nlp: Language, name: str, patterns_dir: Optional[str], clinical_tokenizer: bool,
                        set_sentences: bool) -> "MriIndication":
    # no ``from __future__ import annotations`` here: spaCy validates these hints at runtime
    return MriIndication(nlp, name, patterns_dir=patterns_dir, clinical_tokenizer=clinical_tokenizer,
                         set_sentences=set_sentences)


class MriIndication:
    """Find the SPEC findings of a note and decide on lumbar MRI.

    Parameters
    ----------
    patterns_dir:
        Folder of rule files (``targets/``, ``context/``, ``vocabularies/``, ``fragments.json``,
        ``precedence.json``, ``section_rules.json``, ``section_context.json``, ``sentence_rules.json``,
        ``duration_owners.json``); ``None`` uses the rules shipped with the package.
    clinical_tokenizer:
        Extend the pipeline's tokenizer with clinical infix rules ("x3wk" ->
        "x 3 wk"). Set False to keep the tokenizer untouched.
    set_sentences:
        Split sentences with the clinical splitter. Set False to keep the
        boundaries of an upstream component.
    """

    def __init__(self, nlp: Language, name: str = "mri_indication", *, patterns_dir: Optional[str] = None,
                 clinical_tokenizer: bool = True, set_sentences: bool = True):
        register_extensions()
        self.name = name
        self.patterns_dir = str(patterns_dir) if patterns_dir else str(resources.patterns_dir())
        self.clinical_tokenizer = clinical_tokenizer
        self.set_sentences = set_sentences
        if clinical_tokenizer:
            use_clinical_tokenizer(nlp)
        self._nlp = nlp
        self._load(self.patterns_dir)

    def _load(self, patterns_dir: str) -> None:
        folder = Path(patterns_dir)
        frequencies = resources.models_dir() / "word_frequencies.json"
        # the expanded rules and their regex analyses come from the start-up cache when it is current
        key = rule_cache.source_key(folder, frequencies)
        compiled = rule_cache.read(key)
        fresh = compiled is None
        if fresh:
            compiled = rule_cache.build(folder, self._tokenize)
            rule_files.check_labels(compiled.targets)
        frequency = load_word_frequencies(frequencies)
        self.sentence_splitter = ClinicalSentenceSplitter.from_json(folder / "sentence_rules.json")
        self.sectionizer = Sectionizer.from_patterns(folder)
        self.target_finder = TargetFinder(self._nlp, compiled.targets, frequency, compiled.target_ranks,
                                          compiled.analyses)
        owners = folder / "duration_owners.json"
        self.duration_owners = DurationOwners(rule_files.load_settings(owners.name, folder)) if owners.exists() else None
        self.context = ContextAnnotator(self._nlp, compiled.context, frequency, compiled.context_ranks,
                                        compiled.analyses)
        self.assertions = AssertionResolver(rule_files.load_json("section_context.json", folder))
        if fresh:
            rule_cache.write(key, compiled)

    def _tokenize(self, text: str) -> list[str]:
        return [token.text for token in self._nlp.make_doc(text)]

    def read(self, doc: Doc, text: str, note_date: Optional[dt.date]) -> Note:
        """The note's sentences (set on ``doc``) and sections."""
        sections = self.sectionizer.sections(text)
        if self.set_sentences and len(doc):
            self.sentence_splitter(doc, text, [section.start_char for section in sections])
        return Note.read(doc, text, note_date, sections)

    def find_targets(self, note: Note) -> list[Target]:
        targets = self.target_finder(note)
        return self.duration_owners(note, targets) if self.duration_owners else targets

    def analyze(self, doc: Doc, text: str, note_date: Optional[dt.date]) -> tuple[Result, list[Target]]:
        """The flow on one note: its :class:`Result`, and its targets (for ``doc.spans``)."""
        note = self.read(doc, text, note_date)
        targets = self.find_targets(note)
        findings = self.assertions(note, targets, self.context(note, targets))
        age = note_age(findings)
        pending = awaiting_age(findings, age)
        findings = apply_note_checks(findings, age)
        duration = note_duration_days(findings)
        return Result(tuple(findings), age, duration, decide(findings, age, duration), tuple(pending)), targets

    def __call__(self, doc: Doc) -> Doc:
        result, targets = self.analyze(doc, doc_text(doc), parse_note_date(doc._.note_date))
        doc._.mri_result = result.to_data()
        doc.spans[SPAN_GROUP] = [Span(doc, t.start, t.end, label=t.label) for t in targets]
        return doc

    def to_disk(self, path: "str | Path", *, exclude: Iterable[str] = ()) -> None:
        """Write the rule files next to the pipeline, so it loads without this package."""
        path = Path(path)
        with tempfile.TemporaryDirectory() as staging:  # patterns_dir may lie inside ``path``
            shutil.copytree(self.patterns_dir, Path(staging) / "patterns")
            if path.exists():
                shutil.rmtree(path)
            shutil.copytree(Path(staging) / "patterns", path / "patterns")

    def from_disk(self, path: "str | Path", *, exclude: Iterable[str] = ()) -> "MriIndication":
        """Load the rule files written by ``to_disk``."""
        self.patterns_dir = str(Path(path) / "patterns")
        self._load(self.patterns_dir)
        return self
