"""Shared fixtures: the loaded pipeline, its expanded rules, and the corpus texts."""
import json
from pathlib import Path

import pytest

import extractor
from extractor import resources, rules

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def nlp():
    return extractor.load()


@pytest.fixture(scope="session")
def tokenize(nlp):
    return lambda text: [token.text for token in nlp.make_doc(text)]


@pytest.fixture(scope="session")
def target_rules(tokenize):
    return rules.load_target_rules(resources.patterns_dir(), tokenize)


@pytest.fixture(scope="session")
def context_rules(tokenize):
    return rules.load_context_rules(resources.patterns_dir(), tokenize)


@pytest.fixture(scope="session")
def dev_texts():
    with (ROOT / "corpora" / "dev.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle]


@pytest.fixture(scope="session")
def notes(nlp):
    """60 training notes analysed by the rules, with their gold indications (the classifier tests' data)."""
    from extractor.io.gold import load_gold

    gold = load_gold(ROOT / "corpora" / "train.jsonl")[:60]
    results = list(extractor.analyze_many([r["text"] for r in gold], [r.get("note_date") for r in gold],
                                          nlp=nlp, classifier="rules"))
    return results, [r["decision"]["indication"] for r in gold]
