"""A deficit getting worse is progressive; the patient's own words for red flags; planning touches treatments."""
import pytest

import extractor


def present(text, note_date="2026-06-01"):
    return {f.label for f in extractor.analyze(text, note_date).findings if f.present}


@pytest.mark.parametrize("text", [
    "Her left leg weakness has steadily worsened over 3 days.",
    "Numbness in the R foot, spreading up the shin since Friday.",
    "He can no longer lift the left foot; weaker than at the last visit.",
])
def test_a_weakness_or_numbness_getting_worse_is_progressive(text):
    assert "progressive_neuro_deficit" in present(text)


@pytest.mark.parametrize("text", [
    "Mild L5 weakness, stable, not progressive.",
    "Weak R ankle dorsiflexion since onset, not getting worse.",
    "Numbness L foot, worse with sitting.",  # a position, not a change over time
    "Numbness no longer present.",
])
def test_a_stable_or_positional_deficit_is_not_progressive(text):
    assert "progressive_neuro_deficit" not in present(text)


@pytest.mark.parametrize("text, label", [
    ("I peed my pants twice this week and didn't feel it.", "urinary_incontinence"),
    ("She can't hold her water since Sunday.", "urinary_incontinence"),
    ("He doesn't know when he has to pee anymore.", "urinary_incontinence"),
    ("When I try to pee nothing comes out.", "urinary_retention"),
    ("Had an accident in my pants, stool, at work.", "bowel_incontinence"),
    ("I can't feel anything down there.", "saddle_anesthesia"),
    ("While wiping she couldn't feel the paper.", "saddle_anesthesia"),
    ("Can't keep an erection since the back went out.", "sexual_dysfunction"),
    ("Both legs keep giving out on me since yesterday.", "bilateral_leg_deficit"),
    ("My legs went to jelly on the stairs.", "bilateral_leg_deficit"),
    ("Her right foot drags when she walks.", "progressive_neuro_deficit"),
    ("He was in the hospital with a blood infection last month.", "recent_infection"),
    ("Got an epidural at the pain clinic about two weeks ago.", "recent_spinal_procedure"),
])
def test_lay_words_for_red_flags(text, label):
    assert label in present(text)


@pytest.mark.parametrize("text, label", [
    ("Her PSA shot up last year.", "iv_drug_use"),
    ("Denies accidents in his pants.", "urinary_incontinence"),
    ("My legs feel heavy after walking two blocks.", "bilateral_leg_deficit"),
    ("Pt had an abscessed tooth last week, on amoxicillin.", "recent_infection"),
    ("Encouraged weight loss and walking.", "unexplained_weight_loss"),
])
def test_lay_traps(text, label):
    assert label not in present(text)


def test_planning_words_plan_treatments_not_conditions():
    found = {f.label: f.present for f in extractor.analyze(
        "Will order MRI to rule out cauda equina; will start gabapentin.").findings}
    assert found == {"cauda_equina_syndrome": True, "neuropathic_agent": False}
    assert "urinary_retention" in present("I try to pee and nothing comes out.")


def test_a_treatment_inside_a_recent_procedure_is_still_found():
    found = {f.label: f.response for f in extractor.analyze("L4-5 ESI 2 weeks ago with no relief.", "2026-06-01").findings}
    assert found == {"recent_spinal_procedure": None, "epidural_steroid_injection": "failed"}


@pytest.mark.parametrize("text, label", [
    ("Repeat exam: R EHL (4/5 -> 3/5).", "progressive_neuro_deficit"),
    ("Her weight went down from 150 to 131 lb since spring.", "unexplained_weight_loss"),
    ("Takes prednisone 20 mg every morning since 2018 for asthma.", "chronic_steroid_use"),
    ("Wife took his temperature last night and it read 101.9.", "fever"),
    ("Blood cultures drawn Monday growing gram positive cocci.", "recent_infection"),
    ("Got bucked off a horse on Sunday.", "significant_trauma"),
])
def test_values_and_events_told_in_a_sentence(text, label):
    assert label in present(text)


def test_an_improving_grade_or_a_normal_temperature_in_a_sentence_is_not_a_red_flag():
    assert "progressive_neuro_deficit" not in present("R EHL 3/5 -> 4/5 after PT.")
    assert "fever" not in present("Mom took her temperature and it was 98.4.")


def test_a_relative_quoted_speaks_about_the_patient():
    assert "urinary_incontinence" in present('Pt\'s husband: "She wet the bed twice this week."')
    assert "recent_spinal_procedure" in present(
        'Message from pt\'s son: "Dad had his discectomy 2 weeks ago and the incision is red."')
    assert "urinary_incontinence" in present("Pt's daughter called, says her mom wet herself twice today.")
    assert "cancer_history" not in present("Pt says her mom had breast cancer.")
