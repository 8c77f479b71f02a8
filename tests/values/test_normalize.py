import datetime as dt

import pytest

from extractor.values import normalize

NOTE_DATE = dt.date(2026, 3, 14)


@pytest.mark.parametrize("text, days", [
    ("x 3 wks", 21), ("x3wk", 21), ("for 2 months", 60), ("x 2 mos", 60), ("10 days ago", 10),
    ("3-4 months", 120), ("6+ wks", 42), ("for years", 730), ("longstanding", 730), ("chronic", 90),
    ("subacute", 42), ("acute", 7), ("several weeks", 21), ("a few months", 90), ("several months", 90),
    ("two weeks", 14), ("one year", 365), ("1.5 months", 45), ("a week and a half", 10), ("48 hours", 2),
    ("since 2/14", 28), ("since 3/1/2026", 13), ("since Jan 12", 61), ("since 2026-02-28", 14),
    ("since 11/20", 114),  # a date later in the year than the note date is last year's
    ("since Labor Day", 194), ("since Christmas", 79), ("for the past month", 30), ("couple of days", 2),
])
def test_duration_days(text, days):
    assert normalize.duration_days(text, NOTE_DATE) == days


def test_since_date_needs_note_date():
    assert normalize.duration_days("since 2/14", None) is None


@pytest.mark.parametrize("text", ["", "back pain", "since the accident"])
def test_duration_unreadable(text):
    assert normalize.duration_days(text, NOTE_DATE) is None


@pytest.mark.parametrize("text, years", [("67M", 67), ("54 y/o", 54), ("a 45-year-old woman", 45), ("Age: 71", 71),
                                          ("F 71", 71), ("130 yo", None), ("no age", None)])
def test_age_years(text, years):
    assert normalize.age_years(text) == years


@pytest.mark.parametrize("text, fever", [("T 38.6", True), ("T 38.0", True), ("T 37.9", False), ("Temp 100.4 F", True),
                                          ("T 100.3", False), ("Tmax 101.3", True), ("T 98.6", False), ("T 12", None)])
def test_fever_threshold(text, fever):
    assert normalize.is_fever(text) == fever


@pytest.mark.parametrize("text, elevated", [
    ("ESR 95", True), ("ESR 20", False), ("ESR 21 mm/h", True), ("sed rate 88", True),
    ("CRP 12 mg/L", True), ("CRP 8 mg/L", False), ("CRP 4.2 mg/dL", True), ("CRP 0.6 mg/dL", False),
    ("WBC 15.2", True), ("WBC 9.1", False), ("WBC 11", False), ("WBC 12,500", True), ("WBC 9,800", False), ("CRP pending", None),
])
def test_inflammatory_markers(text, elevated):
    assert normalize.inflammatory_marker_elevated(text) == elevated


@pytest.mark.parametrize("text, weak", [("4/5 L EHL", True), ("EHL 4-/5", True), ("4+/5 dorsiflexion", True),
                                         ("5/5 throughout", False), ("hip flexion/knee ext 5/5", False),
                                         ("0/5 DF", True), ("strength normal", None)])
def test_strength(text, weak):
    assert normalize.is_weak(text) == weak


@pytest.mark.parametrize("text, abnormal", [("Knee jerks 2+", False), ("ankle jerks absent", True),
                                             ("achilles 1+/2+", True), ("DTRs 2+ symmetric", False),
                                             ("achilles 0 on L", True), ("reflexes diminished", True),
                                             ("reflexes normal", False), ("patellar 3+ with clonus", True)])
def test_reflex(text, abnormal):
    assert normalize.reflex_abnormal(text) == abnormal
