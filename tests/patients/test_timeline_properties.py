"""Properties of ``combine`` (hypothesis), over timelines of real corpus notes analysed once by the pipeline."""
import datetime as dt
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import extractor
from extractor.patients import PatientNote, combine

DEV = Path(__file__).resolve().parents[2] / "corpora" / "dev.jsonl"
RECORDS = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()[:60]]
RESULTS = list(extractor.analyze_many([r["text"] for r in RECORDS]))
SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, database=None)
START = dt.date(2025, 1, 1)

dates = st.one_of(st.none(), st.integers(0, 500).map(lambda days: START + dt.timedelta(days=days)))


@st.composite
def timelines(draw, min_size=1):
    """(notes, as_of): 1-6 distinct corpus notes with random dates (some undated), and a random order date."""
    picks = draw(st.lists(st.integers(0, len(RECORDS) - 1), min_size=min_size, max_size=6, unique=True))
    notes = [PatientNote(RECORDS[i]["id"], draw(dates), RESULTS[i].findings, RESULTS[i].age,
                         RESULTS[i].symptom_duration_days) for i in picks]
    return notes, draw(st.one_of(st.none(), dates))


@SETTINGS
@given(timelines(), st.randoms(use_true_random=False))
def test_the_order_of_the_notes_does_not_matter(timeline, random):
    notes, as_of = timeline
    shuffled = list(notes)
    random.shuffle(shuffled)
    assert combine(shuffled, as_of).to_dict() == combine(notes, as_of).to_dict()


@SETTINGS
@given(st.integers(0, len(RECORDS) - 1), dates.filter(lambda date: date is not None))
def test_one_note_is_that_note_analysed_alone(index, note_date):
    record, result = RECORDS[index], RESULTS[index]
    alone = extractor.analyze(record["text"], note_date)
    patient = combine([PatientNote("n", note_date, alone.findings, alone.age, alone.symptom_duration_days)])
    assert patient.decision.to_dict() == alone.decision.to_dict()
    assert (patient.age, patient.symptom_duration_days) == (alone.age, alone.symptom_duration_days)
    assert patient.present_labels == result.present_labels


@SETTINGS
@given(timelines(), st.integers(0, len(RECORDS) - 1), st.integers(1, 400))
def test_a_note_dated_after_as_of_changes_nothing_but_the_ignored_list(timeline, index, days_after):
    notes, as_of = timeline
    as_of = as_of or max((n.note_date for n in notes if n.note_date), default=START)
    late = PatientNote("late-note", as_of + dt.timedelta(days=days_after), RESULTS[index].findings,
                       RESULTS[index].age, RESULTS[index].symptom_duration_days)
    before, after = combine(notes, as_of).to_dict(), combine(notes + [late], as_of).to_dict()
    assert after.pop("ignored_notes") == sorted(before.pop("ignored_notes") + ["late-note"])
    assert after == before


@SETTINGS
@given(timelines())
def test_evidence_lies_inside_its_note_and_carries_its_label(timeline):
    notes, as_of = timeline
    text_of = {r["id"]: r["text"] for r in RECORDS}
    findings_of = {n.note_id: n.findings for n in notes}
    for items in combine(notes, as_of).evidence.values():
        for item in items:
            assert 0 <= item.start < item.end <= len(text_of[item.note_id])
            assert any((f.label, f.start, f.end) == (item.label, item.start, item.end)
                       for f in findings_of[item.note_id])
