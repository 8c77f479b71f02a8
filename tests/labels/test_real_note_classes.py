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


@pytest.mark.parametrize("text, label", [
    ("She can't feel anything when she wipes.", "saddle_anesthesia"),
    ("She wet herself twice and doesn't know she's going.", "urinary_incontinence"),
    ("67M h/o HTN, new LBP x 3 wks, worse at night, 15 lb unintentional weight loss", "unexplained_weight_loss"),
    ("Plan: 45M with 2 wks back pain, now unable to void since this morning; sent to ED.", "urinary_retention"),
])
def test_the_examples_issue_11_names(text, label):
    assert label in present(text)


def test_a_duration_after_modifiers_or_without_of_is_the_pains():
    assert extractor.analyze("8 wks of recurrent R leg radicular pain").symptom_duration_days == 56
    assert extractor.analyze("45M with 2 wks back pain").symptom_duration_days == 14
    assert extractor.analyze("PT x 6 weeks back exercises.").symptom_duration_days is None


def test_a_new_problem_ends_a_history_list_but_does_not_undo_history():
    found = {f.label: f.historical for f in extractor.analyze("h/o cauda equina syndrome 2015, new LBP x 2 wks, "
                                                               "worse at night").findings}
    assert found["cauda_equina_syndrome"] is True and found["night_pain"] is False


@pytest.mark.parametrize("text, label, expected", [
    ("Inner thighs covered with folliculitis and mild abscesses.", "recent_infection", True),
    ("When seated and at rest, her knee pain is 0/10.", "night_pain", False),
    ("Back pain even at rest.", "night_pain", True),
    ("Once anesthetized, IV antibiotics were given and he was prepped.", "recent_infection", False),
])
def test_skin_infections_rest_pain_and_operative_antibiotics(text, label, expected):
    assert (label in present(text)) is expected
