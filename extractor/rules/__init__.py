"""The rule files of ``patterns/``: where they are, and loading them into rule objects.

The rule source (vocabularies, fragments, rule files in medspaCy's JSON
formats) is described in ``patterns/README.md`` and expanded by
:mod:`.source`; :mod:`.model` holds the rule classes, :mod:`.precedence`
the declared order between rules that match the same words, :mod:`.layout`
the one layout of a rule file and :mod:`.lint` the checks of
``mri-indication rules lint``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from .model import ConTextRule, RuleSource, SectionRule, TargetRule
from .source import Library, RuleSourceError, load_rule_file

Tokenize = Callable[[str], list]


def _files(directory: Path) -> list[Path]:
    files = sorted(directory.glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no rule files (*.json) in {directory}")
    return files


def load_rules(patterns_dir: str | Path, folder: str, tokenize: Tokenize, library: Library | None = None) -> list:
    """The rules of every file in ``patterns_dir/folder`` (``targets`` or ``context``), in file order."""
    patterns_dir = Path(patterns_dir)
    library = library or Library.load(patterns_dir)
    rules: list = []
    for path in _files(patterns_dir / folder):
        rules.extend(load_rule_file(path, library, tokenize, relative_to=patterns_dir))
    return rules


def load_target_rules(patterns_dir: str | Path, tokenize: Tokenize, library: Library | None = None) -> list[TargetRule]:
    """All target rules; every category must be a SPEC label."""
    return check_labels(load_rules(patterns_dir, "targets", tokenize, library))


def check_labels(rules: list[TargetRule]) -> list[TargetRule]:
    """``rules``, when every category is a SPEC label."""
    from ..schema import LABELS

    for rule in rules:
        if rule.category not in LABELS:
            raise RuleSourceError(f"{rule.source}: unknown label {rule.category!r}")
    return rules


def load_context_rules(patterns_dir: str | Path, tokenize: Tokenize, library: Library | None = None) -> list[ConTextRule]:
    """All ConText modifier rules."""
    return load_rules(patterns_dir, "context", tokenize, library)


def load_section_rules(patterns_dir: str | Path, tokenize: Tokenize) -> list[SectionRule]:
    patterns_dir = Path(patterns_dir)
    return load_rule_file(patterns_dir / "section_rules.json", Library.load(patterns_dir), tokenize, patterns_dir)


def load_json(name: str, patterns_dir: str | Path) -> dict:
    """A plain JSON settings file of ``patterns/`` (sentence rules, section defaults)."""
    return json.loads((Path(patterns_dir) / name).read_text(encoding="utf-8"))


def load_settings(name: str, patterns_dir: str | Path, library: Library | None = None) -> dict:
    """A JSON settings file whose string values are regexes that may name vocabularies and fragments
    (``{{@NAME}}``, ``{{NAME}}``; ``duration_owners.json``)."""
    library = library or Library.load(Path(patterns_dir))
    return {key: library.regex(value) if isinstance(value, str) and key != "note" else value
            for key, value in load_json(name, patterns_dir).items()}


__all__ = ["ConTextRule", "TargetRule", "SectionRule", "RuleSource", "Library", "RuleSourceError",
           "check_labels", "load_rules", "load_target_rules", "load_context_rules", "load_section_rules",
           "load_json", "load_settings"]
