"""Throughput benchmark: our pipeline against spaCy's tokenizer and medspaCy's default pipeline.

One run times, on the same generated notes (the corpus generator's clinical
text, cut to ``length`` characters at line ends):

(a) ``tokenizer``: ``spacy.blank("en")``'s tokenizer alone;
(b) ``medspacy_default``: ``medspacy.load()`` (PyRuSH sentences, TargetMatcher,
    ConText) with our target and context rules instead of its own, on the
    first ``medspacy_notes`` notes, as it is two orders of magnitude slower,
    in a child process whose memory is reported apart;
(c) ``pipeline``: :func:`extractor.analyze_many`, decision included, one process;
(d) ``pipeline_n_process``: the same with ``n_process`` worker processes.

(a), (c) and (d) take turns over a few rounds of fresh notes and report their
best round (see :func:`run_bench`); (b) runs once, on the first round's notes.

Each pipeline first sees warm-up notes written with another seed, so caches
hold what a long run would hold, but not the timed notes themselves.
``peak_rss_mb`` is this process's peak: tokenizer, our pipeline and scaling.
``scaling`` times :func:`extractor.analyze` on single notes from 1,000 to
1,000,000 characters (the better of two runs each): prose, prose without
sentence punctuation, and a repeated negated list. Peak memory is the process's maximum resident set.
``worst_cases`` times single notes built to be slow (:func:`worst_cases`), each
in a child process that reports its own memory; ``memory`` (``memory_notes``
> 0) samples the resident memory of a process analysing that many notes
(:func:`rss_over_notes`).
"""
from __future__ import annotations

import importlib.util
import multiprocessing
import os
import platform
import random
import resource
import string
import time
from pathlib import Path
from typing import Callable, Sequence

import spacy

GENERATOR = Path(__file__).resolve().parent.parent / "corpora" / "generator" / "generate.py"
SCALING_SIZES = (1_000, 10_000, 100_000, 1_000_000)
PARENTHESIS_RUNS = (20_000, 40_000, 50_000)
WHITESPACE_FREE_CHARS = 200_000
WARMUP_NOTES = 30
NEGATED_LIST = ("Denies fever, chills, night sweats, saddle anesthesia, urinary retention, bowel incontinence, "
                "leg weakness, foot drop, weight loss, IV drug use, history of cancer and recent trauma. ")


def _generator():
    if not GENERATOR.exists():
        raise FileNotFoundError(f"the bench writes its notes with {GENERATOR}, which this install lacks; "
                                "run it from a clone of the repository")
    spec = importlib.util.spec_from_file_location("mri_corpus_generator", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generated_lines(count: int, seed: int) -> list[str]:
    """The plain-text lines of ``count`` generated notes."""
    generator = _generator()
    markup, _meta = generator.generate(count, seed)
    lines = []
    for note in markup.split("=== id:")[1:]:
        lines.extend(generator.plain_text(note.split("\n", 1)[1]).strip().splitlines())
    return lines


def make_notes(count: int, length: int, seed: int = 7) -> list[str]:
    """``count`` notes of generated lines in their order, each cut at the last space before
    ``length`` characters.

    >>> notes = make_notes(3, 600)
    >>> len(notes), all(500 < len(n) <= 600 for n in notes)
    (3, True)
    """
    lines: list[str] = []
    notes: list[str] = []
    while len(notes) < count:
        note = ""
        while len(note) < length:
            if not lines:  # write more notes with the generator
                seed += 1
                lines = generated_lines(max(1, (count - len(notes)) * length // 2000) + 2, seed)[::-1]
            note = f"{note}\n{lines.pop()}" if note else lines.pop()
        cut = note.rfind(" ", 0, length + 1)
        notes.append(note[:cut if cut > length // 2 else length].rstrip())
    return notes


def timed(run: Callable[[Sequence[str]], object], texts: Sequence[str]) -> dict:
    """Notes and characters per second of ``run(texts)``."""
    start = time.perf_counter()
    run(texts)
    seconds = time.perf_counter() - start
    chars = sum(map(len, texts))
    return {"notes": len(texts), "seconds": round(seconds, 3), "notes_per_s": round(len(texts) / seconds, 1),
            "chars_per_s": round(chars / seconds)}


def medspacy_default_pipeline(patterns_dir: str | None = None):
    """``medspacy.load()`` with our target and context rules in place of its own."""
    import medspacy
    from spacy.tokens import Span

    from extractor import resources, rules
    from extractor.rules.model import as_medspacy

    from ._quiet import silence_third_party_logs

    silence_third_party_logs()
    nlp = medspacy.load(load_rules=False)
    folder = Path(patterns_dir) if patterns_dir else resources.patterns_dir()

    def tokenize(text: str) -> list[str]:
        return [token.text for token in nlp.make_doc(text)]
    target_rules = rules.load_target_rules(folder, tokenize)
    for rule in target_rules:  # TargetMatcher sets a rule's fixed attributes on its spans
        for attribute in rule.attributes or {}:
            if not Span.has_extension(attribute):
                Span.set_extension(attribute, default=None)
    nlp.get_pipe("medspacy_target_matcher").add([as_medspacy(rule) for rule in target_rules])
    nlp.get_pipe("medspacy_context").add([as_medspacy(rule) for rule in rules.load_context_rules(folder, tokenize)])
    return nlp


def _bench_medspacy_default(texts: Sequence[str], warmup: Sequence[str]) -> dict:
    nlp = medspacy_default_pipeline()
    list(nlp.pipe(warmup))
    return {**timed(lambda t: list(nlp.pipe(t)), texts), "peak_rss_mb": peak_rss_mb()}


def _in_child_process(function: Callable, *args):
    """``function(*args)`` in a child process, so that its memory is not counted as ours."""
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(1) as pool:
        return pool.apply(function, args)


def scaling(nlp, sizes: Sequence[int] = SCALING_SIZES, seed: int = 11) -> list[dict]:
    """Milliseconds per 1,000 characters of single notes of each size, for three kinds of text."""
    from extractor import analyze

    prose = "\n".join(generated_lines(max(2, sizes[-1] // 2000), seed))
    while len(prose) < sizes[-1]:
        prose += "\n" + prose
    no_punctuation = prose.translate(str.maketrans({".": " ", "!": " ", "?": " ", ";": " ", "\n": " "}))
    negated = NEGATED_LIST * (sizes[-1] // len(NEGATED_LIST) + 1)
    analyze(prose[:1000], nlp=nlp)
    rows = []
    for case, text in (("prose", prose), ("no_punctuation", no_punctuation), ("negated_list", negated)):
        for size in sizes:
            if case != "prose" and size not in (sizes[1], sizes[-1]):
                continue  # the other kinds are checked where the linearity target is set: 10k and 1M
            note = text[:size]
            seconds = float("inf")
            for _ in range(2):  # the better of two runs: a single note is at the mercy of the machine
                start = time.perf_counter()
                analyze(note, nlp=nlp)
                seconds = min(seconds, time.perf_counter() - start)
            rows.append({"case": case, "chars": len(note), "ms_per_1k_chars": round(seconds * 1e6 / len(note), 3)})
    return rows


def worst_cases(nlp, size: int, seed: int = 11) -> list[dict]:
    """Single notes built to be slow, each analysed in a child forked from this process: its seconds, and
    the child's resident memory at the fork and at its peak (the difference is the note's own cost).

    Runs of "(" (:data:`PARENTHESIS_RUNS`: spaCy's affix loop was quadratic in them), a whitespace-free note
    of :data:`WHITESPACE_FREE_CHARS` run-together words (so was its URL pattern), and notes of ``size``
    characters: run-together words, a repeated negated phrase, and distinct punctuation-heavy chunks.
    Empty where processes cannot be forked.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return []
    from extractor import analyze

    run_together = ""
    while len(run_together) < max(size, WHITESPACE_FREE_CHARS):
        seed += 1
        run_together += "".join(" ".join(generated_lines(max(2, size // 2000), seed)).split())
    chunks = (f"{'(' * 16}{number}{')' * 16}" for number in range(size // 20 + 1))
    cases = [("parentheses", "(" * chars) for chars in PARENTHESIS_RUNS]
    cases += [("whitespace_free", run_together[:WHITESPACE_FREE_CHARS]), ("run_together", run_together[:size]),
              ("negated_phrase", ("no saddle anesthesia " * (size // 21 + 1))[:size]),
              ("punctuation_chunks", " ".join(chunks)[:size])]

    def measure(text: str) -> dict:
        before = current_rss_mb()
        start = time.perf_counter()
        analyze(text, nlp=nlp)
        return {"seconds": round(time.perf_counter() - start, 3), "rss_at_fork_mb": before,
                "peak_rss_mb": peak_rss_mb()}
    return [{"case": case, "chars": len(text), **_forked(measure, text)} for case, text in cases]


def _forked(function: Callable, *args):
    """``function(*args)`` in a child forked from this process; its result comes back through a pipe."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=lambda: sender.send(function(*args)))
    child.start()
    result = receiver.recv()
    child.join()
    return result


def unique_notes(count: int, length: int = 1800, seed: int = 17):
    """``count`` generated notes, each carrying words no other note has (a record number, a name, a
    reference number), as real notes do: spaCy's string store meets new strings throughout."""
    base = make_notes(min(count, 1000), length, seed)
    rng = random.Random(seed)
    for index in range(count):
        name = "".join(rng.choice(string.ascii_lowercase) for _ in range(8)).title()
        yield (f"MRN {rng.randrange(10 ** 9):09d}, visit {index}, Dr. {name}\n{base[index % len(base)]}\n"
               f"Ref {rng.randrange(10 ** 12)}")


def rss_over_notes(count: int = 100_000, every: int = 10_000, length: int = 1800) -> list[dict]:
    """The resident memory (MB) of this process while :func:`extractor.analyze_many` with the default pipeline
    analyses ``count`` of :func:`unique_notes` in one stream, as a long-running service would: after the
    first note and every ``every`` notes. Run it in a fresh process (as :func:`run_bench` does)."""
    from extractor import analyze_many

    samples = []
    for done, _result in enumerate(analyze_many(unique_notes(count, length)), start=1):
        if done == 1 or done % every == 0:
            samples.append({"notes": done, "rss_mb": current_rss_mb()})
    return samples


def machine() -> dict:
    """Where the bench ran."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "spacy": spacy.__version__}


def current_rss_mb() -> float:
    """The process's resident set size now, in MB (its peak where ``/proc`` is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return round(next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024, 1)
    except OSError:
        return peak_rss_mb()


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if platform.system() == "Darwin" else peak / 1024, 1)


_STARTUP = {
    "blank_s": "import time, spacy; spacy.blank('en'); print(time.process_time())",
    "load_s": "import time, extractor; extractor.load(); print(time.process_time())",
}


def startup(rounds: int = 5) -> dict:
    """CPU seconds of a fresh process that imports spaCy and makes ``spacy.blank("en")``, and of one that
    imports extractor and runs ``extractor.load()`` (the median of ``rounds`` each, taking turns, after one
    load that fills the rule cache); ``load_cold_s`` is one load with an empty cache."""
    import subprocess
    import sys
    import tempfile

    def cpu(code: str, env: dict | None = None) -> float:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, **(env or {})})
        return float(out.stdout.strip().splitlines()[-1])

    with tempfile.TemporaryDirectory() as cold:
        load_cold = cpu(_STARTUP["load_s"], {"MRI_INDICATION_CACHE": cold})
    cpu(_STARTUP["load_s"])  # fills the cache the timed loads read
    times: dict[str, list[float]] = {name: [] for name in _STARTUP}
    for _ in range(rounds):
        for name, code in _STARTUP.items():
            times[name].append(cpu(code))
    median = {name: sorted(values)[len(values) // 2] for name, values in times.items()}
    return {**{name: round(value, 3) for name, value in median.items()}, "load_cold_s": round(load_cold, 3),
            "load_vs_blank": round(median["load_s"] / median["blank_s"], 2),
            "runs": {name: [round(v, 3) for v in values] for name, values in times.items()}}


def run_bench(notes: int = 1000, length: int = 1800, n_process: int = 2, medspacy_notes: int = 200,
              scaling_sizes: Sequence[int] | None = SCALING_SIZES, seed: int = 7, rounds: int = 3,
              startup_rounds: int = 5, memory_notes: int = 0, memory_every: int = 10_000) -> dict:
    """Run every measurement; returns the ``--json`` record.

    With ``scaling_sizes``, :func:`worst_cases` runs at the largest size; with ``memory_notes``,
    :func:`rss_over_notes` runs in a fresh (spawned) process.

    (a), (c) and (d) run in turn, ``rounds`` times, each round on notes of its own (so no round
    reads notes an earlier one cached), and each reports its best round: the machine's speed
    drifts by tens of percent over a minute, and the best round is the least disturbed one.
    Every round's figure is kept under ``runs``.
    """
    from extractor import analyze_many, load

    warmup = make_notes(WARMUP_NOTES, length, seed + 1000)
    blank = spacy.blank("en")
    list(blank.tokenizer.pipe(warmup))
    nlp = load()
    list(analyze_many(warmup, nlp=nlp))
    measured: dict[str, list[dict]] = {"tokenizer": [], "pipeline": [], "pipeline_n_process": []}
    first_texts: list[str] = []
    for round_number in range(rounds):
        texts = make_notes(notes, length, seed + 100 * round_number)
        first_texts = first_texts or texts
        measured["tokenizer"].append(timed(lambda t: list(blank.tokenizer.pipe(t)), texts))
        measured["pipeline"].append(timed(lambda t: list(analyze_many(t, nlp=nlp)), texts))
        measured["pipeline_n_process"].append(
            timed(lambda t: list(analyze_many(t, nlp=nlp, n_process=n_process)), texts))
    best = {name: {**max(runs, key=lambda row: row["notes_per_s"]), "runs": [row["notes_per_s"] for row in runs]}
            for name, runs in measured.items()}
    tokenizer, pipeline, parallel = best["tokenizer"], best["pipeline"], best["pipeline_n_process"]
    scaled = scaling(nlp, scaling_sizes) if scaling_sizes else []
    worst = worst_cases(nlp, scaling_sizes[-1]) if scaling_sizes else []
    memory = []
    if memory_notes:
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            memory = pool.apply(rss_over_notes, (memory_notes, memory_every, length))

    medspacy_default = _in_child_process(_bench_medspacy_default, first_texts[:medspacy_notes], warmup[:5])
    started = startup(startup_rounds)

    return {
        "machine": machine(),
        "notes": len(first_texts),
        "mean_chars": round(sum(map(len, first_texts)) / len(first_texts), 1),
        "rounds": rounds,
        "tokenizer": tokenizer,
        "medspacy_default": medspacy_default,
        "pipeline": pipeline,
        "pipeline_n_process": {"n_process": n_process, **parallel},
        "ratios": {
            "pipeline_vs_tokenizer": round(pipeline["notes_per_s"] / tokenizer["notes_per_s"], 3),
            "pipeline_vs_medspacy_default": round(pipeline["notes_per_s"] / medspacy_default["notes_per_s"], 1),
            "n_process_vs_pipeline": round(parallel["notes_per_s"] / pipeline["notes_per_s"], 2),
        },
        "peak_rss_mb": peak_rss_mb(),
        "startup": started,
        "scaling": scaled,
        "worst_cases": worst,
        "memory": memory,
    }


def format_table(result: dict) -> str:
    """The bench as a plain-text table."""
    rows = [("(a) spaCy blank tokenizer", result["tokenizer"]),
            ("(b) medspaCy default + our rules", result["medspacy_default"]),
            ("(c) our pipeline, 1 process", result["pipeline"]),
            (f"(d) our pipeline, n_process={result['pipeline_n_process']['n_process']}",
             result["pipeline_n_process"])]
    lines = [f"{result['notes']} notes, mean {result['mean_chars']:.0f} characters; "
             f"{result['machine']['cpu']}, {result['machine']['cores']} cores; "
             f"(a), (c), (d): best of {result['rounds']} rounds",
             f"{'':36s} {'notes':>6s} {'notes/s':>9s} {'chars/s':>11s}"]
    lines += [f"{name:36s} {row['notes']:>6d} {row['notes_per_s']:>9.1f} {row['chars_per_s']:>11,d}"
              for name, row in rows]
    ratios = result["ratios"]
    lines += [f"(c)/(a) {ratios['pipeline_vs_tokenizer']:.3f}   (c)/(b) {ratios['pipeline_vs_medspacy_default']:.1f}x"
              f"   (d)/(c) {ratios['n_process_vs_pipeline']:.2f}x   peak RSS {result['peak_rss_mb']:.0f} MB"]
    started = result["startup"]
    lines.append(f"start-up (CPU s, median of {len(started['runs']['load_s'])}): spacy.blank('en') "
                 f"{started['blank_s']:.2f}, extractor.load() {started['load_s']:.2f} "
                 f"({started['load_vs_blank']:.2f}x; {started['load_cold_s']:.2f} with an empty rule cache)")
    if result["scaling"]:
        lines.append("scaling: ms per 1,000 characters of one note")
        lines += [f"  {row['case']:15s} {row['chars']:>9,d} chars  {row['ms_per_1k_chars']:8.3f} ms"
                  for row in result["scaling"]]
    if result["worst_cases"]:
        lines.append("worst cases: seconds, and resident memory of a child forked for the note (at the fork -> peak)")
        lines += [f"  {row['case']:18s} {row['chars']:>9,d} chars  {row['seconds']:8.2f} s  "
                  f"{row['rss_at_fork_mb']:6.0f} -> {row['peak_rss_mb']:6.0f} MB" for row in result["worst_cases"]]
    if result["memory"]:
        lines.append("resident memory while analysing notes in one stream: "
                     + ", ".join(f"{row['notes']:,}: {row['rss_mb']:.0f} MB" for row in result["memory"]))
    return "\n".join(lines)
