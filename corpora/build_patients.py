"""Build the patient-level gold: timelines of inline-markup notes (corpora/source/patients/*.txt) -> JSONL.

    python corpora/build_patients.py     # writes corpora/patients/{dev,test}.jsonl and {dev,test}_notes.jsonl

A timeline file is a list of patients, each a header and its notes in the note markup of ``build.py``::

    ### patient: pa-001 | as_of: 2026-04-02 | intended: indicated
    === id: pa-001-1 | note_date: 2026-01-10 | style: primary_care
    ...

Each record is SPEC section 6 gold: ``{"patient_id", "as_of", "notes": [section 4 records], "decision"}``, the
decision computed from the notes' gold spans by the section 6 code (``extractor.patients.timeline``). A
patient whose computed indication differs from the writer's ``intended`` one is reported, which catches
annotation slips. Patients split 50/50 into dev and test by a hash of their id. ``{dev,test}_notes.jsonl`` hold the same notes
one per line with each note's own section 3 decision, for scoring the notes alone.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

from build import HERE, MarkupError, parse_note
from extractor.io.patients import gold_patient_decision

PATIENT = re.compile(r"^### patient: (?P<id>\S+)(?P<fields>.*)$", re.MULTILINE)
NOTE = re.compile(r"^=== id: (?P<id>\S+)(?P<fields>.*)$", re.MULTILINE)


def _fields(text: str) -> dict[str, str]:
    return dict((k.strip(), v.strip()) for k, v in (f.split(":", 1) for f in text.split("|") if ":" in f))


#: Each note's own SPEC section 3 decision, by note id (the notes files score every note alone).
note_decisions: dict[str, dict] = {}


def parse_timelines(path: Path) -> list[tuple[dict, str | None]]:
    """(patient gold record, intended indication) for each patient of a timeline file."""
    content = path.read_text(encoding="utf-8")
    patients = list(PATIENT.finditer(content))
    records = []
    for i, patient in enumerate(patients):
        block = content[patient.end() + 1: patients[i + 1].start() if i + 1 < len(patients) else len(content)]
        fields = _fields(patient.group("fields"))
        headers = list(NOTE.finditer(block))
        notes = [parse_note(h.group("id"), _fields(h.group("fields")),
                            block[h.end() + 1: headers[j + 1].start() if j + 1 < len(headers) else len(block)],
                            str(path))[0] for j, h in enumerate(headers)]
        for note in notes:
            note_decisions[note["id"]] = note.pop("decision")
        as_of = fields.get("as_of")
        records.append(({"patient_id": patient.group("id"), "as_of": as_of, "notes": notes,
                         "decision": gold_patient_decision({"notes": notes, "as_of": as_of})}, fields.get("intended")))
    return records


def split_of(patient_id: str) -> str:
    return "dev" if int(hashlib.sha256(patient_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=HERE / "source" / "patients")
    parser.add_argument("--out", type=Path, default=HERE / "patients")
    args = parser.parse_args(argv)
    splits: dict[str, list[dict]] = {"dev": [], "test": []}
    mismatches, seen = [], set()
    for path in sorted(args.source.glob("*.txt")):
        for record, intended in parse_timelines(path):
            note_ids = [note["id"] for note in record["notes"]]
            if record["patient_id"] in seen or len(set(note_ids)) != len(note_ids):
                raise MarkupError(f"{path}: patient {record['patient_id']}: a patient or note id is used twice")
            seen.add(record["patient_id"])
            computed = record["decision"]["indication"]
            if intended and intended != computed:
                mismatches.append(f"{record['patient_id']}: intended {intended}, the spans give {computed} "
                                  f"(missing {record['decision']['missing']})")
            splits[split_of(record["patient_id"])].append(record)
    args.out.mkdir(exist_ok=True)
    for name, records in splits.items():
        with (args.out / f"{name}.jsonl").open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        with (args.out / f"{name}_notes.jsonl").open("w", encoding="utf-8") as handle:
            for record in records:
                for note in record["notes"]:
                    handle.write(json.dumps({**note, "decision": note_decisions[note["id"]]}, ensure_ascii=False)
                                 + "\n")
        counts = Counter(r["decision"]["indication"] for r in records)
        notes = sum(len(r["notes"]) for r in records)
        print(f"patients/{name}.jsonl: {len(records)} patients, {notes} notes {dict(counts)}")
    for line in mismatches:
        print("intended/computed mismatch:", line, file=sys.stderr)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
