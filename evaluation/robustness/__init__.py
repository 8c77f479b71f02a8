"""Metamorphic tests: rewrites of gold notes whose correct decision is known (``mri-indication robustness``).

>>> from evaluation.robustness import FAMILIES
>>> sorted(f.kind for f in FAMILIES.values()).count("directional")
4
"""
from .families import FAMILIES, Family, Rewrite
from .suite import DRAWS, PHRASES, FamilyScore, PhraseFileError, format_robustness, load_phrases, run_robustness

__all__ = ["DRAWS", "FAMILIES", "Family", "FamilyScore", "PHRASES", "PhraseFileError", "Rewrite",
           "format_robustness", "load_phrases", "run_robustness"]
