"""Classes the real transcriptions showed: consent risks, other bones, tests and prophylaxis, and how dictated
notes and patients word a few red flags. Each class has a trap or a negated case."""
import pytest

import extractor


def present(text):
    return {f.label for f in extractor.analyze(text).findings if f.present}


@pytest.mark.parametrize("text", [
    "The risks of the procedure include infection, fracture, paralysis and loss of bowel and bladder control.",
    "There is a danger of losing control of bowel or bladder function.",
    "A hematoma may cause weakness of both legs and impairment of bowel and bladder function.",
])
def test_risks_told_at_consent_are_possibilities(text):
    assert present(text) == set()


def test_a_risk_ends_at_its_reason():
    assert "cancer_history" in present("High risk of recurrence given h/o breast cancer.")


@pytest.mark.parametrize("text, absent", [
    ("Depressed frontal sinus fracture on the right.", "vertebral_fracture"),
    ("Hardware placed past the fractures in the femur.", "vertebral_fracture"),
    ("VDRL and HIV testing was unremarkable.", "immunosuppression"),
    ("He was given intravenous antibiotics for prophylaxis.", "recent_infection"),
    ("Care was taken to avoid any inadvertent trauma to the nerve.", "significant_trauma"),
    ("Dates written as MM/DD/YYYY.", "cancer_history"),
    ("Body mass index of 41.", "spinal_malignancy"),
    ("One branching vessel was noted to be leaking.", "urinary_incontinence"),
    ("Curettings were negative for malignancy.", "cancer_history"),
    ("My left leg is WAY better.", "motor_weakness"),
    ("It's worse when I've been standing at work.", "night_pain"),
])
def test_words_that_are_not_the_red_flag(text, absent):
    assert absent not in present(text)


@pytest.mark.parametrize("text, label", [
    ("L1 compression fracture.", "vertebral_fracture"),
    ("HIV positive on ART.", "immunosuppression"),
    ("Since 10 pm he can pass no more than a dribble of urine.", "urinary_retention"),
    ("The skin between her legs felt numb when she wiped.", "saddle_anesthesia"),
    ("His wife said he was warm and had chills overnight.", "fever"),
    ("She is woken in the early hours by the pain.", "night_pain"),
    ("Pain worsening at night for 2 months.", "night_pain"),
    ("Can't lay down, it's worse laying flat.", "night_pain"),
    ("Left extensor hallucis longus is 4/5.", "motor_weakness"),
    ("Unable to stay up on R toes, drops down after 2 sec.", "motor_weakness"),
    ("Because of the pain he has problems with fractured sleep.", "night_pain"),
])
def test_red_flags_as_dictated_notes_and_patients_word_them(text, label):
    assert label in present(text)


def test_the_operation_of_a_spine_stay_is_a_recent_procedure():
    spine = "PROCEDURE: L4-5 laminectomy.\nHOSPITAL COURSE: He underwent an uncomplicated surgical procedure."
    assert "recent_spinal_procedure" in present(spine)
    other = "PROCEDURE: Laparoscopic appendectomy.\nHOSPITAL COURSE: He underwent an uncomplicated surgical procedure."
    assert "recent_spinal_procedure" not in present(other)
    outside = "PROCEDURE: L4-5 laminectomy.\nHPI: He underwent surgery on his knee in 2010."
    assert "recent_spinal_procedure" not in present(outside)
