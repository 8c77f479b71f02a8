"""``--engine spark`` for ``extract`` and ``bench``: the same command, the notes analysed on Spark.

``extract`` reads, checks, reports and writes exactly as with the local engine; only the analysis of each batch
of notes moves to Spark (:func:`extractor.spark.analyze_notes` on a DataFrame of the batch, on ``--master``), and
each row comes back as the :class:`~extractor.Result` the local engine would have made, so the outputs, patient
mode (``--patient-field``, whose notes are combined here as on the local engine) and ``--classifier`` are the
same on both engines. For tables already in a warehouse, call :mod:`extractor.spark` on them instead.
"""
from __future__ import annotations

import argparse
import atexit
from typing import Sequence

ENGINES = ("local", "spark")


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=ENGINES, default="local",
                        help="where the notes are analysed: this process (local, the default) or Spark")
    parser.add_argument("--master", default="local[*]",
                        help="Spark master for --engine spark (default local[*]; e.g. local[2], spark://HOST:7077)")


class SparkAnalyser:
    """Notes -> results, each batch analysed on Spark; a drop-in for ``extract``'s local ``analyse``."""

    def __init__(self, master: str = "local[*]", classifier: str | None = None, model=None):
        from extractor.spark import local_session

        self.spark = local_session(master)
        atexit.register(self.spark.stop)
        self.classifier, self.model = classifier, model

    def __call__(self, batch: Sequence) -> list:
        import pandas as pd

        from extractor.api import _validate_text
        from extractor.classifier import classify
        from extractor.spark import analyze_notes
        from extractor.spark.rows import result_from_row

        texts = [_validate_text(note.text) for note in batch]  # Arrow carries no lone surrogate
        frame = pd.DataFrame({"position": range(len(batch)), "text": texts,
                              "note_date": [note.note_date for note in batch]})
        df = self.spark.createDataFrame(frame, "position long, text string, note_date string")
        # a pandas frame becomes defaultParallelism slices, in order
        rows = analyze_notes(df, "text", "note_date").drop("text").collect()
        rows.sort(key=lambda row: row["position"])
        failed = next((row["error"] for row in rows if row["error"] is not None), None)
        if failed is not None:  # extract retries the batch note by note and reports the note that fails
            raise RuntimeError("a note was not analysed on Spark")
        return [classify(result_from_row(row, text), self.classifier, self.model) for row, text in zip(rows, texts)]


def cmd_bench_spark(args: argparse.Namespace) -> int:
    """``mri-indication bench --engine spark``: evaluation/spark_bench.py."""
    import json
    from pathlib import Path

    from evaluation.spark_bench import format_spark_table, run_spark_bench

    result = run_spark_bench(notes=args.notes, length=args.length, rounds=args.rounds)
    print(format_spark_table(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0
