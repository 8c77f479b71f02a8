"""Reference results: every output of the pipeline on a fixed set of notes, to prove a change changes nothing.

    python -m evaluation.reference write OUT.jsonl [--mtsamples 1500] [--generated 500]
    python -m evaluation.reference compare BEFORE.jsonl AFTER.jsonl

The notes are every split of ``corpora/``, the devset (``../shared/devset``),
the first ``--mtsamples`` distinct MTSamples transcriptions and ``--generated``
notes of the bench's generator. Each output line is one note's id and its
``Result.to_dict()`` (findings with attributes and values, age, duration,
decision and reason). ``compare`` lists the notes whose output differs, with the
spans that differ; a refactor that changes nothing reports none.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def reference_notes(mtsamples: int = 1500, generated: int = 500) -> Iterator[tuple[str, str, str | None]]:
    """``(id, text, note_date)`` of the reference notes, in a fixed order."""
    for path in sorted(ROOT.glob("corpora/*.jsonl")) + [SHARED / "devset" / "gold.jsonl"]:
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    record = json.loads(line)
                    yield f"{path.stem}/{record['id']}", record["text"], record.get("note_date")
    csv.field_size_limit(sys.maxsize)
    seen: set[str] = set()
    source = SHARED / "external" / "mtsamples" / "mtsamples.csv"
    if mtsamples and source.exists():
        with source.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text = row["transcription"]
                if text.strip() and text not in seen:
                    seen.add(text)
                    yield f"mtsamples/{row['note_id']}", text, None
                    if len(seen) >= mtsamples:
                        break
    if generated:
        from .bench import make_notes

        for number, text in enumerate(make_notes(generated, 1800, seed=101)):
            yield f"generated/{number}", text, None


def write(out: Path, mtsamples: int, generated: int) -> int:
    import extractor

    notes = list(reference_notes(mtsamples, generated))
    results = extractor.analyze_many((text for _id, text, _d in notes), (date for *_rest, date in notes))
    with out.open("w", encoding="utf-8") as handle:
        for (note_id, _text, _date), result in zip(notes, results):
            handle.write(json.dumps({"id": note_id, **result.to_dict()}, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(notes)} notes written to {out}")
    return 0


def _read(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as handle:
        return {record["id"]: record for record in map(json.loads, handle)}


def differences(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """One line per note whose output differs: its id, and the spans or fields that changed."""
    lines = []
    for note_id in before.keys() | after.keys():
        old, new = before.get(note_id), after.get(note_id)
        if old == new:
            continue
        if old is None or new is None:
            lines.append(f"{note_id}: only in {'after' if old is None else 'before'}")
            continue
        old_spans = {json.dumps(s, sort_keys=True) for s in old["spans"]}
        new_spans = {json.dumps(s, sort_keys=True) for s in new["spans"]}
        parts = [f"-{s}" for s in sorted(old_spans - new_spans)] + [f"+{s}" for s in sorted(new_spans - old_spans)]
        for key in ("age", "symptom_duration_days", "decision"):
            if old[key] != new[key]:
                parts.append(f"{key}: {json.dumps(old[key], sort_keys=True)} -> {json.dumps(new[key], sort_keys=True)}")
        lines.append(f"{note_id}: " + "; ".join(parts))
    return sorted(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    writing = commands.add_parser("write")
    writing.add_argument("out", type=Path)
    writing.add_argument("--mtsamples", type=int, default=1500)
    writing.add_argument("--generated", type=int, default=500)
    comparing = commands.add_parser("compare")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "write":
        return write(args.out, args.mtsamples, args.generated)
    before, after = _read(args.before), _read(args.after)
    lines = differences(before, after)
    print("\n".join(lines))
    print(f"{len(lines)} of {len(before)} notes differ")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
