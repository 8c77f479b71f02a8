"""Classes the patient timelines showed: how follow-up notes and patients say a treatment stopped or started
working, that a procedure is being weighed, or that the patient turned it down. Each class has a trap."""
import pytest

import extractor


def findings(text, label, note_date=None):
    return [f for f in extractor.analyze(text, note_date).findings if f.label == label]


@pytest.mark.parametrize("text, label", [
    ("Therapy progress: PT has plateaued after 12 visits.", "physical_therapy"),
    ("Four weeks of PT made minimal difference to her leg.", "physical_therapy"),
    ("Naproxen makes little difference.", "nsaid"),
])
def test_a_plateau_or_a_minimal_difference_is_a_failed_response(text, label):
    assert [f.response for f in findings(text, label)] == ["failed"]


def test_a_medicine_that_kicked_in_has_helped():
    assert [f.response for f in findings("The gabapentin finally kicked in last week.", "neuropathic_agent")] \
        == ["improved"]


@pytest.mark.parametrize("text", [
    "Sent to the pain clinic for an L4-5 ESI evaluation.",
    "I'd like to go ahead with the epidural you mentioned.",
])
def test_a_procedure_being_weighed_is_a_candidacy(text):
    found = findings(text, "intervention_candidate")
    assert found and not any(f.negated for f in found)


@pytest.mark.parametrize("text", [
    "After talking it over with my husband I don't want the surgery.",
    "He canceled the surgery date.",
    "Pt cancelled her fusion, wants to keep trying PT.",
])
def test_a_refusal_in_any_words_is_a_negated_candidacy(text):
    assert [f.negated for f in findings(text, "intervention_candidate")] == [True]


def test_an_old_operation_is_not_a_candidacy():
    assert findings("Had a lumbar operation in 2011 and his surgery went well.", "intervention_candidate") == []


def test_a_recent_procedure_is_dated_within_its_own_clause():
    dated_long_ago = "S/p L5-S1 microdiscectomy 10/2025, doing fine until 3 days ago."
    assert findings(dated_long_ago, "recent_spinal_procedure", "2026-06-01") == []
    assert findings("S/p L5-S1 microdiscectomy 3 weeks ago.", "recent_spinal_procedure", "2026-06-01")


@pytest.mark.parametrize("text, label, response", [
    ("Did well on naproxen at first but the last 3 weeks it stopped working.", "nsaid", "failed"),
    ("Started PT in May, then it quit helping.", "physical_therapy", "failed"),
    ("Takes Tylenol occasionally now, which does help.", "acetaminophen", "improved"),
    ("PT helped but the naproxen stopped working.", "nsaid", "failed"),
    ("PT helped but the naproxen stopped working.", "physical_therapy", "improved"),
])
def test_a_response_reaches_back_over_but_and_now_to_its_treatment(text, label, response):
    assert [f.response for f in findings(text, label)] == [response]


def test_a_question_about_a_treatment_is_no_response():
    assert [f.response for f in findings("Does Tylenol help at all?", "acetaminophen")] == [None]


def test_a_fall_told_without_the_word_counts_over_65_and_waits_for_an_age_without_one():
    told = "slipped on the wet kitchen floor and landed hard on her tailbone."
    assert findings(f"78F {told}", "significant_trauma")
    alone = extractor.analyze(f"She {told}")
    assert [f.label for f in alone.findings] == [] and [f.label for f in alone.awaiting_age] == ["significant_trauma"]
    assert "awaiting_age" not in alone.to_dict()
    assert findings("72F slipped on ice, caught herself and did not go down.", "significant_trauma") == []


def test_a_fall_without_an_age_reaches_the_patient_level_through_workers():
    notes = [("v1", "71 yo F, low back ache x 2 wks, no leg symptoms.", "2026-03-01"),
             ("v2", "Portal: I slipped in the shower yesterday and came down on my bottom, back much worse.",
              "2026-03-20")]
    one = extractor.analyze_patient(notes)
    assert one.decision.suspected == ["fracture"]
    assert extractor.analyze_patient(notes, n_process=2).to_dict() == one.to_dict()
