"""Keep third-party log noise off the user's stderr.

PyRuSH (imported by medspaCy) logs DEBUG lines through loguru at import.
"""
from __future__ import annotations


def silence_third_party_logs() -> None:
    try:
        from loguru import logger
    except ImportError:  # loguru comes with PyRuSH; nothing to silence without it
        return
    for name in ("PyRuSH", "medspacy"):
        logger.disable(name)
