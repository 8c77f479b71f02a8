"""Fixtures of the classifier tests: 60 training notes analysed by the rules, with their gold indications."""
import pytest

import extractor
from extractor.io.gold import load_gold


@pytest.fixture(scope="session")
def notes(nlp):
    gold = load_gold("corpora/train.jsonl")[:60]
    results = list(extractor.analyze_many([r["text"] for r in gold], [r.get("note_date") for r in gold],
                                          nlp=nlp, classifier="rules"))
    return results, [r["decision"]["indication"] for r in gold]
