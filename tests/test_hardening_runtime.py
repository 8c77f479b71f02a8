"""Runtime hardening: dead workers, pathological tokens, bounded memory, heavy and malformed input.

No test here times anything: the bench measures speed (``evaluation/bench.py``, ``worst_cases``).
"""
import datetime as dt
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
from spacy.tokenizer import Tokenizer

import extractor
from extractor import api
from extractor.component import parse_note_date
from extractor.pipeline.tokenizer import MAX_CHUNK_CHARS, MAX_RUN_CHARS
from extractor.values.normalize import MAX_DURATION_DAYS, duration_days

NOTE = "58M LBP x 8 wks radiating down L leg below knee, no relief from PT, +SLR L"


def test_a_dead_worker_raises_and_names_the_notes_done():
    """A worker killed outright (as the kernel's OOM killer does) must not hang ``analyze_many``."""
    script = textwrap.dedent("""
        import os, signal
        from extractor import api

        analyze_one = api._analyze_one

        def dies_on_marker(nlp, text, date):
            if text == "MARKER-KILLS-WORKER":
                os.kill(os.getpid(), signal.SIGKILL)
            return analyze_one(nlp, text, date)

        api._analyze_one = dies_on_marker  # the forked workers inherit it
        texts = ["LBP x 2 wks"] * 40 + ["MARKER-KILLS-WORKER"] + ["LBP x 2 wks"] * 40
        done = 0
        try:
            for _result in api.analyze_many(texts, n_process=2, batch_size=4):
                done += 1
        except api.WorkerError as error:
            print("raised", done, error)
    """)
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("raised "), completed.stdout + completed.stderr
    done = int(completed.stdout.split()[1])
    assert done <= 40 and f"after {done:,} notes" in completed.stdout
    assert "MARKER" not in completed.stdout


@pytest.mark.parametrize("text", [
    "(" * 50_000,
    ")" * 20_000 + " x " + "(" * 20_001,
    "LBP x 2 wks ((((((((((((((((((((  \n ))))))))))))))))))))) denies fever \n" * 3,
    "ab" * 100_000,  # 200k characters, no whitespace
    ("backpainradiatingdownleftleg,saddleanesthesia.x8wks;" * 4_000)[:200_000],
    "a" * 300 + " " + "b" * 600 + "\n" + "-" * 30 + "  " + "c" * 257,
])
def test_pathological_chunks_are_cut_and_keep_every_offset(nlp, text):
    doc = nlp.make_doc(text)
    assert doc.text == text
    assert max(len(token) for token in doc) <= MAX_CHUNK_CHARS
    assert all(len(token) <= MAX_RUN_CHARS for token in doc if set(token.text) <= set("()"))


def test_ordinary_notes_tokenize_as_spacy_does(nlp, dev_texts):
    tokenizer = nlp.tokenizer
    for text in dev_texts:
        assert [t.text for t in tokenizer(text)] == [t.text for t in Tokenizer.__call__(tokenizer, text)]


def test_a_punctuation_run_note_is_analysed(nlp):
    text = "Severe LBP " + "(" * 50_000 + " saddle anesthesia, cannot void"
    result = extractor.analyze(text, nlp=nlp)
    assert result.decision.indication == "urgent"
    assert all(text[f.start:f.end] == f.text for f in result.findings)


def _letters(number):
    """A word of letters only, one for each number (the clinical infixes would split digits off)."""
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word += chr(ord("a") + digit)
        if not number:
            return "zq" + word


def test_the_default_pipeline_is_renewed_when_its_strings_pass_the_bound(monkeypatch):
    loads = []
    load = api.load
    monkeypatch.setattr(api, "load", lambda: loads.append(1) or load())
    monkeypatch.setattr(api, "_DEFAULT_NLP", None)
    bound = len(api._default_nlp().vocab.strings) + 3_000
    monkeypatch.setattr(api, "MAX_VOCAB_STRINGS", bound)
    for note in range(12):
        extractor.analyze(NOTE + " " + " ".join(_letters(note * 400 + word) for word in range(400)))
        assert len(api._DEFAULT_NLP.vocab.strings) < bound + 2_000  # one note adds about 1,200
    assert len(loads) >= 3


def test_workers_are_forked_again_when_their_strings_pass_the_bound(monkeypatch, nlp):
    forks = []
    forked_workers = api._forked_workers

    def counted(n_process):
        forks.append(n_process)
        return forked_workers(n_process)
    monkeypatch.setattr(api, "_forked_workers", counted)
    monkeypatch.setattr(api, "MAX_VOCAB_STRINGS", 0)  # every chunk passes it
    texts = [f"{NOTE} visit{n}" for n in range(12)]
    many = [r.to_dict() for r in extractor.analyze_many(texts, nlp=nlp, n_process=2, batch_size=2)]
    assert many == [extractor.analyze(t, nlp=nlp).to_dict() for t in texts]
    assert len(forks) >= 2


def test_notes_over_the_limit_are_refused_without_their_text():
    with pytest.raises(ValueError, match="limit") as raised:
        extractor.analyze("Q" * (api.MAX_NOTE_CHARS + 1))
    assert "QQ" not in str(raised.value)


def test_lone_surrogates_are_read_as_replacement_characters(nlp):
    text = "Saddle anesthesia\ud800 and urinary retention since last night\udfff, LBP x 2 wks"
    result = extractor.analyze(text, nlp=nlp)
    assert result.decision.indication == "urgent"
    replaced = text.replace("\ud800", "\ufffd").replace("\udfff", "\ufffd")
    assert result.to_dict() == extractor.analyze(replaced, nlp=nlp).to_dict()
    assert all(replaced[f.start:f.end] == f.text for f in result.findings)
    many = list(extractor.analyze_many([text, text], nlp=nlp, n_process=2, batch_size=1))
    assert [r.to_dict() for r in many] == [result.to_dict()] * 2


@pytest.mark.parametrize("value, date", [
    ("2026-03-14", dt.date(2026, 3, 14)), (" 2026-03-14 ", dt.date(2026, 3, 14)),
    ("2026-03-14T10:30", dt.date(2026, 3, 14)), ("2026-03-14 10:30:59.123456", dt.date(2026, 3, 14)),
    ("2026-03-14T23:59:00Z", dt.date(2026, 3, 14)), ("2026-03-14T10:30:00-05:00", dt.date(2026, 3, 14)),
    ("0001-01-01", dt.date(1, 1, 1)), ("9999-12-31", dt.date(9999, 12, 31)),
    (dt.datetime(2026, 3, 14, 8), dt.date(2026, 3, 14)), (None, None), ("", None),
])
def test_iso_note_dates_are_accepted(value, date):
    assert parse_note_date(value) == date


@pytest.mark.parametrize("value", ["2026-03-14junk", "20260314", "2026-W11-1", "2026-074", "2026-02-30",
                                   "2026-3-14", "0000-01-01", "2026-03-14T24:00", "2026-03-14T", "14/03/2026",
                                   "\u0662\u0660\u0662\u0666-\u0660\u0663-\u0661\u0664", "March 14th"])
def test_other_note_dates_raise_without_echoing_the_value(value):
    with pytest.raises(ValueError, match="note_date") as raised:
        parse_note_date(value)
    assert value.strip() not in str(raised.value)


@pytest.mark.parametrize("note_date", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_extreme_note_dates_do_not_break_durations(note_date):
    text = "LBP since Christmas, radiating down the leg since 2/14, ESI on 3/1, fall on Labor Day"
    extractor.analyze(text, note_date=note_date)


@pytest.mark.parametrize("phrase", ["x " + "9" * 308 + " wks", "x 999999 wks", "for 121 years",
                                    "3-" + "9" * 5_000 + " months", "x " + "9" * 400 + ".5 days"])
def test_implausible_durations_are_not_durations(phrase):
    assert duration_days(phrase) is None


def test_durations_up_to_a_lifetime_are_kept():
    assert duration_days("x 120 yrs") == MAX_DURATION_DAYS
    assert extractor.analyze("LBP x " + "9" * 308 + " wks").symptom_duration_days is None


def test_a_missing_text_in_a_frame_names_its_row():
    frame = pd.DataFrame({"text": [NOTE, None, NOTE]}, index=["a7", "b8", "c9"])
    with pytest.raises(TypeError, match=r"row 'b8'.*text must be str, not NoneType") as raised:
        extractor.analyze_frame(frame)
    assert NOTE not in str(raised.value)


def test_a_bad_date_in_a_frame_names_its_row_not_its_value():
    frame = pd.DataFrame({"text": [NOTE, NOTE], "date": ["2026-03-14", "14.03.2026"]}, index=[10, 11])
    with pytest.raises(ValueError, match="row 11") as raised:
        extractor.analyze_frame(frame, note_date_col="date")
    assert "14.03" not in str(raised.value)


@pytest.mark.parametrize("dates", [["2026-03-14"], ["2026-03-14"] * 4])
def test_dates_must_match_the_texts_one_for_one(dates):
    with pytest.raises(ValueError, match="one date"):
        list(extractor.analyze_many([NOTE] * 3, dates))
    with pytest.raises(ValueError, match="one date"):  # iterators are checked as they are read
        list(extractor.analyze_many(iter([NOTE] * 3), iter(dates)))
