"""The ``mri_indication`` spaCy component.

One component runs the whole flow on a tokenized ``Doc``, each step in its
own module: sentences (:mod:`.sentences`), sections (:mod:`.sections`),
targets (:mod:`.targets`), ConText (:mod:`.context`), section defaults and
value checks (:mod:`.assertions`), and the decision (:mod:`.decision`). It
sets ``doc._.findings``, ``doc._.indication`` and ``doc._.mri_result``, and
``doc.spans["mri_findings"]``. The rules are read from ``patterns_dir`` and
written with the pipeline by ``to_disk``.
"""
import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Optional

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from . import rules as rule_files
from .assertions import AssertionResolver
from .context import ContextAnnotator
from .decision import decide, note_age, note_duration_days
from .measurements import apply_note_checks
from .result import Result
from .sections import Sectionizer
from .sentences import ClinicalSentenceSplitter
from .targets import TargetFinder
from .tokenizer import use_clinical_tokenizer

SPAN_GROUP = "mri_findings"
#: ``doc.user_data`` key under which a caller that made the ``Doc`` leaves its text for the component
NOTE_TEXT = "mri_indication.note_text"


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


def parse_note_date(value: object) -> Optional[dt.date]:
    """A note date from a ``date``, ``datetime`` or ISO string (``None`` stays ``None``)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise ValueError(f"note_date must be an ISO date (YYYY-MM-DD), not {value!r}") from None
    raise TypeError(f"note_date must be a date or an ISO string, not {type(value).__name__}")


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
        Folder of rule files (``targets/``, ``context/``, ``section_rules.json``,
        ``section_context.json``, ``sentence_rules.json``); ``None`` uses the
        project's ``patterns/``.
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
        self.patterns_dir = str(patterns_dir) if patterns_dir else str(rule_files.DEFAULT_PATTERNS_DIR)
        self.clinical_tokenizer = clinical_tokenizer
        self.set_sentences = set_sentences
        if clinical_tokenizer:
            use_clinical_tokenizer(nlp)
        self._nlp = nlp
        self._load(self.patterns_dir)

    def _load(self, patterns_dir: str) -> None:
        self.sentence_splitter = ClinicalSentenceSplitter.from_json(Path(patterns_dir) / "sentence_rules.json")
        self.sectionizer = Sectionizer.from_json(Path(patterns_dir) / "section_rules.json")
        frequency = rule_files.load_word_frequencies(patterns_dir)
        owners = Path(patterns_dir) / "duration_owners.json"
        self.target_finder = TargetFinder(self._nlp, rule_files.load_target_rules(patterns_dir), frequency,
                                          rule_files.load_json(owners.name, patterns_dir) if owners.exists() else None)
        self.context = ContextAnnotator(self._nlp, rule_files.load_context_rules(patterns_dir), frequency)
        self.assertions = AssertionResolver(rule_files.load_json("section_context.json", patterns_dir))

    def __call__(self, doc: Doc) -> Doc:
        text = doc.user_data.pop(NOTE_TEXT, None)
        if text is None:
            text = doc_text(doc)
        if self.set_sentences:
            self.sentence_splitter(doc, text)
        note_date = parse_note_date(doc._.note_date)
        sections = self.sectionizer.sections(text)
        targets = self.target_finder(doc, text, note_date, sections)
        modifiers = self.context(doc, targets, text)
        findings = self.assertions(doc, targets, modifiers, sections, note_date, text)
        age = note_age(findings)
        findings = apply_note_checks(findings, age)
        duration = note_duration_days(findings)
        result = Result(tuple(findings), age, duration, decide(findings, age, duration))
        doc._.mri_result = result.to_data()
        doc.spans[SPAN_GROUP] = [Span(doc, t.start, t.end, label=t.label) for t in targets]
        return doc

    def to_disk(self, path: "str | Path", *, exclude: Iterable[str] = ()) -> None:
        """Write the rule files next to the pipeline, so it loads without this repository."""
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
