"""The decision branches of SPEC section 3, on hand-built findings."""
import pytest

from extractor.decision import decide
from extractor.findings import Finding


def f(label, **attrs):
    return Finding(label, 0, 1, **attrs)


SIX_WEEKS = [f("symptom_duration", value=56), f("radicular_pain"), f("physical_therapy", response="failed"),
             f("intervention_candidate")]


@pytest.mark.parametrize("finding, condition", [
    (f("saddle_anesthesia"), "cauda_equina"), (f("urinary_retention"), "cauda_equina"),
    (f("bilateral_leg_deficit"), "cauda_equina"), (f("cauda_equina_syndrome", uncertain=True), "cauda_equina"),
    (f("progressive_neuro_deficit"), "progressive_deficit"),
    (f("fever"), "infection"), (f("iv_drug_use", historical=True), "infection"),
    (f("elevated_inflammatory_markers"), "infection"), (f("spinal_infection", uncertain=True), "infection"),
    (f("cancer_history", historical=True), "malignancy"), (f("unexplained_weight_loss"), "malignancy"),
    (f("spinal_malignancy"), "malignancy"),
    (f("significant_trauma"), "fracture"), (f("osteoporosis"), "fracture"), (f("chronic_steroid_use"), "fracture"),
    (f("vertebral_fracture"), "fracture"),
])
def test_each_suspected_condition_is_urgent(finding, condition):
    decision = decide([finding])
    assert decision.indication == "urgent"
    assert decision.suspected == [condition]
    assert decision.missing == []


@pytest.mark.parametrize("finding", [
    f("saddle_anesthesia", negated=True), f("fever", hypothetical=True), f("cancer_history", family=True),
    f("fever", historical=True), f("vertebral_fracture", historical=True),
])
def test_absent_red_flags_are_not_urgent(finding):
    assert decide([finding]).indication == "not_indicated"


@pytest.mark.parametrize("age, urgent", [(51, True), (50, False), (None, False)])
def test_night_pain_counts_only_over_50(age, urgent):
    decision = decide([f("night_pain")], age=age)
    assert (decision.indication == "urgent") is urgent


def test_all_six_week_criteria_true_is_indicated():
    decision = decide(SIX_WEEKS)
    assert decision.indication == "indicated"
    assert decision.criteria == dict.fromkeys(decision.criteria, True)
    assert (decision.contrast, decision.coverage, decision.missing) == ("without", "lumbar", [])
    assert "8 weeks" in decision.reason and "physical therapy" in decision.reason


@pytest.mark.parametrize("days, expected", [(41, False), (42, True), (None, None)])
def test_duration_criterion(days, expected):
    findings = SIX_WEEKS[1:] + ([f("symptom_duration", value=days)] if days is not None else [])
    decision = decide(findings)
    assert decision.criteria["duration_6_weeks"] is expected
    assert (decision.indication == "indicated") is (expected is True)
    assert ("duration_6_weeks" in decision.missing) is (expected is not True)


def test_radicular_criterion_false_without_radicular_findings_and_true_with_weakness():
    without = [x for x in SIX_WEEKS if x.label != "radicular_pain"]
    assert decide(without).criteria["radicular_findings"] is False
    assert decide(without + [f("motor_weakness")]).criteria["radicular_findings"] is True
    assert decide(without + [f("sensory_deficit", negated=True)]).criteria["radicular_findings"] is False


@pytest.mark.parametrize("treatments, expected", [
    ([f("nsaid", response="failed")], True),
    ([f("nsaid", response="improved")], False),
    ([f("nsaid")], False),
    ([f("nsaid", negated=True)], None),
    ([f("physical_therapy", hypothetical=True)], None),
    ([f("physical_therapy", historical=True, response="failed")], True),  # treatment history counts
    ([], None),
])
def test_failed_conservative_therapy_criterion(treatments, expected):
    base = [x for x in SIX_WEEKS if x.label != "physical_therapy"]
    assert decide(base + treatments).criteria["failed_conservative_therapy"] is expected


@pytest.mark.parametrize("mentions, expected", [
    ([f("intervention_candidate")], True),
    ([f("intervention_candidate", negated=True)], False),
    ([f("intervention_candidate", negated=True), f("intervention_candidate")], True),
    ([f("intervention_candidate", hypothetical=True)], None),
    ([], None),
])
def test_intervention_candidate_criterion(mentions, expected):
    base = [x for x in SIX_WEEKS if x.label != "intervention_candidate"]
    assert decide(base + mentions).criteria["intervention_candidate"] is expected


def test_missing_lists_criteria_not_true_in_spec_order():
    decision = decide([f("radicular_pain")])
    assert decision.indication == "not_indicated"
    assert decision.missing == ["duration_6_weeks", "failed_conservative_therapy", "intervention_candidate"]
    assert decision.contrast is None and decision.coverage is None
    assert decision.reason.startswith("MRI not indicated")


@pytest.mark.parametrize("findings, contrast, coverage", [
    ([f("fever")], "with_and_without", "complete_spine"),
    ([f("cancer_history")], "with_and_without", "complete_spine"),
    ([f("saddle_anesthesia")], "without", "lumbar"),
    ([f("saddle_anesthesia"), f("prior_lumbar_surgery", historical=True)], "with_and_without", "lumbar"),
    (SIX_WEEKS + [f("prior_lumbar_surgery")], "with_and_without", "lumbar"),
    (SIX_WEEKS, "without", "lumbar"),
])
def test_protocol(findings, contrast, coverage):
    decision = decide(findings)
    assert (decision.contrast, decision.coverage) == (contrast, coverage)


def test_warnings_and_alternative():
    decision = decide(SIX_WEEKS + [f("claustrophobia"), f("mri_unsafe_device"), f("pregnancy", negated=True)])
    assert decision.warnings == ["mri_unsafe_device", "claustrophobia"]
    assert decision.alternative == "ct_myelography"
    assert decide(SIX_WEEKS + [f("renal_impairment")]).alternative is None
    assert decide([f("contrast_allergy")]).warnings == ["contrast_allergy"]  # reported even when not indicated


def test_urgent_reason_names_the_evidence():
    decision = decide([f("saddle_anesthesia"), f("urinary_retention"), f("fever", negated=True)])
    assert decision.reason.startswith("Suspected cauda equina syndrome: saddle anesthesia, urinary retention.")
    assert "fever" not in decision.reason


def test_age_and_duration_are_read_from_present_mentions():
    findings = [f("age", value=70, family=True), f("age", value=62), f("symptom_duration", value=90, historical=True),
                f("symptom_duration", value=20), f("symptom_duration", value=30)]
    from extractor.decision import note_age, note_duration_days
    assert note_age(findings) == 62
    assert note_duration_days(findings) == 30
