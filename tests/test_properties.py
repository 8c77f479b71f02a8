"""Properties of ``extractor.analyze`` on any text and any note date (hypothesis).

Texts: arbitrary unicode (lone surrogates and control characters included), long tokens and punctuation
runs, and sentences of corpora/dev.jsonl spliced with all of those. The examples are derandomized: the
suite sees the same ones every run.
"""
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import extractor
from extractor.component import parse_note_date

DEV = Path(__file__).resolve().parents[1] / "corpora" / "dev.jsonl"
SENTENCES = sorted({sentence.strip() for line in DEV.read_text(encoding="utf-8").splitlines()
                    for sentence in re.split(r"(?<=[.!?\n])\s+", json.loads(line)["text"]) if sentence.strip()})
CLASSIFIERS = (None, "rules", "model", "hybrid")
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

any_character = st.characters(exclude_categories=())  # surrogates included, but seldom drawn
surrogates = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3)
control = st.characters(categories=["Cc", "Cf", "Zl", "Zp"])
runs = st.builds(lambda piece, times: piece * times,
                 st.text(st.characters(categories=["P", "S"]), min_size=1, max_size=3) | st.sampled_from("(.-*x "),
                 st.integers(1, 3_000))
long_tokens = st.text(st.characters(categories=["L", "N", "P"]), min_size=200, max_size=1_500)
pieces = st.one_of(st.sampled_from(SENTENCES), st.text(any_character, max_size=40), surrogates,
                   st.text(control, max_size=5), runs, long_tokens)
notes = st.one_of(st.text(any_character, max_size=300),
                  st.lists(pieces, min_size=1, max_size=8).flatmap(
                      lambda parts: st.lists(st.sampled_from(["", " ", "\n", ", ", ". "]), min_size=len(parts),
                                             max_size=len(parts)).map(
                          lambda joints: "".join(part + joint for part, joint in zip(parts, joints)))))
note_dates = st.one_of(st.none(), st.dates().map(str), st.datetimes().map(str), st.text(max_size=25),
                       st.from_regex(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?[A-Za-z]?", fullmatch=True))


def _date_is_valid(note_date):
    try:
        parse_note_date(note_date)
    except ValueError:
        return False
    return True


@SETTINGS
@given(text=notes, note_date=note_dates, classifier=st.sampled_from(CLASSIFIERS))
@example(text="(" * 50_000, note_date=None, classifier=None)
@example(text="saddle anesthesia" + "-" * 5_000 + "x" * 200_000, note_date="2026-03-14", classifier="hybrid")
@example(text="LBP\ud800 since 2/14\x00\x1b[0m x \udfff8 wks", note_date="0001-01-01", classifier="model")
def test_analyze_raises_only_for_a_bad_date_and_is_deterministic(text, note_date, classifier):
    try:
        result = extractor.analyze(text, note_date, classifier=classifier)
    except (TypeError, ValueError):
        assert not _date_is_valid(note_date)
        return
    record = result.to_dict()
    json.dumps(record, allow_nan=False)
    assert extractor.analyze(text, note_date, classifier=classifier).to_dict() == record


@SETTINGS
@given(text=notes)
def test_every_span_lies_in_the_text(text):
    read = re.sub("[\ud800-\udfff]", "\ufffd", text)  # what analyze reads
    result = extractor.analyze(text)
    for finding in result.findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert read[finding.start:finding.end] == finding.text
    assert [(s["start"], s["end"]) for s in result.to_dict()["spans"]] == [(f.start, f.end) for f in result.findings]


@pytest.mark.parametrize("classifier", CLASSIFIERS)
@settings(SETTINGS, max_examples=60)
@given(text=notes)
def test_urgent_exactly_when_a_condition_is_suspected(classifier, text):
    decision = extractor.analyze(text, classifier=classifier).decision
    assert (decision.indication == "urgent") == bool(decision.suspected)
