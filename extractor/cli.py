"""The ``mri-indication`` command line.

    mri-indication evaluate GOLD.jsonl [--json metrics.json] [--report report.html]
    mri-indication extract INPUT [-o OUT.jsonl] [--text-field F] [--note-date-field F]
    mri-indication check GOLD.jsonl
    mri-indication negex FILE [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from tqdm import tqdm

from .gold import GoldError, check_file, load_gold
from .inputs import InputError, Note, read_notes


def _die(message: str, code: int = 2) -> int:
    print(f"mri-indication: error: {message}", file=sys.stderr)
    return code


def predict_records(records: Sequence[dict], batch_size: int = 64, n_process: int = 1,
                    progress: bool = True) -> list[dict]:
    """Analyse gold records' texts; return prediction records in the SPEC section 4 format."""
    from .api import analyze_many

    results = analyze_many((r["text"] for r in records), (r.get("note_date") for r in records),
                           batch_size=batch_size, n_process=n_process)
    bar = tqdm(results, total=len(records), desc="notes", unit="note", disable=not progress or None,
               file=sys.stderr, leave=False)
    return [{"id": r["id"], "text": r["text"], **result.to_dict()} for r, result in zip(records, bar)]


def cmd_evaluate(args: argparse.Namespace) -> int:
    from evaluation import confidence_intervals, evaluate, format_summary, list_errors, write_html

    try:
        gold = load_gold(args.gold)
    except GoldError as error:
        return _die(str(error))
    if not gold:
        return _die(f"{args.gold}: no records")
    pred = predict_records(gold, n_process=args.n_process)
    metrics = evaluate(gold, pred)
    intervals = confidence_intervals(gold, pred, n_resamples=args.bootstrap, seed=args.seed)
    print(format_summary(metrics, intervals))
    if args.json:
        output = dict(metrics)
        output["confidence_intervals"] = {k: {"point": v[0], "low": v[1], "high": v[2]}
                                          for k, v in intervals.items()}
        Path(args.json).write_text(json.dumps(output, indent=2) + "\n", encoding="utf-8")
    if args.report:
        write_html(args.report, metrics, list_errors(gold, pred), gold, pred, intervals)
        print(f"report written to {args.report}", file=sys.stderr)
    return 0


def _write_outputs(notes: Iterable[Note | InputError], out, n_process: int) -> tuple[int, int]:
    """Analyse good notes and write one line each; report bad records. Returns (written, errors)."""
    from .api import analyze_many

    written = errors = 0
    buffered: list[Note] = []

    def flush() -> Iterator[str]:
        results = analyze_many((n.text for n in buffered), (n.note_date for n in buffered), n_process=n_process)
        for note, result in zip(buffered, results):
            yield json.dumps({"id": note.id, **result.to_dict()}, ensure_ascii=False)
        buffered.clear()

    for item in notes:
        if isinstance(item, InputError):
            print(f"mri-indication: skipped {item}", file=sys.stderr)
            errors += 1
            continue
        buffered.append(item)
        if len(buffered) >= 256:
            for line in flush():
                out.write(line + "\n")
                written += 1
    for line in flush():
        out.write(line + "\n")
        written += 1
    return written, errors


def cmd_extract(args: argparse.Namespace) -> int:
    try:
        notes = read_notes(args.input, text_field=args.text_field, date_field=args.note_date_field)
        progress = tqdm(notes, desc="notes", unit="note", disable=None, file=sys.stderr, leave=False)
        if args.output in (None, "-"):
            written, errors = _write_outputs(progress, sys.stdout, args.n_process)
        else:
            with open(args.output, "w", encoding="utf-8") as out:
                written, errors = _write_outputs(progress, out, args.n_process)
    except (FileNotFoundError, ValueError) as error:
        return _die(str(error))
    print(f"mri-indication: {written} notes written, {errors} skipped", file=sys.stderr)
    return 1 if errors else 0


def cmd_check(args: argparse.Namespace) -> int:
    result = check_file(args.gold)
    for error in result.errors:
        print(error, file=sys.stderr)
    print(f"{args.gold}: {result.n_records} records, {len(result.errors)} problems")
    return 1 if result.errors else 0


def cmd_negex(args: argparse.Namespace) -> int:
    from evaluation.negex import format_negex, score_negex

    try:
        scores = score_negex(args.file)
    except (OSError, ValueError) as error:
        return _die(str(error))
    print(format_negex(scores))
    if args.json:
        Path(args.json).write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mri-indication", description="Lumbar spine MRI indication from notes.")
    commands = parser.add_subparsers(dest="command", required=True)

    evaluate = commands.add_parser("evaluate", help="score the pipeline against a gold JSONL file")
    evaluate.add_argument("gold")
    evaluate.add_argument("--json", help="write the SPEC section 5 metrics here")
    evaluate.add_argument("--report", help="write an HTML error report here")
    evaluate.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the 95%% CIs")
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument("--n-process", type=int, default=1)
    evaluate.set_defaults(func=cmd_evaluate)

    extract = commands.add_parser("extract", help="analyse notes and write one JSON record per note")
    extract.add_argument("input", help=".txt file, folder of .txt, .jsonl, .csv, or - for JSONL on stdin")
    extract.add_argument("-o", "--output", help="output JSONL (default: stdout)")
    extract.add_argument("--text-field", default="text")
    extract.add_argument("--note-date-field", default="note_date")
    extract.add_argument("--n-process", type=int, default=1)
    extract.set_defaults(func=cmd_extract)

    check = commands.add_parser("check", help="validate a gold JSONL file")
    check.add_argument("gold")
    check.set_defaults(func=cmd_check)

    negex = commands.add_parser("negex", help="score negation/temporality/experiencer on a NegEx test file")
    negex.add_argument("file")
    negex.add_argument("--json")
    negex.set_defaults(func=cmd_negex)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
