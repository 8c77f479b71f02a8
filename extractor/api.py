"""The Python API: ``load``, ``analyze``, ``analyze_many``, ``analyze_frame``."""
from __future__ import annotations

import datetime as dt
import gc
import itertools
import multiprocessing
import re
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Iterable, Iterator

import spacy
from spacy.language import Language

from .classifier import IndicationModel, classify
from .component import MriIndication, parse_note_date, register_extensions
from .pipeline.tokenizer import TOKENIZER_NAME
from .result import Result

#: Longer notes are refused: at 1M characters the heaviest inputs measured (run-together words, a repeated
#: negated list, distinct punctuation-heavy chunks) take at most 7 s and 700 MB; at 5M, 64 s and 2 GB.
MAX_NOTE_CHARS = 1_000_000
#: spaCy keeps every string it has seen; past this many, the default pipeline is loaded again and forked
#: workers are forked again, so a long-running process stays within a bounded size.
MAX_VOCAB_STRINGS = 200_000
COMPONENT = "mri_indication"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


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


_DEFAULT_NLP: Language | None = None


def _default_nlp() -> Language:
    """The bundled pipeline, loaded again once its string store passes :data:`MAX_VOCAB_STRINGS`."""
    global _DEFAULT_NLP
    if _DEFAULT_NLP is not None and len(_DEFAULT_NLP.vocab.strings) > MAX_VOCAB_STRINGS:
        _DEFAULT_NLP = None
        gc.collect()  # the old pipeline holds reference cycles: free it before the new one is made
    if _DEFAULT_NLP is None:
        _DEFAULT_NLP = load()
    return _DEFAULT_NLP


def _validate_text(text: object) -> str:
    """The text to analyse: a ``str`` within :data:`MAX_NOTE_CHARS`, lone surrogates read as U+FFFD."""
    if isinstance(text, (bytes, bytearray)):
        raise TypeError("text must be str, not bytes: decode it first (for example text.decode('utf-8'))")
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"text has {len(text):,} characters; the limit is {MAX_NOTE_CHARS:,}")
    return text if text.isascii() else _LONE_SURROGATE.sub("\ufffd", text)


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
        The note text, at most :data:`MAX_NOTE_CHARS` characters (else ``ValueError``). Lone surrogates
        (left by a bad decoding) are read as U+FFFD, one for one, so every offset still indexes ``text``;
        a finding's ``text`` shows U+FFFD where ``text`` held a surrogate.
    note_date:
        The note's date: a ``date``, ``datetime`` or ISO string (``YYYY-MM-DD``, optionally with a time),
        used for "since 2/14" durations; anything else raises ``ValueError`` (``TypeError`` for other types).
    nlp:
        A pipeline from :func:`load`; the bundled one by default, which is loaded again whenever its
        string store passes :data:`MAX_VOCAB_STRINGS` (a pipeline you pass is yours to renew).
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

    ``note_dates``, when given, holds one date (or ``None``) per text; fewer or more raise ``ValueError``.
    With ``n_process`` > 1, worker processes forked from this one (so they share its loaded rules) each
    analyse ``batch_size`` notes at a time and send back the results; when a worker's string store passes
    :data:`MAX_VOCAB_STRINGS`, fresh workers are forked. A worker that dies (killed for lack of memory,
    crashed) raises :class:`WorkerError`, never a hang. Where ``fork`` is unavailable,
    ``nlp.pipe(n_process=...)`` does the work. ``text``, ``note_date``, ``nlp``, ``classifier`` and ``model``
    are as for :func:`analyze`.
    """
    notes = _paired_with_dates(texts, note_dates)
    if n_process > 1 and "fork" in multiprocessing.get_all_start_methods():
        for data in _analyze_in_workers(nlp or _default_nlp(), notes, batch_size, n_process):
            yield classify(Result.from_data(data), classifier, model)
    elif n_process > 1:
        nlp = nlp or _default_nlp()
        docs = (_doc_with_date(nlp, text, date) for text, date in notes)
        for doc in nlp.pipe(docs, batch_size=batch_size, n_process=n_process):
            yield classify(Result.from_data(doc._.mri_result), classifier, model)
    else:
        for text, date in notes:
            yield classify(_analyze_one(nlp or _default_nlp(), text, date), classifier, model)


_NO_DATE = object()


def _paired_with_dates(texts: Iterable[object], note_dates: Iterable[object] | None
                       ) -> Iterator[tuple[object, dt.date | None]]:
    """(text, parsed date) pairs; ``ValueError`` when the dates run out before the texts, or outlast them."""
    if note_dates is None:
        for text in texts:
            yield text, None
        return
    if hasattr(texts, "__len__") and hasattr(note_dates, "__len__") and len(texts) != len(note_dates):
        raise ValueError(f"{len(texts):,} texts but {len(note_dates):,} note dates: "
                         "give one date (or None) per text")
    dates = iter(note_dates)
    count = 0
    for text in texts:
        date = next(dates, _NO_DATE)
        if date is _NO_DATE:
            raise ValueError(f"the note dates ran out after {count:,}, before the texts did: "
                             "give one date (or None) per text")
        yield text, parse_note_date(date)
        count += 1
    if next(dates, _NO_DATE) is not _NO_DATE:
        raise ValueError(f"more note dates than the {count:,} texts: give one date (or None) per text")


def _doc_with_date(nlp: Language, text: object, date: dt.date | None):
    doc = nlp.make_doc(_validate_text(text))
    doc._.note_date = date.isoformat() if date else None
    return doc


class WorkerError(RuntimeError):
    """A worker process of :func:`analyze_many` died (killed for lack of memory, crashed or killed)."""


_WORKER_NLP: Language | None = None  # the pipeline a forked worker inherits


def _analyze_chunk(notes: list[tuple[str, dt.date | None]]) -> tuple[list[dict], int]:
    """The chunk's result data, and the size of the worker's string store after it."""
    data = [_analyze_one(_WORKER_NLP, text, date).to_data() for text, date in notes]
    return data, len(_WORKER_NLP.vocab.strings)


@contextmanager
def _forked_workers(n_process: int) -> Iterator[ProcessPoolExecutor]:
    """``n_process`` workers forked now from this process, sharing its loaded pipeline."""
    gc.freeze()  # the workers' collector then leaves the shared pages alone: fewer copy-on-write faults
    try:
        workers = ProcessPoolExecutor(n_process, mp_context=multiprocessing.get_context("fork"))
        workers.submit(int)  # forks every worker now, while the collector is frozen
    finally:
        gc.unfreeze()
    try:
        yield workers
    finally:
        workers.shutdown(cancel_futures=True)


def _analyze_in_workers(nlp: Language, notes: Iterator[tuple[object, dt.date | None]], batch_size: int,
                        n_process: int) -> Iterator[dict]:
    """Result data of each note, in order, from ``n_process`` forked workers.

    At most two chunks per worker wait at a time, so a long input is never read ahead into memory. When a
    worker's string store passes :data:`MAX_VOCAB_STRINGS`, the workers finish the chunks they hold and
    fresh ones are forked from this process, whose pipeline has not grown.
    """
    global _WORKER_NLP
    _WORKER_NLP = nlp
    chunks = iter(lambda: [(_validate_text(t), d) for t, d in itertools.islice(notes, batch_size)], [])
    done = 0
    try:
        renew = True
        while renew:
            renew = False
            with _forked_workers(n_process) as workers:
                pending: deque[Future] = deque()
                for chunk in chunks:
                    pending.append(workers.submit(_analyze_chunk, chunk))
                    if len(pending) < 2 * n_process:
                        continue
                    data, strings = pending.popleft().result()
                    yield from data
                    done += len(data)
                    if strings > MAX_VOCAB_STRINGS:
                        renew = True
                        break
                while pending:
                    data, _strings = pending.popleft().result()
                    yield from data
                    done += len(data)
    except BrokenProcessPool:
        raise WorkerError(f"a worker process died (killed for lack of memory, crashed or killed) after "
                          f"{done:,} notes were analysed and returned") from None
    finally:
        _WORKER_NLP = None


register_extensions()


def analyze_frame(df, text_col: str = "text", note_date_col: str | None = None, *,
                  nlp: Language | None = None, n_process: int = 1):
    """Analyse a pandas DataFrame of notes: one output row per input row, same index.

    Every row's text and date are checked before any is analysed: a bad one (a missing text, a date that
    is not ISO) raises ``TypeError`` or ``ValueError`` naming the row by its index label.

    Columns are those of :meth:`Result.to_row`: the decision (the criteria as ``criteria_<name>``), age,
    duration, and one boolean column per SPEC finding label (present).

    >>> import pandas as pd
    >>> analyze_frame(pd.DataFrame({"text": ["saddle numbness, cannot void"]}))["indication"].tolist()
    ['urgent']
    """
    import pandas as pd

    if text_col not in df.columns:
        raise KeyError(f"no column {text_col!r} in the DataFrame (columns: {list(df.columns)})")
    if note_date_col is not None and note_date_col not in df.columns:
        raise KeyError(f"no column {note_date_col!r} in the DataFrame (columns: {list(df.columns)})")
    texts = df[text_col].tolist()
    dates = df[note_date_col].where(df[note_date_col].notna(), None).tolist() if note_date_col else None
    for label, text, date in zip(df.index, texts, dates or itertools.repeat(None)):
        try:
            _validate_text(text)
            parse_note_date(date)
        except (TypeError, ValueError) as error:
            raise type(error)(f"row {label!r} of the DataFrame: {error}") from None
    rows = [result.to_row() for result in analyze_many(texts, dates, nlp=nlp, n_process=n_process)]
    return pd.DataFrame(rows, index=df.index)
