"""Load the rule files of ``patterns/`` (medspaCy JSON formats).

``patterns/targets/*.json`` hold ``TargetRule``s (``{"target_rules": [...]}``),
``patterns/context/*.json`` hold ``ConTextRule``s (``{"context_rules": [...]}``),
``patterns/section_rules.json`` holds ``SectionRule``s. medspaCy's rule classes
reject unknown keys, so a typo in a rule file fails loudly at load time.
"""
from __future__ import annotations

import json
from pathlib import Path

from medspacy.context import ConTextRule
from medspacy.target_matcher import TargetRule

from .schema import LABELS

#: The rule files shipped with the project.
DEFAULT_PATTERNS_DIR = Path(__file__).resolve().parent.parent / "patterns"


def _files(directory: Path) -> list[Path]:
    files = sorted(directory.glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no rule files (*.json) in {directory}")
    return files


def load_target_rules(patterns_dir: str | Path = DEFAULT_PATTERNS_DIR) -> list[TargetRule]:
    """All target rules; every category must be a SPEC label."""
    rules: list[TargetRule] = []
    for path in _files(Path(patterns_dir) / "targets"):
        file_rules = TargetRule.from_json(str(path))
        for rule in file_rules:
            if rule.category not in LABELS:
                raise ValueError(f"{path}: rule {rule.literal!r} has unknown label {rule.category!r}")
        rules.extend(file_rules)
    return rules


def load_context_rules(patterns_dir: str | Path = DEFAULT_PATTERNS_DIR) -> list[ConTextRule]:
    """All ConText modifier rules."""
    rules: list[ConTextRule] = []
    for path in _files(Path(patterns_dir) / "context"):
        rules.extend(ConTextRule.from_json(str(path)))
    return rules


def load_word_frequencies(patterns_dir: str | Path = DEFAULT_PATTERNS_DIR) -> dict[str, float]:
    """Words per million tokens of clinical text (``word_frequencies.json``; the project's when
    ``patterns_dir`` has none). The matcher starts each token pattern at its rarest word."""
    path = Path(patterns_dir) / "word_frequencies.json"
    if not path.exists():
        path = DEFAULT_PATTERNS_DIR / "word_frequencies.json"
    return json.loads(path.read_text(encoding="utf-8"))["per_million"]


def load_json(name: str, patterns_dir: str | Path = DEFAULT_PATTERNS_DIR) -> dict:
    """A plain JSON settings file of ``patterns/`` (sentence rules, section defaults)."""
    path = Path(patterns_dir) / name
    return json.loads(path.read_text(encoding="utf-8"))
