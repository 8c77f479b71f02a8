"""``mri-indication bench --engine spark``: Spark against the local engine on the same notes (not a test).

    .venv/bin/mri-indication bench --engine spark --notes 5000 [--length 1800] [--rounds 2] [--json out.json]

On the bench's generated notes (:func:`evaluation.bench.make_notes`, the same seed as ``bench``), each round
times, in turn: ``analyze_many`` in one process, Spark ``local[1]``, ``analyze_many(n_process=2)`` and Spark
``local[2]``; the best round of each is reported (this machine's speed drifts). The local rows run in fresh
child processes (warmed up first), so the bench process itself is a pure Spark driver whose peak memory is
reported: its Python process and its JVM (which, in local mode, also runs the executor). A Spark row times
``analyze_notes`` from a cached DataFrame of the notes to Spark's ``noop`` sink, after a warm-up job that
starts the Python workers and loads their pipelines, with two partitions per core.

It also measures what stays constant per worker and per batch: the first job on a fresh session (workers
started, package imported, pipeline loaded) against the same job again, ``extractor.load()`` in a fresh
process, and the Arrow round trip of the notes through ``mapInPandas`` without the pipeline, per batch.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

ARROW_BATCH = 256  # notes per Arrow batch in the round-trip measurement
_LOCAL = """
import json, sys, time
import extractor
from evaluation.bench import make_notes
count, length, n_process = (int(a) for a in sys.argv[1:4])
texts = make_notes(count, length)
list(extractor.analyze_many(make_notes(60, length, seed=99), n_process=n_process))  # load and warm up
start = time.perf_counter()
for _ in extractor.analyze_many(texts, n_process=n_process):
    pass
print(json.dumps({"seconds": time.perf_counter() - start}))
"""
_LOAD = "import time; t = time.perf_counter(); import extractor; extractor.load(); print(time.perf_counter() - t)"


def _local(count: int, length: int, n_process: int) -> float:
    done = subprocess.run([sys.executable, "-c", _LOCAL, str(count), str(length), str(n_process)], check=True,
                          capture_output=True, text=True, cwd=os.path.dirname(os.path.dirname(__file__)))
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def _jvm_peak_mb(spark) -> float | None:
    """The driver JVM's peak resident set (VmHWM), in MB."""
    try:
        pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return round(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024, 1)
    except Exception:  # noqa: BLE001 - a figure we cannot read is left out
        return None


def _identity(batches):
    """The notes through Arrow and pandas and back, no pipeline: the per-batch plumbing cost."""
    for batch in batches:
        yield batch


def _spark_round(master: str, texts: list[str], cores: int) -> dict:
    """One Spark timing on a fresh ``master`` session."""
    from extractor.spark import analyze_notes, local_session

    spark = local_session(master, "mri-indication-bench")
    try:
        df = spark.createDataFrame([(i, t) for i, t in enumerate(texts)], "id long, text string")
        df = df.repartition(2 * cores).cache()
        df.count()
        tiny = spark.createDataFrame([(i, t) for i, t in enumerate(texts[:cores])], "id long, text string")
        tiny = tiny.repartition(cores)
        start = time.perf_counter()
        analyze_notes(tiny).write.format("noop").mode("overwrite").save()
        first_job = time.perf_counter() - start
        start = time.perf_counter()
        analyze_notes(tiny).write.format("noop").mode("overwrite").save()
        again = time.perf_counter() - start
        start = time.perf_counter()
        analyze_notes(df).write.format("noop").mode("overwrite").save()
        seconds = time.perf_counter() - start
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH))
        start = time.perf_counter()
        df.mapInPandas(_identity, df.schema).write.format("noop").mode("overwrite").save()
        arrow_seconds = time.perf_counter() - start
        batches = sum(-(-size // ARROW_BATCH) for size in df.rdd.glom().map(len).collect())
        return {"seconds": seconds, "first_job_s": first_job, "same_job_again_s": again,
                "arrow_roundtrip_s": arrow_seconds, "arrow_batches": batches, "jvm_peak_mb": _jvm_peak_mb(spark)}
    finally:
        spark.stop()


def run_spark_bench(notes: int = 5000, length: int = 1800, rounds: int = 2) -> dict:
    from evaluation.bench import machine, make_notes, peak_rss_mb

    texts = make_notes(notes, length)
    runs: dict[str, list] = {"local_1": [], "spark_local_1": [], "local_2": [], "spark_local_2": []}
    for _ in range(rounds):
        runs["local_1"].append({"seconds": _local(notes, length, 1)})
        runs["spark_local_1"].append(_spark_round("local[1]", texts, 1))
        runs["local_2"].append({"seconds": _local(notes, length, 2)})
        runs["spark_local_2"].append(_spark_round("local[2]", texts, 2))
    best = {name: min(items, key=lambda item: item["seconds"]) for name, items in runs.items()}
    rate = {name: round(notes / item["seconds"], 1) for name, item in best.items()}
    loads = [float(subprocess.run([sys.executable, "-c", _LOAD], check=True, capture_output=True,
                                  text=True).stdout) for _ in range(3)]
    two = best["spark_local_2"]
    return {
        "machine": machine(), "notes": notes, "chars": sum(map(len, texts)), "rounds": rounds,
        "notes_per_s": rate,
        "ratios": {"spark_local_1_vs_1_process": round(rate["spark_local_1"] / rate["local_1"], 3),
                   "spark_local_2_vs_2_processes": round(rate["spark_local_2"] / rate["local_2"], 3)},
        "per_worker": {"first_job_s": round(two["first_job_s"], 2), "same_job_again_s": round(two["same_job_again_s"], 2),
                       "extractor_load_s_median": round(sorted(loads)[1], 2)},
        "per_batch": {"notes": ARROW_BATCH, "batches": two["arrow_batches"],
                      "ms_per_batch": round(1000 * two["arrow_roundtrip_s"] / two["arrow_batches"], 1)},
        "driver_peak_mb": {"python": peak_rss_mb(), "jvm": max((r.get("jvm_peak_mb") or 0) for r in
                                                                 runs["spark_local_1"] + runs["spark_local_2"])},
        "runs": runs,
    }


def format_spark_table(result: dict) -> str:
    rate, ratios = result["notes_per_s"], result["ratios"]
    lines = [f"{result['notes']:,} notes, {result['chars'] / result['notes']:,.0f} characters on average, "
             f"best of {result['rounds']} rounds, {result['machine']['cores']} cores",
             "", "| | notes/s | Spark / local |", "|---|---:|---:|",
             f"| `analyze_many`, 1 process | {rate['local_1']:,} | |",
             f"| Spark `local[1]` | {rate['spark_local_1']:,} | **{ratios['spark_local_1_vs_1_process']:.2f}** |",
             f"| `analyze_many(n_process=2)` | {rate['local_2']:,} | |",
             f"| Spark `local[2]` | {rate['spark_local_2']:,} | **{ratios['spark_local_2_vs_2_processes']:.2f}** |",
             "", f"driver peak memory: Python {result['driver_peak_mb']['python']} MB, "
                 f"JVM {result['driver_peak_mb']['jvm']} MB (local mode: the JVM is also the executor)",
             f"per worker: first job on a fresh local[2] session {result['per_worker']['first_job_s']} s, the same "
             f"job again {result['per_worker']['same_job_again_s']} s; extractor.load() in a fresh process "
             f"{result['per_worker']['extractor_load_s_median']} s (median of 3)",
             f"per batch: Arrow round trip through mapInPandas without the pipeline "
             f"{result['per_batch']['ms_per_batch']} ms per {result['per_batch']['notes']}-note batch "
             f"({result['per_batch']['batches']} batches)"]
    return "\n".join(lines)
