"""Lumbar spine MRI indication extraction from clinical notes.

>>> import extractor
>>> result = extractor.analyze("45F LBP x 2 wks after lifting. No leg symptoms.")
>>> result.decision.indication
'not_indicated'
"""
from . import component  # noqa: F401  (registers the spaCy factory)
from .api import analyze, analyze_frame, analyze_many, load
from .decision import Decision, decide
from .findings import Finding
from .patients import PatientResult, analyze_patient, analyze_patients_frame
from .result import Result

__all__ = ["analyze", "analyze_many", "analyze_frame", "analyze_patient", "analyze_patients_frame", "load", "Result",
           "PatientResult", "Finding", "Decision", "decide"]
__version__ = "0.2.0"
