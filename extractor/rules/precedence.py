"""Which rule wins when two rules match the same words (``patterns/precedence.json``).

Overlapping matches keep the longest (medspaCy's pruning). When two matches
are equally long and overlap, the one that starts first is kept. When they
cover the same words:

- the rule with the higher ``metadata.priority`` (default 0) wins: an author
  declares it, with a note saying why;
- then ConText cues of the same category all apply (each reaches what its own
  direction, scope and types allow);
- otherwise the category listed first in ``precedence.json`` wins; within a
  category, the more specific rule (the one that fixes more attributes or
  reads a value), then the rule whose text sorts first.

Nothing depends on the order in which files or rules are loaded. ``rules
lint`` reports rules of one category that can match the same phrase with
different effects and no declared priority between them, so that the last
step never decides a clinical result.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

PRECEDENCE_FILE = "precedence.json"


def _content(rule) -> str:
    """A rule's text without its notes, for the last, arbitrary but stable, tie-break."""
    record = rule.to_dict()
    metadata = {k: v for k, v in (record.get("metadata") or {}).items() if k not in ("note", "examples")}
    record["metadata"] = metadata
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def specificity(rule) -> int:
    """How much a target rule says beyond its label: the attributes it fixes, and a value check."""
    attributes = getattr(rule, "attributes", None) or {}
    return len(attributes) + (1 if (rule.metadata or {}).get("check") else 0)


@dataclass(frozen=True)
class Precedence:
    """The declared order of categories, for target labels and ConText categories."""

    order: dict[str, int]

    @classmethod
    def load(cls, patterns_dir: Path, section: str) -> "Precedence":
        """``section`` is ``"targets"`` or ``"context"``."""
        path = Path(patterns_dir) / PRECEDENCE_FILE
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        categories = data.get(section, {}).get("order", [])
        return cls({category: rank for rank, category in enumerate(categories)})

    def key(self, rule) -> tuple:
        priority = (rule.metadata or {}).get("priority", 0)
        return -priority, self.order.get(rule.category, len(self.order)), -specificity(rule), _content(rule)

    def ranks(self, rules: Sequence) -> list[int]:
        """Each rule's rank: a lower rank wins a tie."""
        keys = [self.key(rule) for rule in rules]
        order = {key: rank for rank, key in enumerate(sorted(set(keys)))}
        return [order[key] for key in keys]
