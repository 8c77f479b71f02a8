"""ConText in forms and phone notes: checklist answers, checkbox pairs, and a relative who reports the
patient's symptoms (not a family history)."""
import extractor


def attributes(text, label):
    return [(f.negated, f.family, f.present) for f in extractor.analyze(text).findings if f.label == label]


def test_bare_n_answers_negate_their_item():
    result = extractor.analyze("MRI screen: pacemaker N; cochlear implant N / claustrophobia N\nCr 0.8")
    assert {f.label: f.negated for f in result.findings} == {"mri_unsafe_device": True, "claustrophobia": True}
    assert result.decision.warnings == []


def test_an_n_that_is_no_answer_negates_nothing():
    assert attributes("Pacemaker placed 2019, N/V today.", "mri_unsafe_device") == [(False, False, True)]


def test_checkbox_pairs():
    assert attributes("Candidate for intervention: [ ] Y [x] N", "intervention_candidate")[0][0] is True
    assert attributes("Pacemaker: [x] Y [ ] N   Claustrophobia: [ ] Y [x] N", "mri_unsafe_device") == [(False, False, True)]
    assert attributes("Pacemaker: [x] Y [ ] N   Claustrophobia: [ ] Y [x] N", "claustrophobia")[0][0] is True


def test_a_relative_reporting_is_not_family_history():
    assert attributes("Wife states he has lost bladder control since last night.", "urinary_incontinence") == \
        [(False, False, True)]
    assert attributes("Caller: pt's son. Leg weakness? yes per son, worse today.", "motor_weakness") == \
        [(False, False, True)]
    assert attributes("Sister reports he has had fevers at home.", "fever") == [(False, False, True)]
    assert attributes("Fever? no per daughter.", "fever") == [(True, False, False)]
    assert attributes("Daughter has a history of breast cancer.", "cancer_history") == [(False, True, False)]


def test_stress_leakage_is_not_new_incontinence():
    assert not attributes("Leaks a little urine when she coughs, for years.", "urinary_incontinence")[0][2]
    assert attributes("New urinary incontinence since yesterday.", "urinary_incontinence") == [(False, False, True)]


def test_lower_case_sentences_keep_negation_local():
    found = attributes("no fever. pt now reports numbness in the groin", "saddle_anesthesia")
    assert found == [(False, False, True)]


def test_with_abbreviation_is_not_a_week():
    assert extractor.analyze("Age 70 w/ fall at home, LBP.").symptom_duration_days is None


def test_a_reflex_comparison_is_not_uncertain():
    found = [f for f in extractor.analyze("Achilles 1+ L vs 2+ R.").findings if f.label == "reflex_abnormality"]
    assert [(f.present, f.uncertain) for f in found] == [(True, False)]


def test_an_mri_safety_header_ends_the_family_history_section():
    result = extractor.analyze("FHx: mother with breast cancer\nMRI safety: claustrophobic, needs sedation")
    assert {f.label: f.family for f in result.findings} == {"cancer_history": True, "claustrophobia": False}


def test_not_excluding_a_finding_is_uncertainty_not_negation():
    found = [f for f in extractor.analyze("CT does not exclude epidural abscess.").findings if f.label == "spinal_infection"]
    assert [(f.present, f.negated, f.uncertain) for f in found] == [(True, False, True)]


def test_doubt_and_low_suspicion_rule_a_condition_out():
    for text, label in [("MDM: doubt cauda equina, likely strain.", "cauda_equina_syndrome"),
                        ("Low suspicion for spinal infection at this time.", "spinal_infection")]:
        assert attributes(text, label) == [(True, False, False)], text
    assert extractor.analyze("Afebrile. Doubt cauda equina.").decision.indication != "urgent"


def test_suspicion_reaches_only_nearby_words():
    found = {f.label: f.uncertain for f in extractor.analyze(
        "IVDU, T 39.1, WBC 16 and back pain for a week; suspected epidural abscess.").findings}
    assert found["spinal_infection"] is True and found["iv_drug_use"] is False


def test_return_precautions_in_mid_line_are_hypothetical():
    result = extractor.analyze("D/c home on naproxen. Return precautions: worsening weakness, numbness in groin.")
    assert not result.present_labels & {"progressive_neuro_deficit", "saddle_anesthesia"}
    assert "nsaid" in result.present_labels


def test_fall_precautions_are_not_a_fall():
    assert "significant_trauma" not in extractor.analyze("81F with LBP. Plan: fall precautions, PT.").present_labels
    assert "significant_trauma" in extractor.analyze("81F with LBP after a fall at home.").present_labels
