"""A start-up cache of what the rule source expands and compiles to, rebuilt when anything it depends on changes.

Loading the rules expands the source (:mod:`.source`), ranks the rules
(:mod:`.precedence`) and reads what each regex can match
(:mod:`extractor.matching.regex_analysis`). All of it is a pure function of
the rule files, the word frequencies and the code that reads them, so it is
written once to a JSON file whose name is a hash of all of those, in the
user's cache folder (``$MRI_INDICATION_CACHE``, else ``$XDG_CACHE_HOME`` or
``~/.cache``, then ``mri-indication``). A changed rule file, vocabulary or
extractor version gives a new name, so a stale cache is never read; a cache
that cannot be read or written is ignored. It is never part of the
repository, and it changes only how fast the pipeline starts, never what
it finds (a test checks both).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .model import ConTextRule, RuleSource, TargetRule
from .precedence import Precedence
from .source import Library, load_rule_file

FORMAT = 1
#: the code whose output is cached: a change to any of these files rebuilds the cache
_CODE = ("rules/source.py", "rules/model.py", "rules/precedence.py", "rules/cache.py", "pipeline/tokenizer.py",
         "matching/matcher.py", "matching/regex_analysis.py", "matching/regex_syntax.py")
_PACKAGE = Path(__file__).resolve().parents[1]


def cache_dir() -> Path:
    explicit = os.environ.get("MRI_INDICATION_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mri-indication"


def source_key(patterns_dir: Path, word_frequencies: Path) -> str:
    """A hash of every rule file, the word frequencies and the code that turns them into matchers."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    files = sorted(p for p in patterns_dir.rglob("*") if p.is_file() and p.suffix in (".json", ".txt"))
    for path in files + [word_frequencies] + [_PACKAGE / name for name in _CODE]:
        digest.update(str(path.relative_to(patterns_dir) if path.is_relative_to(patterns_dir) else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


@dataclass
class CompiledRules:
    """The expanded target and context rules, their precedence ranks, and the regex analyses of the matchers."""

    targets: list[TargetRule]
    context: list[ConTextRule]
    target_ranks: list[int]
    context_ranks: list[int]
    analyses: dict  # filled by the matchers (extractor.matching.matcher.RuleMatcher)

    def to_json(self) -> dict:
        return {"format": FORMAT,
                "targets": [_record(rule) for rule in self.targets],
                "context": [_record(rule) for rule in self.context],
                "target_ranks": self.target_ranks, "context_ranks": self.context_ranks,
                "analyses": self.analyses}

    @classmethod
    def from_json(cls, data: dict) -> "CompiledRules":
        return cls([_rule(TargetRule, r) for r in data["targets"]], [_rule(ConTextRule, r) for r in data["context"]],
                   data["target_ranks"], data["context_ranks"], data["analyses"])


def _record(rule) -> dict:
    """A rule as the pipeline needs it: its notes and examples stay in the source."""
    record = rule.to_dict()
    metadata = {k: v for k, v in (record.pop("metadata", None) or {}).items() if k not in ("note", "examples")}
    if metadata:
        record["metadata"] = metadata
    return {"rule": record, "source": [rule.source.file, rule.source.index, rule.source.phrase]}


def _rule(kind, record: dict):
    return kind.from_dict(record["rule"], RuleSource(*record["source"]))


def build(patterns_dir: Path, tokenize: Callable[[str], list[str]]) -> CompiledRules:
    """Expand and rank the rules (the matchers add their analyses as they are built)."""
    library = Library.load(patterns_dir)
    loaded = {}
    for folder in ("targets", "context"):
        files = sorted((patterns_dir / folder).glob("*.json"))
        if not files:
            raise FileNotFoundError(f"no rule files (*.json) in {patterns_dir / folder}")
        loaded[folder] = [rule for path in files
                          for rule in load_rule_file(path, library, tokenize, relative_to=patterns_dir)]
    return CompiledRules(loaded["targets"], loaded["context"],
                         Precedence.load(patterns_dir, "targets").ranks(loaded["targets"]),
                         Precedence.load(patterns_dir, "context").ranks(loaded["context"]), {})


def read(key: str) -> CompiledRules | None:
    path = cache_dir() / f"rules-{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return CompiledRules.from_json(data) if data.get("format") == FORMAT else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write(key: str, compiled: CompiledRules) -> None:
    """Write atomically (a temporary file, then a rename); a folder that cannot be written is left alone."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False) as handle:
            json.dump(compiled.to_json(), handle, ensure_ascii=False)
        os.replace(handle.name, folder / f"rules-{key}.json")
    except OSError:
        return
