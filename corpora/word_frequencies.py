#!/usr/bin/env python3
"""Write models/word_frequencies.json: how often each word occurs in clinical notes.

The rule matcher starts each token pattern at its rarest required word, and
reads the rarity from this file. Counts are lower-cased tokens of the
clinical tokenizer over the MTSamples transcriptions (real notes, see
../shared/external/mtsamples/SOURCE.md) and our training notes.

Usage: python corpora/word_frequencies.py [--top 5000]
"""
import argparse
import csv
import json
from collections import Counter
from pathlib import Path

import spacy

from extractor.tokenizer import use_clinical_tokenizer

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT.parent / "shared" / "external" / "mtsamples" / "mtsamples.csv", ROOT / "corpora" / "train.jsonl")


def texts():
    with open(SOURCES[0], encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield row["transcription"]
    with open(SOURCES[1], encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)["text"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--top", type=int, default=5000)
    args = ap.parse_args(argv)
    nlp = spacy.blank("en")
    use_clinical_tokenizer(nlp)
    counts: Counter = Counter()
    for doc in nlp.tokenizer.pipe(texts()):
        counts.update(t.lower_ for t in doc if not t.is_space)
    total = sum(counts.values())
    table = {word: round(n * 1e6 / total, 1) for word, n in counts.most_common(args.top)}
    out = ROOT / "models" / "word_frequencies.json"
    out.write_text(json.dumps({"about": "per million tokens of MTSamples and corpora/train.jsonl; "
                                         "made by corpora/word_frequencies.py",
                               "tokens": total, "per_million": table}, indent=0) + "\n", encoding="utf-8")
    print(f"{len(table)} words from {total:,} tokens -> {out}")


if __name__ == "__main__":
    main()
