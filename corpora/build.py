"""Build the corpus: inline-markup notes (corpora/source/*.txt) -> SPEC section 4 JSONL.

    python corpora/build.py            # writes corpora/{train,dev,test}.jsonl and corpora/real_{dev,test}.jsonl

Offsets, ``age``, ``symptom_duration_days`` and the gold ``decision`` are
computed from the annotated spans (SPEC section 3, through
``extractor.decision``). A note whose computed indication differs from its
``intended`` header is reported, which catches annotation slips. Notes are
split 60/20/20 by a hash of their id, so a note keeps its split when others
are added. Real transcriptions (``mts-`` ids, ``source/mtsamples_*.txt``,
annotated from ``corpora/mtsamples.py`` skeletons) are only measured, never
trained on: they split by the same hash into ``real_dev`` and ``real_test``,
half each.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

from extractor.decision import decide, note_age, note_duration_days
from extractor.findings import Finding
from extractor.io.gold import check_file
from extractor.schema import LABELS, VALUE_LABELS

HERE = Path(__file__).resolve().parent
HEADER = re.compile(r"^=== id: (?P<id>\S+)(?P<fields>.*)$", re.MULTILINE)
ANNOTATION = re.compile(r"\[\[(?P<body>.*?)\]\]", re.DOTALL)
FLAGS = {"neg": "negated", "hist": "historical", "hyp": "hypothetical", "fam": "family", "unc": "uncertain"}


class MarkupError(ValueError):
    pass


def parse_note(note_id: str, fields: dict[str, str], body: str, where: str) -> tuple[dict, str | None]:
    """One markup note -> (SPEC record, intended indication)."""
    text_parts: list[str] = []
    spans: list[dict] = []
    position = 0
    length = 0
    for match in ANNOTATION.finditer(body):
        text_parts.append(body[position:match.start()])
        length += match.start() - position
        parts = match.group("body").split("|")
        if len(parts) not in (2, 3):
            raise MarkupError(f"{where}: note {note_id}: bad annotation {match.group(0)!r}")
        surface, label = parts[0], parts[1].strip()
        if label not in LABELS:
            raise MarkupError(f"{where}: note {note_id}: unknown label {label!r} in {match.group(0)!r}")
        span: dict = {"start": length, "end": length + len(surface), "label": label}
        for flag in (f.strip() for f in (parts[2].split(",") if len(parts) == 3 else []) if f.strip()):
            if flag in FLAGS:
                span[FLAGS[flag]] = True
            elif flag in ("failed", "improved"):
                span["response"] = flag
            elif label in VALUE_LABELS and re.fullmatch(r"\d+(\.\d+)?", flag):
                span["value"] = int(float(flag))
            else:
                raise MarkupError(f"{where}: note {note_id}: unknown flag {flag!r} in {match.group(0)!r}")
        if label in VALUE_LABELS and "value" not in span:
            raise MarkupError(f"{where}: note {note_id}: {label} needs a value in {match.group(0)!r}")
        text_parts.append(surface)
        length += len(surface)
        spans.append(span)
        position = match.end()
    text_parts.append(body[position:])
    text = "".join(text_parts).strip("\n")
    leading = len("".join(text_parts)) - len("".join(text_parts).lstrip("\n"))
    for span in spans:
        span["start"] -= leading
        span["end"] -= leading
    findings = [Finding.from_dict(s) for s in spans]
    age, duration = note_age(findings), note_duration_days(findings)
    decision = decide(findings, age, duration).to_dict()
    decision.pop("reason")
    note_date = fields.get("note_date")
    record = {"id": note_id, "text": text, "note_date": None if note_date in (None, "none") else note_date,
              "spans": spans, "age": age, "symptom_duration_days": duration, "decision": decision}
    return record, fields.get("intended")


def parse_file(path: Path) -> list[tuple[dict, str | None]]:
    content = path.read_text(encoding="utf-8")
    headers = list(HEADER.finditer(content))
    notes = []
    for i, header in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(content)
        fields = dict(
            (k.strip(), v.strip()) for k, v in
            (f.split(":", 1) for f in header.group("fields").split("|") if ":" in f)
        )
        notes.append(parse_note(header.group("id"), fields, content[header.end() + 1:end], str(path)))
    return notes


REAL_PREFIX = "mts-"


def split_of(note_id: str) -> str:
    bucket = int(hashlib.sha256(note_id.encode()).hexdigest(), 16) % 10
    if note_id.startswith(REAL_PREFIX):
        return "real_dev" if bucket < 5 else "real_test"
    return "train" if bucket < 6 else "dev" if bucket < 8 else "test"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=HERE / "source")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    splits: dict[str, list[dict]] = {"train": [], "dev": [], "test": [], "real_dev": [], "real_test": []}
    mismatches = []
    seen: set[str] = set()
    for path in sorted(args.source.glob("*.txt")):
        for record, intended in parse_file(path):
            if record["id"] in seen:
                raise MarkupError(f"{path}: duplicate id {record['id']}")
            seen.add(record["id"])
            if intended and intended != record["decision"]["indication"]:
                mismatches.append(f"{record['id']}: intended {intended}, spans give {record['decision']['indication']}"
                                  f" (missing {record['decision']['missing']})")
            splits[split_of(record["id"])].append(record)
    for name, records in splits.items():
        out = args.out / f"{name}.jsonl"
        with out.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        result = check_file(out)
        counts = Counter(r["decision"]["indication"] for r in records)
        print(f"{out.name}: {len(records)} notes {dict(counts)}; {len(result.errors)} problems")
        for error in result.errors[:10]:
            print("  ", error)
    for line in mismatches:
        print("intended/computed mismatch:", line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
