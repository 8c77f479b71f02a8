"""Clinical infix rules for spaCy's English tokenizer.

Clinical shorthand glues words to numbers and signs ("x3wk", "T38.5",
"101.2F", "-fever", "IVDU;CKD4", "54y/o"). Splitting these keeps the
phrase and token rules in ``patterns/`` simple. The rules change only
``infix_finditer``, which spaCy saves with the tokenizer, so a pipeline
written with ``nlp.to_disk`` loads back with the same tokenization.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.util import compile_infix_regex

CLINICAL_INFIXES = (
    r"(?<=[A-Za-z])(?=\d)",          # T38.5, x3, CKD4, L4
    r"(?<=\d)(?=[A-Za-z])",          # 3wk, 101.2F, 67M, 650mL
    r"(?<=[A-Za-z0-9])[;,](?=\S)",   # IVDU;CKD4  fever,chills
    r"(?<=[A-Za-z])/(?=[A-Za-z])",   # bowel/bladder, y/o
    r"(?<=^[-+])(?=[A-Za-z])",       # -fever  +SLR
    r"(?<=[)])(?=[A-Za-z])",         # (-)fever
    r"[°]",
)
_MARKER = "(?<=[A-Za-z])(?=\\d)"


def add_clinical_infixes(nlp: Language) -> None:
    """Extend ``nlp.tokenizer`` with :data:`CLINICAL_INFIXES` (idempotent)."""
    current = nlp.tokenizer.infix_finditer
    pattern = getattr(getattr(current, "__self__", None), "pattern", "")
    if _MARKER in pattern:
        return
    infixes = list(nlp.Defaults.infixes or []) + list(CLINICAL_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
