"""The clinical tokenizer: spaCy's English tokenizer with clinical infixes and a working cache.

Clinical shorthand glues words to numbers and signs ("x3wk", "T38.5",
"101.2F", "-fever", "IVDU;CKD4", "54y/o"). Splitting these keeps the
phrase and token rules in ``patterns/`` simple. The rules change only
``infix_finditer``, which spaCy saves with the tokenizer, so a pipeline
written with ``nlp.to_disk`` loads back with the same tokenization.

spaCy 3.7's tokenizer stops caching the rest of a text once it meets a
special case ("Dr.", "can't"; spaCy issue #13950), so on notes almost every
word goes through the slow affix path. :class:`ClinicalTokenizer` gives each
new whitespace-separated chunk one pass of its own, which caches it, and then
tokenizes the text with every chunk a cache hit. The tokens are the same.

spaCy's affix loop rescans the rest of a chunk for every prefix or suffix it
strips, and its URL pattern is quadratic in a chunk's length, so a run of
"(" or a long whitespace-free chunk took time quadratic in its length. A run
of more than :data:`MAX_RUN_CHARS` punctuation characters becomes tokens of
at most that many characters, without spaCy, and a whitespace-free chunk
longer than :data:`MAX_CHUNK_CHARS` is tokenized in pieces of at most that
length, cut at a word's edge where there is one. Every character keeps its
offset: ``doc.text`` is the text.
"""
from __future__ import annotations

import re
from typing import Callable

from spacy import util
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, registry

CLINICAL_INFIXES = (
    r"(?<=[A-Za-z])(?=\d)",          # T38.5, x3, CKD4, L4
    r"(?<=\d)(?=[A-Za-z])",          # 3wk, 101.2F, 67M, 650mL
    r"(?<=[A-Za-z0-9])[;,](?=\S)",   # IVDU;CKD4  fever,chills
    r"(?<=[A-Za-z0-9)\"'])\.(?=,\S)",  # the transcription export's line join: disease.,PAST
    r"(?<=[.:)\"'])[,](?=\S)",       # changes.,PMH  iritis").,Denies
    r"(?<=[A-Za-z])/(?=[A-Za-z])",   # bowel/bladder, y/o
    r"(?<=^[-+])(?=[A-Za-z])",       # -fever  +SLR
    r"(?<=[)])(?=[A-Za-z])",         # (-)fever
    r"[°]",
)
MAX_SEEN_CHUNKS = 1_000_000  # chunks remembered before the list starts again (spaCy keeps its cache)
MAX_RUN_CHARS = 16  # a longer run of punctuation is cut into tokens of this many characters
MAX_CHUNK_CHARS = 256  # a longer whitespace-free chunk is tokenized in pieces of at most this many characters
_PUNCTUATION_RUN = re.compile(r"[^\w\s]{%d,}" % (MAX_RUN_CHARS + 1))
_LONG_CHUNK = re.compile(r"\S{%d,}" % (MAX_CHUNK_CHARS + 1))
_LAST_WORD_EDGE = re.compile(r".*(?:(?<=\w)(?=\W)|(?<=\W)(?=\w))", re.S)


class ClinicalTokenizer(Tokenizer):
    """spaCy's ``Tokenizer``, warming its cache one new chunk at a time and cutting pathological chunks
    (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._seen_chunks: set[str] = set()

    def __call__(self, text: str):
        chunks = text.split()
        if _PUNCTUATION_RUN.search(text) or max(map(len, chunks), default=0) > MAX_CHUNK_CHARS:
            return self._cut_and_tokenize(text)
        self._warm(chunks)
        return super().__call__(text)

    def _warm(self, chunks: list[str]) -> None:
        seen = self._seen_chunks
        tokenize = super().__call__
        for chunk in chunks:
            if chunk not in seen:
                if len(seen) >= MAX_SEEN_CHUNKS:
                    seen.clear()
                seen.add(chunk)
                tokenize(chunk)

    def _cut_and_tokenize(self, text: str) -> Doc:
        """The ``Doc`` of a text with long punctuation runs or long chunks, cut as the module docstring says."""
        words: list[str] = []
        spaces: list[bool] = []
        position = 0
        for run in _PUNCTUATION_RUN.finditer(text):
            self._add_segment(text, position, run.start(), words, spaces)
            for start in range(run.start(), run.end(), MAX_RUN_CHARS):
                words.append(text[start:min(start + MAX_RUN_CHARS, run.end())])
                spaces.append(False)
            position = run.end()
            if text.startswith(" ", position):  # spaCy's rule: one space after a token belongs to it
                spaces[-1] = True
                position += 1
        self._add_segment(text, position, len(text), words, spaces)
        return Doc(self.vocab, words=words, spaces=spaces)

    def _add_segment(self, text: str, start: int, end: int, words: list[str], spaces: list[bool]) -> None:
        """Tokenize ``text[start:end]``, cutting each whitespace-free chunk longer than :data:`MAX_CHUNK_CHARS`
        strictly inside (so spaCy's whitespace rules see the same neighbours)."""
        cuts = [start]
        for chunk in _LONG_CHUNK.finditer(text, start, end):
            position = chunk.start()
            while chunk.end() - position > MAX_CHUNK_CHARS:
                edge = _LAST_WORD_EDGE.match(text, position + 1, position + MAX_CHUNK_CHARS + 1)
                position = edge.end() if edge else position + MAX_CHUNK_CHARS
                cuts.append(position)
        cuts.append(end)
        strings = self.vocab.strings
        for piece_start, piece_end in zip(cuts, cuts[1:]):
            if piece_start == piece_end:
                continue
            piece = text[piece_start:piece_end]
            self._warm(piece.split())
            for orth, space in super().__call__(piece).to_array(["ORTH", "SPACY"]).tolist():
                words.append(strings[orth])
                spaces.append(bool(space))


TOKENIZER_NAME = "mri_indication.ClinicalTokenizer.v1"


@registry.tokenizers(TOKENIZER_NAME)
def create_clinical_tokenizer() -> Callable[[Language], ClinicalTokenizer]:
    """The registered tokenizer: the language's defaults plus :data:`CLINICAL_INFIXES`, built once (a pipeline
    made with it, as :func:`extractor.load` makes one, need not replace its tokenizer)."""

    def make(nlp: Language) -> ClinicalTokenizer:
        defaults = nlp.Defaults
        return ClinicalTokenizer(
            nlp.vocab, rules=defaults.tokenizer_exceptions,
            prefix_search=util.compile_prefix_regex(defaults.prefixes).search if defaults.prefixes else None,
            suffix_search=util.compile_suffix_regex(defaults.suffixes).search if defaults.suffixes else None,
            infix_finditer=compile_infix_regex(list(defaults.infixes or []) + list(CLINICAL_INFIXES)).finditer,
            token_match=defaults.token_match, url_match=defaults.url_match)
    return make


def use_clinical_tokenizer(nlp: Language) -> None:
    """Replace ``nlp.tokenizer`` by a :class:`ClinicalTokenizer` with :data:`CLINICAL_INFIXES` (idempotent)."""
    if isinstance(nlp.tokenizer, ClinicalTokenizer):
        return
    old = nlp.tokenizer
    infix_finditer = old.infix_finditer
    if CLINICAL_INFIXES[0] not in getattr(getattr(infix_finditer, "__self__", None), "pattern", ""):
        infix_finditer = compile_infix_regex(list(nlp.Defaults.infixes or []) + list(CLINICAL_INFIXES)).finditer
    nlp.tokenizer = ClinicalTokenizer(nlp.vocab, rules=old.rules, prefix_search=old.prefix_search,
                                      suffix_search=old.suffix_search, infix_finditer=infix_finditer,
                                      token_match=old.token_match, url_match=old.url_match,
                                      faster_heuristics=old.faster_heuristics)
