"""Where the shipped rules and models are: package data, found with ``importlib.resources``.

In the source tree ``extractor/data/patterns`` and ``extractor/data/models``
are links to the repository's top-level ``patterns/`` and ``models/``; a
built wheel holds copies, so an installed package needs no repository.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_dir() -> Path:
    return Path(str(resources.files("extractor") / "data"))


def patterns_dir() -> Path:
    """The rule files shipped with the package."""
    return data_dir() / "patterns"


def models_dir() -> Path:
    """The shipped learned classifier (``indication/``) and the word frequencies of the matcher."""
    return data_dir() / "models"
