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
"""
from __future__ import annotations

from typing import Callable

from spacy import util
from spacy.language import Language
from spacy.tokenizer import Tokenizer
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


class ClinicalTokenizer(Tokenizer):
    """spaCy's ``Tokenizer``, warming its cache one new chunk at a time (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._seen_chunks: set[str] = set()

    def __call__(self, text: str):
        seen = self._seen_chunks
        tokenize = super().__call__
        for chunk in text.split():
            if chunk not in seen:
                if len(seen) >= MAX_SEEN_CHUNKS:
                    seen.clear()
                seen.add(chunk)
                tokenize(chunk)
        return tokenize(text)


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
