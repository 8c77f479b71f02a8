"""Evaluation of extractor output against gold notes (SPEC.md section 5).

>>> from evaluation import evaluate, confidence_intervals, list_errors, format_summary, write_html
>>> metrics = evaluate(gold, pred)                      # doctest: +SKIP
>>> print(format_summary(metrics, confidence_intervals(gold, pred)))  # doctest: +SKIP
"""
from .bootstrap import confidence_intervals
from .errors import SpanError, errors_frame, list_errors
from .metrics import evaluate
from .report import write_html
from .summary import format_summary

__all__ = [
    "SpanError",
    "confidence_intervals",
    "errors_frame",
    "evaluate",
    "format_summary",
    "list_errors",
    "write_html",
]
