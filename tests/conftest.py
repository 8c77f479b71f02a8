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
