"""The ``mri-indication`` command line.

    mri-indication evaluate GOLD.jsonl [--json metrics.json] [--report report.html] [--classifier C]
    mri-indication extract INPUT [-o OUT.jsonl|OUT.csv] [--id-field F] [--note-date-field F] [--encoding E]
    mri-indication train GOLD.jsonl -o models/NAME [--seed 13] [--eval GOLD.jsonl]
    mri-indication baseline TRAIN.jsonl TEST.jsonl [--json metrics.json]
    mri-indication check GOLD.jsonl
    mri-indication negex FILE [--json out.json]
    mri-indication bench [--notes N] [--length CHARS] [--n-process K] [--rounds R] [--json out.json]
    mri-indication rules lint|fmt|stats [--patterns DIR]
    mri-indication explain TEXT|FILE [--note-date D] [--html out.html]
"""
from __future__ import annotations

import argparse
import codecs
import json
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import Sequence

from tqdm import tqdm

from extractor.classifier import (CLASSIFIERS, DEFAULT_CLASSIFIER, IndicationModel, ModelFileError, default_model,
                                  model_card, train, training_fits)
from extractor.io.gold import GoldError, check_file, load_gold
from extractor.io.inputs import Note, fields_found, read_notes

from .spark_cli import add_engine_options


#: Exit status when standard output is closed early (as a shell reports a process ended by SIGPIPE).
EXIT_BROKEN_PIPE = 141
CLASS_RECALLS = ("urgent_recall", "indicated_recall", "not_indicated_recall")


def ci_text(interval: tuple[float, float, float]) -> str:
    """``0.933 [0.886, 0.981]``: a point estimate and its 95% interval."""
    return "{:.3f} [{:.3f}, {:.3f}]".format(*interval)


def _die(message: str, code: int = 2) -> int:
    print(f"mri-indication: error: {message}", file=sys.stderr)
    return code


def predict_records(records: Sequence[dict], batch_size: int = 64, n_process: int = 1,
                    progress: bool = True, classifier: str | None = None,
                    model: IndicationModel | None = None) -> list[dict]:
    """Analyse gold records' texts; return prediction records in the SPEC section 4 format."""
    from extractor.api import analyze_many

    results = analyze_many((r["text"] for r in records), (r.get("note_date") for r in records),
                           batch_size=batch_size, n_process=n_process, classifier=classifier, model=model)
    bar = tqdm(results, total=len(records), desc="notes", unit="note", disable=not progress or None,
               file=sys.stderr, leave=False)
    return [{"id": r["id"], "text": r["text"], **result.to_dict()} for r, result in zip(records, bar)]


def _load_model(args: argparse.Namespace) -> IndicationModel | None:
    """The ``--model`` directory's model, the shipped one, or None for the rules alone."""
    if (args.classifier or DEFAULT_CLASSIFIER) == "rules" and not args.model:
        return None
    return IndicationModel.load(args.model) if args.model else default_model()


def _score(gold: list[dict], pred: list[dict], json_path: str | None, n_resamples: int = 1000, seed: int = 0):
    """Print the summary with bootstrap CIs; write metrics and CIs to ``json_path``. Returns (metrics, CIs)."""
    from evaluation import confidence_intervals, evaluate, format_summary
    from evaluation.bootstrap import DEFAULT_METRICS

    metrics = evaluate(gold, pred)
    intervals = confidence_intervals(gold, pred, (*DEFAULT_METRICS, *CLASS_RECALLS[1:]), n_resamples, seed)
    print(format_summary(metrics, intervals))
    if json_path:
        output = dict(metrics)
        output["confidence_intervals"] = {k: {"point": v[0], "low": v[1], "high": v[2]}
                                          for k, v in intervals.items()}
        Path(json_path).write_text(json.dumps(output, indent=2) + "\n", encoding="utf-8")
    return metrics, intervals


def cmd_evaluate(args: argparse.Namespace) -> int:
    from evaluation import list_errors, write_html

    for option, path in (("--json", args.json), ("--report", args.report)):
        if path and not Path(path).resolve().parent.is_dir():
            return _die(f"{option} {path}: its folder does not exist")
    if args.patients:
        return _evaluate_patients(args)
    try:
        gold = load_gold(args.gold)
        model = _load_model(args)
    except (GoldError, ModelFileError) as error:
        return _die(str(error))
    if not gold:
        return _die(f"{args.gold}: no records")
    derived = sum(bool(record.get("decision_from_spans")) for record in gold)
    if derived:
        print(f"mri-indication: note: {derived} of {len(gold)} gold records have no decision; it is derived from "
              "their spans (SPEC section 3)", file=sys.stderr)
    pred = predict_records(gold, n_process=args.n_process, classifier=args.classifier, model=model)
    metrics, intervals = _score(gold, pred, args.json, args.bootstrap, args.seed)
    if args.report:
        write_html(args.report, metrics, list_errors(gold, pred), gold, pred, intervals)
        print(f"report written to {args.report}", file=sys.stderr)
    return 0


def _evaluate_patients(args: argparse.Namespace) -> int:
    """``evaluate --patients``: SPEC section 6 gold, scored per patient."""
    from evaluation.patients import evaluate_patients, format_patient_scores, score_patients
    from extractor.io.patients import load_patients

    if args.report or args.classifier not in (None, "rules") or args.model:
        return _die("--patients scores the rules' findings combined per patient: --report, --classifier and "
                    "--model do not apply")
    try:
        records = load_patients(args.gold, need_decision=True)
    except GoldError as error:
        return _die(str(error))
    derived = sum(bool(record.get("decision_from_spans")) for record in records)
    if derived:
        print(f"mri-indication: note: {derived} of {len(records)} patients have no decision; it is derived from "
              "their notes' spans (SPEC section 6)", file=sys.stderr)
    scores = score_patients(evaluate_patients(records, n_process=args.n_process), args.bootstrap, args.seed)
    print(format_patient_scores(scores), end="")
    if args.json:
        Path(args.json).write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    return 0


def _named_fields_missing(args: argparse.Namespace) -> list[str]:
    """The fields named on the command line that no record of the input file has (checked before a run;
    standard input is not read twice)."""
    named = {option: name for option, name in (("--note-date-field", args.note_date_field),
                                                ("--id-field", args.id_field),
                                                ("--patient-field", args.patient_field),
                                                ("--as-of-field", args.as_of_field)) if name}
    if not named or args.input == "-" or not Path(args.input).is_file():
        return []
    found = fields_found(args.input, named.values(), args.input_format, args.encoding)
    return [f"{option} {name!r}" for option, name in named.items() if name not in found]


def cmd_extract(args: argparse.Namespace) -> int:
    from extractor.api import WorkerError, analyze_many

    from .extract import EXIT_ERROR, EXIT_OK, EXIT_SKIPPED, ExtractError, Writer, atomic_output, output_format, \
        refuse_same_file, run, run_patients

    if args.as_of_field and not args.patient_field:
        return _die("--as-of-field needs --patient-field")
    date_field = args.note_date_field or "note_date"
    try:
        refuse_same_file(args.input, args.output)
        missing = _named_fields_missing(args)
        if missing:
            return _die(f"{args.input}: no record has the field named by {', '.join(missing)}")
        model = _load_model(args)
        extra = [name for name in (args.patient_field, args.as_of_field) if name]
        notes = read_notes(args.input, text_field=args.text_field, date_field=date_field, id_field=args.id_field,
                           encoding=args.encoding, fmt=args.input_format, extra_fields=extra)

        def analyse(batch: list[Note]):
            return analyze_many([n.text for n in batch], [n.note_date for n in batch], n_process=args.n_process,
                                classifier=args.classifier, model=model)

        if args.engine == "spark":  # the same batches, analysed on Spark (spark_cli.py)
            from .spark_cli import SparkAnalyser
            analyse = SparkAnalyser(args.master, args.classifier, model)

        with atomic_output(args.output) as out:
            progress = tqdm(notes, desc="notes", unit="note", disable=None, file=sys.stderr, leave=False)
            writer = Writer(out, output_format(args.output, args.format))
            if args.patient_field:
                written, skipped, notes_skipped = run_patients(progress, writer, analyse, date_field,
                                                               args.patient_field, args.as_of_field)
            else:
                written, skipped = run(progress, writer, analyse, date_field)
            writer.close()
    except BrokenPipeError:
        raise  # main() ends quietly
    except (ExtractError, ModelFileError, OSError, ValueError, WorkerError) as error:
        return _die(str(error), EXIT_ERROR)
    if args.patient_field:
        print(f"mri-indication: {written} patients written, {skipped} skipped; {notes_skipped} notes skipped",
              file=sys.stderr)
        return EXIT_SKIPPED if skipped or notes_skipped else EXIT_OK
    print(f"mri-indication: {written} notes written, {skipped} skipped", file=sys.stderr)
    return EXIT_SKIPPED if skipped else EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from extractor.api import analyze_many

    try:
        gold = load_gold(args.gold)
        test = load_gold(args.eval) if args.eval else None
    except GoldError as error:
        return _die(str(error))
    results = analyze_many((r["text"] for r in gold), (r.get("note_date") for r in gold), classifier="rules")
    labels = [r["decision"]["indication"] for r in gold]
    results = list(tqdm(results, total=len(gold), desc="notes", disable=None, file=sys.stderr, leave=False))
    with tqdm(total=training_fits(args.grid), desc="model fits", unit="fit", disable=None, file=sys.stderr,
              leave=False) as bar:
        model, report = train(results, labels, seed=args.seed, grid=args.grid, progress=bar.update)
    print("family               macro-F1 (5-fold CV)  best parameters")
    for family, row in report.items():
        print(f"{family:<20} {row['macro_f1']:.3f} ± {row['macro_f1_std']:.3f}         {row['params']}")
    print(f"chosen: {model.meta['family']}, calibrated; saved to {args.output}")
    model.save(args.output)
    card = model_card(model, args.gold)
    if test:
        pred = predict_records(test, classifier="model", model=model)
        _, intervals = _score(test, pred, None)
        card += (f"\n## Held-out scores on `{args.eval}` ({len(test)} notes, `--classifier model`, "
                 "95% bootstrap CIs over notes)\n\n| metric | value |\n|---|---|\n"
                 + "".join(f"| {name} | {ci_text(intervals[name])} |\n"
                           for name in ("decision_accuracy", "decision_macro_f1", *CLASS_RECALLS)))
    (Path(args.output) / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    return 0


def cmd_baseline(args: argparse.Namespace) -> int:
    from evaluation.baseline import baseline_records, baseline_scores, fit_baseline, format_baseline

    try:
        train_gold, test_gold = load_gold(args.train), load_gold(args.test)
    except GoldError as error:
        return _die(str(error))
    scores = baseline_scores(test_gold, baseline_records(fit_baseline(train_gold), test_gold), args.bootstrap,
                             args.seed)
    print(format_baseline(scores), end="")
    if args.json:
        Path(args.json).write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    result = check_file(args.gold)
    for error in result.errors:
        print(error, file=sys.stderr)
    if result.without_decision:
        print(f"{args.gold}: {result.without_decision} records have no decision; evaluate derives it from their "
              "spans (SPEC section 3)", file=sys.stderr)
    print(f"{args.gold}: {result.n_records} records, {len(result.errors)} problems")
    return 1 if result.errors else 0


def cmd_bench(args: argparse.Namespace) -> int:
    from evaluation.bench import SCALING_SIZES, format_table, run_bench

    if args.engine == "spark":
        from .spark_cli import cmd_bench_spark
        return cmd_bench_spark(args)
    if args.patients:
        from evaluation.patient_bench import format_patient_bench, run_patient_bench

        result = run_patient_bench(rounds=args.rounds)
        print(format_patient_bench(result), end="")
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        return 0
    result = run_bench(notes=args.notes, length=args.length, n_process=args.n_process,
                       medspacy_notes=args.medspacy_notes, scaling_sizes=None if args.no_scaling else SCALING_SIZES,
                       rounds=args.rounds, startup_rounds=args.startup_rounds, memory_notes=args.memory_notes)
    print(format_table(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


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


def cmd_robustness(args: argparse.Namespace) -> int:
    from extractor.api import analyze_many
    from evaluation.robustness import PHRASES, PhraseFileError, format_robustness, load_phrases, run_robustness

    try:
        gold = load_gold(args.gold)
        banks = load_phrases(args.phrases or PHRASES)
        model = _load_model(args)
    except (GoldError, PhraseFileError, ModelFileError) as error:
        return _die(str(error))

    def decide(notes):
        texts, dates = zip(*notes) if notes else ((), ())
        return [result.decision.to_dict() for result in analyze_many(texts, dates, n_process=args.n_process,
                                                                        classifier=args.classifier, model=model)]

    scores = run_robustness(gold, decide, banks)
    print(format_robustness(scores, args.limit))
    if args.json:
        report = {"gold": args.gold, "limit": args.limit, "families": {n: s.to_dict() for n, s in scores.items()}}
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.failures:
        with open(args.failures, "w", encoding="utf-8") as out:
            for score in scores.values():
                for failure in score.failures:
                    out.write(json.dumps({"family": score.name, **failure}) + "\n")
    over = [name for name, score in scores.items() if score.rate > args.limit]
    return 1 if over and args.strict else 0


def _tokenizer(patterns: str | None):
    """The pipeline (for the rule tools) and a function that tokenizes as notes are tokenized."""
    from extractor.api import load

    nlp = load(patterns)
    return nlp, (lambda text: [token.text for token in nlp.make_doc(text)])


def cmd_rules_lint(args: argparse.Namespace) -> int:
    from extractor import resources
    from extractor.rules.lint import lint
    from extractor.rules.source import RuleSourceError

    patterns = args.patterns or str(resources.patterns_dir())
    try:
        _nlp, tokenize = _tokenizer(args.patterns)
    except (RuleSourceError, ValueError, OSError) as error:
        return _die(f"the rules do not load: {error}")
    problems = lint(patterns, tokenize, examples=not args.no_examples)
    for problem in problems:
        print(problem)
    print(f"{patterns}: {len(problems)} problems")
    return 1 if problems else 0


def cmd_rules_fmt(args: argparse.Namespace) -> int:
    from extractor import resources
    from extractor.rules.layout import format_fragments, format_rule_file

    folder = Path(args.patterns) if args.patterns else resources.patterns_dir()
    changed = []
    files = sorted(folder.glob("targets/*.json")) + sorted(folder.glob("context/*.json")) + \
        [folder / "section_rules.json", folder / "fragments.json"]
    for path in files:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        canonical = format_fragments(data) if path.name == "fragments.json" else format_rule_file(data)
        if canonical != text:
            changed.append(path)
            if not args.check:
                path.write_text(canonical, encoding="utf-8")
    for path in changed:
        print(f"{'would reformat' if args.check else 'reformatted'} {path}")
    return 1 if (args.check and changed) else 0


def cmd_rules_stats(args: argparse.Namespace) -> int:
    from extractor import resources
    from extractor.rules import Library, load_rules

    folder = Path(args.patterns) if args.patterns else resources.patterns_dir()
    _nlp, tokenize = _tokenizer(args.patterns)
    files = [p for p in sorted(folder.rglob("*")) if p.suffix in (".json", ".txt") and p.is_file()]
    lines = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in files}
    library = Library.load(folder)
    source = sum(len(next(v for k, v in json.loads(p.read_text(encoding="utf-8")).items() if k.endswith("_rules")))
                 for p in sorted(folder.glob("targets/*.json")) + sorted(folder.glob("context/*.json")))
    expanded = len(load_rules(folder, "targets", tokenize, library)) + len(load_rules(folder, "context", tokenize, library))
    largest = max(lines, key=lines.get)
    print(f"patterns: {sum(lines.values()):,} lines in {len(files)} files; largest {largest.relative_to(folder)} "
          f"({lines[largest]:,} lines)")
    print(f"rules: {source:,} written, {expanded:,} once expanded; {len(library.vocabularies)} vocabularies, "
          f"{len(library.token_fragments)} token and {len(library.regex_fragments)} regex fragments")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from extractor.api import load
    from extractor.component import parse_note_date
    from extractor.explain import explain, to_html, to_text

    source = Path(args.note)
    if source.is_file() and source.suffix.lower() == ".jsonl":
        return _explain_patients(args)
    if args.patient:
        return _die("--patient needs a patient file (.jsonl, SPEC section 6)")
    try:
        text = source.read_text(encoding="utf-8") if source.is_file() else args.note
        date = parse_note_date(args.note_date)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return _die(str(error))
    nlp = load()
    explanation = explain(nlp, text, date)
    print(to_text(explanation), end="")
    if args.html:
        try:
            Path(args.html).write_text(to_html(nlp, explanation), encoding="utf-8")
        except OSError as error:
            return _die(f"{args.html}: {error.strerror or error}")
        print(f"written to {args.html}", file=sys.stderr)
    return 0


def _explain_patients(args: argparse.Namespace) -> int:
    """``explain PATIENTS.jsonl``: each patient's timeline and decision path (SPEC section 6)."""
    from extractor.api import analyze_many
    from extractor.component import parse_note_date
    from extractor.io.patients import load_patients
    from extractor.patients import PatientNote, combine
    from extractor.patients.explain import patient_text

    if args.html or args.note_date:
        return _die("--html and --note-date are for one note; a patient file has its own dates")
    try:
        records = load_patients(args.note)
    except GoldError as error:
        return _die(str(error))
    if args.patient:
        records = [r for r in records if str(r["patient_id"]) == args.patient]
        if not records:
            return _die(f"{args.note}: no patient {args.patient}")
    for record in records:
        notes = record["notes"]
        results = list(analyze_many([n["text"] for n in notes], [n.get("note_date") for n in notes]))
        timeline = [PatientNote.from_result(str(n["id"]), parse_note_date(n.get("note_date")), r)
                    for n, r in zip(notes, results)]
        patient = combine(timeline, parse_note_date(record.get("as_of")))
        print(patient_text(str(record["patient_id"]), notes, results, patient))
    return 0


def positive_int(value: str) -> int:
    """An argparse type: an integer of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an integer") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def encoding_name(value: str) -> str:
    """An argparse type: a text encoding Python knows (``latin-1``, ``cp1252``, ``utf-8``...)."""
    try:
        return codecs.lookup(value).name
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mri-indication", description="Lumbar spine MRI indication from notes.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    evaluate = commands.add_parser("evaluate", help="score the pipeline against a gold JSONL file")
    evaluate.add_argument("gold", help="gold JSONL (SPEC section 4)")
    evaluate.add_argument("--json", help="write the SPEC section 5 metrics here")
    evaluate.add_argument("--report", help="write an HTML error report here (wrong decisions first)")
    evaluate.add_argument("--patients", action="store_true",
                          help="GOLD is a patient file (SPEC section 6: one patient and its notes per line); "
                               "score patient-level decisions, criteria and evidence")
    _add_bootstrap_options(evaluate)
    _add_n_process_option(evaluate, 1)
    _add_classifier_options(evaluate)
    evaluate.set_defaults(func=cmd_evaluate)

    extract = commands.add_parser("extract", help="analyse notes; write one record per note (JSONL or CSV)")
    extract.add_argument("input", help=".txt file, folder of .txt, .jsonl, .csv or .parquet file, or - for standard "
                                       "input (JSONL when it starts with '{', else one plain-text note)")
    extract.add_argument("-o", "--output", help="output file, written when the run ends; .csv gives CSV, .parquet "
                                                "Parquet, anything else JSONL (default: standard output, JSONL)")
    extract.add_argument("--format", choices=("jsonl", "csv", "parquet"),
                         help="output format, instead of the output's suffix (.csv, .parquet, else JSONL)")
    extract.add_argument("--input-format", choices=("txt", "jsonl", "csv", "parquet"),
                         help="input format, instead of the input's suffix (or the sniffing of standard input)")
    extract.add_argument("--text-field", default="text", help="JSONL/CSV field holding the note (default: text)")
    extract.add_argument("--note-date-field", help="JSONL/CSV field holding the note's ISO date (default: "
                                                   "note_date when present); a named field no record has is an error")
    extract.add_argument("--id-field", help="JSONL/CSV field holding the note's id (default: id, else note_id, "
                                            "else FILE:LINE); a named field no record has is an error")
    extract.add_argument("--encoding", type=encoding_name, default="utf-8",
                         help="input text encoding, e.g. latin-1 or cp1252 (default: utf-8; bytes that do not "
                              "decode become U+FFFD, with a warning)")
    extract.add_argument("--patient-field", help="patient mode (SPEC section 6): JSONL/CSV field holding the "
                                                 "patient id; one record per patient from all of its notes")
    extract.add_argument("--as-of-field", help="patient mode: field holding the order date (default: the "
                                               "patient's latest note date); notes dated after it are left out")
    _add_n_process_option(extract, 1)
    _add_classifier_options(extract)
    add_engine_options(extract)
    extract.set_defaults(func=cmd_extract)

    training = commands.add_parser("train", help="train the learned indication classifier on a gold JSONL file")
    training.add_argument("gold", help="gold JSONL to train on")
    training.add_argument("-o", "--output", required=True, help="model directory, e.g. models/indication")
    training.add_argument("--seed", type=int, default=13, help="random seed (default 13)")
    training.add_argument("--grid", choices=("full", "small"), default="full", help="hyper-parameter grid")
    training.add_argument("--eval", help="gold JSONL to score the trained model on; figures go in MODEL_CARD.md")
    training.set_defaults(func=cmd_train)

    baseline = commands.add_parser("baseline", help="score the text-only TF-IDF baseline")
    baseline.add_argument("train", help="gold JSONL to fit the baseline on")
    baseline.add_argument("test", help="gold JSONL to score it on")
    baseline.add_argument("--json", help="write the metrics here")
    _add_bootstrap_options(baseline)
    baseline.set_defaults(func=cmd_baseline)

    check = commands.add_parser("check", help="validate a gold JSONL file, reporting every problem with its line")
    check.add_argument("gold", help="gold JSONL (SPEC section 4)")
    check.set_defaults(func=cmd_check)

    bench = commands.add_parser("bench", help="throughput against spaCy's tokenizer and medspaCy's default pipeline")
    bench.add_argument("--notes", type=positive_int, default=1000, help="generated notes to time (default 1000)")
    bench.add_argument("--length", type=positive_int, default=1800,
                       help="characters per note, at most (default 1800)")
    _add_n_process_option(bench, 2, "worker processes for (d)")
    bench.add_argument("--medspacy-notes", type=positive_int, default=200,
                       help="of those notes, how many medspaCy's slower pipeline runs on (default 200)")
    bench.add_argument("--rounds", type=positive_int, default=3,
                       help="rounds of fresh notes for (a), (c) and (d), each reporting its best (default 3)")
    bench.add_argument("--startup-rounds", type=positive_int, default=5,
                       help="fresh processes timing spacy.blank('en') and extractor.load(), each (default 5)")
    bench.add_argument("--no-scaling", action="store_true",
                       help="skip the 1k-1M character single notes and the worst-case inputs")
    bench.add_argument("--patients", action="store_true",
                       help="instead: patients/s for 2-6-note patients against notes/s, and combining's share")
    bench.add_argument("--memory-notes", type=int, default=0,
                       help="also sample resident memory while one process analyses this many notes (e.g. 100000)")
    bench.add_argument("--json", help="write the measurements as JSON")
    add_engine_options(bench)  # --engine spark: Spark local[1] and local[2] against 1 and 2 processes
    bench.set_defaults(func=cmd_bench)

    rules = commands.add_parser("rules", help="check, format and count the rule source (patterns/)")
    rule_commands = rules.add_subparsers(dest="rules_command", required=True)
    lint = rule_commands.add_parser("lint", help="report conflicting, duplicate, unreadable or untested rules")
    lint.add_argument("--patterns", help="rule folder (default: the shipped rules)")
    lint.add_argument("--no-examples", action="store_true", help="skip running each rule's examples")
    lint.set_defaults(func=cmd_rules_lint)
    fmt = rule_commands.add_parser("fmt", help="write every rule file in the one layout")
    fmt.add_argument("--patterns", help="rule folder (default: the shipped rules)")
    fmt.add_argument("--check", action="store_true", help="only report files not in the layout")
    fmt.set_defaults(func=cmd_rules_fmt)
    stats = rule_commands.add_parser("stats", help="lines, files and rules of the rule source")
    stats.add_argument("--patterns", help="rule folder (default: the shipped rules)")
    stats.set_defaults(func=cmd_rules_stats)

    explaining = commands.add_parser("explain", help="show which rules found each finding and how the decision followed")
    explaining.add_argument("note", help="the note text, a file holding it, or a patient file (.jsonl, SPEC "
                                         "section 6: each patient's timeline and decision path)")
    explaining.add_argument("--note-date", help="the note's date (ISO), for dated durations and procedures")
    explaining.add_argument("--html", help="also write an HTML page with the spans highlighted")
    explaining.add_argument("--patient", help="with a patient file: only this patient id")
    explaining.set_defaults(func=cmd_explain)

    robust = commands.add_parser("robustness", help="metamorphic tests: failure rate per rewrite family")
    robust.add_argument("gold", help="gold JSONL whose notes are rewritten")
    robust.add_argument("--json", help="write the rates and the failing note ids here")
    robust.add_argument("--failures", help="write each failing rewrite (with its text) as JSONL here")
    robust.add_argument("--phrases", help="phrase banks (default: evaluation/robustness/phrases.json)")
    robust.add_argument("--limit", type=float, default=0.02, help="highest acceptable failure rate (default 0.02)")
    robust.add_argument("--strict", action="store_true", help="exit 1 when a family is over the limit")
    _add_n_process_option(robust, 1)
    _add_classifier_options(robust)
    robust.set_defaults(func=cmd_robustness)

    negex = commands.add_parser("negex", help="score negation/temporality/experiencer on a NegEx test file")
    negex.add_argument("file", help="the NegEx or genConText annotated sentence file (tab-separated)")
    negex.add_argument("--json", help="write the scores here")
    negex.set_defaults(func=cmd_negex)

    from .service_cli import add_service_commands  # serve, audit: the CDS Hooks service (optional extra)
    add_service_commands(commands)
    return parser


def _add_classifier_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--classifier", choices=CLASSIFIERS, help="indication classifier (default: the project's)")
    parser.add_argument("--model", help="model directory (default: models/indication)")


def _add_n_process_option(parser: argparse.ArgumentParser, default: int, what: str = "worker processes") -> None:
    parser.add_argument("--n-process", type=positive_int, default=default, help=f"{what} (default {default})")


def _add_bootstrap_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bootstrap", type=positive_int, default=1000,
                        help="bootstrap resamples for the 95%% CIs (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap random seed (default 0)")


def _version() -> str:
    try:
        return metadata.version("mri-indication")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here for output still buffered
        return status
    except BrokenPipeError:
        # the reader went away (``| head``): stop quietly; stdout is pointed at devnull so that Python's own
        # flush at exit does not raise again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
