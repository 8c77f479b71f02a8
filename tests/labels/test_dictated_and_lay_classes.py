"""Classes the timeline notes showed at the note level: negations in everyday words, advice, an excluded
diagnosis, a fever that broke, procedure dates without 'on', and ages spelled out by dictation."""
import pytest

import extractor


def found(text, label, note_date=None):
    return [f for f in extractor.analyze(text, note_date).findings if f.label == label]


@pytest.mark.parametrize("text", ["No problems with my bladder.", "No issues with bladder or bowels."])
def test_no_problems_with_the_bladder_is_a_negation(text):
    assert [f.negated for f in found(text, "urinary_incontinence")] == [True]


@pytest.mark.parametrize("text, label", [
    ("Educated to report any worsening weakness.", "progressive_neuro_deficit"),
    ("Pt educated re: loss of bladder control = go to ER.", "urinary_incontinence"),
    ("Let us know if the leg gets weaker.", "motor_weakness"),
])
def test_advice_about_what_to_report_is_hypothetical(text, label):
    assert [f.hypothetical for f in found(text, label)] == [True]


def test_an_excluded_diagnosis_is_negated_but_one_that_must_be_excluded_is_not():
    assert [f.negated for f in found("Cauda equina syndrome excluded.", "cauda_equina_syndrome")] == [True]
    assert [f.negated for f in found("Cauda equina syndrome must be excluded.", "cauda_equina_syndrome")] \
        == [False]


def test_a_fever_that_broke_is_past():
    assert [f.historical for f in found("COVID symptoms better, fever broke after 3 days.", "fever")] == [True]


@pytest.mark.parametrize("text, note_date, recent", [
    ("S/p L5-S1 TFESI 8/20 at the pain clinic.", "2025-09-02", True),
    ("S/p L5-S1 TFESI 3/2 at the pain clinic.", "2025-09-02", False),
    ("It has been 2 wks since the epidural.", "2025-09-02", True),
    ("3 weeks since the flu shot.", "2025-09-02", False),
])
def test_a_procedure_dated_right_after_its_name_or_counted_since(text, note_date, recent):
    assert bool(found(text, "recent_spinal_procedure", note_date)) == recent


@pytest.mark.parametrize("text, age", [
    ("The patient is a fifty-two-year-old woman with sciatica.", 52),
    ("Seventy-one-year-old male with back pain.", 71),
    ("He is sixty eight years old.", 68),
    ("His mother is seventy years old.", None),
    ("between forty and fifty years old", None),
])
def test_ages_spelled_out_by_dictation(text, age):
    assert extractor.analyze(text).age == age


def test_a_finished_course_of_treatment_does_not_make_the_pain_duration_past():
    text = "Sciatica going on for three months, he completed a course of physical therapy in August."
    assert [f.historical for f in found(text, "symptom_duration")] == [False]


def test_surveillance_of_a_known_cancer_is_a_cancer_history_and_screening_is_not():
    assert [f.negated for f in found("Prostate ca surveillance with urology in June.", "cancer_history")] == [False]
    assert [f.negated for f in found("Due for colon cancer screening.", "cancer_history")] == [True]


def test_declining_any_procedure_is_a_negated_candidacy():
    assert [f.negated for f in found("Pt declines any injection at this time.", "intervention_candidate")] == [True]
