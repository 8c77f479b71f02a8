"""Return advice however it is worded is hypothetical; a symptom stated as a fact in a plan is present."""
import pytest

import extractor


def present(text):
    return {f.label for f in extractor.analyze(text).findings if f.present}


@pytest.mark.parametrize("text", [
    "Head straight to the emergency room for fevers or trouble passing urine.",
    "Call 911 for: weakness of both legs, loss of bowel control.",
    "F/u 3 wks, sooner if numbness in the saddle area or fever.",
    "Return prn for incontinence, foot drop.",
    "Educated pt on warning signs: fever, groin numbness, leg weakness.",
    "- ER for new leg weakness or urinary retention",
    "Discussed return criteria incl. fever and urinary retention.",
])
def test_return_advice_is_hypothetical(text):
    assert present(text) == set()


@pytest.mark.parametrize("text, label", [
    ("Presented to the ED for a fall from a roof.", "significant_trauma"),  # a visit made, not advice
    ("Was seen in the ER for fever of 101.6 two days ago.", "fever"),
    ("PT has failed.", "physical_therapy"),
])
def test_past_visits_and_reports_are_not_return_advice(text, label):
    assert label in present(text)


@pytest.mark.parametrize("text, label", [
    ("Plan: pt now unable to urinate since 5 am, straight cath, sent to ED.", "urinary_retention"),
    ("Disposition: admit. Progressive weakness of the L leg over 2 days.", "progressive_neuro_deficit"),
    ("Plan: temp 38.9 in clinic, blood cultures drawn.", "fever"),
])
def test_a_symptom_stated_in_a_plan_is_present(text, label):
    assert label in present(text)


def test_a_plan_still_plans_its_treatments_and_its_watch_list():
    found = {f.label: f.present for f in extractor.analyze(
        "Plan: start naproxen, PT referral. Monitor for saddle numbness.").findings}
    assert found == {"nsaid": False, "physical_therapy": False, "saddle_anesthesia": False}
