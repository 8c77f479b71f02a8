"""Lumbar spine MRI indication extraction from clinical notes.

>>> import extractor
>>> result = extractor.analyze("45F LBP x 2 wks after lifting. No leg symptoms.")
>>> result.decision.indication
'not_indicated'
"""
from ._quiet import silence_third_party_logs

silence_third_party_logs()

from . import component  # noqa: E402  (registers the spaCy factory)
from .api import analyze, analyze_frame, analyze_many, load  # noqa: E402
from .decision import Decision, decide  # noqa: E402
from .findings import Finding  # noqa: E402
from .result import Result  # noqa: E402

__all__ = ["analyze", "analyze_many", "analyze_frame", "load", "Result", "Finding", "Decision", "decide"]
__version__ = "0.1.0"
