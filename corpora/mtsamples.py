"""Real MTSamples transcriptions for the corpus: skeletons for annotators, and a markup check.

    python corpora/mtsamples.py pool                      # the candidate note ids, one a line
    python corpora/mtsamples.py skeleton ID... -o FILE     # unannotated notes in the inline markup
    python corpora/mtsamples.py check FILE...              # text unchanged? decision vs intended?

The pool is the back-pain index of ``../shared/external/mtsamples`` without
"lumbar puncture"-only matches, one note per distinct transcription, and
without the notes kept aside for independent measurement (:data:`HELD_OUT`)
or any note with the same text as one of them. An annotator only inserts
``[[surface|label|flags]]`` into a skeleton; ``check`` proves the note text is
still the transcription, character for character, and shows where the
decision computed from the spans (SPEC section 3) differs from ``intended``.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXTERNAL = HERE.parent.parent / "shared" / "external" / "mtsamples"
#: Kept aside for independent measurement (issue 11): never annotated here, nor any note with the same text.
HELD_OUT = frozenset(int(i) for i in """
1358 1359 1363 1365 1369 1371 1382 1391 1431 1566 1567 1571 1643 1646 1647 1651 1864 1865 2084 2089 2090 2091
2095 2096 2098 2120 2126 2160 2164 2168 2170 2187 2204 2215 2264 2304 2306 2762 2770 2804 2851 3079 3091 3098
3122 3331 3352 3358 4607 4609""".split())
ID_PREFIX = "mts-"


def transcriptions(external: Path = EXTERNAL) -> dict[int, str]:
    csv.field_size_limit(sys.maxsize)
    with (external / "mtsamples.csv").open(encoding="utf-8", newline="") as handle:
        return {int(row["note_id"]): row["transcription"] for row in csv.DictReader(handle)}


def pool(external: Path = EXTERNAL) -> list[int]:
    """Back-pain note ids for annotation, first of each distinct text, held-out texts excluded."""
    texts = transcriptions(external)
    held_texts = {texts[i] for i in HELD_OUT}
    seen: set[str] = set()
    chosen = []
    with (external / "mtsamples_backpain_index.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            note_id = int(row["note_id"])
            text = texts[note_id]
            if row["lumbar_puncture_only"] == "1" or not text.strip() or text in held_texts or text in seen:
                continue
            seen.add(text)
            chosen.append(note_id)
    return chosen


def skeleton(note_ids: list[int], external: Path = EXTERNAL) -> str:
    texts = transcriptions(external)
    return "".join(f"=== id: {ID_PREFIX}{i} | note_date: none | intended: ?\n{texts[i]}\n" for i in note_ids)


def check(path: Path, external: Path = EXTERNAL) -> list[str]:
    """Problems of one annotated file: changed text, bad markup, and decisions that differ from ``intended``."""
    from build import MarkupError, parse_file  # corpora/build.py

    texts = transcriptions(external)
    try:
        notes = parse_file(path)
    except MarkupError as error:
        return [str(error)]
    problems = []
    for record, intended in notes:
        note_id = int(record["id"].removeprefix(ID_PREFIX))
        if note_id in HELD_OUT:
            problems.append(f"{record['id']}: held out for independent measurement; remove it")
        if record["text"] != texts.get(note_id):
            original = texts.get(note_id, "")
            at = next((i for i, (a, b) in enumerate(zip(record["text"], original)) if a != b),
                      min(len(record["text"]), len(original)))
            problems.append(f"{record['id']}: text differs from the transcription at character {at}: "
                            f"{record['text'][max(0, at - 30):at + 30]!r} vs {original[max(0, at - 30):at + 30]!r}")
        computed = record["decision"]["indication"]
        if intended != computed:
            problems.append(f"{record['id']}: intended {intended}, the spans give {computed} "
                            f"(suspected {record['decision']['suspected']}, missing {record['decision']['missing']})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("pool")
    make = commands.add_parser("skeleton")
    make.add_argument("ids", nargs="+", type=int)
    make.add_argument("-o", "--output", type=Path, required=True)
    checking = commands.add_parser("check")
    checking.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.command == "pool":
        print("\n".join(map(str, pool())))
    elif args.command == "skeleton":
        args.output.write_text(skeleton(args.ids), encoding="utf-8")
    else:
        problems = [f"{path}: {p}" for path in args.files for p in check(path)]
        print("\n".join(problems) if problems else "no problems")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
