"""Spark output against ``analyze_many``, field for field, on whole note sets (issue 15's equality check).

    .venv/bin/python -m evaluation.spark_equality [--mtsamples 2000] [--devset PATH] [--json out.json]

For each set, every note goes through :func:`extractor.spark.analyze_notes` on a ``local[2]`` session and
through :func:`extractor.analyze_many` in this process; a note counts as equal when the SPEC section 4 record
rebuilt from its Spark row equals ``Result.to_dict()`` as JSON (so 1 and 1.0 differ) and its ``findings``
structs equal the result's findings (label, offsets, the five assertions, value, response). The sets: the
corpus test split and real transcriptions test split, the devset (outside the repository), and the first
``--mtsamples`` distinct non-empty MTSamples transcriptions (``../shared/external/mtsamples``, undated).
Differences are reported by note id, never by text.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def jsonl_notes(path: Path) -> list[tuple[str, str, str | None]]:
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return [(str(r["id"]), r["text"], r.get("note_date")) for r in records]


def mtsamples_notes(path: Path, count: int) -> list[tuple[str, str, None]]:
    """The first ``count`` distinct non-empty transcriptions, by note id."""
    csv.field_size_limit(sys.maxsize)
    seen, notes = set(), []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = row["transcription"]
            if text.strip() and text not in seen:
                seen.add(text)
                notes.append((f"mtsamples-{row['note_id']}", text, None))
                if len(notes) == count:
                    break
    return notes


def _finding_tuples(findings) -> list[tuple]:
    return [(f.label, f.start, f.end, f.negated, f.historical, f.hypothetical, f.family, f.uncertain, f.value,
             f.response) for f in findings]


def compare(spark, notes: list[tuple[str, str, str | None]], partitions: int = 4) -> dict:
    """Spark rows against ``analyze_many`` results for ``notes``: counts, and the ids that differ."""
    import extractor
    from extractor.spark import analyze_notes, record_from_row

    df = spark.createDataFrame(notes, "id string, text string, note_date string").repartition(partitions)
    start = time.perf_counter()
    rows = {row["id"]: row for row in analyze_notes(df, "text", "note_date", "id").drop("text").collect()}
    spark_seconds = time.perf_counter() - start
    start = time.perf_counter()
    results = list(extractor.analyze_many([text for _, text, _ in notes], [date for _, _, date in notes]))
    local_seconds = time.perf_counter() - start
    different, errors = [], []
    for (note_id, _, _), result in zip(notes, results):
        row = rows.get(note_id)
        if row is None or row["error"] is not None:
            errors.append(note_id)
            continue
        same_record = json.dumps(record_from_row(row), sort_keys=True) == json.dumps(result.to_dict(), sort_keys=True)
        same_findings = [tuple(f) for f in row["findings"]] == _finding_tuples(result.findings)
        if not (same_record and same_findings):
            different.append(note_id)
    return {"notes": len(notes), "rows": len(rows), "equal": len(notes) - len(different) - len(errors),
            "different": different, "errors": errors, "spans": sum(len(r.findings) for r in results),
            "spark_seconds": round(spark_seconds, 1), "local_seconds": round(local_seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mtsamples", type=int, default=2000, help="MTSamples transcriptions (default 2000)")
    parser.add_argument("--devset", default=str(SHARED / "devset" / "gold.jsonl"))
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--json", help="write the counts here")
    args = parser.parse_args(argv)

    from extractor.spark import local_session

    sets = {"corpora/test": jsonl_notes(ROOT / "corpora" / "test.jsonl"),
            "corpora/real_test": jsonl_notes(ROOT / "corpora" / "real_test.jsonl")}
    if Path(args.devset).exists():
        sets["devset"] = jsonl_notes(Path(args.devset))
    mtsamples = SHARED / "external" / "mtsamples" / "mtsamples.csv"
    if args.mtsamples and mtsamples.exists():
        sets["mtsamples"] = mtsamples_notes(mtsamples, args.mtsamples)
    spark = local_session(args.master, "mri-indication-equality")
    report = {}
    for name, notes in sets.items():
        report[name] = compare(spark, notes)
        row = report[name]
        print(f"{name:<18} {row['equal']:>5} / {row['notes']:<5} equal  ({row['spans']:,} spans; "
              f"different: {len(row['different'])}, errors: {len(row['errors'])})", flush=True)
    spark.stop()
    total = {key: sum(r[key] for r in report.values()) for key in ("notes", "equal", "spans")}
    print(f"{'all':<18} {total['equal']:>5} / {total['notes']:<5} equal  ({total['spans']:,} spans)")
    if args.json:
        Path(args.json).write_text(json.dumps({"sets": report, "total": total}, indent=2) + "\n", encoding="utf-8")
    return 0 if total["equal"] == total["notes"] else 1


if __name__ == "__main__":
    sys.exit(main())
