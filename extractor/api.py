"""The Python API: ``load``, ``analyze``, ``analyze_many``, ``analyze_frame``."""
from __future__ import annotations

import datetime as dt
import gc
import itertools
import multiprocessing
from collections import deque
from functools import lru_cache
from typing import Iterable, Iterator

import spacy
from spacy.language import Language

from .classifier import IndicationModel, classify
from .component import MriIndication, parse_note_date, register_extensions
from .pipeline.tokenizer import TOKENIZER_NAME
from .result import Result

MAX_NOTE_CHARS = 5_000_000
COMPONENT = "mri_indication"


def load(patterns_dir: str | None = None) -> Language:
    """A blank English pipeline with the ``mri_indication`` component (no model download).

    >>> nlp = load()
    >>> nlp.pipe_names
    ['mri_indication']
    """
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})
    nlp.max_length = MAX_NOTE_CHARS
    nlp.add_pipe(COMPONENT, config={"patterns_dir": patterns_dir})
    return nlp


@lru_cache(maxsize=1)
def _default_nlp() -> Language:
    return load()


def _validate_text(text: object) -> str:
    if isinstance(text, (bytes, bytearray)):
        raise TypeError("text must be str, not bytes: decode it first (for example text.decode('utf-8'))")
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"text has {len(text):,} characters; the limit is {MAX_NOTE_CHARS:,}")
    return text


def _component(nlp: Language) -> MriIndication | None:
    """The pipeline's component when it is the whole pipeline (then the API calls it directly)."""
    if nlp.pipe_names == [COMPONENT]:
        return nlp.get_pipe(COMPONENT)
    return None


def _analyze_one(nlp: Language, text: object, note_date: dt.date | None) -> Result:
    """One note's rules result: the component is called with the text and date in hand; a pipeline with
    other components runs as spaCy runs it, the date in ``doc._.note_date``."""
    text = _validate_text(text)
    component = _component(nlp)
    if component is not None:
        return component.analyze(nlp.make_doc(text), text, note_date)[0]
    doc = nlp.make_doc(text)
    doc._.note_date = note_date.isoformat() if note_date else None
    return Result.from_data(nlp(doc)._.mri_result)


def analyze(text: str, note_date: str | dt.date | None = None, *, nlp: Language | None = None,
            classifier: str | None = None, model: IndicationModel | None = None) -> Result:
    """Analyse one note.

    Parameters
    ----------
    text:
        The note text.
    note_date:
        The note's date (ISO string or ``date``), used for "since 2/14" durations.
    nlp:
        A pipeline from :func:`load`; the bundled one by default.
    classifier:
        ``"rules"``, ``"model"`` or ``"hybrid"`` (:mod:`extractor.classifier`); the project default by default.
    model:
        An ``IndicationModel``; the shipped one by default.

    Examples
    --------
    >>> analyze("58M LBP x 8 wks, no saddle anesthesia").decision.indication
    'not_indicated'
    """
    nlp = nlp or _default_nlp()
    return classify(_analyze_one(nlp, text, parse_note_date(note_date)), classifier, model)


def analyze_many(texts: Iterable[str], note_dates: Iterable[object] | None = None, *,
                 nlp: Language | None = None, batch_size: int = 64, n_process: int = 1,
                 classifier: str | None = None, model: IndicationModel | None = None) -> Iterator[Result]:
    """Analyse many notes; yields one :class:`Result` per text, in order.

    With ``n_process`` > 1, worker processes forked from this one (so they share its loaded rules) each
    analyse ``batch_size`` notes at a time and send back the results; where ``fork`` is unavailable,
    ``nlp.pipe(n_process=...)`` does the work. ``classifier`` and ``model`` are as for :func:`analyze`.
    """
    nlp = nlp or _default_nlp()
    texts = iter(texts)
    dates: Iterator[object] = iter(note_dates) if note_dates is not None else iter(lambda: None, 0)
    notes = ((text, parse_note_date(next(dates, None))) for text in texts)
    if n_process > 1 and "fork" in multiprocessing.get_all_start_methods():
        for data in _analyze_in_workers(nlp, notes, batch_size, n_process):
            yield classify(Result.from_data(data), classifier, model)
    elif n_process > 1:
        docs = (_doc_with_date(nlp, text, date) for text, date in notes)
        for doc in nlp.pipe(docs, batch_size=batch_size, n_process=n_process):
            yield classify(Result.from_data(doc._.mri_result), classifier, model)
    else:
        for text, date in notes:
            yield classify(_analyze_one(nlp, text, date), classifier, model)


def _doc_with_date(nlp: Language, text: object, date: dt.date | None):
    doc = nlp.make_doc(_validate_text(text))
    doc._.note_date = date.isoformat() if date else None
    return doc


_WORKER_NLP: Language | None = None  # the pipeline a forked worker inherits


def _analyze_chunk(notes: list[tuple[str, dt.date | None]]) -> list[dict]:
    return [_analyze_one(_WORKER_NLP, text, date).to_data() for text, date in notes]


def _analyze_in_workers(nlp: Language, notes: Iterator[tuple[str, dt.date | None]], batch_size: int,
                        n_process: int) -> Iterator[dict]:
    """Result data of each note, in order, from ``n_process`` forked workers; at most two chunks
    per worker wait at a time, so a long input is never read ahead into memory."""
    global _WORKER_NLP
    _WORKER_NLP = nlp
    gc.freeze()  # the workers' collector then leaves the shared pages alone: fewer copy-on-write faults
    try:
        pool = multiprocessing.get_context("fork").Pool(n_process)
    finally:
        gc.unfreeze()
    try:
        with pool:
            pending: deque = deque()
            for chunk in iter(lambda: list(itertools.islice(notes, batch_size)), []):
                pending.append(pool.apply_async(_analyze_chunk, ([(_validate_text(t), d) for t, d in chunk],)))
                if len(pending) >= 2 * n_process:
                    yield from pending.popleft().get()
            while pending:
                yield from pending.popleft().get()
    finally:
        _WORKER_NLP = None


register_extensions()


def analyze_frame(df, text_col: str = "text", note_date_col: str | None = None, *,
                  nlp: Language | None = None, n_process: int = 1):
    """Analyse a pandas DataFrame of notes: one output row per input row, same index.

    Columns: ``indication``, ``suspected`` (comma-joined), ``contrast``, ``coverage``,
    ``age``, ``symptom_duration_days``, the four criteria, ``missing``, ``warnings``,
    ``alternative``, ``reason``, and one boolean column per SPEC finding label (present).

    >>> import pandas as pd
    >>> analyze_frame(pd.DataFrame({"text": ["saddle numbness, cannot void"]}))["indication"].tolist()
    ['urgent']
    """
    import pandas as pd

    from .schema import CRITERIA, FINDING_LABELS

    if text_col not in df.columns:
        raise KeyError(f"no column {text_col!r} in the DataFrame (columns: {list(df.columns)})")
    if note_date_col is not None and note_date_col not in df.columns:
        raise KeyError(f"no column {note_date_col!r} in the DataFrame (columns: {list(df.columns)})")
    dates = df[note_date_col].where(df[note_date_col].notna(), None) if note_date_col else None
    rows = []
    for result in analyze_many(df[text_col].tolist(), None if dates is None else dates.tolist(),
                               nlp=nlp, n_process=n_process):
        decision = result.decision
        present = result.present_labels
        row = {"indication": decision.indication, "suspected": ",".join(decision.suspected),
               "contrast": decision.contrast, "coverage": decision.coverage, "age": result.age,
               "symptom_duration_days": result.symptom_duration_days}
        row.update({name: decision.criteria[name] for name in CRITERIA})
        row.update({"missing": ",".join(decision.missing), "warnings": ",".join(decision.warnings),
                    "alternative": decision.alternative, "reason": decision.reason})
        row.update({label: label in present for label in FINDING_LABELS})
        rows.append(row)
    return pd.DataFrame(rows, index=df.index)
