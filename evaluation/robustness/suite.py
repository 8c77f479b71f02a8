"""Run the perturbation families over gold notes and count failures (CheckList, Ribeiro et al. 2020).

A family is tried only on notes whose decision was right before the rewrite; a directional family only
on notes whose gold decision is not already urgent. Each rewrite is seeded by family, note id and draw,
so a run is repeatable and a failure can be looked at again.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from .families import FAMILIES, Family, Rewrite

PHRASES = Path(__file__).with_name("phrases.json")
#: Phrase-bank families rewrite each note this many times, with different phrases and places.
DRAWS = 3


@dataclass
class FamilyScore:
    name: str
    kind: str
    notes: int = 0
    rewrites: int = 0
    failures: list[dict] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.failures) / self.rewrites if self.rewrites else 0.0

    def to_dict(self) -> dict:
        return {"kind": self.kind, "notes": self.notes, "rewrites": self.rewrites,
                "failures": len(self.failures), "rate": round(self.rate, 4),
                "failed": [{k: v for k, v in f.items() if k != "text"} for f in self.failures]}


class PhraseFileError(ValueError):
    pass


def load_phrases(path: str | Path = PHRASES) -> dict[str, list]:
    """The phrase banks by family name; every bank family must have a non-empty list."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise PhraseFileError(f"{path}: {error}") from None
    banks = {name: list(bank) for kind in ("invariant", "directional") for name, bank in data.get(kind, {}).items()}
    for family in FAMILIES.values():
        if family.uses_bank and not banks.get(family.name):
            raise PhraseFileError(f"{path}: no phrases for family {family.name!r} "
                                  f"(expected under {family.kind!r})")
        for index, phrase in enumerate(banks.get(family.name, ())):
            if family.kind == "directional" and not (isinstance(phrase, dict) and {"text", "condition"} <= set(phrase)):
                raise PhraseFileError(f"{path}: {family.kind}.{family.name}[{index}]: "
                                      "expected an object with 'text' and 'condition'")
    return banks


def rewrites(family: Family, record: Mapping, bank: Sequence) -> list[tuple[int, Rewrite]]:
    """The distinct rewrites of one gold record by one family, with their draw numbers."""
    seen, found = set(), []
    for draw in range(DRAWS if family.uses_bank else 1):
        rewrite = family.rewrite(record["text"], random.Random(f"{family.name}|{record['id']}|{draw}"), bank)
        if rewrite is not None and rewrite.text not in seen:
            seen.add(rewrite.text)
            found.append((draw, rewrite))
    return found


Decide = Callable[[list[tuple[str, object]]], list[dict]]


def run_robustness(records: Sequence[Mapping], decide: Decide, banks: Mapping[str, Sequence] | None = None,
                   families: Iterable[Family] | None = None) -> dict[str, FamilyScore]:
    """Failure counts per family. ``decide`` maps (text, note_date) pairs to SPEC decision records."""
    banks = load_phrases() if banks is None else banks
    families = list(FAMILIES.values() if families is None else families)
    before = decide([(r["text"], r.get("note_date")) for r in records])
    right = [r for r, d in zip(records, before) if d["indication"] == r["decision"]["indication"]]
    scores = {}
    for family in families:
        score = scores[family.name] = FamilyScore(family.name, family.kind)
        eligible = [r for r in right if family.kind == "invariant" or r["decision"]["indication"] != "urgent"]
        cases = [(r, draw, rw) for r in eligible for draw, rw in rewrites(family, r, banks.get(family.name, ()))]
        score.notes = len({r["id"] for r, _, _ in cases})
        score.rewrites = len(cases)
        after = decide([(rw.text, r.get("note_date")) for r, _, rw in cases])
        for (record, draw, rewrite), decision in zip(cases, after):
            expected = record["decision"]["indication"] if family.kind == "invariant" else "urgent"
            failed = decision["indication"] != expected or (
                rewrite.condition is not None and rewrite.condition not in decision["suspected"])
            if failed:
                score.failures.append({"id": record["id"], "draw": draw, "expected": expected,
                                       "condition": rewrite.condition, "got": decision["indication"],
                                       "suspected": decision["suspected"], "text": rewrite.text})
    return scores


def format_robustness(scores: Mapping[str, FamilyScore], limit: float | None = None) -> str:
    """A table of failure rates per family; rows over ``limit`` are marked."""
    rows = [f"{'family':<28} {'kind':<11} {'notes':>5} {'rewrites':>8} {'failures':>8} {'rate':>7}"]
    for score in scores.values():
        mark = "  over" if limit is not None and score.rate > limit else ""
        rows.append(f"{score.name:<28} {score.kind:<11} {score.notes:>5} {score.rewrites:>8} "
                    f"{len(score.failures):>8} {score.rate:>7.1%}{mark}")
    return "\n".join(rows)
